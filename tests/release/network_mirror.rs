//! The GitOps workflow's own lines (examples/gitops/terraform.yml) against
//! the network mirror scripts/publish-mirror makes, served over HTTPS.

use super::*;

/// The `run` scripts of a job of examples/gitops/terraform.yml that a
/// runner with Terraform executes (the OIDC token, artifacts and comments
/// are GitHub's), in order.
fn workflow_steps(job: &str) -> Vec<String> {
    let o = Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
            root()
                .join("examples/gitops/terraform.yml")
                .to_str()
                .unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let workflow: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    workflow["jobs"][job]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .filter(|run| !run.contains("ACTIONS_ID_TOKEN_REQUEST"))
        .map(str::to_string)
        .collect()
}

/// Runs `steps` as GitHub Actions would: each in bash, with what earlier
/// steps appended to $GITHUB_ENV in the environment of the later ones.
fn run_steps(
    ws: &Workspace,
    steps: &[String],
    env: &mut Vec<(String, String)>,
) -> test_support::terraform::Run {
    let github_env = ws.path().join("github.env");
    let mut last = None;
    for step in steps {
        let mut vars = env.clone();
        vars.push(("GITHUB_ENV".into(), github_env.display().to_string()));
        let run = ws.shell(step, &vars);
        if let Ok(text) = std::fs::read_to_string(&github_env) {
            for line in text.lines() {
                if let Some((k, v)) = line.split_once('=') {
                    env.retain(|(name, _)| name != k);
                    env.push((k.to_string(), v.to_string()));
                }
            }
        }
        if !run.ok {
            return run;
        }
        last = Some(run);
    }
    last.expect("at least one step")
}

/// The hashes of a lock file that start with `prefix` ("zh:" or "h1:").
fn lock_hashes(lock: &str, prefix: &str) -> Vec<String> {
    lock.lines()
        .filter_map(|l| Some(l.trim().strip_prefix('"')?.split('"').next()?.to_string()))
        .filter(|h| h.starts_with(prefix))
        .collect()
}

/// The lock file publish-mirror wrote, as a team commits it: the version,
/// and one zh: and one h1: for each platform the release has.
fn checked_lock(lock: &str, platforms: usize) -> String {
    assert!(
        lock.contains(&format!("version     = \"{VERSION}\"")),
        "publish-mirror's lock file is for another version than {VERSION}:\n{lock}"
    );
    for prefix in ["zh:", "h1:"] {
        assert_eq!(
            lock_hashes(lock, prefix).len(),
            platforms,
            "one {prefix} per platform of the release:\n{lock}"
        );
    }
    lock.to_string()
}

