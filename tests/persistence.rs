//! Saving: SAVE, BGSAVE, LASTSAVE, save points, the save on SIGTERM/SIGINT, crash safety, and
//! interoperability with real Redis (redis-check-rdb and redis-server) when installed.

mod common;
use common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64
}

fn signal(pid: u32, sig: &str) {
    let st = Command::new("kill").args([sig, &pid.to_string()]).status().expect("kill");
    assert!(st.success());
}

/// (db, key, value, absolute expiry in ms or -1).
type Item = (usize, Vec<u8>, Vec<u8>, i64);

/// Keys of every shape a string server holds, spread over several databases, some with TTLs.
/// Returns (db, key, value, pexpiretime) for comparison after a reload.
fn populate(c: &mut Client) -> Vec<Item> {
    let mut all = Vec::new();
    let far = 4_102_444_800_123i64;
    let binary: Vec<u8> = (0..=255u8).collect();
    let random: Vec<u8> = (0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let items: Vec<Item> = vec![
        (0, b"int".to_vec(), b"12345".to_vec(), -1),
        (0, b"neg".to_vec(), b"-7".to_vec(), -1),
        (0, b"int64".to_vec(), b"9223372036854775807".to_vec(), -1),
        (0, b"notint".to_vec(), b"007".to_vec(), -1),
        (0, b"empty".to_vec(), b"".to_vec(), -1),
        (0, b"123".to_vec(), b"numeric key".to_vec(), -1),
        (0, b"lzf".to_vec(), "abc".repeat(1000).into_bytes(), -1),
        (0, b"random".to_vec(), random, -1),
        (0, b"bin\x00\xff\r\n".to_vec(), binary, -1),
        (0, b"ttl".to_vec(), b"with ttl".to_vec(), far),
        (0, b"ttl-int".to_vec(), b"42".to_vec(), far + 1),
        (5, b"k".to_vec(), b"db5".to_vec(), -1),
        (5, b"lzf-ttl".to_vec(), "z".repeat(3000).into_bytes(), far),
        (15, b"k".to_vec(), b"db15".to_vec(), far),
    ];
    for (db, k, v, exp) in items {
        assert_eq!(c.cmd(&["SELECT", &db.to_string()]), Resp::ok());
        let r = if exp > 0 {
            c.cmd_bytes(&[b"SET", &k, &v, b"PXAT", exp.to_string().as_bytes()])
        } else {
            c.cmd_bytes(&[b"SET", &k, &v])
        };
        assert_eq!(r, Resp::ok());
        all.push((db, k, v, exp));
    }
    // A counter stored as an integer.
    assert_eq!(c.cmd(&["SELECT", "0"]), Resp::ok());
    assert_eq!(c.cmd(&["INCRBY", "counter", "1000000"]), Resp::Int(1_000_000));
    all.push((0, b"counter".to_vec(), b"1000000".to_vec(), -1));
    all
}

fn verify(c: &mut Client, data: &[Item]) {
    verify_values(c, data);
    verify_sizes(c, data);
}

fn verify_values(c: &mut Client, data: &[Item]) {
    for (db, k, v, exp) in data {
        assert_eq!(c.cmd(&["SELECT", &db.to_string()]), Resp::ok());
        assert_eq!(c.cmd_bytes(&[b"GET", k]), Resp::Bulk(v.clone()), "db {db} key {k:?}");
        assert_eq!(c.cmd_bytes(&[b"PEXPIRETIME", k]), Resp::Int(*exp), "db {db} key {k:?}");
    }
}

fn verify_sizes(c: &mut Client, data: &[Item]) {
    let mut per_db = std::collections::BTreeMap::new();
    for (db, ..) in data {
        *per_db.entry(*db).or_insert(0i64) += 1;
    }
    for (db, n) in per_db {
        assert_eq!(c.cmd(&["SELECT", &db.to_string()]), Resp::ok());
        assert_eq!(c.cmd(&["DBSIZE"]), Resp::Int(n), "db {db}");
    }
}

fn check_rdb(path: &Path) {
    if !have_redis("redis-check-rdb") {
        return;
    }
    let out = Command::new("redis-check-rdb").arg(path).output().expect("redis-check-rdb");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("RDB looks OK"), "redis-check-rdb:\n{text}");
}

