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

    fn push(
        &mut self,
        severity: Severity,
        summary: impl Into<String>,
        detail: impl Into<String>,
        path: Option<AttributePath>,
    ) {
        self.0.push(Diagnostic {
            severity,
            summary: summary.into(),
            detail: detail.into(),
            path,
        });
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
