//! Resource `chimesdk_app_instance`: an AppInstance with its name, metadata
//! and tags; created with an idempotency token, updated in place, imported
//! by ARN.

mod data_source;
mod list;
pub mod schema;

pub use data_source::AppInstanceData;

use async_trait::async_trait;

use self::schema::Model;
use crate::aws::Aws;
use crate::aws::app_instances::{self, AppInstance};
use crate::aws::tags::{Tags, known_tags};
use crate::aws::{AwsClients, AwsError};
use crate::resources::tagging::{check_tags, plan_tags, read_tags};
use crate::resources::{explain, metadata_attr};
use chimesdk_domain::arn::AppInstanceArn;
use tfplugin::framework::{
    CallContext, Change, Destroy, Diagnostics, Op, Plan, Refresh, Registry, TypedResource,
};
use tfplugin::value::Attr;

#[derive(Clone)]
pub struct AppInstanceResource;

/// The folder's one registration: the resource with its list and its data
/// source.
pub fn register(registry: &mut Registry) {
    registry
        .listed_resource(AppInstanceResource)
        .data_source(AppInstanceData);
}

/// The state for what DescribeAppInstance and ListTagsForResource say.
fn state_of(a: &AppInstance, remote_tags: &Tags, like: &Model, defaults: &Tags) -> Model {
    let (tags, tags_all) = read_tags(&like.tags, remote_tags, defaults);
    Model {
        id: Attr::Known(a.arn.clone()),
        arn: Attr::Known(a.arn.clone()),
        name: Attr::Known(a.name.clone()),
        metadata: metadata_attr(a.metadata.as_deref(), &like.metadata),
        tags,
        tags_all,
        created_timestamp: a.created.clone().into(),
        last_updated_timestamp: a.last_updated.clone().into(),
    }
}

/// Reads the AppInstance and its tags into a state shaped like `like`.
async fn read_state(c: &Aws<'_>, arn: &str, like: &Model) -> Result<Option<Model>, AwsError> {
    let Some(a) = app_instances::find_app_instance(c, arn).await? else {
        return Ok(None);
    };
    let remote = app_instances::list_tags(c, arn).await?;
    Ok(Some(state_of(&a, &remote, like, &c.default_tags)))
}

#[async_trait]
impl TypedResource for AppInstanceResource {
    type Model = Model;
    type Private = ();
    type Data = AwsClients;

