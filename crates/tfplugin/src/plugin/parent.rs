//! Notices that the Terraform that launched the provider is gone without
//! having stopped it (killed, or an embedding of Terraform that exits
//! without cleaning up its plugins): the process is then reparented, so its
//! parent process ID changes. go-plugin relies on the client to kill the
//! plugin; a provider left behind would hold its socket and its API calls.

use std::time::Duration;

/// How often the parent is looked at: a lingering provider is gone within
/// about this long, and the check costs one system call.
const EVERY: Duration = Duration::from_secs(1);

/// Resolves once the parent process has changed (unix); never elsewhere.
pub async fn gone() {
    #[cfg(unix)]
    {
        let launcher = std::os::unix::process::parent_id();
        loop {
            tokio::time::sleep(EVERY).await;
            let now = std::os::unix::process::parent_id();
            if now != launcher {
                tracing::warn!(
                    launcher,
                    now,
                    "Terraform is gone without stopping the provider; stopping"
                );
                return;
            }
        }
    }
    #[cfg(not(unix))]
    std::future::pending::<()>().await
}
