terraform {
  required_version = ">= 1.0"
}

variable "app_instance_bot_arn" {
  type = string
}

data "chimesdk_app_instance_bot" "this" {
  arn = var.app_instance_bot_arn
}

output "bot_alias_arn" {
  value = data.chimesdk_app_instance_bot.this.bot_alias_arn
}
