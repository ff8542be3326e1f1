//! Every tfplugin6 request built from fuzzed fields, sent to a configured provider.

use super::*;

/// The fields every tfplugin6 request is built from.
#[derive(Debug, Clone)]
pub(super) struct Fields {
    pub(super) rpc: usize,
    type_name: String,
    a: Option<pb::DynamicValue>,
    b: Option<pb::DynamicValue>,
    c: Option<pb::DynamicValue>,
    private: Vec<u8>,
    text: String,
    version: i64,
    /// An identity: mostly of the streaming configuration's identity type.
    identity: Option<pb::ResourceIdentityData>,
}

const RPCS: usize = 23;

fn dynamic_value(ty: Type) -> impl Strategy<Value = Option<pb::DynamicValue>> {
    prop_oneof![
        1 => Just(None),
        6 => msgpack_for(ty).prop_map(|m| Some(pb::DynamicValue { msgpack: m, json: Vec::new() })),
        1 => state_json().prop_map(|j| Some(pb::DynamicValue { msgpack: Vec::new(), json: j })),
    ]
}

pub(super) fn fields() -> impl Strategy<Value = Fields> {
    let ty = resource_type();
    (
        0..RPCS,
        prop_oneof![
            6 => Just(RESOURCE.to_string()),
            1 => text(),
        ],
        dynamic_value(ty.clone()),
        dynamic_value(ty.clone()),
        dynamic_value(ty),
        prop_oneof![
            Just(Vec::new()),
            prop::collection::vec(any::<u8>(), 0..64),
            Just(br#"{"created_streams":["chime-messaging-x"]}"#.to_vec())
        ],
        text(),
        any::<i64>(),
        dynamic_value(Type::Object(BTreeMap::from([(
            "app_instance_arn".to_string(),
            Type::String,
        )]))),
    )
        .prop_map(
            |(rpc, type_name, a, b, c, private, text, version, identity)| Fields {
                rpc,
                type_name,
                a,
                b,
                c,
                private,
                text,
                version,
                identity: identity.map(|d| pb::ResourceIdentityData {
                    identity_data: Some(d),
                }),
            },
        )
}

/// A provider configured the way the e2e tests do, every endpoint on a
/// loopback port where nothing listens and credentials from a file: no
/// call ever leaves the machine, and each fails at once.
pub(super) fn configured(rt: &tokio::runtime::Runtime, dir: &std::path::Path) -> ProviderServer {
    let creds = dir.join("credentials");
    std::fs::write(
        &creds,
        "[default]\naws_access_key_id = fuzz\naws_secret_access_key = fuzz\n",
    )
    .unwrap();
    let server = ProviderServer::new(Arc::new(ChimeSdkProvider::new()));
    let s = |v: &str| Value::String(v.to_string());
    let endpoint = "http://127.0.0.1:9";
    let config = Value::Object(BTreeMap::from([
        ("region".to_string(), s("us-east-1")),
        ("skip_credentials_validation".to_string(), Value::Bool(true)),
        ("max_retries".to_string(), Value::Number(Number::Int(0))),
        (
            "shared_config_files".to_string(),
            Value::List(vec![s(creds.to_str().unwrap())]),
        ),
        (
            "shared_credentials_files".to_string(),
            Value::List(vec![s(creds.to_str().unwrap())]),
        ),
        (
            "endpoints".to_string(),
            Value::List(vec![Value::Object(BTreeMap::from([
                ("kinesis".to_string(), s(endpoint)),
                ("sts".to_string(), s(endpoint)),
                ("chime_sdk_messaging".to_string(), s(endpoint)),
                ("chime_sdk_identity".to_string(), s(endpoint)),
            ]))]),
        ),
    ]));
    let r = rt
        .block_on(
            server.configure_provider(tonic::Request::new(pb::configure_provider::Request {
                terraform_version: "1.11.4".into(),
                config: Some(pb::DynamicValue {
                    msgpack: encode(&config, &provider_type()),
                    json: Vec::new(),
                }),
                client_capabilities: None,
            })),
        )
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    server
}

/// Calls one RPC; its diagnostics (an Err status is a broken request).
pub(super) async fn call(
    server: &ProviderServer,
    f: Fields,
) -> Result<Vec<pb::Diagnostic>, tonic::Status> {
    use tonic::Request as R;
    let Fields {
        rpc,
        type_name,
        a,
        b,
        c,
        private,
        text,
        version,
        identity,
    } = f;
    Ok(match rpc {
        0 => {
            server
                .get_metadata(R::new(pb::get_metadata::Request {}))
                .await?
                .into_inner()
                .diagnostics
        }
        1 => {
            server
                .get_provider_schema(R::new(pb::get_provider_schema::Request {}))
                .await?
                .into_inner()
                .diagnostics
        }
        2 => {
            server
                .validate_provider_config(R::new(pb::validate_provider_config::Request {
                    config: a,
                }))
                .await?
                .into_inner()
                .diagnostics
        }
        3 => {
            server
                .validate_resource_config(R::new(pb::validate_resource_config::Request {
                    type_name,
                    config: a,
                    client_capabilities: None,
                }))
                .await?
                .into_inner()
                .diagnostics
        }
        4 => {
            server
                .validate_data_resource_config(R::new(pb::validate_data_resource_config::Request {
                    type_name,
                    config: a,
                }))
                .await?
                .into_inner()
                .diagnostics
        }
        5 => {
            let json = a
                .map(|d| if d.json.is_empty() { d.msgpack } else { d.json })
                .unwrap_or_default();
            server
                .upgrade_resource_state(R::new(pb::upgrade_resource_state::Request {
                    type_name,
                    version,
                    raw_state: Some(pb::RawState {
                        json,
                        flatmap: Default::default(),
                    }),
                }))
                .await?
                .into_inner()
                .diagnostics
        }
        6 => {
            server
                .read_resource(R::new(pb::read_resource::Request {
                    type_name,
                    current_state: a,
                    private,
                    provider_meta: None,
                    client_capabilities: None,
                    current_identity: identity,
                }))
                .await?
                .into_inner()
                .diagnostics
        }
        7 => {
            server
                .plan_resource_change(R::new(pb::plan_resource_change::Request {
                    type_name,
                    prior_state: a,
                    proposed_new_state: b,
                    config: c,
                    prior_private: private,
                    provider_meta: None,
                    client_capabilities: None,
                    prior_identity: identity,
                }))
                .await?
                .into_inner()
                .diagnostics
        }
        8 => {
            server
                .apply_resource_change(R::new(pb::apply_resource_change::Request {
                    type_name,
                    prior_state: a,
                    planned_state: b,
                    config: c,
                    planned_private: private,
                    provider_meta: None,
                    planned_identity: identity,
                }))
                .await?
                .into_inner()
                .diagnostics
        }
        9 => {
            server
                .import_resource_state(R::new(pb::import_resource_state::Request {
                    type_name,
                    id: text,
                    client_capabilities: None,
                    identity,
                }))
                .await?
                .into_inner()
                .diagnostics
        }
        10 => {
            server
                .move_resource_state(R::new(pb::move_resource_state::Request {
                    source_provider_address: text,
                    source_type_name: type_name.clone(),
                    source_schema_version: version,
                    source_state: Some(pb::RawState {
                        json: private,
                        flatmap: Default::default(),
                    }),
                    target_type_name: type_name,
                    source_private: Vec::new(),
                    source_identity: identity
                        .and_then(|i| i.identity_data)
                        .map(|d| pb::RawState {
                            json: d.json,
                            flatmap: Default::default(),
                        }),
                    source_identity_schema_version: version,
                }))
                .await?
                .into_inner()
                .diagnostics
        }
        11 => {
            server
                .read_data_source(R::new(pb::read_data_source::Request {
                    type_name,
                    config: a,
                    provider_meta: None,
                    client_capabilities: None,
                }))
                .await?
                .into_inner()
                .diagnostics
        }
        12 => {
            server
                .validate_ephemeral_resource_config(R::new(
                    pb::validate_ephemeral_resource_config::Request {
                        type_name,
                        config: a,
                    },
                ))
                .await?
                .into_inner()
                .diagnostics
        }
        13 => {
            server
                .open_ephemeral_resource(R::new(pb::open_ephemeral_resource::Request {
                    type_name,
                    config: a,
                    client_capabilities: None,
                }))
                .await?
                .into_inner()
                .diagnostics
        }
        14 => {
            server
                .get_functions(R::new(pb::get_functions::Request {}))
                .await?
                .into_inner()
                .diagnostics
        }
        15 => server
            .call_function(R::new(pb::call_function::Request {
                name: text,
                arguments: a.into_iter().collect(),
            }))
            .await?
            .into_inner()
            .error
            .into_iter()
            .map(|e| pb::Diagnostic {
                summary: e.text,
                ..Default::default()
            })
            .collect(),
        17 => {
            server
                .upgrade_resource_identity(R::new(pb::upgrade_resource_identity::Request {
                    type_name,
                    version: version.rem_euclid(3) - 1,
                    raw_identity: Some(pb::RawState {
                        json: identity
                            .and_then(|i| i.identity_data)
                            .map(|d| d.json)
                            .unwrap_or(private),
                        flatmap: Default::default(),
                    }),
                }))
                .await?
                .into_inner()
                .diagnostics
        }
        18 => {
            server
                .generate_resource_config(R::new(pb::generate_resource_config::Request {
                    type_name,
                    state: a,
                }))
                .await?
                .into_inner()
                .diagnostics
        }
        19 => {
            server
                .validate_list_resource_config(R::new(pb::validate_list_resource_config::Request {
                    type_name,
                    config: a,
                    include_resource_object: b,
                    limit: c,
                }))
                .await?
                .into_inner()
                .diagnostics
        }
        20 => {
            server
                .get_resource_identity_schemas(R::new(
                    pb::get_resource_identity_schemas::Request {},
                ))
                .await?
                .into_inner()
                .diagnostics
        }
        21 => {
            server
                .validate_action_config(R::new(pb::validate_action_config::Request {
                    type_name: if text.len() % 2 == 0 {
                        "chimesdk_verify_streaming".into()
                    } else {
                        type_name
                    },
                    config: a,
                }))
                .await?
                .into_inner()
                .diagnostics
        }
        22 => {
            server
                .plan_action(R::new(pb::plan_action::Request {
                    action_type: "chimesdk_verify_streaming".into(),
                    config: a,
                    client_capabilities: None,
                }))
                .await?
                .into_inner()
                .diagnostics
        }
        _ => {
            server
                .validate_provider_config(R::new(pb::validate_provider_config::Request {
                    config: b,
                }))
                .await?
                .into_inner()
                .diagnostics
        }
    })
}
