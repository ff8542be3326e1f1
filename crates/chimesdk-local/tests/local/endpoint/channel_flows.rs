//! Channel flows through the AWS CLI (botocore's wire format): create,
//! describe, list, tag through the messaging API, association by an admin
//! or a moderator only, the channels that hold a flow, and no delete while
//! one does.

use super::*;

#[test]
fn flows_are_served_associated_by_admins_and_not_deleted_while_held() {
    let w = world();
    let processors = json!([{
        "Name": "filter", "ExecutionOrder": 1, "FallbackAction": "ABORT",
        "Configuration": { "Lambda": {
            "ResourceArn": "arn:aws:lambda:us-east-1:123456789012:function:filter",
            "InvocationType": "ASYNC" } },
    }])
    .to_string();
    let flow = w.cli.ok(&[
        "chime-sdk-messaging",
        "create-channel-flow",
        "--app-instance-arn",
        &w.app,
        "--name",
        "moderation",
        "--processors",
        &processors,
        "--tags",
        "Key=team,Value=safety",
        "--client-request-token",
        "flow-1",
    ])["ChannelFlowArn"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        flow.starts_with(&format!("{}/channel-flow/", w.app)),
        "{flow}"
    );
    let d = w.cli.ok(&[
        "chime-sdk-messaging",
        "describe-channel-flow",
        "--channel-flow-arn",
        &flow,
    ]);
    assert_eq!(d["ChannelFlow"]["Processors"][0]["FallbackAction"], "ABORT");
    let listed = w.cli.ok(&[
        "chime-sdk-messaging",
        "list-channel-flows",
        "--app-instance-arn",
        &w.app,
    ]);
    assert_eq!(listed["ChannelFlows"][0]["ChannelFlowArn"], flow.as_str());
    let tags = w.cli.ok(&[
        "chime-sdk-messaging",
        "list-tags-for-resource",
        "--resource-arn",
        &flow,
    ]);
    assert_eq!(tags["Tags"], json!([{ "Key": "team", "Value": "safety" }]));
    // Two processors with one execution order are refused.
    let twice = json!([
        { "Name": "a", "ExecutionOrder": 1, "FallbackAction": "ABORT",
          "Configuration": { "Lambda": { "ResourceArn": "arn:aws:lambda:us-east-1:123456789012:function:a", "InvocationType": "ASYNC" } } },
        { "Name": "b", "ExecutionOrder": 1, "FallbackAction": "ABORT",
          "Configuration": { "Lambda": { "ResourceArn": "arn:aws:lambda:us-east-1:123456789012:function:b", "InvocationType": "ASYNC" } } },
    ])
    .to_string();
    let err = w
        .cli
        .run(&[
            "chime-sdk-messaging",
            "update-channel-flow",
            "--channel-flow-arn",
            &flow,
            "--name",
            "moderation",
            "--processors",
            &twice,
        ])
        .unwrap_err();
    assert!(err.contains("BadRequestException"), "{err}");

    let channel = w.cli.ok(&[
        "chime-sdk-messaging",
        "create-channel",
        "--app-instance-arn",
        &w.app,
        "--name",
        "room",
        "--client-request-token",
        "room-1",
        "--chime-bearer",
        &w.alice,
    ])["ChannelArn"]
        .as_str()
        .unwrap()
        .to_string();
    let associate = |bearer: &str| {
        w.cli.run(&[
            "chime-sdk-messaging",
            "associate-channel-flow",
            "--channel-arn",
            &channel,
            "--channel-flow-arn",
            &flow,
            "--chime-bearer",
            bearer,
        ])
    };
    // Bob is neither an admin nor a moderator; as a moderator he may.
    let err = associate(&w.bob).unwrap_err();
    assert!(err.contains("ForbiddenException"), "{err}");
    w.cli.ok(&[
        "chime-sdk-messaging",
        "create-channel-moderator",
        "--channel-arn",
        &channel,
        "--channel-moderator-arn",
        &w.bob,
        "--chime-bearer",
        &w.alice,
    ]);
    associate(&w.bob).unwrap();
    w.cli.ok(&[
        "chime-sdk-messaging",
        "disassociate-channel-flow",
        "--channel-arn",
        &channel,
        "--channel-flow-arn",
        &flow,
        "--chime-bearer",
        &w.bob,
    ]);
    // Alice, an AppInstanceAdmin, may too.
    w.cli.ok(&[
        "chime-sdk-identity",
        "create-app-instance-admin",
        "--app-instance-arn",
        &w.app,
        "--app-instance-admin-arn",
        &w.alice,
    ]);
    associate(&w.alice).unwrap();
    let held = w.cli.ok(&[
        "chime-sdk-messaging",
        "list-channels-associated-with-channel-flow",
        "--channel-flow-arn",
        &flow,
    ]);
    assert_eq!(held["Channels"][0]["ChannelArn"], channel.as_str());
    assert_eq!(held["Channels"][0]["Name"], "room");
    let delete = || {
        w.cli.run(&[
            "chime-sdk-messaging",
            "delete-channel-flow",
            "--channel-flow-arn",
            &flow,
        ])
    };
    let err = delete().unwrap_err();
    assert!(err.contains("ConflictException"), "{err}");
    w.cli.ok(&[
        "chime-sdk-messaging",
        "disassociate-channel-flow",
        "--channel-arn",
        &channel,
        "--channel-flow-arn",
        &flow,
        "--chime-bearer",
        &w.alice,
    ]);
    delete().unwrap();
    let err = w
        .cli
        .run(&[
            "chime-sdk-messaging",
            "describe-channel-flow",
            "--channel-flow-arn",
            &flow,
        ])
        .unwrap_err();
    assert!(err.contains("BadRequestException"), "{err}");
}
