//! Data source `chimesdk_channel_flow`: a channel flow read by ARN.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{app_of_flow, calls};
use crate::aws::tags::{TagsAttr, tags_attr};
use crate::aws::{Aws, AwsClients, messaging_tags};
use tfplugin::framework::{BlockSchema, CallContext, Diagnostics, TypedDataSource, truncated};
use tfplugin::value::{Attr, AttributePath};

pub struct ChannelFlowData;

#[derive(Debug, Clone, Serialize, Deserialize, BlockSchema)]
#[tf(description = "Reads an Amazon Chime SDK channel flow by its ARN.")]
pub struct DataModel {
    #[tf(required, description = "ARN of the channel flow.")]
    arn: Attr<String>,
    #[tf(computed, description = "The channel flow ARN.")]
    id: Attr<String>,
    #[tf(computed, description = "ARN of the flow's AppInstance.")]
    app_instance_arn: Attr<String>,
    #[tf(computed, description = "The flow's name.")]
    name: Attr<String>,
    #[tf(
        computed,
        description = "The flow's processors, sorted by `execution_order`: each with `name`, \
                       `lambda_function_arn`, `invocation_type`, `execution_order` and `fallback_action`."
    )]
    processors: Attr<Vec<ProcessorEntry>>,
    #[tf(computed, description = "Every tag the flow has.")]
    tags: TagsAttr,
    #[tf(computed, description = "When the flow was created (RFC 3339).")]
    created_timestamp: Attr<String>,
    #[tf(computed, description = "When it last changed (RFC 3339).")]
    last_updated_timestamp: Attr<String>,
}

/// One element of `processors` (an object, not a block).
#[derive(Debug, Clone, Serialize, Deserialize, BlockSchema)]
pub struct ProcessorEntry {
    #[tf(computed)]
    name: String,
    #[tf(computed)]
    lambda_function_arn: String,
    #[tf(computed)]
    invocation_type: String,
    #[tf(computed)]
    execution_order: i64,
    #[tf(computed)]
    fallback_action: String,
}

#[async_trait]
impl TypedDataSource for ChannelFlowData {
    type Model = DataModel;
    type Data = AwsClients;
    const TYPE_NAME: &'static str = super::schema::TYPE_NAME;

    fn validate(&self, config: &DataModel, diags: &mut Diagnostics) {
        if let Attr::Known(raw) = &config.arn
            && let Err(why) = app_of_flow(raw)
        {
            diags.error_at(
                AttributePath::attr("arn"),
                "Invalid channel flow ARN",
                format!(
                    "arn = {:?} is not a channel flow ARN: {why}. It is the AppInstance's ARN, `/channel-flow/` and \
                     the flow's ID.",
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
        let (flow, tags) = crate::resources::read_tagged(
            "channel flow",
            "DescribeChannelFlow",
            &arn,
            calls::find(c, &arn),
            messaging_tags::list_tags(c, &arn),
            diags,
        )
        .await?;
        let mut steps = flow.processors.clone();
        steps.sort_by_key(|s| s.execution_order);
        Some(DataModel {
            id: Attr::Known(flow.arn.clone()),
            app_instance_arn: app_of_flow(&flow.arn).map(|a| a.to_string()).ok().into(),
            arn: Attr::Known(flow.arn),
            name: flow.name.into(),
            processors: Attr::Known(
                steps
                    .into_iter()
                    .map(|s| ProcessorEntry {
                        name: s.name,
                        lambda_function_arn: s.lambda_function_arn,
                        invocation_type: s.invocation_type,
                        execution_order: i64::from(s.execution_order),
                        fallback_action: s.fallback_action,
                    })
                    .collect(),
            ),
            tags: tags_attr(&tags),
            created_timestamp: flow.created.into(),
            last_updated_timestamp: flow.last_updated.into(),
        })
    }
}
