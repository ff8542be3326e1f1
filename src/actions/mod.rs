//! The provider's actions (Terraform 1.14+), each a `TypedAction` in its folder.

pub mod verify_streaming;

use std::sync::Arc;

use tfplugin::framework::{Action, action};

pub fn all() -> Vec<Arc<dyn Action>> {
    vec![action(verify_streaming::VerifyStreaming)]
}
