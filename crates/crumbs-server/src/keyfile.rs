//! The signing key: 64 random bytes in a file made once, so that a restart (and every
//! instance sharing a store) signs and checks cookies alike. A key made per process would
//! turn every cookie into a "tampered" one at each restart.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use tower_sessions::cookie::Key;

use crate::error::ServerError;

/// The key's length: `Key::from` needs at least 64 bytes (it panics on fewer), and the
/// file holds exactly that many.
pub const KEY_BYTES: usize = 64;

/// Reads the key at `path`, or makes it (64 random bytes, mode 600, and its directory)
/// when nothing is there. A file of any other length is an error, never a panic.
pub fn load_or_create(path: &Path) -> Result<Key, ServerError> {
    let io = |what: &'static str| {
        move |source| ServerError::Io {
            what,
            path: path.to_owned(),
            source,
        }
    };
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io("cannot create the key file's directory"))?;
    }
    let mut bytes = [0u8; KEY_BYTES];
    // `create_new` so two instances started at once never both write a key: the second
    // finds the first's file and reads it.
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(mut file) => {
            getrandom::fill(&mut bytes).map_err(|e| ServerError::Random(e.to_string()))?;
            file.write_all(&bytes)
                .and_then(|()| file.sync_all())
                .map_err(io("cannot write the key file"))?;
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            let mut file = std::fs::File::open(path).map_err(io("cannot read the key file"))?;
            let len = file
                .metadata()
                .map_err(io("cannot read the key file"))?
                .len();
            if len != KEY_BYTES as u64 {
                return Err(ServerError::KeyLength {
                    path: path.to_owned(),
                    len,
                });
            }
            file.read_exact(&mut bytes)
                .map_err(io("cannot read the key file"))?;
        }
        Err(e) => return Err(io("cannot create the key file")(e)),
    }
    Ok(Key::from(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("crumbs-keyfile-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_missing_key_is_made_once_with_mode_600_and_read_back_alike() {
        let dir = temp_dir("made");
        let path = dir.join("sub/signing.key");
        let made = load_or_create(&path).unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(meta.len(), 64);
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        let read = load_or_create(&path).unwrap();
        assert_eq!(made.master(), read.master(), "a restart signs alike");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_key_file_of_the_wrong_length_is_an_error_not_a_panic() {
        let dir = temp_dir("short");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("short.key");
        std::fs::write(&path, [7u8; 32]).unwrap();
        let error = load_or_create(&path).unwrap_err().to_string();
        assert!(
            error.contains("holds 32 bytes where 64 are needed"),
            "{error}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
