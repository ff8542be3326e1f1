//! Resource `chimesdk_app_instance_retention_settings`: how long an
//! AppInstance keeps its channel messages. The plan warns, naming the
//! cut-off date, before a period is set or shortened; destroy turns
//! retention off.

pub mod calls;
pub mod schema;

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use self::calls::Retention;
use self::schema::Model;
use crate::aws::{Aws, AwsClients, AwsError};
use crate::resources::explain;
use chimesdk_domain::arn::AppInstanceArn;
use tfplugin::framework::{
    CallContext, Change, Destroy, Diagnostics, Op, Plan, Refresh, Registry, TypedResource,
    truncated,
};
use tfplugin::value::{Attr, AttributePath};

#[derive(Clone)]
pub struct AppInstanceRetentionSettingsResource;

/// The folder's one registration.
pub fn register(registry: &mut Registry) {
    registry.resource(AppInstanceRetentionSettingsResource);
}

/// The developer guide's grace period ("Managing message retention")
/// between setting a period and the deletion of the messages past it.
const GRACE_DAYS: i64 = 30;

fn state_of(app_instance_arn: &str, r: Retention) -> Model {
    Model {
        id: Attr::Known(app_instance_arn.to_string()),
        app_instance_arn: Attr::Known(app_instance_arn.to_string()),
        retention_days: Attr::Known(i64::from(r.days)),
        initiate_deletion_timestamp: r.initiate_deletion.into(),
    }
}

fn date(t: OffsetDateTime) -> String {
    t.date().to_string()
}

/// The plan's warning before messages are deleted: when a period is set
/// where none was (`current` is `None`) or shortened. It names the cut-off
/// date as of `today` and when the grace period ends.
fn deletion_warning(new_days: i64, current: Option<i64>, today: OffsetDateTime) -> Option<String> {
    let before = match current {
        Some(days) if days <= new_days => return None,
        Some(days) => format!("shortens the retention from {days} to {new_days} days"),
        None => format!("sets a retention of {new_days} days where none was set"),
    };
    let cut_off = today - Duration::days(new_days);
    let grace_ends = today + Duration::days(GRACE_DAYS);
    Some(format!(
        "This {before}: channel messages sent before {} (as of today, {}) will be deleted for good once the \
         service's grace period ends, about {} (30 days by the developer guide), and every later message when it \
         turns {new_days} days old. Until then a longer period, or removing the setting, keeps them. If they must \
         stay, set a longer retention_days.",
        date(cut_off),
        date(today),
        date(grace_ends),
    ))
}

async fn read_state(c: &Aws<'_>, app_instance_arn: &str) -> Result<Option<Model>, AwsError> {
    Ok(calls::find(c, app_instance_arn)
        .await?
        .map(|r| state_of(app_instance_arn, r)))
}

/// The period in force now, for a create's warning: `None` when none is set
/// or it cannot be read (then the warning errs on the side of saying so).
async fn current_days(c: &Aws<'_>, app_instance_arn: &str, diags: &mut Diagnostics) -> Option<i64> {
    match calls::find(c, app_instance_arn).await {
        Ok(found) => found.map(|r| i64::from(r.days)),
        Err(e) => {
            let permission = if e.is_access_denied() {
                " Grant chime:GetAppInstanceRetentionSettings to compare with the period in force."
            } else {
                ""
            };
            diags.warning_at(
                AttributePath::attr("retention_days"),
                "Could not read the AppInstance's retention",
                format!("GetAppInstanceRetentionSettings: {e}.{permission}"),
            );
            None
        }
    }
}

#[async_trait]
impl TypedResource for AppInstanceRetentionSettingsResource {
    type Model = Model;
    type Private = ();
    type Data = AwsClients;

