//! Data source `chimesdk_app_instance_user`: a user read by ARN.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{calls, split_user_arn};
use crate::aws::tags::{TagsAttr, tags_attr};
use crate::aws::{Aws, AwsClients};
use tfplugin::framework::{BlockSchema, CallContext, Diagnostics, TypedDataSource, truncated};
use tfplugin::value::{Attr, AttributePath};

pub struct AppInstanceUserData;

#[derive(Debug, Clone, Serialize, Deserialize, BlockSchema)]
#[tf(description = "Reads an Amazon Chime SDK AppInstanceUser by its ARN.")]
pub struct DataModel {
    #[tf(required, description = "ARN of the AppInstanceUser.")]
    arn: Attr<String>,
    #[tf(computed, description = "The AppInstanceUser ARN.")]
    id: Attr<String>,
    #[tf(computed, description = "ARN of the user's AppInstance.")]
    app_instance_arn: Attr<String>,
    #[tf(computed, description = "The user's ID within the AppInstance.")]
    app_instance_user_id: Attr<String>,
    #[tf(computed, description = "The user's display name.")]
    name: Attr<String>,
    #[tf(
        computed,
        sensitive,
        description = "The user's metadata (sensitive, as the service model marks it)."
    )]
    metadata: Attr<String>,
    #[tf(
        computed,
        description = "Days after `expiration_criterion` when the service deletes the user; null when it never expires."
    )]
    expiration_days: Attr<i64>,
    #[tf(computed, description = "What `expiration_days` counts from.")]
    expiration_criterion: Attr<String>,
    #[tf(computed, description = "Every tag the user has.")]
    tags: TagsAttr,
    #[tf(computed, description = "When the user was created (RFC 3339).")]
    created_timestamp: Attr<String>,
    #[tf(
        computed,
        description = "When its name or metadata last changed (RFC 3339)."
    )]
    last_updated_timestamp: Attr<String>,
}

#[async_trait]
impl TypedDataSource for AppInstanceUserData {
    type Model = DataModel;
    type Data = AwsClients;
    const TYPE_NAME: &'static str = super::schema::TYPE_NAME;

    fn validate(&self, config: &DataModel, diags: &mut Diagnostics) {
        if let Attr::Known(raw) = &config.arn
            && let Err(why) = split_user_arn(raw)
        {
            diags.error_at(
                AttributePath::attr("arn"),
                "Invalid AppInstanceUser ARN",
                format!(
                    "arn = {:?} is not an AppInstanceUser ARN: {why}. It is the AppInstance's ARN, `/user/` and the \
                     user ID.",
                    truncated(raw.clone(), 200)
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
        let (user, tags) = crate::resources::read_tagged(
            "AppInstanceUser",
            "DescribeAppInstanceUser",
            &arn,
            calls::find(c, &arn),
            crate::aws::app_instances::list_tags(c, &arn),
            diags,
        )
        .await?;
        let (app, user_id) = match split_user_arn(&user.arn) {
            Ok((app, id)) => (Attr::Known(app.to_string()), Attr::Known(id)),
            Err(_) => (Attr::Null, Attr::Null),
        };
        Some(DataModel {
            id: Attr::Known(user.arn.clone()),
            arn: Attr::Known(user.arn),
            app_instance_arn: app,
            app_instance_user_id: user_id,
            name: Attr::Known(user.name),
            metadata: user.metadata.into(),
            expiration_days: user.expiration.as_ref().map(|e| i64::from(e.days)).into(),
            expiration_criterion: user.expiration.map(|e| e.criterion).into(),
            tags: tags_attr(&tags),
            created_timestamp: user.created.into(),
            last_updated_timestamp: user.last_updated.into(),
        })
    }
}
