# A moderator for every channel: a user of the AppInstance made its admin.
terraform {
  required_version = ">= 1.0"
}

resource "chimesdk_app_instance" "chat" {
  name = "chat"
}

resource "chimesdk_app_instance_user" "moderator" {
  app_instance_arn     = chimesdk_app_instance.chat.arn
  app_instance_user_id = "moderator"
  name                 = "Moderator"
}

resource "chimesdk_app_instance_admin" "moderator" {
  app_instance_arn       = chimesdk_app_instance.chat.arn
  app_instance_admin_arn = chimesdk_app_instance_user.moderator.arn
}
