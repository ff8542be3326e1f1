//! `list "chimesdk_app_instance_admin"`: the admins of one AppInstance (its
//! `config` names it), by ListAppInstanceAdmins, named by their ARNs.

use async_trait::async_trait;

use super::schema::{ListConfig, Model};
use super::{AppInstanceAdminResource, calls, id_of};
use crate::aws::{Aws, AwsClients};
use tfplugin::framework::{CallContext, Diagnostics, Found, Listing, TypedList};
use tfplugin::value::{Attr, AttributePath};

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
        let Some(Attr::Known(app)) = config.map(|c| c.app_instance_arn) else {
            diags.error_at(
                AttributePath::attr("app_instance_arn"),
                "No AppInstance to list the admins of",
                "Set `config { app_instance_arn = ... }` in the list block.",
            );
            return;
        };
        let mut next = None;
        loop {
            match calls::list_page(c, &app, next).await {
                Err(e) => {
                    diags.error(format!("listing the admins of {app}"), e.to_string());
                    return;
                }
                Ok((admins, token)) => {
                    let found = admins
                        .into_iter()
                        .map(|admin| Found {
                            display_name: admin.clone(),
                            partial: Model {
                                id: Attr::Known(id_of(&app, &admin)),
                                app_instance_arn: Attr::Known(app.clone()),
                                app_instance_admin_arn: Attr::Known(admin),
                                ..Default::default()
                            },
                        })
                        .collect();
                    if !out.page(found).await || token.is_none() {
                        return;
                    }
                    next = token;
                }
            }
        }
    }
}
