//! Resource `chimesdk_app_instance_user`: a user of an AppInstance, with its
//! name, metadata, expiry and tags; created with an idempotency token,
//! changed in place, imported by ARN, listed by AppInstance; the plan warns
//! when the expiry it sets is already past.

pub mod calls;
mod data_source;
mod list;
pub mod schema;

pub use data_source::AppInstanceUserData;

use async_trait::async_trait;
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;

use self::calls::{Expiration, NewUser, User};
use self::schema::{CREATED_TIMESTAMP, Model};
use crate::aws::app_instances;
use crate::aws::tags::{Tags, known_tags};
use crate::aws::{Aws, AwsClients, AwsError};
use crate::resources::tagging::{check_tags, plan_tags, read_tags};
use crate::resources::{explain, metadata_attr};
use chimesdk_domain::arn::AppInstanceArn;
use tfplugin::framework::{
    CallContext, Change, Destroy, Diagnostics, Op, Plan, Refresh, Registry, TypedResource,
};
use tfplugin::value::{Attr, AttributePath};

#[derive(Clone)]
pub struct AppInstanceUserResource;

/// The folder's one registration: the resource with its list and its data
/// source.
pub fn register(registry: &mut Registry) {
    registry
        .listed_resource(AppInstanceUserResource)
        .data_source(AppInstanceUserData);
}

/// The AppInstance ARN and user ID of a user ARN
/// (`arn:aws:chime:REGION:ACCOUNT:app-instance/APP/user/USER`).
fn split_user_arn(arn: &str) -> Result<(AppInstanceArn, String), String> {
    super::split_member_arn(arn, "user")
}

/// The expiry the configuration asks for: days from CREATED_TIMESTAMP
/// unless another criterion is named.
fn expiration_of(m: &Model) -> Option<Expiration> {
    let days = i32::try_from(*m.expiration_days.known()?).ok()?;
    Some(Expiration {
        days,
        criterion: m
            .expiration_criterion
            .known()
            .cloned()
            .unwrap_or_else(|| CREATED_TIMESTAMP.to_string()),
    })
}

fn state_of(u: &User, remote_tags: &Tags, like: &Model, defaults: &Tags) -> Model {
    let (app, user_id) = match split_user_arn(&u.arn) {
        Ok((app, id)) => (Attr::Known(app.to_string()), Attr::Known(id)),
        Err(_) => (
            like.app_instance_arn.clone(),
            like.app_instance_user_id.clone(),
        ),
    };
    let (tags, tags_all) = read_tags(&like.tags, remote_tags, defaults);
    Model {
        id: Attr::Known(u.arn.clone()),
        arn: Attr::Known(u.arn.clone()),
        app_instance_arn: app,
        app_instance_user_id: user_id,
        name: Attr::Known(u.name.clone()),
        metadata: metadata_attr(u.metadata.as_deref(), &like.metadata),
        expiration_days: u.expiration.as_ref().map(|e| i64::from(e.days)).into(),
        expiration_criterion: u.expiration.as_ref().map(|e| e.criterion.clone()).into(),
        tags,
        tags_all,
        created_timestamp: u.created.clone().into(),
        last_updated_timestamp: u.last_updated.clone().into(),
    }
}

/// Reads the user and its tags into a state shaped like `like`.
async fn read_state(c: &Aws<'_>, arn: &str, like: &Model) -> Result<Option<Model>, AwsError> {
    let Some(u) = calls::find(c, arn).await? else {
        return Ok(None);
    };
    let remote = app_instances::list_tags(c, arn).await?;
    Ok(Some(state_of(&u, &remote, like, &c.default_tags)))
}

/// When a user created at `created` (RFC 3339) with `days` expires, if that
/// is before `now` (seconds since the epoch): the expiry, as RFC 3339.
fn past_expiry(created: &str, days: i64, now: i64) -> Option<String> {
    let created = DateTime::from_str(created, Format::DateTime).ok()?;
    let expires = created.secs().checked_add(days.checked_mul(86_400)?)?;
    (expires < now).then(|| {
        DateTime::from_secs(expires)
            .fmt(Format::DateTime)
            .unwrap_or_else(|_| expires.to_string())
    })
}

#[async_trait]
impl TypedResource for AppInstanceUserResource {
    type Model = Model;
    type Private = ();
    type Data = AwsClients;

