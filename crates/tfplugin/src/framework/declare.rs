//! What a model struct declares: its schema block (`BlockSchema`, derived
//! by `#[derive(BlockSchema)]`) and the cty type of each field's Rust type,
//! so a model and its schema cannot disagree.

use std::collections::BTreeMap;

pub use tfplugin_derive::BlockSchema;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::identity::IdentitySchema;
use super::schema::Block;
use crate::value::{Attr, Type};

/// A value a model type can be: read from and written to cty values.
pub trait ModelValue: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {}
impl<T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static> ModelValue for T {}

/// A struct whose fields are a block's attributes and nested blocks.
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use tfplugin::framework::{BlockSchema, between};
/// use tfplugin::value::{Attr, Type};
///
/// #[derive(Serialize, Deserialize, BlockSchema)]
/// #[tf(description = "A shelf.")]
/// struct Shelf {
///     #[tf(computed, use_state_for_unknown, description = "Its ID.", identity = "The shelf's ID.")]
///     id: Attr<String>,
///     #[tf(optional, computed, default = 3, validate = between(1, 9))]
///     size: Attr<i64>,
///     #[tf(block, list, max_items = 2)]
///     box_: Attr<Vec<Box>>,
/// }
///
/// #[derive(Serialize, Deserialize, BlockSchema)]
/// struct Box {
///     #[tf(required, set)]
///     labels: Attr<Vec<String>>,
/// }
///
/// let block = Shelf::block();
/// assert_eq!(block.attributes[1].name, "size");
/// assert!(block.attributes[1].optional && block.attributes[1].computed);
/// assert_eq!(block.blocks[0].block.attributes[0].ty, Type::set(Type::String));
/// let identity = Shelf::identity().expect("one identity attribute");
/// assert_eq!(identity.attributes[0].name, "id");
/// assert!(Box::identity().is_none());
/// ```
///
/// A field the schema does not declare does not compile:
///
/// ```compile_fail
/// use tfplugin::framework::BlockSchema;
/// use tfplugin::value::Attr;
/// #[derive(BlockSchema)]
/// struct Shelf {
///     id: Attr<String>,
/// }
/// ```
///
/// nor does a field of a type with no cty type:
///
/// ```compile_fail
/// use tfplugin::framework::BlockSchema;
/// use tfplugin::value::Attr;
/// #[derive(BlockSchema)]
/// struct Shelf {
///     #[tf(required)]
///     wait: Attr<std::time::Duration>,
/// }
/// ```
///
/// nor a nested block whose element declares no block:
///
/// ```compile_fail
/// use tfplugin::framework::BlockSchema;
/// use tfplugin::value::Attr;
/// #[derive(BlockSchema)]
/// struct Shelf {
///     #[tf(block, list)]
///     boxes: Attr<Vec<String>>,
/// }
/// ```
pub trait BlockSchema {
    fn block() -> Block;

    /// The attributes marked `identity = "..."`, in field order.
    fn identity() -> Option<IdentitySchema> {
        None
    }
}

/// The cty type a Rust value of this type reads from and writes to.
pub trait CtyType {
    fn cty_type() -> Type;
}

/// A collection that a `set` attribute holds (a `Vec` read as a set).
pub trait CtySetType {
    fn cty_set_type() -> Type;
}

impl CtyType for String {
    fn cty_type() -> Type {
        Type::String
    }
}

impl CtyType for i64 {
    fn cty_type() -> Type {
        Type::Number
    }
}

impl CtyType for f64 {
    fn cty_type() -> Type {
        Type::Number
    }
}

impl CtyType for bool {
    fn cty_type() -> Type {
        Type::Bool
    }
}

/// Known, null or unknown: the value's type is its content's.
impl<T: CtyType> CtyType for Attr<T> {
    fn cty_type() -> Type {
        T::cty_type()
    }
}

impl<T: CtyType> CtyType for Vec<T> {
    fn cty_type() -> Type {
        Type::list(T::cty_type())
    }
}

impl<T: CtyType> CtyType for BTreeMap<String, T> {
    fn cty_type() -> Type {
        Type::Map(Box::new(T::cty_type()))
    }
}

impl<T: CtyType> CtySetType for Vec<T> {
    fn cty_set_type() -> Type {
        Type::set(T::cty_type())
    }
}

impl<T: CtySetType> CtySetType for Attr<T> {
    fn cty_set_type() -> Type {
        T::cty_set_type()
    }
}
