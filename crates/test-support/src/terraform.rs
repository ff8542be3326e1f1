//! A throw-away Terraform working directory that runs the real `terraform`
//! against the real provider binary through dev_overrides.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Workspace {
    pub dir: tempfile::TempDir,
    pub terraform: String,
    env: Vec<(String, String)>,
}

#[derive(Debug)]
pub struct Run {
    pub ok: bool,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    pub fn assert_ok(&self) -> &Self {
        assert!(
            self.ok,
            "terraform failed (exit {}):\n{}",
            self.code,
            self.output()
        );
        self
    }

    pub fn assert_failed(&self) -> &Self {
        assert!(
            !self.ok,
            "terraform unexpectedly succeeded:\n{}",
            self.output()
        );
        self
    }

    /// `-json` diagnostics output: every diagnostic object.
    pub fn diagnostics(&self) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        // `validate -json` prints one object; plan/apply -json print lines.
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&self.stdout)
            && let Some(ds) = v.get("diagnostics").and_then(|d| d.as_array())
        {
            return ds.clone();
        }
        for line in self.stdout.lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            if let Some(d) = v.get("diagnostic") {
                out.push(d.clone());
            }
            if let Some(ds) = v.get("diagnostics").and_then(|d| d.as_array()) {
                out.extend(ds.iter().cloned());
            }
        }
        out
    }

    /// The diagnostics with this summary.
    pub fn find(&self, severity: &str, summary: &str) -> Vec<serde_json::Value> {
        self.diagnostics()
            .into_iter()
            .filter(|d| {
                d["severity"] == severity && d["summary"].as_str().is_some_and(|s| s == summary)
            })
            .collect()
    }
}

fn provider_dir() -> PathBuf {
    crate::paths::workspace_binary("terraform-provider-chimesdk")
        .parent()
        .unwrap()
        .to_path_buf()
}

thread_local! {
    /// The Terraform `Workspace::new` uses on this thread, when a version
    /// matrix test runs another test's body on an older Terraform.
    static TERRAFORM_ON_THIS_THREAD: std::cell::RefCell<Option<String>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `body` (a test's body) with every `Workspace::new` it makes on this
/// thread running Terraform `var` (`TERRAFORM_1_14`, say), which must be
/// `version`. scripts/test installs and sets each.
pub fn on_terraform<T>(var: &str, version: &str, body: impl FnOnce() -> T) -> T {
    let tf = terraform_at(var, version);
    TERRAFORM_ON_THIS_THREAD.with(|t| *t.borrow_mut() = Some(tf));
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            TERRAFORM_ON_THIS_THREAD.with(|t| *t.borrow_mut() = None);
        }
    }
    let _reset = Reset;
    body()
}

/// The Terraform in `var`, checked to be `version` (a prefix: `1.11.`).
pub fn terraform_at(var: &str, version: &str) -> String {
    let tf = std::env::var(var)
        .unwrap_or_else(|_| panic!("{var} must point at Terraform {version}: run scripts/test"));
    let out = Command::new(&tf).arg("version").output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with(&format!("Terraform v{version}")),
        "{var} ({tf}) is not Terraform {version}"
    );
    tf
}

impl Workspace {
    pub fn new() -> Workspace {
        let tf = TERRAFORM_ON_THIS_THREAD.with(|t| t.borrow().clone());
        Self::with_terraform(
            &tf.unwrap_or_else(|| {
                std::env::var("TERRAFORM").unwrap_or_else(|_| "terraform".into())
            }),
        )
    }

