# Numbers Terraform cannot send as int64 or float64 travel as decimal
# strings: captured from ValidateResourceConfig (the values are invalid on
# purpose; only the bytes matter).
terraform {
  required_providers {
    chimesdk = { source = "chimesdk/chimesdk" }
  }
}

resource "chimesdk_messaging_streaming_configuration" "numbers" {
  app_instance_arn = "arn:aws:chime:us-east-1:123456789012:app-instance/n"
  streaming_configuration {
    data_type = "Channel"
    stream {
      name                   = "chime-messaging-numbers"
      shard_count            = 123456789012345678901234567890
      retention_period_hours = 0.1
    }
  }
}
