//! chimesdk-local as clients see it: the real AWS CLI for every operation
//! (status, shapes, errors per the service model), one aws-sdk-rust
//! scenario, and the events it streams to moto's Kinesis.

use std::process::Command;

use serde_json::{Value, json};
use test_support::aws::enc;
use test_support::proxy::{Fault, Proxy};
use test_support::{Aws, Services};

struct Cli {
    url: String,
}

impl Cli {
    /// Runs `aws SERVICE OP ARGS` against chimesdk-local: Ok(JSON) or Err(stderr).
    fn run(&self, args: &[&str]) -> Result<Value, String> {
        let out = Command::new("aws")
            .args(args)
            .args([
                "--endpoint-url",
                &self.url,
                "--output",
                "json",
                "--region",
                "us-east-1",
            ])
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_PAGER", "")
            .output()
            .expect("the AWS CLI (pip install awscli)");
        if out.status.success() {
            let text = String::from_utf8_lossy(&out.stdout);
            Ok(if text.trim().is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).unwrap()
            })
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    fn ok(&self, args: &[&str]) -> Value {
        self.run(args)
            .unwrap_or_else(|e| panic!("aws {args:?} failed: {e}"))
    }
}

struct World {
    svc: Services,
    aws: Aws,
    cli: Cli,
    app: String,
    alice: String,
    bob: String,
}

