//! chimesdk-local runs channel flows: a standard message of a channel that
//! holds a flow is PENDING until its processor (a test Invoke API server
//! that calls ChannelFlowCallback back, its policy read from moto) has
//! answered; then it is sent as the processor changed it and streamed, or
//! DENIED, or FAILED when the processor cannot be invoked and its
//! FallbackAction is ABORT. Control messages skip the flow.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use test_support::aws::enc;
use test_support::env::Env;
use test_support::processor::Answer;

use super::checks::hold;
use super::{make_flow, make_flow_falling_back, usable_function};

/// Sends `content` as `bearer`; (status code, the answer's Status.Value).
fn send(env: &Env, channel: &str, bearer: &str, content: &str, kind: &str) -> (u16, Value) {
    let (status, body) = env.aws.chime(
        "POST",
        &format!("/channels/{}/messages", enc(channel)),
        Some(json!({
            "Content": content, "Type": kind, "Persistence": "PERSISTENT",
            "ClientRequestToken": format!("token-{}", uuid::Uuid::new_v4().simple()),
        })),
        Some(bearer),
    );
    assert_eq!(status, 201, "{body}");
    (status, body)
}

/// The message once it has left PENDING (30 s at most).
fn settled(env: &Env, channel: &str, id: &str, bearer: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, body) = env.aws.chime(
            "GET",
            &format!("/channels/{}/messages/{id}", enc(channel)),
            None,
            Some(bearer),
        );
        assert_eq!(status, 200, "{body}");
        let m = body["ChannelMessage"].clone();
        if m["Status"]["Value"] != "PENDING" {
            return m;
        }
        assert!(Instant::now() < deadline, "still PENDING: {m}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_flow_holds_each_message_until_its_processor_answers() {
    let env = Env::with_processor(Answer::Shout);
    let processor = env.processor.as_ref().unwrap();
    let function = usable_function(&env, "shouter");
    let flow = make_flow_falling_back(&env, &env.app, "Shouting", &function, "ABORT");
    let stream_arn = env.aws.create_stream("chime-messaging-flows", 2, true);
    let stream = "chime-messaging-flows";
    let (status, body) = env
        .aws
        .put_streaming_configuration(&env.app, &[("ChannelMessage", &stream_arn)]);
    assert_eq!(status, 200, "{body}");
    let (channel, admin) = hold(&env, &env.app, &flow);

    // Sent PENDING, invoked with the guide's event, answered changed, sent
    // and streamed as changed.
    let (_, body) = send(&env, &channel, &admin, "hello there", "STANDARD");
    assert_eq!(body["Status"]["Value"], "PENDING", "{body}");
    let id = body["MessageId"].as_str().unwrap().to_string();
    let m = settled(&env, &channel, &id, &admin);
    assert_eq!(m["Status"]["Value"], "SENT", "{m}");
    assert_eq!(m["Content"], "HELLO THERE");
    let invoked = processor.invocations();
    assert_eq!(invoked.len(), 1, "{invoked:?}");
    let (function_in_path, event) = &invoked[0];
    assert_eq!(function_in_path, &function);
    assert_eq!(event["EventType"], "CREATE_CHANNEL_MESSAGE");
    assert!(
        event["CallbackId"].as_str().is_some_and(|c| !c.is_empty()),
        "{event}"
    );
    let sent = &event["ChannelMessage"];
    assert_eq!(sent["MessageId"], id.as_str());
    assert_eq!(sent["ChannelArn"], channel.as_str());
    assert_eq!(sent["Content"], "hello there");
    assert_eq!(sent["Sender"]["Arn"], admin.as_str());
    let records = env
        .aws
        .wait_records(stream, "the processed message", |recs| {
            recs.iter()
                .any(|r| r.data["Payload"]["MessageId"] == id.as_str())
        });
    let streamed: Vec<&Value> = records
        .iter()
        .filter(|r| r.data["Payload"]["MessageId"] == id.as_str())
        .map(|r| &r.data)
        .collect();
    assert_eq!(streamed.len(), 1, "{streamed:?}");
    assert_eq!(streamed[0]["EventType"], "CREATE_CHANNEL_MESSAGE");
    assert_eq!(streamed[0]["Payload"]["Content"], "HELLO THERE");

    // A control message skips the flow.
    let (_, body) = send(&env, &channel, &admin, "typing", "CONTROL");
    assert_eq!(body["Status"]["Value"], "SENT", "{body}");
    assert_eq!(processor.invocations().len(), 1);

    // Denied by the processor: DENIED, not streamed.
    processor.answer(Answer::Deny);
    let (_, body) = send(&env, &channel, &admin, "a bad word", "STANDARD");
    let denied = body["MessageId"].as_str().unwrap().to_string();
    assert_eq!(
        settled(&env, &channel, &denied, &admin)["Status"]["Value"],
        "DENIED"
    );

    // The invocation fails and the FallbackAction is ABORT: FAILED, with
    // the reason.
    processor.answer(Answer::Fail);
    let (_, body) = send(&env, &channel, &admin, "lost", "STANDARD");
    let failed = body["MessageId"].as_str().unwrap().to_string();
    let m = settled(&env, &channel, &failed, &admin);
    assert_eq!(m["Status"]["Value"], "FAILED", "{m}");
    assert!(
        m["Status"]["Detail"]
            .as_str()
            .is_some_and(|d| d.contains(&function)),
        "{m}"
    );

    // Neither the denied nor the failed message was streamed: wait for a
    // later one to arrive, then look.
    processor.answer(Answer::Shout);
    let (_, body) = send(&env, &channel, &admin, "last", "STANDARD");
    let last = body["MessageId"].as_str().unwrap().to_string();
    let records = env.aws.wait_records(stream, "the last message", |recs| {
        recs.iter()
            .any(|r| r.data["Payload"]["MessageId"] == last.as_str())
    });
    for gone in [&denied, &failed] {
        assert!(
            !records
                .iter()
                .any(|r| r.data["Payload"]["MessageId"] == gone.as_str()),
            "{gone} was streamed"
        );
    }
}

#[test]
fn a_processor_whose_policy_does_not_allow_the_service_is_never_invoked() {
    let env = Env::with_processor(Answer::Shout);
    let processor = env.processor.as_ref().unwrap();
    // The public examples' principal: the plan refuses it, so the flow is
    // made out of band. CONTINUE sends the message on unprocessed.
    let function = env
        .aws
        .create_function("public-example", Some(super::CALLBACK_POLICY));
    env.aws.allow_invoke(
        "public-example",
        "chime.amazonaws.com",
        super::ANY_APP_INSTANCE,
    );
    let flow = make_flow(&env, &env.app, "Skipped", &function);
    let (channel, admin) = hold(&env, &env.app, &flow);
    let (_, body) = send(&env, &channel, &admin, "hello", "STANDARD");
    let id = body["MessageId"].as_str().unwrap().to_string();
    let m = settled(&env, &channel, &id, &admin);
    assert_eq!(m["Status"]["Value"], "SENT", "CONTINUE sends it on: {m}");
    assert_eq!(m["Content"], "hello", "unprocessed");
    assert!(
        processor.invocations().is_empty(),
        "{:?}",
        processor.invocations()
    );
}
