//! One scenario through aws-sdk-rust.

use super::*;

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
