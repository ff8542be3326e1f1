# Configuration whose plan produces the golden msgpack fixtures
# (scripts/capture-golden). Values are chosen to exercise the codec: known
# strings and integers, a refined unknown (string prefix), an unknown inside
# a set element, nulls, and a provider block list.
terraform {
  required_providers {
    chimesdk = { source = "chimesdk/chimesdk" }
  }
}

variable "kinesis_endpoint" { type = string }
variable "chime_endpoint" { type = string }

provider "chimesdk" {
  region      = "us-east-1"
  max_retries = 2
  endpoints {
    kinesis             = var.kinesis_endpoint
    sts                 = var.kinesis_endpoint
    chime_sdk_messaging = var.chime_endpoint
  }
}

resource "terraform_data" "later" {
  input = "x"
}

resource "chimesdk_messaging_streaming_configuration" "golden" {
  # Unknown until apply, with a known prefix: a refined unknown.
  app_instance_arn = "arn:aws:chime:us-east-1:123456789012:app-instance/${terraform_data.later.id}"

  streaming_configuration {
    data_type = "Channel"
    stream {
      name                   = "chime-messaging-golden"
      shard_count            = 3
      retention_period_hours = 48
    }
  }

  streaming_configuration {
    data_type    = "ChannelMessage"
    resource_arn = "arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-${terraform_data.later.id}"
  }
}
