# A Lex V2 bot that answers in the AppInstance's channels when mentioned.
# The plan checks its alias: in this account and region, Available with the
# locale enabled, and a resource policy that lets Chime SDK messaging
# (messaging.chime.amazonaws.com) run it for this AppInstance's bots.
terraform {
  required_version = ">= 1.0"
}

variable "bot_alias_arn" {
  type        = string
  description = "arn:aws:lex:REGION:ACCOUNT:bot-alias/BOT_ID/ALIAS_ID"
}

resource "chimesdk_app_instance" "chat" {
  name = "chat"
}

resource "chimesdk_app_instance_bot" "helpdesk" {
  app_instance_arn = chimesdk_app_instance.chat.arn
  name             = "Helpdesk"
  metadata         = jsonencode({ team = "support" })

  lex {
    bot_alias_arn  = var.bot_alias_arn
    locale_id      = "en_US"
    welcome_intent = "Welcome"

    invoked_by {
      standard_messages = "MENTIONS"
      targeted_messages = "ALL"
    }
  }

  tags = {
    team = "support"
  }
}
