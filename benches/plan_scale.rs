//! The provider at scale, measured the way a pipeline runs it: the real
//! `terraform` (validate, plan, and an apply with nothing to change) for
//! 1, 50 and 500 `chimesdk_messaging_streaming_configuration` resources
//! that share one stream, against moto and chimesdk-local, next to the same
//! number of `terraform_data` resources (Terraform alone: the floor).
//!
//! Each provider launch runs under this bench binary (`run_as_provider`),
//! which reads its CPU time and peak RSS from getrusage(2), so they are its
//! own, to the microsecond; Terraform's CPU is what is left of the run's. API calls are
//! counted by the recording proxies in front of moto and chimesdk-local.
//! Prints a table; run with `scripts/bench plan-scale`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::sys::resource::{UsageWho, getrusage};
use test_support::Workspace;
use test_support::env::{Env, referenced};

/// Resource counts; CHIMESDK_BENCH_SIZES="500" runs one.
fn sizes() -> Vec<usize> {
    std::env::var("CHIMESDK_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 50, 500])
}

/// CPU (user + system) and peak RSS of this process's waited-for children,
/// from getrusage(2): microseconds, where /proc's clock ticks are 10 ms.
fn children_usage() -> (Duration, u64) {
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).expect("getrusage");
    let micros = |t: nix::sys::time::TimeVal| t.tv_sec() as u64 * 1_000_000 + t.tv_usec() as u64;
    (
        Duration::from_micros(micros(usage.user_time()) + micros(usage.system_time())),
        usage.max_rss() as u64,
    )
}

/// Set in the environment Terraform passes to the providers it launches:
/// the file each launch appends "cpu_micros peak_rss_kib" to.
const LAUNCH_LOG: &str = "CHIMESDK_BENCH_LAUNCH_LOG";

/// Terraform launched this bench binary as "the provider" (dev_overrides
/// points at a link to it): run the real provider in its place, with the
/// same arguments, standard streams and environment, and log its usage.
/// Its only child is the provider, so the children's usage is the provider's.
fn run_as_provider(log: std::ffi::OsString) -> ! {
    // CHIMESDK_PROVIDER_BIN: the binary to measure (scripts/bench sets it to
    // the release build, not the one `cargo bench` builds with dev features).
    let real = std::env::var_os("CHIMESDK_PROVIDER_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_terraform-provider-chimesdk").into());
    // A profiler to run the provider under, e.g.
    // "valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p".
    let under = std::env::var("CHIMESDK_BENCH_PROVIDER_UNDER").unwrap_or_default();
    let argv: Vec<String> = under.split_whitespace().map(String::from).collect();
    let mut command = match argv.split_first() {
        Some((first, rest)) => {
            let mut c = std::process::Command::new(first);
            c.args(rest).arg(&real);
            c
        }
        None => std::process::Command::new(&real),
    };
    let status = command
        .args(std::env::args_os().skip(1))
        .env_remove(LAUNCH_LOG)
        .status()
        .expect("starting the provider");
    let (cpu, rss_kib) = children_usage();
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("opening the launch log");
    std::io::Write::write_all(
        &mut f,
        format!("{} {rss_kib}\n", cpu.as_micros()).as_bytes(),
    )
    .expect("writing the launch log");
    std::process::exit(status.code().unwrap_or(1));
}

/// A dev_overrides directory whose provider is this bench binary, which
/// runs the real one and logs its usage (`run_as_provider`).
fn timed_provider(dir: &Path) -> PathBuf {
    let wrapper_dir = dir.join("timed-provider");
    std::fs::create_dir_all(&wrapper_dir).unwrap();
    std::os::unix::fs::symlink(
        std::env::current_exe().unwrap(),
        wrapper_dir.join("terraform-provider-chimesdk"),
    )
    .unwrap();
    wrapper_dir
}

struct Launches {
    count: usize,
    cpu: Duration,
    peak_rss_kib: u64,
}

fn read_launches(log: &Path) -> Launches {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let mut l = Launches {
        count: 0,
        cpu: Duration::ZERO,
        peak_rss_kib: 0,
    };
    for line in text.lines() {
        let mut f = line.split_whitespace().map(|v| v.parse::<u64>().unwrap());
        let (Some(micros), Some(rss)) = (f.next(), f.next()) else {
            panic!("bad launch log line {line:?}");
        };
        l.count += 1;
        l.cpu += Duration::from_micros(micros);
        l.peak_rss_kib = l.peak_rss_kib.max(rss);
    }
    std::fs::write(log, "").unwrap();
    l
}

struct Row {
    resources: usize,
    kind: &'static str,
    command: &'static str,
    wall: Duration,
    total_cpu: Duration,
    provider: Launches,
    calls: BTreeMap<String, usize>,
}