    pub fn with_terraform(terraform: &str) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let cli = dir.path().join("cli.tfrc");
        // Terraform, and the providers it launches, make their sockets here:
        // what a killed provider leaves behind goes with the workspace.
        let scratch = dir.path().join("tmp");
        std::fs::create_dir(&scratch).unwrap();
        std::fs::write(
            &cli,
            format!(
                "provider_installation {{\n  dev_overrides {{\n    \"registry.terraform.io/chimesdk/chimesdk\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
                provider_dir().display()
            ),
        )
        .unwrap();
        let env = vec![
            ("TF_CLI_CONFIG_FILE".into(), cli.display().to_string()),
            ("TF_IN_AUTOMATION".into(), "1".into()),
            ("TMPDIR".into(), scratch.display().to_string()),
            ("CHECKPOINT_DISABLE".into(), "1".into()),
            ("TF_LOG".into(), "debug".into()),
            (
                "TF_LOG_PATH".into(),
                dir.path().join("terraform.log").display().to_string(),
            ),
            ("AWS_ACCESS_KEY_ID".into(), "test".into()),
            ("AWS_SECRET_ACCESS_KEY".into(), "test".into()),
            ("AWS_REGION".into(), "us-east-1".into()),
            ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ];
        Workspace {
            dir,
            terraform: terraform.to_string(),
            env,
        }
    }

    /// Replaces the CLI configuration (dev_overrides by default), e.g. with a
    /// filesystem mirror, as a pipeline that runs `terraform init` has.
    pub fn set_cli_config(&self, text: &str) {
        std::fs::write(self.dir.path().join("cli.tfrc"), text).unwrap();
    }

    /// Drops the fake credentials and region, so that terraform and the
    /// provider see the caller's own (acceptance tests on real AWS).
    pub fn use_real_aws(&mut self) {
        self.env.retain(|(k, _)| {
            !matches!(
                k.as_str(),
                "AWS_ACCESS_KEY_ID"
                    | "AWS_SECRET_ACCESS_KEY"
                    | "AWS_REGION"
                    | "AWS_EC2_METADATA_DISABLED"
            )
        });
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn set_env(&mut self, k: &str, v: &str) {
        self.env.retain(|(n, _)| n != k);
        self.env.push((k.into(), v.into()));
    }

    pub fn write(&self, name: &str, content: &str) {
        std::fs::write(self.dir.path().join(name), content).unwrap();
    }

    /// Copies every file of an examples/ folder in.
    pub fn copy_example(&self, example: &str) {
        let src = crate::paths::repo_root().join("examples").join(example);
        for entry in std::fs::read_dir(&src).unwrap() {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "tf") {
                std::fs::copy(entry.path(), self.dir.path().join(entry.file_name())).unwrap();
            }
        }
    }

    /// `terraform ARGS` in this workspace with its environment, not yet
    /// started (tests that interrupt a run spawn it themselves).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.terraform);
        cmd.args(args)
            .current_dir(self.dir.path())
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let out = self
            .command(args)
            .output()
            .expect("running terraform (is it on PATH?)");
        Run {
            ok: out.status.success(),
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs `script` with bash here, as a CI step would: this workspace's
    /// environment plus `extra`, with `terraform` on PATH meaning this
    /// workspace's Terraform.
    pub fn shell(&self, script: &str, extra: &[(String, String)]) -> Run {
        let bin = self.dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let link = bin.join("terraform");
        if !link.exists() {
            let target = which(&self.terraform);
            std::os::unix::fs::symlink(target, &link).unwrap();
        }
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let out = Command::new("bash")
            .args(["-euo", "pipefail", "-c", script])
            .current_dir(self.dir.path())
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .envs(extra.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("PATH", path)
            .output()
            .expect("running bash");
        Run {
            ok: out.status.success(),
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn apply(&self) -> Run {
        self.run(&["apply", "-auto-approve", "-input=false", "-no-color"])
    }

    pub fn apply_json(&self) -> Run {
        self.run(&["apply", "-auto-approve", "-input=false", "-json"])
    }

    pub fn destroy(&self) -> Run {
        self.run(&["destroy", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `terraform plan -detailed-exitcode`: 0 = no changes, 2 = changes.
    pub fn plan_exit(&self) -> Run {
        self.run(&["plan", "-detailed-exitcode", "-input=false", "-no-color"])
    }

    pub fn plan_json(&self) -> Run {
        self.run(&["plan", "-input=false", "-json"])
    }

    pub fn state(&self) -> serde_json::Value {
        let r = self.run(&["show", "-json"]);
        r.assert_ok();
        serde_json::from_str(&r.stdout).unwrap()
    }

    /// Provider processes still running in this workspace (Linux: by their
    /// working directory), waiting up to `within` for them to end.
    pub fn providers_left(&self, within: std::time::Duration) -> Vec<u32> {
        let deadline = std::time::Instant::now() + within;
        loop {
            let left: Vec<u32> = std::fs::read_dir("/proc")
                .map(|d| {
                    d.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
                        .filter(|pid| {
                            let cwd = std::fs::read_link(format!("/proc/{pid}/cwd")).ok();
                            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
                            cwd.as_deref() == Some(self.dir.path())
                                && exe.is_some_and(|e| {
                                    e.to_string_lossy().contains("terraform-provider-chimesdk")
                                })
                        })
                        .collect()
                })
                .unwrap_or_default();
            if left.is_empty() || std::time::Instant::now() >= deadline {
                return left;
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("terraform.log")).unwrap_or_default()
    }

    /// The resource's attribute values from `terraform show -json`.
    pub fn resource_values(&self, address: &str) -> Option<serde_json::Value> {
        let state = self.state();
        state["values"]["root_module"]["resources"]
            .as_array()?
            .iter()
            .find(|r| r["address"] == address)
            .map(|r| r["values"].clone())
    }
}

/// The provider block for the local services.
pub fn provider_block(kinesis: &str, chime: &str) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    chimesdk = {{ source = "chimesdk/chimesdk" }}
  }}
}}

provider "chimesdk" {{
  region      = "us-east-1"
  max_retries = 3
  endpoints {{
    kinesis             = "{kinesis}"
    kms                 = "{kinesis}"
    iam                 = "{kinesis}"
    chime_sdk_messaging = "{chime}"
    chime_sdk_identity  = "{chime}"
    lexv2models         = "{kinesis}"
    lambda              = "{kinesis}"
    sts                 = "{kinesis}"
  }}
}}
"#
    )
}

/// The full path of a command name (as `PATH` finds it) or path.
fn which(command: &str) -> std::path::PathBuf {
    if command.contains('/') {
        return std::path::PathBuf::from(command);
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join(command))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{command} is not on PATH"))
}
