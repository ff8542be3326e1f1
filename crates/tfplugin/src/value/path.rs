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

/// Where a decoder (msgpack, typed JSON) is in a value, written out only
/// for an error: formatting the path of every value decoded was a fifth of
/// decoding a configuration. Same notation as [`AttributePath`].
#[derive(Clone, Copy)]
pub(super) enum Breadcrumb<'a> {
    Root,
    Attribute(&'a Breadcrumb<'a>, &'a str),
    Index(&'a Breadcrumb<'a>, usize),
    Key(&'a Breadcrumb<'a>, &'a str),
}

impl Breadcrumb<'_> {
    /// For an error message: the path, or "(root)".
    pub(super) fn describe(&self) -> String {
        match self {
            Breadcrumb::Root => "(root)".into(),
            _ => self.to_string(),
        }
    }
}

impl fmt::Display for Breadcrumb<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Breadcrumb::Root => Ok(()),
            Breadcrumb::Attribute(Breadcrumb::Root, name) => write!(f, "{name}"),
            Breadcrumb::Attribute(parent, name) => write!(f, "{parent}.{name}"),
            Breadcrumb::Index(parent, i) => write!(f, "{parent}[{i}]"),
            Breadcrumb::Key(parent, key) => write!(f, "{parent}[{key:?}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_breadcrumb_reads_like_the_attribute_path_it_stands_for() {
        let root = Breadcrumb::Root;
        assert_eq!(root.describe(), "(root)");
        let blocks = Breadcrumb::Attribute(&root, "streaming_configuration");
        let first = Breadcrumb::Index(&blocks, 0);
        let tags = Breadcrumb::Attribute(&first, "tags");
        let team = Breadcrumb::Key(&tags, "team");
        let expected = AttributePath::attr("streaming_configuration")
            .index(0)
            .attribute("tags")
            .key("team");
        assert_eq!(team.describe(), expected.to_string());
        assert_eq!(
            team.describe(),
            r#"streaming_configuration[0].tags["team"]"#
        );
    }
}