#[test]
fn save_and_lastsave() {
    let before = now_secs();
    let s = Server::start(&["--save", ""]);
    let mut c = s.client();
    let t0 = c.cmd(&["LASTSAVE"]).int();
    // Start-up counts as a save, as in Redis.
    assert!(t0 >= before - 1 && t0 <= now_secs(), "{t0}");
    assert_eq!(c.cmd(&["SET", "k", "v"]), Resp::ok());
    assert_eq!(c.cmd(&["SAVE"]), Resp::ok());
    assert!(c.cmd(&["LASTSAVE"]).int() >= t0);
    let dump = s.dir.join("dump.rdb");
    assert!(dump.exists());
    check_rdb(&dump);
    assert_eq!(c.cmd(&["SAVE", "x"]), err("ERR wrong number of arguments for 'save' command"));
    assert_eq!(c.cmd(&["LASTSAVE", "x"]), err("ERR wrong number of arguments for 'lastsave' command"));
    // No stray temporary files.
    let names: Vec<String> = std::fs::read_dir(&s.dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".rdb"))
        .collect();
    assert_eq!(names, vec!["dump.rdb".to_string()]);
}

#[test]
fn dbfilename_is_honoured() {
    let s = Server::start(&["--save", "", "--dbfilename", "other.rdb"]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["SET", "k", "v"]), Resp::ok());
    assert_eq!(c.cmd(&["SAVE"]), Resp::ok());
    assert!(s.dir.join("other.rdb").exists());
    assert!(!s.dir.join("dump.rdb").exists());
}

#[test]
fn round_trip_through_a_restart() {
    let dir = temp_dir("roundtrip");
    let data = {
        let s = Server::start_in(&dir, &["--save", ""]);
        let mut c = s.client();
        let data = populate(&mut c);
        // Expires before the reload: saved, then dropped when loading.
        assert_eq!(c.cmd(&["SET", "short", "x", "PX", "150"]), Resp::ok());
        assert_eq!(c.cmd(&["SAVE"]), Resp::ok());
        check_rdb(&dir.join("dump.rdb"));
        data
    };
    std::thread::sleep(Duration::from_millis(200));
    let s = Server::start_in(&dir, &["--save", ""]);
    let mut c = s.client();
    verify(&mut c, &data);
    assert_eq!(c.cmd(&["EXISTS", "short"]), Resp::Int(0));
}

#[test]
fn round_trip_without_compression() {
    let dir = temp_dir("nocompress");
    let data = {
        let s = Server::start_in(&dir, &["--save", "", "--rdbcompression", "no"]);
        let mut c = s.client();
        let data = populate(&mut c);
        assert_eq!(c.cmd(&["SAVE"]), Resp::ok());
        data
    };
    // 'z'*3000 and 'abc'*1000 are stored verbatim.
    assert!(std::fs::metadata(dir.join("dump.rdb")).expect("dump").len() > 11_000);
    check_rdb(&dir.join("dump.rdb"));
    let s = Server::start_in(&dir, &["--save", ""]);
    verify(&mut s.client(), &data);
}

/// A dataset big enough that writing it takes a noticeable moment (uncompressed).
/// The server must run with `--rdbcompression no`.
fn make_slow_to_save(c: &mut Client) {
    for i in 0..4 {
        assert_eq!(c.cmd(&["SETRANGE", &format!("big{i}"), "60000000", "x"]), Resp::Int(60_000_001));
    }
}

