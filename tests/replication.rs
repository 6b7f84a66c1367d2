//! Replication: full and partial resync (data written before the replica connects travels in
//! the snapshot), the exact stream and its rewrites, ACK offsets, WAIT, read-only replicas,
//! restarts and crashes of replicas and masters, chains, and interop with real Redis in both
//! directions.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

const T: Duration = Duration::from_secs(10);

fn replica_of(port: u16) -> Server {
    Server::start(&["--replicaof", &format!("127.0.0.1 {port}")])
}

/// ROLE's replication offset (master: element 1; replica: element 4).
fn offset(c: &mut Client) -> i64 {
    let r = c.cmd(&["ROLE"]);
    let a = r.array();
    if a[0] == Resp::bulk("master") { a[1].int() } else { a[4].int() }
}

fn link_up(c: &mut Client) -> bool {
    let r = c.cmd(&["ROLE"]);
    r.array().len() == 5 && r.array()[3] == Resp::bulk("connected")
}

/// Wait until the replica is connected and has processed everything the master has sent.
fn caught_up(m: &mut Client, r: &mut Client) -> bool {
    wait_until(T, || link_up(r) && offset(r) == offset(m))
}

/// A fake replica speaking the protocol over a raw socket, to observe the exact stream.
struct RawReplica {
    r: BufReader<TcpStream>,
    w: TcpStream,
    /// Stream bytes read since the snapshot.
    bytes: u64,
}

