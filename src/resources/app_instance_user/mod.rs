//! Resource `chimesdk_app_instance_user`: a user of an AppInstance, with its
//! name and metadata; created with an idempotency token, renamed in place,
//! imported by ARN.

pub mod calls;
pub mod schema;

use async_trait::async_trait;

use self::calls::User;
use self::schema::Model;
use crate::aws::Aws;
use crate::aws::{AwsClients, AwsError};
use crate::resources::{explain, metadata_attr};
use chimesdk_domain::arn::AppInstanceArn;
use tfplugin::framework::{
    CallContext, Change, Destroy, Diagnostics, Op, Refresh, TypedResource, truncated,
};
use tfplugin::value::Attr;

pub struct AppInstanceUserResource;

/// The folder's one registration.
pub fn register(registry: &mut tfplugin::framework::Registry) {
    registry.resource(AppInstanceUserResource);
}

/// The AppInstance ARN and user ID of a user ARN
/// (`arn:aws:chime:REGION:ACCOUNT:app-instance/APP/user/USER`).
fn split_user_arn(arn: &str) -> Result<(AppInstanceArn, String), String> {
    let (app, user) = arn.rsplit_once("/user/").ok_or("it has no `/user/` part")?;
    if user.is_empty() || user.contains('/') {
        return Err("the part after `/user/` is not one user ID".into());
    }
    let app = AppInstanceArn::parse(app).map_err(|e| e.to_string())?;
    Ok((app, user.to_string()))
}

fn state_of(u: &User, like: &Model) -> Model {
    let (app, user_id) = match split_user_arn(&u.arn) {
        Ok((app, id)) => (Attr::Known(app.to_string()), Attr::Known(id)),
        Err(_) => (
            like.app_instance_arn.clone(),
            like.app_instance_user_id.clone(),
        ),
    };
    Model {
        id: Attr::Known(u.arn.clone()),
        arn: Attr::Known(u.arn.clone()),
        app_instance_arn: app,
        app_instance_user_id: user_id,
        name: Attr::Known(u.name.clone()),
        metadata: metadata_attr(u.metadata.as_deref(), &like.metadata),
        created_timestamp: u.created.clone().into(),
        last_updated_timestamp: u.last_updated.clone().into(),
    }
}

async fn read_state(c: &Aws<'_>, arn: &str, like: &Model) -> Result<Option<Model>, AwsError> {
    Ok(calls::find(c, arn).await?.map(|u| state_of(&u, like)))
}

#[async_trait]
impl TypedResource for AppInstanceUserResource {
    type Model = Model;
    type Private = ();
    type Data = AwsClients;

