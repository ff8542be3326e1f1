//! `list "chimesdk_app_instance"`: every AppInstance of the provider's
//! account and region, by ListAppInstances, named by its name.

use async_trait::async_trait;

use super::AppInstanceResource;
use super::schema::Model;
use crate::aws::Aws;
use crate::aws::AwsClients;
use crate::aws::app_instances::{LIST_PAGE_MAX, list_app_instances_page};
use tfplugin::framework::{CallContext, Diagnostics, Found, Listing, NoListConfig, TypedList};
use tfplugin::value::Attr;

#[async_trait]
impl TypedList for AppInstanceResource {
    type ListConfig = NoListConfig;

    const LIST_DESCRIPTION: &'static str = "Every AppInstance in the provider's account and region. Each result is \
         named by the AppInstance's name and identified by its ARN.";

    async fn list(
        &self,
        _config: Option<NoListConfig>,
        c: &AwsClients,
        ctx: &CallContext,
        out: &mut Listing<'_, Self>,
        diags: &mut Diagnostics,
    ) {
        let c = &Aws::new(c, ctx);
        let mut next = None;
        loop {
            match list_app_instances_page(c, next, LIST_PAGE_MAX).await {
                Err(e) => {
                    diags.error("listing Chime SDK AppInstances", e.to_string());
                    return;
                }
                Ok((page, token)) => {
                    let found = page
                        .into_iter()
                        .map(|a| Found {
                            display_name: a.name.clone(),
                            partial: Model {
                                id: Attr::Known(a.arn.clone()),
                                arn: Attr::Known(a.arn),
                                name: Attr::Known(a.name),
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
