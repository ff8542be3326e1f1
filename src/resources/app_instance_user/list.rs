//! `list "chimesdk_app_instance_user"`: the users of one AppInstance (its
//! `config` names it), by ListAppInstanceUsers, named by their ARNs.

use async_trait::async_trait;

use super::schema::{ListConfig, Model};
use super::{AppInstanceUserResource, calls, split_user_arn};
use crate::aws::{Aws, AwsClients};
use tfplugin::framework::{CallContext, Diagnostics, Found, Listing, TypedList};
use tfplugin::value::{Attr, AttributePath};

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
        let Some(Attr::Known(app)) = config.map(|c| c.app_instance_arn) else {
            diags.error_at(
                AttributePath::attr("app_instance_arn"),
                "No AppInstance to list the users of",
                "Set `config { app_instance_arn = ... }` in the list block.",
            );
            return;
        };
        let mut next = None;
        loop {
            match calls::list_page(c, &app, next).await {
                Err(e) => {
                    diags.error(format!("listing the users of {app}"), e.to_string());
                    return;
                }
                Ok((users, token)) => {
                    let found = users
                        .into_iter()
                        .map(|arn| {
                            let user_id = split_user_arn(&arn).ok().map(|(_, id)| id);
                            Found {
                                display_name: arn.clone(),
                                partial: Model {
                                    id: Attr::Known(arn.clone()),
                                    arn: Attr::Known(arn),
                                    app_instance_arn: Attr::Known(app.clone()),
                                    app_instance_user_id: user_id.into(),
                                    ..Default::default()
                                },
                            }
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
