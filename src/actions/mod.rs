//! The provider's actions (Terraform 1.14+), each a `TypedAction` in its folder.

mod verify;
pub mod verify_channel_flow;
pub mod verify_streaming;

use tfplugin::framework::Registry;

pub fn register(registry: &mut Registry) {
    registry.action(verify_streaming::VerifyStreaming);
    registry.action(verify_channel_flow::VerifyChannelFlow);
}
