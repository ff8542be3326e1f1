//! Data source `chimesdk_app_instance_bot`: a bot read by ARN.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{app_of_bot, calls};
use crate::aws::tags::{TagsAttr, tags_attr};
use crate::aws::{Aws, AwsClients};
use tfplugin::framework::{BlockSchema, CallContext, Diagnostics, TypedDataSource, truncated};
use tfplugin::value::{Attr, AttributePath};

pub struct AppInstanceBotData;

#[derive(Debug, Clone, Serialize, Deserialize, BlockSchema)]
#[tf(description = "Reads an Amazon Chime SDK AppInstanceBot by its ARN.")]
pub struct DataModel {
    #[tf(required, description = "ARN of the AppInstanceBot.")]
    arn: Attr<String>,
    #[tf(computed, description = "The AppInstanceBot ARN.")]
    id: Attr<String>,
    #[tf(computed, description = "ARN of the bot's AppInstance.")]
    app_instance_arn: Attr<String>,
    #[tf(computed, description = "The bot's name.")]
    name: Attr<String>,
    #[tf(
        computed,
        sensitive,
        description = "The bot's metadata (sensitive, as the service model marks it)."
    )]
    metadata: Attr<String>,
    #[tf(computed, description = "ARN of the Lex V2 bot alias the bot runs.")]
    bot_alias_arn: Attr<String>,
    #[tf(computed, description = "The Lex bot's locale.")]
    locale_id: Attr<String>,
    #[tf(
        computed,
        description = "The intent the bot runs when it joins a channel."
    )]
    welcome_intent: Attr<String>,
    #[tf(
        computed,
        description = "Which standard messages the bot answers (`AUTO`, `ALL`, `MENTIONS`, `NONE`)."
    )]
    standard_messages: Attr<String>,
    #[tf(
        computed,
        description = "Which targeted messages the bot answers (`ALL`, `NONE`)."
    )]
    targeted_messages: Attr<String>,
    #[tf(computed, description = "Every tag the bot has.")]
    tags: TagsAttr,
    #[tf(computed, description = "When the bot was created (RFC 3339).")]
    created_timestamp: Attr<String>,
    #[tf(computed, description = "When it last changed (RFC 3339).")]
    last_updated_timestamp: Attr<String>,
}

#[async_trait]
impl TypedDataSource for AppInstanceBotData {
    type Model = DataModel;
    type Data = AwsClients;
    const TYPE_NAME: &'static str = super::schema::TYPE_NAME;

    fn validate(&self, config: &DataModel, diags: &mut Diagnostics) {
        if let Attr::Known(raw) = &config.arn
            && let Err(why) = app_of_bot(raw)
        {
            diags.error_at(
                AttributePath::attr("arn"),
                "Invalid AppInstanceBot ARN",
                format!(
                    "arn = {:?} is not an AppInstanceBot ARN: {why}. It is the AppInstance's ARN, `/bot/` and the \
                     bot's ID.",
                    truncated(raw.clone(), 200)
                ),
            );
        }
    }

    async fn read(
        &self,
        config: DataModel,
        c: &AwsClients,
        ctx: &CallContext,
        diags: &mut Diagnostics,
    ) -> Option<DataModel> {
        let c = &Aws::new(c, ctx);
        let Some(arn) = config.arn.known().cloned() else {
            diags.error_at(
                AttributePath::attr("arn"),
                "arn is not known",
                "It must be known to read.",
            );
            return None;
        };
        let (bot, tags) = crate::resources::read_tagged(
            "AppInstanceBot",
            "DescribeAppInstanceBot",
            &arn,
            calls::find(c, &arn),
            crate::aws::app_instances::list_tags(c, &arn),
            diags,
        )
        .await?;
        let lex = bot.lex.as_ref();
        let invoked_by = lex.and_then(|l| l.invoked_by.as_ref());
        Some(DataModel {
            id: Attr::Known(bot.arn.clone()),
            app_instance_arn: app_of_bot(&bot.arn).map(|a| a.to_string()).ok().into(),
            arn: Attr::Known(bot.arn),
            name: bot.name.into(),
            metadata: bot.metadata.into(),
            bot_alias_arn: lex.map(|l| l.bot_alias_arn.clone()).into(),
            locale_id: lex.map(|l| l.locale_id.clone()).into(),
            welcome_intent: lex.and_then(|l| l.welcome_intent.clone()).into(),
            standard_messages: invoked_by.map(|(s, _)| s.clone()).into(),
            targeted_messages: invoked_by.map(|(_, t)| t.clone()).into(),
            tags: tags_attr(&tags),
            created_timestamp: bot.created.into(),
            last_updated_timestamp: bot.last_updated.into(),
        })
    }
}
