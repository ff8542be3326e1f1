//! `terraform init` from a provider registry on loopback: our signature
//! verified with our key, zh: hashes recorded, a bad signature refused.

use super::*;

/// A provider registry on loopback: static files (the registry protocol's
/// `versions` and `download` answers, and dist/) behind HTTPS with a test CA.
struct LocalRegistry {
    files: tempfile::TempDir,
    /// The signing key's ID, as Terraform reports it after verifying.
    key_id: String,
    site: StaticHttps,
}

const REGISTRY_HOST: &str = "registry.chimesdk.test";

impl LocalRegistry {
    /// Serves `dist`; `tamper` may change the download answer or the files.
    fn start(dist: &Path, tamper: impl FnOnce(&mut serde_json::Value, &Path)) -> LocalRegistry {
        let files = tempfile::tempdir().unwrap();
        let site = StaticHttps::start(files.path());
        let base = site.front.url.clone();
        let d = files.path().join("files");
        std::fs::create_dir_all(&d).unwrap();
        for entry in std::fs::read_dir(dist).unwrap() {
            let p = entry.unwrap().path();
            if p.is_file() {
                std::fs::copy(&p, d.join(p.file_name().unwrap())).unwrap();
            }
        }
        let zip_name = format!("{NAME}_{VERSION}_linux_amd64.zip");
        let key = std::fs::read_to_string(dist.join(format!("{NAME}_{VERSION}_signing-key.asc")))
            .unwrap();
        let gnupg = tempfile::tempdir().unwrap();
        let imported = Command::new("gpg")
            .env("GNUPGHOME", gnupg.path())
            .args([
                "--batch",
                "--with-colons",
                "--import-options",
                "show-only",
                "--import",
            ])
            .arg(dist.join(format!("{NAME}_{VERSION}_signing-key.asc")))
            .output()
            .unwrap();
        let key_id = String::from_utf8_lossy(&imported.stdout)
            .lines()
            .find(|l| l.starts_with("pub:"))
            .and_then(|l| l.split(':').nth(4))
            .unwrap()
            .to_string();
        let mut download = serde_json::json!({
            "protocols": ["6.0"],
            "os": "linux",
            "arch": "amd64",
            "filename": zip_name,
            "download_url": format!("{base}/files/{zip_name}"),
            "shasums_url": format!("{base}/files/{NAME}_{VERSION}_SHA256SUMS"),
            "shasums_signature_url": format!("{base}/files/{NAME}_{VERSION}_SHA256SUMS.sig"),
            "shasum": sha256(&dist.join(&zip_name)),
            "signing_keys": { "gpg_public_keys": [{ "key_id": key_id.clone(), "ascii_armor": key }] },
        });
        tamper(&mut download, &d);
        let api = files.path().join("v1/providers/chimesdk/chimesdk");
        std::fs::create_dir_all(api.join(VERSION).join("download/linux")).unwrap();
        std::fs::write(
            api.join("versions"),
            serde_json::json!({ "versions": [{ "version": VERSION, "protocols": ["6.0"], "platforms": [{ "os": "linux", "arch": "amd64" }] }]}).to_string(),
        )
        .unwrap();
        std::fs::write(
            api.join(VERSION).join("download/linux/amd64"),
            download.to_string(),
        )
        .unwrap();
        LocalRegistry {
            files,
            key_id,
            site,
        }
    }

    /// A workspace whose Terraform finds this registry by a `host` block and
    /// trusts its CA through SSL_CERT_FILE.
    fn workspace(&self) -> Workspace {
        let mut ws = Workspace::new();
        ws.set_cli_config(&format!(
            "host \"{REGISTRY_HOST}\" {{\n  services = {{\n    \"providers.v1\" = \"{}/v1/providers/\"\n  }}\n}}\n",
            self.site.front.url
        ));
        let ca = ws.path().join("ca.pem");
        std::fs::write(&ca, &self.site.front.ca_pem).unwrap();
        ws.set_env("SSL_CERT_FILE", ca.to_str().unwrap());
        ws.write(
            "main.tf",
            &format!(
                "terraform {{\n  required_providers {{\n    chimesdk = {{\n      source  = \"{REGISTRY_HOST}/chimesdk/chimesdk\"\n      version = \"~> 0.1\"\n    }}\n  }}\n}}\n"
            ),
        );
        let _ = &self.files;
        ws
    }
}

#[test]
fn terraform_init_from_a_registry_verifies_our_signature_and_records_zh_hashes() {
    let dist = shared_dist();
    let registry = LocalRegistry::start(dist, |_, _| {});
    let ws = registry.workspace();
    let r = ws.run(&["init", "-input=false", "-no-color"]);
    r.assert_ok();
    assert!(
        r.output()
            .contains(&format!("(self-signed, key ID {})", registry.key_id)),
        "Terraform verified our signature with our key:\n{}",
        r.output()
    );
    let lock = std::fs::read_to_string(ws.path().join(".terraform.lock.hcl")).unwrap();
    let sums = std::fs::read_to_string(dist.join(format!("{NAME}_{VERSION}_SHA256SUMS"))).unwrap();
    for line in sums.lines().filter(|l| l.ends_with(".zip")) {
        let hash = line.split_whitespace().next().unwrap();
        assert!(
            lock.contains(&format!("\"zh:{hash}\"")),
            "zh: hash of {line} recorded:\n{lock}"
        );
    }
    assert!(lock.contains("\"h1:"), "{lock}");

    // A signature over other bytes is refused.
    let registry = LocalRegistry::start(dist, |_, files| {
        let sig = files.join(format!("{NAME}_{VERSION}_SHA256SUMS.sig"));
        let mut bytes = std::fs::read(&sig).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0x01;
        std::fs::write(&sig, bytes).unwrap();
    });
    let r = registry
        .workspace()
        .run(&["init", "-input=false", "-no-color"]);
    r.assert_failed();
    assert!(
        r.output().to_lowercase().contains("signature"),
        "{}",
        r.output()
    );

    // A checksum that does not match the package is refused.
    let registry = LocalRegistry::start(dist, |download, _| {
        download["shasum"] = serde_json::json!("0".repeat(64));
    });
    let r = registry
        .workspace()
        .run(&["init", "-input=false", "-no-color"]);
    r.assert_failed();
    assert!(
        r.output().to_lowercase().contains("checksum"),
        "{}",
        r.output()
    );
}
