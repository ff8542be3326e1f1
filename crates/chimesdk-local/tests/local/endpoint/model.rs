//! Every operation against the service model: status, shapes and errors.

use super::*;

/// A request that must fail with a modelled error.
struct ErrorCase {
    op: &'static str,
    method: &'static str,
    path: String,
    body: Option<Value>,
    bearer: bool,
    status: u16,
}

/// Calls operation `op` over raw HTTP at the route its http trait names,
/// and checks status code and body against the model.
fn call(
    w: &World,
    model: &test_support::model::Model,
    op: &str,
    labels: &[(&str, &str)],
    query: &str,
    body: Option<Value>,
    bearer: bool,
) -> Value {
    let (method, uri, code) = model.http(op);
    let mut path = uri.split('?').next().unwrap().to_string();
    for (name, value) in labels {
        path = path.replace(&format!("{{{name}}}"), &enc(value));
    }
    assert!(!path.contains('{'), "{op}: unfilled label in {path}");
    let mut q = uri
        .split_once('?')
        .map(|(_, q)| q.to_string())
        .unwrap_or_default();
    if !query.is_empty() {
        q = if q.is_empty() {
            query.to_string()
        } else {
            format!("{q}&{query}")
        };
    }
    if !q.is_empty() {
        path = format!("{path}?{q}");
    }
    let (status, resp) = w.aws.chime(
        &method,
        &path,
        body,
        if bearer { Some(&w.alice) } else { None },
    );
    assert_eq!(status, code, "{op} {method} {path}: {resp}");
    let problems = model.output_problems(op, &resp);
    assert!(problems.is_empty(), "{op}: {problems:?}");
    resp
}

