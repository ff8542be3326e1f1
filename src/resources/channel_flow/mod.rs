//! Resource `chimesdk_channel_flow`: Lambda processors that an AppInstance's
//! channels send their messages through, with the flow's name and tags;
//! created with an idempotency token, changed in place, imported by ARN,
//! listed by AppInstance. The plan checks each processor's function
//! (`processors`); a flow that channels hold is neither deleted nor
//! replaced (`holders`).

pub mod calls;
mod data_source;
mod holders;
mod list;
mod processors;
pub mod schema;

pub use data_source::ChannelFlowData;

use async_trait::async_trait;

use self::calls::{Flow, Step};
use self::schema::{Model, ProcessorModel};
use crate::aws::messaging_tags;
use crate::aws::tags::{Tags, known_tags};
use crate::aws::{Aws, AwsClients, AwsError};
use crate::resources::explain;
use crate::resources::tagging::{check_tags, plan_tags, read_tags};
use chimesdk_domain::arn::AppInstanceArn;
use chimesdk_domain::lambda_policy::ProcessorUse;
use processors::FunctionArn;
use tfplugin::framework::{
    CallContext, Change, Destroy, Diagnostics, Op, Plan, Refresh, Registry, TypedResource,
};
use tfplugin::value::{Attr, AttributePath};

#[derive(Clone)]
pub struct ChannelFlowResource;

/// The folder's one registration: the resource with its list and its data
/// source.
pub fn register(registry: &mut Registry) {
    registry
        .listed_resource(ChannelFlowResource)
        .data_source(ChannelFlowData);
}

/// The AppInstance ARN of a flow ARN (`APP_INSTANCE_ARN/channel-flow/ID`).
fn app_of_flow(arn: &str) -> Result<AppInstanceArn, String> {
    super::split_member_arn(arn, "channel-flow").map(|(app, _)| app)
}

/// The configured processors as the calls send them; `None` while any part
/// is unknown.
fn steps_of(m: &Model) -> Option<Vec<Step>> {
    m.processors
        .known()?
        .iter()
        .map(|p| {
            Some(Step {
                name: p.name.known()?.clone(),
                lambda_function_arn: p.lambda_function_arn.known()?.clone(),
                invocation_type: p.invocation_type.known()?.clone(),
                execution_order: i32::try_from(*p.execution_order.known()?).ok()?,
                fallback_action: p.fallback_action.known()?.clone(),
            })
        })
        .collect()
}

fn processor_model(s: &Step) -> ProcessorModel {
    ProcessorModel {
        name: Attr::Known(s.name.clone()),
        lambda_function_arn: Attr::Known(s.lambda_function_arn.clone()),
        invocation_type: Attr::Known(s.invocation_type.clone()),
        execution_order: Attr::Known(i64::from(s.execution_order)),
        fallback_action: Attr::Known(s.fallback_action.clone()),
    }
}

/// The processors read, in the order `like` lists them (by name; the rest
/// by execution order): the service's order is not the configuration's
/// business, so reading it never shows a change that is only an order.
fn processors_like(read: &[Step], like: &Model) -> Vec<ProcessorModel> {
    let mut rest: Vec<&Step> = read.iter().collect();
    rest.sort_by_key(|s| s.execution_order);
    let mut ordered = Vec::new();
    for wanted in like.processors.known().into_iter().flatten() {
        if let Some(i) = rest
            .iter()
            .position(|s| wanted.name.known() == Some(&s.name))
        {
            ordered.push(rest.remove(i));
        }
    }
    ordered.extend(rest);
    ordered.into_iter().map(processor_model).collect()
}

fn state_of(f: &Flow, remote_tags: &Tags, like: &Model, defaults: &Tags) -> Model {
    let (tags, tags_all) = read_tags(&like.tags, remote_tags, defaults);
    let app = match app_of_flow(&f.arn) {
        Ok(app) => Attr::Known(app.to_string()),
        Err(_) => like.app_instance_arn.clone(),
    };
    Model {
        id: Attr::Known(f.arn.clone()),
        arn: Attr::Known(f.arn.clone()),
        app_instance_arn: app,
        name: Attr::Known(f.name.clone().unwrap_or_default()),
        processors: Attr::Known(processors_like(&f.processors, like)),
        tags,
        tags_all,
        created_timestamp: f.created.clone().into(),
        last_updated_timestamp: f.last_updated.clone().into(),
    }
}

/// Reads the flow and its tags into a state shaped like `like`.
async fn read_state(c: &Aws<'_>, arn: &str, like: &Model) -> Result<Option<Model>, AwsError> {
    let Some(f) = calls::find(c, arn).await? else {
        return Ok(None);
    };
    let remote = messaging_tags::list_tags(c, arn).await?;
    Ok(Some(state_of(&f, &remote, like, &c.default_tags)))
}

