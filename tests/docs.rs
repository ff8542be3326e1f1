//! The docs stay true: every `<!-- schema: X -->` section is the Markdown
//! generated from the schema Terraform sees, and every
//! `<!-- example: PATH -->` block is that example file verbatim (the
//! examples themselves run in tests/e2e_examples.rs).
//! `UPDATE_DOCS=1 cargo test --test docs` rewrites stale sections.

use chimesdk_provider::framework::{Provider, schema_markdown};
use chimesdk_provider::provider::{ChimeSdkProvider, SharedClients};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const PAGES: [&str; 3] = [
    "docs/index.md",
    "docs/resources/messaging_streaming_configuration.md",
    "docs/data-sources/messaging_streaming_configuration.md",
];

fn generated_schema(kind: &str) -> String {
    let provider = ChimeSdkProvider::new();
    let clients = SharedClients::default();
    match kind {
        "provider" => schema_markdown(&provider.schema().block),
        "resource" => schema_markdown(
            &chimesdk_provider::resources::all(&clients)[0]
                .schema()
                .block,
        ),
        "data-source" => schema_markdown(
            &chimesdk_provider::data_sources::all(&clients)[0]
                .schema()
                .block,
        ),
        other => panic!("unknown schema kind {other}"),
    }
}

/// Replaces the body of each marked section; returns the new text.
fn render(page: &str) -> String {
    let mut out = String::new();
    let mut lines = page.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let body = if let Some(kind) = line
            .strip_prefix("<!-- schema: ")
            .and_then(|r| r.strip_suffix(" -->"))
        {
            Some(("<!-- end schema -->", generated_schema(kind)))
        } else if let Some(path) = line
            .strip_prefix("<!-- example: ")
            .and_then(|r| r.strip_suffix(" -->"))
        {
            let hcl = std::fs::read_to_string(format!("{ROOT}/{path}"))
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            Some((
                "<!-- end example -->",
                format!("```terraform\n{}```\n", hcl),
            ))
        } else {
            None
        };
        if let Some((end, body)) = body {
            for skipped in lines.by_ref() {
                if skipped == end {
                    break;
                }
            }
            out.push_str(&body);
            out.push_str(end);
            out.push('\n');
        }
    }
    out
}

#[test]
fn docs_match_the_schema_and_the_examples() {
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let mut stale = Vec::new();
    for page in PAGES {
        let path = format!("{ROOT}/{page}");
        let current = std::fs::read_to_string(&path).unwrap();
        let wanted = render(&current);
        if wanted != current {
            if update {
                std::fs::write(&path, &wanted).unwrap();
            } else {
                stale.push(page);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale docs: {stale:?}; run `UPDATE_DOCS=1 cargo test --test docs` and commit the result"
    );
}

#[test]
fn every_schema_attribute_has_a_description() {
    let md = generated_schema("resource")
        + &generated_schema("provider")
        + &generated_schema("data-source");
    for line in md.lines().filter(|l| l.starts_with("- `")) {
        let after_type = line.split_once(") ").map(|(_, d)| d).unwrap_or("");
        assert!(after_type.trim().len() > 3, "undocumented: {line}");
    }
}
