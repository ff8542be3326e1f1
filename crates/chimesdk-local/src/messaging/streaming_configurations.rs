//! PutMessagingStreamingConfigurations / Get / Delete: an AppInstance's
//! streams, each checked against the prerequisites before it is stored.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};
use crate::request::{Input, one_of};
use crate::{App, prereq};
use chimesdk_domain::arn::AppInstanceArn;

#[derive(Deserialize, Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub struct StreamingConfiguration {
    data_type: String,
    resource_arn: String,
}

/// The input of Put, and the output of Put and Get.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamingConfigurations {
    streaming_configurations: Vec<StreamingConfiguration>,
}

type Reply = ApiResult<(StatusCode, Json<StreamingConfigurations>)>;

pub async fn put_streaming(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
    Input(input): Input<StreamingConfigurations>,
) -> Reply {
    let list = input.streaming_configurations;
    if list.is_empty() || list.len() > 2 {
        return Err(ApiError::bad_request(
            "StreamingConfigurations must have 1 or 2 members",
        ));
    }
    let mut pairs: Vec<(String, String)> = Vec::new();
    for item in list {
        let data_type = one_of(
            "DataType",
            Some(item.data_type),
            &["Channel", "ChannelMessage"],
            "",
        )?;
        let resource_arn = item.resource_arn;
        if pairs.iter().any(|(dt, _)| *dt == data_type) {
            return Err(ApiError::bad_request(format!(
                "DataType {data_type} appears more than once"
            )));
        }
        pairs.push((data_type, resource_arn));
    }
    if !app.read(|s| Ok(s.app_instances.contains_key(&arn))).await? {
        return Err(ApiError::not_found(format!("AppInstance {arn} not found")));
    }
    let app_instance = AppInstanceArn::parse(&arn)
        .map_err(|e| ApiError::bad_request(format!("AppInstanceArn: {e}")))?;
    let mut checked: Vec<&str> = Vec::new();
    for (_, resource_arn) in &pairs {
        if !checked.contains(&resource_arn.as_str()) {
            prereq::check_stream(&app.kinesis, &app_instance, resource_arn).await?;
            checked.push(resource_arn);
        }
    }
    let stored = pairs.clone();
    app.transact(|s, _| {
        s.streaming.insert(arn.clone(), stored);
        Ok(())
    })
    .await?;
    Ok((StatusCode::OK, Json(configurations(&pairs))))
}

fn configurations(pairs: &[(String, String)]) -> StreamingConfigurations {
    StreamingConfigurations {
        streaming_configurations: pairs
            .iter()
            .map(|(dt, arn)| StreamingConfiguration {
                data_type: dt.clone(),
                resource_arn: arn.clone(),
            })
            .collect(),
    }
}

pub async fn get_streaming(State(app): State<Arc<App>>, Path(arn): Path<String>) -> Reply {
    app.read(|s| {
        if !s.app_instances.contains_key(&arn) {
            return Err(ApiError::not_found(format!("AppInstance {arn} not found")));
        }
        match s.streaming.get(&arn) {
            Some(pairs) if !pairs.is_empty() => Ok((StatusCode::OK, Json(configurations(pairs)))),
            _ => Err(ApiError::not_found(format!(
                "No streaming configurations found for AppInstance {arn}"
            ))),
        }
    })
    .await
}

pub async fn delete_streaming(
    State(app): State<Arc<App>>,
    Path(arn): Path<String>,
) -> ApiResult<StatusCode> {
    app.transact(|s, _| {
        s.streaming.remove(&arn);
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
