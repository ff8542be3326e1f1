//! A Ctrl-C in a process's first milliseconds: Terraform sends SIGINT to its
//! whole process group and launches providers all the time, so a provider
//! (or a `chimesdk-local` started next to it) can be microseconds old when
//! one arrives. Neither may die of it.

use test_support::plugin_client;
use test_support::signals;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use plugin_client::{client_config, client_identity, schema_call};
use signals::{sigint_after_runtime_init, signal_bit, spread};

#[tokio::test]
async fn the_provider_neither_dies_nor_stops() {
    // Before SIGINT was taken over ahead of `main`, the launches within
    // 0.4 ms of runtime init died (7 of these 60).
    const TRIES: u32 = 60;
    let binary = env!("CARGO_BIN_EXE_terraform-provider-chimesdk");
    let mut failed = Vec::new();
    for delay in spread(TRIES) {
        let (pem, der, key) = client_identity();
        let launched = plugin_client::launch_plugin(Command::new(binary), &pem);
        let caught_at_init = sigint_after_runtime_init(launched.pid(), delay);
        assert!(
            caught_at_init & signal_bit(Signal::SIGINT as i32) != 0,
            "SIGINT still had its default action when Rust's runtime init ran"
        );
        let outcome = match launched.handshake() {
            Err(e) => Err(e),
            Ok(mut plugin) => {
                let config = client_config(&plugin.server_cert, Some((der, key)));
                let outcome = match schema_call(&plugin, config).await {
                    Err(e) => Err(format!("no schema after the handshake: {e}")),
                    Ok(()) => match plugin.child.try_wait().unwrap() {
                        Some(status) => Err(format!("ended after serving ({status})")),
                        None => Ok(()),
                    },
                };
                // A clean stop is another test's subject (and a SIGTERM stop
                // takes 0.5 s here); the socket directory goes with `plugin`.
                plugin.child.kill().unwrap();
                plugin.child.wait().unwrap();
                outcome
            }
        };
        if let Err(e) = outcome {
            failed.push(format!("SIGINT {delay:?} after runtime init: {e}"));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {TRIES} providers did not survive an early Ctrl-C:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

#[test]
fn chimesdk_local_stops_cleanly() {
    // Ctrl-C means stop for the local endpoint, at any moment: it still
    // announces its address (a script waiting for the line is not left
    // hanging) and exits 0, never killed by the signal.
    const TRIES: u32 = 30;
    let mut failed = Vec::new();
    for delay in spread(TRIES) {
        let mut child = Command::new(test_support::paths::workspace_binary("chimesdk-local"))
            // Never reached: no event is raised before it stops.
            .args(["--kinesis-endpoint", "http://127.0.0.1:9"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        sigint_after_runtime_init(child.id(), delay);
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if started.elapsed() > Duration::from_secs(10) {
                child.kill().unwrap();
                child.wait().unwrap();
                break None;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        match status {
            Some(status) if status.success() && line.starts_with("http://127.0.0.1:") => {}
            Some(status) => failed.push(format!(
                "SIGINT {delay:?} after runtime init: {status}, first line {line:?}"
            )),
            None => failed.push(format!(
                "SIGINT {delay:?} after runtime init: still running 10 s later"
            )),
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {TRIES} chimesdk-local processes did not stop cleanly:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
