//! The `timeouts` block convention: Go-style durations ("10m", "1h30m"),
//! the block a resource declares with its defaults, and the `Deadline` an
//! operation gets from it.

use std::time::Duration;

use tokio::time::Instant;

use super::duration::parse_duration;
use super::schema::{Attribute, Block, NestedBlock, Nesting};
use super::validators::duration_at_most;
use crate::value::Value;

/// An operation a `timeouts` block can limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Create,
    Read,
    Update,
    Delete,
}

impl Op {
    /// The attribute's name in the `timeouts` block.
    pub fn name(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Read => "read",
            Op::Update => "update",
            Op::Delete => "delete",
        }
    }
}

/// The `timeouts` block for operations with these defaults.
pub fn timeouts_block(defaults: &[(Op, &str)]) -> NestedBlock {
    let mut block =
        Block::new("How long apply may wait for each operation, as Go durations (`10m`, `1h30m`).");
    for (op, default) in defaults {
        let name = op.name();
        block = block.attribute(
            Attribute::string(name)
                .optional()
                .describe(&format!("Limit for {name}. Default `{default}`."))
                .validate(duration_at_most(MAX_OPERATION_TIMEOUT)),
        );
    }
    NestedBlock::new("timeouts", Nesting::Single, block)
}

/// The time budget for `op` in a resource value (its `timeouts` block), or
/// the declared default. A state written before durations were bounded may
/// hold any value: one that does not parse or is too long counts as unset.
pub fn operation_timeout(value: &Value, op: Op, defaults: &[(Op, &str)]) -> Duration {
    let configured = value
        .get_attr("timeouts")
        .and_then(|t| t.get_attr(op.name()))
        .and_then(Value::as_str)
        .and_then(|s| parse_duration(s).ok())
        .filter(|d| *d <= MAX_OPERATION_TIMEOUT);
    configured.unwrap_or_else(|| {
        defaults
            .iter()
            .find(|(o, _)| *o == op)
            .and_then(|(_, d)| parse_duration(d).ok())
            .unwrap_or(DEFAULT_OPERATION_TIMEOUT)
    })
}

/// For an operation a resource declares no default for.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// An operation's time budget, shared by all of its waits.
#[derive(Debug, Clone)]
pub struct Deadline {
    at: Instant,
    total: Duration,
    op: Op,
}

impl Deadline {
    pub fn new(op: Op, total: Duration) -> Self {
        Self {
            at: Instant::now() + total.min(MAX_OPERATION_TIMEOUT),
            total,
            op,
        }
    }

    /// The budget for `op` from a resource value's `timeouts` block, or
    /// the declared default (see `operation_timeout`).
    pub fn for_operation(value: &Value, op: Op, defaults: &[(Op, &str)]) -> Self {
        Self::new(op, operation_timeout(value, op, defaults))
    }

    pub fn op(&self) -> Op {
        self.op
    }

    /// When the budget runs out.
    pub fn at(&self) -> Instant {
        self.at
    }

    /// What is left, at least a second (a wait with no time cannot ask once).
    pub fn remaining(&self) -> Duration {
        self.at
            .saturating_duration_since(Instant::now())
            .max(Duration::from_secs(1))
    }

    /// The sentence a diagnostic adds when this budget ran out.
    pub fn ran_out(&self) -> String {
        let op = self.op.name();
        format!(
            "The {op} timeout of {}s ran out; raise `timeouts {{ {op} = \"...\" }}` if this is expected.",
            self.total.as_secs()
        )
    }
}

/// The longest operation timeout accepted (7 days): far beyond any cloud
/// wait, and far from the overflow of `Instant + Duration`.
pub const MAX_OPERATION_TIMEOUT: Duration = Duration::from_secs(7 * 24 * 3600);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operation_gets_its_configured_timeout_or_the_default() {
        let defaults = [(Op::Create, "10m"), (Op::Delete, "15m")];
        let value = |t: Value| Value::Object([("timeouts".to_string(), t)].into_iter().collect());
        let set = value(Value::Object(
            [
                ("create".to_string(), Value::String("90s".into())),
                ("delete".to_string(), Value::Null),
            ]
            .into_iter()
            .collect(),
        ));
        assert_eq!(
            operation_timeout(&set, Op::Create, &defaults),
            Duration::from_secs(90)
        );
        assert_eq!(
            operation_timeout(&set, Op::Delete, &defaults),
            Duration::from_secs(900)
        );
        assert_eq!(
            operation_timeout(&value(Value::Null), Op::Update, &defaults),
            DEFAULT_OPERATION_TIMEOUT
        );
        let huge = value(Value::Object(
            [(
                "create".to_string(),
                Value::String("18446744073709551616s".into()),
            )]
            .into_iter()
            .collect(),
        ));
        assert_eq!(
            operation_timeout(&huge, Op::Create, &defaults),
            Duration::from_secs(600),
            "an unbounded state value"
        );
        let d = Deadline::new(Op::Update, Duration::from_secs(5));
        assert!(d.remaining() <= Duration::from_secs(5));
        assert!(
            d.ran_out().contains("timeouts { update = \"...\" }"),
            "{}",
            d.ran_out()
        );
    }

    #[test]
    fn go_durations_parse() {
        assert_eq!(parse_duration("10m").unwrap(), Duration::from_secs(600));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert!(parse_duration("10").unwrap_err().contains("missing a unit"));
        assert!(parse_duration("10 minutes").is_err());
        assert!(parse_duration("").is_err());
        assert!(
            parse_duration("18446744073709551616s").is_err(),
            "no panic on overflow"
        );
        assert!(
            parse_duration("9000000000000000h").is_err(),
            "hours times 3600 overflow too"
        );
    }
}
