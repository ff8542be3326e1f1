# The configuration the pipelines above plan and apply: one AppInstance's
# streaming, credentials by web identity (AWS_ROLE_ARN and
# AWS_WEB_IDENTITY_TOKEN_FILE, set by the workflow).
terraform {
  required_version = ">= 1.0"

  required_providers {
    chimesdk = {
      source  = "chimesdk/chimesdk"
      version = "~> 0.1"
    }
  }
}

variable "app_instance_arn" {
  type = string
}

provider "chimesdk" {
  allowed_account_ids = ["111122223333"]

  assume_role_with_web_identity {
    session_name = "github-actions"
  }

  default_tags {
    tags = { managed-by = "terraform" }
  }
}

resource "chimesdk_messaging_streaming_configuration" "events" {
  app_instance_arn = var.app_instance_arn

  streaming_configuration {
    data_type = "ChannelMessage"
    stream {
      name        = "chime-messaging-events"
      shard_count = 2
    }
  }
}
