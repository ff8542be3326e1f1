//! The codec against bytes captured from a real Terraform (see
//! scripts/capture-golden and tests/golden/TERRAFORM_VERSION): each fixture
//! decodes to the values its configuration says, and re-encodes to the
//! very same bytes.

use chimesdk_provider::provider::ChimeSdkProvider;
use chimesdk_provider::resources::messaging_streaming_configuration::MessagingStreamingConfiguration;
use tfplugin::framework::Provider;
use tfplugin::value::{Number, Type, Value, decode, encode};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/golden/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn round_trip(name: &str, ty: &Type) -> Value {
    let bytes = fixture(name);
    let value = decode(&bytes, ty).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(encode(&value, ty), bytes, "{name} re-encodes byte for byte");
    value
}

fn blocks(v: &Value) -> Vec<&Value> {
    let Some(Value::Set(items)) = v.get_attr("streaming_configuration") else {
        panic!("a set: {v:?}")
    };
    items.iter().collect()
}

fn block<'a>(v: &'a Value, data_type: &str) -> &'a Value {
    blocks(v)
        .into_iter()
        .find(|b| b.get_attr("data_type").and_then(Value::as_str) == Some(data_type))
        .unwrap()
}

fn prefix_of(v: &Value) -> Option<&str> {
    match v {
        Value::Unknown(Some(r)) => {
            assert!(r.not_null, "an interpolated string is known not to be null");
            r.string_prefix.as_deref()
        }
        _ => None,
    }
}

#[test]
fn plan_config_with_refined_unknowns() {
    let v = round_trip("plan_config.msgpack", &resource_type());
    assert_eq!(
        prefix_of(v.get_attr("app_instance_arn").unwrap()),
        Some("arn:aws:chime:us-east-1:123456789012:app-instance/")
    );
    assert_eq!(v.get_attr("id"), Some(&Value::Null));
    assert_eq!(blocks(&v).len(), 2);
    let channel = block(&v, "Channel");
    let stream = channel.get_attr("stream").unwrap();
    assert_eq!(
        stream.get_attr("name"),
        Some(&Value::String("chime-messaging-golden".into()))
    );
    assert_eq!(
        stream.get_attr("shard_count"),
        Some(&Value::Number(Number::Int(3)))
    );
    assert_eq!(
        stream.get_attr("retention_period_hours"),
        Some(&Value::Number(Number::Int(48)))
    );
    assert_eq!(stream.get_attr("kms_key_id"), Some(&Value::Null));
    let message = block(&v, "ChannelMessage");
    assert_eq!(
        prefix_of(message.get_attr("resource_arn").unwrap()),
        Some("arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-")
    );
    assert_eq!(message.get_attr("stream"), Some(&Value::Null));
}

#[test]
fn plan_proposed_new_state() {
    let v = round_trip("plan_proposed_new_state.msgpack", &resource_type());
    assert!(v.get_attr("app_instance_arn").unwrap().is_unknown());
    assert_eq!(blocks(&v).len(), 2);
}

#[test]
fn provider_config_with_a_list_block() {
    let v = round_trip(
        "provider_config.msgpack",
        &ChimeSdkProvider::new().schema().value_type(),
    );
    assert_eq!(
        v.get_attr("region"),
        Some(&Value::String("us-east-1".into()))
    );
    assert_eq!(
        v.get_attr("max_retries"),
        Some(&Value::Number(Number::Int(2)))
    );
    let Some(Value::List(endpoints)) = v.get_attr("endpoints") else {
        panic!("{v:?}")
    };
    assert!(
        endpoints[0]
            .get_attr("kinesis")
            .and_then(Value::as_str)
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    assert_eq!(
        endpoints[0].get_attr("chime_sdk_identity"),
        Some(&Value::Null)
    );
    assert_eq!(v.get_attr("assume_role"), Some(&Value::List(vec![])));
}

#[test]
fn numbers_beyond_int64_and_inexact_floats_are_decimal_strings() {
    let v = round_trip("numbers_config.msgpack", &resource_type());
    let stream = blocks(&v)[0].get_attr("stream").unwrap();
    assert_eq!(
        stream.get_attr("shard_count"),
        Some(&Value::Number(Number::Decimal(
            "123456789012345678901234567890".into()
        )))
    );
    assert_eq!(
        stream.get_attr("retention_period_hours"),
        Some(&Value::Number(Number::Decimal("0.1".into())))
    );
}

/// The resource's type as Terraform sees it (with the timeouts block).
fn resource_type() -> Type {
    tfplugin::framework::served_schema::<MessagingStreamingConfiguration>().value_type()
}
