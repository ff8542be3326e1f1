//! How long after `exec` a Ctrl-C still kills the release provider: SIGINT
//! at a spread of delays after the launch returns (as the issue measured it)
//! and after Rust's runtime init (as `tests/early_ctrl_c.rs` does), counting
//! the launches that die. Prints a table; run with `scripts/bench ctrl-c`.
//!
//! What dies after `exec` returns but before the binary's constructor takes
//! SIGINT over is the kernel's and the dynamic loader's time, which no code
//! of ours can shorten (contributing/decisions.md, "Ctrl-C before main").

use test_support::plugin_client;
use test_support::signals;

use std::process::Command;
use std::time::{Duration, Instant};

use nix::sched::{CpuSet, sched_setaffinity};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

const LAUNCHES_PER_DELAY: u32 = 20;
const DELAYS_US: [u64; 9] = [0, 100, 250, 500, 750, 1000, 1500, 2000, 3500];

fn pin(pid: Pid, cpu: usize) {
    let mut set = CpuSet::new();
    set.set(cpu).unwrap();
    // Best effort: a one-CPU machine measures unpinned.
    let _ = sched_setaffinity(pid, &set);
}

/// Launches, waits for `start` to say the clock starts, spins `delay`,
/// sends SIGINT; whether the provider then died without a handshake.
fn died(bin: &std::path::Path, pem: &str, delay: Duration, start: fn(u32)) -> bool {
    let launched = plugin_client::launch_plugin(Command::new(bin), pem);
    let pid = launched.pid();
    // The launcher on CPU 0 and the provider on CPU 1: spinning here must
    // not delay the process it measures.
    pin(Pid::from_raw(pid as i32), 1);
    start(pid);
    let t0 = Instant::now();
    while t0.elapsed() < delay {
        std::hint::spin_loop();
    }
    kill(Pid::from_raw(pid as i32), Signal::SIGINT).unwrap();
    launched.handshake().is_err()
}

fn main() {
    let bin = plugin_client::release_binary();
    pin(Pid::from_raw(0), 0);
    let (pem, _, _) = plugin_client::client_identity();
    println!(
        "SIGINT to {} ({LAUNCHES_PER_DELAY} launches per delay); died / launches",
        bin.display()
    );
    println!();
    println!("| delay    | after exec returned | after Rust runtime init |");
    println!("|----------|---------------------|-------------------------|");
    for us in DELAYS_US {
        let delay = Duration::from_micros(us);
        let count = |start: fn(u32)| {
            (0..LAUNCHES_PER_DELAY)
                .filter(|_| died(&bin, &pem, delay, start))
                .count()
        };
        let after_exec = count(|_| {});
        let after_init = count(|pid| {
            signals::wait_for_rust_runtime_init(pid);
        });
        println!(
            "| {:>5.2} ms | {after_exec:>10} / {LAUNCHES_PER_DELAY:<6} | {after_init:>14} / {LAUNCHES_PER_DELAY:<6} |",
            us as f64 / 1000.0
        );
    }
}
