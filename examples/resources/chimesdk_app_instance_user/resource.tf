# A bot user in an AppInstance: the identity a backend sends messages as,
# deleted by the service a year after it was created unless renewed.
terraform {
  required_version = ">= 1.0"
}

resource "chimesdk_app_instance" "chat" {
  name = "chat"
}

resource "chimesdk_app_instance_user" "support_bot" {
  app_instance_arn     = chimesdk_app_instance.chat.arn
  app_instance_user_id = "support-bot"
  name                 = "Support bot"
  metadata             = jsonencode({ role = "bot" })
  expiration_days      = 365

  tags = {
    team = "support"
  }
}
