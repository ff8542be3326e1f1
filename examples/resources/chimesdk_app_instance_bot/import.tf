terraform {
  required_version = ">= 1.6"
}

variable "app_instance_bot_arn" {
  type = string
}

variable "bot_alias_arn" {
  type = string
}

# Adopt a bot made by hand or by another tool (import blocks with a variable
# id need Terraform 1.6+).
# With Terraform 1.0-1.4: terraform import chimesdk_app_instance_bot.existing ARN
import {
  to = chimesdk_app_instance_bot.existing
  id = var.app_instance_bot_arn
}

resource "chimesdk_app_instance_bot" "existing" {
  app_instance_arn = split("/bot/", var.app_instance_bot_arn)[0]
  name             = "Triage"

  lex {
    bot_alias_arn = var.bot_alias_arn
    locale_id     = "en_US"
  }
}
