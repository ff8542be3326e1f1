//! The workspace's layout rules (contributing/architecture.md), checked so
//! that they stay true: imports go one way, the framework names no product,
//! and no source file outgrows a reader.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_imports_another_in_a_circle() {
    let root = test_support::paths::repo_root();
    let out = std::process::Command::new("python3")
        .arg(root.join("scripts/module-graph"))
        .output()
        .expect("python3");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The crate arrows the architecture describes.
    assert!(
        text.contains("tfplugin -> early-interrupt, tfplugin-derive\n"),
        "{text}"
    );
    assert!(text.contains("chimesdk-domain -> (none)\n"), "{text}");
    assert!(
        text.contains("chimesdk-local -> chimesdk-domain, early-interrupt\n"),
        "{text}"
    );
}

/// The check looks at every depth: two modules deep in a crate that import
/// each other (one through its parent's re-export) are a circle.
#[test]
fn module_graph_finds_a_circle_between_nested_modules() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("Cargo.toml", "[package]\nname = \"fixture\"\n");
    write("src/lib.rs", "pub mod outer;\n");
    write("src/outer/mod.rs", "pub mod inner;\n");
    write(
        "src/outer/inner/mod.rs",
        "pub mod left;\npub mod right;\npub use right::Right;\n",
    );
    write(
        "src/outer/inner/left.rs",
        "use super::Right;\npub struct Left(Right);\n",
    );
    write(
        "src/outer/inner/right.rs",
        "pub struct Right;\npub fn f() -> Option<crate::outer::inner::left::Left> { None }\n",
    );
    let run = || {
        std::process::Command::new("python3")
            .arg(test_support::paths::repo_root().join("scripts/module-graph"))
            .arg(dir.path())
            .output()
            .expect("python3")
    };
    let out = run();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("CIRCLE in outer::inner: left, right import each other"),
        "{text}"
    );
    // Without the arrow back, no circle.
    write("src/outer/inner/right.rs", "pub struct Right;\n");
    let out = run();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Every resource folder is declared by a plain `pub mod` line (how rustfmt
/// finds its files, and what build.rs's generated registration calls into),
/// and registered: the provider serves a resource of each folder.
#[test]
fn every_resource_folder_is_declared_and_registered() {
    let root = test_support::paths::repo_root().join("src/resources");
    let registry = std::fs::read_to_string(root.join("mod.rs")).unwrap();
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(&root).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            folders.push(entry.file_name().to_string_lossy().to_string());
        }
    }
    assert!(folders.len() >= 3, "{folders:?}");
    for folder in folders {
        assert!(
            registry.contains(&format!("\npub mod {folder};\n")),
            "src/resources/{folder}/ has no `pub mod {folder};` in src/resources/mod.rs"
        );
        let served: Vec<String> = tfplugin::framework::Provider::resources(
            &chimesdk_provider::provider::ChimeSdkProvider::new(),
        )
        .iter()
        .map(|r| r.type_name().to_string())
        .collect();
        assert!(
            served.iter().any(|t| *t == format!("chimesdk_{folder}")),
            "src/resources/{folder}/ serves no chimesdk_{folder}: {served:?}"
        );
    }
}

#[test]
fn the_framework_names_no_product_and_no_cloud() {
    let root = test_support::paths::repo_root();
    let mut files = Vec::new();
    rust_files(&root.join("crates/tfplugin/src"), &mut files);
    // aws-lc-rs, the TLS crypto library, is not the cloud.
    let words = regex_lite::Regex::new(r"(?i)chime|kinesis|\baws(\s|$|[.,:;)])").unwrap();
    let offenders: Vec<String> = files
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            text.lines()
                .enumerate()
                .filter(|(_, l)| words.is_match(l))
                .map(|(n, l)| format!("{}:{}: {}", f.display(), n + 1, l.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

#[test]
fn no_source_file_is_longer_than_600_lines() {
    let root = test_support::paths::repo_root();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).unwrap().lines().count();
            (lines > 600).then(|| format!("{} ({lines} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by job: {long:?}");
}
