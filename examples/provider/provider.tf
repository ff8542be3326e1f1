terraform {
  required_version = ">= 1.0"

  required_providers {
    chimesdk = {
      source  = "chimesdk/chimesdk"
      version = "~> 0.1"
    }
  }
}

# Credentials come from the standard AWS chain (environment, shared files,
# SSO, web identity, instance metadata). Everything here is optional.
provider "chimesdk" {
  region              = "us-east-1"
  max_retries         = 10
  allowed_account_ids = ["111122223333"]

  assume_role {
    role_arn     = "arn:aws:iam::111122223333:role/terraform"
    session_name = "gitops"
    duration     = "1h"
  }

  # On every stream the provider manages; a resource's own tags win.
  default_tags {
    tags = {
      managed-by = "terraform"
      repository = "platform/chime-streaming"
    }
  }
}

# A pipeline authenticating by OIDC (GitHub Actions: `permissions: id-token:
# write`), in the other region where Chime SDK messaging exists.
provider "chimesdk" {
  alias  = "eu"
  region = "eu-central-1"

  assume_role_with_web_identity {
    role_arn                = "arn:aws:iam::444455556666:role/github-actions"
    web_identity_token_file = "/tmp/web-identity-token"
  }
}
