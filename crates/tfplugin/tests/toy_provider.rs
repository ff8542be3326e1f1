//! The framework on its own: a toy provider (one typed resource kept in
//! memory) served by `ProviderServer`, called the way Terraform calls it.
//! Covers the typed provider (its model checked before configure, its data
//! handed to resources) and the typed resource adapter (defaults,
//! UseStateForUnknown, RequiresReplace, model decode/encode) and the
//! protocol server (schemas, diagnostics, unknown types named with the
//! provider's own name).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::framework::{
    BlockSchema, CallContext, Change, Destroy, Diagnostics, Op, Provider, Refresh, Registry,
    StateUpgrade, TypedProvider, TypedResource, served_schema,
};
use tfplugin::proto::tfplugin6::{self as pb, provider_server::Provider as Rpc};
use tfplugin::tfprotocol::ProviderServer;
use tfplugin::value::{Attr, Number, Type, Value, decode, encode};
use tonic::Request;

/// Where the toy provider keeps its widgets: id -> (name, size).
#[derive(Default)]
struct Shelf(Mutex<BTreeMap<String, (String, i64)>>);

struct Toy;

/// The toy provider's block: a label, which must not be "broken".
#[derive(Debug, Clone, Default, Serialize, Deserialize, BlockSchema)]
#[tf(description = "The toy provider.")]
struct ToyConfig {
    #[tf(optional)]
    label: Attr<String>,
}

#[async_trait]
impl TypedProvider for Toy {
    type Model = ToyConfig;
    type Data = Shelf;
    const TYPE_NAME: &'static str = "toy";

    fn validate(&self, config: &ToyConfig, diags: &mut Diagnostics) {
        if config.label.known().is_some_and(|l| l == "broken") {
            diags.error("Broken label", "label = \"broken\": use another label.");
        }
    }
    async fn configure(
        &self,
        _config: ToyConfig,
        _terraform_version: &str,
        _ctx: &CallContext,
        _diags: &mut Diagnostics,
    ) -> Option<Shelf> {
        Some(Shelf::default())
    }
    fn register(&self, registry: &mut Registry) {
        registry.resource(Widget);
    }
}

struct Widget;

/// No `timeouts` field: the framework declares the block and carries its
/// value from the plan into the state.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, BlockSchema)]
#[tf(description = "A widget on the shelf.")]
struct WidgetModel {
    #[tf(computed, use_state_for_unknown)]
    id: Attr<String>,
    #[tf(required, requires_replace)]
    name: Attr<String>,
    #[tf(optional, computed, default = 3)]
    size: Attr<i64>,
}

#[async_trait]
impl TypedResource for Widget {
    type Model = WidgetModel;
    type Private = ();
    type Data = Shelf;
    const TYPE_NAME: &'static str = "toy_widget";
    const TIMEOUTS: &'static [(Op, &'static str)] = &[(Op::Create, "1m"), (Op::Delete, "2m")];
    /// Version 0 called the name `title`.
    const SCHEMA_VERSION: i64 = 1;
    const STATE_UPGRADES: &'static [StateUpgrade] = &[StateUpgrade {
        from_version: 0,
        what: "title is now name",
        upgrade: |attrs| {
            let title = attrs.remove("title").ok_or("no title")?;
            attrs.insert("name".into(), title);
            Ok(())
        },
    }];

    fn validate(&self, config: &WidgetModel, diags: &mut Diagnostics) {
        if let Some(size) = config.size.known()
            && *size < 0
        {
            diags.error(
                "Negative size",
                format!("size = {size}: a widget has a size of 0 or more."),
            );
        }
    }

    async fn create(&self, req: Change<'_, Self>, _: &mut Diagnostics) {
        let mut shelf = req.data.0.lock().unwrap();
        let id = format!("w{}", shelf.len() + 1);
        let name = req.planned.name.known().cloned().unwrap_or_default();
        let size = req.planned.size.known().copied().unwrap_or(3);
        shelf.insert(id.clone(), (name, size));
        *req.state = Some(WidgetModel {
            id: Attr::Known(id),
            ..req.planned
        });
    }

    async fn read(&self, req: Refresh<'_, Self>, _: &mut Diagnostics) -> Option<WidgetModel> {
        let id = req.current.id.known()?.clone();
        let (name, size) = req.data.0.lock().unwrap().get(&id)?.clone();
        Some(WidgetModel {
            id: Attr::Known(id),
            name: Attr::Known(name),
            size: Attr::Known(size),
        })
    }

    async fn update(&self, req: Change<'_, Self>, _: &mut Diagnostics) {
        *req.state = Some(req.planned);
    }

    async fn delete(&self, req: Destroy<'_, Self>, _: &mut Diagnostics) {
        let id = req.prior.id.known().cloned().unwrap_or_default();
        req.data.0.lock().unwrap().remove(&id);
        *req.state = None;
    }
}

