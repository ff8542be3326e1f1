terraform {
  required_version = ">= 1.6"
}

variable "app_instance_arn" {
  type = string
}

# Adopt an AppInstance made by hand or by another tool (import blocks with a
# variable id need Terraform 1.6+).
# With Terraform 1.0-1.4: terraform import chimesdk_app_instance.existing ARN
import {
  to = chimesdk_app_instance.existing
  id = var.app_instance_arn
}

resource "chimesdk_app_instance" "existing" {
  name = "test"
}