#[test]
fn bgsave_runs_in_the_background_and_refuses_a_second_one() {
    let s = Server::start(&["--save", "", "--rdbcompression", "no"]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["BGSAVE", "now"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["BGSAVE", "SCHEDULE", "x"]), err("ERR syntax error"));
    make_slow_to_save(&mut c);
    assert_eq!(c.cmd(&["BGSAVE"]), Resp::Simple("Background saving started".into()));
    // While it runs, clients are served and another save is refused.
    assert_eq!(c.cmd(&["SET", "during", "1"]), Resp::ok());
    assert_eq!(c.cmd(&["BGSAVE"]), err("ERR Background save already in progress"));
    assert_eq!(c.cmd(&["BGSAVE", "schedule"]), err("ERR Background save already in progress"));
    assert_eq!(c.cmd(&["SAVE"]), err("ERR Background save already in progress"));
    let dump = s.dir.join("dump.rdb");
    assert!(wait_until(Duration::from_secs(20), || dump.exists()));
    // Once done, a new one can start.
    assert!(wait_until(Duration::from_secs(20), || {
        match c.cmd(&["BGSAVE"]) {
            Resp::Simple(s) => s == "Background saving started",
            _ => false,
        }
    }));
    assert!(wait_until(Duration::from_secs(20), || c.cmd(&["SAVE"]) == Resp::ok()));
    check_rdb(&dump);
}

#[test]
fn bgsave_snapshot_is_point_in_time() {
    let dir = temp_dir("pit");
    {
        let s = Server::start_in(&dir, &["--save", ""]);
        let mut c = s.client();
        assert_eq!(c.cmd(&["SET", "k", "before"]), Resp::ok());
        assert_eq!(c.cmd(&["BGSAVE"]), Resp::Simple("Background saving started".into()));
        assert_eq!(c.cmd(&["SET", "k", "after"]), Resp::ok());
        assert_eq!(c.cmd(&["SET", "new", "after"]), Resp::ok());
        assert!(wait_until(Duration::from_secs(10), || dir.join("dump.rdb").exists()));
    }
    let s = Server::start_in(&dir, &["--save", ""]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["GET", "k"]), Resp::bulk("before"));
    assert_eq!(c.cmd(&["EXISTS", "new"]), Resp::Int(0));
}

#[test]
fn save_points_trigger_a_background_save() {
    let s = Server::start(&["--save", "1 2"]);
    let mut c = s.client();
    let dump = s.dir.join("dump.rdb");
    assert_eq!(c.cmd(&["SET", "a", "1"]), Resp::ok());
    assert_eq!(c.cmd(&["SET", "b", "2"]), Resp::ok());
    assert!(wait_until(Duration::from_secs(6), || dump.exists()), "log:\n{}", s.log_text());
    assert!(s.log_text().contains("changes in 1 seconds. Saving..."), "{}", s.log_text());
    check_rdb(&dump);
}

fn sigterm_saves(sig: &str) {
    let dir = temp_dir("sigterm");
    {
        let mut s = Server::start_in(&dir, &[]);
        let mut c = s.client();
        assert_eq!(c.cmd(&["SET", "k", "v"]), Resp::ok());
        assert_eq!(c.cmd(&["SET", "t", "x", "PXAT", "4102444800123"]), Resp::ok());
        signal(s.pid(), sig);
        assert_eq!(s.wait_exit(Duration::from_secs(10)), Some(0), "log:\n{}", s.log_text());
        assert!(s.log_text().contains("Saving the final RDB snapshot"), "{}", s.log_text());
    }
    check_rdb(&dir.join("dump.rdb"));
    let s = Server::start_in(&dir, &[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["GET", "k"]), Resp::bulk("v"));
    assert_eq!(c.cmd(&["PEXPIRETIME", "t"]), Resp::Int(4_102_444_800_123));
}

#[test]
fn sigterm_saves_when_save_points_are_configured() {
    sigterm_saves("-TERM");
}

#[test]
fn sigint_saves_too() {
    sigterm_saves("-INT");
}