    const TYPE_NAME: &'static str = schema::TYPE_NAME;
    const TIMEOUTS: &'static [(Op, &'static str)] = schema::DEFAULT_TIMEOUTS;

    async fn create(&self, req: Change<'_, Self>, diags: &mut Diagnostics) {
        let c = &Aws::new(req.data, req.ctx);
        let p = &req.planned;
        let (Some(app), Some(user_id), Some(name)) = (
            p.app_instance_arn.known(),
            p.app_instance_user_id.known(),
            p.name.known(),
        ) else {
            diags.error(
                "Planned values are not known at apply",
                "app_instance_arn, app_instance_user_id or name were still unknown when apply started. This is a bug; \
                 please report it.",
            );
            return;
        };
        // One token for this create: every retry of the call (a lost
        // response included) gets the same user back.
        let token = uuid::Uuid::new_v4().simple().to_string();
        let metadata = p.metadata.known().map(String::as_str);
        let created = calls::create(c, app, user_id, name, metadata, &token).await;
        let arn = match created {
            Ok(arn) => arn,
            Err(e) => {
                diags.error(
                    format!("creating Chime SDK AppInstanceUser ({user_id} in {app})"),
                    explain(req.ctx, &e),
                );
                return;
            }
        };
        tracing::info!(app_instance_user = %arn, "created AppInstanceUser");
        // The user exists from here on: the state records it whatever
        // happens next, so the next apply or refresh completes it.
        let reached = req.state.insert(Model {
            id: Attr::Known(arn.clone()),
            arn: Attr::Known(arn.clone()),
            created_timestamp: Attr::Null,
            last_updated_timestamp: Attr::Null,
            ..p.clone()
        });
        super::read_after_create(
            reached,
            read_state(c, &arn, p).await,
            format!("reading Chime SDK AppInstanceUser ({arn}) after creating it"),
            "DescribeAppInstanceUser did not find the user just created. Run `terraform apply` again: the refresh \
             reads it once the service shows it.",
            req.ctx,
            diags,
        );
    }

    async fn read(&self, req: Refresh<'_, Self>, diags: &mut Diagnostics) -> Option<Model> {
        let Some(arn) = req.current.arn.known().cloned() else {
            return Some(req.current);
        };
        let read = read_state(&Aws::new(req.data, req.ctx), &arn, &req.current).await;
        super::refreshed("AppInstanceUser", &arn, req.current, read, diags)
    }

    async fn update(&self, req: Change<'_, Self>, diags: &mut Diagnostics) {
        let c = &Aws::new(req.data, req.ctx);
        let prior = req.prior.clone().unwrap_or_default();
        let (Some(arn), Some(name)) = (prior.arn.known().cloned(), req.planned.name.known()) else {
            diags.error(
                "Planned values are not known at apply",
                "arn or name were unknown when apply started. This is a bug; please report it.",
            );
            return;
        };
        let metadata = req.planned.metadata.known().map_or("", String::as_str);
        let updated = calls::update(c, &arn, name, metadata).await;
        if let Err(e) = updated {
            diags.error(
                format!("updating Chime SDK AppInstanceUser ({arn})"),
                explain(req.ctx, &e),
            );
            return;
        }
        *req.state = match read_state(c, &arn, &req.planned).await {
            Ok(Some(read)) => Some(read),
            Ok(None) => {
                diags.error(
                    format!("reading Chime SDK AppInstanceUser ({arn}) after updating it"),
                    "The user was deleted while it was being updated. Run `terraform apply` again to create it.",
                );
                None
            }
            Err(e) => {
                diags.error(
                    format!("reading Chime SDK AppInstanceUser ({arn}) after updating it"),
                    explain(req.ctx, &e),
                );
                // Updated but not read back: what was asked for, with the
                // timestamp left for the next refresh.
                Some(Model {
                    last_updated_timestamp: prior.last_updated_timestamp,
                    ..req.planned.clone()
                })
            }
        };
    }

    async fn delete(&self, req: Destroy<'_, Self>, diags: &mut Diagnostics) {
        let Some(arn) = req.prior.arn.known().cloned() else {
            *req.state = None;
            return;
        };
        match calls::delete(&Aws::new(req.data, req.ctx), &arn).await {
            Ok(()) => *req.state = None,
            Err(e) => {
                diags.error(
                    format!("deleting Chime SDK AppInstanceUser ({arn})"),
                    explain(req.ctx, &e),
                );
            }
        }
    }

    async fn import(
        &self,
        id: &str,
        c: &AwsClients,
        ctx: &CallContext,
        diags: &mut Diagnostics,
    ) -> Option<Model> {
        let c = &Aws::new(c, ctx);
        let (app, _) = match split_user_arn(id) {
            Ok(parts) => parts,
            Err(why) => {
                diags.error(
                    "Invalid import ID",
                    format!(
                        "{:?} is not an AppInstanceUser ARN: {why}. Import with the ARN, e.g. `terraform import \
                         chimesdk_app_instance_user.NAME arn:aws:chime:us-east-1:123456789012:app-instance/APP/user/USER`.",
                        truncated(id.to_string(), 200)
                    ),
                );
                return None;
            }
        };
        if app.region != c.region {
            diags.error(
                "AppInstanceUser is in another region",
                format!(
                    "The user's AppInstance is in {:?} and this provider configuration in {:?}. Import it with a \
                     provider (alias) configured for {:?}.",
                    app.region, c.region, app.region
                ),
            );
            return None;
        }
        match read_state(c, id, &Model::default()).await {
            Ok(Some(m)) => Some(m),
            Ok(None) => {
                diags.error(
                    "Cannot import a missing AppInstanceUser",
                    format!("DescribeAppInstanceUser found no user {id}. Check the ARN and the provider's account."),
                );
                None
            }
            Err(e) => {
                diags.error(
                    format!("reading Chime SDK AppInstanceUser ({id})"),
                    e.to_string(),
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_arn_splits_into_its_app_instance_and_user_id() {
        let (app, user) =
            split_user_arn("arn:aws:chime:us-east-1:123456789012:app-instance/abc/user/alice")
                .unwrap();
        assert_eq!(
            app.to_string(),
            "arn:aws:chime:us-east-1:123456789012:app-instance/abc"
        );
        assert_eq!(user, "alice");
        assert!(split_user_arn("arn:aws:chime:us-east-1:123456789012:app-instance/abc").is_err());
        assert!(
            split_user_arn("arn:aws:chime:us-east-1:123456789012:app-instance/abc/user/").is_err()
        );
        assert!(split_user_arn("not-an-arn/user/alice").is_err());
    }
}