impl RawReplica {
    fn connect(port: u16) -> RawReplica {
        let w = common::connect_stream(port);
        w.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        let r = BufReader::new(w.try_clone().expect("clone"));
        RawReplica { r, w, bytes: 0 }
    }
    fn send(&mut self, args: &[&str]) {
        let a: Vec<&[u8]> = args.iter().map(|s| s.as_bytes()).collect();
        self.w.write_all(&Client::encode(&a)).expect("write");
    }
    fn line(&mut self) -> String {
        let mut l = String::new();
        self.r.read_line(&mut l).expect("line");
        self.bytes += l.len() as u64;
        l.trim_end_matches(['\r', '\n']).to_string()
    }
    /// Handshake and full sync; returns (replid, offset, rdb bytes).
    fn sync(port: u16) -> (RawReplica, String, i64, Vec<u8>) {
        let mut x = RawReplica::connect(port);
        x.send(&["REPLCONF", "listening-port", "1234"]);
        assert_eq!(x.line(), "+OK");
        x.send(&["REPLCONF", "capa", "eof", "capa", "psync2"]);
        assert_eq!(x.line(), "+OK");
        x.send(&["PSYNC", "?", "-1"]);
        let l = x.line();
        let parts: Vec<&str> = l.split(' ').collect();
        assert_eq!(parts[0], "+FULLRESYNC", "{l}");
        assert_eq!(parts[1].len(), 40);
        let (id, off) = (parts[1].to_string(), parts[2].parse().expect("offset"));
        let head = x.line();
        let n: usize = head.strip_prefix('$').expect("bulk header").parse().expect("length");
        let mut rdb = vec![0u8; n];
        x.r.read_exact(&mut rdb).expect("rdb");
        x.bytes = 0;
        (x, id, off, rdb)
    }
    /// One command from the stream.
    fn cmd(&mut self) -> Vec<String> {
        let head = self.line();
        let n: usize = head.strip_prefix('*').expect("multibulk").parse().expect("count");
        (0..n)
            .map(|_| {
                let len: usize = self.line().strip_prefix('$').expect("bulk").parse().expect("len");
                let mut b = vec![0u8; len + 2];
                self.r.read_exact(&mut b).expect("arg");
                self.bytes += b.len() as u64;
                String::from_utf8_lossy(&b[..len]).into_owned()
            })
            .collect()
    }
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn full_sync_handshake_and_empty_rdb() {
    let m = Server::start(&[]);
    let (_x, id, off, rdb) = RawReplica::sync(m.port);
    assert_eq!(off, 0);
    assert!(rdb.starts_with(b"REDIS0010"), "{rdb:?}");
    let mut c = m.client();
    let want = Resp::Array(vec![bulks(&["127.0.0.1", "1234", "0"])]);
    assert!(wait_until(T, || c.cmd(&["ROLE"]).array()[2] == want));
    assert_eq!(c.cmd(&["ROLE"]).array()[0], Resp::bulk("master"));
    assert_eq!(id.len(), 40);
}

#[test]
fn stream_carries_writes_with_rewrites() {
    let m = Server::start(&[]);
    let (mut x, _, _, _) = RawReplica::sync(m.port);
    let mut c = m.client();
    c.cmd(&["SET", "a", "1"]);
    assert_eq!(x.cmd(), strs(&["SELECT", "0"]));
    assert_eq!(x.cmd(), strs(&["SET", "a", "1"]));
    // Reads and no-op writes are not propagated.
    c.cmd(&["GET", "a"]);
    c.cmd(&["SET", "a", "2", "NX"]);
    c.cmd(&["DEL", "nokey"]);
    // Relative expiry becomes absolute.
    let before = now_ms();
    c.cmd(&["SET", "b", "v", "EX", "100"]);
    let got = x.cmd();
    assert_eq!(got[..4], strs(&["SET", "b", "v", "PXAT"]));
    let at: i64 = got[4].parse().unwrap();
    assert!(at >= before + 100_000 && at <= now_ms() + 100_000, "{at}");
    c.cmd(&["SET", "b", "w", "GET"]);
    assert_eq!(x.cmd(), strs(&["SET", "b", "w"]));
    c.cmd(&["SETEX", "c", "10", "v"]);
    assert_eq!(x.cmd()[..4], strs(&["SET", "c", "v", "PXAT"]));
    c.cmd(&["PSETEX", "c", "10000", "v"]);
    assert_eq!(x.cmd()[..4], strs(&["SET", "c", "v", "PXAT"]));
    c.cmd(&["EXPIRE", "a", "100"]);
    assert_eq!(x.cmd()[..2], strs(&["PEXPIREAT", "a"]));
    c.cmd(&["PEXPIRE", "a", "200000", "GT"]);
    let got = x.cmd();
    assert_eq!((got[0].as_str(), got[1].as_str(), got[3].as_str()), ("PEXPIREAT", "a", "GT"));
    c.cmd(&["EXPIREAT", "a", "99999999999"]);
    assert_eq!(x.cmd(), strs(&["PEXPIREAT", "a", "99999999999000"]));
    c.cmd(&["GETEX", "a", "EX", "50"]);
    assert_eq!(x.cmd()[..2], strs(&["PEXPIREAT", "a"]));
    c.cmd(&["GETEX", "a", "PERSIST"]);
    assert_eq!(x.cmd(), strs(&["PERSIST", "a"]));
    c.cmd(&["GETDEL", "a"]);
    assert_eq!(x.cmd(), strs(&["DEL", "a"]));
    c.cmd(&["GETSET", "g", "1"]);
    assert_eq!(x.cmd(), strs(&["SET", "g", "1"]));
    c.cmd(&["INCRBYFLOAT", "f", "1.5"]);
    assert_eq!(x.cmd(), strs(&["SET", "f", "1.5", "KEEPTTL"]));
    c.cmd(&["SET", "p", "v", "PXAT", "1"]);
    assert_eq!(x.cmd(), strs(&["DEL", "p"]));
    c.cmd(&["SET", "e", "v"]);
    assert_eq!(x.cmd(), strs(&["SET", "e", "v"]));
    c.cmd(&["EXPIRE", "e", "-1"]);
    assert_eq!(x.cmd(), strs(&["DEL", "e"]));
    for cmd in [
        &["INCR", "n"][..],
        &["DECRBY", "n", "3"],
        &["APPEND", "s", "xy"],
        &["SETRANGE", "s", "1", "z"],
        &["MSET", "k1", "1", "k2", "2"],
        &["MSETNX", "k3", "3"],
        &["SETNX", "k4", "4"],
        &["RENAME", "k4", "k5"],
        &["PERSIST", "c"],
        &["UNLINK", "k5"],
    ] {
        c.cmd(cmd);
        assert_eq!(x.cmd(), strs(cmd));
    }
    // A database switch is announced once.
    c.cmd(&["SELECT", "2"]);
    c.cmd(&["SET", "z", "1"]);
    c.cmd(&["SET", "z", "2"]);
    assert_eq!(x.cmd(), strs(&["SELECT", "2"]));
    assert_eq!(x.cmd(), strs(&["SET", "z", "1"]));
    assert_eq!(x.cmd(), strs(&["SET", "z", "2"]));
    c.cmd(&["FLUSHDB"]);
    assert_eq!(x.cmd(), strs(&["FLUSHDB"]));
    c.cmd(&["FLUSHALL"]);
    assert_eq!(x.cmd(), strs(&["FLUSHALL"]));
    // Offsets count every stream byte.
    assert_eq!(offset(&mut c), x.bytes as i64);
}

#[test]
fn expired_keys_reach_replicas_as_del() {
    let m = Server::start(&[]);
    let (mut x, _, _, _) = RawReplica::sync(m.port);
    let mut c = m.client();
    c.cmd(&["SET", "lazy", "v", "PX", "30"]);
    c.cmd(&["SET", "active", "v", "PX", "30"]);
    assert_eq!(x.cmd(), strs(&["SELECT", "0"]));
    x.cmd();
    x.cmd();
    let mut seen = Vec::new();
    // The active cycle or a lookup deletes them; either way each becomes a DEL.
    std::thread::sleep(Duration::from_millis(40));
    c.cmd(&["GET", "lazy"]);
    seen.push(x.cmd());
    seen.push(x.cmd());
    seen.sort();
    assert_eq!(seen, vec![strs(&["DEL", "active"]), strs(&["DEL", "lazy"])]);
}

#[test]
fn replica_applies_stream_and_acks_exact_offsets() {
    let m = Server::start(&[]);
    let r = replica_of(m.port);
    let (mut mc, mut rc) = (m.client(), r.client());
    assert!(wait_until(T, || link_up(&mut rc)));
    mc.cmd(&["SET", "a", "1"]);
    mc.cmd(&["SET", "t", "v", "EX", "100"]);
    mc.cmd(&["SELECT", "5"]);
    mc.cmd(&["INCRBYFLOAT", "f", "0.1"]);
    assert!(caught_up(&mut mc, &mut rc));
    assert_eq!(rc.cmd(&["GET", "a"]), Resp::bulk("1"));
    assert!((99..=100).contains(&rc.cmd(&["TTL", "t"]).int()));
    rc.cmd(&["SELECT", "5"]);
    assert_eq!(rc.cmd(&["GET", "f"]), Resp::bulk("0.1"));
    // The master's ROLE shows the replica's acknowledged offset.
    let off = offset(&mut mc);
    assert!(wait_until(T, || {
        let r = mc.cmd(&["ROLE"]);
        r.array()[2].array()[0].array()[2] == Resp::bulk(&off.to_string())
    }));
}

/// A fake master: accepts the replica's handshake and serves a diskless-framed snapshot.
#[test]
fn replica_handshake_eof_framing_and_getack_offset() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let r = replica_of(port);
    let (s, _) = l.accept().unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut w = s.try_clone().unwrap();
    let mut x = RawReplica { r: BufReader::new(s), w: w.try_clone().unwrap(), bytes: 0 };
    assert_eq!(x.cmd(), strs(&["PING"]));
    w.write_all(b"+PONG\r\n").unwrap();
    assert_eq!(x.cmd(), strs(&["REPLCONF", "listening-port", &r.port.to_string()]));
    w.write_all(b"+OK\r\n").unwrap();
    assert_eq!(x.cmd(), strs(&["REPLCONF", "capa", "eof", "capa", "psync2"]));
    w.write_all(b"+OK\r\n").unwrap();
    assert_eq!(x.cmd(), strs(&["PSYNC", "?", "-1"]));
    let id = "a".repeat(40);
    let mark = "b".repeat(40);
    let mut payload = format!("+FULLRESYNC {id} 1000\r\n\n\n$EOF:{mark}\r\n").into_bytes();
    payload.extend_from_slice(b"REDIS0010\xfa\x0erepl-stream-db\xc0\x03\xff\0\0\0\0\0\0\0\0");
    payload.extend_from_slice(mark.as_bytes());
    w.write_all(&payload).unwrap();
    // The first ACK reports the sync offset.
    assert_eq!(x.cmd(), strs(&["REPLCONF", "ACK", "1000"]));
    let stream = Client::encode(&[b"SET", b"k", b"v"]);
    w.write_all(&stream).unwrap();
    w.write_all(&Client::encode(&[b"REPLCONF", b"GETACK", b"*"])).unwrap();
    let mut cmd = x.cmd();
    while cmd[2] == "1000" {
        cmd = x.cmd();
    }
    assert_eq!(cmd, strs(&["REPLCONF", "ACK", &(1000 + stream.len()).to_string()]));
    // repl-stream-db from the snapshot: the stream continues in database 3.
    let mut c = r.client();
    c.cmd(&["SELECT", "3"]);
    assert_eq!(c.cmd(&["GET", "k"]), Resp::bulk("v"));
    let role = c.cmd(&["ROLE"]);
    assert_eq!(role.array()[3], Resp::bulk("connected"));
    // The GETACK itself counts once processed.
    let getack = Client::encode(&[b"REPLCONF", b"GETACK", b"*"]).len();
    assert!(wait_until(T, || offset(&mut c) == (1000 + stream.len() + getack) as i64));
}