/// The static checks of the processors: the execution orders, each
/// function's account and region, and the quota of one processor.
fn check_processors(config: &Model, diags: &mut Diagnostics) {
    let Some(list) = config.processors.known() else {
        return;
    };
    let orders: Option<Vec<i64>> = list
        .iter()
        .map(|p| p.execution_order.known().copied())
        .collect();
    if let Some(why) = orders.as_deref().and_then(processors::order_problem) {
        diags.error_at(
            AttributePath::attr("processors"),
            "Processors' execution orders are not 1 to n",
            why,
        );
    }
    if list.len() > 1 {
        diags.warning_at(
            AttributePath::attr("processors"),
            "More than one processor",
            format!(
                "This flow has {} processors. The developer guide (\"using-channel-flows\") gives a default quota \
                 of one processor per flow, raised only by AWS Support: without a raised quota the create or \
                 update fails.",
                list.len()
            ),
        );
    }
    let Some(app) = config
        .app_instance_arn
        .known()
        .and_then(|a| AppInstanceArn::parse(a).ok())
    else {
        return;
    };
    for (i, p) in list.iter().enumerate() {
        if let Some(why) = p
            .lambda_function_arn
            .known()
            .and_then(|a| FunctionArn::parse(a))
            .and_then(|f| processors::placement_problem(&app, &f))
        {
            diags.error_at(
                processors::function_path(i),
                "Lambda function is not in the AppInstance's account and region",
                why,
            );
        }
    }
}

#[async_trait]
impl TypedResource for ChannelFlowResource {
    type Model = Model;
    type Private = ();
    type Data = AwsClients;

