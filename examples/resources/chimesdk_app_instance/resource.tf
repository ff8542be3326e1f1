# One AppInstance per tenant, tagged, with its data streamed to a stream the
# provider manages.
terraform {
  required_version = ">= 1.0"
}

variable "tenant" {
  type    = string
  default = "acme"
}

resource "chimesdk_app_instance" "tenant" {
  name     = "chat-${var.tenant}"
  metadata = jsonencode({ tier = "standard" })

  tags = {
    tenant = var.tenant
  }
}

resource "chimesdk_messaging_streaming_configuration" "tenant" {
  app_instance_arn = chimesdk_app_instance.tenant.arn

  streaming_configuration {
    data_type = "ChannelMessage"
    stream {
      name = "chime-messaging-${var.tenant}"
    }
  }
}
