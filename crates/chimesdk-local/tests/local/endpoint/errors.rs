//! Bad requests get the service's errors; a put with a broken prerequisite is refused.

use super::*;

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
