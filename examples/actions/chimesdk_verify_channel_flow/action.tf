terraform {
  required_version = ">= 1.14"
}

variable "app_instance_arn" {
  type = string
}

variable "lambda_function_arn" {
  type = string
}

# Proves the processors handle messages: after every create or update of the
# flow, and on demand with
#   terraform apply -invoke=action.chimesdk_verify_channel_flow.this
action "chimesdk_verify_channel_flow" "this" {
  config {
    channel_flow_arn = chimesdk_channel_flow.this.arn
    timeout          = "2m"
  }
}

resource "chimesdk_channel_flow" "this" {
  app_instance_arn = var.app_instance_arn
  name             = "Moderation"

  processors {
    name                = "profanity-filter"
    lambda_function_arn = var.lambda_function_arn
    execution_order     = 1
    fallback_action     = "ABORT"
  }

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.chimesdk_verify_channel_flow.this]
    }
  }
}
