//! Signals at a precise moment of a process's start, and what it catches
//! (/proc/PID/status). Included with `#[path]`.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

/// The signals whose handler is installed (SigCgt in /proc/PID/status).
pub fn caught_signals(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let mask = status
        .lines()
        .find_map(|l| l.strip_prefix("SigCgt:"))
        .unwrap()
        .trim();
    u64::from_str_radix(mask, 16).unwrap()
}

pub fn signal_bit(signal: i32) -> u64 {
    1 << (signal - 1)
}

/// Waits until Rust's runtime init has run in `pid` and returns the signals
/// it catches then. std installs its SIGSEGV handler (stack-overflow
/// reports) there, right before `main`. A signal that comes earlier, while
/// the kernel's exec or the dynamic loader runs, kills any process whatever
/// its first line does (docs/decisions.md, "Ctrl-C before main"), so that
/// is where a test's clock can start.
pub fn wait_for_rust_runtime_init(pid: u32) -> u64 {
    let started = Instant::now();
    loop {
        let caught = caught_signals(pid);
        if caught & signal_bit(Signal::SIGSEGV as i32) != 0 {
            return caught;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "process {pid} never reached Rust's runtime init"
        );
    }
}

/// Sends SIGINT `delay` after the Rust runtime init of a process just
/// launched, as a user's Ctrl-C reaches every process in Terraform's group,
/// and returns the signals the process caught at runtime init. Spins rather
/// than sleeps: a sleep's wake-up is late by more than these delays.
pub fn sigint_after_runtime_init(pid: u32, delay: Duration) -> u64 {
    let caught = wait_for_rust_runtime_init(pid);
    let started = Instant::now();
    while started.elapsed() < delay {
        std::hint::spin_loop();
    }
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), Signal::SIGINT).unwrap();
    caught
}

/// 0 to 3.5 ms in `tries` even steps, the first with no wait at all.
pub fn spread(tries: u32) -> impl Iterator<Item = Duration> {
    (0..tries).map(move |i| Duration::from_micros(3500) * i / (tries - 1))
}
