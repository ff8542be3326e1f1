//! scripts/release, scripts/install-mirror and scripts/publish-mirror, as a
//! pipeline meets them: refusals before anything is built, reproducible and
//! signed artifacts, `terraform init` from a filesystem mirror, a registry
//! (registry.rs) and a network mirror with the GitOps workflow's own
//! commands (network_mirror.rs), each recording the packages' hashes and
//! refusing a tampered package.
//!
//! The release test builds linux_amd64 in release mode (several minutes on
//! a small machine, once; the second run reuses cargo's cache).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use test_support::Workspace;

mod network_mirror;
mod registry;
mod static_linux;

const NAME: &str = "terraform-provider-chimesdk";
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn script(name: &str, args: &[&str], dist: &Path) -> Output {
    Command::new(root().join("scripts").join(name))
        .args(args)
        .env("DIST_DIR", dist)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn bad_versions_and_platforms_are_refused_before_anything_is_written() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("keep"), "earlier release").unwrap();
    for (args, says) in [
        (vec!["1.2"], "is not semantic versioning"),
        (vec!["v1.2.3.4"], "is not semantic versioning"),
        (vec!["9.9.9"], "differs from Cargo.toml's version"),
        (
            vec!["--platforms", "linux_amd64,plan9_amd64"],
            "unknown platform 'plan9_amd64'",
        ),
    ] {
        let o = script("release", &args, dist.path());
        assert!(!o.status.success(), "{args:?} was accepted");
        assert!(text(&o).contains(says), "{args:?}: {}", text(&o));
        assert!(text(&o).contains("Nothing was built"), "{}", text(&o));
        assert_eq!(
            std::fs::read_to_string(dist.path().join("keep")).unwrap(),
            "earlier release",
            "{args:?}: nothing written"
        );
    }
}

#[test]
fn help_prints_the_usage_and_nothing_of_the_script() {
    let dist = tempfile::tempdir().unwrap();
    let o = script("release", &["--help"], dist.path());
    assert!(o.status.success(), "{}", text(&o));
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(help.starts_with("Builds the release artifacts"), "{help}");
    assert!(help.contains("Usage: scripts/release [VERSION]"), "{help}");
    assert!(
        help.trim_end()
            .ends_with("given the same rustc, zig and MinGW."),
        "ends with the header's last line: {help}"
    );
    for script_line in ["set -euo", "cd \"$(dirname", "#"] {
        assert!(
            !help.lines().any(|l| l.starts_with(script_line)),
            "{script_line:?} in the help: {help}"
        );
    }
}

fn sha256(path: &Path) -> String {
    let o = Command::new("sha256sum").arg(path).output().unwrap();
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

/// The platforms CI builds (the whole matrix is built by hand, README).
const CI_PLATFORMS: &str = "linux_amd64,linux_arm64";

/// One release of this commit for the whole test binary, built on first use
/// into cargo's per-target temp dir (not the system's); or the dist/ that
/// CHIMESDK_RELEASE_DIST names (a release of all five platforms, made by
/// hand: the mirror tests then check every platform's hashes).
fn shared_dist() -> &'static Path {
    static DIST: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIST.get_or_init(|| {
        if let Some(dist) = std::env::var_os("CHIMESDK_RELEASE_DIST") {
            return PathBuf::from(dist);
        }
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("release-dist");
        release(&dir, CI_PLATFORMS);
        dir
    })
}

/// The platforms a dist/ has packages of, e.g. `linux_amd64`.
fn dist_platforms(dist: &Path) -> Vec<String> {
    let prefix = format!("{NAME}_{VERSION}_");
    let mut platforms: Vec<String> = std::fs::read_dir(dist)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            Some(
                name.strip_prefix(&prefix)?
                    .strip_suffix(".zip")?
                    .to_string(),
            )
        })
        .collect();
    platforms.sort();
    platforms
}

fn release(dist: &Path, platforms: &str) {
    let o = script("release", &["--platforms", platforms], dist);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("SIGNED WITH A THROW-AWAY KEY"),
        "says the key is a throw-away one"
    );
}

