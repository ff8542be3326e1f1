//! Attribute paths: where in a value a diagnostic points.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    Attribute(String),
    ElementKeyString(String),
    ElementKeyInt(i64),
    /// An element of a set with several elements. Terraform locates a set
    /// element by its position in the *source*, which a provider never
    /// sees (it gets cty's order), so on the wire the path stops here.
    SetElement,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AttributePath {
    pub steps: Vec<PathStep>,
}

impl AttributePath {
    pub fn root() -> Self {
        Self::default()
    }

    pub fn attr(name: &str) -> Self {
        Self::root().attribute(name)
    }

    pub fn attribute(mut self, name: &str) -> Self {
        self.steps.push(PathStep::Attribute(name.to_string()));
        self
    }

    pub fn index(mut self, i: i64) -> Self {
        self.steps.push(PathStep::ElementKeyInt(i));
        self
    }

    /// Element `i` of a set of `len` elements: exact when the set has one
    /// element, otherwise a `SetElement` step (see there).
    pub fn set_element(mut self, i: usize, len: usize) -> Self {
        self.steps.push(if len == 1 {
            PathStep::ElementKeyInt(i as i64)
        } else {
            PathStep::SetElement
        });
        self
    }

    pub fn key(mut self, k: &str) -> Self {
        self.steps.push(PathStep::ElementKeyString(k.to_string()));
        self
    }
}

impl fmt::Display for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                PathStep::Attribute(name) if i == 0 => write!(f, "{name}")?,
                PathStep::Attribute(name) => write!(f, ".{name}")?,
                PathStep::ElementKeyString(k) => write!(f, "[{k:?}]")?,
                PathStep::ElementKeyInt(n) => write!(f, "[{n}]")?,
                PathStep::SetElement => write!(f, "[*]")?,
            }
        }
        Ok(())
    }
}