fn widget_type() -> Type {
    served_schema::<Widget>().value_type()
}

fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: encode(v, ty),
        json: Vec::new(),
    })
}

fn widget(id: Value, name: &str, size: Value) -> Value {
    Value::Object(BTreeMap::from([
        ("id".to_string(), id),
        ("name".to_string(), Value::String(name.into())),
        ("size".to_string(), size),
        ("timeouts".to_string(), Value::Null),
    ]))
}

async fn configure(server: &ProviderServer, label: Value) -> pb::configure_provider::Response {
    let pty = Provider::schema(&Toy).value_type();
    let config = Value::Object(BTreeMap::from([("label".to_string(), label)]));
    server
        .configure_provider(Request::new(pb::configure_provider::Request {
            terraform_version: "1.15.5".into(),
            config: dv(&config, &pty),
            client_capabilities: None,
        }))
        .await
        .unwrap()
        .into_inner()
}

#[tokio::test]
async fn a_typed_provider_checks_its_model_before_configuring() {
    let server = ProviderServer::new(Arc::new(Toy));
    let r = configure(&server, Value::String("broken".into())).await;
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    assert_eq!(r.diagnostics[0].summary, "Broken label");
    // Not configured: a resource call says so instead of using no data.
    let ty = widget_type();
    let state = widget(
        Value::String("w1".into()),
        "a",
        Value::Number(Number::Int(1)),
    );
    let read = server
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: "toy_widget".into(),
            current_state: dv(&state, &ty),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(read.diagnostics[0].summary, "Provider is not configured");
    // A good label configures, and the typed data (the shelf) reaches the resource.
    let server = ProviderServer::new(Arc::new(Toy));
    assert!(
        configure(&server, Value::String("fine".into()))
            .await
            .diagnostics
            .is_empty()
    );
}

async fn configured() -> ProviderServer {
    let server = ProviderServer::new(Arc::new(Toy));
    let r = configure(&server, Value::Null).await;
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    server
}

async fn plan(
    server: &ProviderServer,
    prior: &Value,
    config: &Value,
) -> pb::plan_resource_change::Response {
    let ty = widget_type();
    server
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "toy_widget".into(),
            prior_state: dv(prior, &ty),
            proposed_new_state: dv(config, &ty),
            config: dv(config, &ty),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
}

#[tokio::test]
async fn the_schema_lists_the_provider_and_its_resource() {
    let server = ProviderServer::new(Arc::new(Toy));
    let r = server
        .get_provider_schema(Request::new(pb::get_provider_schema::Request {}))
        .await
        .unwrap()
        .into_inner();
    assert!(r.provider.is_some());
    assert_eq!(
        r.resource_schemas.keys().collect::<Vec<_>>(),
        ["toy_widget"]
    );
    // The resource declared TIMEOUTS, not the block: the framework adds it,
    // with one attribute per operation.
    let block = r.resource_schemas["toy_widget"].block.as_ref().unwrap();
    let timeouts = block
        .block_types
        .iter()
        .find(|b| b.type_name == "timeouts")
        .expect("a timeouts block");
    let names: Vec<_> = timeouts
        .block
        .as_ref()
        .unwrap()
        .attributes
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["create", "delete"]);
}