    const TYPE_NAME: &'static str = schema::TYPE_NAME;
    const TIMEOUTS: &'static [(Op, &'static str)] = schema::DEFAULT_TIMEOUTS;

    fn validate(&self, config: &Model, diags: &mut Diagnostics) {
        check_tags("channel flow", &config.tags, &Tags::new(), diags);
        check_processors(config, diags);
    }

    async fn plan(&self, req: Plan<'_, Self>, diags: &mut Diagnostics) -> Model {
        let c = &Aws::new(req.data, req.ctx);
        let mut m = req.planned;
        m.tags_all = plan_tags("channel flow", &req.config.tags, &c.default_tags, diags);
        if let Some(prior) = &req.prior
            && prior.name == m.name
            && prior.processors == m.processors
        {
            // Only UpdateChannelFlow moves it.
            m.last_updated_timestamp = prior.last_updated_timestamp.clone();
        }
        if let Some(prior) = &req.prior
            && prior.app_instance_arn != m.app_instance_arn
            && let Some(arn) = prior.arn.known()
        {
            holders::refuse_replacement(c, arn, diags).await;
        }
        let processors_changed = req
            .prior
            .as_ref()
            .is_none_or(|p| p.processors != m.processors);
        let app = m
            .app_instance_arn
            .known()
            .and_then(|a| AppInstanceArn::parse(a).ok());
        let (true, Some(app), Some(list)) = (processors_changed, app, m.processors.known()) else {
            return m;
        };
        if let Some(why) = super::other_region(&app, &c.region) {
            diags.error_at(
                AttributePath::attr("app_instance_arn"),
                "AppInstance is in another region",
                why,
            );
            return m;
        }
        for (i, p) in list.iter().enumerate() {
            let Some(function_arn) = p.lambda_function_arn.known() else {
                continue;
            };
            let placed = FunctionArn::parse(function_arn)
                .is_some_and(|f| processors::placement_problem(&app, &f).is_none());
            if !placed {
                continue;
            }
            let use_ = ProcessorUse {
                account: app.account.clone(),
                app_instance_arn: app.to_string(),
                function_arn: function_arn.clone(),
            };
            processors::check_function(c, i, &use_, diags).await;
        }
        m
    }

    async fn create(&self, req: Change<'_, Self>, diags: &mut Diagnostics) {
        let c = &Aws::new(req.data, req.ctx);
        let p = &req.planned;
        let (Some(app), Some(name), Some(steps), Some(tags)) = (
            p.app_instance_arn.known(),
            p.name.known(),
            steps_of(p),
            known_tags(&p.tags_all),
        ) else {
            diags.error(
                "Planned values are not known at apply",
                "app_instance_arn, name, processors or tags were still unknown when apply started. This is a bug; \
                 please report it.",
            );
            return;
        };
        // One token for this create: every retry of the call (a lost
        // response included) gets the same flow back.
        let token = uuid::Uuid::new_v4().simple().to_string();
        let arn = match calls::create(c, app, name, &steps, &tags, &token).await {
            Ok(arn) => arn,
            Err(e) => {
                diags.error(
                    format!("creating Chime SDK channel flow ({name:?} in {app})"),
                    explain(req.ctx, &e),
                );
                return;
            }
        };
        tracing::info!(channel_flow = %arn, "created channel flow");
        // The flow exists from here on: the state records it whatever
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
            format!("reading Chime SDK channel flow ({arn}) after creating it"),
            "DescribeChannelFlow did not find the flow just created. Run `terraform apply` again: the refresh reads \
             it once the service shows it.",
            req.ctx,
            diags,
        );
    }

    async fn read(&self, req: Refresh<'_, Self>, diags: &mut Diagnostics) -> Option<Model> {
        let Some(arn) = req.current.arn.known().cloned() else {
            return Some(req.current);
        };
        let read = read_state(&Aws::new(req.data, req.ctx), &arn, &req.current).await;
        super::refreshed("channel flow", &arn, req.current, read, diags)
    }

    async fn update(&self, req: Change<'_, Self>, diags: &mut Diagnostics) {
        let c = &Aws::new(req.data, req.ctx);
        let prior = req.prior.clone().unwrap_or_default();
        let p = &req.planned;
        let (Some(arn), Some(name), Some(steps), Some(tags)) = (
            prior.arn.known().cloned(),
            p.name.known(),
            steps_of(p),
            known_tags(&p.tags_all),
        ) else {
            diags.error(
                "Planned values are not known at apply",
                "arn, name, processors or tags were unknown when apply started. This is a bug; please report it.",
            );
            return;
        };
        let Some(reached) = req.state.as_mut() else {
            return;
        };
        if prior.name != p.name || prior.processors != p.processors {
            if let Err(e) = calls::update(c, &arn, name, &steps).await {
                diags.error(
                    format!("updating Chime SDK channel flow ({arn})"),
                    explain(req.ctx, &e),
                );
                return;
            }
            reached.name = p.name.clone();
            reached.processors = p.processors.clone();
        }
        if prior.tags_all != p.tags_all {
            if let Err(e) = messaging_tags::set_tags(c, &arn, &tags).await {
                diags.error(
                    format!("tagging Chime SDK channel flow ({arn})"),
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
            format!("reading Chime SDK channel flow ({arn}) after updating it"),
            "The flow was deleted while it was being updated. Run `terraform apply` again to create it.",
            req.ctx,
            diags,
        );
    }

    async fn delete(&self, req: Destroy<'_, Self>, diags: &mut Diagnostics) {
        let Some(arn) = req.prior.arn.known().cloned() else {
            *req.state = None;
            return;
        };
        let c = &Aws::new(req.data, req.ctx);
        if holders::refuse_delete(c, &arn, diags).await {
            return;
        }
        match calls::delete(c, &arn).await {
            Ok(()) => *req.state = None,
            Err(e) if e.code() == Some("ConflictException") => {
                // Associated between the check and the delete.
                if !holders::refuse_delete(c, &arn, diags).await {
                    diags.error(
                        format!("deleting Chime SDK channel flow ({arn})"),
                        explain(req.ctx, &e),
                    );
                }
            }
            Err(e) => diags.error(
                format!("deleting Chime SDK channel flow ({arn})"),
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
        super::import_by_arn(
            super::ArnImport {
                kind: "channel flow",
                describe: "DescribeChannelFlow",
                example: "terraform import chimesdk_channel_flow.NAME \
             arn:aws:chime:us-east-1:123456789012:app-instance/APP/channel-flow/FLOW",
            },
            id,
            app_of_flow(id),
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

    fn step(name: &str, order: i32) -> Step {
        Step {
            name: name.into(),
            lambda_function_arn: format!("arn:aws:lambda:us-east-1:123456789012:function:{name}"),
            invocation_type: "ASYNC".into(),
            execution_order: order,
            fallback_action: "ABORT".into(),
        }
    }

    #[test]
    fn processors_read_back_in_the_configured_order() {
        let like = Model {
            processors: Attr::Known(vec![
                processor_model(&step("b", 2)),
                processor_model(&step("a", 1)),
            ]),
            ..Default::default()
        };
        let read = [step("a", 1), step("c", 3), step("b", 2)];
        let names: Vec<String> = processors_like(&read, &like)
            .iter()
            .map(|p| p.name.known().unwrap().clone())
            .collect();
        assert_eq!(names, ["b", "a", "c"]);
        let imported = processors_like(&read, &Model::default());
        assert_eq!(imported[0].name.known().unwrap(), "a");
        assert_eq!(imported[2].name.known().unwrap(), "c");
    }
}
