//! Conversions between framework types and the wire messages.

use crate::framework::{
    Attribute, Block, Diagnostic, Diagnostics, NestedBlock, Nesting, Schema, Severity,
};
use crate::proto::tfplugin6 as pb;
use crate::value::{self, AttributePath, PathStep, Type, Value};

pub fn schema(s: &Schema) -> pb::Schema {
    pb::Schema {
        version: s.version,
        block: Some(block(&s.block)),
    }
}

fn block(b: &Block) -> pb::schema::Block {
    pb::schema::Block {
        version: 0,
        attributes: b.attributes.iter().map(attribute).collect(),
        block_types: b.blocks.iter().map(nested_block).collect(),
        description: b.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecated: false,
    }
}

fn attribute(a: &Attribute) -> pb::schema::Attribute {
    pb::schema::Attribute {
        name: a.name.clone(),
        r#type: a.ty.to_json_bytes(),
        nested_type: None,
        description: a.description.clone(),
        required: a.required,
        optional: a.optional,
        computed: a.computed,
        sensitive: a.sensitive,
        description_kind: pb::StringKind::Markdown as i32,
        deprecated: false,
        write_only: false,
    }
}

fn nested_block(n: &NestedBlock) -> pb::schema::NestedBlock {
    use pb::schema::nested_block::NestingMode;
    let nesting = match n.nesting {
        Nesting::Single => NestingMode::Single,
        Nesting::List => NestingMode::List,
        Nesting::Set => NestingMode::Set,
    };
    pb::schema::NestedBlock {
        type_name: n.name.clone(),
        block: Some(block(&n.block)),
        nesting: nesting as i32,
        min_items: n.min_items,
        max_items: n.max_items,
    }
}

pub fn path(p: &AttributePath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    pb::AttributePath {
        steps: p
            .steps
            .iter()
            // Terraform would resolve an index into a set by source order,
            // which we cannot know: stop at the set itself.
            .take_while(|s| !matches!(s, PathStep::SetElement))
            .map(|s| pb::attribute_path::Step {
                selector: Some(match s {
                    PathStep::Attribute(n) => Selector::AttributeName(n.clone()),
                    PathStep::ElementKeyString(k) => Selector::ElementKeyString(k.clone()),
                    PathStep::ElementKeyInt(i) => Selector::ElementKeyInt(*i),
                    PathStep::SetElement => unreachable!("stopped by take_while"),
                }),
            })
            .collect(),
    }
}

pub fn diagnostic(d: &Diagnostic) -> pb::Diagnostic {
    let severity = match d.severity {
        Severity::Error => pb::diagnostic::Severity::Error,
        Severity::Warning => pb::diagnostic::Severity::Warning,
    };
    pb::Diagnostic {
        severity: severity as i32,
        summary: d.summary.clone(),
        detail: d.detail.clone(),
        attribute: d.path.as_ref().map(path),
    }
}

pub fn diagnostics(d: &Diagnostics) -> Vec<pb::Diagnostic> {
    d.iter().map(diagnostic).collect()
}

/// One error diagnostic, for failures of the protocol layer itself.
pub fn error(summary: &str, detail: String) -> Vec<pb::Diagnostic> {
    let mut d = Diagnostics::new();
    d.error(summary, detail);
    diagnostics(&d)
}

static CAPTURE_DIR: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();

/// Development aid for golden tests: with a directory set (the serve loop
/// reads `TF_<PREFIX>_CAPTURE_DIR`), the msgpack of request values is
/// written to `<dir>/<rpc>.<field>.msgpack` (the last one of each kind
/// wins). Values may include sensitive configuration; never set it in
/// production. The first call wins.
pub fn capture_into(dir: Option<std::path::PathBuf>) {
    let _ = CAPTURE_DIR.set(dir);
}

pub fn capture(rpc: &str, field: &str, dv: Option<&pb::DynamicValue>) {
    let Some(Some(dir)) = CAPTURE_DIR.get() else {
        return;
    };
    let Some(dv) = dv.filter(|d| !d.msgpack.is_empty()) else {
        return;
    };
    if let Err(e) = std::fs::write(dir.join(format!("{rpc}.{field}.msgpack")), &dv.msgpack) {
        tracing::warn!(error = %e, "capturing a request value failed");
    }
}

/// A DynamicValue to a cty value: msgpack when present, else JSON (import
/// and old states), else null.
pub fn decode(dv: Option<&pb::DynamicValue>, ty: &Type) -> Result<Value, String> {
    let Some(dv) = dv else { return Ok(Value::Null) };
    if !dv.msgpack.is_empty() {
        return value::decode(&dv.msgpack, ty).map_err(|e| e.to_string());
    }
    if !dv.json.is_empty() {
        let json: serde_json::Value =
            serde_json::from_slice(&dv.json).map_err(|e| e.to_string())?;
        return value::from_state_json(&json, ty).map_err(|e| e.to_string());
    }
    Ok(Value::Null)
}

pub fn encode(v: &Value, ty: &Type) -> pb::DynamicValue {
    pb::DynamicValue {
        msgpack: value::encode(v, ty),
        json: Vec::new(),
    }
}
