//! Declarative schemas: attributes and nested blocks, with their docs,
//! validators and plan modifiers. The protocol layer turns them into the
//! wire Schema; the docs generator reads the same descriptions.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::validators::Validator;
use crate::value::{Type, Value};

#[derive(Clone)]
pub struct Schema {
    pub version: i64,
    pub block: Block,
}

impl Schema {
    pub fn new(block: Block) -> Self {
        Self { version: 0, block }
    }

    pub fn value_type(&self) -> Type {
        self.block.value_type()
    }
}

#[derive(Clone, Default)]
pub struct Block {
    pub description: String,
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
}

impl Block {
    pub fn new(description: &str) -> Self {
        Self {
            description: description.to_string(),
            ..Default::default()
        }
    }

    pub fn attribute(mut self, a: Attribute) -> Self {
        self.attributes.push(a);
        self
    }

    pub fn block(mut self, b: NestedBlock) -> Self {
        self.blocks.push(b);
        self
    }

    /// The object type a value of this block has.
    pub fn value_type(&self) -> Type {
        let mut attrs = BTreeMap::new();
        for a in &self.attributes {
            attrs.insert(a.name.clone(), a.ty.clone());
        }
        for b in &self.blocks {
            attrs.insert(b.name.clone(), b.value_type());
        }
        Type::Object(attrs)
    }
}

/// What the framework does to an attribute's planned value (see
/// `framework::plan`); applied at any depth of nested blocks.
#[derive(Clone, Copy)]
pub enum PlanModifier {
    /// A change of this attribute destroys and re-creates the resource.
    RequiresReplace,
    /// A change replaces the resource when `when(prior, planned)` says so;
    /// `description` says when, for the docs.
    RequiresReplaceIf {
        when: fn(&Value, &Value) -> bool,
        description: &'static str,
    },
    /// A computed value stays what it was in state instead of "known after apply".
    UseStateForUnknown,
}

impl PlanModifier {
    /// Whether this change of the attribute (prior != planned) replaces.
    pub fn replaces(&self, prior: &Value, planned: &Value) -> bool {
        match self {
            PlanModifier::RequiresReplace => true,
            PlanModifier::RequiresReplaceIf { when, .. } => when(prior, planned),
            PlanModifier::UseStateForUnknown => false,
        }
    }
}

#[derive(Clone)]
pub struct Attribute {
    pub name: String,
    pub ty: Type,
    pub description: String,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    /// Set by the framework's plan where the configuration is null; shown
    /// in the docs.
    pub default: Option<Value>,
    pub validators: Vec<Arc<dyn Validator>>,
    pub plan_modifiers: Vec<PlanModifier>,
}

impl Attribute {
    fn new(name: &str, ty: Type) -> Self {
        Self {
            name: name.to_string(),
            ty,
            description: String::new(),
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            default: None,
            validators: Vec::new(),
            plan_modifiers: Vec::new(),
        }
    }

    pub fn string(name: &str) -> Self {
        Self::new(name, Type::String)
    }
    pub fn number(name: &str) -> Self {
        Self::new(name, Type::Number)
    }
    pub fn bool(name: &str) -> Self {
        Self::new(name, Type::Bool)
    }
    pub fn typed(name: &str, ty: Type) -> Self {
        Self::new(name, ty)
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }
    pub fn computed(mut self) -> Self {
        self.computed = true;
        self
    }
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
    pub fn describe(mut self, markdown: &str) -> Self {
        self.description = markdown.to_string();
        self
    }
    /// An optional attribute with a default becomes optional + computed, so
    /// the plan can show the default.
    pub fn default_value(mut self, v: Value) -> Self {
        self.default = Some(v);
        self.optional = true;
        self.computed = true;
        self
    }
    pub fn validate(mut self, v: Arc<dyn Validator>) -> Self {
        self.validators.push(v);
        self
    }
    pub fn modify_plan(mut self, m: PlanModifier) -> Self {
        self.plan_modifiers.push(m);
        self
    }

    pub fn uses_state_for_unknown(&self) -> bool {
        self.plan_modifiers
            .iter()
            .any(|m| matches!(m, PlanModifier::UseStateForUnknown))
    }

    /// Whether changing this attribute from `prior` to `planned` replaces.
    pub fn change_replaces(&self, prior: &Value, planned: &Value) -> bool {
        prior != planned
            && self
                .plan_modifiers
                .iter()
                .any(|m| m.replaces(prior, planned))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    Single,
    List,
    Set,
}

#[derive(Clone)]
pub struct NestedBlock {
    pub name: String,
    pub block: Block,
    pub nesting: Nesting,
    pub min_items: i64,
    pub max_items: i64,
    /// For a set: the attribute that tells its elements apart, named in
    /// messages (Terraform cannot point at a set element in the source).
    pub identified_by: Option<&'static str>,
}

impl NestedBlock {
    pub fn new(name: &str, nesting: Nesting, block: Block) -> Self {
        Self {
            name: name.to_string(),
            block,
            nesting,
            min_items: 0,
            max_items: 0,
            identified_by: None,
        }
    }

    pub fn identified_by(mut self, attribute: &'static str) -> Self {
        self.identified_by = Some(attribute);
        self
    }

    pub fn items(mut self, min: i64, max: i64) -> Self {
        self.min_items = min;
        self.max_items = max;
        self
    }

    pub fn value_type(&self) -> Type {
        let inner = self.block.value_type();
        match self.nesting {
            Nesting::Single => inner,
            Nesting::List => Type::list(inner),
            Nesting::Set => Type::set(inner),
        }
    }
}