    const TYPE_NAME: &'static str = schema::TYPE_NAME;
    const TIMEOUTS: &'static [(Op, &'static str)] = schema::DEFAULT_TIMEOUTS;

    fn validate(&self, config: &Model, diags: &mut Diagnostics) {
        check_tags("AppInstance", &config.tags, &Tags::new(), diags);
    }

    async fn plan(&self, req: Plan<'_, Self>, diags: &mut Diagnostics) -> Model {
        let c = &Aws::new(req.data, req.ctx);
        let mut m = req.planned;
        m.tags_all = plan_tags("AppInstance", &req.config.tags, &c.default_tags, diags);
        if let Some(prior) = &req.prior
            && prior.name == m.name
            && prior.metadata == m.metadata
        {
            // Only UpdateAppInstance moves it; a tags change does not call it.
            m.last_updated_timestamp = prior.last_updated_timestamp.clone();
        }
        m
    }

    async fn create(&self, req: Change<'_, Self>, diags: &mut Diagnostics) {
        let c = &Aws::new(req.data, req.ctx);
        let (Some(name), Some(tags)) =
            (req.planned.name.known(), known_tags(&req.planned.tags_all))
        else {
            diags.error(
                "Planned values are not known at apply",
                "name or tags were still unknown when apply started. This is a bug; please report it.",
            );
            return;
        };
        // One token for this create: every retry of the call (a lost
        // response included) gets the same AppInstance back.
        let token = uuid::Uuid::new_v4().simple().to_string();
        let metadata = req.planned.metadata.known().map(String::as_str);
        let created = app_instances::create_app_instance(c, name, metadata, &token, &tags).await;
        let arn = match created {
            Ok(arn) => arn,
            Err(e) => {
                diags.error(
                    format!("creating Chime SDK AppInstance ({name})"),
                    explain(req.ctx, &e),
                );
                return;
            }
        };
        tracing::info!(app_instance = %arn, "created AppInstance");
        // From here on the AppInstance exists: whatever happens, the state
        // records it, so the next apply or refresh completes it.
        let reached = req.state.insert(Model {
            id: Attr::Known(arn.clone()),
            arn: Attr::Known(arn.clone()),
            created_timestamp: Attr::Null,
            last_updated_timestamp: Attr::Null,
            ..req.planned.clone()
        });
        let read = read_state(c, &arn, &req.planned).await;
        super::read_back(
            reached,
            read,
            format!("reading Chime SDK AppInstance ({arn}) after creating it"),
            "DescribeAppInstance did not find the AppInstance just created. Run `terraform apply` again: the \
             refresh reads it once the service shows it.",
            req.ctx,
            diags,
        );
    }

    async fn read(&self, req: Refresh<'_, Self>, diags: &mut Diagnostics) -> Option<Model> {
        let Some(arn) = req.current.arn.known().cloned() else {
            return Some(req.current);
        };
        let read = read_state(&Aws::new(req.data, req.ctx), &arn, &req.current).await;
        super::refreshed("AppInstance", &arn, req.current, read, diags)
    }

    async fn update(&self, req: Change<'_, Self>, diags: &mut Diagnostics) {
        let c = &Aws::new(req.data, req.ctx);
        let prior = req.prior.clone().unwrap_or_default();
        let (Some(arn), Some(name), Some(tags)) = (
            prior.arn.known().cloned(),
            req.planned.name.known(),
            known_tags(&req.planned.tags_all),
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
        if prior.name != req.planned.name || prior.metadata != req.planned.metadata {
            let metadata = req.planned.metadata.known().map_or("", String::as_str);
            let updated = app_instances::update_app_instance(c, &arn, name, metadata).await;
            if let Err(e) = updated {
                diags.error(
                    format!("updating Chime SDK AppInstance ({arn})"),
                    explain(req.ctx, &e),
                );
                return;
            }
            reached.name = req.planned.name.clone();
            reached.metadata = req.planned.metadata.clone();
        }
        if prior.tags_all != req.planned.tags_all {
            if let Err(e) = app_instances::set_tags(c, &arn, &tags).await {
                diags.error(
                    format!("tagging Chime SDK AppInstance ({arn})"),
                    explain(req.ctx, &e),
                );
                return;
            }
            reached.tags = req.planned.tags.clone();
            reached.tags_all = req.planned.tags_all.clone();
        }
        if req.planned.last_updated_timestamp.is_unknown() {
            match app_instances::find_app_instance(c, &arn).await {
                Ok(Some(a)) => reached.last_updated_timestamp = a.last_updated.into(),
                Ok(None) => diags.error(
                    format!("reading Chime SDK AppInstance ({arn}) after updating it"),
                    "The AppInstance was deleted while it was being updated. Run `terraform apply` again to create it.",
                ),
                Err(e) => diags.error(
                    format!("reading Chime SDK AppInstance ({arn}) after updating it"),
                    explain(req.ctx, &e),
                ),
            }
        }
    }

    async fn delete(&self, req: Destroy<'_, Self>, diags: &mut Diagnostics) {
        let Some(arn) = req.prior.arn.known().cloned() else {
            *req.state = None;
            return;
        };
        let deleted = app_instances::delete_app_instance(&Aws::new(req.data, req.ctx), &arn).await;
        match deleted {
            Ok(()) => *req.state = None,
            Err(e) => {
                diags.error(
                    format!("deleting Chime SDK AppInstance ({arn})"),
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
                kind: "AppInstance",
                describe: "DescribeAppInstance",
                example: "terraform import chimesdk_app_instance.NAME arn:aws:chime:us-east-1:123456789012:app-instance/ID",
            },
            id,
            AppInstanceArn::parse(id).map_err(|e| e.to_string()),
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
    use tfplugin::framework::{BlockSchema, validate_attributes};
    use tfplugin::value::{AttributePath, Value, to_value};

    fn config(name: &str, metadata: Option<&str>) -> Value {
        let m = Model {
            name: Attr::Known(name.into()),
            metadata: metadata.map(str::to_string).into(),
            ..Default::default()
        };
        to_value(
            &m,
            &tfplugin::framework::served_schema::<AppInstanceResource>().value_type(),
        )
        .unwrap()
    }

    #[test]
    fn name_and_metadata_follow_the_model_lengths() {
        let check = |v: Value| {
            let mut d = Diagnostics::new();
            validate_attributes(
                &<Model as BlockSchema>::block(),
                &v,
                &AttributePath::root(),
                &mut d,
            );
            d
        };
        assert!(!check(config("tenant-a", Some("{\"plan\":\"pro\"}"))).has_errors());
        assert!(!check(config(&"é".repeat(256), Some(&"m".repeat(1024)))).has_errors());
        let long = check(config(&"n".repeat(257), None));
        assert_eq!(long.0.len(), 1, "{long:?}");
        assert_eq!(long.0[0].path, Some(AttributePath::attr("name")));
        assert!(check(config("", None)).has_errors());
        let meta = check(config("a", Some(&"m".repeat(1025))));
        assert_eq!(meta.0[0].path, Some(AttributePath::attr("metadata")));
    }

    #[test]
    fn an_empty_metadata_reads_as_the_configuration_said() {
        assert_eq!(metadata_attr(Some(""), &Attr::Null), Attr::Null);
        assert_eq!(
            metadata_attr(None, &Attr::Known(String::new())),
            Attr::Known(String::new())
        );
        assert_eq!(
            metadata_attr(Some("x"), &Attr::Null),
            Attr::Known("x".into())
        );
        assert_eq!(
            metadata_attr(None, &Attr::Known("was".into())),
            Attr::Null,
            "drift: removed"
        );
    }
}
