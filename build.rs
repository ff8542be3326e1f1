//! Writes the provider's resource registration: one `register` call per
//! folder of `src/resources/` (each folder registers its own resource, list
//! and data source), so a folder is named once, by its `pub mod` line in
//! `src/resources/mod.rs`. A folder without that line does not compile.

use std::path::Path;

fn main() {
    let root = Path::new("src/resources");
    println!("cargo::rerun-if-changed=src/resources");
    let mut folders: Vec<String> = std::fs::read_dir(root)
        .expect("src/resources")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.join("mod.rs").is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut out = String::from(
        "/// Everything the resource folders serve: each folder's own `register`\n\
         /// (written by build.rs, one call per folder of src/resources).\n\
         pub fn register(registry: &mut Registry) {\n",
    );
    for folder in &folders {
        out.push_str(&format!("    {folder}::register(registry);\n"));
    }
    out.push_str("}\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("register_resources.rs");
    std::fs::write(dest, out).expect("writing the registration");
}
