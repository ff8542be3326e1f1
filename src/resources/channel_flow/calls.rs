//! The AWS calls of `chimesdk_channel_flow`: Chime SDK messaging's channel
//! flow operations, through the provider's one call helper.
//! DescribeChannelFlow models no NotFoundException: an ambiguous answer is
//! settled by ListChannelFlows of the flow's AppInstance.

use aws_sdk_chimesdkmessaging::types::{
    FallbackAction, InvocationType, LambdaConfiguration, Processor, ProcessorConfiguration,
};

use crate::aws::Aws;
use crate::aws::app_instances::{listed_in_app_instance, rfc3339};
use crate::aws::error::AwsError;
use crate::aws::gone::{Listed, deleted_or_listed, found_or_listed, list_to_the_end};
use crate::aws::messaging_tags::tag_list;
use crate::aws::tags::Tags;

/// One processor, as sent and as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub name: String,
    pub lambda_function_arn: String,
    pub invocation_type: String,
    pub execution_order: i32,
    pub fallback_action: String,
}

/// What DescribeChannelFlow says about a flow.
pub struct Flow {
    pub arn: String,
    pub name: Option<String>,
    pub processors: Vec<Step>,
    pub created: Option<String>,
    pub last_updated: Option<String>,
}

/// A channel that holds a flow, as ListChannelsAssociatedWithChannelFlow
/// names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub arn: String,
    pub name: Option<String>,
}

fn processors(steps: &[Step]) -> Result<Vec<Processor>, AwsError> {
    let built = |e: aws_sdk_chimesdkmessaging::error::BuildError| AwsError::Other(e.to_string());
    steps
        .iter()
        .map(|s| {
            let lambda = LambdaConfiguration::builder()
                .resource_arn(&s.lambda_function_arn)
                .invocation_type(InvocationType::from(s.invocation_type.as_str()))
                .build()
                .map_err(built)?;
            Processor::builder()
                .name(&s.name)
                .configuration(ProcessorConfiguration::builder().lambda(lambda).build())
                .execution_order(s.execution_order)
                .fallback_action(FallbackAction::from(s.fallback_action.as_str()))
                .build()
                .map_err(built)
        })
        .collect()
}

fn step_of(p: &Processor) -> Step {
    let lambda = p.configuration().and_then(|c| c.lambda());
    Step {
        name: p.name().to_string(),
        lambda_function_arn: lambda
            .map(|l| l.resource_arn().to_string())
            .unwrap_or_default(),
        invocation_type: lambda
            .map(|l| l.invocation_type().as_str().to_string())
            .unwrap_or_default(),
        execution_order: p.execution_order(),
        fallback_action: p.fallback_action().as_str().to_string(),
    }
}

/// CreateChannelFlow; `token` makes a retried call return the same flow.
pub async fn create(
    c: &Aws<'_>,
    app_instance_arn: &str,
    name: &str,
    steps: &[Step],
    tags: &Tags,
    token: &str,
) -> Result<String, AwsError> {
    let processors = processors(steps)?;
    let tags = tag_list(tags)?;
    let out = c
        .call("CreateChannelFlow", || {
            c.chime
                .create_channel_flow()
                .app_instance_arn(app_instance_arn)
                .name(name)
                .set_processors(Some(processors.clone()))
                .set_tags(tags.clone())
                .client_request_token(token)
                .send()
        })
        .await?;
    out.channel_flow_arn()
        .map(str::to_string)
        .ok_or_else(|| AwsError::Other("CreateChannelFlow returned no ChannelFlowArn".into()))
}

/// DescribeChannelFlow; `None` only when it is proven gone.
pub async fn find(c: &Aws<'_>, arn: &str) -> Result<Option<Flow>, AwsError> {
    let answer = c
        .call("DescribeChannelFlow", || {
            c.chime.describe_channel_flow().channel_flow_arn(arn).send()
        })
        .await;
    let found = found_or_listed(answer, &format!("channel flow {arn}"), || listed(c, arn)).await?;
    let Some(out) = found else { return Ok(None) };
    let Some(f) = out.channel_flow() else {
        return Err(AwsError::Other(format!(
            "DescribeChannelFlow for {arn} returned no ChannelFlow"
        )));
    };
    Ok(Some(Flow {
        arn: f.channel_flow_arn().unwrap_or(arn).to_string(),
        name: f.name().map(str::to_string),
        processors: f.processors().iter().map(step_of).collect(),
        created: rfc3339(f.created_timestamp()),
        last_updated: rfc3339(f.last_updated_timestamp()),
    }))
}

