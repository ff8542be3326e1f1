//! Tests that skip themselves (opt-in ones: real AWS, other platforms'
//! binaries) say so in one line that `scripts/test` counts as skipped, not
//! passed: `SKIPPED <test>: <why>`.

/// Says that the running test skipped itself and why. Written to stderr
/// directly: the harness captures `eprintln!`, and a skip must be seen.
pub fn skipped(why: &str) {
    use std::io::Write;
    let current = std::thread::current();
    let test = current.name().unwrap_or("a test");
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}
