# Keep channel messages for a year; older ones are deleted for good (the
# plan warns with the cut-off date before a period is set or shortened).
terraform {
  required_version = ">= 1.0"
}

resource "chimesdk_app_instance" "chat" {
  name = "chat"
}

resource "chimesdk_app_instance_retention_settings" "chat" {
  app_instance_arn = chimesdk_app_instance.chat.arn
  retention_days   = 365
}
