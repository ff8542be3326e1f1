//! Chime SDK identity: AppInstanceBots, Lex V2 bots that answer in an
//! AppInstance's channels. chimesdk-local stores them (and serves them as
//! admins and senders' names); it does not run Lex.
//!
//! DescribeAppInstanceBot models a NotFoundException and answers it for a
//! missing bot; the other operations answer BadRequestException, as for the
//! identity operations without a modelled NotFound (unverified for the real
//! service).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::{ApiError, ApiResult};
use super::identity::{Tag, app_instance, tag_map};
use super::request::{Input, page, paginate, required_query};
use super::store::AppInstanceBot;
use super::{App, now};

type Reply<T> = ApiResult<(StatusCode, Json<T>)>;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAppInstanceBot {
    app_instance_arn: String,
    name: Option<String>,
    metadata: Option<String>,
    client_request_token: String,
    tags: Option<Vec<Tag>>,
    configuration: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateAppInstanceBot {
    name: String,
    metadata: String,
    configuration: Option<Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AppInstanceBotArn {
    app_instance_bot_arn: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AppInstanceBotOut {
    app_instance_bot_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    configuration: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_timestamp: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_updated_timestamp: Option<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAppInstanceBotOut {
    app_instance_bot: AppInstanceBotOut,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAppInstanceBotsOut {
    app_instance_arn: String,
    app_instance_bots: Vec<AppInstanceBotOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// Describe shows everything; List (a summary) only the ARN, name and
/// metadata.
fn bot_out(b: &AppInstanceBot, full: bool) -> AppInstanceBotOut {
    AppInstanceBotOut {
        app_instance_bot_arn: b.arn.clone(),
        name: b.name.clone(),
        metadata: b.metadata.clone(),
        configuration: full.then(|| b.configuration.clone()),
        created_timestamp: full.then_some(b.created),
        last_updated_timestamp: full.then_some(b.updated),
    }
}

/// The model requires `Configuration.Lex` with its alias ARN and locale;
/// its member constraints were checked before.
fn lex_configuration(configuration: &Value) -> ApiResult<()> {
    let lex = configuration.get("Lex").filter(|l| l.is_object());
    let has = |member: &str| {
        lex.and_then(|l| l.get(member))
            .is_some_and(Value::is_string)
    };
    if has("LexBotAliasArn") && has("LocaleId") {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "Configuration.Lex with LexBotAliasArn and LocaleId is required",
        ))
    }
}

pub async fn create_app_instance_bot(
    State(app): State<Arc<App>>,
    Input(input): Input<CreateAppInstanceBot>,
) -> Reply<AppInstanceBotArn> {
    let CreateAppInstanceBot {
        app_instance_arn: app_arn,
        name,
        metadata,
        client_request_token: token,
        tags,
        configuration,
    } = input;
    lex_configuration(&configuration)?;
    let tags = match tags {
        None => BTreeMap::new(),
        Some(list) => tag_map(list)?,
    };
    let arn = app
        .transact(|s, _| {
            let key = format!("CreateAppInstanceBot|{app_arn}|{token}");
            if let Some(arn) = s.tokens.get(&key) {
                return Ok(arn.clone());
            }
            app_instance(s, &app_arn)?;
            let arn = format!("{app_arn}/bot/{}", uuid::Uuid::new_v4());
            let t = now();
            s.bots.insert(
                arn.clone(),
                AppInstanceBot {
                    arn: arn.clone(),
                    app_instance_arn: app_arn,
                    name,
                    metadata,
                    configuration,
                    created: t,
                    updated: t,
                    tags,
                },
            );
            s.tokens.insert(key, arn.clone());
            Ok(arn)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AppInstanceBotArn {
            app_instance_bot_arn: arn,
        }),
    ))
}

pub async fn describe_app_instance_bot(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
) -> Reply<DescribeAppInstanceBotOut> {
    app.read(|s| {
        let b = s
            .bots
            .get(&arn)
            .ok_or_else(|| ApiError::not_found(format!("AppInstanceBot {arn} not found")))?;
        Ok((
            StatusCode::OK,
            Json(DescribeAppInstanceBotOut {
                app_instance_bot: bot_out(b, true),
            }),
        ))
    })
    .await
}

/// UpdateAppInstanceBot: name and metadata (both required), and the
/// configuration when given.
pub async fn update_app_instance_bot(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
    Input(input): Input<UpdateAppInstanceBot>,
) -> Reply<AppInstanceBotArn> {
    if let Some(c) = &input.configuration {
        lex_configuration(c)?;
    }
    app.transact(|s, _| {
        let b = s
            .bots
            .get_mut(&arn)
            .ok_or_else(|| ApiError::bad_request(format!("AppInstanceBot {arn} not found")))?;
        b.name = Some(input.name);
        b.metadata = Some(input.metadata);
        if let Some(c) = input.configuration {
            b.configuration = c;
        }
        b.updated = now();
        Ok(())
    })
    .await?;
    Ok((
        StatusCode::OK,
        Json(AppInstanceBotArn {
            app_instance_bot_arn: arn,
        }),
    ))
}

/// DeleteAppInstanceBot: the bot goes, and with it its admin entry.
pub async fn delete_app_instance_bot(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
) -> ApiResult<StatusCode> {
    app.transact(|s, _| {
        let b = s
            .bots
            .remove(&arn)
            .ok_or_else(|| ApiError::bad_request(format!("AppInstanceBot {arn} not found")))?;
        if let Some(a) = s.app_instances.get_mut(&b.app_instance_arn) {
            a.admins.remove(&arn);
        }
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// ListAppInstanceBots: the AppInstance's bots, in ARN order, a page at a
/// time.
pub async fn list_app_instance_bots(
    State(app): State<Arc<App>>,
    Query(q): Query<HashMap<String, String>>,
) -> Reply<ListAppInstanceBotsOut> {
    let (start, max) = page(&q)?;
    let app_arn = required_query(&q, "app-instance-arn")?;
    app.read(|s| {
        app_instance(s, &app_arn)?;
        let mut bots: Vec<&AppInstanceBot> = s
            .bots
            .values()
            .filter(|b| b.app_instance_arn == app_arn)
            .collect();
        bots.sort_by(|a, b| a.arn.cmp(&b.arn));
        let (items, next) = paginate(&bots, start, max);
        Ok((
            StatusCode::OK,
            Json(ListAppInstanceBotsOut {
                app_instance_arn: app_arn.clone(),
                app_instance_bots: items.iter().map(|b| bot_out(b, false)).collect(),
                next_token: next,
            }),
        ))
    })
    .await
}
