//! The docs stay true: every `<!-- schema: X -->` section is the Markdown
//! generated from the schema Terraform sees, and every
//! `<!-- example: PATH -->` block is that example file verbatim (the
//! examples themselves run in tests/e2e_examples.rs, e2e_identity.rs and
//! e2e_query.rs), and every `<!-- identity: NAME -->` section lists the
//! resource's identity attributes.
//! `UPDATE_DOCS=1 cargo test --test e2e docs::` rewrites stale sections.

use chimesdk_provider::provider::ChimeSdkProvider;
use tfplugin::framework::{Provider, schema_markdown};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Every page: the provider's, and one per resource, data source and list
/// resource, at the path the registry uses (`docs/resources/<name without
/// chimesdk_>.md`, `docs/list-resources/...`).
fn pages() -> Vec<String> {
    let provider = ChimeSdkProvider::new();
    let short = |name: &str| name.strip_prefix("chimesdk_").unwrap_or(name).to_string();
    let mut pages = vec!["docs/index.md".to_string()];
    pages.extend(
        provider
            .resources()
            .iter()
            .map(|r| format!("docs/resources/{}.md", short(r.type_name()))),
    );
    pages.extend(
        provider
            .data_sources()
            .iter()
            .map(|d| format!("docs/data-sources/{}.md", short(d.type_name()))),
    );
    pages.extend(
        provider
            .list_resources()
            .iter()
            .map(|l| format!("docs/list-resources/{}.md", short(l.type_name()))),
    );
    pages.extend(
        provider
            .actions()
            .iter()
            .map(|a| format!("docs/actions/{}.md", short(a.type_name()))),
    );
    pages
}

/// The identity attributes of resource `name`, as the docs list them.
fn identity_markdown(name: &str) -> String {
    let provider = ChimeSdkProvider::new();
    let resource = provider
        .resources()
        .into_iter()
        .find(|r| r.type_name() == name)
        .unwrap_or_else(|| panic!("no resource {name:?}"));
    let identity = resource
        .identity()
        .unwrap_or_else(|| panic!("{name} declares no identity"));
    let mut md = String::from("### Identity Schema\n\n#### Required\n\n");
    for a in &identity.attributes {
        md += &format!("- `{}` (String) {}\n", a.name, a.description);
    }
    md
}

/// `provider`, `resource NAME` or `data-source NAME`.
fn generated_schema(kind: &str) -> String {
    let provider = ChimeSdkProvider::new();
    let (what, name) = kind.split_once(' ').unwrap_or((kind, ""));
    let block = match what {
        "provider" => provider.schema().block,
        "resource" => {
            provider
                .resources()
                .into_iter()
                .find(|r| r.type_name() == name)
                .unwrap_or_else(|| panic!("no resource {name:?}"))
                .schema()
                .block
        }
        "list-resource" => {
            provider
                .list_resources()
                .into_iter()
                .find(|l| l.type_name() == name)
                .unwrap_or_else(|| panic!("no list resource {name:?}"))
                .schema()
                .block
        }
        "action" => {
            provider
                .actions()
                .into_iter()
                .find(|a| a.type_name() == name)
                .unwrap_or_else(|| panic!("no action {name:?}"))
                .schema()
                .block
        }
        "data-source" => {
            provider
                .data_sources()
                .into_iter()
                .find(|d| d.type_name() == name)
                .unwrap_or_else(|| panic!("no data source {name:?}"))
                .schema()
                .block
        }
        other => panic!("unknown schema kind {other}"),
    };
    let md = schema_markdown(&block);
    if what == "list-resource" && block.attributes.is_empty() && block.blocks.is_empty() {
        // A `list` block with nothing to set still gets its section.
        return md
            + "\nNo arguments: the provider configuration (its account and region) says where to list.\n";
    }
    md
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
        } else if let Some(name) = line
            .strip_prefix("<!-- identity: ")
            .and_then(|r| r.strip_suffix(" -->"))
        {
            Some(("<!-- end identity -->", identity_markdown(name)))
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
    for page in pages() {
        let path = format!("{ROOT}/{page}");
        let current = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("{page}: {e}; every resource and data source needs its page")
        });
        let kind = if page.starts_with("docs/resources/") {
            "resource"
        } else if page.starts_with("docs/list-resources/") {
            "list-resource"
        } else if page.starts_with("docs/actions/") {
            "action"
        } else {
            "data-source"
        };
        if page != "docs/index.md" {
            let name = format!(
                "chimesdk_{}",
                page.rsplit('/').next().unwrap().trim_end_matches(".md")
            );
            assert!(
                current.contains(&format!("<!-- schema: {kind} {name} -->")),
                "{page} has no `<!-- schema: {kind} {name} -->` section"
            );
            let has_identity = provider_resource_has_identity(&name);
            if kind == "resource" && has_identity {
                assert!(
                    current.contains(&format!("<!-- identity: {name} -->")),
                    "{page} has no `<!-- identity: {name} -->` section"
                );
            }
        }
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
        "stale docs: {stale:?}; run `UPDATE_DOCS=1 cargo test --test e2e docs::` and commit the result"
    );
}

#[test]
fn every_schema_attribute_has_a_description() {
    let provider = ChimeSdkProvider::new();
    let mut md = generated_schema("provider");
    for r in provider.resources() {
        md += &schema_markdown(&r.schema().block);
    }
    for d in provider.data_sources() {
        md += &schema_markdown(&d.schema().block);
    }
    for a in provider.actions() {
        md += &schema_markdown(&a.schema().block);
    }
    for line in md.lines().filter(|l| l.starts_with("- `")) {
        let after_type = line.split_once(") ").map(|(_, d)| d).unwrap_or("");
        assert!(after_type.trim().len() > 3, "undocumented: {line}");
    }
}

fn provider_resource_has_identity(name: &str) -> bool {
    ChimeSdkProvider::new()
        .resources()
        .iter()
        .any(|r| r.type_name() == name && r.identity().is_some())
}

/// The README's list and the docs index's table name every type the
/// provider serves, and the index links each page: a new resource, data
/// source, list block or action cannot ship unlisted.
#[test]
fn the_readme_and_the_docs_index_name_everything_served() {
    let root = test_support::paths::repo_root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let index = std::fs::read_to_string(root.join("docs/index.md")).unwrap();
    let mut missing = Vec::new();
    for page in pages().iter().filter(|p| *p != "docs/index.md") {
        let (kind, file) = page
            .strip_prefix("docs/")
            .and_then(|p| p.split_once('/'))
            .unwrap();
        let type_name = format!("chimesdk_{}", file.trim_end_matches(".md"));
        if !readme.contains(&format!("`{type_name}`")) {
            missing.push(format!("README.md does not name {type_name}"));
        }
        if !index.contains(&format!("({kind}/{file})")) {
            missing.push(format!("docs/index.md does not link {kind}/{file}"));
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}
