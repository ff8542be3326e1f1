//! Diagnostics: what went wrong (or may), where, and what to do about it.

use crate::value::AttributePath;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// What was being done or what is wrong, in one line.
    pub summary: String,
    /// Why, and what to do about it.
    pub detail: String,
    pub path: Option<AttributePath>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

/// At most this many diagnostics with one summary (and severity) are kept.
pub const MAX_SAME_SUMMARY: usize = 10;
/// At most this many diagnostics in all, besides the "left out" counters.
pub const MAX_DIAGNOSTICS: usize = 100;
const MAX_SUMMARY_CHARS: usize = 200;
/// Details name values; a value of megabytes is cut to this.
pub const MAX_DETAIL_CHARS: usize = 2000;
const LEFT_OUT_PREFIX: &str = "More diagnostics: ";

/// `text` cut to about `max` characters: its start and its end (where the
/// fix usually is), with the middle (usually an echoed value) left out.
pub fn truncated(text: String, max: usize) -> String {
    let chars = text.chars().count();
    if chars <= max {
        return text;
    }
    let keep = max / 2;
    let head: String = text.chars().take(keep).collect();
    let tail: String = text.chars().skip(chars - keep).collect();
    format!(
        "{head} ...({} characters left out)... {tail}",
        chars - 2 * keep
    )
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn error(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Severity::Error, summary, detail, None);
    }

    pub fn warning(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Severity::Warning, summary, detail, None);
    }

    pub fn error_at(
        &mut self,
        path: AttributePath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Severity::Error, summary, detail, Some(path));
    }

    pub fn warning_at(
        &mut self,
        path: AttributePath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Severity::Warning, summary, detail, Some(path));
    }

    /// Every diagnostic goes through here, so that no input can make the
    /// answer grow without bound: repeats of one summary are counted after
    /// MAX_SAME_SUMMARY, all of them after MAX_DIAGNOSTICS, and long texts
    /// (which may echo a value) are cut.
    fn push(
        &mut self,
        severity: Severity,
        summary: impl Into<String>,
        detail: impl Into<String>,
        path: Option<AttributePath>,
    ) {
        let summary = truncated(summary.into(), MAX_SUMMARY_CHARS);
        let detail = truncated(detail.into(), MAX_DETAIL_CHARS);
        let same = self
            .0
            .iter()
            .filter(|d| d.severity == severity && d.summary == summary)
            .count();
        if same >= MAX_SAME_SUMMARY || self.0.len() >= MAX_DIAGNOSTICS {
            self.count_left_out(severity, &summary);
            return;
        }
        self.0.push(Diagnostic {
            severity,
            summary,
            detail,
            path,
        });
    }

    /// One closing diagnostic per severity says how many were left out.
    fn count_left_out(&mut self, severity: Severity, summary: &str) {
        let marker = format!(
            "{LEFT_OUT_PREFIX}{}",
            match severity {
                Severity::Error => "errors",
                Severity::Warning => "warnings",
            }
        );
        let found = self
            .0
            .iter_mut()
            .find(|d| d.severity == severity && d.summary == marker);
        let line = |n: u64, last: &str| {
            format!(
                "{n} more left out, the last one: {last:?}. Fix the ones shown and run again to see the rest."
            )
        };
        match found {
            Some(d) => {
                let n = d
                    .detail
                    .split(' ')
                    .next()
                    .and_then(|n| n.parse::<u64>().ok())
                    .unwrap_or(0);
                d.detail = line(n + 1, summary);
            }
            None => self.0.push(Diagnostic {
                severity,
                summary: marker,
                detail: line(1, summary),
                path: None,
            }),
        }
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_counted_and_long_texts_cut() {
        let mut d = Diagnostics::new();
        for i in 0..1000 {
            d.error("Duplicate data type", format!("block {i}"));
        }
        d.warning("w", "x".repeat(1_000_000));
        assert_eq!(d.0.len(), MAX_SAME_SUMMARY + 2);
        let marker =
            d.0.iter()
                .find(|x| x.summary == "More diagnostics: errors")
                .unwrap();
        assert!(
            marker.detail.starts_with("990 more left out"),
            "{}",
            marker.detail
        );
        let long = d.0.iter().find(|x| x.summary == "w").unwrap();
        assert!(long.detail.len() < MAX_DETAIL_CHARS + 100);
        assert!(long.detail.contains("...(998000 characters left out)..."));
        assert!(d.has_errors());

        let mut d = Diagnostics::new();
        for i in 0..500 {
            d.error(format!("distinct {i}"), "");
        }
        assert_eq!(d.0.len(), MAX_DIAGNOSTICS + 1);
        assert!(d.0.last().unwrap().detail.starts_with("400 more left out"));
    }
}