#[test]
fn readonly_replica() {
    let m = Server::start(&[]);
    let r = replica_of(m.port);
    let mut rc = r.client();
    assert_eq!(rc.cmd(&["SET", "a", "1"]), err("READONLY You can't write against a read only replica."));
    assert_eq!(rc.cmd(&["DEL", "a"]), err("READONLY You can't write against a read only replica."));
    assert_eq!(rc.cmd(&["GET", "a"]), Resp::Nil);
    assert!(rc.cmd(&["WAIT", "0", "0"]).is_error());
}

#[test]
fn wait_counts_acknowledging_replicas() {
    let m = Server::start(&[]);
    let mut c = m.client();
    assert_eq!(c.cmd(&["WAIT", "0", "0"]), Resp::Int(0));
    let t = std::time::Instant::now();
    assert_eq!(c.cmd(&["WAIT", "1", "100"]), Resp::Int(0));
    assert!(t.elapsed() >= Duration::from_millis(100));
    assert_eq!(c.cmd(&["WAIT", "1", "-1"]), err("ERR timeout is negative"));
    assert_eq!(c.cmd(&["WAIT", "x", "0"]), err("ERR value is not an integer or out of range"));
    let r1 = replica_of(m.port);
    let mut rc1 = r1.client();
    assert!(wait_until(T, || link_up(&mut rc1)));
    c.cmd(&["SET", "a", "1"]);
    assert_eq!(c.cmd(&["WAIT", "1", "5000"]), Resp::Int(1));
    let r2 = replica_of(m.port);
    let mut rc2 = r2.client();
    assert!(wait_until(T, || link_up(&mut rc2)));
    c.cmd(&["SET", "a", "2"]);
    assert_eq!(c.cmd(&["WAIT", "2", "5000"]), Resp::Int(2));
    // A replica that never acknowledges: WAIT times out with what it has.
    let (_x, _, _, _) = RawReplica::sync(m.port);
    c.cmd(&["SET", "a", "3"]);
    let t = std::time::Instant::now();
    assert_eq!(c.cmd(&["WAIT", "3", "200"]), Resp::Int(2));
    assert!(t.elapsed() >= Duration::from_millis(200));
    // A client that wrote nothing counts every replica at once.
    let mut other = m.client();
    assert_eq!(other.cmd(&["WAIT", "3", "0"]), Resp::Int(3));
}

#[test]
fn partial_resync_after_link_drop() {
    let m = Server::start(&[]);
    let r = replica_of(m.port);
    let (mut mc, mut rc) = (m.client(), r.client());
    assert!(wait_until(T, || link_up(&mut rc)));
    mc.cmd(&["SET", "a", "1"]);
    assert!(caught_up(&mut mc, &mut rc));
    // Drop the link from the master's side, write while it is down.
    assert_eq!(mc.cmd(&["CLIENT", "KILL", "TYPE", "replica"]), Resp::Int(1));
    mc.cmd(&["SET", "b", "2"]);
    assert!(caught_up(&mut mc, &mut rc));
    assert_eq!(rc.cmd(&["GET", "a"]), Resp::bulk("1"));
    assert_eq!(rc.cmd(&["GET", "b"]), Resp::bulk("2"));
    assert!(wait_until(T, || m.log_text().contains("Partial resynchronization request")));
    assert_eq!(m.log_text().matches("starting a full resync").count(), 1);
    // From the replica's side too.
    assert_eq!(rc.cmd(&["CLIENT", "KILL", "TYPE", "master"]), Resp::Int(1));
    mc.cmd(&["SET", "c", "3"]);
    assert!(caught_up(&mut mc, &mut rc));
    assert_eq!(rc.cmd(&["GET", "c"]), Resp::bulk("3"));
    assert_eq!(m.log_text().matches("starting a full resync").count(), 1);
}

#[test]
fn full_resync_when_backlog_is_too_short() {
    let m = Server::start(&["--repl-backlog-size", "16384"]);
    let r = replica_of(m.port);
    let (mut mc, mut rc) = (m.client(), r.client());
    assert!(wait_until(T, || link_up(&mut rc)));
    mc.cmd(&["SET", "a", "1"]);
    assert!(caught_up(&mut mc, &mut rc));
    // Freeze the replica and drop its link, then write more than the backlog holds (written
    // before the kill, the bytes could already sit in the replica's socket buffer).
    let pid = r.pid().to_string();
    std::process::Command::new("kill").args(["-STOP", &pid]).status().unwrap();
    assert_eq!(mc.cmd(&["CLIENT", "KILL", "TYPE", "replica"]), Resp::Int(1));
    let big = "x".repeat(40_000);
    mc.cmd(&["SET", "big", &big]);
    std::process::Command::new("kill").args(["-CONT", &pid]).status().unwrap();
    assert!(wait_until(T, || m.log_text().matches("starting a full resync").count() == 2));
    assert!(m.log_text().contains("Partial resynchronization not accepted"));
    assert!(caught_up(&mut mc, &mut rc));
}

