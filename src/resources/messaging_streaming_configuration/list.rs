//! `list "chimesdk_messaging_streaming_configuration"`: every AppInstance of
//! the account and region that has a streaming configuration (those without
//! one are not results), named by the AppInstance and where each data type
//! goes.

use async_trait::async_trait;
use futures::StreamExt;

use super::MessagingStreamingConfiguration;
use super::read::imported;
use crate::aws::Aws;
use crate::aws::app_instances::{AppInstanceSummary, LIST_PAGE_MAX, list_app_instances_page};
use crate::aws::{AwsClients, AwsError};
use crate::resources::messaging_streaming_configuration::calls::{
    Configured, find_streaming_configurations,
};
use tfplugin::framework::{
    CallContext, Diagnostics, Found, Listing, NoListConfig, OBJECT_READ_CONCURRENCY, TypedList,
};

/// "tenant-a (ChannelMessage: chime-messaging-a; Channel: chime-messaging-b)".
fn display_name(app: &AppInstanceSummary, configured: &[Configured]) -> String {
    let targets: Vec<String> = configured
        .iter()
        .map(|c| {
            let stream = c
                .resource_arn
                .rsplit_once(":stream/")
                .map_or(c.resource_arn.as_str(), |(_, n)| n);
            format!("{}: {stream}", c.data_type)
        })
        .collect();
    format!("{} ({})", app.name, targets.join("; "))
}

#[async_trait]
impl TypedList for MessagingStreamingConfiguration {
    type ListConfig = NoListConfig;

    const LIST_DESCRIPTION: &'static str = "Every AppInstance in the provider's account and region that has a \
         streaming configuration, identified by its `app_instance_arn` and named by the AppInstance's name and the \
         stream of each data type. AppInstances without a streaming configuration are not results.";

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
            let (apps, token) = match list_app_instances_page(c, next, LIST_PAGE_MAX).await {
                Ok(page) => page,
                Err(e) => {
                    diags.error("listing Chime SDK AppInstances", e.to_string());
                    return;
                }
            };
            // One GetMessagingStreamingConfigurations per AppInstance, a few
            // at a time, in listing order.
            let configured: Vec<(AppInstanceSummary, Result<Vec<Configured>, AwsError>)> =
                futures::stream::iter(apps)
                    .map(|app| async move {
                        let found = find_streaming_configurations(c, &app.arn).await;
                        (app, found)
                    })
                    .buffered(OBJECT_READ_CONCURRENCY)
                    .collect()
                    .await;
            let mut found = Vec::new();
            for (app, result) in configured {
                match result {
                    Ok(list) if list.is_empty() => {}
                    Ok(list) => found.push(Found {
                        display_name: display_name(&app, &list),
                        partial: imported(&app.arn, list),
                    }),
                    Err(e) => {
                        diags.error(
                            format!(
                                "reading Chime SDK messaging streaming configuration ({})",
                                app.arn
                            ),
                            e.to_string(),
                        );
                        out.page(found).await;
                        return;
                    }
                }
            }
            if !out.page(found).await || token.is_none() {
                return;
            }
            next = token;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_display_name_names_the_app_instance_and_each_stream() {
        let app = AppInstanceSummary {
            arn: "arn:aws:chime:us-east-1:123456789012:app-instance/a".into(),
            name: "tenant-a".into(),
        };
        let configured = [
            Configured {
                data_type: "Channel".into(),
                resource_arn: "arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-c"
                    .into(),
            },
            Configured {
                data_type: "ChannelMessage".into(),
                resource_arn: "arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-m"
                    .into(),
            },
        ];
        assert_eq!(
            display_name(&app, &configured),
            "tenant-a (Channel: chime-messaging-c; ChannelMessage: chime-messaging-m)"
        );
    }
}