#[tokio::test]
async fn create_plans_defaults_and_unknown_ids_then_apply_fills_them() {
    let server = configured().await;
    let ty = widget_type();
    let config = widget(Value::Null, "gear", Value::Null);
    let planned = plan(&server, &Value::Null, &config).await;
    assert!(planned.diagnostics.is_empty(), "{:?}", planned.diagnostics);
    let planned_value = decode(&planned.planned_state.clone().unwrap().msgpack, &ty).unwrap();
    assert!(
        matches!(planned_value.get_attr("id"), Some(Value::Unknown(_))),
        "{planned_value:?}"
    );
    assert_eq!(
        planned_value.get_attr("size"),
        Some(&Value::Number(Number::Int(3)))
    );

    let applied = server
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: "toy_widget".into(),
            prior_state: dv(&Value::Null, &ty),
            planned_state: planned.planned_state,
            config: dv(&config, &ty),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(applied.diagnostics.is_empty(), "{:?}", applied.diagnostics);
    let state = decode(&applied.new_state.unwrap().msgpack, &ty).unwrap();
    assert_eq!(state.get_attr("id"), Some(&Value::String("w1".into())));

    // Renaming replaces (RequiresReplace); the id is kept unknown-free for
    // an in-place change (UseStateForUnknown).
    let renamed = plan(&server, &state, &widget(Value::Null, "cog", Value::Null)).await;
    assert_eq!(
        renamed.requires_replace.len(),
        1,
        "{:?}",
        renamed.requires_replace
    );
    let resized = plan(
        &server,
        &state,
        &widget(Value::Null, "gear", Value::Number(Number::Int(5))),
    )
    .await;
    assert!(resized.requires_replace.is_empty());
    let resized = decode(&resized.planned_state.unwrap().msgpack, &ty).unwrap();
    assert_eq!(resized.get_attr("id"), Some(&Value::String("w1".into())));
}

/// The model has no `timeouts`; the framework carries the configured
/// block from the configuration to the plan, the state and every read.
#[tokio::test]
async fn the_timeouts_block_travels_without_the_model() {
    let server = configured().await;
    let ty = widget_type();
    let timeouts = Value::Object(BTreeMap::from([
        ("create".to_string(), Value::String("7m".into())),
        ("delete".to_string(), Value::Null),
    ]));
    let mut config = widget(Value::Null, "gear", Value::Null);
    if let Value::Object(attrs) = &mut config {
        attrs.insert("timeouts".into(), timeouts.clone());
    }
    let planned = plan(&server, &Value::Null, &config).await;
    let planned_value = decode(&planned.planned_state.clone().unwrap().msgpack, &ty).unwrap();
    assert_eq!(planned_value.get_attr("timeouts"), Some(&timeouts));
    let applied = server
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: "toy_widget".into(),
            prior_state: dv(&Value::Null, &ty),
            planned_state: planned.planned_state,
            config: dv(&config, &ty),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let state = decode(&applied.new_state.clone().unwrap().msgpack, &ty).unwrap();
    assert_eq!(state.get_attr("timeouts"), Some(&timeouts));
    let read = server
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: "toy_widget".into(),
            current_state: applied.new_state,
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let read = decode(&read.new_state.unwrap().msgpack, &ty).unwrap();
    assert_eq!(read.get_attr("timeouts"), Some(&timeouts));
}

async fn upgrade(
    server: &ProviderServer,
    version: i64,
    json: &str,
) -> pb::upgrade_resource_state::Response {
    server
        .upgrade_resource_state(Request::new(pb::upgrade_resource_state::Request {
            type_name: "toy_widget".into(),
            version,
            raw_state: Some(pb::RawState {
                json: json.as_bytes().to_vec(),
                flatmap: Default::default(),
            }),
        }))
        .await
        .unwrap()
        .into_inner()
}

