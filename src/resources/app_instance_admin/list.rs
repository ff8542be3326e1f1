//! `list "chimesdk_app_instance_admin"`: the admins of one AppInstance (its
//! `config` names it), by ListAppInstanceAdmins, named by their ARNs.

use async_trait::async_trait;

use super::schema::{ListConfig, Model};
use super::{AppInstanceAdminResource, calls, id_of};
use crate::aws::{Aws, AwsClients};
use crate::resources::app_instance_listing::list_app_instance_pages;
use tfplugin::framework::{CallContext, Diagnostics, Found, Listing, TypedList};
use tfplugin::value::Attr;

#[async_trait]
impl TypedList for AppInstanceAdminResource {
    type ListConfig = ListConfig;
    const LIST_DESCRIPTION: &'static str =
        "The admins of one AppInstance, each named and identified by its ARN.";

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
            "admins",
            config.map(|c| c.app_instance_arn),
            out,
            diags,
            |app, token| async move { calls::list_page(c, &app, token).await },
            |app, admin: String| Found {
                display_name: admin.clone(),
                partial: Model {
                    id: Attr::Known(id_of(app, &admin)),
                    app_instance_arn: Attr::Known(app.to_string()),
                    app_instance_admin_arn: Attr::Known(admin),
                    ..Default::default()
                },
            },
        )
        .await;
    }
}
