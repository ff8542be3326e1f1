//! Go duration strings (`10m`, `1h30m`), as timeouts and duration
//! attributes are written.

use std::time::Duration;

/// Parses a Go duration string: a sequence of decimal numbers with units
/// ns, us, ms, s, m, h. Returns why not, in words, on failure.
pub fn parse_duration(raw: &str) -> Result<Duration, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("the duration is empty".into());
    }
    let mut total = 0f64;
    let mut rest = text;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return Err(format!(
                "{raw:?} is not a duration such as \"10m\" or \"1h30m\""
            ));
        }
        let number: f64 = rest[..num_len]
            .parse()
            .map_err(|_| format!("{raw:?} has a malformed number"))?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "us" | "µs" => 1e-6,
            "ns" => 1e-9,
            "" => return Err(format!("{raw:?} is missing a unit (h, m, s)")),
            other => {
                return Err(format!(
                    "{raw:?} has an unknown unit {other:?} (use h, m or s)"
                ));
            }
        };
        total += number * seconds;
        rest = &rest[unit_len..];
    }
    Duration::try_from_secs_f64(total).map_err(|_| format!("{raw:?} is too long a duration"))
}