#[test]
fn many_mixed_writes_converge() {
    let m = Server::start(&[]);
    let r1 = replica_of(m.port);
    let r2 = replica_of(m.port);
    let (mut mc, mut c1, mut c2) = (m.client(), r1.client(), r2.client());
    assert!(wait_until(T, || link_up(&mut c1) && link_up(&mut c2)));
    let mut batch = Vec::new();
    for i in 0..10_000u32 {
        let k = format!("k{}", i % 700);
        let v = i.to_string();
        let cmd: Vec<&[u8]> = match i % 7 {
            0 => vec![b"SET", k.as_bytes(), v.as_bytes()],
            1 => vec![b"INCR", b"counter"],
            2 => vec![b"APPEND", k.as_bytes(), b"x"],
            3 => vec![b"DEL", k.as_bytes()],
            4 => vec![b"SELECT", if i % 2 == 0 { b"1" } else { b"0" }],
            5 => vec![b"SET", k.as_bytes(), v.as_bytes(), b"EX", b"1000"],
            _ => vec![b"INCRBYFLOAT", b"fl", b"0.5"],
        };
        batch.extend_from_slice(&Client::encode(&cmd));
    }
    mc.send_raw(&batch);
    for _ in 0..10_000 {
        mc.read();
    }
    assert!(caught_up(&mut mc, &mut c1));
    assert!(caught_up(&mut mc, &mut c2));
    for db in ["0", "1"] {
        for c in [&mut mc, &mut c1, &mut c2] {
            c.cmd(&["SELECT", db]);
        }
        let n = mc.cmd(&["DBSIZE"]);
        assert!(n.int() > 100);
        assert_eq!(c1.cmd(&["DBSIZE"]), n);
        assert_eq!(c2.cmd(&["DBSIZE"]), n);
        let mut keys: Vec<String> = (0..700).map(|i| format!("k{i}")).collect();
        keys.extend(["counter".to_string(), "fl".to_string()]);
        let mut args = vec!["MGET"];
        args.extend(keys.iter().map(|s| s.as_str()));
        let want = mc.cmd(&args);
        assert_eq!(c1.cmd(&args), want);
        assert_eq!(c2.cmd(&args), want);
    }
}

#[test]
fn chained_replication_and_promotion() {
    let m = Server::start(&[]);
    let r1 = replica_of(m.port);
    let r2 = replica_of(r1.port);
    let (mut mc, mut c1, mut c2) = (m.client(), r1.client(), r2.client());
    assert!(wait_until(T, || link_up(&mut c1) && link_up(&mut c2)));
    mc.cmd(&["SET", "a", "1"]);
    mc.cmd(&["SELECT", "4"]);
    mc.cmd(&["SET", "b", "2"]);
    assert!(caught_up(&mut mc, &mut c1));
    assert!(caught_up(&mut mc, &mut c2));
    assert_eq!(c2.cmd(&["GET", "a"]), Resp::bulk("1"));
    c2.cmd(&["SELECT", "4"]);
    assert_eq!(c2.cmd(&["GET", "b"]), Resp::bulk("2"));
    // Promote the middle node: it keeps its data, its replica continues from it.
    let old_id = c1.cmd(&["ROLE"]);
    assert_eq!(old_id.array()[0], Resp::bulk("slave"));
    assert_eq!(c1.cmd(&["REPLICAOF", "NO", "ONE"]), Resp::ok());
    assert_eq!(c1.cmd(&["ROLE"]).array()[0], Resp::bulk("master"));
    assert_eq!(c1.cmd(&["SET", "c", "3"]), Resp::ok());
    assert!(caught_up(&mut c1, &mut c2));
    assert_eq!(c2.cmd(&["GET", "b"]), Resp::bulk("2"));
    c2.cmd(&["SELECT", "0"]);
    assert_eq!(c2.cmd(&["GET", "c"]), Resp::bulk("3"));
    assert_eq!(r1.log_text().matches("starting a full resync").count(), 1);
    assert!(r1.log_text().contains("Partial resynchronization request"));
}

#[test]
fn replicaof_command() {
    let m = Server::start(&[]);
    let r = Server::start(&[]);
    let mut rc = r.client();
    assert_eq!(rc.cmd(&["ROLE"]).array()[0], Resp::bulk("master"));
    assert_eq!(rc.cmd(&["REPLICAOF", "127.0.0.1", "99999"]), err("ERR Invalid master port"));
    let p = m.port.to_string();
    assert_eq!(rc.cmd(&["REPLICAOF", "127.0.0.1", &p]), Resp::ok());
    assert_eq!(rc.cmd(&["SLAVEOF", "127.0.0.1", &p]), Resp::Simple("OK Already connected to specified master".into()));
    assert!(wait_until(T, || link_up(&mut rc)));
    let role = rc.cmd(&["ROLE"]);
    assert_eq!(
        role.array()[..4],
        [Resp::bulk("slave"), Resp::bulk("127.0.0.1"), Resp::Int(m.port as i64), Resp::bulk("connected")]
    );
    assert_eq!(rc.cmd(&["REPLICAOF", "no", "one"]), Resp::ok());
    assert_eq!(rc.cmd(&["SET", "x", "1"]), Resp::ok());
    assert_eq!(rc.cmd(&["REPLCONF", "bogus", "1"]), err("ERR Unrecognized REPLCONF option: bogus"));
    assert_eq!(rc.cmd(&["REPLCONF", "listening-port"]), err("ERR syntax error"));
}

#[test]
fn interop_real_redis_replica_of_this_master() {
    if !have_redis("redis-server") {
        return;
    }
    let m = Server::start(&[]);
    let real = RealRedis::start(&["--replicaof", "127.0.0.1", &m.port.to_string()]).unwrap();
    let (mut mc, mut rc) = (m.client(), real.client());
    assert!(wait_until(T, || {
        let r = rc.cmd(&["ROLE"]);
        r.array()[3] == Resp::bulk("connected")
    }));
    mc.cmd(&["SET", "a", "1"]);
    mc.cmd(&["SET", "t", "v", "EX", "100"]);
    mc.cmd(&["SELECT", "2"]);
    mc.cmd(&["INCRBYFLOAT", "f", "2.5"]);
    assert!(wait_until(T, || offset(&mut rc) == offset(&mut mc)));
    assert_eq!(rc.cmd(&["GET", "a"]), Resp::bulk("1"));
    assert!((99..=100).contains(&rc.cmd(&["TTL", "t"]).int()));
    rc.cmd(&["SELECT", "2"]);
    assert_eq!(rc.cmd(&["GET", "f"]), Resp::bulk("2.5"));
    mc.cmd(&["SET", "w", "1"]);
    assert_eq!(mc.cmd(&["WAIT", "1", "5000"]), Resp::Int(1));
}

