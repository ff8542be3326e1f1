//! `list "chimesdk_app_instance_user"`: the users of one AppInstance (its
//! `config` names it), by ListAppInstanceUsers, named by their ARNs.

use async_trait::async_trait;

use super::schema::{ListConfig, Model};
use super::{AppInstanceUserResource, calls, split_user_arn};
use crate::aws::{Aws, AwsClients};
use crate::resources::app_instance_listing::list_app_instance_pages;
use tfplugin::framework::{CallContext, Diagnostics, Found, Listing, TypedList};
use tfplugin::value::Attr;

#[async_trait]
impl TypedList for AppInstanceUserResource {
    type ListConfig = ListConfig;
    const LIST_DESCRIPTION: &'static str =
        "The users of one AppInstance, each named and identified by its ARN.";

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
            "users",
            config.map(|c| c.app_instance_arn),
            out,
            diags,
            |app, token| async move { calls::list_page(c, &app, token).await },
            |app, arn: String| {
                let user_id = split_user_arn(&arn).ok().map(|(_, id)| id);
                Found {
                    display_name: arn.clone(),
                    partial: Model {
                        id: Attr::Known(arn.clone()),
                        arn: Attr::Known(arn),
                        app_instance_arn: Attr::Known(app.to_string()),
                        app_instance_user_id: user_id.into(),
                        ..Default::default()
                    },
                }
            },
        )
        .await;
    }
}
