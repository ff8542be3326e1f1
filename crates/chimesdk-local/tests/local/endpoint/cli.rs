//! Every identity and messaging operation through the real AWS CLI.

use super::*;

#[test]
fn identity_operations_through_the_aws_cli() {
    let w = world();
    let d = w.cli.ok(&[
        "chime-sdk-identity",
        "describe-app-instance",
        "--app-instance-arn",
        &w.app,
    ]);
    assert_eq!(d["AppInstance"]["AppInstanceArn"], w.app.as_str());
    assert_eq!(d["AppInstance"]["Name"], "w");
    assert!(
        d["AppInstance"]["CreatedTimestamp"].is_number()
            || d["AppInstance"]["CreatedTimestamp"].is_string()
    );
    assert!(
        d["AppInstance"].get("Metadata").is_none(),
        "absent members are omitted, not null"
    );
    let again = w.cli.ok(&[
        "chime-sdk-identity",
        "create-app-instance",
        "--name",
        "w",
        "--client-request-token",
        "app-1",
    ]);
    assert_eq!(
        again["AppInstanceArn"],
        w.app.as_str(),
        "ClientRequestToken makes create idempotent"
    );
    let list = w.cli.ok(&["chime-sdk-identity", "list-app-instances"]);
    assert_eq!(list["AppInstances"].as_array().unwrap().len(), 1);
    let u = w.cli.ok(&[
        "chime-sdk-identity",
        "describe-app-instance-user",
        "--app-instance-user-arn",
        &w.alice,
    ]);
    assert_eq!(u["AppInstanceUser"]["AppInstanceUserArn"], w.alice.as_str());
    assert!(w.alice.ends_with("/user/alice"));
    let dup = w.cli.run(&[
        "chime-sdk-identity",
        "create-app-instance-user",
        "--app-instance-arn",
        &w.app,
        "--app-instance-user-id",
        "alice",
        "--name",
        "x",
        "--client-request-token",
        "other-token",
    ]);
    assert!(dup.unwrap_err().contains("ConflictException"));
    let missing = w.cli.run(&[
        "chime-sdk-identity",
        "describe-app-instance",
        "--app-instance-arn",
        &format!("{}x", w.app),
    ]);
    // The identity model lists no NotFoundException for DescribeAppInstance.
    assert!(missing.unwrap_err().contains("(BadRequestException)"));
    w.cli.ok(&[
        "chime-sdk-identity",
        "delete-app-instance",
        "--app-instance-arn",
        &w.app,
    ]);
    assert!(
        w.cli
            .run(&[
                "chime-sdk-identity",
                "describe-app-instance",
                "--app-instance-arn",
                &w.app
            ])
            .is_err()
    );
}