#[test]
fn interop_this_replica_of_real_redis_master() {
    let Some(real) = RealRedis::start(&["--repl-diskless-sync-delay", "0"]) else { return };
    let r = replica_of(real.port);
    let (mut mc, mut rc) = (real.client(), r.client());
    assert!(wait_until(T, || link_up(&mut rc)));
    mc.cmd(&["SET", "a", "1"]);
    mc.cmd(&["SET", "t", "v", "EX", "100"]);
    mc.cmd(&["SELECT", "3"]);
    mc.cmd(&["INCRBYFLOAT", "f", "1.5"]);
    mc.cmd(&["GETDEL", "nothing"]);
    assert!(caught_up(&mut mc, &mut rc));
    assert_eq!(rc.cmd(&["GET", "a"]), Resp::bulk("1"));
    assert!((99..=100).contains(&rc.cmd(&["TTL", "t"]).int()));
    rc.cmd(&["SELECT", "3"]);
    assert_eq!(rc.cmd(&["GET", "f"]), Resp::bulk("1.5"));
    assert_eq!(mc.cmd(&["WAIT", "1", "5000"]), Resp::Int(1));
    // A dropped link continues from the real master's backlog.
    mc.cmd(&["CLIENT", "KILL", "TYPE", "replica"]);
    mc.cmd(&["SET", "b", "2"]);
    assert!(caught_up(&mut mc, &mut rc));
    rc.cmd(&["SELECT", "3"]);
    assert_eq!(rc.cmd(&["GET", "b"]), Resp::bulk("2"));
    assert!(r.log_text().contains("Successful partial resynchronization"));
}

#[test]
fn stuck_replica_is_dropped_past_its_output_buffer_limit() {
    let m = Server::start(&["--client-output-buffer-limit", "replica 2mb 0 0"]);
    let r = replica_of(m.port);
    let mut rc = r.client();
    assert!(wait_until(T, || link_up(&mut rc)));
    // A replica that never reads: its socket fills up, then its channel.
    let (_x, _, _, _) = RawReplica::sync(m.port);
    let mut c = m.client();
    assert!(wait_until(T, || c.cmd(&["ROLE"]).array()[2].array().len() == 2));
    let big = "x".repeat(1 << 20);
    let mut dropped = false;
    // The fake replica announced port 1234. (The healthy one may be dropped too when it falls
    // behind on a loaded machine: it then resyncs.)
    let stuck_listed = |c: &mut Client| c.cmd(&["INFO", "replication"]).text().contains("port=1234,");
    for i in 0..64 {
        // The master never blocks on the stuck replica.
        assert_eq!(c.cmd(&["SET", &format!("k{i}"), &big]), Resp::ok());
        if !stuck_listed(&mut c) {
            dropped = true;
            break;
        }
    }
    assert!(dropped, "the stuck replica was not dropped");
    assert!(m.log_text().contains("output buffer limit reached"));
    // The healthy replica keeps up.
    let mut mc = m.client();
    assert!(wait_until(Duration::from_secs(30), || link_up(&mut rc) && offset(&mut rc) == offset(&mut mc)));
    assert_eq!(rc.cmd(&["STRLEN", "k0"]), Resp::Int(1 << 20));
}

/// One field of INFO (any section).
fn info_field(c: &mut Client, name: &str) -> String {
    let text = c.cmd(&["INFO", "everything"]).text();
    let prefix = format!("{name}:");
    text.lines().find_map(|l| l.strip_prefix(&prefix)).map(|v| v.to_string()).unwrap_or_default()
}

/// The data `fill` writes: (db, key, value, ttl in seconds or 0).
const DATA: &[(&str, &str, &str, i64)] = &[
    ("0", "plain", "hello", 0),
    ("0", "num", "12345", 0),
    ("0", "ttl", "soon", 1000),
    ("3", "plain", "three", 0),
    ("3", "float", "2.5", 0),
    ("3", "ttl", "later", 5000),
    ("9", "neg", "-7", 200),
    ("9", "empty", "", 0),
];

/// Write DATA plus `n` numbered keys in database 1 (some with a TTL), ending in database 9.
fn fill(c: &mut Client, n: usize) {
    for (db, k, v, ttl) in DATA {
        c.cmd(&["SELECT", db]);
        if *ttl > 0 {
            assert_eq!(c.cmd(&["SET", k, v, "EX", &ttl.to_string()]), Resp::ok());
        } else {
            assert_eq!(c.cmd(&["SET", k, v]), Resp::ok());
        }
    }
    c.cmd(&["SELECT", "1"]);
    let big = "v".repeat(300);
    let mut batch = Vec::new();
    for i in 0..n {
        let k = format!("key:{i}");
        let cmd: Vec<&[u8]> = if i % 3 == 0 {
            vec![b"SET", k.as_bytes(), big.as_bytes(), b"PX", b"900000"]
        } else {
            vec![b"SET", k.as_bytes(), k.as_bytes()]
        };
        batch.extend_from_slice(&Client::encode(&cmd));
    }
    c.send_raw(&batch);
    for _ in 0..n {
        assert_eq!(c.read(), Resp::ok());
    }
    c.cmd(&["SELECT", "9"]);
}

/// Both servers hold the same data in databases 0..10: sizes, values and TTLs (within 2 s).
fn same_data(m: &mut Client, r: &mut Client, n: usize) {
    for db in 0..10 {
        let db = db.to_string();
        m.cmd(&["SELECT", &db]);
        r.cmd(&["SELECT", &db]);
        assert_eq!(r.cmd(&["DBSIZE"]), m.cmd(&["DBSIZE"]), "DBSIZE of db {db}");
    }
    for (db, k, v, ttl) in DATA {
        r.cmd(&["SELECT", db]);
        assert_eq!(r.cmd(&["GET", k]), Resp::bulk(v), "{db}/{k}");
        let got = r.cmd(&["TTL", k]).int();
        if *ttl > 0 {
            assert!((ttl - 2..=*ttl).contains(&got), "TTL of {db}/{k}: {got}");
        } else {
            assert_eq!(got, -1, "{db}/{k}");
        }
    }
    m.cmd(&["SELECT", "1"]);
    r.cmd(&["SELECT", "1"]);
    let keys: Vec<String> = (0..n).map(|i| format!("key:{i}")).collect();
    let mut args = vec!["MGET"];
    args.extend(keys.iter().map(|s| s.as_str()));
    assert_eq!(r.cmd(&args), m.cmd(&args));
    for k in keys.iter().step_by(3) {
        let (a, b) = (m.cmd(&["PTTL", k]).int(), r.cmd(&["PTTL", k]).int());
        assert!(a > 0 && (a - b).abs() < 2000, "PTTL of {k}: {a} vs {b}");
    }
}