    const TYPE_NAME: &'static str = schema::TYPE_NAME;
    const TIMEOUTS: &'static [(Op, &'static str)] = schema::DEFAULT_TIMEOUTS;

    fn validate(&self, config: &Model, diags: &mut Diagnostics) {
        check_tags("AppInstanceUser", &config.tags, &Tags::new(), diags);
        if config.expiration_days.is_null() && config.expiration_criterion.known().is_some() {
            diags.error_at(
                AttributePath::attr("expiration_criterion"),
                "Expiration criterion without days",
                "expiration_criterion says what expiration_days counts from; set expiration_days too, or remove \
                 expiration_criterion.",
            );
        }
    }

    async fn plan(&self, req: Plan<'_, Self>, diags: &mut Diagnostics) -> Model {
        let c = &Aws::new(req.data, req.ctx);
        let mut m = req.planned;
        m.tags_all = plan_tags("AppInstanceUser", &req.config.tags, &c.default_tags, diags);
        m.expiration_criterion = match (
            &req.config.expiration_days,
            &req.config.expiration_criterion,
        ) {
            (Attr::Null, _) => Attr::Null,
            (_, Attr::Null) => Attr::Known(CREATED_TIMESTAMP.to_string()),
            (_, criterion) => criterion.clone(),
        };
        let Some(prior) = &req.prior else {
            return m;
        };
        if prior.name == m.name && prior.metadata == m.metadata {
            // Only UpdateAppInstanceUser moves it.
            m.last_updated_timestamp = prior.last_updated_timestamp.clone();
        }
        if let (Some(created), Some(days)) =
            (prior.created_timestamp.known(), m.expiration_days.known())
            && let Some(expired) = past_expiry(
                created,
                *days,
                DateTime::from(std::time::SystemTime::now()).secs(),
            )
        {
            diags.warning_at(
                AttributePath::attr("expiration_days"),
                "The user's expiry is already past",
                format!(
                    "The user was created at {created}; expiration_days = {days} puts its expiry at {expired}, which \
                     has passed. The service deletes an expired user within hours (about 6, by the API reference), \
                     and every later plan would create it again. Raise expiration_days past today, or remove it to \
                     keep the user."
                ),
            );
        }
        m
    }

    async fn create(&self, req: Change<'_, Self>, diags: &mut Diagnostics) {
        let c = &Aws::new(req.data, req.ctx);
        let p = &req.planned;
        let (Some(app), Some(user_id), Some(name), Some(tags)) = (
            p.app_instance_arn.known(),
            p.app_instance_user_id.known(),
            p.name.known(),
            known_tags(&p.tags_all),
        ) else {
            diags.error(
                "Planned values are not known at apply",
                "app_instance_arn, app_instance_user_id, name or tags were still unknown when apply started. This \
                 is a bug; please report it.",
            );
            return;
        };
        // One token for this create: every retry of the call (a lost
        // response included) gets the same user back.
        let token = uuid::Uuid::new_v4().simple().to_string();
        let new_user = NewUser {
            app_instance_arn: app,
            user_id,
            name,
            metadata: p.metadata.known().map(String::as_str),
            expiration: expiration_of(p),
            tags: &tags,
        };
        let arn = match calls::create(c, &new_user, &token).await {
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
        super::read_back(
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
        let p = &req.planned;
        let (Some(arn), Some(name), Some(tags)) = (
            prior.arn.known().cloned(),
            p.name.known(),
            known_tags(&p.tags_all),
        ) else {
            diags.error(
                "Planned values are not known at apply",
                "arn, name or tags were unknown when apply started. This is a bug; please report it.",
            );
            return;
        };
        let Some(reached) = req.state.as_mut() else {
            return;
        };
        // Each change is its own call; the state records each as it lands,
        // so a failure part-way leaves the rest for the next apply.
        if prior.name != p.name || prior.metadata != p.metadata {
            let metadata = p.metadata.known().map_or("", String::as_str);
            if let Err(e) = calls::update(c, &arn, name, metadata).await {
                diags.error(
                    format!("updating Chime SDK AppInstanceUser ({arn})"),
                    explain(req.ctx, &e),
                );
                return;
            }
            reached.name = p.name.clone();
            reached.metadata = p.metadata.clone();
        }
        if prior.expiration_days != p.expiration_days
            || prior.expiration_criterion != p.expiration_criterion
        {
            let expiration = expiration_of(p);
            if let Err(e) = calls::put_expiration(c, &arn, expiration.as_ref()).await {
                diags.error(
                    format!("setting the expiration of Chime SDK AppInstanceUser ({arn})"),
                    explain(req.ctx, &e),
                );
                return;
            }
            reached.expiration_days = p.expiration_days.clone();
            reached.expiration_criterion = p.expiration_criterion.clone();
        }
        if prior.tags_all != p.tags_all {
            if let Err(e) = app_instances::set_tags(c, &arn, &tags).await {
                diags.error(
                    format!("tagging Chime SDK AppInstanceUser ({arn})"),
                    explain(req.ctx, &e),
                );
                return;
            }
            reached.tags = p.tags.clone();
            reached.tags_all = p.tags_all.clone();
        }
        super::read_back(
            reached,
            read_state(c, &arn, p).await,
            format!("reading Chime SDK AppInstanceUser ({arn}) after updating it"),
            "The user was deleted while it was being updated. Run `terraform apply` again to create it.",
            req.ctx,
            diags,
        );
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
        super::import_by_arn(
            super::ArnImport {
                kind: "AppInstanceUser",
                describe: "DescribeAppInstanceUser",
                example: "terraform import chimesdk_app_instance_user.NAME \
             arn:aws:chime:us-east-1:123456789012:app-instance/APP/user/USER",
            },
            id,
            split_user_arn(id).map(|(app, _)| app),
            &c.region,
            read_state(c, id, &Model::default()),
            diags,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expiry_before_now_is_past_and_one_after_is_not() {
        // 2026-01-01T00:00:00Z is 1767225600.
        let created = "2026-01-01T00:00:00Z";
        assert_eq!(
            past_expiry(created, 30, 1_767_225_600 + 31 * 86_400).as_deref(),
            Some("2026-01-31T00:00:00Z")
        );
        assert_eq!(past_expiry(created, 30, 1_767_225_600 + 29 * 86_400), None);
        assert_eq!(past_expiry("not a time", 30, i64::MAX), None);
    }

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
