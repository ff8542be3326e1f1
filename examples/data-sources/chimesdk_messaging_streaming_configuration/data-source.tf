terraform {
  required_version = ">= 1.0"
}

variable "app_instance_arn" {
  type = string
}

data "chimesdk_messaging_streaming_configuration" "current" {
  app_instance_arn = var.app_instance_arn
}

output "streams_by_data_type" {
  value = { for c in data.chimesdk_messaging_streaming_configuration.current.streaming_configurations : c.data_type => c.resource_arn }
}
