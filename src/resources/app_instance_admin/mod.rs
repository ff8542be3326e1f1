//! Resource `chimesdk_app_instance_admin`: a user (or bot) of an
//! AppInstance made its administrator. Nothing about it changes in place:
//! create, read, delete, import by the ARN pair, and a `list` of an
//! AppInstance's admins.

pub mod calls;
mod list;
pub mod schema;

use async_trait::async_trait;

use self::schema::Model;
use crate::aws::{Aws, AwsClients, AwsError};
use crate::resources::app_instance_bot::calls as bots;
use crate::resources::app_instance_user::calls as users;
use crate::resources::explain;
use chimesdk_domain::arn::AppInstanceArn;
use tfplugin::framework::{
    CallContext, Change, Destroy, Diagnostics, Op, Plan, Refresh, Registry, TypedResource,
    truncated,
};
use tfplugin::value::{Attr, AttributePath};

#[derive(Clone)]
pub struct AppInstanceAdminResource;

/// The folder's one registration: the resource with its list.
pub fn register(registry: &mut Registry) {
    registry.listed_resource(AppInstanceAdminResource);
}

/// `APP_INSTANCE_ARN,ADMIN_ARN`: the import ID and `id`.
fn id_of(app_instance_arn: &str, admin_arn: &str) -> String {
    format!("{app_instance_arn},{admin_arn}")
}

/// Why `admin_arn` is not a user or bot of `app_instance_arn`, if it is not.
fn not_of_app_instance(app_instance_arn: &str, admin_arn: &str) -> Option<String> {
    let member = ["/user/", "/bot/"].iter().any(|kind| {
        admin_arn
            .strip_prefix(app_instance_arn)
            .and_then(|rest| rest.strip_prefix(kind))
            .is_some_and(|id| !id.is_empty() && !id.contains('/'))
    });
    (!member).then(|| {
        format!(
            "app_instance_admin_arn = {:?} is not a user or bot of the AppInstance {app_instance_arn:?}: an admin's ARN \
             is its AppInstance's ARN followed by `/user/ID` or `/bot/ID`. Use a user of that AppInstance (for \
             example `chimesdk_app_instance_user.NAME.arn` with the same app_instance_arn), or correct \
             app_instance_arn.",
            truncated(admin_arn.to_string(), 200)
        )
    })
}

fn state_of(app_instance_arn: &str, admin_arn: &str, admin: calls::Admin) -> Model {
    Model {
        id: Attr::Known(id_of(app_instance_arn, admin_arn)),
        app_instance_arn: Attr::Known(app_instance_arn.to_string()),
        app_instance_admin_arn: Attr::Known(admin_arn.to_string()),
        created_timestamp: admin.created.into(),
    }
}

async fn read_state(
    c: &Aws<'_>,
    app_instance_arn: &str,
    admin_arn: &str,
) -> Result<Option<Model>, AwsError> {
    Ok(calls::find(c, app_instance_arn, admin_arn)
        .await?
        .map(|a| state_of(app_instance_arn, admin_arn, a)))
}

/// The admin to be made must exist now, as a user or a bot of the
/// AppInstance (one created by the same plan is unknown here, and not
/// checked).
async fn check_admin_exists(c: &Aws<'_>, admin_arn: &str, diags: &mut Diagnostics) {
    let at = AttributePath::attr("app_instance_admin_arn");
    let (kind, describe, found) = if admin_arn.contains("/bot/") {
        let found = bots::find(c, admin_arn).await.map(|b| b.is_some());
        ("AppInstanceBot", "DescribeAppInstanceBot", found)
    } else {
        let found = users::find(c, admin_arn).await.map(|u| u.is_some());
        ("AppInstanceUser", "DescribeAppInstanceUser", found)
    };
    match found {
        Ok(true) => {}
        Ok(false) => diags.error_at(
            at,
            format!("{kind} does not exist"),
            format!(
                "app_instance_admin_arn = {admin_arn:?}: {describe} and its List call show no such {kind}. Create it \
                 first (a resource whose `arn` this attribute references is created before the admin), or correct \
                 the ARN."
            ),
        ),
        Err(e) if e.is_access_denied() => diags.warning_at(
            at,
            format!("Could not check that the {kind} exists"),
            format!("{describe} was refused ({e}). Grant chime:{describe} to check the admin at plan time."),
        ),
        Err(e) => diags.warning_at(
            at,
            format!("Could not check that the {kind} exists"),
            e.to_string(),
        ),
    }
}

#[async_trait]
impl TypedResource for AppInstanceAdminResource {
    type Model = Model;
    type Private = ();
    type Data = AwsClients;