#[test]
fn the_gitops_workflow_installs_from_the_network_mirror_and_refuses_a_tampered_package() {
    let dist = shared_dist();
    let mirror = tempfile::tempdir().unwrap();
    // What a team commits beside its configuration (examples/gitops says
    // how): the lock publish-mirror writes for the release it publishes,
    // here the release of the commit under test.
    let lock = mirror.path().join("committed.lock.hcl");
    let o = script(
        "publish-mirror",
        &[
            mirror.path().to_str().unwrap(),
            "--lock",
            lock.to_str().unwrap(),
        ],
        dist,
    );
    assert!(o.status.success(), "{}", text(&o));
    let lock_text = std::fs::read_to_string(&lock).unwrap();
    let platforms = crate::dist_platforms(dist);
    let committed = checked_lock(&lock_text, platforms.len());
    let zips: Vec<PathBuf> = platforms
        .iter()
        .map(|platform| dist.join(format!("{NAME}_{VERSION}_{platform}.zip")))
        .collect();
    assert!(zips.len() >= 2, "{zips:?}");
    let pkg_dir = mirror
        .path()
        .join("registry.terraform.io/chimesdk/chimesdk");
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(pkg_dir.join("index.json")).unwrap())
            .unwrap();
    assert_eq!(index["versions"][VERSION], serde_json::json!({}));
    let site = StaticHttps::start(mirror.path());
    let app_env = test_support::env::Env::new();
    let plan_steps = workflow_steps("plan");
    let apply_steps = workflow_steps("apply");
    assert!(
        plan_steps.iter().any(|s| s.contains("network_mirror"))
            && apply_steps.iter().any(|s| s.contains("network_mirror")),
        "both jobs install from the mirror: {plan_steps:?}"
    );

    let mut terraforms = vec![std::env::var("TERRAFORM").unwrap_or_else(|_| "terraform".into())];
    terraforms.extend(std::env::var("TERRAFORM_1_11").ok());
    for (i, tf) in terraforms.iter().enumerate() {
        let ws = Workspace::with_terraform(tf);
        let ca = ws.path().join("ca.pem");
        std::fs::write(&ca, &site.front.ca_pem).unwrap();
        let runner_temp = ws.path().join("runner-temp");
        std::fs::create_dir(&runner_temp).unwrap();
        let mut env = vec![
            ("SSL_CERT_FILE".to_string(), ca.display().to_string()),
            ("RUNNER_TEMP".into(), runner_temp.display().to_string()),
            ("CHIMESDK_MIRROR_URL".into(), format!("{}/", site.front.url)),
        ];
        // The example's configuration, pointed at the local services.
        let stream = format!("chime-messaging-gitops-{i}");
        app_env.write(
            &ws,
            &test_support::env::managed("ChannelMessage", &stream, ""),
        );
        let main = std::fs::read_to_string(ws.path().join("main.tf"))
            .unwrap()
            .replace(
                "chimesdk = { source = \"chimesdk/chimesdk\" }",
                "chimesdk = { source = \"chimesdk/chimesdk\", version = \"~> 0.1\" }",
            );
        ws.write("main.tf", &main);
        ws.write(".terraform.lock.hcl", &committed);

        // Pull request: the plan job's lines, then merge: the apply job's.
        let planned = run_steps(&ws, &plan_steps, &mut env);
        planned.assert_ok();
        assert!(ws.path().join("pr.tfplan").is_file(), "{tf}: plan saved");
        assert!(
            ws.path()
                .join(format!(".terraform/providers/registry.terraform.io/chimesdk/chimesdk/{VERSION}/linux_amd64"))
                .is_dir(),
            "{tf}: installed from the mirror, not a dev override"
        );
        std::fs::remove_dir_all(ws.path().join(".terraform")).unwrap();
        let applied = run_steps(&ws, &apply_steps, &mut env);
        applied.assert_ok();
        assert_eq!(
            app_env
                .aws
                .streaming_configuration(&app_env.app)
                .map(|c| c.len()),
            Some(1),
            "{tf}: the saved plan was applied"
        );
        assert_eq!(
            std::fs::read_to_string(ws.path().join(".terraform.lock.hcl")).unwrap(),
            committed,
            "{tf}: the committed lock file was used as it is"
        );
        ws.destroy().assert_ok();

        // Without a lock file, init from a network mirror records only the
        // h1: of the package it installed (Terraform takes zh: hashes only
        // from a registry's signed SHA256SUMS), and `providers lock
        // -net-mirror` one h1: per platform: every one of them is in the
        // lock file publish-mirror wrote, which also has each zh:.
        let fresh = Workspace::with_terraform(tf);
        fresh.write("main.tf", &main);
        let mut fresh_env = env.clone();
        fresh_env.retain(|(k, _)| k != "TF_CLI_CONFIG_FILE");
        let mut lock_all = format!(
            "terraform providers lock -no-color -net-mirror={}/",
            site.front.url
        );
        for platform in &platforms {
            lock_all += &format!(" -platform={platform}");
        }
        let init = run_steps(
            &fresh,
            &[
                plan_steps[0].clone(),
                "terraform init -input=false -no-color".to_string(),
                "cp .terraform.lock.hcl init.lock.hcl && rm .terraform.lock.hcl".to_string(),
                lock_all,
            ],
            &mut fresh_env,
        );
        init.assert_ok();
        let installed = lock_hashes(
            &std::fs::read_to_string(fresh.path().join("init.lock.hcl")).unwrap(),
            "h1:",
        );
        let locked = lock_hashes(
            &std::fs::read_to_string(fresh.path().join(".terraform.lock.hcl")).unwrap(),
            "h1:",
        );
        assert_eq!(installed.len(), 1, "{tf}: {installed:?}");
        assert_eq!(
            locked.len(),
            platforms.len(),
            "{tf}: one h1: per platform: {locked:?}"
        );
        for hash in installed.iter().chain(&locked) {
            assert!(
                lock_text.contains(hash.as_str()),
                "{tf}: {hash} is in publish-mirror's lock file:\n{lock_text}"
            );
        }
    }
    for zip in &zips {
        assert!(
            lock_text.contains(&format!("\"zh:{}\"", sha256(zip))),
            "zh: of {} in publish-mirror's lock file:\n{lock_text}",
            zip.display()
        );
    }

    // A package changed on the mirror is refused by init with the lock file.
    let zip = pkg_dir.join(format!("{NAME}_{VERSION}_linux_amd64.zip"));
    let mut bytes = std::fs::read(&zip).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&zip, bytes).unwrap();
    let ws = Workspace::new();
    let ca = ws.path().join("ca.pem");
    std::fs::write(&ca, &site.front.ca_pem).unwrap();
    let runner_temp = ws.path().join("runner-temp");
    std::fs::create_dir(&runner_temp).unwrap();
    let mut env = vec![
        ("SSL_CERT_FILE".to_string(), ca.display().to_string()),
        ("RUNNER_TEMP".into(), runner_temp.display().to_string()),
        ("CHIMESDK_MIRROR_URL".into(), format!("{}/", site.front.url)),
    ];
    ws.write(
        "main.tf",
        "terraform {\n  required_providers {\n    chimesdk = { source = \"chimesdk/chimesdk\", version = \"~> 0.1\" }\n  }\n}\n",
    );
    ws.write(".terraform.lock.hcl", &committed);
    let refused = run_steps(&ws, &plan_steps, &mut env);
    refused.assert_failed();
    assert!(
        refused.output().contains("checksum") || refused.output().contains("doesn't match"),
        "{}",
        refused.output()
    );
    assert!(
        !ws.path().join("pr.tfplan").exists(),
        "no plan from a tampered package"
    );
}
