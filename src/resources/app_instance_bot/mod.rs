//! Resource `chimesdk_app_instance_bot`: a Lex V2 bot that answers in an
//! AppInstance's channels, with its name, metadata, Lex configuration and
//! tags; created with an idempotency token, changed in place, imported by
//! ARN, listed by AppInstance. The plan checks its Lex alias (`lex`).

pub mod calls;
mod data_source;
mod lex;
mod list;
pub mod schema;

pub use data_source::AppInstanceBotData;

use async_trait::async_trait;

use self::calls::{Bot, Lex};
use self::lex::AliasArn;
use self::schema::{InvokedByModel, LexModel, Model};
use crate::aws::app_instances;
use crate::aws::tags::{Tags, known_tags};
use crate::aws::{Aws, AwsClients, AwsError};
use crate::resources::tagging::{check_tags, plan_tags, read_tags};
use crate::resources::{explain, metadata_attr};
use chimesdk_domain::arn::AppInstanceArn;
use chimesdk_domain::lex_policy::BotUse;
use tfplugin::framework::{
    CallContext, Change, Destroy, Diagnostics, Op, Plan, Refresh, Registry, TypedResource,
};
use tfplugin::value::{Attr, AttributePath};

#[derive(Clone)]
pub struct AppInstanceBotResource;

/// The folder's one registration: the resource with its list and its data
/// source.
pub fn register(registry: &mut Registry) {
    registry
        .listed_resource(AppInstanceBotResource)
        .data_source(AppInstanceBotData);
}

/// The AppInstance ARN of a bot ARN (`APP_INSTANCE_ARN/bot/ID`).
fn app_of_bot(arn: &str) -> Result<AppInstanceArn, String> {
    super::split_member_arn(arn, "bot").map(|(app, _)| app)
}

/// The configured Lex block as the calls send it; `None` while any part is
/// unknown.
fn lex_of(m: &LexModel) -> Option<Lex> {
    let invoked_by = match &m.invoked_by {
        Attr::Null => None,
        Attr::Unknown => return None,
        Attr::Known(i) => Some((
            i.standard_messages.known()?.clone(),
            i.targeted_messages.known()?.clone(),
        )),
    };
    let welcome_intent = match &m.welcome_intent {
        Attr::Unknown => return None,
        other => other.known().cloned(),
    };
    Some(Lex {
        bot_alias_arn: m.bot_alias_arn.known()?.clone(),
        locale_id: m.locale_id.known()?.clone(),
        welcome_intent,
        invoked_by,
    })
}

fn lex_model(l: &Lex) -> LexModel {
    LexModel {
        bot_alias_arn: Attr::Known(l.bot_alias_arn.clone()),
        locale_id: Attr::Known(l.locale_id.clone()),
        welcome_intent: l.welcome_intent.clone().into(),
        invoked_by: match &l.invoked_by {
            Some((standard, targeted)) => Attr::Known(InvokedByModel {
                standard_messages: Attr::Known(standard.clone()),
                targeted_messages: Attr::Known(targeted.clone()),
            }),
            None => Attr::Null,
        },
    }
}

fn state_of(b: &Bot, remote_tags: &Tags, like: &Model, defaults: &Tags) -> Model {
    let (tags, tags_all) = read_tags(&like.tags, remote_tags, defaults);
    let app = match app_of_bot(&b.arn) {
        Ok(app) => Attr::Known(app.to_string()),
        Err(_) => like.app_instance_arn.clone(),
    };
    Model {
        id: Attr::Known(b.arn.clone()),
        arn: Attr::Known(b.arn.clone()),
        app_instance_arn: app,
        name: Attr::Known(b.name.clone().unwrap_or_default()),
        metadata: metadata_attr(b.metadata.as_deref(), &like.metadata),
        lex: b.lex.as_ref().map(lex_model).into(),
        tags,
        tags_all,
        created_timestamp: b.created.clone().into(),
        last_updated_timestamp: b.last_updated.clone().into(),
    }
}

/// Reads the bot and its tags into a state shaped like `like`.
async fn read_state(c: &Aws<'_>, arn: &str, like: &Model) -> Result<Option<Model>, AwsError> {
    let Some(b) = calls::find(c, arn).await? else {
        return Ok(None);
    };
    let remote = app_instances::list_tags(c, arn).await?;
    Ok(Some(state_of(&b, &remote, like, &c.default_tags)))
}

/// The AppInstance and alias ARNs, parsed, when both are known and valid.
fn placement(m: &Model) -> Option<(AppInstanceArn, AliasArn, String)> {
    let app = AppInstanceArn::parse(m.app_instance_arn.known()?).ok()?;
    let lex = m.lex.known()?;
    let alias_arn = lex.bot_alias_arn.known()?;
    Some((app, AliasArn::parse(alias_arn)?, alias_arn.clone()))
}

#[async_trait]
impl TypedResource for AppInstanceBotResource {
    type Model = Model;
    type Private = ();
    type Data = AwsClients;

