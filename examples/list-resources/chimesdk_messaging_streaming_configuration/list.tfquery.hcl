# Every AppInstance of the provider's account and region that streams to
# Kinesis, e.g. configured by hand with the AWS CLI (Terraform 1.14+):
#   terraform query -generate-config-out=adopted.tf
list "chimesdk_messaging_streaming_configuration" "all" {
  provider = chimesdk
  limit    = 1000
}