#[test]
fn sigterm_without_save_points_exits_without_saving() {
    let mut s = Server::start(&["--save", ""]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["SET", "k", "v"]), Resp::ok());
    signal(s.pid(), "-TERM");
    assert_eq!(s.wait_exit(Duration::from_secs(10)), Some(0), "log:\n{}", s.log_text());
    assert!(!s.dir.join("dump.rdb").exists());
}

#[test]
fn shutdown_on_sigterm_config_is_honoured() {
    // nosave wins over configured save points.
    let mut s = Server::start(&["--shutdown-on-sigterm", "nosave"]);
    assert_eq!(s.client().cmd(&["SET", "k", "v"]), Resp::ok());
    signal(s.pid(), "-TERM");
    assert_eq!(s.wait_exit(Duration::from_secs(10)), Some(0), "log:\n{}", s.log_text());
    assert!(!s.dir.join("dump.rdb").exists());
    // save saves even without save points.
    let mut s = Server::start(&["--save", "", "--shutdown-on-sigint", "save"]);
    assert_eq!(s.client().cmd(&["SET", "k", "v"]), Resp::ok());
    signal(s.pid(), "-INT");
    assert_eq!(s.wait_exit(Duration::from_secs(10)), Some(0), "log:\n{}", s.log_text());
    assert!(s.dir.join("dump.rdb").exists());
}

#[test]
fn a_failed_shutdown_save_keeps_the_server_running() {
    let mut s = Server::start(&["--dbfilename", "dump.rdb"]);
    // A directory where the dump file should be: the rename fails.
    std::fs::create_dir(s.dir.join("dump.rdb")).expect("mkdir");
    std::fs::write(s.dir.join("dump.rdb").join("x"), b"x").expect("file");
    let mut c = s.client();
    assert_eq!(c.cmd(&["SET", "k", "v"]), Resp::ok());
    assert_eq!(c.cmd(&["SAVE"]), err("ERR"));
    signal(s.pid(), "-TERM");
    assert!(wait_until(Duration::from_secs(5), || s.log_text().contains("can't exit")), "{}", s.log_text());
    assert_eq!(s.wait_exit(Duration::from_millis(300)), None);
    assert_eq!(c.cmd(&["GET", "k"]), Resp::bulk("v"));
    // The failed save left no temporary file behind.
    let temps = std::fs::read_dir(&s.dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("temp-"))
        .count();
    assert_eq!(temps, 0);
}

#[test]
fn sigterm_during_bgsave_saves_the_latest_data() {
    let dir = temp_dir("term-bg");
    {
        let mut s = Server::start_in(&dir, &["--rdbcompression", "no"]);
        let mut c = s.client();
        make_slow_to_save(&mut c);
        assert_eq!(c.cmd(&["BGSAVE"]), Resp::Simple("Background saving started".into()));
        assert_eq!(c.cmd(&["SET", "after-bgsave", "1"]), Resp::ok());
        signal(s.pid(), "-TERM");
        assert_eq!(s.wait_exit(Duration::from_secs(30)), Some(0), "log:\n{}", s.log_text());
        assert!(s.log_text().contains("Background saving cancelled"), "{}", s.log_text());
    }
    // The cancelled background save did not rename its older snapshot over the final one.
    let s = Server::start_in(&dir, &["--save", ""]);
    assert_eq!(s.client().cmd(&["GET", "after-bgsave"]), Resp::bulk("1"));
}