#[test]
fn every_operation_matches_the_service_model() {
    let w = world();
    let model = test_support::model::Model::load();
    let s = w.aws.create_stream("chime-messaging-model", 2, true);
    let app = w.app.as_str();
    call(
        &w,
        &model,
        "DescribeAppInstance",
        &[("appInstanceArn", app)],
        "",
        None,
        false,
    );
    call(
        &w,
        &model,
        "UpdateAppInstance",
        &[("appInstanceArn", app)],
        "",
        Some(json!({ "Name": "renamed", "Metadata": "m2" })),
        false,
    );
    let described = call(
        &w,
        &model,
        "DescribeAppInstance",
        &[("appInstanceArn", app)],
        "",
        None,
        false,
    );
    assert_eq!(described["AppInstance"]["Name"], "renamed");
    assert_eq!(described["AppInstance"]["Metadata"], "m2");
    // AppInstanceAdmins: a user of the AppInstance made admin, described,
    // listed and removed.
    let admin = [
        ("appInstanceArn", app),
        ("appInstanceAdminArn", w.alice.as_str()),
    ];
    let made = call(
        &w,
        &model,
        "CreateAppInstanceAdmin",
        &admin[..1],
        "",
        Some(json!({ "AppInstanceAdminArn": w.alice })),
        false,
    );
    assert_eq!(made["AppInstanceAdmin"]["Arn"], w.alice.as_str());
    let described = call(
        &w,
        &model,
        "DescribeAppInstanceAdmin",
        &admin,
        "",
        None,
        false,
    );
    assert_eq!(
        described["AppInstanceAdmin"]["Admin"]["Arn"],
        w.alice.as_str()
    );
    assert!(described["AppInstanceAdmin"]["CreatedTimestamp"].is_number());
    let listed = call(
        &w,
        &model,
        "ListAppInstanceAdmins",
        &admin[..1],
        "",
        None,
        false,
    );
    assert_eq!(
        listed["AppInstanceAdmins"].as_array().map(Vec::len),
        Some(1)
    );
    call(
        &w,
        &model,
        "DeleteAppInstanceAdmin",
        &admin,
        "",
        None,
        false,
    );
    let listed = call(
        &w,
        &model,
        "ListAppInstanceAdmins",
        &admin[..1],
        "",
        None,
        false,
    );
    assert_eq!(
        listed["AppInstanceAdmins"].as_array().map(Vec::len),
        Some(0)
    );
    call(
        &w,
        &model,
        "TagResource",
        &[],
        "",
        Some(
            json!({ "ResourceARN": app, "Tags": [{ "Key": "team", "Value": "chat" }, { "Key": "env", "Value": "dev" }] }),
        ),
        false,
    );
    call(
        &w,
        &model,
        "UntagResource",
        &[],
        "",
        Some(json!({ "ResourceARN": app, "TagKeys": ["env"] })),
        false,
    );
    let tags = call(
        &w,
        &model,
        "ListTagsForResource",
        &[],
        &format!("arn={}", enc(app)),
        None,
        false,
    );
    assert_eq!(tags["Tags"], json!([{ "Key": "team", "Value": "chat" }]));
    call(
        &w,
        &model,
        "ListAppInstances",
        &[],
        "max-results=10",
        None,
        false,
    );
    call(
        &w,
        &model,
        "DescribeAppInstanceUser",
        &[("appInstanceUserArn", &w.alice)],
        "",
        None,
        false,
    );
    call(
        &w,
        &model,
        "PutMessagingStreamingConfigurations",
        &[("appInstanceArn", app)],
        "",
        Some(json!({ "StreamingConfigurations": [{ "DataType": "Channel", "ResourceArn": s }] })),
        false,
    );
    call(
        &w,
        &model,
        "GetMessagingStreamingConfigurations",
        &[("appInstanceArn", app)],
        "",
        None,
        false,
    );
    let ch = call(&w, &model, "CreateChannel", &[], "", Some(json!({ "AppInstanceArn": app, "Name": "m", "ClientRequestToken": "mc-1", "MemberArns": [w.alice], "ModeratorArns": [w.alice, w.bob], "ExpirationSettings": { "ExpirationDays": 2, "ExpirationCriterion": "CREATED_TIMESTAMP" } })), true)["ChannelArn"].as_str().unwrap().to_string();
    call(
        &w,
        &model,
        "DescribeChannel",
        &[("channelArn", &ch)],
        "",
        None,
        true,
    );
    call(
        &w,
        &model,
        "ListChannels",
        &[],
        &format!("app-instance-arn={}", enc(app)),
        None,
        true,
    );
    call(
        &w,
        &model,
        "UpdateChannel",
        &[("channelArn", &ch)],
        "",
        Some(json!({ "Name": "m2", "Mode": "RESTRICTED", "Metadata": "x" })),
        true,
    );
    call(
        &w,
        &model,
        "PutChannelExpirationSettings",
        &[("channelArn", &ch)],
        "",
        Some(
            json!({ "ExpirationSettings": { "ExpirationDays": 5, "ExpirationCriterion": "LAST_MESSAGE_TIMESTAMP" } }),
        ),
        true,
    );
    // ChimeBearer is optional for this one operation.
    call(
        &w,
        &model,
        "PutChannelExpirationSettings",
        &[("channelArn", &ch)],
        "",
        Some(
            json!({ "ExpirationSettings": { "ExpirationDays": 6, "ExpirationCriterion": "CREATED_TIMESTAMP" } }),
        ),
        false,
    );
    // Generated channel IDs are hyphenated UUIDs.
    let id = ch.rsplit('/').next().unwrap();
    assert!(
        uuid::Uuid::try_parse(id).is_ok() && id.len() == 36,
        "channel ID {id} is a hyphenated UUID"
    );
    let sent = call(
        &w,
        &model,
        "SendChannelMessage",
        &[("channelArn", &ch)],
        "",
        Some(
            json!({ "Content": "c", "Type": "STANDARD", "Persistence": "PERSISTENT", "ClientRequestToken": "mm-1", "MessageAttributes": { "k": { "StringValues": ["v"] } }, "Metadata": "meta" }),
        ),
        true,
    );
    let id = sent["MessageId"].as_str().unwrap().to_string();
    call(
        &w,
        &model,
        "GetChannelMessage",
        &[("channelArn", &ch), ("messageId", &id)],
        "",
        None,
        true,
    );
    call(
        &w,
        &model,
        "ListChannelMessages",
        &[("channelArn", &ch)],
        "sort-order=ASCENDING",
        None,
        true,
    );
    call(
        &w,
        &model,
        "UpdateChannelMessage",
        &[("channelArn", &ch), ("messageId", &id)],
        "",
        Some(json!({ "Content": "c2" })),
        true,
    );
    call(
        &w,
        &model,
        "RedactChannelMessage",
        &[("channelArn", &ch), ("messageId", &id)],
        "",
        Some(json!({})),
        true,
    );
    call(
        &w,
        &model,
        "DeleteChannelMessage",
        &[("channelArn", &ch), ("messageId", &id)],
        "",
        None,
        true,
    );
    call(
        &w,
        &model,
        "CreateChannelMembership",
        &[("channelArn", &ch)],
        "",
        Some(json!({ "MemberArn": w.bob, "Type": "DEFAULT" })),
        true,
    );
    call(
        &w,
        &model,
        "ListChannelMemberships",
        &[("channelArn", &ch)],
        "",
        None,
        true,
    );
    call(
        &w,
        &model,
        "DeleteChannelMembership",
        &[("channelArn", &ch), ("memberArn", &w.bob)],
        "",
        None,
        true,
    );
    call(
        &w,
        &model,
        "CreateChannelBan",
        &[("channelArn", &ch)],
        "",
        Some(json!({ "MemberArn": w.bob })),
        true,
    );
    call(
        &w,
        &model,
        "DeleteChannelBan",
        &[("channelArn", &ch), ("memberArn", &w.bob)],
        "",
        None,
        true,
    );
    call(
        &w,
        &model,
        "CreateChannelModerator",
        &[("channelArn", &ch)],
        "",
        Some(json!({ "ChannelModeratorArn": w.alice })),
        true,
    );
    call(
        &w,
        &model,
        "DeleteChannelModerator",
        &[("channelArn", &ch), ("channelModeratorArn", &w.alice)],
        "",
        None,
        true,
    );
    let el = call(&w, &model, "CreateChannel", &[], "", Some(json!({ "AppInstanceArn": app, "Name": "e", "ClientRequestToken": "mc-2", "ElasticChannelConfiguration": { "MaximumSubChannels": 2, "TargetMembershipsPerSubChannel": 2, "MinimumMembershipPercentage": 10 } })), true)["ChannelArn"].as_str().unwrap().to_string();
    call(
        &w,
        &model,
        "CreateChannelMembership",
        &[("channelArn", &el)],
        "",
        Some(json!({ "MemberArn": w.alice, "Type": "DEFAULT" })),
        true,
    );
    call(
        &w,
        &model,
        "ListSubChannels",
        &[("channelArn", &el)],
        "",
        None,
        true,
    );
    call(
        &w,
        &model,
        "DeleteChannel",
        &[("channelArn", &ch)],
        "",
        None,
        true,
    );
    call(
        &w,
        &model,
        "DeleteMessagingStreamingConfigurations",
        &[("appInstanceArn", app)],
        "",
        None,
        false,
    );
    let user = call(
        &w,
        &model,
        "CreateAppInstanceUser",
        &[],
        "",
        Some(
            json!({ "AppInstanceArn": app, "AppInstanceUserId": "carol", "Name": "Carol", "ClientRequestToken": "mu-1" }),
        ),
        false,
    );
    assert!(
        user["AppInstanceUserArn"]
            .as_str()
            .unwrap()
            .ends_with("/user/carol")
    );
    let other = call(
        &w,
        &model,
        "CreateAppInstance",
        &[],
        "",
        Some(json!({ "Name": "other", "ClientRequestToken": "ma-1", "Metadata": "m" })),
        false,
    );
    call(
        &w,
        &model,
        "DeleteAppInstance",
        &[("appInstanceArn", other["AppInstanceArn"].as_str().unwrap())],
        "",
        None,
        false,
    );

    // Every error is one the operation models, with exactly {Code, Message}.
    let gone_ch = enc(&ch);
    let cases = vec![
        ErrorCase {
            op: "DescribeChannel",
            method: "GET",
            path: format!("/channels/{gone_ch}"),
            body: None,
            bearer: true,
            status: 403,
        },
        ErrorCase {
            op: "UpdateChannel",
            method: "PUT",
            path: format!("/channels/{gone_ch}"),
            body: Some(json!({ "Name": "x" })),
            bearer: true,
            status: 403,
        },
        ErrorCase {
            op: "GetChannelMessage",
            method: "GET",
            path: format!("/channels/{}/messages/nope", enc(&el)),
            body: None,
            bearer: true,
            status: 404,
        },
        ErrorCase {
            op: "UpdateChannelMessage",
            method: "PUT",
            path: format!("/channels/{}/messages/nope", enc(&el)),
            body: Some(json!({ "Content": "x" })),
            bearer: true,
            status: 400,
        },
        ErrorCase {
            op: "CreateChannelMembership",
            method: "POST",
            path: format!("/channels/{}/memberships", enc(&el)),
            body: Some(json!({ "MemberArn": format!("{app}/user/nobody"), "Type": "DEFAULT" })),
            bearer: true,
            status: 404,
        },
        ErrorCase {
            op: "DeleteChannelBan",
            method: "DELETE",
            path: format!("/channels/{}/bans/{}", enc(&el), enc(&w.bob)),
            body: None,
            bearer: true,
            status: 400,
        },
        ErrorCase {
            op: "CreateChannel",
            method: "POST",
            path: "/channels".to_string(),
            body: Some(json!({ "AppInstanceArn": app, "Name": "x", "ClientRequestToken": "t-x" })),
            bearer: false,
            status: 400,
        },
        ErrorCase {
            op: "DescribeAppInstance",
            method: "GET",
            path: format!("/app-instances/{}", enc(&format!("{app}x"))),
            body: None,
            bearer: false,
            status: 400,
        },
        ErrorCase {
            op: "GetMessagingStreamingConfigurations",
            method: "GET",
            path: format!("/app-instances/{}/streaming-configurations", enc(app)),
            body: None,
            bearer: false,
            status: 404,
        },
        ErrorCase {
            op: "PutMessagingStreamingConfigurations",
            method: "PUT",
            path: format!("/app-instances/{}/streaming-configurations", enc(app)),
            body: Some(
                json!({ "StreamingConfigurations": [{ "DataType": "Channel", "ResourceArn": "arn:aws:kinesis:us-east-1:123456789012:stream/nope" }] }),
            ),
            bearer: false,
            status: 400,
        },
    ];
    for ErrorCase {
        op,
        method,
        path,
        body,
        bearer,
        status,
    } in cases
    {
        let (got, resp) = w.aws.chime(
            method,
            &path,
            body,
            if bearer { Some(&w.alice) } else { None },
        );
        assert_eq!(got, status, "{op}: {resp}");
        assert_eq!(
            resp.as_object().unwrap().keys().collect::<Vec<_>>(),
            vec!["Code", "Message"],
            "{op}"
        );
        let exception = format!("{}Exception", resp["Code"].as_str().unwrap());
        assert!(
            model.errors(op).contains(&exception),
            "{op} does not model {exception}"
        );
    }
}
