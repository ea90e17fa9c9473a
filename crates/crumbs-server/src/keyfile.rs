//! The signing key: 64 random bytes in a file made once, so that a restart (and every
//! instance sharing a store) signs and checks cookies alike. A key made per process would
//! turn every cookie into a "tampered" one at each restart.

use std::ffi::OsString;
use std::fs::OpenOptions;
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use tower_sessions::cookie::Key;

use crate::error::ServerError;

/// The key's length: `Key::from` needs at least 64 bytes (it panics on fewer), and the
/// file holds exactly that many.
pub const KEY_BYTES: usize = 64;

/// Reads the key at `path`, or makes it (64 random bytes, mode 600, and its directory)
/// when nothing is there. A file of any other length, a directory, or a key others may
/// read is an error, never a panic.
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
    match std::fs::metadata(path) {
        Ok(_) => return read(path),
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(io("cannot read the key file")(e)),
    }
    let mut bytes = [0u8; KEY_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| ServerError::Random(e.to_string()))?;
    // The key is written whole to a file of its own, then linked in under its name: a
    // `create_new` file written afterwards would let a second instance started at once
    // read it empty (and a crash between the two would leave an empty key for good).
    // `hard_link` is atomic and never replaces a file, so of two instances one links its
    // key and the other finds the complete file and reads it.
    let temp = temp_path(path);
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)
        .and_then(|mut file| {
            file.write_all(&bytes)?;
            file.sync_all()
        });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(io("cannot write the key file")(e));
    }
    let linked = std::fs::hard_link(&temp, path);
    // The name `path` now holds the key (ours or the other instance's); the temporary
    // name is not needed either way.
    let _ = std::fs::remove_file(&temp);
    match linked {
        Ok(()) => Ok(Key::from(&bytes)),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => read(path),
        Err(e) => Err(io("cannot create the key file")(e)),
    }
}

/// A name beside `path` that no other process uses: this process's id and a counter.
fn temp_path(path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut name = path.file_name().map(OsString::from).unwrap_or_default();
    name.push(format!(".{}.{n}.tmp", std::process::id()));
    path.with_file_name(name)
}

/// Reads an existing key file: a file, not readable by group or others, of 64 bytes.
fn read(path: &Path) -> Result<Key, ServerError> {
    let io = |what: &'static str| {
        move |source| ServerError::Io {
            what,
            path: path.to_owned(),
            source,
        }
    };
    // Looked at before opening: opening a pipe by mistake would block.
    let meta = std::fs::metadata(path).map_err(io("cannot read the key file"))?;
    if !meta.is_file() {
        return Err(ServerError::KeyNotAFile {
            path: path.to_owned(),
            is: if meta.is_dir() {
                "a directory"
            } else {
                "not a regular file"
            },
        });
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(ServerError::KeyReadableByOthers {
            path: path.to_owned(),
            mode,
        });
    }
    if meta.len() != KEY_BYTES as u64 {
        return Err(ServerError::KeyLength {
            path: path.to_owned(),
            len: meta.len(),
        });
    }
    let mut bytes = [0u8; KEY_BYTES];
    std::fs::File::open(path)
        .and_then(|mut file| file.read_exact(&mut bytes))
        .map_err(io("cannot read the key file"))?;
    Ok(Key::from(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let error = load_or_create(&path).unwrap_err().to_string();
        assert!(
            error.contains("holds 32 bytes where 64 are needed"),
            "{error}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn two_instances_making_the_key_at_once_both_get_the_same_complete_key() {
        let dir = temp_dir("race");
        for round in 0..200 {
            let path = dir.join(format!("{round}.key"));
            let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
            let racers: Vec<_> = (0..2)
                .map(|_| {
                    let (path, barrier) = (path.clone(), std::sync::Arc::clone(&barrier));
                    std::thread::spawn(move || {
                        barrier.wait();
                        load_or_create(&path).map(|key| key.master().to_vec())
                    })
                })
                .collect();
            let keys: Vec<_> = racers.into_iter().map(|r| r.join().unwrap()).collect();
            let first = keys[0]
                .as_ref()
                .unwrap_or_else(|e| panic!("round {round}: {e}"));
            let second = keys[1]
                .as_ref()
                .unwrap_or_else(|e| panic!("round {round}: {e}"));
            assert_eq!(first, second, "round {round}: one key for both");
        }
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "temporary files left: {left:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_directory_given_as_the_key_file_is_named_as_one() {
        let dir = temp_dir("dir");
        std::fs::create_dir_all(&dir).unwrap();
        let error = load_or_create(&dir).unwrap_err().to_string();
        assert!(error.contains("is a directory"), "{error}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_key_file_others_can_read_is_refused_naming_chmod_600() {
        let dir = temp_dir("open");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("open.key");
        std::fs::write(&path, [7u8; 64]).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let error = load_or_create(&path).unwrap_err().to_string();
        assert!(error.contains("chmod 600"), "{error}");
        assert_eq!(error.lines().count(), 1, "{error}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(load_or_create(&path).is_ok(), "mode 600 is read");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
