terraform {
  required_providers {
    chimesdk = {
      source = "chimesdk/chimesdk"
    }
  }
}

# Credentials come from the standard AWS chain (environment, shared files,
# SSO, web identity, instance metadata). Everything here is optional.
provider "chimesdk" {
  region      = "us-east-1"
  max_retries = 10

  assume_role {
    role_arn     = "arn:aws:iam::111122223333:role/terraform"
    session_name = "gitops"
  }
}

# One provider per region/account that holds AppInstances.
provider "chimesdk" {
  alias  = "eu"
  region = "eu-west-1"
}