#[test]
fn full_sync_transfers_existing_data() {
    let m = Server::start(&[]);
    let mut mc = m.client();
    fill(&mut mc, 2000);
    let dir = temp_dir("replica");
    let r = Server::start_in(&dir, &["--replicaof", &format!("127.0.0.1 {}", m.port)]);
    let mut rc = r.client();
    assert!(caught_up(&mut mc, &mut rc));
    same_data(&mut mc, &mut rc, 2000);
    // Loaded keys with a TTL are not counted as expired on the replica.
    assert_eq!(info_field(&mut rc, "expired_keys"), "0");
    assert_eq!(info_field(&mut mc, "sync_full"), "1");
    // The stream continues in the database the master's client was using (9): a SELECT first.
    mc.cmd(&["SELECT", "9"]);
    mc.cmd(&["SET", "after", "sync"]);
    assert!(caught_up(&mut mc, &mut rc));
    rc.cmd(&["SELECT", "9"]);
    assert_eq!(rc.cmd(&["GET", "after"]), Resp::bulk("sync"));
    // As Redis does, the replica keeps the master's snapshot as its dump file.
    assert!(dir.join("dump.rdb").exists());
}

#[test]
fn replica_info_fields() {
    // Nothing listens on this port: the link stays down, the replica has no history yet.
    let dead = free_port();
    let r = replica_of(dead);
    let mut rc = r.client();
    assert_eq!(info_field(&mut rc, "role"), "slave");
    assert_eq!(info_field(&mut rc, "master_link_status"), "down");
    assert_eq!(info_field(&mut rc, "master_last_io_seconds_ago"), "-1");
    assert_eq!(info_field(&mut rc, "master_sync_in_progress"), "0");
    assert_eq!(info_field(&mut rc, "slave_repl_offset"), "1");
    assert_eq!(info_field(&mut rc, "master_link_down_since_seconds"), "-1");

    // A fake master that stops in the middle of the snapshot: the transfer is in progress.
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let r = replica_of(port);
    let (s, _) = l.accept().unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut w = s.try_clone().unwrap();
    let mut x = RawReplica { r: BufReader::new(s), w: w.try_clone().unwrap(), bytes: 0 };
    for reply in ["+PONG\r\n", "+OK\r\n", "+OK\r\n"] {
        x.cmd();
        w.write_all(reply.as_bytes()).unwrap();
    }
    assert_eq!(x.cmd()[0], "PSYNC");
    let id = "c".repeat(40);
    w.write_all(format!("+FULLRESYNC {id} 77\r\n$100\r\nREDIS0010").as_bytes()).unwrap();
    let mut rc = r.client();
    assert!(wait_until(T, || info_field(&mut rc, "master_sync_read_bytes") == "9"));
    assert_eq!(info_field(&mut rc, "master_sync_in_progress"), "1");
    assert_eq!(info_field(&mut rc, "master_sync_total_bytes"), "100");
    assert_eq!(info_field(&mut rc, "master_sync_left_bytes"), "91");
    assert_eq!(info_field(&mut rc, "master_sync_perc"), "9.00");
    assert_eq!(info_field(&mut rc, "master_link_status"), "down");
    drop(w);
    drop(x);

    // A real link: up, recent I/O, the offset the master reports.
    let m = Server::start(&[]);
    let r = replica_of(m.port);
    let (mut mc, mut rc) = (m.client(), r.client());
    mc.cmd(&["SET", "a", "1"]);
    assert!(caught_up(&mut mc, &mut rc));
    assert_eq!(info_field(&mut rc, "master_link_status"), "up");
    assert_eq!(info_field(&mut rc, "master_sync_in_progress"), "0");
    let io: i64 = info_field(&mut rc, "master_last_io_seconds_ago").parse().unwrap();
    assert!((0..=5).contains(&io), "{io}");
    assert_eq!(info_field(&mut rc, "slave_repl_offset"), info_field(&mut mc, "master_repl_offset"));
    assert_eq!(info_field(&mut rc, "master_replid"), info_field(&mut mc, "master_replid"));
    assert!(info_field(&mut rc, "master_link_down_since_seconds").is_empty());
}

/// Start a replica of `master` in `dir` (so a restart loads the same dump file).
fn replica_in(dir: &std::path::Path, master: u16) -> Server {
    Server::start_in(dir, &["--replicaof", &format!("127.0.0.1 {master}"), "--save", "3600 1"])
}

#[test]
fn replica_restart_continues_with_partial_resync() {
    let m = Server::start(&[]);
    let mut mc = m.client();
    fill(&mut mc, 500);
    let dir = temp_dir("replica");
    let mut r = replica_in(&dir, m.port);
    let mut rc = r.client();
    assert!(caught_up(&mut mc, &mut rc));
    // The stream is in database 5 when the replica goes down, and goes on there without a SELECT.
    mc.cmd(&["SELECT", "5"]);
    mc.cmd(&["SET", "before", "shutdown"]);
    assert!(caught_up(&mut mc, &mut rc));
    rc.send(&["SHUTDOWN"]);
    assert_eq!(r.wait_exit(T), Some(0));
    mc.cmd(&["SET", "while", "down"]);
    mc.cmd(&["INCR", "n"]);

    let mut r = replica_in(&dir, m.port);
    let mut rc = r.client();
    assert!(caught_up(&mut mc, &mut rc));
    rc.cmd(&["SELECT", "5"]);
    assert_eq!(rc.cmd(&["GET", "while"]), Resp::bulk("down"));
    assert_eq!(rc.cmd(&["GET", "n"]), Resp::bulk("1"));
    same_data(&mut mc, &mut rc, 500);
    assert_eq!(m.log_text().matches("starting a full resync").count(), 1);
    assert!(m.log_text().contains("Partial resynchronization request"));
    assert!(r.log_text().contains("Successful partial resynchronization"));
    assert_eq!(info_field(&mut mc, "sync_full"), "1");
    assert_eq!(info_field(&mut mc, "sync_partial_ok"), "1");

    // SIGTERM saves too (save points are configured); the master changes database meanwhile.
    mc.cmd(&["SELECT", "5"]);
    mc.cmd(&["SET", "before", "sigterm"]);
    assert!(caught_up(&mut mc, &mut rc));
    std::process::Command::new("kill").args(["-TERM", &r.pid().to_string()]).status().unwrap();
    assert_eq!(r.wait_exit(T), Some(0));
    mc.cmd(&["SELECT", "7"]);
    mc.cmd(&["SET", "in", "seven"]);
    let r = replica_in(&dir, m.port);
    let mut rc = r.client();
    assert!(caught_up(&mut mc, &mut rc));
    rc.cmd(&["SELECT", "7"]);
    assert_eq!(rc.cmd(&["GET", "in"]), Resp::bulk("seven"));
    rc.cmd(&["SELECT", "5"]);
    assert_eq!(rc.cmd(&["GET", "before"]), Resp::bulk("sigterm"));
    assert_eq!(info_field(&mut mc, "sync_partial_ok"), "2");
    assert_eq!(info_field(&mut mc, "sync_full"), "1");
}

