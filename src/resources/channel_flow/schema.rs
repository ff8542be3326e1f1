//! The resource's model and schema, one declaration: what users write,
//! with the docs text.

use serde::{Deserialize, Serialize};

use crate::aws::tags::TagsAttr;
use crate::resources::tagging::MAX_TAGS;
use tfplugin::framework::{BlockSchema, Op, between, length_between, one_of, regex_match};
use tfplugin::value::Attr;

pub const TYPE_NAME: &str = "chimesdk_channel_flow";
pub const DEFAULT_TIMEOUTS: &[(Op, &str)] =
    &[(Op::Create, "5m"), (Op::Update, "5m"), (Op::Delete, "5m")];
/// An AppInstance ARN, as the other resources accept it.
const APP_INSTANCE_ARN_PATTERN: &str =
    r"^arn:aws[a-z-]*:chime:[a-z0-9-]+:\d{12}:app-instance/[^/]{1,1011}$";
/// The messaging model's NonEmptyResourceName: 1-256 characters of this
/// class.
const NAME_PATTERN: &str =
    r"^[\t\n\r\x20-\x7E\x{85}\x{A0}-\x{D7FF}\x{E000}-\x{FFFD}\x{10000}-\x{10FFFF}]{1,256}$";
/// The messaging model's LambdaFunctionArn: a function, optionally with a
/// version or alias.
pub const LAMBDA_ARN_PATTERN: &str = r"^arn:aws:lambda:[a-z]{2}-[a-z]+-\d{1}:\d{12}:function:[a-zA-Z0-9\-_\.]+(:(\$LATEST|[a-zA-Z0-9\-_]+))?$";
/// The model's limits on a flow's processors and their execution order.
pub const MAX_PROCESSORS: i64 = 3;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, BlockSchema)]
#[tf(
    description = "A channel flow: up to three Lambda processors that every standard message of its channels goes \
                   through before anyone sees it. The plan checks each processor's function: in the AppInstance's \
                   account and region, existing and Active, with a resource policy that lets Chime SDK messaging \
                   invoke it, and an execution role that may call `chime:ChannelFlowCallback`."
)]
pub struct Model {
    #[tf(computed, use_state_for_unknown, description = "The channel flow ARN.")]
    pub id: Attr<String>,
    #[tf(
        computed,
        use_state_for_unknown,
        description = "The channel flow ARN: the AppInstance ARN, `/channel-flow/` and an ID the service chooses.",
        identity = "The channel flow ARN, e.g. \
                    `arn:aws:chime:us-east-1:123456789012:app-instance/ID/channel-flow/FLOW`."
    )]
    pub arn: Attr<String>,
    #[tf(
        required,
        requires_replace,
        description = "ARN of the AppInstance the flow belongs to. Changing it replaces the flow (which the plan \
                       refuses while channels use it).",
        validate = regex_match(
            APP_INSTANCE_ARN_PATTERN,
            "must be an AppInstance ARN such as `arn:aws:chime:us-east-1:123456789012:app-instance/ID`",
        )
    )]
    pub app_instance_arn: Attr<String>,
    #[tf(
        required,
        description = "The flow's name (1-256 characters). Changed in place.",
        validate = regex_match(NAME_PATTERN, "must be 1 to 256 printable characters")
    )]
    pub name: Attr<String>,
    #[tf(block, list, min_items = 1, max_items = 3)]
    pub processors: Attr<Vec<ProcessorModel>>,
    #[tf(
        optional,
        description = format!(
            "Tags for the flow, merged over the provider's `default_tags` (on the same key this value wins). Keys \
             are 1-128 characters and must not start with `aws:`; values are 1-256 characters. At most {MAX_TAGS} \
             tags including the default tags. Changed in place."
        )
    )]
    pub tags: TagsAttr,
    #[tf(
        computed,
        description = "Every tag the flow has: `tags` merged over the provider's `default_tags`."
    )]
    pub tags_all: TagsAttr,
    #[tf(
        computed,
        use_state_for_unknown,
        description = "When the flow was created (RFC 3339)."
    )]
    pub created_timestamp: Attr<String>,
    #[tf(
        computed,
        description = "When the flow's name or processors last changed (RFC 3339)."
    )]
    pub last_updated_timestamp: Attr<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, BlockSchema)]
#[tf(
    description = "A processor: a Lambda function the flow's messages go through, in `execution_order`. One to \
                   three blocks; the service's default quota is one processor per flow (more is a plan warning). \
                   Changed in place."
)]
pub struct ProcessorModel {
    #[tf(
        required,
        description = "The processor's name (1-256 characters).",
        validate = regex_match(NAME_PATTERN, "must be 1 to 256 printable characters")
    )]
    pub name: Attr<String>,
    #[tf(
        required,
        description = "ARN of the Lambda function, optionally with a version or alias \
                       (`arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`), in the AppInstance's account and \
                       region.",
        validate = length_between(15, 2048),
        validate = regex_match(
            LAMBDA_ARN_PATTERN,
            "must be a Lambda function ARN such as `arn:aws:lambda:us-east-1:123456789012:function:NAME`, with an \
             optional `:VERSION` or `:ALIAS`",
        )
    )]
    pub lambda_function_arn: Attr<String>,
    #[tf(
        description = "How the function is invoked: `ASYNC`, the only type the service has. Default `ASYNC`.",
        default = "ASYNC",
        validate = one_of(&["ASYNC"])
    )]
    pub invocation_type: Attr<String>,
    #[tf(
        required,
        description = "Where the processor runs in the flow: the processors' orders are 1 to n, each once.",
        validate = between(1, MAX_PROCESSORS)
    )]
    pub execution_order: Attr<i64>,
    #[tf(
        required,
        description = "What happens to a message when the processor cannot be invoked or fails: `CONTINUE` sends \
                       it on, `ABORT` marks it FAILED.",
        validate = one_of(&["CONTINUE", "ABORT"])
    )]
    pub fallback_action: Attr<String>,
}

/// The `list "chimesdk_channel_flow"` block's `config`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, BlockSchema)]
pub struct ListConfig {
    #[tf(
        required,
        description = "ARN of the AppInstance whose channel flows are listed.",
        validate = regex_match(
            APP_INSTANCE_ARN_PATTERN,
            "must be an AppInstance ARN such as `arn:aws:chime:us-east-1:123456789012:app-instance/ID`",
        )
    )]
    pub app_instance_arn: Attr<String>,
}