#[test]
fn kill_9_during_bgsave_under_write_load_keeps_the_previous_file() {
    let dir = temp_dir("crash");
    let mut s = Server::start_in(&dir, &["--save", "", "--rdbcompression", "no"]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["SET", "generation", "1"]), Resp::ok());
    assert_eq!(c.cmd(&["SAVE"]), Resp::ok());
    let previous = std::fs::read(dir.join("dump.rdb")).expect("dump");
    make_slow_to_save(&mut c);
    let port = s.port;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counter = done.clone();
    let writer = std::thread::spawn(move || {
        let mut w = Client::connect(port);
        let mut i = 0u64;
        loop {
            w.send(&["SET", &format!("w{}", i % 1000), &i.to_string()]);
            if w.try_read().is_err() {
                return i;
            }
            i += 1;
            counter.store(i, std::sync::atomic::Ordering::Relaxed);
        }
    });
    assert!(wait_until(Duration::from_secs(5), || done.load(std::sync::atomic::Ordering::Relaxed) > 100));
    assert_eq!(c.cmd(&["BGSAVE"]), Resp::Simple("Background saving started".into()));
    // Kill once the temporary file is being written.
    let tmp_seen = wait_until(Duration::from_secs(10), || {
        std::fs::read_dir(&dir)
            .map(|rd| rd.filter_map(|e| e.ok()).any(|e| e.file_name().to_string_lossy().starts_with("temp-")))
            .unwrap_or(false)
    });
    assert!(tmp_seen);
    signal(s.pid(), "-KILL");
    assert!(s.wait_exit(Duration::from_secs(10)).is_none_or(|c| c != 0));
    writer.join().expect("writer");
    assert_eq!(std::fs::read(dir.join("dump.rdb")).expect("dump"), previous, "dump.rdb must be untouched");
    check_rdb(&dir.join("dump.rdb"));
    let s = Server::start_in(&dir, &["--save", ""]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["GET", "generation"]), Resp::bulk("1"));
    assert_eq!(c.cmd(&["DBSIZE"]), Resp::Int(1));
}

// ---------------------------------------------------------------------------------------------
// Interop with real Redis
// ---------------------------------------------------------------------------------------------

/// A real redis-server process, killed when dropped.
struct RealChild(std::process::Child);

