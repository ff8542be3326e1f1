# Creates a Chime SDK AppInstance and streams its messages and channel events
# to one Kinesis data stream that the provider creates, encrypts and sizes.
#
# Against AWS: leave the endpoint variables unset.
# Locally (scripts/demo does this): the endpoints point at moto and chimesdk-local.

terraform {
  required_version = ">= 1.3" # startswith(); free-form validation messages: 1.2

  required_providers {
    chimesdk = {
      source  = "chimesdk/chimesdk"
      version = "~> 0.1"
    }
  }
}

variable "app_instance_name" {
  description = "Name of the Chime SDK AppInstance this module creates."
  type        = string
  default     = "quickstart"

  validation {
    condition     = length(trimspace(var.app_instance_name)) > 0 && length(var.app_instance_name) <= 256
    error_message = "app_instance_name must be 1-256 characters and not only white space."
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

resource "chimesdk_app_instance" "this" {
  name = var.app_instance_name
}

resource "chimesdk_messaging_streaming_configuration" "events" {
  app_instance_arn = chimesdk_app_instance.this.arn

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

output "app_instance_arn" {
  value = chimesdk_app_instance.this.arn
}

output "stream_arns" {
  value = { for c in chimesdk_messaging_streaming_configuration.events.streaming_configuration : c.data_type => c.resource_arn }
}
