terraform {
  required_version = ">= 1.6"
}

variable "app_instance_user_arn" {
  type = string
}

# Adopt a user made by hand or by another tool (import blocks with a variable
# id need Terraform 1.6+).
# With Terraform 1.0-1.4: terraform import chimesdk_app_instance_user.existing ARN
import {
  to = chimesdk_app_instance_user.existing
  id = var.app_instance_user_arn
}

resource "chimesdk_app_instance_user" "existing" {
  app_instance_arn     = split("/user/", var.app_instance_user_arn)[0]
  app_instance_user_id = "agent-7"
  name                 = "Agent 7"
}
