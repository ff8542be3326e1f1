//! chimesdk-local's log: one line per event on stderr, at the level
//! CHIMESDK_LOCAL_LOG names (trace, debug, info, warn, error; default info).

use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

fn level(raw: &str) -> LevelFilter {
    match raw.trim().to_ascii_lowercase().as_str() {
        "trace" => LevelFilter::TRACE,
        "debug" => LevelFilter::DEBUG,
        "warn" => LevelFilter::WARN,
        "error" => LevelFilter::ERROR,
        _ => LevelFilter::INFO,
    }
}

/// Installs the global subscriber. Libraries (hyper, the AWS SDK) say only
/// warnings and errors unless trace is asked for.
pub fn init() {
    let ours = level(&std::env::var("CHIMESDK_LOCAL_LOG").unwrap_or_default());
    let libraries = if ours == LevelFilter::TRACE {
        LevelFilter::DEBUG
    } else {
        ours.min(LevelFilter::WARN)
    };
    let filter = Targets::new()
        .with_target("chimesdk_local", ours)
        .with_default(libraries);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_filter(filter);
    let _ = tracing_subscriber::registry().with(layer).try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_names_are_read_case_blind_and_default_to_info() {
        assert_eq!(level("DEBUG"), LevelFilter::DEBUG);
        assert_eq!(level(" warn "), LevelFilter::WARN);
        assert_eq!(level(""), LevelFilter::INFO);
        assert_eq!(level("loud"), LevelFilter::INFO);
    }
}