    const TYPE_NAME: &'static str = schema::TYPE_NAME;
    const TIMEOUTS: &'static [(Op, &'static str)] = schema::DEFAULT_TIMEOUTS;

    async fn plan(&self, req: Plan<'_, Self>, diags: &mut Diagnostics) -> Model {
        let c = &Aws::new(req.data, req.ctx);
        let mut m = req.planned;
        let app = m.app_instance_arn.known().cloned();
        if let Some(app) = &app {
            m.id = Attr::Known(app.clone());
            if let Ok(parsed) = AppInstanceArn::parse(app)
                && let Some(why) = super::other_region(&parsed, &c.region)
            {
                diags.error_at(
                    AttributePath::attr("app_instance_arn"),
                    "AppInstance is in another region",
                    why,
                );
                return m;
            }
        }
        let prior_days = req
            .prior
            .as_ref()
            .and_then(|p| p.retention_days.known().copied());
        m.initiate_deletion_timestamp = match (&req.prior, m.retention_days.known()) {
            (Some(prior), Some(days)) if prior_days == Some(*days) => {
                prior.initiate_deletion_timestamp.clone()
            }
            _ => Attr::Unknown,
        };
        if let Attr::Known(days) = m.retention_days {
            // The period in force: the state's, or for a create the
            // AppInstance's own (none when it is yet to be created).
            let current = match (&req.prior, &app) {
                (Some(_), _) => prior_days,
                (None, Some(app)) => current_days(c, app, diags).await,
                (None, None) => None,
            };
            if let Some(detail) = deletion_warning(days, current, OffsetDateTime::now_utc()) {
                diags.warning_at(
                    AttributePath::attr("retention_days"),
                    "Messages will be deleted for good",
                    detail,
                );
            }
        }
        m
    }

    async fn create(&self, req: Change<'_, Self>, diags: &mut Diagnostics) {
        self.put(req, diags).await;
    }

    async fn read(&self, req: Refresh<'_, Self>, diags: &mut Diagnostics) -> Option<Model> {
        let Some(app) = req.current.app_instance_arn.known().cloned() else {
            return Some(req.current);
        };
        let read = read_state(&Aws::new(req.data, req.ctx), &app).await;
        super::refreshed("AppInstance retention", &app, req.current, read, diags)
    }

    async fn update(&self, req: Change<'_, Self>, diags: &mut Diagnostics) {
        self.put(req, diags).await;
    }

    async fn delete(&self, req: Destroy<'_, Self>, diags: &mut Diagnostics) {
        let Some(app) = req.prior.app_instance_arn.known().cloned() else {
            *req.state = None;
            return;
        };
        match calls::remove(&Aws::new(req.data, req.ctx), &app).await {
            Ok(()) => *req.state = None,
            Err(e) => diags.error(
                format!("removing the retention of Chime SDK AppInstance ({app})"),
                explain(req.ctx, &e),
            ),
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
        let app = match AppInstanceArn::parse(id) {
            Ok(app) => app,
            Err(why) => {
                diags.error(
                    "Invalid import ID",
                    format!(
                        "{:?} is not an AppInstance ARN: {why}. Import with the AppInstance's ARN, e.g. `terraform \
                         import chimesdk_app_instance_retention_settings.NAME \
                         arn:aws:chime:us-east-1:123456789012:app-instance/ID`.",
                        truncated(id.to_string(), 200)
                    ),
                );
                return None;
            }
        };
        if let Some(why) = super::other_region(&app, &c.region) {
            diags.error("AppInstance is in another region", why);
            return None;
        }
        match read_state(c, id).await {
            Ok(Some(m)) => Some(m),
            Ok(None) => {
                diags.error(
                    "Cannot import a retention that is not set",
                    format!(
                        "GetAppInstanceRetentionSettings shows no retention on {id} (or no such AppInstance). Create \
                         the resource instead: the apply sets it."
                    ),
                );
                None
            }
            Err(e) => {
                diags.error(format!("reading the retention of {id}"), e.to_string());
                None
            }
        }
    }
}

impl AppInstanceRetentionSettingsResource {
    /// Create and update are the same Put; the state records what it
    /// answered.
    async fn put(&self, req: Change<'_, Self>, diags: &mut Diagnostics) {
        let c = &Aws::new(req.data, req.ctx);
        let (Some(app), Some(days)) = (
            req.planned.app_instance_arn.known(),
            req.planned.retention_days.known(),
        ) else {
            diags.error(
                "Planned values are not known at apply",
                "app_instance_arn or retention_days were still unknown when apply started. This is a bug; please \
                 report it.",
            );
            return;
        };
        let Ok(days) = i32::try_from(*days) else {
            diags.error_at(
                AttributePath::attr("retention_days"),
                "Retention out of range",
                format!(
                    "retention_days = {days}: use 1-{}.",
                    schema::MAX_RETENTION_DAYS
                ),
            );
            return;
        };
        match calls::put(c, app, days).await {
            Ok(r) => {
                tracing::info!(app_instance = %app, days, "set AppInstance retention");
                *req.state = Some(state_of(app, r));
            }
            Err(e) => diags.error(
                format!("setting the retention of Chime SDK AppInstance ({app})"),
                explain(req.ctx, &e),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn setting_or_shortening_warns_with_the_cut_off_date_and_lengthening_does_not() {
        let today = datetime!(2026-12-06 12:00 UTC);
        let set = deletion_warning(30, None, today).unwrap();
        assert!(
            set.contains("where none was set")
                && set.contains("sent before 2026-11-06")
                && set.contains("about 2027-01-05"),
            "{set}"
        );
        let shorter = deletion_warning(7, Some(365), today).unwrap();
        assert!(
            shorter.contains("from 365 to 7 days") && shorter.contains("sent before 2026-11-29"),
            "{shorter}"
        );
        assert_eq!(deletion_warning(365, Some(30), today), None, "longer");
        assert_eq!(deletion_warning(30, Some(30), today), None, "unchanged");
    }
}
