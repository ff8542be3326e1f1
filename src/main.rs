//! The provider binary: Terraform launches it; `--debug` runs it by hand.
// One `unsafe` attribute: the loader constructor below (`link_section`).
#![deny(unsafe_code)]

use std::process::ExitCode;
use std::sync::Arc;

use chimesdk_provider::provider::{ChimeSdkProvider, PRODUCT};
use tfplugin::plugin::{self, EarlyInterrupt, ProcessSignals, ServeError, ServeOptions, handshake};

/// Takes SIGINT over before Rust's runtime init and `main`: Terraform sends
/// SIGINT to its whole process group on Ctrl-C, and this process may be
/// microseconds old. The loader runs the functions in this section; naming
/// a section is the only unsafe thing here (it must hold function pointers).
#[cfg(any(target_os = "linux", target_os = "macos"))]
#[used]
#[allow(unsafe_code)]
#[cfg_attr(target_os = "linux", unsafe(link_section = ".init_array"))]
#[cfg_attr(target_os = "macos", unsafe(link_section = "__DATA,__mod_init_func"))]
static TAKE_OVER_SIGINT_BEFORE_MAIN: extern "C" fn() =
    plugin::early_interrupt::take_over_before_main;

fn main() -> ExitCode {
    // First, before anything else (where no constructor ran, this is it).
    let early_interrupt = EarlyInterrupt::claim();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--version" || a == "-v") {
        println!("{} {}", PRODUCT.binary, PRODUCT.version);
        return ExitCode::SUCCESS;
    }
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{}", PRODUCT.not_a_command());
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
    // Before logging or the handshake: SIGTERM and SIGHUP, and tokio's
    // SIGINT handler in place of the early one.
    let signals = {
        let _in_runtime = runtime.enter();
        ProcessSignals::install(early_interrupt)
    };
    plugin::logging::init(&PRODUCT);
    let opts = ServeOptions {
        debug,
        product: PRODUCT,
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
            eprintln!("{}", PRODUCT.not_a_command());
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("terraform-provider-chimesdk: {e}");
            ExitCode::FAILURE
        }
    }
}
