//! Start-up, schema latency and idle memory of the release provider binary,
//! measured the way Terraform uses it (cookie, client certificate, mutual
//! TLS on a unix socket). Prints a table; run with `scripts/bench`.
//!
//! Targets (issue "at scale"): exec -> handshake line median < 2 ms;
//! GetProviderSchema round trip < 1 ms; idle RSS < 8 MB; stripped binary
//! < 12 MB.

use test_support::plugin_client;

use std::time::{Duration, Instant};

use tfplugin::proto::tfplugin6::get_provider_schema;
use tfplugin::proto::tfplugin6::provider_client::ProviderClient;

const STARTS: usize = 60;
const SCHEMA_CALLS: usize = 1000;
const RSS_SAMPLES: usize = 10;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let bin = plugin_client::release_binary();
    let (pem, der, key) = plugin_client::client_identity();

    // 1. exec -> handshake line.
    let mut starts = Vec::new();
    for _ in 0..STARTS {
        let t0 = Instant::now();
        let mut plugin = plugin_client::start_plugin(&bin, &pem);
        starts.push(t0.elapsed().as_secs_f64() * 1000.0);
        plugin.stop();
    }
    starts.sort_by(f64::total_cmp);

    // The floor under the handshake on this machine: a process that does
    // nothing (`true`), and this binary doing nothing but print its version
    // (exec, dynamic loading and page faults of its size, no runtime).
    let exec_to_exit = |program: &std::path::Path, args: &[&str]| {
        let mut v: Vec<f64> = (0..STARTS)
            .map(|_| {
                let t0 = Instant::now();
                let status = std::process::Command::new(program)
                    .args(args)
                    .stdout(std::process::Stdio::null())
                    .status()
                    .expect("running the floor process");
                assert!(status.success(), "{} failed", program.display());
                t0.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let true_floor = exec_to_exit(std::path::Path::new("true"), &[]);
    let version_floor = exec_to_exit(&bin, &["--version"]);

    // 2. GetProviderSchema round trips and 3. idle RSS.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut rss = Vec::new();
    let mut calls = Vec::new();
    for sample in 0..RSS_SAMPLES {
        let mut plugin = plugin_client::start_plugin(&bin, &pem);
        rt.block_on(async {
            let ch = plugin_client::channel(
                &plugin,
                plugin_client::client_config(&plugin.server_cert, Some((der.clone(), key.clone()))),
            )
            .await
            .unwrap();
            let mut client = ProviderClient::new(ch);
            let n = if sample == 0 { SCHEMA_CALLS } else { 1 };
            for i in 0..n + 20 {
                let t0 = Instant::now();
                client
                    .get_provider_schema(get_provider_schema::Request {})
                    .await
                    .unwrap();
                if i >= 20 {
                    calls.push(t0.elapsed().as_secs_f64() * 1000.0);
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        });
        rss.push(rss_kib(plugin.child.id()) as f64 / 1024.0);
        plugin.stop();
    }
    calls.sort_by(f64::total_cmp);
    rss.sort_by(f64::total_cmp);
    let size_bytes = std::fs::metadata(&bin).map(|m| m.len()).unwrap_or(0);
    let size_mb = size_bytes as f64 / 1_048_576.0;

    println!(
        "terraform-provider-chimesdk {} ({}), {} CPUs",
        env!("CARGO_PKG_VERSION"),
        bin.display(),
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    println!();
    println!(
        "| metric                                   | samples | median   | p90      | max      | target   | ok  |"
    );
    println!(
        "|------------------------------------------|---------|----------|----------|----------|----------|-----|"
    );
    let row = |name: &str, v: &[f64], unit: &str, target: f64| {
        let med = percentile(v, 0.5);
        println!(
            "| {name:<40} | {:>7} | {:>6.3}{unit} | {:>6.3}{unit} | {:>6.3}{unit} | < {target:>3}{unit} | {:<3} |",
            v.len(),
            med,
            percentile(v, 0.9),
            v[v.len() - 1],
            if med < target { "yes" } else { "NO" }
        );
    };
    let floor = |name: &str, v: &[f64]| {
        println!(
            "| {name:<40} | {:>7} | {:>6.3}ms | {:>6.3}ms | {:>6.3}ms | floor    | -   |",
            v.len(),
            percentile(v, 0.5),
            percentile(v, 0.9),
            v[v.len() - 1],
        );
    };
    floor("exec -> exit of `true`", &true_floor);
    floor("exec -> exit of this binary's --version", &version_floor);
    row("exec -> handshake line (mTLS)", &starts, "ms", 2.0);
    row("GetProviderSchema round trip (mTLS)", &calls, "ms", 1.0);
    row("idle resident memory after handshake", &rss, "MB", 8.0);
    println!();
    println!(
        "binary size: {size_mb:.1} MB ({size_bytes} B; stripped, release; target < 12 MB: {})",
        if size_mb < 12.0 { "yes" } else { "NO" }
    );
}
