//! The values the protocol tests send: cty builders, the request envelope,
//! and the streaming configuration's type.

use std::collections::BTreeMap;

use tfplugin::proto::tfplugin6 as pb;
use tfplugin::value::{Type, Value, encode};

pub fn s(v: &str) -> Value {
    Value::String(v.into())
}

pub fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<BTreeMap<_, _>>(),
    )
}

pub fn resource_type() -> Type {
    tfplugin::framework::served_schema::<chimesdk_provider::resources::messaging_streaming_configuration::MessagingStreamingConfiguration>().value_type()
}

pub fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: encode(v, ty),
        json: Vec::new(),
    })
}
