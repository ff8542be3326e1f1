//! The unix socket Terraform dials: in a fresh directory only we can enter,
//! removed (socket and directory) when the guard drops.

use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

use tokio::net::UnixListener;

pub struct PrivateSocket {
    dir: PathBuf,
    path: PathBuf,
}

/// `sockaddr_un.sun_path`'s size: a socket path has at most one byte less
/// (the NUL). macOS's is 104 and its per-user `TMPDIR`
/// (`/var/folders/xx/.../T/`) is about 50 characters long.
const SUN_PATH: usize = if cfg!(any(target_os = "macos", target_os = "ios")) {
    104
} else {
    108
};

/// What the socket's path adds to its parent: `/tf-<product>-<16 hex>/plugin.sock`.
fn added_length(product: &str) -> usize {
    "/tf-".len() + product.len() + "-".len() + 16 + "/plugin.sock".len()
}

impl PrivateSocket {
    /// Creates `<parent>/tf-<product>-XXXX/plugin.sock` with the directory at
    /// 0700. A parent too long for a socket path (a deep TMPDIR) gives way
    /// to `/tmp`, which every unix has.
    pub fn bind(parent: &Path, product: &str) -> std::io::Result<(Self, UnixListener)> {
        let fits = |p: &Path| p.as_os_str().len() + added_length(product) < SUN_PATH;
        let parent = if fits(parent) {
            parent
        } else if fits(Path::new("/tmp")) {
            tracing::debug!(parent = %parent.display(), "socket directory too long for a unix socket path; using /tmp");
            Path::new("/tmp")
        } else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "the product name {product:?} makes every socket path longer than {} bytes",
                    SUN_PATH - 1
                ),
            ));
        };
        let dir = loop {
            let candidate = parent.join(format!("tf-{product}-{:016x}", rand::random::<u64>()));
            match std::fs::DirBuilder::new().mode(0o700).create(&candidate) {
                Ok(()) => break candidate,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        };
        // The umask could have narrowed it further; never wider than 0700.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
        let path = dir.join("plugin.sock");
        let guard = Self { dir, path };
        let listener = UnixListener::bind(&guard.path)?;
        Ok((guard, listener))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    #[cfg(test)]
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for PrivateSocket {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        let _ = std::fs::remove_dir(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn directory_is_private_and_removed_on_drop() {
        let parent = tempfile::tempdir().unwrap();
        let (sock, _listener) = PrivateSocket::bind(parent.path(), "example").unwrap();
        let mode = std::fs::metadata(sock.dir()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        assert!(sock.path().exists());
        let dir = sock.dir().to_path_buf();
        drop(sock);
        assert!(!dir.exists());
    }

    #[tokio::test]
    async fn a_parent_too_long_for_a_socket_path_gives_way_to_tmp() {
        let base = tempfile::tempdir().unwrap();
        // Longer than macOS's 104 and Linux's 108 bytes allow with our name.
        let parent = base.path().join("d".repeat(80));
        std::fs::create_dir(&parent).unwrap();
        let (sock, _listener) = PrivateSocket::bind(&parent, "example").unwrap();
        assert!(sock.path().starts_with("/tmp"), "{}", sock.path().display());
        assert!(sock.path().as_os_str().len() < SUN_PATH);
        assert!(sock.path().exists());
        // One that fits stays where it was asked to be.
        let (near, _l) = PrivateSocket::bind(base.path(), "example").unwrap();
        assert!(near.path().starts_with(base.path()));
    }
}
