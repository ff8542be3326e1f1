//! `list "chimesdk_app_instance_bot"`: the bots of one AppInstance (its
//! `config` names it), by ListAppInstanceBots, named by their names.

use async_trait::async_trait;

use super::schema::{ListConfig, Model};
use super::{AppInstanceBotResource, calls};
use crate::aws::{Aws, AwsClients};
use tfplugin::framework::{CallContext, Diagnostics, Found, Listing, TypedList};
use tfplugin::value::{Attr, AttributePath};

#[async_trait]
impl TypedList for AppInstanceBotResource {
    type ListConfig = ListConfig;
    const LIST_DESCRIPTION: &'static str =
        "The bots of one AppInstance, each named by its name and identified by its ARN.";

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
                "No AppInstance to list the bots of",
                "Set `config { app_instance_arn = ... }` in the list block.",
            );
            return;
        };
        let mut next = None;
        loop {
            match calls::list_page(c, &app, next).await {
                Err(e) => {
                    diags.error(format!("listing the bots of {app}"), e.to_string());
                    return;
                }
                Ok((bots, token)) => {
                    let found = bots
                        .into_iter()
                        .map(|(arn, name)| Found {
                            display_name: name
                                .clone()
                                .filter(|n| !n.is_empty())
                                .unwrap_or_else(|| arn.clone()),
                            partial: Model {
                                id: Attr::Known(arn.clone()),
                                arn: Attr::Known(arn),
                                app_instance_arn: Attr::Known(app.clone()),
                                name: name.into(),
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
