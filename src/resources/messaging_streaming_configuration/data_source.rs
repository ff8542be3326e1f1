//! Data source `chimesdk_messaging_streaming_configuration`: the read-only
//! twin of the resource.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::aws::regions::chime_region_problem;
use crate::aws::{Aws, AwsClients};
use crate::resources::messaging_streaming_configuration::calls as chime;
use chimesdk_domain::arn::AppInstanceArn;
use tfplugin::framework::{BlockSchema, CallContext, Diagnostics, TypedDataSource};
use tfplugin::value::{Attr, AttributePath};

pub struct MessagingStreamingConfigurationData;

#[derive(Debug, Clone, Serialize, Deserialize, BlockSchema)]
#[tf(
    description = "Reads where an Amazon Chime SDK AppInstance streams its messaging data. Empty when nothing is \
                   configured."
)]
pub struct DataModel {
    #[tf(computed, description = "The AppInstance ARN.")]
    id: Attr<String>,
    #[tf(required, description = "ARN of the AppInstance.")]
    app_instance_arn: Attr<String>,
    #[tf(
        computed,
        description = "The configured streams, sorted by `data_type`: each with `data_type` (`Channel` or \
                       `ChannelMessage`) and `resource_arn` (the Kinesis stream ARN)."
    )]
    streaming_configurations: Attr<Vec<Entry>>,
}

/// One element of `streaming_configurations` (an object, not a block).
#[derive(Debug, Clone, Serialize, Deserialize, BlockSchema)]
pub struct Entry {
    #[tf(computed)]
    data_type: String,
    #[tf(computed)]
    resource_arn: String,
}

#[async_trait]
impl TypedDataSource for MessagingStreamingConfigurationData {
    type Model = DataModel;
    type Data = AwsClients;
    const TYPE_NAME: &'static str = "chimesdk_messaging_streaming_configuration";

    fn validate(&self, config: &DataModel, diags: &mut Diagnostics) {
        if let Attr::Known(raw) = &config.app_instance_arn
            && let Err(why) = AppInstanceArn::parse(raw)
        {
            diags.error_at(
                AttributePath::attr("app_instance_arn"),
                "Invalid AppInstance ARN",
                format!("app_instance_arn = {raw:?} is not an AppInstance ARN: {why}."),
            );
        }
    }

    async fn read(
        &self,
        config: DataModel,
        clients: &AwsClients,
        ctx: &CallContext,
        diags: &mut Diagnostics,
    ) -> Option<DataModel> {
        let Some(app) = config.app_instance_arn.known().cloned() else {
            diags.error_at(
                AttributePath::attr("app_instance_arn"),
                "app_instance_arn is not known",
                "It must be known to read.",
            );
            return None;
        };
        if let Some(why) = chime_region_problem(&clients.region, clients.custom_chime_endpoint) {
            diags.error_at(
                AttributePath::attr("app_instance_arn"),
                "Amazon Chime SDK messaging is not available in this region",
                why,
            );
            return None;
        }
        let found = match chime::find_streaming_configurations(&Aws::new(clients, ctx), &app).await
        {
            Ok(f) => f,
            Err(e) => {
                diags.error(
                    format!("reading Chime SDK messaging streaming configuration ({app})"),
                    e.to_string(),
                );
                return None;
            }
        };
        Some(DataModel {
            id: Attr::Known(app.clone()),
            app_instance_arn: Attr::Known(app),
            streaming_configurations: Attr::Known(
                found
                    .into_iter()
                    .map(|c| Entry {
                        data_type: c.data_type,
                        resource_arn: c.resource_arn,
                    })
                    .collect(),
            ),
        })
    }
}