/// UpdateChannelFlow: the name and the processors (both required).
pub async fn update(c: &Aws<'_>, arn: &str, name: &str, steps: &[Step]) -> Result<(), AwsError> {
    let processors = processors(steps)?;
    c.call("UpdateChannelFlow", || {
        c.chime
            .update_channel_flow()
            .channel_flow_arn(arn)
            .name(name)
            .set_processors(Some(processors.clone()))
            .send()
    })
    .await?;
    Ok(())
}

/// DeleteChannelFlow; one proven gone counts as deleted.
pub async fn delete(c: &Aws<'_>, arn: &str) -> Result<(), AwsError> {
    let answer = c
        .call("DeleteChannelFlow", || {
            c.chime.delete_channel_flow().channel_flow_arn(arn).send()
        })
        .await;
    deleted_or_listed(answer, &format!("channel flow {arn}"), || listed(c, arn)).await
}

/// The most a List call of the messaging model returns per page.
const LIST_PAGE_MAX: i32 = 50;

/// One page of ListChannelFlows: (ARN, name, processors) of each flow and
/// the next token.
pub async fn list_page(
    c: &Aws<'_>,
    app_instance_arn: &str,
    next_token: Option<String>,
) -> Result<(Vec<(String, Option<String>)>, Option<String>), AwsError> {
    let out = c
        .call("ListChannelFlows", || {
            c.chime
                .list_channel_flows()
                .app_instance_arn(app_instance_arn)
                .max_results(LIST_PAGE_MAX)
                .set_next_token(next_token.clone())
                .send()
        })
        .await?;
    let flows = out
        .channel_flows()
        .iter()
        .filter_map(|f| {
            f.channel_flow_arn()
                .map(|arn| (arn.to_string(), f.name().map(str::to_string)))
        })
        .collect();
    Ok((flows, next(out.next_token())))
}

fn next(token: Option<&str>) -> Option<String> {
    token.filter(|t| !t.is_empty()).map(str::to_string)
}

/// Every channel that holds the flow (ListChannelsAssociatedWithChannelFlow
/// to the last page).
pub async fn holders(c: &Aws<'_>, arn: &str) -> Result<Vec<Holder>, AwsError> {
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = c
            .call("ListChannelsAssociatedWithChannelFlow", || {
                c.chime
                    .list_channels_associated_with_channel_flow()
                    .channel_flow_arn(arn)
                    .max_results(LIST_PAGE_MAX)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        all.extend(out.channels().iter().filter_map(|ch| {
            ch.channel_arn().map(|a| Holder {
                arn: a.to_string(),
                name: ch.name().map(str::to_string),
            })
        }));
        match next(out.next_token()) {
            // A token that repeats would loop for ever.
            Some(t) if token.as_deref() != Some(t.as_str()) => token = Some(t),
            _ => return Ok(all),
        }
    }
}

/// Whether ListChannelFlows of the flow's AppInstance, read to the end,
/// lists the flow (an AppInstance proven gone proves the flow gone too).
async fn listed(c: &Aws<'_>, arn: &str) -> Result<Listed, AwsError> {
    let Some((app_instance_arn, _)) = arn.rsplit_once("/channel-flow/") else {
        return Err(AwsError::Other(format!(
            "{arn} is not a channel flow ARN (APP_INSTANCE_ARN/channel-flow/ID)"
        )));
    };
    let listing = list_to_the_end(
        "ListChannelFlows",
        |token| list_page(c, app_instance_arn, token),
        |flow: &(String, Option<String>)| flow.0 == arn,
    )
    .await;
    listed_in_app_instance(c, app_instance_arn, listing).await
}
