//! Real Redis tools against this server: redis-cli (commands, stdin values, databases, pipe
//! mode, INFO) and a short redis-benchmark run. Skipped with a printed reason when the tools
//! are not installed, and a failure when REQUIRE_REDIS=1.
mod common;
use common::*;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Run a tool to completion (killed after `limit`), feeding it `stdin`; returns (success, stdout+stderr).
fn run(bin: &str, args: &[&str], stdin: &[u8], limit: Duration) -> (bool, String) {
    let mut child = Command::new(bin)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {bin}: {e}"));
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let _ = feeder.join();
    let mut text = String::from_utf8_lossy(&reader.join().unwrap_or_default()).into_owned();
    text.push_str(&String::from_utf8_lossy(&err_reader.join().unwrap_or_default()));
    match status {
        Some(s) => (s.success(), text),
        None => (false, format!("{bin} {args:?} timed out after {limit:?}; output:\n{text}")),
    }
}

fn cli(port: u16, args: &[&str]) -> String {
    cli_in(port, args, b"")
}

fn cli_in(port: u16, args: &[&str], stdin: &[u8]) -> String {
    let p = port.to_string();
    let mut all = vec!["-p", &p];
    all.extend_from_slice(args);
    let (ok, out) = run("redis-cli", &all, stdin, Duration::from_secs(20));
    assert!(ok, "redis-cli {args:?} failed:\n{out}");
    out
}

#[test]
fn redis_cli_sets_and_gets() {
    if !have_redis("redis-cli") {
        return;
    }
    let s = Server::start(&[]);
    assert_eq!(cli(s.port, &["PING"]), "PONG\n");
    assert_eq!(cli(s.port, &["SET", "greeting", "hello world"]), "OK\n");
    assert_eq!(cli(s.port, &["GET", "greeting"]), "hello world\n");
    assert_eq!(cli(s.port, &["GET", "missing"]), "\n");
    assert_eq!(cli(s.port, &["ECHO", "x"]), "x\n");
    assert_eq!(cli(s.port, &["DEL", "greeting", "missing"]), "1\n");
    // -x: the last argument comes from stdin, bytes untouched.
    assert_eq!(cli_in(s.port, &["-x", "SET", "fromstdin"], b"line1\nline2\n"), "OK\n");
    let mut c = s.client();
    assert_eq!(c.cmd(&["GET", "fromstdin"]), Resp::bulk("line1\nline2\n"));
    // -n: commands go to another database after a SELECT.
    assert_eq!(cli(s.port, &["-n", "3", "SET", "dbkey", "three"]), "OK\n");
    assert_eq!(cli(s.port, &["-n", "3", "GET", "dbkey"]), "three\n");
    assert_eq!(cli(s.port, &["GET", "dbkey"]), "\n");
    // Errors are printed, not fatal.
    assert_eq!(cli(s.port, &["GET"]), "ERR wrong number of arguments for 'get' command\n\n");
    // Commands read from stdin, one per line.
    assert_eq!(cli_in(s.port, &[], b"SET a 1\nGET a\nEXISTS a\n"), "OK\n1\n1\n");
}

/// redis-cli -3: HELLO 3 on connect, then RESP3 replies printed as redis-cli prints them, the
/// same output as from a real redis-server (--no-raw: the typed form, `(nil)`, `1) ...`).
#[test]
fn redis_cli_in_resp3() {
    let Some(real) = RealRedis::start(&[]) else { return };
    if !have_redis("redis-cli") {
        return;
    }
    let s = Server::start(&[]);
    let input = b"SET k v\nGET k\nGET missing\nMGET k missing\nINCR n\nINCRBYFLOAT f 1.5\n\
                  CONFIG GET databases\nCOMMAND GETKEYSANDFLAGS get k\nCLIENT TRACKINGINFO\n\
                  INFO keyspace\nHELLO 3 SETNAME x\nCLIENT GETNAME\n";
    let args = ["-3", "--no-raw"];
    let ours = cli_in(s.port, &args, input);
    let theirs = cli_in(real.port, &args, input);
    // HELLO's id differs; everything else is the same text.
    let strip = |t: &str| t.lines().filter(|l| !l.contains("\"id\" =>")).collect::<Vec<_>>().join("\n");
    assert_eq!(strip(&ours), strip(&theirs), "ours:\n{ours}\ntheirs:\n{theirs}");
    assert!(ours.contains("1# \"databases\" => \"16\""), "{ours}");
}