#[test]
fn messaging_operations_through_the_aws_cli() {
    let w = world();
    let m = |args: &[&str]| {
        w.cli.ok(&[
            &["chime-sdk-messaging"],
            args,
            &["--chime-bearer", &w.alice],
        ]
        .concat())
    };
    let ch = m(&[
        "create-channel",
        "--app-instance-arn",
        &w.app,
        "--name",
        "general",
        "--client-request-token",
        "c-1",
        "--mode",
        "RESTRICTED",
    ])["ChannelArn"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(ch.starts_with(&format!("{}/channel/", w.app)));
    let d = m(&["describe-channel", "--channel-arn", &ch]);
    assert_eq!(d["Channel"]["Mode"], "RESTRICTED");
    assert_eq!(d["Channel"]["Privacy"], "PUBLIC");
    assert_eq!(d["Channel"]["CreatedBy"]["Arn"], w.alice.as_str());
    assert_eq!(
        m(&["list-channels", "--app-instance-arn", &w.app])["Channels"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    m(&[
        "update-channel",
        "--channel-arn",
        &ch,
        "--name",
        "renamed",
        "--mode",
        "UNRESTRICTED",
    ]);
    let e = m(&[
        "put-channel-expiration-settings",
        "--channel-arn",
        &ch,
        "--expiration-settings",
        "ExpirationDays=3,ExpirationCriterion=LAST_MESSAGE_TIMESTAMP",
    ]);
    assert_eq!(e["ExpirationSettings"]["ExpirationDays"], 3);
    let mem = m(&[
        "create-channel-membership",
        "--channel-arn",
        &ch,
        "--member-arn",
        &w.alice,
        "--type",
        "DEFAULT",
    ]);
    assert_eq!(mem["Member"]["Arn"], w.alice.as_str());
    m(&[
        "create-channel-membership",
        "--channel-arn",
        &ch,
        "--member-arn",
        &w.bob,
        "--type",
        "HIDDEN",
    ]);
    assert_eq!(
        m(&["list-channel-memberships", "--channel-arn", &ch])["ChannelMemberships"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let sent = m(&[
        "send-channel-message",
        "--channel-arn",
        &ch,
        "--content",
        "hi",
        "--type",
        "STANDARD",
        "--persistence",
        "PERSISTENT",
        "--client-request-token",
        "m-1",
    ]);
    assert_eq!(sent["Status"]["Value"], "SENT");
    let id = sent["MessageId"].as_str().unwrap().to_string();
    let again = m(&[
        "send-channel-message",
        "--channel-arn",
        &ch,
        "--content",
        "hi",
        "--type",
        "STANDARD",
        "--persistence",
        "PERSISTENT",
        "--client-request-token",
        "m-1",
    ]);
    assert_eq!(again["MessageId"], id.as_str(), "idempotent send");
    m(&[
        "update-channel-message",
        "--channel-arn",
        &ch,
        "--message-id",
        &id,
        "--content",
        "hi!",
    ]);
    let got = m(&[
        "get-channel-message",
        "--channel-arn",
        &ch,
        "--message-id",
        &id,
    ]);
    assert_eq!(got["ChannelMessage"]["Content"], "hi!");
    assert!(
        got["ChannelMessage"]["LastEditedTimestamp"].is_number()
            || got["ChannelMessage"]["LastEditedTimestamp"].is_string()
    );
    m(&[
        "redact-channel-message",
        "--channel-arn",
        &ch,
        "--message-id",
        &id,
    ]);
    let redacted = m(&[
        "get-channel-message",
        "--channel-arn",
        &ch,
        "--message-id",
        &id,
    ]);
    assert_eq!(redacted["ChannelMessage"]["Redacted"], true);
    assert!(
        redacted["ChannelMessage"]["Content"].is_null(),
        "a redacted message has no content: {redacted}"
    );
    assert_eq!(
        m(&["list-channel-messages", "--channel-arn", &ch])["ChannelMessages"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Only admins delete messages: here, the channel's moderators.
    assert!(
        w.cli
            .run(&[
                "chime-sdk-messaging",
                "delete-channel-message",
                "--channel-arn",
                &ch,
                "--message-id",
                &id,
                "--chime-bearer",
                &w.alice
            ])
            .unwrap_err()
            .contains("ForbiddenException")
    );
    m(&[
        "create-channel-moderator",
        "--channel-arn",
        &ch,
        "--channel-moderator-arn",
        &w.alice,
    ]);
    m(&[
        "delete-channel-message",
        "--channel-arn",
        &ch,
        "--message-id",
        &id,
    ]);
    assert!(
        w.cli
            .run(&[
                "chime-sdk-messaging",
                "get-channel-message",
                "--channel-arn",
                &ch,
                "--message-id",
                &id,
                "--chime-bearer",
                &w.alice
            ])
            .unwrap_err()
            .contains("NotFoundException")
    );
    let members = |ch: &str| -> Vec<String> {
        m(&["list-channel-memberships", "--channel-arn", ch])["ChannelMemberships"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["Member"]["Arn"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(members(&ch).contains(&w.bob));
    m(&[
        "create-channel-ban",
        "--channel-arn",
        &ch,
        "--member-arn",
        &w.bob,
    ]);
    // The model: a banned member "is automatically kicked from the channel".
    assert!(
        !members(&ch).contains(&w.bob),
        "the ban removed the membership"
    );
    m(&[
        "delete-channel-ban",
        "--channel-arn",
        &ch,
        "--member-arn",
        &w.bob,
    ]);
    let md = m(&[
        "create-channel-moderator",
        "--channel-arn",
        &ch,
        "--channel-moderator-arn",
        &w.bob,
    ]);
    assert_eq!(md["ChannelModerator"]["Arn"], w.bob.as_str());
    m(&[
        "delete-channel-moderator",
        "--channel-arn",
        &ch,
        "--channel-moderator-arn",
        &w.bob,
    ]);

    // Elastic channels: members are placed in sub-channels.
    let el = m(&[
        "create-channel",
        "--app-instance-arn",
        &w.app,
        "--name",
        "big",
        "--client-request-token",
        "c-2",
        "--elastic-channel-configuration",
        "MaximumSubChannels=5,TargetMembershipsPerSubChannel=2,MinimumMembershipPercentage=10",
    ])["ChannelArn"]
        .as_str()
        .unwrap()
        .to_string();
    let placed = m(&[
        "create-channel-membership",
        "--channel-arn",
        &el,
        "--member-arn",
        &w.alice,
        "--type",
        "DEFAULT",
    ]);
    let sub = placed["SubChannelId"].as_str().unwrap().to_string();
    let subs = m(&["list-sub-channels", "--channel-arn", &el]);
    assert_eq!(
        subs["SubChannels"],
        json!([{ "SubChannelId": sub, "MembershipCount": 1 }])
    );
    let need_sub = w.cli.run(&[
        "chime-sdk-messaging",
        "send-channel-message",
        "--channel-arn",
        &el,
        "--content",
        "x",
        "--type",
        "STANDARD",
        "--persistence",
        "PERSISTENT",
        "--client-request-token",
        "m-2",
        "--chime-bearer",
        &w.alice,
    ]);
    assert!(need_sub.unwrap_err().contains("BadRequestException"));
    m(&[
        "send-channel-message",
        "--channel-arn",
        &el,
        "--content",
        "x",
        "--type",
        "STANDARD",
        "--persistence",
        "PERSISTENT",
        "--client-request-token",
        "m-3",
        "--sub-channel-id",
        &sub,
    ]);
    m(&["delete-channel", "--channel-arn", &ch]);
    assert!(
        w.cli
            .run(&[
                "chime-sdk-messaging",
                "describe-channel",
                "--channel-arn",
                &ch,
                "--chime-bearer",
                &w.alice
            ])
            .unwrap_err()
            .contains("(ForbiddenException)")
    );
}
