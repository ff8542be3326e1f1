//! Where the tests find the repository and the workspace's binaries.

use std::path::PathBuf;

/// The repository root (examples/, docs/, tests/golden/ live there).
pub fn repo_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .canonicalize()
        .expect("the repository root")
}

/// A binary of this workspace, from the profile directory the running test
/// was built into (target/debug/deps/<test> -> target/debug/<name>). Cargo
/// builds a package's binaries for its own tests only; scripts/test builds
/// every binary first (`cargo build --workspace --all-targets`).
pub fn workspace_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("a test binary lives in target/<profile>/deps");
    let bin = profile_dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} not found: build the workspace's binaries first (cargo build --workspace --bins)",
        bin.display()
    );
    bin
}

/// The SDK crates are built without a default HTTP client: this one speaks
/// plain HTTP (moto, chimesdk-local) and HTTPS with the system's roots.
pub fn http_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls;
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .build_https()
}
