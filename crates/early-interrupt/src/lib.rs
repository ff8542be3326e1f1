//! SIGINT's disposition from the process's first instruction to the moment
//! its real handler (tokio's) exists: "note it in a flag", never "terminate".
//!
//! Terraform sends SIGINT to its whole process group on Ctrl-C and launches
//! providers all the time, so one that is microseconds old gets it too. The
//! binaries install this from a loader constructor (`.init_array` on Linux,
//! `__mod_init_func` on macOS), which runs before Rust's runtime init and
//! `main`; `main` claims it, or takes SIGINT over itself as its first
//! statement where no constructor ran. What remains is the kernel's `exec`
//! and the dynamic loader, before any of our code exists (docs/decisions.md).

#[cfg(unix)]
use std::sync::atomic::{AtomicBool, Ordering};
#[cfg(unix)]
use std::sync::{Arc, Mutex};

/// SIGINT noted in a flag: no runtime, no logging, one allocation.
#[cfg(unix)]
pub struct EarlyInterrupt {
    seen: Arc<AtomicBool>,
    action: Option<signal_hook::SigId>,
}

/// The take-over made by the loader constructor, waiting for `main`.
#[cfg(unix)]
static BEFORE_MAIN: Mutex<Option<EarlyInterrupt>> = Mutex::new(None);

/// For a binary's loader constructor: takes SIGINT over before Rust's
/// runtime init and `main` run, for `EarlyInterrupt::claim` to find.
#[cfg(unix)]
pub extern "C" fn take_over_before_main() {
    let early = EarlyInterrupt::take_over();
    if let Ok(mut slot) = BEFORE_MAIN.lock() {
        *slot = Some(early);
    }
}

#[cfg(unix)]
impl EarlyInterrupt {
    /// The take-over the loader constructor made, or, where none ran, one
    /// made now. Call it as the first statement of `main`.
    pub fn claim() -> Self {
        let made_before_main = BEFORE_MAIN.lock().ok().and_then(|mut slot| slot.take());
        made_before_main.unwrap_or_else(Self::take_over)
    }

    /// Replaces SIGINT's default action with "note it in a flag".
    fn take_over() -> Self {
        let seen = Arc::new(AtomicBool::new(false));
        // signal-hook's registry is the one tokio registers with too, so
        // the process-wide handler stays installed when tokio's arrives.
        let action = signal_hook::flag::register(signal_hook::consts::SIGINT, seen.clone()).ok();
        Self { seen, action }
    }

    /// Whether a SIGINT has arrived since the take-over.
    pub fn seen(&self) -> bool {
        self.seen.load(Ordering::SeqCst)
    }

    /// Call once another handler (tokio's) owns SIGINT: drops the flag
    /// action, with no moment of the default action in between, and says
    /// whether a SIGINT came before. Without this call the flag action
    /// stays for the process's life.
    pub fn hand_over(mut self) -> bool {
        if let Some(id) = self.action.take() {
            signal_hook::low_level::unregister(id);
        }
        self.seen()
    }
}

/// On Windows a console Ctrl-C is taken over with the rest of the signals.
#[cfg(windows)]
pub struct EarlyInterrupt;

#[cfg(windows)]
impl EarlyInterrupt {
    pub fn claim() -> Self {
        Self
    }

    pub fn seen(&self) -> bool {
        false
    }

    pub fn hand_over(self) -> bool {
        false
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_sigint_after_the_take_over_is_noted_not_fatal() {
        let early = EarlyInterrupt::claim();
        assert!(!early.seen());
        signal_hook::low_level::raise(signal_hook::consts::SIGINT).unwrap();
        assert!(early.seen(), "the flag did not note the SIGINT");
        assert!(early.hand_over());
    }
}
