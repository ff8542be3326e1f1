terraform {
  required_version = ">= 1.6"
}

variable "app_instance_arn" {
  type = string
}

variable "retention_days" {
  type = number
}

# Adopt a retention set by hand or by another tool: the import ID is the
# AppInstance's ARN (import blocks with a variable id need Terraform 1.6+).
# With Terraform 1.0-1.4: terraform import chimesdk_app_instance_retention_settings.existing APP_ARN
import {
  to = chimesdk_app_instance_retention_settings.existing
  id = var.app_instance_arn
}

resource "chimesdk_app_instance_retention_settings" "existing" {
  app_instance_arn = var.app_instance_arn
  retention_days   = var.retention_days
}
