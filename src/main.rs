//! The provider binary: Terraform launches it; `--debug` runs it by hand.
#![forbid(unsafe_code)]

use std::process::ExitCode;
use std::sync::Arc;

use chimesdk_provider::plugin::{self, ProcessSignals, ServeError, ServeOptions, handshake};
use chimesdk_provider::provider::{ChimeSdkProvider, REGISTRY_ADDRESS};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--version" || a == "-v") {
        println!("terraform-provider-chimesdk {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{}", handshake::NOT_A_COMMAND);
        return ExitCode::SUCCESS;
    }
    let debug = args.iter().any(|a| a == "--debug");

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("terraform-provider-chimesdk: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    // First, before logging or the handshake: Terraform sends SIGINT to the
    // whole process group on Ctrl-C, possibly while we are still starting.
    let signals = {
        let _in_runtime = runtime.enter();
        ProcessSignals::install()
    };
    plugin::logging::init();
    let opts = ServeOptions {
        debug,
        address: REGISTRY_ADDRESS.to_string(),
    };
    let result = runtime.block_on(plugin::serve(
        Arc::new(ChimeSdkProvider::new()),
        opts,
        signals,
    ));
    // Do not wait for stray tasks (in-flight AWS calls) once Terraform is done.
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(ServeError::Handshake(handshake::HandshakeError::NotLaunchedByTerraform)) => {
            eprintln!("{}", handshake::NOT_A_COMMAND);
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("terraform-provider-chimesdk: {e}");
            ExitCode::FAILURE
        }
    }
}
