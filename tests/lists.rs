//! Lists: every command's replies and errors in RESP2 and RESP3, emptied lists disappearing,
//! and the blocking pops, which exercise the generic blocking path (FIFO waiters per key, the
//! right database woken, timeouts, CLIENT UNBLOCK and KILL, waiters that vanish, chained
//! serving, and the served pop's own propagation).

mod common;
use common::*;
use std::time::{Duration, Instant};

const T: Duration = Duration::from_secs(10);

fn info_field(c: &mut Client, name: &str) -> String {
    let text = c.cmd(&["INFO", "clients"]).text();
    text.lines().find_map(|l| l.strip_prefix(&format!("{name}:"))).map(|v| v.trim().to_string()).unwrap_or_default()
}

/// Wait until `n` clients are blocked (so the order of arrival is known).
fn blocked(c: &mut Client, n: usize) -> bool {
    wait_until(T, || info_field(c, "blocked_clients") == n.to_string())
}

#[test]
fn pushes_pops_and_ranges() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["RPUSH", "l", "a", "b", "c"]), Resp::Int(3));
    assert_eq!(c.cmd(&["LPUSH", "l", "z"]), Resp::Int(4));
    assert_eq!(c.cmd(&["LRANGE", "l", "0", "-1"]), bulks(&["z", "a", "b", "c"]));
    assert_eq!(c.cmd(&["LRANGE", "l", "-100", "100"]), bulks(&["z", "a", "b", "c"]));
    assert_eq!(c.cmd(&["LRANGE", "l", "2", "1"]), Resp::Array(vec![]));
    assert_eq!(c.cmd(&["LRANGE", "l", "1", "a"]), err("ERR value is not an integer or out of range"));
    assert_eq!(c.cmd(&["LLEN", "l"]), Resp::Int(4));
    assert_eq!(c.cmd(&["LINDEX", "l", "-1"]), Resp::bulk("c"));
    assert_eq!(c.cmd(&["LINDEX", "l", "9"]), Resp::Nil);
    assert_eq!(c.cmd(&["LPOP", "l"]), Resp::bulk("z"));
    assert_eq!(c.cmd(&["RPOP", "l", "2"]), bulks(&["c", "b"]));
    assert_eq!(c.cmd(&["LPOP", "l", "0"]), Resp::Array(vec![]));
    assert_eq!(c.cmd(&["LPOP", "l", "-1"]), err("ERR value is out of range, must be positive"));
    assert_eq!(c.cmd(&["LPOP", "l", "10"]), bulks(&["a"]));
    assert_eq!(c.cmd(&["EXISTS", "l"]), Resp::Int(0), "an emptied list disappears");
    assert_eq!(c.cmd(&["LPOP", "l"]), Resp::Nil);
    assert_eq!(c.cmd(&["LPOP", "l", "2"]), Resp::NilArray);
    assert_eq!(c.cmd(&["LPUSHX", "l", "a"]), Resp::Int(0));
    assert_eq!(c.cmd(&["RPUSH", "l", "a"]), Resp::Int(1));
    assert_eq!(c.cmd(&["RPUSHX", "l", "b", "c"]), Resp::Int(3));
    assert_eq!(c.cmd(&["TYPE", "l"]), Resp::Simple("list".into()));
    assert_eq!(c.cmd(&["OBJECT", "ENCODING", "l"]), Resp::bulk("quicklist"));
    c.cmd(&["SET", "s", "v"]);
    let wrong = err("WRONGTYPE Operation against a key holding the wrong kind of value");
    for cmd in
        [&["LPUSH", "s", "x"][..], &["LPOP", "s"], &["LLEN", "s"], &["LRANGE", "s", "0", "1"], &["BLPOP", "s", "0"]]
    {
        assert_eq!(c.cmd(cmd), wrong, "{cmd:?}");
    }
    assert_eq!(c.cmd(&["LPUSH", "l"]), err("ERR wrong number of arguments for 'lpush' command"));
}

