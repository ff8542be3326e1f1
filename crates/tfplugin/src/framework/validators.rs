//! Attribute validators: small values with one description, used both in the
//! generated docs and in error details. Null and unknown values are skipped
//! by the caller, so a validator only ever sees a known value.

use std::sync::{Arc, LazyLock, OnceLock};

use crate::value::Value;

pub trait Validator: Send + Sync {
    /// Markdown, e.g. "must be at least 2".
    fn description(&self) -> String;
    /// `Err(why)` when the value breaks the rule.
    fn check(&self, value: &Value) -> Result<(), String>;
}

struct OneOf(Vec<&'static str>);
struct StartsWith(&'static str);
/// The regex compiles on the first check, not when the schema is built: a
/// provider launch builds every schema but most launches check no value
/// against a pattern, and compiling them all was half of start-up's work.
struct RegexMatch {
    pattern: &'static str,
    compiled: OnceLock<regex_lite::Regex>,
    what: &'static str,
}
struct NotEmpty;
struct LengthBetween(usize, usize);
struct AtLeast(i64);
struct Between(i64, i64);
struct DurationAtMost(std::time::Duration);

/// Compiled on first use, for the same reason as [`RegexMatch`].
static GO_DURATION: LazyLock<regex_lite::Regex> = LazyLock::new(|| {
    regex_lite::Regex::new(r"^([0-9]+(\.[0-9]+)?(h|m|s|ms))+$").expect("constant regex")
});

pub fn one_of(values: &[&'static str]) -> Arc<dyn Validator> {
    Arc::new(OneOf(values.to_vec()))
}
pub fn starts_with(prefix: &'static str) -> Arc<dyn Validator> {
    Arc::new(StartsWith(prefix))
}
/// `pattern` must be a valid regex (debug builds, and so every test that
/// builds a schema, check it here); `what` says in words what it accepts.
pub fn regex_match(pattern: &'static str, what: &'static str) -> Arc<dyn Validator> {
    debug_assert!(
        regex_lite::Regex::new(pattern).is_ok(),
        "validator regex {pattern:?} does not compile"
    );
    Arc::new(RegexMatch {
        pattern,
        compiled: OnceLock::new(),
        what,
    })
}
pub fn not_empty() -> Arc<dyn Validator> {
    Arc::new(NotEmpty)
}
/// A string of `min` to `max` characters (Unicode scalar values, as the
/// service models count them).
pub fn length_between(min: usize, max: usize) -> Arc<dyn Validator> {
    Arc::new(LengthBetween(min, max))
}
pub fn at_least(min: i64) -> Arc<dyn Validator> {
    Arc::new(AtLeast(min))
}
pub fn between(min: i64, max: i64) -> Arc<dyn Validator> {
    Arc::new(Between(min, max))
}

/// A Go-style duration in hours, minutes, seconds or milliseconds (`10m`,
/// `1h30m`) of at most `max`: one rule, so one diagnostic per bad value.
pub fn duration_at_most(max: std::time::Duration) -> Arc<dyn Validator> {
    Arc::new(DurationAtMost(max))
}

fn quoted(list: &[&str]) -> String {
    list.iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn integer(value: &Value) -> Result<i64, String> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| format!("{n} is not a whole number")),
        _ => Err("expected a number".into()),
    }
}

impl Validator for OneOf {
    fn description(&self) -> String {
        format!("must be one of {}", quoted(&self.0))
    }
    fn check(&self, value: &Value) -> Result<(), String> {
        match value.as_str() {
            Some(s) if self.0.contains(&s) => Ok(()),
            Some(s) => Err(format!("{s:?} is not one of {}", quoted(&self.0))),
            None => Err("expected a string".into()),
        }
    }
}

impl Validator for StartsWith {
    fn description(&self) -> String {
        format!("must start with `{}`", self.0)
    }
    fn check(&self, value: &Value) -> Result<(), String> {
        match value.as_str() {
            Some(s) if s.starts_with(self.0) => Ok(()),
            Some(s) => Err(format!(
                "{s:?} does not start with {:?}; use a value that does, e.g. \"{}{s}\"",
                self.0, self.0
            )),
            None => Err("expected a string".into()),
        }
    }
}

impl RegexMatch {
    fn regex(&self) -> &regex_lite::Regex {
        self.compiled.get_or_init(|| {
            regex_lite::Regex::new(self.pattern).expect("validator regex is a constant")
        })
    }
}

impl Validator for RegexMatch {
    fn description(&self) -> String {
        self.what.to_string()
    }
    fn check(&self, value: &Value) -> Result<(), String> {
        match value.as_str() {
            Some(s) if self.regex().is_match(s) => Ok(()),
            Some(s) => Err(format!("{s:?} does not match: {}", self.what)),
            None => Err("expected a string".into()),
        }
    }
}

impl Validator for NotEmpty {
    fn description(&self) -> String {
        "must not be empty".into()
    }
    fn check(&self, value: &Value) -> Result<(), String> {
        match value.as_str() {
            Some(s) if !s.trim().is_empty() => Ok(()),
            Some(_) => Err("the value is empty".into()),
            None => Err("expected a string".into()),
        }
    }
}

impl Validator for LengthBetween {
    fn description(&self) -> String {
        match self.0 {
            0 => format!("must be at most {} characters", self.1),
            min => format!("must be {min}-{} characters", self.1),
        }
    }
    fn check(&self, value: &Value) -> Result<(), String> {
        let s = value.as_str().ok_or("expected a string")?;
        let n = s.chars().count();
        if (self.0..=self.1).contains(&n) {
            Ok(())
        } else {
            Err(format!(
                "the value is {n} characters long; it {}",
                self.description()
            ))
        }
    }
}

impl Validator for AtLeast {
    fn description(&self) -> String {
        format!("must be at least {}", self.0)
    }
    fn check(&self, value: &Value) -> Result<(), String> {
        let n = integer(value)?;
        if n >= self.0 {
            Ok(())
        } else {
            Err(format!("{n} is less than {}", self.0))
        }
    }
}

impl Validator for Between {
    fn description(&self) -> String {
        format!("must be between {} and {}", self.0, self.1)
    }
    fn check(&self, value: &Value) -> Result<(), String> {
        let n = integer(value)?;
        if (self.0..=self.1).contains(&n) {
            Ok(())
        } else {
            Err(format!("{n} is not between {} and {}", self.0, self.1))
        }
    }
}

/// A limit as a user writes it: `168h`, `30m`, `90s`.
fn written(d: std::time::Duration) -> String {
    match d.as_secs() {
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

impl Validator for DurationAtMost {
    fn description(&self) -> String {
        format!(
            "must be a duration such as `10m` or `1h30m`, at most {}",
            written(self.0)
        )
    }
    fn check(&self, value: &Value) -> Result<(), String> {
        let s = value.as_str().ok_or("expected a string")?;
        if !GO_DURATION.is_match(s) {
            return Err(format!(
                "{s:?} does not match: must be a duration such as `10m` or `1h30m`"
            ));
        }
        let d = super::duration::parse_duration(s)?;
        if d <= self.0 {
            Ok(())
        } else {
            Err(format!("{s:?} is longer than {}", written(self.0)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Number;

    #[test]
    fn validators_explain_the_failure() {
        let s = |v: &str| Value::String(v.into());
        let n = |v: i64| Value::Number(Number::Int(v));
        assert!(one_of(&["A", "B"]).check(&s("A")).is_ok());
        assert_eq!(
            one_of(&["A", "B"]).check(&s("C")).unwrap_err(),
            "\"C\" is not one of `A`, `B`"
        );
        assert_eq!(
            starts_with("prefix-").check(&s("x")).unwrap_err(),
            "\"x\" does not start with \"prefix-\"; use a value that does, e.g. \"prefix-x\""
        );
        assert!(
            regex_match("^[a-z]{1,3}$", "1-3 lowercase letters")
                .check(&s("abcd"))
                .is_err()
        );
        assert!(not_empty().check(&s(" ")).is_err());
        // Characters, not bytes, as the service models count them.
        assert!(length_between(1, 2).check(&s("日本")).is_ok());
        assert_eq!(
            length_between(1, 2).check(&s("日本語")).unwrap_err(),
            "the value is 3 characters long; it must be 1-2 characters"
        );
        assert!(length_between(1, 2).check(&s("")).is_err());
        assert_eq!(
            length_between(0, 2).description(),
            "must be at most 2 characters"
        );
        assert_eq!(at_least(2).check(&n(1)).unwrap_err(), "1 is less than 2");
        assert!(between(24, 8760).check(&n(8761)).is_err());
        assert!(
            between(24, 8760)
                .check(&Value::Number(Number::Float(24.5)))
                .is_err()
        );
        assert!(between(24, 8760).check(&n(24)).is_ok());
        let week = std::time::Duration::from_secs(7 * 24 * 3600);
        assert!(duration_at_most(week).check(&s("168h")).is_ok());
        assert!(duration_at_most(week).check(&s("169h")).is_err());
        assert!(duration_at_most(week).check(&s("1h30m")).is_ok());
        assert!(duration_at_most(week).check(&s("10 minutes")).is_err());
        assert!(
            duration_at_most(week).check(&s("10us")).is_err(),
            "h, m, s, ms only"
        );
        assert!(
            duration_at_most(week)
                .check(&s("18446744073709551616s"))
                .is_err()
        );
        // A limit under an hour is written in minutes, not as `0h`.
        let half_hour = duration_at_most(std::time::Duration::from_secs(1800));
        assert!(half_hour.description().ends_with("at most 30m"));
        assert_eq!(
            half_hour.check(&s("31m")).unwrap_err(),
            "\"31m\" is longer than 30m"
        );
        assert!(
            duration_at_most(week)
                .description()
                .ends_with("at most 168h")
        );
    }
}
