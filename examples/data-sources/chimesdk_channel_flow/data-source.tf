terraform {
  required_version = ">= 1.0"
}

variable "channel_flow_arn" {
  type = string
}

data "chimesdk_channel_flow" "this" {
  arn = var.channel_flow_arn
}

output "lambda_function_arns" {
  value = data.chimesdk_channel_flow.this.processors[*].lambda_function_arn
}
