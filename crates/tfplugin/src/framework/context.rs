//! What every call gets besides its payload: the cancellation StopProvider
//! trips, the data ConfigureProvider produced, and for apply's operations
//! the deadline of the resource's `timeouts` block. One value, so every
//! call an operation makes runs under the same limits. Low in the
//! framework: it imports diagnostics and the deadline only.

use std::any::Any;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::diag::Diagnostics;
use super::timeouts::Deadline;

/// What ConfigureProvider hands to every resource and data source (for
/// a cloud provider: its API clients), as terraform-plugin-framework's
/// `ProviderData` does.
pub type ProviderData = Arc<dyn Any + Send + Sync>;

/// What every call gets besides its payload: StopProvider trips `cancel`;
/// `provider_data` is set once ConfigureProvider succeeded.
#[derive(Clone)]
pub struct CallContext {
    pub cancel: CancellationToken,
    pub provider_data: Option<ProviderData>,
    /// Set for a create, update or delete: the operation's whole budget.
    pub deadline: Option<Deadline>,
}

impl CallContext {
    /// This context, limited by `deadline` (the framework's, for apply).
    pub fn with_deadline(&self, deadline: Deadline) -> CallContext {
        CallContext {
            deadline: Some(deadline),
            ..self.clone()
        }
    }

    /// The configured provider's data, or an error diagnostic saying why not.
    pub fn provider_data<T: Any + Send + Sync>(&self, diags: &mut Diagnostics) -> Option<Arc<T>> {
        let data = self
            .provider_data
            .clone()
            .and_then(|d| d.downcast::<T>().ok());
        if data.is_none() {
            diags.error(
                "Provider is not configured",
                "The provider was not configured before this call. This is a bug in Terraform or the provider; \
                 please report it.",
            );
        }
        data
    }
}
