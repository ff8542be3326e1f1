# Streams an AppInstance's messages and channel events to one Kinesis data
# stream that the provider creates, encrypts and sizes.
#
# Against AWS: set app_instance_arn and leave the endpoint variables unset.
# Locally (scripts/demo does this): the endpoints point at moto and chimesdk-local.

terraform {
  required_providers {
    chimesdk = {
      source  = "chimesdk/chimesdk"
      version = "~> 0.1"
    }
  }
}

variable "app_instance_arn" {
  description = "ARN of the Chime SDK AppInstance whose data is streamed."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:chime:[a-z0-9-]+:[0-9]{12}:app-instance/[^/]+$", var.app_instance_arn))
    error_message = "app_instance_arn must be an AppInstance ARN, arn:aws:chime:REGION:ACCOUNT:app-instance/ID."
  }
}

variable "region" {
  type    = string
  default = "us-east-1"

  validation {
    condition     = contains(["us-east-1", "eu-central-1"], var.region)
    error_message = "Chime SDK messaging has endpoints in us-east-1 and eu-central-1 only."
  }
}

variable "kinesis_endpoint" {
  description = "Custom Kinesis endpoint (local emulator); null for AWS."
  type        = string
  default     = null
}

variable "chime_endpoint" {
  description = "Custom Chime SDK endpoint (chimesdk-local); null for AWS."
  type        = string
  default     = null
}

variable "stream_name" {
  type    = string
  default = "chime-messaging-quickstart"

  validation {
    condition     = startswith(var.stream_name, "chime-messaging-")
    error_message = "stream_name must start with chime-messaging- (a Chime SDK messaging prerequisite)."
  }
}

provider "chimesdk" {
  region = var.region

  endpoints {
    kinesis             = var.kinesis_endpoint
    sts                 = var.kinesis_endpoint
    chime_sdk_messaging = var.chime_endpoint
    chime_sdk_identity  = var.chime_endpoint
  }
}

resource "chimesdk_messaging_streaming_configuration" "events" {
  app_instance_arn = var.app_instance_arn

  # Both data types go to one stream the provider owns.
  streaming_configuration {
    data_type = "ChannelMessage"
    stream {
      name = var.stream_name
    }
  }

  streaming_configuration {
    data_type = "Channel"
    stream {
      name = var.stream_name
    }
  }
}

output "stream_arns" {
  value = { for c in chimesdk_messaging_streaming_configuration.events.streaming_configuration : c.data_type => c.resource_arn }
}