fn measure(
    ws: &Workspace,
    env: Option<&Env>,
    log: &Path,
    resources: usize,
    kind: &'static str,
    command: &'static str,
    args: &[&str],
) -> Row {
    if let Some(env) = env {
        env.kinesis.take_calls();
        env.chime.take_calls();
    }
    read_launches(log);
    let (cpu_before, _) = children_usage();
    let started = Instant::now();
    let run = ws.run(args);
    let wall = started.elapsed();
    assert!(
        run.code == 0 || run.code == 2,
        "terraform {args:?} failed:\n{}",
        run.output()
    );
    let total_cpu = children_usage().0 - cpu_before;
    let mut calls = BTreeMap::new();
    if let Some(env) = env {
        for op in env
            .kinesis
            .take_calls()
            .into_iter()
            .chain(env.chime.take_calls())
        {
            *calls.entry(op).or_default() += 1;
        }
    }
    Row {
        resources,
        kind,
        command,
        wall,
        total_cpu,
        provider: read_launches(log),
        calls,
    }
}

fn workspace(log: &Path) -> Workspace {
    let mut ws = Workspace::new();
    // Terraform's own debug log would be part of what is measured.
    ws.set_env("TF_LOG", "");
    ws.set_env(LAUNCH_LOG, &log.display().to_string());
    let wrapper = timed_provider(ws.path());
    ws.set_cli_config(&format!(
        "provider_installation {{\n  dev_overrides {{\n    \"registry.terraform.io/chimesdk/chimesdk\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
        wrapper.display()
    ));
    ws
}

fn run_size(n: usize, rows: &mut Vec<Row>) {
    let scratch = tempfile::tempdir().unwrap();
    let log = scratch.path().join("launches.log");
    // The provider's resources.
    let env = Env::new();
    let shared = env.aws.create_stream("chime-messaging-shared", 2, true);
    let mut apps = vec![env.app.clone()];
    for i in 1..n {
        apps.push(env.aws.create_app_instance(&format!("tenant-{i}")));
    }
    let ws = workspace(&log);
    let mut tf = env.provider();
    for (i, app) in apps.iter().enumerate() {
        tf += &format!(
            "\nresource \"chimesdk_messaging_streaming_configuration\" \"tenant_{i}\" {{\n  app_instance_arn = \"{app}\"\n{}}}\n",
            referenced("ChannelMessage", &shared)
        );
    }
    ws.write("main.tf", &tf);
    let e = Some(&env);
    rows.push(measure(
        &ws,
        e,
        &log,
        n,
        "chimesdk",
        "validate",
        &["validate", "-no-color"],
    ));
    rows.push(measure(
        &ws,
        e,
        &log,
        n,
        "chimesdk",
        "plan",
        &["plan", "-input=false", "-no-color", "-detailed-exitcode"],
    ));
    ws.apply().assert_ok();
    rows.push(measure(
        &ws,
        e,
        &log,
        n,
        "chimesdk",
        "no-op apply",
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    ));

    // The floor: Terraform with terraform_data resources only.
    let base = workspace(&log);
    let tf: String = (0..n)
        .map(|i| format!("resource \"terraform_data\" \"tenant_{i}\" {{\n  input = \"arn:aws:chime:us-east-1:123456789012:app-instance/{i}\"\n}}\n"))
        .collect();
    base.write("main.tf", &tf);
    rows.push(measure(
        &base,
        None,
        &log,
        n,
        "terraform_data",
        "validate",
        &["validate", "-no-color"],
    ));
    rows.push(measure(
        &base,
        None,
        &log,
        n,
        "terraform_data",
        "plan",
        &["plan", "-input=false", "-no-color", "-detailed-exitcode"],
    ));
    base.apply().assert_ok();
    rows.push(measure(
        &base,
        None,
        &log,
        n,
        "terraform_data",
        "no-op apply",
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    ));
}

fn main() {
    if let Some(log) = std::env::var_os(LAUNCH_LOG) {
        run_as_provider(log);
    }
    let mut rows = Vec::new();
    for n in sizes() {
        run_size(n, &mut rows);
    }
    println!(
        "\nTerraform {} with the provider vs terraform_data, resources sharing one stream ({} cores)\n",
        std::process::Command::new("terraform")
            .arg("version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .to_string())
            .unwrap_or_default(),
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    println!(
        "| resources | provider | command | wall s | CPU s (all) | Terraform CPU s | provider CPU s | provider CPU % | launches | provider peak RSS MB | API calls |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for r in &rows {
        let provider = r.provider.cpu.as_secs_f64();
        let total = r.total_cpu.as_secs_f64().max(provider);
        let calls = if r.calls.is_empty() {
            "-".to_string()
        } else {
            r.calls
                .iter()
                .map(|(op, n)| format!("{op} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!(
            "| {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.1} % | {} | {} | {} |",
            r.resources,
            r.kind,
            r.command,
            r.wall.as_secs_f64(),
            total,
            total - provider,
            provider,
            if total > 0.0 {
                100.0 * provider / total
            } else {
                0.0
            },
            r.provider.count,
            if r.provider.count > 0 {
                format!("{:.1}", r.provider.peak_rss_kib as f64 / 1024.0)
            } else {
                "-".into()
            },
            calls,
        );
    }
    println!(
        "\nTerraform generates an mTLS certificate per provider launch (about 18 ms of its own CPU each, \
         measured by the issue's author): part of \"Terraform CPU\", not the provider's."
    );
}
