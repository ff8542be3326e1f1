terraform {
  required_version = ">= 1.0"
}

variable "app_instance_user_arn" {
  type = string
}

data "chimesdk_app_instance_user" "this" {
  arn = var.app_instance_user_arn
}

output "user_name" {
  value = data.chimesdk_app_instance_user.this.name
}
