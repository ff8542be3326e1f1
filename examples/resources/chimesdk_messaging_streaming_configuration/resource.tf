terraform {
  required_version = ">= 1.0"
}

variable "app_instance_arn" {
  description = "e.g. awscc_chime_app_instance.main.app_instance_arn"
  type        = string
}

variable "messages_stream_arn" {
  description = "A stream managed elsewhere, e.g. aws_kinesis_stream.messages.arn"
  type        = string
}

resource "chimesdk_messaging_streaming_configuration" "events" {
  app_instance_arn = var.app_instance_arn

  # Bring your own stream: checked at plan time, never modified.
  streaming_configuration {
    data_type    = "ChannelMessage"
    resource_arn = var.messages_stream_arn
  }

  # Or let the provider own the stream: created, encrypted, scaled, waited for.
  streaming_configuration {
    data_type = "Channel"
    stream {
      name                   = "chime-messaging-channel-events"
      shard_count            = 2
      kms_key_id             = "alias/aws/kinesis"
      retention_period_hours = 24
      retain_on_destroy      = false
      tags = {
        team        = "messaging"
        cost-center = "cc-1234"
      }
    }
  }

  timeouts {
    create = "10m"
    update = "30m"
    delete = "15m"
  }
}
