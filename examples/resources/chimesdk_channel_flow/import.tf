terraform {
  required_version = ">= 1.6"
}

variable "channel_flow_arn" {
  type = string
}

variable "lambda_function_arn" {
  type = string
}

# Adopt a channel flow made by hand or by another tool (import blocks with a
# variable id need Terraform 1.6+).
# With Terraform 1.0-1.4: terraform import chimesdk_channel_flow.existing ARN
import {
  to = chimesdk_channel_flow.existing
  id = var.channel_flow_arn
}

resource "chimesdk_channel_flow" "existing" {
  app_instance_arn = split("/channel-flow/", var.channel_flow_arn)[0]
  name             = "Redaction"

  processors {
    name                = "pii-redaction"
    lambda_function_arn = var.lambda_function_arn
    execution_order     = 1
    fallback_action     = "CONTINUE"
  }
}
