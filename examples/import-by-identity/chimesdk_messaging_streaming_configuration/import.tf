terraform {
  required_version = ">= 1.12"
}

variable "app_instance_arn" {
  type = string
}

variable "messages_stream_arn" {
  type = string
}

# Adopt a streaming configuration by its identity, the AppInstance ARN
# (Terraform 1.12+).
import {
  to       = chimesdk_messaging_streaming_configuration.existing
  identity = { app_instance_arn = var.app_instance_arn }
}

resource "chimesdk_messaging_streaming_configuration" "existing" {
  app_instance_arn = var.app_instance_arn

  streaming_configuration {
    data_type    = "ChannelMessage"
    resource_arn = var.messages_stream_arn
  }
}
