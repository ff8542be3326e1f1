//! The resource's model and schema, one declaration: what users write,
//! with the docs text.

use serde::{Deserialize, Serialize};

use crate::aws::tags::TagsAttr;
use crate::resources::app_instance::schema::METADATA_PATTERN;
use crate::resources::tagging::MAX_TAGS;
use tfplugin::framework::{BlockSchema, Op, length_between, one_of, regex_match};
use tfplugin::value::Attr;

pub const TYPE_NAME: &str = "chimesdk_app_instance_bot";
pub const DEFAULT_TIMEOUTS: &[(Op, &str)] =
    &[(Op::Create, "5m"), (Op::Update, "5m"), (Op::Delete, "5m")];
/// An AppInstance ARN, as the other resources accept it.
const APP_INSTANCE_ARN_PATTERN: &str =
    r"^arn:aws[a-z-]*:chime:[a-z0-9-]+:\d{12}:app-instance/[^/]{1,1011}$";
/// The identity model's ResourceName: 0-256 characters of this class.
const NAME_PATTERN: &str =
    r"^[\t\n\r\x20-\x7E\x{85}\x{A0}-\x{D7FF}\x{E000}-\x{FFFD}\x{10000}-\x{10FFFF}]{0,256}$";
/// The identity model's LexBotAliasArn.
pub const LEX_BOT_ALIAS_ARN_PATTERN: &str =
    r"^arn:aws:lex:[a-z]{2}-[a-z]+-\d{1}:\d{12}:bot-alias/[A-Z0-9]{10}/[A-Z0-9]{10}$";
/// The identity model's LexIntentName.
const INTENT_PATTERN: &str = r"^([A-Za-z]_?)+$";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, BlockSchema)]
#[tf(
    description = "An AppInstanceBot: an Amazon Lex V2 bot that answers in an Amazon Chime SDK AppInstance's \
                   channels. The plan checks the Lex V2 bot alias it names: in the AppInstance's account and region, \
                   existing and Available with the locale enabled, and with a resource policy that lets Chime SDK \
                   messaging run it."
)]
pub struct Model {
    #[tf(
        computed,
        use_state_for_unknown,
        description = "The AppInstanceBot ARN."
    )]
    pub id: Attr<String>,
    #[tf(
        computed,
        use_state_for_unknown,
        description = "The AppInstanceBot ARN: the AppInstance ARN, `/bot/` and an ID the service chooses.",
        identity = "The AppInstanceBot ARN, e.g. `arn:aws:chime:us-east-1:123456789012:app-instance/ID/bot/BOT`."
    )]
    pub arn: Attr<String>,
    #[tf(
        required,
        requires_replace,
        description = "ARN of the AppInstance the bot belongs to. Changing it replaces the bot.",
        validate = regex_match(
            APP_INSTANCE_ARN_PATTERN,
            "must be an AppInstance ARN such as `arn:aws:chime:us-east-1:123456789012:app-instance/ID`",
        )
    )]
    pub app_instance_arn: Attr<String>,
    #[tf(
        required,
        description = "The bot's display name in channels (at most 256 characters). Changed in place.",
        validate = regex_match(NAME_PATTERN, "must be at most 256 printable characters")
    )]
    pub name: Attr<String>,
    #[tf(
        optional,
        sensitive,
        description = "Free-form metadata. Sensitive, as the service model marks it. Changed in place.",
        validate = regex_match(METADATA_PATTERN, "must be at most 1024 characters, without line breaks")
    )]
    pub metadata: Attr<String>,
    #[tf(block, single, min_items = 1, max_items = 1)]
    pub lex: Attr<LexModel>,
    #[tf(
        optional,
        description = format!(
            "Tags for the bot, merged over the provider's `default_tags` (on the same key this value wins). Keys are \
             1-128 characters and must not start with `aws:`; values are 1-256 characters. At most {MAX_TAGS} tags \
             including the default tags. Changed in place."
        )
    )]
    pub tags: TagsAttr,
    #[tf(
        computed,
        description = "Every tag the bot has: `tags` merged over the provider's `default_tags`."
    )]
    pub tags_all: TagsAttr,
    #[tf(
        computed,
        use_state_for_unknown,
        description = "When the bot was created (RFC 3339)."
    )]
    pub created_timestamp: Attr<String>,
    #[tf(
        computed,
        description = "When the bot's name, metadata or configuration last changed (RFC 3339)."
    )]
    pub last_updated_timestamp: Attr<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, BlockSchema)]
#[tf(
    description = "The Lex V2 bot the AppInstanceBot runs (the model's `Configuration.Lex`). Changed in place."
)]
pub struct LexModel {
    #[tf(
        required,
        description = "ARN of the Lex V2 bot alias, `arn:aws:lex:REGION:ACCOUNT:bot-alias/BOT_ID/ALIAS_ID`, in the \
                       AppInstance's account and region.",
        validate = length_between(15, 2048),
        validate = regex_match(
            LEX_BOT_ALIAS_ARN_PATTERN,
            "must be a Lex V2 bot alias ARN such as `arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/KLMNOPQRST`",
        )
    )]
    pub bot_alias_arn: Attr<String>,
    #[tf(
        required,
        description = "The bot's locale (`en_US`, say); the alias must have it enabled."
    )]
    pub locale_id: Attr<String>,
    #[tf(
        optional,
        description = "The intent the bot runs when it joins a channel (1-100 letters, single underscores between \
                       them).",
        validate = length_between(1, 100),
        validate = regex_match(INTENT_PATTERN, "must be letters with single underscores between them")
    )]
    pub welcome_intent: Attr<String>,
    #[tf(block, single)]
    pub invoked_by: Attr<InvokedByModel>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, BlockSchema)]
#[tf(description = "Which messages the bot answers (the model's `InvokedBy`).")]
pub struct InvokedByModel {
    #[tf(
        required,
        description = "`ALL` standard messages, `AUTO` (all when the channel has one other member, mentions \
                       otherwise), `MENTIONS` (messages whose `CHIME.mentions` attribute names the bot) or `NONE`.",
        validate = one_of(&["AUTO", "ALL", "MENTIONS", "NONE"])
    )]
    pub standard_messages: Attr<String>,
    #[tf(
        required,
        description = "`ALL` targeted messages sent to the bot (it answers the sender with a targeted message) \
                       or `NONE`.",
        validate = one_of(&["ALL", "NONE"])
    )]
    pub targeted_messages: Attr<String>,
}

/// The `list "chimesdk_app_instance_bot"` block's `config`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, BlockSchema)]
pub struct ListConfig {
    #[tf(
        required,
        description = "ARN of the AppInstance whose bots are listed.",
        validate = regex_match(
            APP_INSTANCE_ARN_PATTERN,
            "must be an AppInstance ARN such as `arn:aws:chime:us-east-1:123456789012:app-instance/ID`",
        )
    )]
    pub app_instance_arn: Attr<String>,
}