    const TYPE_NAME: &'static str = schema::TYPE_NAME;
    const TIMEOUTS: &'static [(Op, &'static str)] = schema::DEFAULT_TIMEOUTS;

    fn validate(&self, config: &Model, diags: &mut Diagnostics) {
        check_tags("AppInstanceBot", &config.tags, &Tags::new(), diags);
        if let Some((app, alias, _)) = placement(config)
            && let Some(why) = lex::placement_problem(&app, &alias)
        {
            diags.error_at(
                AttributePath::attr("lex").attribute("bot_alias_arn"),
                "Lex bot alias is not in the AppInstance's account and region",
                why,
            );
        }
    }

    async fn plan(&self, req: Plan<'_, Self>, diags: &mut Diagnostics) -> Model {
        let c = &Aws::new(req.data, req.ctx);
        let mut m = req.planned;
        m.tags_all = plan_tags("AppInstanceBot", &req.config.tags, &c.default_tags, diags);
        if let Some(prior) = &req.prior
            && prior.name == m.name
            && prior.metadata == m.metadata
            && prior.lex == m.lex
        {
            // Only UpdateAppInstanceBot moves it.
            m.last_updated_timestamp = prior.last_updated_timestamp.clone();
        }
        let lex_changed = req.prior.as_ref().is_none_or(|p| p.lex != m.lex);
        if let (true, Some((app, alias, alias_arn))) = (lex_changed, placement(&m)) {
            if let Some(why) = super::other_region(&app, &c.region) {
                diags.error_at(
                    AttributePath::attr("app_instance_arn"),
                    "AppInstance is in another region",
                    why,
                );
                return m;
            }
            if lex::placement_problem(&app, &alias).is_some() {
                return m;
            }
            let locale = m
                .lex
                .known()
                .and_then(|l| l.locale_id.known().cloned())
                .unwrap_or_default();
            let bot = BotUse {
                account: app.account.clone(),
                app_instance_arn: app.to_string(),
                bot_arn: req.prior.as_ref().and_then(|p| p.arn.known().cloned()),
                alias_arn,
            };
            lex::check_alias(c, &alias, &bot, &locale, diags).await;
        }
        m
    }

    async fn create(&self, req: Change<'_, Self>, diags: &mut Diagnostics) {
        let c = &Aws::new(req.data, req.ctx);
        let p = &req.planned;
        let (Some(app), Some(name), Some(lex), Some(tags)) = (
            p.app_instance_arn.known(),
            p.name.known(),
            p.lex.known().and_then(lex_of),
            known_tags(&p.tags_all),
        ) else {
            diags.error(
                "Planned values are not known at apply",
                "app_instance_arn, name, lex or tags were still unknown when apply started. This is a bug; please \
                 report it.",
            );
            return;
        };
        // One token for this create: every retry of the call (a lost
        // response included) gets the same bot back.
        let token = uuid::Uuid::new_v4().simple().to_string();
        let metadata = p.metadata.known().map(String::as_str);
        let arn = match calls::create(c, app, name, metadata, &lex, &tags, &token).await {
            Ok(arn) => arn,
            Err(e) => {
                diags.error(
                    format!("creating Chime SDK AppInstanceBot ({name:?} in {app})"),
                    explain(req.ctx, &e),
                );
                return;
            }
        };
        tracing::info!(app_instance_bot = %arn, "created AppInstanceBot");
        // The bot exists from here on: the state records it whatever
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
            format!("reading Chime SDK AppInstanceBot ({arn}) after creating it"),
            "DescribeAppInstanceBot did not find the bot just created. Run `terraform apply` again: the refresh \
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
        super::refreshed("AppInstanceBot", &arn, req.current, read, diags)
    }

    async fn update(&self, req: Change<'_, Self>, diags: &mut Diagnostics) {
        let c = &Aws::new(req.data, req.ctx);
        let prior = req.prior.clone().unwrap_or_default();
        let p = &req.planned;
        let (Some(arn), Some(name), Some(lex), Some(tags)) = (
            prior.arn.known().cloned(),
            p.name.known(),
            p.lex.known().and_then(lex_of),
            known_tags(&p.tags_all),
        ) else {
            diags.error(
                "Planned values are not known at apply",
                "arn, name, lex or tags were unknown when apply started. This is a bug; please report it.",
            );
            return;
        };
        let Some(reached) = req.state.as_mut() else {
            return;
        };
        if prior.name != p.name || prior.metadata != p.metadata || prior.lex != p.lex {
            let metadata = p.metadata.known().map_or("", String::as_str);
            if let Err(e) = calls::update(c, &arn, name, metadata, &lex).await {
                diags.error(
                    format!("updating Chime SDK AppInstanceBot ({arn})"),
                    explain(req.ctx, &e),
                );
                return;
            }
            reached.name = p.name.clone();
            reached.metadata = p.metadata.clone();
            reached.lex = p.lex.clone();
        }
        if prior.tags_all != p.tags_all {
            if let Err(e) = app_instances::set_tags(c, &arn, &tags).await {
                diags.error(
                    format!("tagging Chime SDK AppInstanceBot ({arn})"),
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
            format!("reading Chime SDK AppInstanceBot ({arn}) after updating it"),
            "The bot was deleted while it was being updated. Run `terraform apply` again to create it.",
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
            Err(e) => diags.error(
                format!("deleting Chime SDK AppInstanceBot ({arn})"),
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
                kind: "AppInstanceBot",
                describe: "DescribeAppInstanceBot",
                example: "terraform import chimesdk_app_instance_bot.NAME \
             arn:aws:chime:us-east-1:123456789012:app-instance/APP/bot/BOT",
            },
            id,
            app_of_bot(id),
            &c.region,
            read_state(c, id, &Model::default()),
            diags,
        )
        .await
    }
}
