//! Data source `chimesdk_app_instance`: an AppInstance read by ARN.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::aws::Aws;
use crate::aws::tags::{TagsAttr, tags_attr};
use crate::aws::{AwsClients, app_instances};
use chimesdk_domain::arn::AppInstanceArn;
use tfplugin::framework::{BlockSchema, CallContext, Diagnostics, TypedDataSource};
use tfplugin::value::{Attr, AttributePath};

pub struct AppInstanceData;

#[derive(Debug, Clone, Serialize, Deserialize, BlockSchema)]
#[tf(description = "Reads an Amazon Chime SDK AppInstance by its ARN.")]
pub struct DataModel {
    #[tf(required, description = "ARN of the AppInstance.")]
    arn: Attr<String>,
    #[tf(computed, description = "The AppInstance ARN.")]
    id: Attr<String>,
    #[tf(computed, description = "The AppInstance's name.")]
    name: Attr<String>,
    #[tf(
        computed,
        sensitive,
        description = "The AppInstance's metadata (sensitive, as the service model marks it)."
    )]
    metadata: Attr<String>,
    #[tf(computed, description = "Every tag the AppInstance has.")]
    tags: TagsAttr,
    #[tf(computed, description = "When the AppInstance was created (RFC 3339).")]
    created_timestamp: Attr<String>,
    #[tf(
        computed,
        description = "When its name or metadata last changed (RFC 3339)."
    )]
    last_updated_timestamp: Attr<String>,
}

#[async_trait]
impl TypedDataSource for AppInstanceData {
    type Model = DataModel;
    type Data = AwsClients;
    const TYPE_NAME: &'static str = "chimesdk_app_instance";

    fn validate(&self, config: &DataModel, diags: &mut Diagnostics) {
        if let Attr::Known(raw) = &config.arn
            && let Err(why) = AppInstanceArn::parse(raw)
        {
            diags.error_at(
                AttributePath::attr("arn"),
                "Invalid AppInstance ARN",
                format!(
                    "arn = {:?} is not an AppInstance ARN: {why}.",
                    tfplugin::framework::truncated(raw.clone(), 200)
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
        let (found, tags) = crate::resources::read_tagged(
            "AppInstance",
            "DescribeAppInstance",
            &arn,
            app_instances::find_app_instance(c, &arn),
            crate::aws::app_instances::list_tags(c, &arn),
            diags,
        )
        .await?;
        Some(DataModel {
            id: Attr::Known(found.arn.clone()),
            arn: Attr::Known(found.arn),
            name: Attr::Known(found.name),
            metadata: found.metadata.into(),
            tags: tags_attr(&tags),
            created_timestamp: found.created.into(),
            last_updated_timestamp: found.last_updated.into(),
        })
    }
}
