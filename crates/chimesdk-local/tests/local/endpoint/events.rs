//! The events chimesdk-local streams to moto's Kinesis: types, order, outages, restarts.

use super::*;

/// Drives one channel through every event type.
fn drive_everything(w: &World) -> (String, String) {
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
        "all",
        "--client-request-token",
        "c-all",
    ])["ChannelArn"]
        .as_str()
        .unwrap()
        .to_string();
    m(&[
        "create-channel-membership",
        "--channel-arn",
        &ch,
        "--member-arn",
        &w.alice,
        "--type",
        "DEFAULT",
    ]);
    m(&[
        "create-channel-moderator",
        "--channel-arn",
        &ch,
        "--channel-moderator-arn",
        &w.bob,
    ]);
    let id = m(&[
        "send-channel-message",
        "--channel-arn",
        &ch,
        "--content",
        "one",
        "--type",
        "STANDARD",
        "--persistence",
        "PERSISTENT",
        "--client-request-token",
        "a-1",
    ])["MessageId"]
        .as_str()
        .unwrap()
        .to_string();
    m(&[
        "update-channel-message",
        "--channel-arn",
        &ch,
        "--message-id",
        &id,
        "--content",
        "two",
    ]);
    m(&[
        "redact-channel-message",
        "--channel-arn",
        &ch,
        "--message-id",
        &id,
    ]);
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
    m(&["update-channel", "--channel-arn", &ch, "--name", "all-2"]);
    m(&[
        "put-channel-expiration-settings",
        "--channel-arn",
        &ch,
        "--expiration-settings",
        "ExpirationDays=1,ExpirationCriterion=CREATED_TIMESTAMP",
    ]);
    m(&[
        "create-channel-ban",
        "--channel-arn",
        &ch,
        "--member-arn",
        &w.bob,
    ]);
    m(&[
        "delete-channel-ban",
        "--channel-arn",
        &ch,
        "--member-arn",
        &w.bob,
    ]);
    m(&[
        "delete-channel-moderator",
        "--channel-arn",
        &ch,
        "--channel-moderator-arn",
        &w.bob,
    ]);
    m(&[
        "delete-channel-membership",
        "--channel-arn",
        &ch,
        "--member-arn",
        &w.alice,
    ]);
    let el = m(&[
        "create-channel",
        "--app-instance-arn",
        &w.app,
        "--name",
        "el",
        "--client-request-token",
        "c-el",
        "--elastic-channel-configuration",
        "MaximumSubChannels=3,TargetMembershipsPerSubChannel=2,MinimumMembershipPercentage=10",
    ])["ChannelArn"]
        .as_str()
        .unwrap()
        .to_string();
    m(&[
        "create-channel-membership",
        "--channel-arn",
        &el,
        "--member-arn",
        &w.bob,
        "--type",
        "DEFAULT",
    ]);
    m(&[
        "delete-channel-membership",
        "--channel-arn",
        &el,
        "--member-arn",
        &w.bob,
    ]);
    m(&["delete-channel", "--channel-arn", &ch]);
    (ch, id)
}

