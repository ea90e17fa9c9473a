//! The real binary: restarts on SQLite and on memory, the command line's errors, a clean
//! stop on SIGTERM.

mod common;

use common::{path_str, refused, temp_dir, Server};
use crumbs_protocol::api::{ErrorBody, HealthBody, Reason, SessionBody};

#[test]
fn a_login_survives_a_restart_on_the_same_sqlite_file_and_key() {
    let dir = temp_dir("sqlite-restart");
    let db = dir.join("sessions.db");
    let key = dir.join("signing.key");
    let args = ["--db", path_str(&db), "--key-file", path_str(&key)];

    let server = Server::start(&args);
    assert!(
        server.line.contains("with sessions in SQLite at"),
        "{}",
        server.line
    );
    let health: HealthBody = server.request("GET", "/api/health", None, "").json();
    assert_eq!(health.store, "sqlite");
    let login = server.login("alice", "wonderland", true);
    assert_eq!(login.status, 200, "{login:?}");
    let cookie = login.session_cookie();
    let before: SessionBody = login.json();
    assert!(server.stop().success(), "SIGTERM stops it cleanly");

    let again = Server::start(&args);
    let answer = again.session(&cookie);
    assert_eq!(
        answer.status, 200,
        "still logged in after a restart: {answer:?}"
    );
    let after: SessionBody = answer.json();
    assert_eq!(after.user, "alice");
    assert_eq!(after.expires_at, before.expires_at);
    // Logout on the new process, and the old cookie is refused from then on.
    assert_eq!(
        again
            .request("POST", "/api/logout", Some(&cookie), "")
            .status,
        204
    );
    assert_eq!(again.session(&cookie).status, 401);
    assert!(again.stop().success());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_memory_store_forgets_every_session_at_a_restart() {
    let dir = temp_dir("memory-restart");
    let key = dir.join("signing.key");
    let args = ["--store", "memory", "--key-file", path_str(&key)];
    let server = Server::start(&args);
    assert!(server.line.contains("in memory"), "{}", server.line);
    let health: HealthBody = server.request("GET", "/api/health", None, "").json();
    assert_eq!(health.store, "memory");
    let cookie = server.login("bob", "builder", false).session_cookie();
    assert_eq!(server.session(&cookie).status, 200);
    assert!(server.stop().success());

    let again = Server::start(&args);
    let answer = again.session(&cookie);
    assert_eq!(answer.status, 401);
    let error: ErrorBody = answer.json();
    // Same key: the signature checks out, the session is gone.
    assert_eq!(error.reason, Reason::UnknownSession);
    assert!(!dir.join("sessions.db").exists(), "no database file");
    assert!(again.stop().success());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_new_key_file_turns_old_cookies_into_tampered_ones() {
    let dir = temp_dir("new-key");
    let db = dir.join("sessions.db");
    let server = Server::start(&[
        "--db",
        path_str(&db),
        "--key-file",
        path_str(&dir.join("a.key")),
    ]);
    let cookie = server.login("alice", "wonderland", false).session_cookie();
    server.stop();
    let other = Server::start(&[
        "--db",
        path_str(&db),
        "--key-file",
        path_str(&dir.join("b.key")),
    ]);
    let error: ErrorBody = other.session(&cookie).json();
    assert_eq!(error.reason, Reason::Tampered);
    other.stop();
    std::fs::remove_dir_all(dir).unwrap();
}

fn assert_one_line(stderr: &str, says: &str) {
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    assert!(stderr.starts_with("crumbs-server: "), "{stderr:?}");
    assert!(stderr.contains(says), "{stderr:?} should say {says:?}");
}

#[test]
fn a_bad_flag_is_one_line_and_status_2() {
    let (code, stderr) = refused(&["--bogus"]);
    assert_eq!(code, Some(2));
    assert_one_line(&stderr, "unexpected argument '--bogus'");
    let (code, stderr) = refused(&["--addr", "nowhere"]);
    assert_eq!(code, Some(2));
    assert_one_line(&stderr, "invalid value 'nowhere' for '--addr");
    let (code, stderr) = refused(&["--store", "memory", "--redis", "redis://127.0.0.1:1"]);
    assert_eq!(code, Some(2));
    assert_one_line(&stderr, "cannot be used with");
    for (args, says) in [
        (["--header-timeout", "0s"], "a timeout of zero"),
        (
            ["--request-timeout", "soon"],
            "write a duration such as 10s",
        ),
        (["--max-connections", "0"], "--max-connections"),
        (["--max-header-bytes", "10"], "--max-header-bytes"),
    ] {
        let (code, stderr) = refused(&args);
        assert_eq!(code, Some(2), "{args:?}");
        assert_one_line(&stderr, says);
    }
}

#[test]
fn a_key_file_of_the_wrong_length_is_one_line_and_status_2() {
    let dir = temp_dir("short-key");
    let key = dir.join("short.key");
    std::fs::write(&key, [1u8; 10]).unwrap();
    // Mode 600 as a key file must be: one readable by others is refused first.
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let (code, stderr) = refused(&["--store", "memory", "--key-file", path_str(&key)]);
    assert_eq!(code, Some(2));
    assert_one_line(&stderr, "holds 10 bytes where 64 are needed");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn unusable_paths_are_one_line_and_status_2() {
    let dir = temp_dir("bad-paths");
    let file = dir.join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let key = dir.join("k.key");
    let key = path_str(&key);
    // A database under a file: its directory cannot be made (this holds for root too).
    let db = file.join("sub/sessions.db");
    let (code, stderr) = refused(&["--db", path_str(&db), "--key-file", key]);
    assert_eq!(code, Some(2));
    assert_one_line(&stderr, "cannot create the database's directory");
    // The database path is a directory.
    let (code, stderr) = refused(&["--db", path_str(&dir), "--key-file", key]);
    assert_eq!(code, Some(2));
    assert_one_line(&stderr, "cannot open the SQLite database");
    // --dist is a file.
    let (code, stderr) = refused(&[
        "--store",
        "memory",
        "--dist",
        path_str(&file),
        "--key-file",
        key,
    ]);
    assert_eq!(code, Some(2));
    assert_one_line(&stderr, "is not a directory");
    // The key file's directory cannot be made.
    let bad_key = file.join("k.key");
    let (code, stderr) = refused(&["--store", "memory", "--key-file", path_str(&bad_key)]);
    assert_eq!(code, Some(2));
    assert_one_line(&stderr, "cannot create the key file's directory");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_address_in_use_is_one_line_and_status_2() {
    let dir = temp_dir("addr-in-use");
    let key = dir.join("k.key");
    let server = Server::start(&["--store", "memory", "--key-file", path_str(&key)]);
    let (code, stderr) = refused(&[
        "--store",
        "memory",
        "--key-file",
        path_str(&key),
        "--addr",
        &server.addr,
    ]);
    assert_eq!(code, Some(2));
    assert_one_line(&stderr, &format!("cannot listen on {}", server.addr));
    server.stop();
    std::fs::remove_dir_all(dir).unwrap();
}

/// Runs only in a build without the `redis` feature (`cargo test -p crumbs-server --test
/// process`); tests/redis.rs covers the built-in case.
#[cfg(not(feature = "redis"))]
#[test]
fn without_the_redis_feature_redis_is_a_clear_error() {
    let dir = temp_dir("no-redis");
    let key = dir.join("k.key");
    let (code, stderr) = refused(&[
        "--redis",
        "redis://127.0.0.1:1",
        "--key-file",
        path_str(&key),
    ]);
    assert_eq!(code, Some(2));
    assert_one_line(&stderr, "built without Redis support");
    assert!(!key.exists(), "nothing touched the disk");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn help_lists_every_flag() {
    let output = std::process::Command::new(common::BIN)
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for flag in [
        "--addr",
        "--dist",
        "--db",
        "--key-file",
        "--store",
        "--redis",
        "--header-timeout",
        "--request-timeout",
        "--idle-timeout",
        "--max-connections",
        "--max-header-bytes",
        "--shutdown-timeout",
        "--store-timeout",
        "127.0.0.1:3000",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}: {help}");
    }
}

#[test]
fn ctrl_c_stops_it_cleanly_and_the_sqlite_login_is_kept() {
    let dir = temp_dir("ctrl-c");
    let (db, key) = (dir.join("s.db"), dir.join("k.key"));
    let args = ["--db", path_str(&db), "--key-file", path_str(&key)];
    let server = Server::start(&args);
    let cookie = server.login("bob", "builder", false).session_cookie();
    let status = server.interrupt();
    assert!(status.success(), "{status:?}");
    let again = Server::start(&args);
    assert_eq!(again.session(&cookie).status, 200);
    again.stop();
    std::fs::remove_dir_all(dir).unwrap();
}
