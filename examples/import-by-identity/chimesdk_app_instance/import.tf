terraform {
  required_version = ">= 1.12"
}

variable "app_instance_arn" {
  type = string
}

# Adopt an AppInstance by its identity (Terraform 1.12+); `terraform query
# -generate-config-out` writes blocks like these for every AppInstance.
import {
  to       = chimesdk_app_instance.existing
  identity = { arn = var.app_instance_arn }
}

resource "chimesdk_app_instance" "existing" {
  name = "test"
}