fn world() -> World {
    let svc = Services::start();
    let aws = Aws::new(&svc.moto_url, &svc.chime_url);
    let cli = Cli {
        url: svc.chime_url.clone(),
    };
    let app = cli.ok(&[
        "chime-sdk-identity",
        "create-app-instance",
        "--name",
        "w",
        "--client-request-token",
        "app-1",
    ])["AppInstanceArn"]
        .as_str()
        .unwrap()
        .to_string();
    let user = |id: &str| {
        cli.ok(&[
            "chime-sdk-identity",
            "create-app-instance-user",
            "--app-instance-arn",
            &app,
            "--app-instance-user-id",
            id,
            "--name",
            id,
            "--client-request-token",
            &format!("user-{id}"),
        ])["AppInstanceUserArn"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let alice = user("alice");
    let bob = user("bob");
    World {
        svc,
        aws,
        cli,
        app,
        alice,
        bob,
    }
}

fn stream_arn(name: &str) -> String {
    format!("arn:aws:kinesis:us-east-1:123456789012:stream/{name}")
}

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

#[test]
fn bad_requests_get_the_services_errors() {
    let w = world();
    let ch_path = "/channels";
    // No bearer header.
    let (status, body) = w.aws.chime(
        "POST",
        ch_path,
        Some(json!({ "AppInstanceArn": w.app, "Name": "x", "ClientRequestToken": "tok-1" })),
        None,
    );
    assert_eq!(status, 400);
    assert_eq!(body["Code"], "BadRequest");
    // A body over the size limit: the modelled JSON error with its
    // x-amzn-ErrorType, not text. The server answers once the limit is
    // passed and stops reading, so the body is sent from another thread.
    {
        use std::io::{Read, Write};
        let host = w.aws.chime_url.trim_start_matches("http://").to_string();
        let conn = std::net::TcpStream::connect(&host).unwrap();
        let mut writer = conn.try_clone().unwrap();
        let size = 3usize << 20;
        let head = format!(
            "POST /channels HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {size}\r\nx-amz-chime-bearer: {}\r\n\r\n",
            w.alice
        );
        let sender = std::thread::spawn(move || {
            let _ = writer.write_all(head.as_bytes());
            let _ = writer.write_all(&vec![b' '; size]);
        });
        let mut conn = conn;
        conn.set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        let mut bytes = Vec::new();
        let mut chunk = [0u8; 4096];
        while let Ok(n) = conn.read(&mut chunk) {
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&chunk[..n]);
            if bytes.windows(4).any(|w| w == b"\r\n\r\n") && bytes.ends_with(b"}") {
                break;
            }
        }
        drop(conn);
        let _ = sender.join();
        let response = String::from_utf8_lossy(&bytes).to_string();
        assert!(response.starts_with("HTTP/1.1 413"), "{response}");
        assert!(
            response
                .to_lowercase()
                .contains("x-amzn-errortype: badrequestexception"),
            "{response}"
        );
        assert!(response.contains("\"Code\":\"BadRequest\""), "{response}");
    }
    // MinimumMembershipPercentage is 1-40 in the model.
    let (status, body) = w.aws.chime(
        "POST",
        ch_path,
        Some(json!({ "AppInstanceArn": w.app, "Name": "e", "ClientRequestToken": "tok-e", "ElasticChannelConfiguration": { "MaximumSubChannels": 2, "TargetMembershipsPerSubChannel": 2, "MinimumMembershipPercentage": 41 } })),
        Some(&w.alice),
    );
    assert_eq!(
        (status, body["Code"].as_str()),
        (400, Some("BadRequest")),
        "{body}"
    );
    // Tags on an AppInstance that does not exist.
    let (status, _) = w.aws.chime(
        "POST",
        "/tags?operation=tag-resource",
        Some(json!({ "ResourceARN": "arn:aws:chime:us-east-1:123456789012:app-instance/none", "Tags": [{ "Key": "k", "Value": "v" }] })),
        None,
    );
    assert_eq!(status, 400);
    let (status, body) = w.aws.chime(
        "POST",
        ch_path,
        Some(json!({ "AppInstanceArn": w.app, "Name": "x", "ClientRequestToken": "tok-1" })),
        None,
    );
    assert_eq!(status, 400);
    assert_eq!(body["Code"], "BadRequest");
    assert!(
        body["Message"]
            .as_str()
            .unwrap()
            .contains("x-amz-chime-bearer")
    );
    // A bearer that is not a user of the AppInstance: 401, as users of the
    // real service report.
    let (status, body) = w.aws.chime(
        "POST",
        ch_path,
        Some(json!({ "AppInstanceArn": w.app, "Name": "x", "ClientRequestToken": "tok-1" })),
        Some("arn:aws:chime:us-east-1:123456789012:app-instance/z/user/u"),
    );
    assert_eq!((status, body["Code"].as_str()), (401, Some("Unauthorized")));
    // Missing required member, bad enum, bad token, malformed JSON.
    let (status, body) = w.aws.chime(
        "POST",
        ch_path,
        Some(json!({ "AppInstanceArn": w.app, "ClientRequestToken": "tok-1" })),
        Some(&w.alice),
    );
    assert_eq!(
        (status, body["Message"].as_str()),
        (400, Some("Name is required"))
    );
    let (status, _) = w.aws.chime("POST", ch_path, Some(json!({ "AppInstanceArn": w.app, "Name": "x", "Mode": "OPEN", "ClientRequestToken": "tok-1" })), Some(&w.alice));
    assert_eq!(status, 400);
    let (status, _) = w.aws.chime(
        "POST",
        ch_path,
        Some(json!({ "AppInstanceArn": w.app, "Name": "x", "ClientRequestToken": "!" })),
        Some(&w.alice),
    );
    assert_eq!(status, 400);
    let resp = ureq::post(&format!("{}/app-instances", w.svc.chime_url))
        .config()
        .http_status_as_error(false)
        .build()
        .send("{not json");
    let resp = resp.unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    assert_eq!(
        resp.headers().get("x-amzn-ErrorType").unwrap(),
        "BadRequestException"
    );
    // Unknown route.
    let (status, body) = w.aws.chime("GET", "/no-such-thing", None, None);
    assert_eq!(status, 404);
    assert!(
        body["Message"]
            .as_str()
            .unwrap()
            .contains("No operation matches")
    );
    // Streaming configuration of an AppInstance that does not exist.
    let (status, body) = w.aws.put_streaming_configuration(
        &format!("{}x", w.app),
        &[("Channel", &stream_arn("chime-messaging-a"))],
    );
    assert_eq!((status, body["Code"].as_str()), (404, Some("NotFound")));
    let (status, _) = w.aws.chime(
        "GET",
        &format!("/app-instances/{}/streaming-configurations", enc(&w.app)),
        None,
        None,
    );
    assert_eq!(status, 404, "nothing configured yet = NotFoundException");
}

#[test]
fn put_refuses_each_broken_prerequisite() {
    let w = world();
    let good = w.aws.create_stream("chime-messaging-good", 2, true);
    w.aws.create_stream("chime-messaging-one", 1, true);
    w.aws.create_stream("chime-messaging-plain", 2, false);
    w.aws.create_stream("events-good", 2, true);
    let cases = [
        (
            "arn:aws:kinesis:eu-west-1:123456789012:stream/chime-messaging-good".to_string(),
            "same region",
        ),
        (
            "arn:aws:kinesis:us-east-1:999999999999:stream/chime-messaging-good".to_string(),
            "same AWS account",
        ),
        (
            stream_arn("events-good"),
            "must start with chime-messaging-",
        ),
        (stream_arn("chime-messaging-one"), "at least 2 shards"),
        (
            stream_arn("chime-messaging-plain"),
            "server-side encryption (KMS)",
        ),
        (stream_arn("chime-messaging-missing"), "does not exist"),
        (
            "arn:aws:sqs:us-east-1:123456789012:chime-messaging-q".to_string(),
            "not a Kinesis data stream ARN",
        ),
    ];
    for (arn, why) in cases {
        let (status, body) = w
            .aws
            .put_streaming_configuration(&w.app, &[("Channel", &arn)]);
        assert_eq!(status, 400, "{arn}: {body}");
        assert_eq!(body["Code"], "BadRequest");
        assert!(
            body["Message"].as_str().unwrap().contains(why),
            "{arn}: {body}"
        );
    }
    assert_eq!(
        w.aws.streaming_configuration(&w.app),
        None,
        "nothing was stored"
    );
    let (status, body) = w
        .aws
        .put_streaming_configuration(&w.app, &[("Channel", &good), ("Channel", &good)]);
    assert_eq!(status, 400, "{body}");
    let (status, _) = w
        .aws
        .put_streaming_configuration(&w.app, &[("Channel", &good), ("ChannelMessage", &good)]);
    assert_eq!(status, 200);
}

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

#[test]
fn aws_sdk_rust_scenario() {
    let w = world();
    let s = w.aws.create_stream("chime-messaging-sdk", 2, true);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let conf = aws_sdk_chimesdkmessaging::Config::builder()
            .behavior_version(aws_sdk_chimesdkmessaging::config::BehaviorVersion::latest())
            .region(aws_sdk_chimesdkmessaging::config::Region::new("us-east-1"))
            .credentials_provider(aws_credential_types::Credentials::new(
                "t", "t", None, None, "t",
            ))
            .endpoint_url(&w.svc.chime_url)
            .http_client(test_support::paths::http_client())
            .build();
        let c = aws_sdk_chimesdkmessaging::Client::from_conf(conf);
        let none = c
            .get_messaging_streaming_configurations()
            .app_instance_arn(&w.app)
            .send()
            .await
            .unwrap_err();
        assert!(none.as_service_error().unwrap().is_not_found_exception());
        let sc = aws_sdk_chimesdkmessaging::types::StreamingConfiguration::builder()
            .data_type(aws_sdk_chimesdkmessaging::types::MessagingDataType::ChannelMessage)
            .resource_arn(&s)
            .build()
            .unwrap();
        let put = c
            .put_messaging_streaming_configurations()
            .app_instance_arn(&w.app)
            .streaming_configurations(sc)
            .send()
            .await
            .unwrap();
        assert_eq!(put.streaming_configurations().len(), 1);
        let ch = c
            .create_channel()
            .app_instance_arn(&w.app)
            .name("sdk")
            .client_request_token("sdk-1")
            .chime_bearer(&w.alice)
            .member_arns(&w.alice)
            .send()
            .await
            .unwrap();
        let ch = ch.channel_arn().unwrap().to_string();
        let sent = c
            .send_channel_message()
            .channel_arn(&ch)
            .content("from rust")
            .r#type(aws_sdk_chimesdkmessaging::types::ChannelMessageType::Standard)
            .persistence(
                aws_sdk_chimesdkmessaging::types::ChannelMessagePersistenceType::Persistent,
            )
            .client_request_token("sdk-m1")
            .chime_bearer(&w.alice)
            .send()
            .await
            .unwrap();
        let got = c
            .get_channel_message()
            .channel_arn(&ch)
            .message_id(sent.message_id().unwrap())
            .chime_bearer(&w.alice)
            .send()
            .await
            .unwrap();
        assert_eq!(got.channel_message().unwrap().content(), Some("from rust"));
        assert!(
            got.channel_message().unwrap().created_timestamp().is_some(),
            "epoch timestamps parse"
        );
        c.delete_messaging_streaming_configurations()
            .app_instance_arn(&w.app)
            .send()
            .await
            .unwrap();
    });
    let recs = w
        .aws
        .wait_records("chime-messaging-sdk", "the message", |r| !r.is_empty());
    assert_eq!(recs[0].data["Payload"]["Content"], "from rust");
    assert_eq!(w.aws.streaming_configuration(&w.app), None);
}

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