/// A state stored at version 0 is rewritten by the resource's step and read
/// under the current schema; the current version passes as it is; a newer
/// one is refused.
#[tokio::test]
async fn upgrade_resource_state_runs_the_declared_steps() {
    let server = ProviderServer::new(Arc::new(Toy));
    let ty = widget_type();
    let schema = server
        .get_provider_schema(Request::new(pb::get_provider_schema::Request {}))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(schema.resource_schemas["toy_widget"].version, 1);

    let v0 = upgrade(
        &server,
        0,
        r#"{"id":"w1","title":"gear","size":3,"timeouts":null}"#,
    )
    .await;
    assert!(v0.diagnostics.is_empty(), "{:?}", v0.diagnostics);
    let state = decode(&v0.upgraded_state.unwrap().msgpack, &ty).unwrap();
    assert_eq!(
        state,
        widget(
            Value::String("w1".into()),
            "gear",
            Value::Number(Number::Int(3))
        )
    );

    let v1 = upgrade(
        &server,
        1,
        r#"{"id":"w1","name":"cog","size":3,"timeouts":null}"#,
    )
    .await;
    let state = decode(&v1.upgraded_state.unwrap().msgpack, &ty).unwrap();
    assert_eq!(state.get_attr("name"), Some(&Value::String("cog".into())));

    let v2 = upgrade(&server, 2, r#"{"id":"w1","name":"cog"}"#).await;
    assert!(v2.upgraded_state.is_none());
    assert_eq!(
        v2.diagnostics[0].summary,
        "State written by a newer provider"
    );
}

#[tokio::test]
async fn a_resource_gone_from_its_store_reads_as_null() {
    let server = configured().await;
    let ty = widget_type();
    let state = widget(
        Value::String("w9".into()),
        "lost",
        Value::Number(Number::Int(1)),
    );
    let r = server
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: "toy_widget".into(),
            current_state: dv(&state, &ty),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(
        decode(&r.new_state.unwrap().msgpack, &ty).unwrap(),
        Value::Null
    );
}

#[tokio::test]
async fn validation_runs_the_resources_own_checks_and_names_unknown_types() {
    let server = ProviderServer::new(Arc::new(Toy));
    let ty = widget_type();
    let bad = widget(Value::Null, "gear", Value::Number(Number::Int(-1)));
    let r = server
        .validate_resource_config(Request::new(pb::validate_resource_config::Request {
            type_name: "toy_widget".into(),
            config: dv(&bad, &ty),
            client_capabilities: None,
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    assert_eq!(r.diagnostics[0].summary, "Negative size");

    let r = server
        .validate_data_resource_config(Request::new(pb::validate_data_resource_config::Request {
            type_name: "toy_gadget".into(),
            config: None,
        }))
        .await
        .unwrap()
        .into_inner();
    let detail = &r.diagnostics[0].detail;
    assert!(
        detail.contains("The toy provider has no data source \"toy_gadget\""),
        "{detail}"
    );
    assert!(detail.contains("It has no data sources."), "{detail}");
}

/// A typed provider that counts how often it is asked what it serves.
#[derive(Default)]
struct Counting(std::sync::atomic::AtomicUsize);

#[async_trait]
impl TypedProvider for Counting {
    type Model = ToyConfig;
    type Data = Shelf;
    const TYPE_NAME: &'static str = "counting";

    async fn configure(
        &self,
        _config: ToyConfig,
        _terraform_version: &str,
        _ctx: &CallContext,
        _diags: &mut Diagnostics,
    ) -> Option<Shelf> {
        Some(Shelf::default())
    }
    fn register(&self, registry: &mut Registry) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        registry.resource(Widget);
    }
}

/// Building the server asks a typed provider what it serves once (each
/// registration builds every schema), not once per kind of object.
#[test]
fn the_server_builds_the_registry_once() {
    let provider = Arc::new(Counting::default());
    let _server = ProviderServer::new(provider.clone());
    assert_eq!(provider.0.load(std::sync::atomic::Ordering::SeqCst), 1);
}
