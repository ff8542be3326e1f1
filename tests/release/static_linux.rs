//! The Linux packages need no libc from the host: each is a static-pie ELF
//! (no interpreter, no NEEDED library, position independent for ASLR), and
//! the linux_amd64 package plans through Terraform in a root that holds no
//! libc at all: Terraform 1.0.3's static binary, the package in a
//! filesystem mirror, CA certificates and /dev/null, nothing else.

use std::path::{Path, PathBuf};
use std::process::Command;

use object::elf;
use object::read::elf::{Dyn, ElfFile64, FileHeader, ProgramHeader};
use object::{Endianness, Object};

use super::{NAME, VERSION, dist_platforms, shared_dist, text};

/// The binary in a platform's package, unpacked into `out`.
fn unpack(dist: &Path, platform: &str, out: &Path) -> PathBuf {
    unpack_zip(&dist.join(format!("{NAME}_{VERSION}_{platform}.zip")), out);
    out.join(format!("{NAME}_v{VERSION}"))
}

/// chimesdk-local of a platform, unpacked into `out`.
fn unpack_local(dist: &Path, platform: &str, out: &Path) -> PathBuf {
    unpack_zip(
        &dist.join(format!("chimesdk-local_{VERSION}_{platform}.zip")),
        out,
    );
    out.join("chimesdk-local")
}

fn unpack_zip(zip: &Path, out: &Path) {
    let ok = Command::new("unzip")
        .args([
            "-q",
            "-o",
            zip.to_str().unwrap(),
            "-d",
            out.to_str().unwrap(),
        ])
        .status()
        .unwrap()
        .success();
    assert!(ok, "unzip {}", zip.display());
}

/// What the loader would need: the interpreter, the NEEDED libraries, and
/// whether the executable is position independent.
struct Linkage {
    interpreter: Option<String>,
    needed: Vec<String>,
    position_independent: bool,
    machine: u16,
}

fn linkage(binary: &Path) -> Linkage {
    let data = std::fs::read(binary).unwrap();
    let file = ElfFile64::<Endianness>::parse(&*data).unwrap();
    let endian = file.endian();
    let header = file.elf_header();
    let mut interpreter = None;
    let mut needed = Vec::new();
    let mut pie_flag = false;
    for segment in header.program_headers(endian, &*data).unwrap() {
        if segment.p_type(endian) == elf::PT_INTERP {
            let bytes = segment.data(endian, &*data).unwrap();
            interpreter = Some(
                String::from_utf8_lossy(bytes)
                    .trim_end_matches('\0')
                    .to_string(),
            );
        }
        if let Some(entries) = segment.dynamic(endian, &*data).unwrap() {
            for entry in entries {
                match entry.d_tag(endian) as u32 {
                    elf::DT_NEEDED => needed.push(format!("offset {}", entry.d_val(endian))),
                    elf::DT_FLAGS_1 => {
                        pie_flag = entry.d_val(endian) & u64::from(elf::DF_1_PIE) != 0
                    }
                    _ => {}
                }
            }
        }
    }
    Linkage {
        interpreter,
        needed,
        // A static-pie is ET_DYN; a shared library would be too, but one
        // marked PIE (or with an entry point and no interpreter) is ours.
        position_independent: header.e_type(endian) == elf::ET_DYN
            && (pie_flag || file.entry() != 0),
        machine: header.e_machine(endian),
    }
}

#[test]
fn linux_packages_are_static_position_independent_executables() {
    let dist = shared_dist();
    let platforms: Vec<String> = dist_platforms(dist)
        .into_iter()
        .filter(|p| p.starts_with("linux_"))
        .collect();
    assert!(
        !platforms.is_empty(),
        "no Linux package in {}",
        dist.display()
    );
    for platform in platforms {
        let out = tempfile::tempdir().unwrap();
        let machine = match platform.as_str() {
            "linux_amd64" => elf::EM_X86_64,
            "linux_arm64" => elf::EM_AARCH64,
            other => panic!("unknown platform {other}"),
        };
        for binary in [
            unpack(dist, &platform, out.path()),
            unpack_local(dist, &platform, out.path()),
        ] {
            let what = format!(
                "{platform} {}",
                binary.file_name().unwrap().to_string_lossy()
            );
            let l = linkage(&binary);
            assert_eq!(l.machine, machine, "{what}: architecture");
            assert_eq!(l.interpreter, None, "{what}: asks for a loader");
            assert!(
                l.needed.is_empty(),
                "{what}: needs libraries: {:?}",
                l.needed
            );
            assert!(
                l.position_independent,
                "{what}: not position independent (ASLR would not move it)"
            );
        }
    }
}

