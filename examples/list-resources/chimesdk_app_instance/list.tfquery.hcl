# Every AppInstance of the provider's account and region (Terraform 1.14+):
#   terraform query                                  lists them
#   terraform query -generate-config-out=adopted.tf  writes a resource and an
#                                                    import block for each
list "chimesdk_app_instance" "all" {
  provider = chimesdk
  limit    = 1000
}
