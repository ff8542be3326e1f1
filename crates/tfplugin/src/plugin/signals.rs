//! Process signals: what SIGINT, SIGTERM and SIGHUP mean to the plugin
//! process, taken over before the handshake line (SIGINT even before
//! `main`, see `early_interrupt`), so that no signal can arrive while its
//! default action (terminate, leaving the socket directory behind) is still
//! in force.

#[cfg(unix)]
use tokio::signal::unix::{Signal, SignalKind, signal};

use super::early_interrupt::EarlyInterrupt;

/// The signals the plugin process handles. Creating it replaces the default
/// dispositions of SIGINT, SIGTERM and SIGHUP for the rest of the process's
/// life; a signal that arrives before the serve loop looks is kept and seen
/// on its first poll.
#[cfg(unix)]
pub struct ProcessSignals {
    interrupt: Option<Signal>,
    terminate: Option<Signal>,
    hangup: Option<Signal>,
    /// A SIGINT came before tokio's handler was installed.
    early_interrupt: bool,
}

/// On Windows only Ctrl-C (Ctrl-Break) reaches a console process; Terraform
/// stops the provider through Shutdown, or by ending the process.
#[cfg(windows)]
pub struct ProcessSignals {
    interrupt: Option<tokio::signal::windows::CtrlC>,
}

/// What the serve loop should do about a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalAction {
    /// SIGTERM or SIGHUP (or SIGINT in debug mode): stop and clean up.
    Stop(&'static str),
    /// SIGINT outside debug mode: Terraform sends it to the whole process
    /// group on Ctrl-C and then stops providers itself (StopProvider,
    /// Shutdown), so go-plugin ignores it; so do we.
    Ignore,
}

#[cfg(unix)]
impl ProcessSignals {
    /// Must run inside a tokio runtime with the I/O driver enabled. A signal
    /// whose handler cannot be installed keeps its default action (SIGINT:
    /// the early flag's). A SIGINT the early flag saw is reported by the
    /// first `next`.
    pub fn install(early: EarlyInterrupt) -> Self {
        let interrupt = signal(SignalKind::interrupt()).ok();
        // Without tokio's handler the flag action stays: dropping
        // `EarlyInterrupt` does not unregister it.
        let early_interrupt = if interrupt.is_some() {
            early.hand_over()
        } else {
            early.seen()
        };
        Self {
            interrupt,
            terminate: signal(SignalKind::terminate()).ok(),
            hangup: signal(SignalKind::hangup()).ok(),
            early_interrupt,
        }
    }

    /// Waits for the next signal and says what it means in this mode.
    pub async fn next(&mut self, debug: bool) -> SignalAction {
        if std::mem::take(&mut self.early_interrupt) {
            return if debug {
                SignalAction::Stop("SIGINT")
            } else {
                SignalAction::Ignore
            };
        }
        tokio::select! {
            Some(()) = recv(&mut self.terminate) => SignalAction::Stop("SIGTERM"),
            Some(()) = recv(&mut self.hangup) => SignalAction::Stop("SIGHUP"),
            Some(()) = recv(&mut self.interrupt) => {
                if debug { SignalAction::Stop("SIGINT") } else { SignalAction::Ignore }
            }
        }
    }
}

#[cfg(unix)]
async fn recv(signal: &mut Option<Signal>) -> Option<()> {
    match signal {
        Some(s) => s.recv().await,
        None => std::future::pending().await,
    }
}

#[cfg(windows)]
impl ProcessSignals {
    pub fn install(_early: EarlyInterrupt) -> Self {
        Self {
            interrupt: tokio::signal::windows::ctrl_c().ok(),
        }
    }

    /// Ctrl-C: ignored as go-plugin does, except in debug mode.
    pub async fn next(&mut self, debug: bool) -> SignalAction {
        loop {
            let got = match &mut self.interrupt {
                Some(s) => s.recv().await,
                None => std::future::pending().await,
            };
            if got.is_some() {
                return if debug {
                    SignalAction::Stop("Ctrl-C")
                } else {
                    SignalAction::Ignore
                };
            }
        }
    }
}
