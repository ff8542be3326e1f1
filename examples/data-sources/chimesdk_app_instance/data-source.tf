terraform {
  required_version = ">= 1.0"
}

variable "app_instance_arn" {
  type = string
}

data "chimesdk_app_instance" "this" {
  arn = var.app_instance_arn
}

output "app_instance_name" {
  value = data.chimesdk_app_instance.this.name
}
