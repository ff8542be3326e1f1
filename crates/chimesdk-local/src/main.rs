//! `chimesdk-local`: the local Chime SDK identity + messaging endpoint.
// One `unsafe` attribute: the loader constructor below (`link_section`).
#![deny(unsafe_code)]

use std::process::ExitCode;

use chimesdk_local::{Config, serve};
use early_interrupt::EarlyInterrupt;

const USAGE: &str = "\
chimesdk-local: a local Amazon Chime SDK identity + messaging endpoint that streams events to Kinesis

usage: chimesdk-local --kinesis-endpoint URL [--listen 127.0.0.1:0] [--region us-east-1]
                      [--account-id 123456789012] [--state-file PATH]
                      [--max-connections 512] [--client-timeout 10] [--test-faults]
                      [--lambda-endpoint URL [--lambda-policy-endpoint URL]]

The first line on stdout is the address it listens on (port 0 = a free port).
--state-file keeps state in a SQLite database: every answered call, and the
events it raised until Kinesis accepts them, survive a kill -9.
--client-timeout SECONDS bounds how long a request head or body may take to
arrive (and how long an idle connection is kept); connections beyond
--max-connections wait to be accepted.
--lambda-endpoint is a Lambda Invoke API (AWS's, `sam local start-lambda`, any
server of the API): channel flow processors are invoked there, after their
resource policy (GetPolicy, at --lambda-policy-endpoint, by default the same)
is shown to let messaging.chime.amazonaws.com invoke them. Without it every
processor takes its FallbackAction.
--test-faults serves /_chimesdk-local/faults, where tests make a chosen
operation on a chosen ARN answer a chosen error (never for real use).
Stop it with Ctrl-C or SIGTERM.";

fn parse(args: &[String]) -> Result<Config, String> {
    let mut listen = "127.0.0.1:0".to_string();
    let mut kinesis = None;
    let mut region = "us-east-1".to_string();
    let mut account = "123456789012".to_string();
    let mut state_file = None;
    let mut limits = chimesdk_local::Limits::default();
    let mut test_faults = false;
    let mut lambda_invoke = None;
    let mut lambda_policy = None;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--listen" => listen = value()?,
            "--kinesis-endpoint" => kinesis = Some(value()?),
            "--region" => region = value()?,
            "--account-id" => account = value()?,
            "--state-file" => state_file = Some(value()?.into()),
            "--test-faults" => test_faults = true,
            "--lambda-endpoint" => lambda_invoke = Some(value()?),
            "--lambda-policy-endpoint" => lambda_policy = Some(value()?),
            "--max-connections" => {
                let v = value()?;
                limits.max_connections = v.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    format!("--max-connections {v:?} is not a positive whole number")
                })?;
            }
            "--client-timeout" => {
                let v = value()?;
                let secs: f64 = v
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s <= 3600.0)
                    .ok_or_else(|| {
                        format!("--client-timeout {v:?} is not a number of seconds from 0 to 3600")
                    })?;
                limits.client_timeout = std::time::Duration::from_secs_f64(secs);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "--account-id {account:?} is not a 12-digit account ID"
        ));
    }
    Ok(Config {
        listen: listen
            .parse()
            .map_err(|e| format!("--listen {listen:?}: {e}"))?,
        kinesis_endpoint: kinesis.ok_or("--kinesis-endpoint is required")?,
        region,
        account_id: account,
        state_file,
        limits,
        test_faults,
        lambda: match (lambda_invoke, lambda_policy) {
            (Some(invoke), policy) => Some(chimesdk_local::LambdaEndpoints {
                policy: policy.unwrap_or_else(|| invoke.clone()),
                invoke,
            }),
            (None, Some(_)) => {
                return Err("--lambda-policy-endpoint needs --lambda-endpoint".into());
            }
            (None, None) => None,
        },
    })
}

/// Takes SIGINT over before Rust's runtime init and `main`, so a Ctrl-C in
/// the first milliseconds stops the endpoint cleanly (through `serve`'s
/// shutdown) instead of killing it. Naming a section is the only unsafe
/// thing here (the loader runs the function pointers it holds).
#[cfg(any(target_os = "linux", target_os = "macos"))]
#[used]
#[allow(unsafe_code)]
#[cfg_attr(target_os = "linux", unsafe(link_section = ".init_array"))]
#[cfg_attr(target_os = "macos", unsafe(link_section = "__DATA,__mod_init_func"))]
static TAKE_OVER_SIGINT_BEFORE_MAIN: extern "C" fn() = early_interrupt::take_over_before_main;

fn main() -> ExitCode {
    // First (where no constructor ran, this is the take-over).
    let early_interrupt = EarlyInterrupt::claim();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let config = match parse(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("chimesdk-local: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    chimesdk_local::logging::init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result = runtime.block_on(serve(config, async {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        let mut interrupt = signal(SignalKind::interrupt()).expect("SIGINT handler");
        // tokio owns SIGINT now; a Ctrl-C that came before it means stop.
        if early_interrupt.hand_over() {
            return;
        }
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = term.recv() => {}
        }
    }));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("chimesdk-local: {e}");
            ExitCode::FAILURE
        }
    }
}