#[test]
fn idempotency_tokens_belong_to_their_caller_and_app_instance() {
    let w = world();
    let other_app = w.aws.create_app_instance("other");
    let (status, body) = w.aws.chime(
        "POST",
        "/app-instance-users",
        Some(json!({ "AppInstanceArn": other_app, "AppInstanceUserId": "mallory", "Name": "mallory", "ClientRequestToken": "user-alice" })),
        None,
    );
    assert_eq!(
        status, 201,
        "the same user token in another AppInstance is another user: {body}"
    );
    let mallory = body["AppInstanceUserArn"].as_str().unwrap().to_string();
    assert!(mallory.starts_with(&other_app), "{mallory}");

    let create = |app: &str, bearer: &str| {
        w.aws.chime(
            "POST",
            "/channels",
            Some(json!({ "AppInstanceArn": app, "Name": "c", "ClientRequestToken": "same-token" })),
            Some(bearer),
        )
    };
    let (status, first) = create(&w.app, &w.alice);
    assert_eq!(status, 201, "{first}");
    let (_, again) = create(&w.app, &w.alice);
    assert_eq!(
        again["ChannelArn"], first["ChannelArn"],
        "idempotent for its caller"
    );
    let (_, bobs) = create(&w.app, &w.bob);
    assert_ne!(
        bobs["ChannelArn"], first["ChannelArn"],
        "another caller's request"
    );
    let (status, theirs) = create(&other_app, &mallory);
    assert_eq!(status, 201, "{theirs}");
    assert!(
        theirs["ChannelArn"]
            .as_str()
            .unwrap()
            .starts_with(&other_app),
        "another AppInstance never gets this one's channel: {theirs}"
    );
}
