terraform {
  required_version = ">= 1.6"
}

variable "app_instance_arn" {
  type = string
}

variable "admin_arn" {
  type = string
}

# Adopt an admin made by hand or by another tool: the import ID is both ARNs,
# joined by a comma (import blocks with a variable id need Terraform 1.6+).
# With Terraform 1.0-1.4: terraform import chimesdk_app_instance_admin.existing 'APP_ARN,ADMIN_ARN'
import {
  to = chimesdk_app_instance_admin.existing
  id = "${var.app_instance_arn},${var.admin_arn}"
}

resource "chimesdk_app_instance_admin" "existing" {
  app_instance_arn       = var.app_instance_arn
  app_instance_admin_arn = var.admin_arn
}
