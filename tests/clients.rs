//! Real client libraries against this server. node-redis 6 (npm `redis`) speaks RESP3 by
//! default and does not fall back to RESP2 when HELLO 3 is refused: it must connect with
//! default options, run its handshake (HELLO 3, CLIENT SETINFO) and a few string commands.
//!
//! Needs `node` and `npm ci` run in tests/clients (`.ci/run` does both). Without them the
//! test prints why and passes, unless REQUIRE_REDIS=1, where their absence is a failure.
mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn clients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("clients")
}

/// Whether node and the installed `redis` module are there; prints the reason when not.
fn have_node_redis() -> bool {
    let node = Command::new("node").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    let reason = if !node.is_ok_and(|s| s.success()) {
        Some("node is not installed".to_string())
    } else if !clients_dir().join("node_modules").join("redis").join("package.json").exists() {
        Some(format!("the npm module `redis` is not installed (run `npm ci` in {})", clients_dir().display()))
    } else {
        None
    };
    let Some(reason) = reason else { return true };
    if std::env::var("REQUIRE_REDIS").as_deref() == Ok("1") {
        panic!("node-redis is required (REQUIRE_REDIS=1): {reason}");
    }
    eprintln!("skipping: {reason}");
    false
}

/// Run the node script against `port`; its output on failure.
fn run_node(port: u16, extra: &[&str]) {
    let mut child = Command::new("node")
        .arg(clients_dir().join("node_redis.js"))
        .arg(port.to_string())
        .args(extra)
        .current_dir(clients_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn node");
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait node") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("node-redis script did not finish within 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = child.wait_with_output().expect("node output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(status.success() && stdout.trim() == "ok", "node-redis failed ({status}):\n{stdout}\n{stderr}");
}

#[test]
fn node_redis_connects_with_default_options() {
    if !have_node_redis() {
        return;
    }
    let s = Server::start(&[]);
    run_node(s.port, &[]);
}

#[test]
fn node_redis_authenticates_and_names_itself_in_hello() {
    if !have_node_redis() {
        return;
    }
    let s = Server::start(&["--requirepass", "sekrit"]);
    run_node(s.port, &["sekrit"]);
}