impl Drop for RealChild {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start real redis-server on `dir` (loading its dump.rdb); None when not installed.
fn real_redis_on(dir: &Path) -> Option<(RealChild, u16)> {
    if !have_redis("redis-server") {
        return None;
    }
    let port = free_port();
    let child = RealChild(
        Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(["--dir", &dir.to_string_lossy()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn redis-server"),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            drop(s);
            let mut c = Client::connect(port);
            if c.cmd(&["PING"]) == Resp::Simple("PONG".into()) {
                return Some((child, port));
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("redis-server did not start");
}

#[test]
fn our_dump_loads_in_real_redis_with_the_same_content() {
    let dir = temp_dir("interop-out");
    let data = {
        let s = Server::start_in(&dir, &["--save", ""]);
        let mut c = s.client();
        let data = populate(&mut c);
        assert_eq!(c.cmd(&["SAVE"]), Resp::ok());
        data
    };
    check_rdb(&dir.join("dump.rdb"));
    let Some((_real, port)) = real_redis_on(&dir) else { return };
    let mut c = Client::connect(port);
    verify(&mut c, &data);
}

#[test]
fn a_dump_written_by_real_redis_loads_here() {
    let Some(real) = RealRedis::start(&["--enable-debug-command", "yes"]) else { return };
    let mut r = real.client();
    assert_eq!(r.cmd(&["DEBUG", "POPULATE", "2000"]), Resp::ok());
    let data = populate(&mut r);
    assert_eq!(r.cmd(&["SELECT", "0"]), Resp::ok());
    assert_eq!(r.cmd(&["SAVE"]), Resp::ok());
    let dir = temp_dir("interop-in");
    std::fs::copy(real.dir.join("dump.rdb"), dir.join("dump.rdb")).expect("copy dump");
    let s = Server::start_in(&dir, &["--save", ""]);
    let mut c = s.client();
    for i in [0, 1, 999, 1999] {
        assert_eq!(c.cmd(&["GET", &format!("key:{i}")]), Resp::bulk(&format!("value:{i}")));
    }
    assert_eq!(c.cmd(&["DBSIZE"]), Resp::Int(2000 + data.iter().filter(|d| d.0 == 0).count() as i64));
    verify_values(&mut c, &data);
}

// ---------------------------------------------------------------------------------------------
// DEBUG RELOAD and FLUSHALL (their handlers live in the server family, which calls
// `persistence::debug_reload` / `persistence::flushall_save`)
// ---------------------------------------------------------------------------------------------

/// DEBUG RELOAD reaches the persistence family (and checks its options as Redis does).
fn assert_debug_reload_options(c: &mut Client) {
    match c.cmd(&["DEBUG", "RELOAD", "NOSUCHOPTION"]) {
        Resp::Error(e) => assert!(e.contains("only supports the MERGE, NOFLUSH and NOSAVE options"), "{e}"),
        other => panic!("DEBUG RELOAD NOSUCHOPTION answered {other:?}"),
    }
}

#[test]
fn debug_reload_saves_flushes_and_loads() {
    let s = Server::start(&["--save", "", "--enable-debug-command", "yes"]);
    let mut c = s.client();
    assert_debug_reload_options(&mut c);
    let data = populate(&mut c);
    assert_eq!(c.cmd(&["DEBUG", "RELOAD"]), Resp::ok());
    verify(&mut c, &data);
    assert!(s.dir.join("dump.rdb").exists());
    assert_eq!(c.cmd(&["SELECT", "0"]), Resp::ok());
    // NOSAVE loads the file as it is: a key set since is gone.
    assert_eq!(c.cmd(&["SET", "later", "1"]), Resp::ok());
    assert_eq!(c.cmd(&["DEBUG", "RELOAD", "NOSAVE"]), Resp::ok());
    assert_eq!(c.cmd(&["EXISTS", "later"]), Resp::Int(0));
    // MERGE NOFLUSH: the file's values replace, other keys stay.
    assert_eq!(c.cmd(&["SET", "later", "1"]), Resp::ok());
    assert_eq!(c.cmd(&["SET", "int", "changed"]), Resp::ok());
    assert_eq!(c.cmd(&["DEBUG", "RELOAD", "merge", "noflush", "nosave"]), Resp::ok());
    assert_eq!(c.cmd(&["GET", "later"]), Resp::bulk("1"));
    assert_eq!(c.cmd(&["GET", "int"]), Resp::bulk("12345"));
    // NOFLUSH alone finds duplicates: an error, and the dataset is untouched.
    assert_eq!(c.cmd(&["DEBUG", "RELOAD", "NOFLUSH"]), err("ERR Error trying to load the RDB dump"));
    assert_eq!(c.cmd(&["GET", "later"]), Resp::bulk("1"));
    // A missing file: an error, and the dataset is untouched.
    std::fs::remove_file(s.dir.join("dump.rdb")).expect("remove");
    assert_eq!(c.cmd(&["DEBUG", "RELOAD", "NOSAVE"]), err("ERR Error trying to load the RDB dump"));
    assert_eq!(c.cmd(&["GET", "later"]), Resp::bulk("1"));
}

#[test]
fn flushall_saves_when_save_points_are_configured() {
    let s = Server::start(&["--save", "3600 1", "--enable-debug-command", "yes"]);
    let mut c = s.client();
    assert_debug_reload_options(&mut c);
    assert_eq!(c.cmd(&["SET", "k", "v"]), Resp::ok());
    assert_eq!(c.cmd(&["FLUSHALL"]), Resp::ok());
    let dump = s.dir.join("dump.rdb");
    assert!(dump.exists(), "FLUSHALL must save an empty dataset when save points exist");
    check_rdb(&dump);
    let s2 = Server::start(&["--save", ""]);
    let mut c2 = s2.client();
    assert_eq!(c2.cmd(&["SET", "k", "v"]), Resp::ok());
    assert_eq!(c2.cmd(&["FLUSHALL"]), Resp::ok());
    assert!(!s2.dir.join("dump.rdb").exists());
}
