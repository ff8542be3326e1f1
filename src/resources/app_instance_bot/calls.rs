//! The AWS calls of `chimesdk_app_instance_bot`: Chime SDK identity's
//! AppInstanceBot operations, through the provider's one call helper.
//! DescribeAppInstanceBot models a NotFoundException (proof that the bot is
//! gone); any other ambiguous answer is settled by ListAppInstanceBots.

use aws_sdk_chimesdkidentity::types::{
    Configuration, InvokedBy, LexConfiguration, StandardMessages, TargetedMessages,
};

use crate::aws::Aws;
use crate::aws::app_instances::{listed_in_app_instance, rfc3339, tag_list};
use crate::aws::error::AwsError;
use crate::aws::gone::{Listed, deleted_or_listed, found_or_listed, list_to_the_end};
use crate::aws::tags::Tags;

/// A bot's `Configuration.Lex`, as sent and as read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lex {
    pub bot_alias_arn: String,
    pub locale_id: String,
    pub welcome_intent: Option<String>,
    /// (standard messages, targeted messages).
    pub invoked_by: Option<(String, String)>,
}

/// What DescribeAppInstanceBot says about a bot.
pub struct Bot {
    pub arn: String,
    pub name: Option<String>,
    pub metadata: Option<String>,
    pub lex: Option<Lex>,
    pub created: Option<String>,
    pub last_updated: Option<String>,
}

fn configuration(lex: &Lex) -> Result<Configuration, AwsError> {
    let invoked_by = lex
        .invoked_by
        .as_ref()
        .map(|(standard, targeted)| {
            InvokedBy::builder()
                .standard_messages(StandardMessages::from(standard.as_str()))
                .targeted_messages(TargetedMessages::from(targeted.as_str()))
                .build()
        })
        .transpose()
        .map_err(|e| AwsError::Other(e.to_string()))?;
    let lex = LexConfiguration::builder()
        .lex_bot_alias_arn(&lex.bot_alias_arn)
        .locale_id(&lex.locale_id)
        .set_welcome_intent(lex.welcome_intent.clone())
        .set_invoked_by(invoked_by)
        .build()
        .map_err(|e| AwsError::Other(e.to_string()))?;
    Ok(Configuration::builder().lex(lex).build())
}

/// CreateAppInstanceBot; `token` makes a retried call return the same bot.
pub async fn create(
    c: &Aws<'_>,
    app_instance_arn: &str,
    name: &str,
    metadata: Option<&str>,
    lex: &Lex,
    tags: &Tags,
    token: &str,
) -> Result<String, AwsError> {
    let configuration = configuration(lex)?;
    let tags = tag_list(tags)?;
    let out = c
        .call("CreateAppInstanceBot", || {
            c.identity
                .create_app_instance_bot()
                .app_instance_arn(app_instance_arn)
                .name(name)
                .set_metadata(metadata.map(str::to_string))
                .configuration(configuration.clone())
                .set_tags(tags.clone())
                .client_request_token(token)
                .send()
        })
        .await?;
    out.app_instance_bot_arn()
        .map(str::to_string)
        .ok_or_else(|| AwsError::Other("CreateAppInstanceBot returned no AppInstanceBotArn".into()))
}

/// DescribeAppInstanceBot; `None` only when it is proven gone.
pub async fn find(c: &Aws<'_>, arn: &str) -> Result<Option<Bot>, AwsError> {
    let answer = c
        .call("DescribeAppInstanceBot", || {
            c.identity
                .describe_app_instance_bot()
                .app_instance_bot_arn(arn)
                .send()
        })
        .await;
    let found =
        found_or_listed(answer, &format!("AppInstanceBot {arn}"), || listed(c, arn)).await?;
    let Some(out) = found else { return Ok(None) };
    let Some(b) = out.app_instance_bot() else {
        return Err(AwsError::Other(format!(
            "DescribeAppInstanceBot for {arn} returned no AppInstanceBot"
        )));
    };
    let lex = b.configuration().and_then(|c| c.lex()).map(|l| Lex {
        bot_alias_arn: l.lex_bot_alias_arn().to_string(),
        locale_id: l.locale_id().to_string(),
        welcome_intent: l.welcome_intent().map(str::to_string),
        invoked_by: l.invoked_by().map(|i| {
            (
                i.standard_messages().as_str().to_string(),
                i.targeted_messages().as_str().to_string(),
            )
        }),
    });
    Ok(Some(Bot {
        arn: b.app_instance_bot_arn().unwrap_or(arn).to_string(),
        name: b.name().map(str::to_string),
        metadata: b.metadata().map(str::to_string),
        lex,
        created: rfc3339(b.created_timestamp()),
        last_updated: rfc3339(b.last_updated_timestamp()),
    }))
}

/// UpdateAppInstanceBot: name and metadata (both required by the model)
/// and the configuration.
pub async fn update(
    c: &Aws<'_>,
    arn: &str,
    name: &str,
    metadata: &str,
    lex: &Lex,
) -> Result<(), AwsError> {
    let configuration = configuration(lex)?;
    c.call("UpdateAppInstanceBot", || {
        c.identity
            .update_app_instance_bot()
            .app_instance_bot_arn(arn)
            .name(name)
            .metadata(metadata)
            .configuration(configuration.clone())
            .send()
    })
    .await?;
    Ok(())
}

/// DeleteAppInstanceBot; one proven gone counts as deleted.
pub async fn delete(c: &Aws<'_>, arn: &str) -> Result<(), AwsError> {
    let answer = c
        .call("DeleteAppInstanceBot", || {
            c.identity
                .delete_app_instance_bot()
                .app_instance_bot_arn(arn)
                .send()
        })
        .await;
    deleted_or_listed(answer, &format!("AppInstanceBot {arn}"), || listed(c, arn)).await
}

/// The most ListAppInstanceBots returns per page (the model's MaxResults).
const LIST_PAGE_MAX: i32 = 50;

/// One page of ListAppInstanceBots: (ARN, name) of each bot and the next
/// token.
pub async fn list_page(
    c: &Aws<'_>,
    app_instance_arn: &str,
    next_token: Option<String>,
) -> Result<(Vec<(String, Option<String>)>, Option<String>), AwsError> {
    let out = c
        .call("ListAppInstanceBots", || {
            c.identity
                .list_app_instance_bots()
                .app_instance_arn(app_instance_arn)
                .max_results(LIST_PAGE_MAX)
                .set_next_token(next_token.clone())
                .send()
        })
        .await?;
    let bots = out
        .app_instance_bots()
        .iter()
        .filter_map(|b| {
            b.app_instance_bot_arn()
                .map(|arn| (arn.to_string(), b.name().map(str::to_string)))
        })
        .collect();
    Ok((
        bots,
        out.next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string),
    ))
}

/// Whether ListAppInstanceBots of the bot's AppInstance, read to the end,
/// lists the bot (an AppInstance proven gone proves the bot gone too).
async fn listed(c: &Aws<'_>, arn: &str) -> Result<Listed, AwsError> {
    let Some((app_instance_arn, _)) = arn.rsplit_once("/bot/") else {
        return Err(AwsError::Other(format!(
            "{arn} is not an AppInstanceBot ARN (APP_INSTANCE_ARN/bot/ID)"
        )));
    };
    let listing = list_to_the_end(
        "ListAppInstanceBots",
        |token| list_page(c, app_instance_arn, token),
        |bot: &(String, Option<String>)| bot.0 == arn,
    )
    .await;
    listed_in_app_instance(c, app_instance_arn, listing).await
}
