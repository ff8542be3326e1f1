//! Registry-style Markdown for a schema ("## Schema" with Required /
//! Optional / Read-Only and a section per nested block), generated from the
//! same descriptions, defaults and validators Terraform sees.

use std::fmt::Write;

use super::schema::{Attribute, Block, NestedBlock, Nesting};
use crate::value::{Type, Value};

fn type_name(t: &Type) -> String {
    match t {
        Type::String => "String".into(),
        Type::Number => "Number".into(),
        Type::Bool => "Boolean".into(),
        Type::Dynamic => "Dynamic".into(),
        Type::List(e) => format!("List of {}", type_name(e)),
        Type::Set(e) => format!("Set of {}", type_name(e)),
        Type::Map(e) => format!("Map of {}", type_name(e)),
        Type::Object(_) => "Object".into(),
        Type::Tuple(_) => "Tuple".into(),
    }
}

fn literal(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`\"{s}\"`"),
        Value::Number(n) => format!("`{n}`"),
        Value::Bool(b) => format!("`{b}`"),
        other => format!("`{other:?}`"),
    }
}

fn anchor(path: &str) -> String {
    format!("nestedblock--{}", path.replace('.', "--"))
}

fn attribute_line(a: &Attribute) -> String {
    let mut line = format!("- `{}` ({}", a.name, type_name(&a.ty));
    if a.sensitive {
        line.push_str(", Sensitive");
    }
    line.push_str(") ");
    line.push_str(a.description.trim());
    let rules: Vec<String> = a.validators.iter().map(|v| v.description()).collect();
    if !rules.is_empty() {
        let mut text = rules.join("; ");
        if let Some(first) = text.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        let _ = write!(line, " {text}.");
    }
    if let Some(d) = &a.default
        && !line.contains("Default")
    {
        let _ = write!(line, " Defaults to {}.", literal(d));
    }
    line
}

fn block_line(b: &NestedBlock, path: &str) -> String {
    let kind = match b.nesting {
        Nesting::Single => "Block".to_string(),
        Nesting::List => "Block List".to_string(),
        Nesting::Set => "Block Set".to_string(),
    };
    let mut limits = Vec::new();
    if b.min_items > 0 {
        limits.push(format!("Min: {}", b.min_items));
    }
    if b.max_items > 0 {
        limits.push(format!("Max: {}", b.max_items));
    }
    let limits = if limits.is_empty() {
        String::new()
    } else {
        format!(", {}", limits.join(", "))
    };
    format!(
        "- `{}` ({kind}{limits}) {} (see [below for nested schema](#{}))",
        b.name,
        b.block.description.trim(),
        anchor(path)
    )
}

fn section(out: &mut String, block: &Block, path: &str, heading: &str) {
    let required: Vec<String> = block
        .attributes
        .iter()
        .filter(|a| a.required)
        .map(attribute_line)
        .collect();
    let mut optional: Vec<String> = block
        .attributes
        .iter()
        .filter(|a| a.optional)
        .map(attribute_line)
        .collect();
    let read_only: Vec<String> = block
        .attributes
        .iter()
        .filter(|a| a.computed && !a.optional && !a.required)
        .map(attribute_line)
        .collect();
    let mut required_blocks = Vec::new();
    for b in &block.blocks {
        let p = if path.is_empty() {
            b.name.clone()
        } else {
            format!("{path}.{}", b.name)
        };
        if b.min_items > 0 {
            required_blocks.push(block_line(b, &p))
        } else {
            optional.push(block_line(b, &p))
        }
    }
    let mut required = required;
    required.extend(required_blocks);
    for (title, lines) in [
        ("Required", required),
        ("Optional", optional),
        ("Read-Only", read_only),
    ] {
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{heading} {title}\n");
        for l in lines {
            let _ = writeln!(out, "{l}");
        }
        out.push('\n');
    }
}

/// The "## Schema" part of a resource, data source or provider page.
pub fn schema_markdown(block: &Block) -> String {
    let mut out = String::from("## Schema\n\n");
    section(&mut out, block, "", "###");
    let mut stack: Vec<(String, &NestedBlock)> =
        block.blocks.iter().map(|b| (b.name.clone(), b)).collect();
    while !stack.is_empty() {
        let (path, b) = stack.remove(0);
        let _ = writeln!(
            out,
            "<a id=\"{}\"></a>\n### Nested Schema for `{path}`\n",
            anchor(&path)
        );
        section(&mut out, &b.block, &path, "####");
        for child in &b.block.blocks {
            stack.push((format!("{path}.{}", child.name), child));
        }
    }
    out.trim_end().to_string() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::{Attribute, at_least};

    #[test]
    fn renders_sections_validators_and_defaults() {
        let b = Block::new("top")
            .attribute(Attribute::string("name").required().describe("The name."))
            .attribute(
                Attribute::number("count")
                    .describe("How many.")
                    .default_value(Value::Number(crate::value::Number::Int(2)))
                    .validate(at_least(2)),
            )
            .attribute(Attribute::string("id").computed().describe("The ID."))
            .block(
                NestedBlock::new(
                    "item",
                    Nesting::Set,
                    Block::new("An item.")
                        .attribute(Attribute::string("x").optional().describe("X.")),
                )
                .items(1, 2),
            );
        let md = schema_markdown(&b);
        assert!(md.contains("### Required\n\n- `name` (String) The name.\n- `item` (Block Set, Min: 1, Max: 2) An item."), "{md}");
        assert!(
            md.contains("- `count` (Number) How many. Must be at least 2. Defaults to `2`."),
            "{md}"
        );
        assert!(
            md.contains("### Read-Only\n\n- `id` (String) The ID."),
            "{md}"
        );
        assert!(
            md.contains("### Nested Schema for `item`\n\n#### Optional\n\n- `x` (String) X."),
            "{md}"
        );
    }
}