/// kill -9 of a replica while a client writes to the master, then a restart in the same
/// directory: it loads the snapshot of its initial sync (kept as its dump file) and asks to
/// continue from there; the master accepts if its backlog still covers the gap.
fn kill_replica_under_load(backlog: &str) -> Server {
    let m = Server::start(&["--repl-backlog-size", backlog]);
    let mut mc = m.client();
    fill(&mut mc, 300);
    let dir = temp_dir("replica");
    let mut r = replica_in(&dir, m.port);
    let mut rc = r.client();
    assert!(caught_up(&mut mc, &mut rc));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let port = m.port;
    let stop2 = stop.clone();
    let writer = std::thread::spawn(move || {
        let mut c = Client::connect(port);
        let mut i = 0u64;
        while !stop2.load(std::sync::atomic::Ordering::Relaxed) || i < 20_000 {
            let mut batch = Vec::new();
            for _ in 0..100 {
                let k = format!("w{}", i % 997);
                let v = i.to_string();
                let cmd: Vec<&[u8]> = match i % 5 {
                    0 => vec![b"SET", k.as_bytes(), v.as_bytes()],
                    1 => vec![b"INCR", b"counter"],
                    2 => vec![b"APPEND", k.as_bytes(), b"x"],
                    3 => vec![b"DEL", k.as_bytes()],
                    _ => vec![b"SELECT", if i.is_multiple_of(2) { b"2" } else { b"0" }],
                };
                batch.extend_from_slice(&Client::encode(&cmd));
                i += 1;
            }
            c.send_raw(&batch);
            for _ in 0..100 {
                c.read();
            }
            if i >= 200_000 {
                break;
            }
        }
        i
    });
    let start = offset(&mut mc);
    assert!(wait_until(T, || offset(&mut mc) > start + 100_000));
    // kill -9: no save; the dump file is the snapshot of the initial sync.
    let _ = r.child.kill();
    let _ = r.child.wait();
    let r = replica_in(&dir, m.port);
    let mut rc = r.client();
    assert!(wait_until(T, || link_up(&mut rc)));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(written >= 20_000);
    assert!(wait_until(Duration::from_secs(30), || link_up(&mut rc) && offset(&mut rc) == offset(&mut mc)));
    same_data(&mut mc, &mut rc, 300);
    let keys: Vec<String> = (0..997).map(|i| format!("w{i}")).chain(["counter".to_string()]).collect();
    let mut args = vec!["MGET"];
    args.extend(keys.iter().map(|s| s.as_str()));
    for db in ["0", "2"] {
        mc.cmd(&["SELECT", db]);
        rc.cmd(&["SELECT", db]);
        assert_eq!(rc.cmd(&args), mc.cmd(&args), "db {db}");
    }
    m
}

#[test]
fn replica_killed_under_load_converges() {
    let m = kill_replica_under_load("1mb");
    // Partial or full depending on how much was written meanwhile; never more than one more.
    let log = m.log_text();
    assert!(log.contains("Partial resynchronization request") || log.matches("starting a full resync").count() == 2);
    // With a backlog smaller than what was written while it was down: a full resync.
    let m = kill_replica_under_load("16kb");
    assert_eq!(m.log_text().matches("starting a full resync").count(), 2);
    assert!(m.log_text().contains("Partial resynchronization not accepted"));
}

#[test]
fn master_restart_keeps_its_history_for_partial_resync() {
    let dir = temp_dir("master");
    // No PING may move the offset between reading it and the save.
    let mut m = Server::start_in(&dir, &["--repl-ping-replica-period", "3600"]);
    let r = replica_of(m.port);
    let (mut mc, mut rc) = (m.client(), r.client());
    fill(&mut mc, 100);
    assert!(caught_up(&mut mc, &mut rc));
    let old_id = info_field(&mut mc, "master_replid");
    let old_off: i64 = info_field(&mut mc, "master_repl_offset").parse().unwrap();
    mc.send(&["SHUTDOWN", "SAVE"]);
    assert_eq!(m.wait_exit(T), Some(0));
    let m = Server::start_in(&dir, &[]);
    let mut mc = m.client();
    assert_eq!(info_field(&mut mc, "master_replid2"), old_id);
    assert_eq!(info_field(&mut mc, "second_repl_offset"), (old_off + 1).to_string());
    assert_eq!(info_field(&mut mc, "master_repl_offset"), old_off.to_string());
    // The replica follows the master to its new port and continues where it was.
    assert_eq!(rc.cmd(&["REPLICAOF", "127.0.0.1", &m.port.to_string()]), Resp::ok());
    mc.cmd(&["SET", "new", "1"]);
    assert!(caught_up(&mut mc, &mut rc));
    assert_eq!(rc.cmd(&["GET", "new"]), Resp::bulk("1"));
    same_data(&mut mc, &mut rc, 100);
    assert_eq!(info_field(&mut mc, "sync_partial_ok"), "1");
    assert_eq!(info_field(&mut mc, "sync_full"), "0");
    assert_eq!(info_field(&mut rc, "master_replid2"), old_id);
}

