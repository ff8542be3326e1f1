//! `list "chimesdk_channel_flow"`: the channel flows of one AppInstance
//! (its `config` names it), by ListChannelFlows, named by their names.

use async_trait::async_trait;

use super::schema::{ListConfig, Model};
use super::{ChannelFlowResource, calls};
use crate::aws::{Aws, AwsClients};
use crate::resources::app_instance_listing::list_app_instance_pages;
use tfplugin::framework::{CallContext, Diagnostics, Found, Listing, TypedList};
use tfplugin::value::Attr;

#[async_trait]
impl TypedList for ChannelFlowResource {
    type ListConfig = ListConfig;
    const LIST_DESCRIPTION: &'static str =
        "The channel flows of one AppInstance, each named by its name and identified by its ARN.";

    async fn list(
        &self,
        config: Option<ListConfig>,
        c: &AwsClients,
        ctx: &CallContext,
        out: &mut Listing<'_, Self>,
        diags: &mut Diagnostics,
    ) {
        let c = &Aws::new(c, ctx);
        list_app_instance_pages(
            "channel flows",
            config.map(|c| c.app_instance_arn),
            out,
            diags,
            |app, token| async move { calls::list_page(c, &app, token).await },
            |app, (arn, name): (String, Option<String>)| Found {
                display_name: name
                    .clone()
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| arn.clone()),
                partial: Model {
                    id: Attr::Known(arn.clone()),
                    arn: Attr::Known(arn),
                    app_instance_arn: Attr::Known(app.to_string()),
                    name: name.into(),
                    ..Default::default()
                },
            },
        )
        .await;
    }
}
