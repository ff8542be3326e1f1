terraform {
  required_version = ">= 1.14"
}

variable "app_instance_arn" {
  type = string
}

# Proves events reach the streams: after every create or update of the
# streaming configuration, and on demand with
#   terraform apply -invoke=action.chimesdk_verify_streaming.this
action "chimesdk_verify_streaming" "this" {
  config {
    app_instance_arn = var.app_instance_arn
    timeout          = "2m"
  }
}

resource "chimesdk_messaging_streaming_configuration" "this" {
  app_instance_arn = var.app_instance_arn

  streaming_configuration {
    data_type = "ChannelMessage"
    stream {
      name = "chime-messaging-verified"
    }
  }

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.chimesdk_verify_streaming.this]
    }
  }
}