    const TYPE_NAME: &'static str = schema::TYPE_NAME;
    const TIMEOUTS: &'static [(Op, &'static str)] = schema::DEFAULT_TIMEOUTS;

    fn validate(&self, config: &Model, diags: &mut Diagnostics) {
        if let (Attr::Known(app), Attr::Known(admin)) =
            (&config.app_instance_arn, &config.app_instance_admin_arn)
            && let Some(why) = not_of_app_instance(app, admin)
        {
            diags.error_at(
                AttributePath::attr("app_instance_admin_arn"),
                "Admin is not of this AppInstance",
                why,
            );
        }
    }

    async fn plan(&self, req: Plan<'_, Self>, diags: &mut Diagnostics) -> Model {
        let c = &Aws::new(req.data, req.ctx);
        let mut m = req.planned;
        if let (Attr::Known(app), Attr::Known(admin)) =
            (&m.app_instance_arn, &m.app_instance_admin_arn)
        {
            m.id = Attr::Known(id_of(app, admin));
            if let Some(why) = AppInstanceArn::parse(app)
                .ok()
                .and_then(|parsed| super::other_region(&parsed, &c.region))
            {
                diags.error_at(
                    AttributePath::attr("app_instance_arn"),
                    "AppInstance is in another region",
                    why,
                );
            } else if req.prior.is_none() {
                check_admin_exists(c, admin, diags).await;
            }
        }
        m
    }

    async fn create(&self, req: Change<'_, Self>, diags: &mut Diagnostics) {
        let c = &Aws::new(req.data, req.ctx);
        let (Some(app), Some(admin)) = (
            req.planned.app_instance_arn.known(),
            req.planned.app_instance_admin_arn.known(),
        ) else {
            diags.error(
                "Planned values are not known at apply",
                "app_instance_arn or app_instance_admin_arn were still unknown when apply started. This is a bug; \
                 please report it.",
            );
            return;
        };
        if let Err(e) = calls::create(c, app, admin).await {
            let detail = if e.has_code("ConflictException") {
                format!(
                    "{e}. {admin} is an admin of {app} already, made outside this configuration. To manage it \
                     here, import it: `terraform import chimesdk_app_instance_admin.NAME '{}'`.",
                    id_of(app, admin)
                )
            } else {
                explain(req.ctx, &e)
            };
            diags.error(format!("making {admin} an admin of {app}"), detail);
            return;
        }
        tracing::info!(app_instance = %app, admin = %admin, "made AppInstance admin");
        // The admin exists from here on: the state records it whatever
        // happens next.
        let reached = req.state.insert(Model {
            created_timestamp: Attr::Null,
            ..req.planned.clone()
        });
        super::read_back(
            reached,
            read_state(c, app, admin).await,
            format!("reading admin {admin} of {app} after making it"),
            "DescribeAppInstanceAdmin did not find the admin just made. Run `terraform apply` again: the refresh \
             reads it once the service shows it.",
            req.ctx,
            diags,
        );
    }

    async fn read(&self, req: Refresh<'_, Self>, diags: &mut Diagnostics) -> Option<Model> {
        let (Some(app), Some(admin)) = (
            req.current.app_instance_arn.known().cloned(),
            req.current.app_instance_admin_arn.known().cloned(),
        ) else {
            return Some(req.current);
        };
        let read = read_state(&Aws::new(req.data, req.ctx), &app, &admin).await;
        super::refreshed(
            "AppInstanceAdmin",
            &id_of(&app, &admin),
            req.current,
            read,
            diags,
        )
    }

    /// Nothing changes in place: both ARNs replace.
    async fn update(&self, req: Change<'_, Self>, _diags: &mut Diagnostics) {
        *req.state = Some(req.planned);
    }

    async fn delete(&self, req: Destroy<'_, Self>, diags: &mut Diagnostics) {
        let (Some(app), Some(admin)) = (
            req.prior.app_instance_arn.known(),
            req.prior.app_instance_admin_arn.known(),
        ) else {
            *req.state = None;
            return;
        };
        match calls::delete(&Aws::new(req.data, req.ctx), app, admin).await {
            Ok(()) => *req.state = None,
            Err(e) => diags.error(
                format!("removing admin {admin} of {app}"),
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
        let pair = id.split_once(',').map(|(a, b)| (a.trim(), b.trim()));
        let Some((app, admin)) = pair.filter(|(a, b)| not_of_app_instance(a, b).is_none()) else {
            diags.error(
                "Invalid import ID",
                format!(
                    "{:?} is not `APP_INSTANCE_ARN,ADMIN_ARN` with the admin a user or bot of that AppInstance. \
                     Import with both ARNs, e.g. `terraform import chimesdk_app_instance_admin.NAME \
                     'arn:aws:chime:us-east-1:123456789012:app-instance/APP,arn:aws:chime:us-east-1:123456789012:app-instance/APP/user/USER'`.",
                    truncated(id.to_string(), 300)
                ),
            );
            return None;
        };
        match read_state(c, app, admin).await {
            Ok(Some(m)) => Some(m),
            Ok(None) => {
                diags.error(
                    "Cannot import a missing AppInstanceAdmin",
                    format!("{admin} is not an admin of {app} (DescribeAppInstanceAdmin and ListAppInstanceAdmins)."),
                );
                None
            }
            Err(e) => {
                diags.error(format!("reading admin {admin} of {app}"), e.to_string());
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "arn:aws:chime:us-east-1:123456789012:app-instance/abc";

    #[test]
    fn an_admin_is_a_user_or_bot_of_its_own_app_instance() {
        assert_eq!(not_of_app_instance(APP, &format!("{APP}/user/alice")), None);
        assert_eq!(not_of_app_instance(APP, &format!("{APP}/bot/helper")), None);
        for other in [
            "arn:aws:chime:us-east-1:123456789012:app-instance/xyz/user/alice".to_string(),
            format!("{APP}x/user/alice"),
            format!("{APP}/user/"),
            format!("{APP}/user/a/b"),
            format!("{APP}/channel/c"),
        ] {
            let why = not_of_app_instance(APP, &other).unwrap_or_default();
            assert!(
                why.contains("is not a user or bot of the AppInstance"),
                "{other}: {why}"
            );
        }
    }
}
