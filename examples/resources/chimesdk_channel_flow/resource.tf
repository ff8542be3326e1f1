# A channel flow that sends every standard message of its channels through
# one Lambda processor (a profanity filter, say) before anyone sees it.
# The plan checks the function: in this account and region, Active, with a
# resource policy that lets Chime SDK messaging (messaging.chime.amazonaws.com)
# invoke it for this AppInstance, e.g.
#   aws lambda add-permission --function-name FUNCTION_ARN \
#     --statement-id AllowChimeSdkMessagingChannelFlows \
#     --action lambda:InvokeFunction --principal messaging.chime.amazonaws.com \
#     --source-account ACCOUNT --source-arn APP_INSTANCE_ARN
# and an execution role allowed chime:ChannelFlowCallback.
terraform {
  required_version = ">= 1.0"
}

variable "lambda_function_arn" {
  type        = string
  description = "arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]"
}

resource "chimesdk_app_instance" "chat" {
  name = "chat"
}

resource "chimesdk_channel_flow" "moderation" {
  app_instance_arn = chimesdk_app_instance.chat.arn
  name             = "Moderation"

  processors {
    name                = "profanity-filter"
    lambda_function_arn = var.lambda_function_arn
    execution_order     = 1
    fallback_action     = "ABORT"
  }

  tags = {
    team = "trust-and-safety"
  }
}
