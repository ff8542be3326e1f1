terraform {
  required_version = ">= 1.6"
}

variable "app_instance_arn" {
  type = string
}

variable "messages_stream_arn" {
  type = string
}

# Adopt a configuration made by hand or by another tool (import blocks with a
# variable id need Terraform 1.6+).
# With Terraform 1.0-1.4: terraform import chimesdk_messaging_streaming_configuration.existing ARN
import {
  to = chimesdk_messaging_streaming_configuration.existing
  id = var.app_instance_arn
}

resource "chimesdk_messaging_streaming_configuration" "existing" {
  app_instance_arn = var.app_instance_arn

  streaming_configuration {
    data_type    = "ChannelMessage"
    resource_arn = var.messages_stream_arn
  }
}
