//! Idempotency tokens belong to their caller and AppInstance.

use super::*;

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
