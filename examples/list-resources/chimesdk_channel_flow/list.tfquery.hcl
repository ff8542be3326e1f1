# The channel flows of one AppInstance (Terraform 1.14+):
#   terraform query                                  lists them
#   terraform query -generate-config-out=adopted.tf  writes a resource and an
#                                                    import block for each
variable "app_instance_arn" {
  type = string
}

list "chimesdk_channel_flow" "chat" {
  provider = chimesdk
  config {
    app_instance_arn = var.app_instance_arn
  }
}