/// A root with no libc: `terraform init` installs the linux_amd64 package
/// from a filesystem mirror in it, and `terraform plan` runs the provider
/// against moto and chimesdk-local (reached over loopback, which the root
/// shares). Needs root (chroot); CI runs as root.
#[test]
fn the_linux_amd64_package_plans_in_a_root_without_libc() {
    if !is_root() {
        test_support::skip::skipped("chroot needs root (CI runs as root)");
        return;
    }
    let terraform = std::env::var("TERRAFORM_1_0")
        .expect("TERRAFORM_1_0 (Terraform 1.0.3, a static binary): run scripts/test");
    let l = linkage(Path::new(&terraform));
    assert!(
        l.interpreter.is_none() && l.needed.is_empty(),
        "{terraform} is not a static binary: the root would need a libc for it"
    );
    let dist = shared_dist();
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    for dir in ["bin", "tmp", "dev", "proc", "work", "etc/ssl/certs"] {
        std::fs::create_dir_all(r.join(dir)).unwrap();
    }
    std::fs::copy(&terraform, r.join("bin/terraform")).unwrap();
    unpack_local(dist, "linux_amd64", &r.join("bin"));
    let package = r.join(format!(
        "mirror/registry.terraform.io/chimesdk/chimesdk/{VERSION}/linux_amd64"
    ));
    std::fs::create_dir_all(&package).unwrap();
    unpack(dist, "linux_amd64", &package);
    if Path::new("/etc/ssl/certs/ca-certificates.crt").is_file() {
        std::fs::copy(
            "/etc/ssl/certs/ca-certificates.crt",
            r.join("etc/ssl/certs/ca-certificates.crt"),
        )
        .unwrap();
    }
    // Terraform finds itself through /proc/self/exe, as every container
    // has it; unmounted when the test ends, passed or not.
    let proc = r.join("proc");
    let mounted = Command::new("mount")
        .args(["-t", "proc", "proc", proc.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(mounted.success(), "mount proc");
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _proc = Unmount(proc);
    // Go's os/exec opens /dev/null for the provider's stdin.
    let made = Command::new("mknod")
        .args([
            "-m",
            "666",
            r.join("dev/null").to_str().unwrap(),
            "c",
            "1",
            "3",
        ])
        .status()
        .unwrap();
    assert!(made.success(), "mknod /dev/null");
    let files: Vec<String> = walk(r, &r.join("proc"));
    assert!(
        !files
            .iter()
            .any(|f| f.contains("libc") || f.contains("ld-linux") || f.contains("ld-musl")),
        "a libc in the root: {files:?}"
    );

    let env = test_support::env::Env::new();
    std::fs::write(
        r.join("cli.tfrc"),
        "provider_installation {\n  filesystem_mirror {\n    path    = \"/mirror\"\n    include = [\"registry.terraform.io/chimesdk/chimesdk\"]\n  }\n}\n",
    )
    .unwrap();
    let config = test_support::terraform::provider_block(&env.kinesis.url, &env.chime.url).replace(
        "chimesdk = { source = \"chimesdk/chimesdk\" }",
        "chimesdk = { source = \"chimesdk/chimesdk\", version = \"~> 0.1\" }",
    );
    std::fs::write(
        r.join("work/main.tf"),
        format!(
            "{config}\nresource \"chimesdk_messaging_streaming_configuration\" \"this\" {{\n  app_instance_arn = \"{}\"\n{}}}\n",
            env.app,
            test_support::env::managed("Channel", "chime-messaging-no-libc", "")
        ),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let o = Command::new("chroot")
            .arg(r)
            .arg("/bin/terraform")
            .arg("-chdir=/work")
            .args(args)
            .env_clear()
            .envs([
                // Where `chroot` itself is found; nothing in the root uses it.
                ("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
                ("TF_CLI_CONFIG_FILE", "/cli.tfrc"),
                ("HOME", "/tmp"),
                ("TMPDIR", "/tmp"),
                ("CHECKPOINT_DISABLE", "1"),
                ("TF_IN_AUTOMATION", "1"),
                ("AWS_ACCESS_KEY_ID", "test"),
                ("AWS_SECRET_ACCESS_KEY", "test"),
                ("AWS_REGION", "us-east-1"),
                ("AWS_EC2_METADATA_DISABLED", "true"),
            ])
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "terraform {args:?} in the root:\n{}",
            text(&o)
        );
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    run(&["init", "-input=false", "-no-color"]);
    env.chime.take_calls();
    let plan = run(&["plan", "-input=false", "-no-color"]);
    assert!(plan.contains("1 to add"), "{plan}");
    let calls = env.chime.take_calls();
    assert!(
        calls.iter().any(|c| c == "DescribeAppInstance"),
        "the provider in the root asked chimesdk-local: {calls:?}"
    );
    assert!(
        env.kinesis
            .take_calls()
            .iter()
            .any(|c| c == "DescribeStreamSummary"),
        "and moto"
    );

    // chimesdk-local serves from the same root.
    let mut local = Command::new("chroot")
        .arg(r)
        .args([
            "/bin/chimesdk-local",
            "--listen",
            "127.0.0.1:0",
            "--kinesis-endpoint",
        ])
        .arg(&env.svc.moto_url)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(local.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let answered = ureq::get(&format!("{}/app-instances", line.trim())).call();
    let _ = local.kill();
    let _ = local.wait();
    assert_eq!(
        answered.map(|r| r.status().as_u16()).ok(),
        Some(200),
        "chimesdk-local in the root answered ListAppInstances (it printed {line:?})"
    );
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Every file under `dir`, relative, but for what is under `skip`.
fn walk(dir: &Path, skip: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p == skip {
                continue;
            } else if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out
}