#[test]
fn interop_real_redis_master_with_existing_data() {
    // Diskless ($EOF: framing, Redis 7.0's default) and disk-based ($<len>) transfers.
    for diskless in ["yes", "no"] {
        let Some(real) = RealRedis::start(&["--repl-diskless-sync", diskless, "--repl-diskless-sync-delay", "0"])
        else {
            return;
        };
        let mut mc = real.client();
        fill(&mut mc, 1000);
        let r = replica_of(real.port);
        let mut rc = r.client();
        assert!(caught_up(&mut mc, &mut rc), "diskless {diskless}");
        same_data(&mut mc, &mut rc, 1000);
        assert!(r.log_text().contains("Full resync from master"));
        mc.cmd(&["SELECT", "9"]);
        mc.cmd(&["SET", "then", "more"]);
        assert!(caught_up(&mut mc, &mut rc));
        rc.cmd(&["SELECT", "9"]);
        assert_eq!(rc.cmd(&["GET", "then"]), Resp::bulk("more"));
    }
}

#[test]
fn interop_real_redis_replica_with_existing_data() {
    if !have_redis("redis-server") {
        return;
    }
    let m = Server::start(&[]);
    let mut mc = m.client();
    fill(&mut mc, 1000);
    let real = RealRedis::start(&["--replicaof", "127.0.0.1", &m.port.to_string()]).unwrap();
    let mut rc = real.client();
    assert!(wait_until(T, || link_up(&mut rc) && offset(&mut rc) == offset(&mut mc)));
    same_data(&mut mc, &mut rc, 1000);
    assert_eq!(info_field(&mut rc, "master_replid"), info_field(&mut mc, "master_replid"));
    mc.cmd(&["SELECT", "9"]);
    mc.cmd(&["SET", "then", "more"]);
    assert!(wait_until(T, || offset(&mut rc) == offset(&mut mc)));
    rc.cmd(&["SELECT", "9"]);
    assert_eq!(rc.cmd(&["GET", "then"]), Resp::bulk("more"));
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

/// A key that expires on the master (lazily on a read, or by the active cycle) is deleted on
/// the replica by the master's DEL, with either master: the replica's DBSIZE and INFO keyspace
/// agree with the master's, although the replica hid the key as soon as its TTL passed.
fn expired_keys_leave_the_replica(m: &mut Client, r: &mut Client) {
    assert!(wait_until(T, || link_up(r)));
    m.cmd(&["SET", "lazy", "v", "PX", "100"]);
    m.cmd(&["SET", "active", "v", "PX", "100"]);
    m.cmd(&["SELECT", "2"]);
    m.cmd(&["SET", "other-db", "v", "PX", "100"]);
    m.cmd(&["SET", "stays", "v"]);
    m.cmd(&["SELECT", "0"]);
    // The read that finds the key expired deletes it on the master and propagates a DEL.
    assert!(wait_until(T, || m.cmd(&["GET", "lazy"]) == Resp::Nil));
    // The others go by the active cycle.
    assert!(wait_until(T, || m.cmd(&["DBSIZE"]) == Resp::Int(0)));
    m.cmd(&["SELECT", "2"]);
    assert!(wait_until(T, || m.cmd(&["DBSIZE"]) == Resp::Int(1)));
    assert!(caught_up(m, r));
    assert!(wait_until(T, || r.cmd(&["DBSIZE"]) == Resp::Int(0)), "db 0 of the replica keeps expired keys");
    assert_eq!(r.cmd(&["EXISTS", "lazy"]), Resp::Int(0));
    r.cmd(&["SELECT", "2"]);
    assert_eq!(r.cmd(&["DBSIZE"]), Resp::Int(1));
    assert_eq!(r.cmd(&["GET", "stays"]), Resp::bulk("v"));
    let keyspace = r.cmd(&["INFO", "keyspace"]).text();
    assert!(!keyspace.contains("db0:"), "{keyspace}");
    assert!(keyspace.contains("db2:keys=1,expires=0"), "{keyspace}");
}

#[test]
fn expired_keys_leave_the_replica_of_this_master() {
    let m = Server::start(&[]);
    let r = replica_of(m.port);
    expired_keys_leave_the_replica(&mut m.client(), &mut r.client());
}

#[test]
fn expired_keys_leave_the_replica_of_a_real_master() {
    let Some(real) = RealRedis::start(&["--repl-diskless-sync-delay", "0"]) else { return };
    let r = replica_of(real.port);
    expired_keys_leave_the_replica(&mut real.client(), &mut r.client());
}

/// A blocked pop served by a push reaches replicas as the push followed by the pop in its
/// non-blocking form, each on its own (no MULTI around them), as in Redis.
#[test]
fn served_blocking_pops_propagate_after_the_push() {
    let m = Server::start(&[]);
    let (mut x, _, _, _) = RawReplica::sync(m.port);
    let (mut admin, mut w, mut mover) = (m.client(), m.client(), m.client());
    w.send(&["BLPOP", "q", "0"]);
    mover.send(&["BLMOVE", "src", "dst", "right", "LEFT", "0"]);
    assert!(wait_until(T, || admin.cmd(&["INFO", "clients"]).text().contains("blocked_clients:2")));
    admin.cmd(&["RPUSH", "q", "a", "b"]);
    assert_eq!(w.read(), bulks(&["q", "a"]));
    assert_eq!(x.cmd(), strs(&["SELECT", "0"]));
    assert_eq!(x.cmd(), strs(&["RPUSH", "q", "a", "b"]));
    assert_eq!(x.cmd(), strs(&["LPOP", "q"]));
    admin.cmd(&["LPUSH", "src", "m"]);
    assert_eq!(mover.read(), Resp::bulk("m"));
    assert_eq!(x.cmd(), strs(&["LPUSH", "src", "m"]));
    assert_eq!(x.cmd(), strs(&["LMOVE", "src", "dst", "right", "LEFT"]));
    // Served at once, a blocking pop is rewritten the same way.
    assert_eq!(admin.cmd(&["BRPOP", "q", "0"]), bulks(&["q", "b"]));
    assert_eq!(x.cmd(), strs(&["RPOP", "q"]));
    assert_eq!(
        admin.cmd(&["LMPOP", "1", "dst", "LEFT", "COUNT", "3"]),
        Resp::Array(vec![Resp::bulk("dst"), bulks(&["m"])])
    );
    assert_eq!(x.cmd(), strs(&["LPOP", "dst", "1"]));
    admin.cmd(&["RPUSH", "f", "1"]);
    assert_eq!(admin.cmd(&["BRPOPLPUSH", "f", "g", "0"]), Resp::bulk("1"));
    assert_eq!(x.cmd(), strs(&["RPUSH", "f", "1"]));
    assert_eq!(x.cmd(), strs(&["RPOPLPUSH", "f", "g"]));
}