#[test]
fn insert_set_remove_trim_and_positions() {
    let s = Server::start(&[]);
    let mut c = s.client();
    c.cmd(&["RPUSH", "l", "1", "2", "3", "2", "1"]);
    assert_eq!(c.cmd(&["LPOS", "l", "2"]), Resp::Int(1));
    assert_eq!(c.cmd(&["LPOS", "l", "2", "RANK", "-1"]), Resp::Int(3));
    assert_eq!(c.cmd(&["LPOS", "l", "2", "COUNT", "0"]), Resp::Array(vec![Resp::Int(1), Resp::Int(3)]));
    assert_eq!(c.cmd(&["LPOS", "l", "2", "RANK", "-1", "COUNT", "0"]), Resp::Array(vec![Resp::Int(3), Resp::Int(1)]));
    assert_eq!(c.cmd(&["LPOS", "l", "9", "COUNT", "0"]), Resp::Array(vec![]));
    assert_eq!(c.cmd(&["LPOS", "l", "9"]), Resp::Nil);
    assert_eq!(c.cmd(&["LPOS", "l", "2", "MAXLEN", "1"]), Resp::Nil);
    assert!(c.cmd(&["LPOS", "l", "2", "RANK", "0"]).text().starts_with("ERR RANK can't be zero"));
    assert_eq!(c.cmd(&["LPOS", "l", "2", "COUNT", "-1"]), err("ERR COUNT can't be negative"));
    assert_eq!(c.cmd(&["LPOS", "l", "2", "MAXLEN", "-1"]), err("ERR MAXLEN can't be negative"));
    assert_eq!(c.cmd(&["LPOS", "l", "2", "FOO", "1"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["LINSERT", "l", "BEFORE", "3", "x"]), Resp::Int(6));
    assert_eq!(c.cmd(&["LINSERT", "l", "AFTER", "9", "x"]), Resp::Int(-1));
    assert_eq!(c.cmd(&["LINSERT", "nokey", "AFTER", "9", "x"]), Resp::Int(0));
    assert_eq!(c.cmd(&["LINSERT", "l", "MIDDLE", "3", "x"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["LSET", "l", "0", "first"]), Resp::ok());
    assert_eq!(c.cmd(&["LSET", "l", "10", "x"]), err("ERR index out of range"));
    assert_eq!(c.cmd(&["LSET", "nokey", "0", "x"]), err("ERR no such key"));
    assert_eq!(c.cmd(&["LRANGE", "l", "0", "-1"]), bulks(&["first", "2", "x", "3", "2", "1"]));
    assert_eq!(c.cmd(&["LREM", "l", "-1", "2"]), Resp::Int(1));
    assert_eq!(c.cmd(&["LREM", "l", "0", "nothing"]), Resp::Int(0));
    assert_eq!(c.cmd(&["LTRIM", "l", "1", "-2"]), Resp::ok());
    assert_eq!(c.cmd(&["LRANGE", "l", "0", "-1"]), bulks(&["2", "x", "3"]));
    assert_eq!(c.cmd(&["LTRIM", "l", "5", "1"]), Resp::ok());
    assert_eq!(c.cmd(&["EXISTS", "l"]), Resp::Int(0));
}

#[test]
fn moves_and_multi_key_pops() {
    let s = Server::start(&[]);
    let mut c = s.client();
    c.cmd(&["RPUSH", "a", "1", "2", "3"]);
    assert_eq!(c.cmd(&["LMOVE", "a", "b", "LEFT", "RIGHT"]), Resp::bulk("1"));
    assert_eq!(c.cmd(&["RPOPLPUSH", "a", "b"]), Resp::bulk("3"));
    assert_eq!(c.cmd(&["LRANGE", "b", "0", "-1"]), bulks(&["3", "1"]));
    assert_eq!(c.cmd(&["LMOVE", "a", "a", "LEFT", "RIGHT"]), Resp::bulk("2"), "rotation of one list");
    assert_eq!(c.cmd(&["LMOVE", "a", "b", "UP", "LEFT"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["RPOPLPUSH", "nokey", "b"]), Resp::Nil);
    c.cmd(&["SET", "s", "v"]);
    assert!(c.cmd(&["LMOVE", "a", "s", "LEFT", "LEFT"]).text().starts_with("WRONGTYPE"));
    assert_eq!(c.cmd(&["LRANGE", "a", "0", "-1"]), bulks(&["2"]), "nothing moved to a wrong type");
    assert_eq!(
        c.cmd(&["LMPOP", "3", "nokey", "b", "a", "RIGHT", "COUNT", "5"]),
        Resp::Array(vec![Resp::bulk("b"), bulks(&["1", "3"])])
    );
    assert_eq!(c.cmd(&["LMPOP", "1", "nokey", "LEFT"]), Resp::NilArray);
    assert_eq!(c.cmd(&["LMPOP", "0", "a", "LEFT"]), err("ERR numkeys should be greater than 0"));
    assert_eq!(c.cmd(&["LMPOP", "abc", "a", "LEFT"]), err("ERR numkeys should be greater than 0"));
    assert_eq!(c.cmd(&["LMPOP", "3", "a", "LEFT"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["LMPOP", "1", "a", "LEFT", "COUNT", "0"]), err("ERR count should be greater than 0"));
    assert_eq!(c.cmd(&["LMPOP", "1", "a", "LEFT", "COUNT"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["COMMAND", "GETKEYS", "LMPOP", "2", "x", "y", "LEFT"]), bulks(&["x", "y"]));
    assert_eq!(c.cmd(&["COMMAND", "GETKEYS", "BLMPOP", "0", "1", "x", "LEFT"]), bulks(&["x"]));
}

#[test]
fn resp3_replies() {
    let s = Server::start(&[]);
    let mut c = s.client();
    c.cmd(&["HELLO", "3"]);
    assert_eq!(c.try_read_raw_after(&["LPOP", "nokey"]), b"_\r\n");
    assert_eq!(c.try_read_raw_after(&["LPOP", "nokey", "2"]), b"_\r\n");
    assert_eq!(c.try_read_raw_after(&["LMPOP", "1", "nokey", "LEFT"]), b"_\r\n");
    assert_eq!(c.try_read_raw_after(&["BLPOP", "nokey", "0.01"]), b"_\r\n");
    assert_eq!(c.try_read_raw_after(&["BLMOVE", "nokey", "x", "LEFT", "LEFT", "0.01"]), b"_\r\n");
    assert_eq!(c.try_read_raw_after(&["LPOS", "nokey", "x"]), b"_\r\n");
    c.cmd(&["RPUSH", "l", "a"]);
    assert_eq!(c.try_read_raw_after(&["LMPOP", "1", "l", "LEFT"]), b"*2\r\n$1\r\nl\r\n*1\r\n$1\r\na\r\n");
}

#[test]
fn blocking_timeouts_and_errors() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let started = Instant::now();
    assert_eq!(c.cmd(&["BLPOP", "nokey", "0.1"]), Resp::NilArray);
    assert!(started.elapsed() >= Duration::from_millis(100), "waited {:?}", started.elapsed());
    assert_eq!(c.cmd(&["BRPOP", "nokey", "-1"]), err("ERR timeout is negative"));
    assert_eq!(c.cmd(&["BRPOP", "nokey", "abc"]), err("ERR timeout is not a float or out of range"));
    assert_eq!(c.cmd(&["BLMOVE", "nokey", "x", "LEFT", "LEFT", "0.01"]), Resp::NilArray);
    assert_eq!(c.cmd(&["BRPOPLPUSH", "nokey", "x", "0.01"]), Resp::NilArray);
    assert_eq!(c.cmd(&["BLMPOP", "0.01", "1", "nokey", "LEFT"]), Resp::NilArray);
    let stats = c.cmd(&["INFO", "commandstats"]).text();
    assert!(stats.contains("cmdstat_blpop:calls=1,"), "a timed-out pop is one call: {stats}");
    // An element already there is served at once, and the client is never blocked.
    c.cmd(&["RPUSH", "q", "x"]);
    assert_eq!(c.cmd(&["BLPOP", "nokey", "q", "0"]), bulks(&["q", "x"]));
}

#[test]
fn waiters_are_served_first_come_first_served() {
    let s = Server::start(&[]);
    let mut admin = s.client();
    let mut waiters: Vec<Client> = (0..3).map(|_| s.client()).collect();
    for (i, w) in waiters.iter_mut().enumerate() {
        w.send(&["BLPOP", "q", "0"]);
        assert!(blocked(&mut admin, i + 1));
    }
    let list = admin.cmd(&["CLIENT", "LIST"]).text();
    assert_eq!(list.lines().filter(|l| l.contains("flags=b ")).count(), 3, "{list}");
    for (i, w) in waiters.iter_mut().enumerate() {
        let v = format!("v{i}");
        assert_eq!(admin.cmd(&["RPUSH", "q", &v]), Resp::Int(1));
        assert_eq!(w.read(), bulks(&["q", &v]), "waiter {i}");
    }
    assert_eq!(admin.cmd(&["EXISTS", "q"]), Resp::Int(0), "every element went to a waiter");
    assert_eq!(info_field(&mut admin, "blocked_clients"), "0");
    // One push of several elements serves several waiters in order.
    for (i, w) in waiters.iter_mut().enumerate() {
        w.send(&["BRPOP", "q", "0"]);
        assert!(blocked(&mut admin, i + 1));
    }
    assert_eq!(admin.cmd(&["LPUSH", "q", "a", "b", "c", "d"]), Resp::Int(4));
    let got: Vec<Resp> = waiters.iter_mut().map(|w| w.read()).collect();
    assert_eq!(got, vec![bulks(&["q", "a"]), bulks(&["q", "b"]), bulks(&["q", "c"])]);
    assert_eq!(admin.cmd(&["LRANGE", "q", "0", "-1"]), bulks(&["d"]));
}

#[test]
fn a_push_wakes_the_waiter_of_its_database_only() {
    let s = Server::start(&[]);
    let mut admin = s.client();
    let mut w = s.client();
    w.cmd(&["SELECT", "1"]);
    w.send(&["BLPOP", "k", "0"]);
    assert!(blocked(&mut admin, 1));
    admin.cmd(&["RPUSH", "k", "db0"]);
    assert_eq!(admin.cmd(&["LLEN", "k"]), Resp::Int(1), "database 0's push is not taken");
    assert_eq!(info_field(&mut admin, "blocked_clients"), "1");
    admin.cmd(&["SELECT", "1"]);
    admin.cmd(&["RPUSH", "k", "db1"]);
    assert_eq!(w.read(), bulks(&["k", "db1"]));
    // The waiter goes on with the commands it pipelined behind the blocking one.
    w.send(&["BLPOP", "k", "0"]);
    w.send(&["PING"]);
    assert!(blocked(&mut admin, 1));
    admin.cmd(&["RPUSH", "k", "again"]);
    assert_eq!(w.read(), bulks(&["k", "again"]));
    assert_eq!(w.read(), Resp::Simple("PONG".into()));
}

#[test]
fn unblock_kill_and_vanishing_waiters() {
    let s = Server::start(&[]);
    let mut admin = s.client();
    let mut w = s.client();
    let id = w.cmd(&["CLIENT", "ID"]).int().to_string();
    w.send(&["BLPOP", "k", "0"]);
    assert!(blocked(&mut admin, 1));
    assert_eq!(admin.cmd(&["CLIENT", "UNBLOCK", &id]), Resp::Int(1));
    assert_eq!(w.read(), Resp::NilArray, "TIMEOUT is the default reason");
    assert_eq!(admin.cmd(&["CLIENT", "UNBLOCK", &id]), Resp::Int(0), "not blocked any more");
    w.send(&["BLMOVE", "k", "d", "LEFT", "LEFT", "0"]);
    assert!(blocked(&mut admin, 1));
    assert_eq!(admin.cmd(&["CLIENT", "UNBLOCK", &id, "ERROR"]), Resp::Int(1));
    assert_eq!(w.read(), err("UNBLOCKED client unblocked via CLIENT UNBLOCK"));
    assert_eq!(
        admin.cmd(&["CLIENT", "UNBLOCK", &id, "MAYBE"]),
        err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
    );
    // A waiter that disconnects is forgotten: the next element stays in the list.
    let mut gone = s.client();
    gone.send(&["BLPOP", "k", "0"]);
    assert!(blocked(&mut admin, 1));
    drop(gone);
    assert!(blocked(&mut admin, 0), "the vanished client is unblocked");
    admin.cmd(&["RPUSH", "k", "kept"]);
    assert_eq!(admin.cmd(&["LRANGE", "k", "0", "-1"]), bulks(&["kept"]));
    // CLIENT KILL releases a waiter too.
    admin.cmd(&["DEL", "k"]);
    let mut killed = s.client();
    let kid = killed.cmd(&["CLIENT", "ID"]).int().to_string();
    killed.send(&["BLPOP", "k", "0"]);
    assert!(blocked(&mut admin, 1));
    assert_eq!(admin.cmd(&["CLIENT", "KILL", "ID", &kid]), Resp::Int(1));
    assert!(blocked(&mut admin, 0));
    assert!(killed.is_closed());
}

#[test]
fn a_served_move_serves_the_waiter_of_its_destination() {
    let s = Server::start(&[]);
    let mut admin = s.client();
    let (mut mover, mut popper) = (s.client(), s.client());
    mover.send(&["BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"]);
    assert!(blocked(&mut admin, 1));
    popper.send(&["BLPOP", "dst", "0"]);
    assert!(blocked(&mut admin, 2));
    admin.cmd(&["RPUSH", "src", "x"]);
    assert_eq!(mover.read(), Resp::bulk("x"));
    assert_eq!(popper.read(), bulks(&["dst", "x"]));
    assert_eq!(admin.cmd(&["DBSIZE"]), Resp::Int(0));
    assert_eq!(info_field(&mut admin, "blocked_clients"), "0");
}

#[test]
fn thresholds_are_configuration() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["CONFIG", "SET", "list-max-listpack-size", "4"]), Resp::ok());
    assert_eq!(c.cmd(&["CONFIG", "GET", "list-max-ziplist-size"]), bulks(&["list-max-ziplist-size", "4"]));
    let items: Vec<String> = (0..100).map(|i| i.to_string()).collect();
    let mut args = vec!["RPUSH", "l"];
    args.extend(items.iter().map(|s| s.as_str()));
    assert_eq!(c.cmd(&args), Resp::Int(100));
    assert_eq!(c.cmd(&["LINDEX", "l", "57"]), Resp::bulk("57"));
    assert_eq!(c.cmd(&["LRANGE", "l", "97", "-1"]), bulks(&["97", "98", "99"]));
}