#[test]
fn linux_amd64_release_is_reproducible_signed_and_installs_from_a_mirror() {
    let a = shared_dist();
    let b = tempfile::tempdir().unwrap();
    release(b.path(), "linux_amd64");
    let zip_name = format!("{NAME}_{VERSION}_linux_amd64.zip");
    let zip = a.join(&zip_name);
    assert_eq!(
        std::fs::read(&zip).unwrap(),
        std::fs::read(b.path().join(&zip_name)).unwrap(),
        "two runs give byte-identical zips"
    );

    // One executable entry, named as Terraform expects, that reports the version.
    let unpacked = tempfile::tempdir().unwrap();
    let o = Command::new("unzip")
        .args(["-Z1", zip.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        format!("{NAME}_v{VERSION}")
    );
    Command::new("unzip")
        .args([
            "-q",
            zip.to_str().unwrap(),
            "-d",
            unpacked.path().to_str().unwrap(),
        ])
        .status()
        .unwrap();
    let o = Command::new(unpacked.path().join(format!("{NAME}_v{VERSION}")))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        format!("{NAME} {VERSION}")
    );
    let binary = std::fs::read(unpacked.path().join(format!("{NAME}_v{VERSION}"))).unwrap();
    let build_path = root().display().to_string();
    assert!(
        !binary
            .windows(build_path.len())
            .any(|w| w == build_path.as_bytes()),
        "no build-machine path in the binary"
    );

    // SHA256SUMS covers the zip and the manifest, which is the committed one.
    let manifest = a.join(format!("{NAME}_{VERSION}_manifest.json"));
    assert_eq!(
        std::fs::read(&manifest).unwrap(),
        std::fs::read(root().join("terraform-registry-manifest.json")).unwrap()
    );
    let sums = std::fs::read_to_string(a.join(format!("{NAME}_{VERSION}_SHA256SUMS"))).unwrap();
    let mut files: Vec<String> = dist_platforms(a)
        .iter()
        .map(|platform| format!("{NAME}_{VERSION}_{platform}.zip"))
        .chain([format!("{NAME}_{VERSION}_manifest.json")])
        .collect();
    files.sort();
    let expected: String = files
        .iter()
        .map(|f| format!("{}  {f}\n", sha256(&a.join(f))))
        .collect();
    assert_eq!(sums, expected, "one line per zip and the manifest, sorted");
    // The detached signature verifies with the exported key.
    let gnupg = tempfile::tempdir().unwrap();
    let gpg = |args: &[&str]| {
        Command::new("gpg")
            .env("GNUPGHOME", gnupg.path())
            .args(["--batch"])
            .args(args)
            .output()
            .unwrap()
    };
    assert!(
        gpg(&[
            "--import",
            a.join(format!("{NAME}_{VERSION}_signing-key.asc"))
                .to_str()
                .unwrap()
        ])
        .status
        .success()
    );
    let verified = gpg(&[
        "--verify",
        a.join(format!("{NAME}_{VERSION}_SHA256SUMS.sig"))
            .to_str()
            .unwrap(),
        a.join(format!("{NAME}_{VERSION}_SHA256SUMS"))
            .to_str()
            .unwrap(),
    ]);
    assert!(verified.status.success(), "{}", text(&verified));

    // The mirror, then `terraform init` in an empty directory without
    // dev_overrides, with today's Terraform and with 1.0.3.
    let mirror = tempfile::tempdir().unwrap();
    let o = script("install-mirror", &[mirror.path().to_str().unwrap()], a);
    assert!(o.status.success(), "{}", text(&o));
    let cli_config = String::from_utf8_lossy(&o.stdout).to_string();
    for host in ["registry.terraform.io", "registry.opentofu.org"] {
        assert!(
            mirror
                .path()
                .join(host)
                .join("chimesdk/chimesdk")
                .join(&zip_name)
                .is_file()
        );
    }
    let h1 = {
        let mut terraforms =
            vec![std::env::var("TERRAFORM").unwrap_or_else(|_| "terraform".into())];
        terraforms.extend(std::env::var("TERRAFORM_1_11").ok());
        terraforms.extend(std::env::var("TERRAFORM_1_0").ok());
        let mut hashes = Vec::new();
        for tf in terraforms {
            let ws = Workspace::with_terraform(&tf);
            ws.set_cli_config(&cli_config);
            ws.write(
                "main.tf",
                "terraform {\n  required_providers {\n    chimesdk = {\n      source  = \"chimesdk/chimesdk\"\n      version = \"~> 0.1\"\n    }\n  }\n}\n",
            );
            ws.run(&["init", "-input=false", "-no-color"]).assert_ok();
            let lock = std::fs::read_to_string(ws.path().join(".terraform.lock.hcl")).unwrap();
            let line = lock
                .lines()
                .find(|l| l.contains("\"h1:"))
                .unwrap_or_else(|| panic!("{tf}: no h1: hash in the lock file:\n{lock}"))
                .trim()
                .trim_end_matches(',')
                .to_string();
            hashes.push(line);
            assert!(
                lock.contains(&format!("version     = \"{VERSION}\"")),
                "{lock}"
            );
        }
        assert!(hashes.windows(2).all(|w| w[0] == w[1]), "{hashes:?}");
        hashes.remove(0)
    };

    // `terraform providers lock` from the mirror records every platform's hash.
    let ws = Workspace::new();
    ws.write(
        "main.tf",
        "terraform {\n  required_providers {\n    chimesdk = { source = \"chimesdk/chimesdk\" }\n  }\n}\n",
    );
    let mut args = vec!["providers".to_string(), "lock".into(), "-no-color".into()];
    args.push(format!("-fs-mirror={}", mirror.path().display()));
    let platforms = dist_platforms(a);
    for platform in &platforms {
        args.push(format!("-platform={platform}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ws.run(&args).assert_ok();
    let lock = std::fs::read_to_string(ws.path().join(".terraform.lock.hcl")).unwrap();
    let hashes: Vec<&str> = lock.lines().filter(|l| l.contains("\"h1:")).collect();
    assert_eq!(
        hashes.len(),
        platforms.len(),
        "one h1: per platform:\n{lock}"
    );
    assert!(
        lock.contains(h1.trim_end_matches(',')),
        "the init hash is one of them:\n{lock}"
    );

    // A tampered package is refused by the next init that has the lock file.
    let ws = Workspace::new();
    ws.set_cli_config(&cli_config);
    ws.write(
        "main.tf",
        "terraform {\n  required_providers {\n    chimesdk = { source = \"chimesdk/chimesdk\" }\n  }\n}\n",
    );
    ws.write(
        ".terraform.lock.hcl",
        &format!(
            "provider \"registry.terraform.io/chimesdk/chimesdk\" {{\n  version = \"{VERSION}\"\n  hashes = [\n    {h1},\n  ]\n}}\n"
        ),
    );
    let packed = mirror
        .path()
        .join("registry.terraform.io/chimesdk/chimesdk")
        .join(&zip_name);
    let mut bytes = std::fs::read(&packed).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&packed, bytes).unwrap();
    let r = ws.run(&["init", "-input=false", "-no-color"]);
    r.assert_failed();
    assert!(
        r.output().contains("checksum") || r.output().contains("doesn't match"),
        "{}",
        r.output()
    );
}

/// A directory served over HTTPS on loopback (python's static server
/// behind a TLS front with a test CA), as a static host or S3 serves it.
struct StaticHttps {
    http: std::process::Child,
    front: test_support::tls_front::TlsFront,
}

impl Drop for StaticHttps {
    fn drop(&mut self) {
        let _ = self.http.kill();
        let _ = self.http.wait();
    }
}

impl StaticHttps {
    fn start(dir: &Path) -> StaticHttps {
        let mut http = Command::new("python3")
            .args([
                "-c",
                "import functools, http.server, sys\n\
                 h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])\n\
                 s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), h)\n\
                 print(s.server_address[1], flush=True)\n\
                 s.serve_forever()",
                dir.to_str().unwrap(),
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut port = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(http.stdout.take().unwrap()),
            &mut port,
        )
        .unwrap();
        let front = test_support::tls_front::TlsFront::start(&format!("127.0.0.1:{}", port.trim()));
        StaticHttps { http, front }
    }
}

/// Two releases of one commit built apart (two `scripts/release` runs with
/// cargo's cache cleaned between them, named by CHIMESDK_RELEASE_DIST and
/// CHIMESDK_RELEASE_DIST_AGAIN) hold byte-identical packages, every
/// platform they both have: darwin included, whose links differed in the
/// Mach-O UUID until the debug map was left out. Opt-in: CI builds Linux
/// only, and once.
#[test]
fn two_builds_of_one_commit_give_the_same_packages() {
    let (Some(a), Some(b)) = (
        std::env::var_os("CHIMESDK_RELEASE_DIST"),
        std::env::var_os("CHIMESDK_RELEASE_DIST_AGAIN"),
    ) else {
        test_support::skip::skipped(
            "set CHIMESDK_RELEASE_DIST and CHIMESDK_RELEASE_DIST_AGAIN to two dists of this commit",
        );
        return;
    };
    let (a, b) = (PathBuf::from(a), PathBuf::from(b));
    let zips = |dist: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dist)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".zip"))
            .collect();
        names.sort();
        names
    };
    let both: Vec<String> = zips(&a)
        .into_iter()
        .filter(|n| zips(&b).contains(n))
        .collect();
    assert!(!both.is_empty(), "no package in both dists");
    let differ: Vec<&String> = both
        .iter()
        .filter(|n| std::fs::read(a.join(n)).unwrap() != std::fs::read(b.join(n)).unwrap())
        .collect();
    assert!(
        differ.is_empty(),
        "not reproducible: {differ:?} (of {both:?})"
    );
}
