//! Property-based fuzz targets on stable Rust (proptest): the runner with
//! its time budget, and the generic inputs (mutated bytes, text, JSON).

use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};

/// How long each target runs: `CHIMESDK_FUZZ_SECONDS` (10 by default; CI runs 30).
pub fn budget() -> Duration {
    let secs = std::env::var("CHIMESDK_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(10.0);
    Duration::from_secs_f64(secs)
}

/// Runs `check` on inputs from `strategy` until the budget is spent, in
/// rounds of fresh random seeds; panics with the shrunk input on failure.
pub fn fuzz<S: Strategy>(
    name: &str,
    strategy: S,
    check: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let budget = budget();
    let started = Instant::now();
    let mut cases = 0u64;
    while started.elapsed() < budget {
        let mut runner = TestRunner::new(Config {
            cases: 64,
            failure_persistence: None,
            ..Config::default()
        });
        match runner.run(&strategy, &check) {
            Ok(()) => cases += 64,
            Err(TestError::Fail(why, input)) => {
                panic!(
                    "fuzz target {name} failed after {cases} cases: {why}\nminimal input: {input:#?}"
                )
            }
            Err(TestError::Abort(why)) => panic!("fuzz target {name} aborted: {why}"),
        }
    }
    eprintln!(
        "fuzz {name}: {cases} cases in {:.1} s, no finding",
        started.elapsed().as_secs_f64()
    );
}

/// One change to a seed.
#[derive(Debug, Clone)]
pub enum Mutation {
    Flip(usize, u8),
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
    Truncate(usize),
    Repeat(usize, usize),
}

pub fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..9))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), 1usize..16).prop_map(|(i, n)| Mutation::Remove(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Repeat(i, n)),
    ]
}

pub fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len().max(1);
        match m {
            Mutation::Flip(i, bit) if !bytes.is_empty() => bytes[i % len] ^= 1 << bit,
            Mutation::Set(i, b) if !bytes.is_empty() => bytes[i % len] = *b,
            Mutation::Insert(i, b) => {
                let at = i % (bytes.len() + 1);
                bytes.splice(at..at, b.iter().copied());
            }
            Mutation::Remove(i, n) if !bytes.is_empty() => {
                let at = i % len;
                let end = (at + n).min(bytes.len());
                bytes.drain(at..end);
            }
            Mutation::Truncate(i) => bytes.truncate(i % (bytes.len() + 1)),
            Mutation::Repeat(i, n) if !bytes.is_empty() => {
                let at = i % len;
                let end = (at + n).min(bytes.len());
                let part = bytes[at..end].to_vec();
                bytes.splice(at..at, part);
            }
            _ => {}
        }
    }
    bytes
}

/// Random bytes, or a seed with a few mutations.
pub fn bytes_from(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let mutated = (
        prop::sample::select(seeds),
        prop::collection::vec(mutation(), 1..6),
    )
        .prop_map(|(seed, ms)| mutate(seed, &ms));
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..256),
        3 => mutated,
    ]
}

pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_:/\\-]{0,24}",
        "chime-messaging-[a-z0-9]{0,12}",
        "arn:aws:(kinesis|chime):us-east-1:123456789012:(stream/chime-messaging-x|app-instance/[a-z0-9]{1,8})",
        any::<String>(),
        (1usize..5000).prop_map(|n| "a".repeat(n)),
        "[0-9]{1,30}(s|m|h)?",
    ]
}

pub fn json_value(depth: u32) -> BoxedStrategy<serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        text().prop_map(serde_json::Value::String),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    prop_oneof![
        2 => leaf,
        1 => prop::collection::vec(json_value(depth - 1), 0..4).prop_map(serde_json::Value::Array),
        1 => prop::collection::btree_map(
            prop_oneof![text(), Just("streaming_configuration".to_string()), Just("stream".to_string()), Just("id".to_string())],
            json_value(depth - 1),
            0..5
        )
        .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
    ]
    .boxed()
}