#[test]
fn every_event_type_arrives_on_the_right_stream_with_its_payload() {
    let w = world();
    let msgs = w.aws.create_stream("chime-messaging-messages", 2, true);
    let chans = w.aws.create_stream("chime-messaging-channels", 2, true);
    // Activity before configuration is not streamed.
    let m = |args: &[&str]| {
        w.cli.ok(&[
            &["chime-sdk-messaging"],
            args,
            &["--chime-bearer", &w.alice],
        ]
        .concat())
    };
    m(&[
        "create-channel",
        "--app-instance-arn",
        &w.app,
        "--name",
        "before",
        "--client-request-token",
        "c-before",
    ]);
    let (status, _) = w
        .aws
        .put_streaming_configuration(&w.app, &[("ChannelMessage", &msgs), ("Channel", &chans)]);
    assert_eq!(status, 200);
    let (ch, id) = drive_everything(&w);

    w.aws
        .wait_records("chime-messaging-messages", "4 message events", |r| {
            r.len() >= 4
        });
    w.aws
        .wait_records("chime-messaging-channels", "every channel event", |r| {
            r.iter().any(|e| e.data["EventType"] == "DELETE_CHANNEL")
        });
    // Anything extra (a duplicate, an event from before configuration) would show up now.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let message_events = w.aws.records("chime-messaging-messages");
    let types = |r: &[test_support::aws::Record]| {
        r.iter()
            .map(|x| x.data["EventType"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        types(&message_events),
        [
            "CREATE_CHANNEL_MESSAGE",
            "UPDATE_CHANNEL_MESSAGE",
            "REDACT_CHANNEL_MESSAGE",
            "DELETE_CHANNEL_MESSAGE"
        ]
    );
    for e in &message_events {
        assert_eq!(e.partition_key, ch, "partition key = channel ARN");
        assert_eq!(e.data["Payload"]["ChannelArn"], ch.as_str());
        assert_eq!(e.data["Payload"]["MessageId"], id.as_str());
        assert_eq!(e.data["Payload"]["Sender"]["Arn"], w.alice.as_str());
    }
    assert_eq!(message_events[1].data["Payload"]["Content"], "two");
    assert_eq!(message_events[2].data["Payload"]["Redacted"], true);
    assert!(
        message_events[2].data["Payload"]["Content"].is_null(),
        "a redacted message has no content: {}",
        message_events[2].data
    );

    let channel_events = w.aws.records("chime-messaging-channels");
    let mut seen = types(&channel_events);
    assert!(
        !channel_events
            .iter()
            .any(|e| e.data["Payload"]["Name"] == "before"),
        "nothing before configuration"
    );
    seen.sort();
    seen.dedup();
    let mut expected = vec![
        "CREATE_CHANNEL",
        "UPDATE_CHANNEL",
        "DELETE_CHANNEL",
        "UPDATE_CHANNEL_EXPIRATION_SETTINGS",
        "CREATE_CHANNEL_MEMBERSHIP",
        "DELETE_CHANNEL_MEMBERSHIP",
        "CREATE_CHANNEL_BAN",
        "DELETE_CHANNEL_BAN",
        "CREATE_CHANNEL_MODERATOR",
        "DELETE_CHANNEL_MODERATOR",
        "CREATE_SUB_CHANNEL",
        "DELETE_SUB_CHANNEL",
    ];
    expected.sort();
    assert_eq!(seen, expected);
    // Records are read shard by shard: look events up on their channel,
    // where order is defined (one partition key = one shard).
    let find = |t: &str| {
        channel_events
            .iter()
            .find(|e| e.data["EventType"] == t && e.partition_key == ch)
            .or_else(|| channel_events.iter().find(|e| e.data["EventType"] == t))
            .unwrap()
            .data["Payload"]
            .clone()
    };
    assert_eq!(
        find("CREATE_CHANNEL_MEMBERSHIP")["Member"]["Arn"],
        w.alice.as_str()
    );
    assert_eq!(find("CREATE_CHANNEL_MEMBERSHIP")["Type"], "DEFAULT");
    assert_eq!(find("CREATE_CHANNEL_BAN")["Member"]["Arn"], w.bob.as_str());
    assert_eq!(
        find("CREATE_CHANNEL_BAN")["CreatedBy"]["Arn"],
        w.alice.as_str()
    );
    assert_eq!(
        find("CREATE_CHANNEL_MODERATOR")["Moderator"]["Arn"],
        w.bob.as_str()
    );
    assert_eq!(find("UPDATE_CHANNEL")["Name"], "all-2");
    assert_eq!(
        find("UPDATE_CHANNEL_EXPIRATION_SETTINGS")["ExpirationSettings"]["ExpirationDays"],
        1
    );
    assert!(find("CREATE_SUB_CHANNEL")["SubChannelId"].is_string());
    assert!(
        find("CREATE_SUB_CHANNEL")
            .as_object()
            .unwrap()
            .keys()
            .all(|k| k == "ChannelArn" || k == "SubChannelId")
    );
    for e in &channel_events {
        assert_eq!(
            e.partition_key,
            e.data["Payload"]["ChannelArn"].as_str().unwrap()
        );
        // Every record decodes with the library's decoder.
        let decoded =
            chimesdk_domain::events::Event::decode(&serde_json::to_vec(&e.data).unwrap()).unwrap();
        assert!(!matches!(
            decoded.event_type,
            chimesdk_domain::events::EventType::Unknown(_)
        ));
    }
}

#[test]
fn a_burst_arrives_complete_and_in_order_per_channel() {
    let w = world();
    let s = w.aws.create_stream("chime-messaging-burst", 4, true);
    w.aws
        .put_streaming_configuration(&w.app, &[("ChannelMessage", &s)]);
    let mut channels = Vec::new();
    for i in 0..10 {
        let (status, body) = w.aws.chime("POST", "/channels", Some(json!({ "AppInstanceArn": w.app, "Name": format!("c{i}"), "ClientRequestToken": format!("burst-{i}"), "MemberArns": [w.alice] })), Some(&w.alice));
        assert_eq!(status, 201, "{body}");
        channels.push(body["ChannelArn"].as_str().unwrap().to_string());
    }
    std::thread::scope(|scope| {
        for (i, ch) in channels.iter().enumerate() {
            let w = &w;
            scope.spawn(move || {
                for n in 0..100 {
                    let path = format!("/channels/{}/messages", enc(ch));
                    let (status, body) = w.aws.chime("POST", &path, Some(json!({ "Content": format!("{i}:{n}"), "Type": "STANDARD", "Persistence": "PERSISTENT", "ClientRequestToken": format!("b{i}-{n}") })), Some(&w.alice));
                    assert_eq!(status, 201, "{body}");
                }
            });
        }
    });
    let recs = w
        .aws
        .wait_records("chime-messaging-burst", "1000 messages", |r| {
            r.len() >= 1000
        });
    assert_eq!(recs.len(), 1000, "no duplicates, none lost");
    for (i, ch) in channels.iter().enumerate() {
        let order: Vec<String> = recs
            .iter()
            .filter(|r| &r.partition_key == ch)
            .map(|r| r.data["Payload"]["Content"].as_str().unwrap().to_string())
            .collect();
        let expected: Vec<String> = (0..100).map(|n| format!("{i}:{n}")).collect();
        assert_eq!(order, expected, "channel {i} in order");
    }
}

#[test]
fn events_wait_while_kinesis_is_unreachable_and_arrive_in_order() {
    let mut svc = Services::start();
    let proxy = Proxy::start(&svc.moto_url);
    svc.restart_chime(&proxy.url, None);
    let aws = Aws::new(&svc.moto_url, &svc.chime_url);
    let app = aws.create_app_instance("outage");
    let (status, body) = aws.chime("POST", "/app-instance-users", Some(json!({ "AppInstanceArn": app, "AppInstanceUserId": "u", "Name": "u", "ClientRequestToken": "u-1" })), None);
    assert_eq!(status, 201, "{body}");
    let user = body["AppInstanceUserArn"].as_str().unwrap().to_string();
    let s = aws.create_stream("chime-messaging-outage", 2, true);
    assert_eq!(
        aws.put_streaming_configuration(&app, &[("ChannelMessage", &s)])
            .0,
        200
    );
    let (status, body) = aws.chime("POST", "/channels", Some(json!({ "AppInstanceArn": app, "Name": "o", "ClientRequestToken": "o-1", "MemberArns": [user] })), Some(&user));
    assert_eq!(status, 201, "{body}");
    let ch = body["ChannelArn"].as_str().unwrap().to_string();
    // Kinesis drops the connection for the next 5 PutRecords calls.
    proxy.inject("PutRecords", Fault::Drop, 5);
    for n in 0..20 {
        let (status, _) = aws.chime("POST", &format!("/channels/{}/messages", enc(&ch)), Some(json!({ "Content": format!("m{n}"), "Type": "STANDARD", "Persistence": "PERSISTENT", "ClientRequestToken": format!("om-{n}") })), Some(&user));
        assert_eq!(status, 201, "the API call succeeds while Kinesis is down");
    }
    let recs = aws.wait_records("chime-messaging-outage", "20 messages", |r| r.len() >= 20);
    let got: Vec<String> = recs
        .iter()
        .filter(|r| r.partition_key == ch)
        .map(|r| r.data["Payload"]["Content"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<String> = (0..20).map(|n| format!("m{n}")).collect();
    assert_eq!(
        got, expected,
        "all delivered, in order, once Kinesis is back"
    );
    assert!(
        Proxy::count(&proxy.take_calls(), "PutRecords") > 5,
        "delivery was retried"
    );
}

#[test]
fn state_file_keeps_everything_across_restarts() {
    let mut svc = Services::start();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let moto = svc.moto_url.clone();
    svc.restart_chime(&moto, Some(&state));
    let aws = Aws::new(&svc.moto_url, &svc.chime_url);
    let app = aws.create_app_instance("kept");
    let s = aws.create_stream("chime-messaging-kept", 2, true);
    aws.put_streaming_configuration(&app, &[("Channel", &s)]);
    svc.restart_chime(&moto, Some(&state));
    let aws = Aws::new(&svc.moto_url, &svc.chime_url);
    assert_eq!(
        aws.streaming_configuration(&app),
        Some(vec![("Channel".into(), s)])
    );
}
