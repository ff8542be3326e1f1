//! The release binaries of other platforms, run here under an emulator:
//! linux_arm64 under qemu-user, windows_amd64 under wine64. Each must print
//! a valid handshake line (unix socket or TCP) and answer a health call over
//! strict mutual TLS. Runs when CHIMESDK_CHECK_DIST names a dist/ built with
//! those platforms (scripts/release); otherwise it says why it was skipped.

use test_support::plugin_client;
use test_support::skip::skipped;

use std::path::{Path, PathBuf};
use std::process::Command;

use plugin_client::{channel, client_config, client_identity, start_plugin_command};

const NAME: &str = "terraform-provider-chimesdk";
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Unzips the platform's package; `None` (with the reason said) if absent.
pub fn unpacked(platform: &str, out: &Path) -> Option<PathBuf> {
    let Some(dist) = std::env::var_os("CHIMESDK_CHECK_DIST") else {
        skipped("set CHIMESDK_CHECK_DIST to a dist/ that scripts/release built");
        return None;
    };
    let zip = Path::new(&dist).join(format!("{NAME}_{VERSION}_{platform}.zip"));
    if !zip.is_file() {
        skipped(&format!("{} is missing", zip.display()));
        return None;
    }
    let ok = Command::new("unzip")
        .args(["-q", zip.to_str().unwrap(), "-d", out.to_str().unwrap()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "unzip {}", zip.display());
    std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(NAME))
}

async fn handshake_and_health(cmd: Command, network: &str) {
    let (pem, der, key) = client_identity();
    let plugin = start_plugin_command(cmd, &pem);
    assert_eq!(plugin.network, network);
    let ch = channel(
        &plugin,
        client_config(&plugin.server_cert, Some((der, key))),
    )
    .await
    .unwrap();
    let health = tonic_health::pb::health_client::HealthClient::new(ch)
        .check(tonic_health::pb::HealthCheckRequest {
            service: "plugin".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        health.status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );
    let (_, other_der, other_key) = client_identity();
    let refused = channel(
        &plugin,
        client_config(&plugin.server_cert, Some((other_der, other_key))),
    )
    .await;
    let refused = match refused {
        Err(_) => true,
        Ok(ch) => tonic_health::pb::health_client::HealthClient::new(ch)
            .check(tonic_health::pb::HealthCheckRequest {
                service: "plugin".into(),
            })
            .await
            .is_err(),
    };
    assert!(refused, "a foreign client certificate is refused");
}

#[tokio::test]
async fn linux_arm64_under_qemu() {
    let dir = tempfile::tempdir().unwrap();
    let Some(binary) = unpacked("linux_arm64", dir.path()) else {
        return;
    };
    let mut cmd = Command::new("qemu-aarch64");
    cmd.args(["-L", "/usr/aarch64-linux-gnu"]).arg(binary);
    handshake_and_health(cmd, "unix").await;
}

#[tokio::test]
async fn windows_amd64_under_wine() {
    let dir = tempfile::tempdir().unwrap();
    let Some(binary) = unpacked("windows_amd64", dir.path()) else {
        return;
    };
    let mut cmd = Command::new("wine");
    cmd.arg(binary).env("WINEDEBUG", "-all");
    // TCP is the default on Windows: no variable needed.
    handshake_and_health(cmd, "tcp").await;
}
