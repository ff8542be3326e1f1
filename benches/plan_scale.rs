//! The provider at scale, measured the way a pipeline runs it: the real
//! `terraform` (validate, plan, and an apply with nothing to change) for
//! 1, 50 and 500 `chimesdk_messaging_streaming_configuration` resources
//! that share one stream, against moto and chimesdk-local, next to the same
//! number of `terraform_data` resources (Terraform alone: the floor).
//!
//! Each provider launch runs under GNU time, so its CPU time and peak RSS
//! are its own; Terraform's CPU is what is left of the run's. API calls are
//! counted by the recording proxies in front of moto and chimesdk-local.
//! Prints a table; run with `scripts/bench plan-scale`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use support::Workspace;
use support::env::{Env, referenced};

/// Resource counts; CHIMESDK_BENCH_SIZES="500" runs one.
fn sizes() -> Vec<usize> {
    std::env::var("CHIMESDK_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 50, 500])
}

/// User + system CPU of this process's waited-for children (terraform and,
/// through it, every provider it launched and waited for).
fn children_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the command name (which may hold spaces) in parentheses.
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    let ticks: u64 = fields[13].parse::<u64>().unwrap() + fields[14].parse::<u64>().unwrap();
    Duration::from_secs_f64(ticks as f64 / 100.0)
}

/// A dev_overrides directory whose provider is the real binary under GNU
/// time, appending "user system maxrss_kb" per launch to `log`.
fn timed_provider(dir: &Path, log: &Path) -> PathBuf {
    let real = env!("CARGO_BIN_EXE_terraform-provider-chimesdk");
    let wrapper_dir = dir.join("timed-provider");
    std::fs::create_dir_all(&wrapper_dir).unwrap();
    let wrapper = wrapper_dir.join("terraform-provider-chimesdk");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nexec /usr/bin/time -a -o '{}' -f '%U %S %M' {} '{real}' \"$@\"\n",
            log.display(),
            // A profiler to run the provider under, e.g.
            // "valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p".
            std::env::var("CHIMESDK_BENCH_PROVIDER_UNDER").unwrap_or_default()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
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
        let f: Vec<&str> = line.split_whitespace().collect();
        // GNU time prints "Command exited with non-zero status" lines too.
        let (Some(u), Some(s), Some(m)) = (
            f.first().and_then(|v| v.parse::<f64>().ok()),
            f.get(1).and_then(|v| v.parse::<f64>().ok()),
            f.get(2).and_then(|v| v.parse::<u64>().ok()),
        ) else {
            continue;
        };
        l.count += 1;
        l.cpu += Duration::from_secs_f64(u + s);
        l.peak_rss_kib = l.peak_rss_kib.max(m);
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
    let cpu_before = children_cpu();
    let started = Instant::now();
    let run = ws.run(args);
    let wall = started.elapsed();
    assert!(
        run.code == 0 || run.code == 2,
        "terraform {args:?} failed:\n{}",
        run.output()
    );
    let total_cpu = children_cpu() - cpu_before;
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
    let wrapper = timed_provider(ws.path(), log);
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
    assert!(
        Path::new("/usr/bin/time").exists(),
        "GNU time is needed (Debian: apt-get install time); scripts/bench installs it"
    );
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
