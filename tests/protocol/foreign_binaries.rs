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

/// The Debian 13 root with wine 10 that scripts/wine10-root made, with its
/// /proc mounted while the test runs; wine's server and the mount go when
/// it drops. One test at a time has it: the drop's `wineserver -k` ends
/// every wine process in the root, and the program's path inside is one.
struct WineRoot {
    path: PathBuf,
    _one_at_a_time: std::sync::MutexGuard<'static, ()>,
}

static WINE_ROOT_IN_USE: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl WineRoot {
    fn mount() -> Option<WineRoot> {
        let Some(root) = std::env::var_os("CHIMESDK_WINE_ROOT") else {
            skipped(
                "set CHIMESDK_WINE_ROOT to the root scripts/wine10-root made (Debian 12's wine 8 cannot start the binary)",
            );
            return None;
        };
        let in_use = WINE_ROOT_IN_USE
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let root = PathBuf::from(root);
        assert!(
            root.join(".chimesdk-wine10-ready").is_file(),
            "{} is not a finished scripts/wine10-root",
            root.display()
        );
        let ok = Command::new("mount")
            .args(["-t", "proc", "proc"])
            .arg(root.join("proc"))
            .status()
            .unwrap()
            .success();
        assert!(ok, "mounting /proc in {} (needs root)", root.display());
        Some(WineRoot {
            path: root,
            _one_at_a_time: in_use,
        })
    }

    /// `wine PROGRAM` inside the root, for a program copied into it.
    fn command(&self, binary: &Path) -> Command {
        let inside = self.path.join("tmp/chimesdk-provider.exe");
        std::fs::copy(binary, &inside).unwrap();
        let mut cmd = Command::new("chroot");
        cmd.arg(&self.path)
            .args(["/usr/bin/wine", "/tmp/chimesdk-provider.exe"])
            .env("WINEDEBUG", "-all")
            .env("HOME", "/root")
            // The handshake's socket directory must exist inside the root;
            // on Windows the transport is TCP anyway.
            .env_remove("TMPDIR");
        cmd
    }
}

impl Drop for WineRoot {
    fn drop(&mut self) {
        let _ = Command::new("chroot")
            .arg(&self.path)
            .args(["/usr/bin/wineserver", "-k"])
            .status();
        let _ = std::fs::remove_file(self.path.join("tmp/chimesdk-provider.exe"));
        let _ = Command::new("umount").arg(self.path.join("proc")).status();
    }
}

#[tokio::test]
async fn windows_amd64_under_wine_10() {
    let dir = tempfile::tempdir().unwrap();
    let Some(binary) = unpacked("windows_amd64", dir.path()) else {
        return;
    };
    let Some(root) = WineRoot::mount() else {
        return;
    };
    // TCP is the default on Windows: no variable needed.
    handshake_and_health(root.command(&binary), "tcp").await;
}

/// The Windows provider in debug mode under wine 10, and the Linux
/// `terraform` attached to it over TCP (TF_REATTACH_PROVIDERS): a plan
/// against the local services, no terraform.exe needed.
#[test]
fn linux_terraform_plans_with_the_windows_provider_over_tcp() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let Some(binary) = unpacked("windows_amd64", dir.path()) else {
        return;
    };
    let Some(root) = WineRoot::mount() else {
        return;
    };
    let mut cmd = root.command(&binary);
    // Attached, the provider keeps its own environment, not Terraform's.
    let mut provider = cmd
        .arg("--debug")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut reattach = None;
    for line in std::io::BufReader::new(provider.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.trim().strip_prefix("TF_REATTACH_PROVIDERS='") {
            reattach = Some(rest.trim_end_matches('\'').to_string());
            break;
        }
    }
    let reattach = reattach.expect("the debug mode prints TF_REATTACH_PROVIDERS");
    let announced: serde_json::Value = serde_json::from_str(&reattach).unwrap();
    let addr = &announced["registry.terraform.io/chimesdk/chimesdk"]["Addr"];
    assert_eq!(addr["Network"], "tcp", "{announced}");

    let env = test_support::env::Env::new();
    let mut ws = test_support::Workspace::new();
    env.write(
        &ws,
        &test_support::env::managed("ChannelMessage", "chime-messaging-from-windows", ""),
    );
    ws.set_env("TF_REATTACH_PROVIDERS", &reattach);
    let plan = ws.run(&["plan", "-input=false", "-no-color"]);
    let _ = provider.kill();
    let _ = provider.wait();
    plan.assert_ok();
    assert!(
        plan.stdout.contains("1 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
}