#[test]
fn redis_cli_reads_info() {
    if !have_redis("redis-cli") {
        return;
    }
    let s = Server::start(&[]);
    let info = cli(s.port, &["INFO"]);
    assert!(info.contains("# Server"), "{info}");
    assert!(info.contains("redis_version:"), "{info}");
    let server = cli(s.port, &["INFO", "server"]);
    assert!(server.contains(&format!("tcp_port:{}", s.port)), "{server}");
    assert!(!server.contains("# Clients"), "{server}");
}

#[test]
fn redis_cli_pipe_mode() {
    if !have_redis("redis-cli") {
        return;
    }
    let s = Server::start(&[]);
    let mut input = Vec::new();
    for i in 0..2000 {
        let k = format!("pipe:{i}");
        let v = format!("value {i}\r\nwith CRLF");
        input.extend_from_slice(&Client::encode(&[b"SET", k.as_bytes(), v.as_bytes()]));
    }
    let out = cli_in(s.port, &["--pipe"], &input);
    assert!(out.contains("errors: 0, replies: 2000"), "{out}");
    let mut c = s.client();
    assert_eq!(c.cmd(&["GET", "pipe:1999"]), Resp::bulk("value 1999\r\nwith CRLF"));
}

#[test]
fn redis_benchmark_runs_clean() {
    if !have_redis("redis-benchmark") {
        return;
    }
    let s = Server::start(&[]);
    let p = s.port.to_string();
    // redis-benchmark exits with an error status on the first error reply.
    let args = ["-p", &p, "-q", "-t", "ping,set,get,incr,mset", "-n", "20000"];
    let (ok, out) = run("redis-benchmark", &args, b"", Duration::from_secs(120));
    // Progress lines end in \r; keep the final result lines.
    let lines: Vec<&str> = out.split(['\r', '\n']).map(str::trim).filter(|l| !l.is_empty()).collect();
    let results: Vec<&&str> = lines.iter().filter(|l| l.contains("requests per second")).collect();
    assert!(ok, "redis-benchmark failed:\n{out}");
    assert!(!out.contains("Error") && !out.contains("ERR"), "redis-benchmark saw errors:\n{out}");
    assert!(!out.contains("WARNING"), "redis-benchmark warned:\n{out}");
    for t in ["PING_INLINE:", "PING_MBULK:", "SET:", "GET:", "INCR:", "MSET (10 keys):"] {
        assert!(results.iter().any(|l| l.starts_with(t)), "no result for {t}:\n{out}");
    }
    let mut c = s.client();
    assert_eq!(c.cmd(&["PING"]), Resp::Simple("PONG".into()));
}

#[test]
fn redis_cli_save_lastsave_role() {
    if !have_redis("redis-cli") {
        return;
    }
    let s = Server::start(&["--save", ""]);
    assert_eq!(cli(s.port, &["SET", "k", "v"]), "OK\n");
    assert_eq!(cli(s.port, &["SAVE"]), "OK\n");
    let last: i64 = cli(s.port, &["LASTSAVE"]).trim().parse().expect("LASTSAVE is an integer");
    assert!(last > 1_600_000_000, "{last}");
    assert_eq!(cli(s.port, &["BGSAVE", "foo"]), "ERR syntax error\n\n");
    assert_eq!(cli(s.port, &["ROLE"]), "master\n0\n\n");
    assert_eq!(cli(s.port, &["WAIT", "0", "0"]), "0\n");
}

/// `redis-cli --rdb` fetches a snapshot over the replication protocol (REPLCONF rdb-only, SYNC);
/// the file it writes must pass redis-check-rdb.
#[test]
fn redis_cli_rdb_fetches_a_valid_snapshot() {
    if !have_redis("redis-cli") || !have_redis("redis-check-rdb") {
        return;
    }
    let s = Server::start(&["--save", ""]);
    assert_eq!(cli(s.port, &["MSET", "a", "1", "b", "two", "c", "three"]), "OK\n");
    let dir = temp_dir("cli-rdb");
    let file = dir.join("fetched.rdb");
    let path = file.to_string_lossy().into_owned();
    let out = cli(s.port, &["--rdb", &path]);
    assert!(out.contains("Transfer finished with success"), "{out}");
    let (ok, check) = run("redis-check-rdb", &[&path], b"", Duration::from_secs(20));
    assert!(ok, "redis-check-rdb failed:\n{check}");
    assert!(check.contains("3 keys read"), "{check}");
    let _ = std::fs::remove_dir_all(&dir);
}
