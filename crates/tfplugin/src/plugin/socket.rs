//! The unix socket Terraform dials: in a fresh directory only we can enter,
//! removed (socket and directory) when the guard drops.

use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

use tokio::net::UnixListener;

pub struct PrivateSocket {
    dir: PathBuf,
    path: PathBuf,
}

impl PrivateSocket {
    /// Creates `<parent>/tf-<product>-XXXX/plugin.sock` with the directory at 0700.
    pub fn bind(parent: &Path, product: &str) -> std::io::Result<(Self, UnixListener)> {
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
}
