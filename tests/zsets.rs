//! Sorted set commands: exact replies in RESP2 and RESP3, errors, WRONGTYPE, keys that
//! disappear when emptied, encodings at the thresholds, large sets, blocking pops (a push from
//! another client, FIFO waiters, timeouts, CLIENT UNBLOCK, a waiter that goes away) and what a
//! served pop sends to replicas.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const T: Duration = Duration::from_secs(10);

fn raw(c: &mut Client, args: &[&str]) -> String {
    String::from_utf8_lossy(&c.try_read_raw_after(args)).into_owned()
}

fn resp3(srv: &Server) -> Client {
    let mut c = srv.client();
    c.cmd(&["HELLO", "3"]);
    c
}

fn enc(c: &mut Client, key: &str) -> String {
    c.cmd(&["OBJECT", "ENCODING", key]).text()
}

fn blocked(c: &mut Client) -> usize {
    let info = c.cmd(&["INFO", "clients"]).text();
    info.lines()
        .find_map(|l| l.strip_prefix("blocked_clients:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(usize::MAX)
}

fn client_id(c: &mut Client) -> String {
    c.cmd(&["CLIENT", "ID"]).int().to_string()
}

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

#[test]
fn replies_in_both_protocols() {
    let srv = Server::start(&[]);
    let mut c = srv.client();
    let mut c3 = resp3(&srv);
    assert_eq!(raw(&mut c, &["ZADD", "z", "0.1", "a", "2", "b", "inf", "c"]), ":3\r\n");
    assert_eq!(raw(&mut c, &["ZSCORE", "z", "a"]), "$19\r\n0.10000000000000001\r\n");
    assert_eq!(raw(&mut c3, &["ZSCORE", "z", "a"]), ",0.10000000000000001\r\n");
    assert_eq!(raw(&mut c3, &["ZSCORE", "z", "c"]), ",inf\r\n");
    assert_eq!(raw(&mut c, &["ZSCORE", "z", "nosuch"]), "$-1\r\n");
    assert_eq!(raw(&mut c3, &["ZSCORE", "z", "nosuch"]), "_\r\n");
    assert_eq!(raw(&mut c, &["ZMSCORE", "z", "b", "x"]), "*2\r\n$1\r\n2\r\n$-1\r\n");
    assert_eq!(raw(&mut c3, &["ZMSCORE", "z", "b", "x"]), "*2\r\n,2\r\n_\r\n");
    assert_eq!(
        raw(&mut c, &["ZRANGE", "z", "0", "1", "WITHSCORES"]),
        "*4\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n$1\r\nb\r\n$1\r\n2\r\n"
    );
    assert_eq!(
        raw(&mut c3, &["ZRANGE", "z", "0", "1", "WITHSCORES"]),
        "*2\r\n*2\r\n$1\r\na\r\n,0.10000000000000001\r\n*2\r\n$1\r\nb\r\n,2\r\n"
    );
    assert_eq!(raw(&mut c3, &["ZRANGE", "z", "0", "0"]), "*1\r\n$1\r\na\r\n");
    assert_eq!(raw(&mut c, &["ZADD", "z", "XX", "INCR", "1", "nosuch"]), "$-1\r\n");
    assert_eq!(raw(&mut c3, &["ZADD", "z", "XX", "INCR", "1", "nosuch"]), "_\r\n");
    assert_eq!(raw(&mut c3, &["ZINCRBY", "z", "1", "b"]), ",3\r\n");
    // ZPOPMIN without a count is flat in both; with a count RESP3 nests the pairs.
    assert_eq!(raw(&mut c3, &["ZPOPMIN", "z"]), "*2\r\n$1\r\na\r\n,0.10000000000000001\r\n");
    assert_eq!(raw(&mut c3, &["ZPOPMIN", "z", "1"]), "*1\r\n*2\r\n$1\r\nb\r\n,3\r\n");
    assert_eq!(raw(&mut c, &["ZPOPMAX", "z", "5"]), "*2\r\n$1\r\nc\r\n$3\r\ninf\r\n");
    assert_eq!(raw(&mut c, &["EXISTS", "z"]), ":0\r\n");
    assert_eq!(raw(&mut c, &["ZPOPMIN", "z"]), "*0\r\n");
    c.cmd(&["ZADD", "z", "1", "a", "2", "b"]);
    assert_eq!(raw(&mut c, &["ZMPOP", "1", "z", "MIN"]), "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
    assert_eq!(
        raw(&mut c3, &["ZMPOP", "1", "z", "MAX", "COUNT", "9"]),
        "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n,2\r\n"
    );
    assert_eq!(raw(&mut c, &["ZMPOP", "1", "z", "MIN"]), "*-1\r\n");
    assert_eq!(raw(&mut c3, &["ZMPOP", "1", "z", "MIN"]), "_\r\n");
    c.cmd(&["ZADD", "z", "1", "a"]);
    assert_eq!(raw(&mut c3, &["BZPOPMIN", "nokey", "z", "0"]), "*3\r\n$1\r\nz\r\n$1\r\na\r\n,1\r\n");
    c.cmd(&["ZADD", "z", "1", "a", "2", "b"]);
    assert_eq!(
        raw(&mut c3, &["ZUNION", "1", "z", "WITHSCORES"]),
        "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n"
    );
    assert_eq!(
        raw(&mut c3, &["ZRANDMEMBER", "z", "2", "WITHSCORES"]),
        "*2\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,1\r\n"
    );
    assert_eq!(raw(&mut c, &["ZRANDMEMBER", "z", "-3"]).matches("$1\r\n").count(), 3);
    // ZSCAN scores are bulk strings in both protocols.
    assert_eq!(
        raw(&mut c3, &["ZSCAN", "z", "0"]),
        "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"
    );
}

#[test]
fn options_errors_and_wrongtype() {
    let srv = Server::start(&[]);
    let mut c = srv.client();
    assert_eq!(c.cmd(&["ZADD", "z", "1", "a", "2", "b"]), Resp::Int(2));
    assert_eq!(c.cmd(&["ZADD", "z", "CH", "GT", "0", "a", "3", "b", "4", "c"]), Resp::Int(2));
    assert_eq!(
        c.cmd(&["ZADD", "z", "NX", "XX", "1", "a"]),
        err("ERR XX and NX options at the same time are not compatible")
    );
    assert_eq!(
        c.cmd(&["ZADD", "z", "GT", "LT", "1", "a"]),
        err("ERR GT, LT, and/or NX options at the same time are not compatible")
    );
    assert_eq!(
        c.cmd(&["ZADD", "z", "INCR", "1", "a", "2", "b"]),
        err("ERR INCR option supports a single increment-element pair")
    );
    assert_eq!(c.cmd(&["ZADD", "z", "1", "a", "2"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["ZADD", "z", "x", "a"]), err("ERR value is not a valid float"));
    assert_eq!(c.cmd(&["ZADD", "z", "nan", "a"]), err("ERR value is not a valid float"));
    c.cmd(&["ZADD", "z", "inf", "i"]);
    assert_eq!(c.cmd(&["ZINCRBY", "z", "-inf", "i"]), err("ERR resulting score is not a number (NaN)"));
    assert_eq!(c.cmd(&["ZSCORE", "z", "i"]), Resp::bulk("inf"));
    assert_eq!(c.cmd(&["ZRANGEBYSCORE", "z", "x", "1"]), err("ERR min or max is not a float"));
    assert_eq!(c.cmd(&["ZRANGEBYLEX", "z", "a", "+"]), err("ERR min or max not valid string range item"));
    assert_eq!(
        c.cmd(&["ZRANGE", "z", "0", "1", "LIMIT", "0", "1"]),
        err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
    );
    assert_eq!(
        c.cmd(&["ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"]),
        err("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
    );
    assert_eq!(c.cmd(&["ZUNION", "0", "z"]), err("ERR at least 1 input key is needed for 'zunion' command"));
    assert_eq!(
        c.cmd(&["ZINTERSTORE", "d", "0", "z"]),
        err("ERR at least 1 input key is needed for 'zinterstore' command")
    );
    assert_eq!(c.cmd(&["ZUNION", "1", "z", "WEIGHTS", "x"]), err("ERR weight value is not a float"));
    assert_eq!(c.cmd(&["ZINTERCARD", "1", "z", "LIMIT", "-1"]), err("ERR LIMIT can't be negative"));
    assert_eq!(c.cmd(&["ZMPOP", "0", "z", "MIN"]), err("ERR numkeys should be greater than 0"));
    assert_eq!(c.cmd(&["ZMPOP", "1", "z", "MIN", "COUNT", "0"]), err("ERR count should be greater than 0"));
    assert_eq!(c.cmd(&["ZPOPMIN", "z", "-1"]), err("ERR value is out of range, must be positive"));
    assert_eq!(c.cmd(&["BZPOPMIN", "z", "-1"]), err("ERR timeout is negative"));
    assert_eq!(c.cmd(&["BZPOPMIN", "z", "x"]), err("ERR timeout is not a float or out of range"));
    assert_eq!(
        c.cmd(&["ZRANDMEMBER", "z", "-9223372036854775808"]),
        err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
    );
    assert_eq!(c.cmd(&["ZRANDMEMBER", "z", "9223372036854775807", "WITHSCORES"]), err("ERR value is out of range"));
    c.cmd(&["SET", "s", "v"]);
    for cmd in [
        &["ZADD", "s", "1", "a"][..],
        &["ZINCRBY", "s", "1", "a"],
        &["ZREM", "s", "a"],
        &["ZCARD", "s"],
        &["ZSCORE", "s", "a"],
        &["ZRANK", "s", "a"],
        &["ZCOUNT", "s", "0", "1"],
        &["ZRANGE", "s", "0", "-1"],
        &["ZRANGESTORE", "d", "s", "0", "-1"],
        &["ZPOPMIN", "s"],
        &["ZMPOP", "1", "s", "MIN"],
        &["BZPOPMIN", "s", "0"],
        &["ZREMRANGEBYSCORE", "s", "0", "1"],
        &["ZUNIONSTORE", "d", "1", "s"],
        &["ZINTERCARD", "1", "s"],
        &["ZRANDMEMBER", "s"],
        &["ZSCAN", "s", "0"],
    ] {
        assert_eq!(c.cmd(cmd), err(WRONGTYPE), "{cmd:?}");
    }
    // A missing key is an empty zset; ZSCAN of one ignores bad options as Redis does.
    assert_eq!(c.cmd(&["ZSCAN", "nokey", "0", "COUNT", "x"]), Resp::Array(vec![Resp::bulk("0"), Resp::Array(vec![])]));
    assert_eq!(c.cmd(&["ZSCAN", "z", "0", "TYPE", "zset"]), err("ERR syntax error"));
}

#[test]
fn emptied_zsets_disappear_and_stores_replace() {
    let srv = Server::start(&[]);
    let mut c = srv.client();
    for (fill, empty) in [
        (&["ZADD", "k", "1", "a"][..], &["ZREM", "k", "a"][..]),
        (&["ZADD", "k", "1", "a", "2", "b"], &["ZPOPMAX", "k", "2"]),
        (&["ZADD", "k", "1", "a"], &["ZMPOP", "1", "k", "MIN"]),
        (&["ZADD", "k", "1", "a", "2", "b"], &["ZREMRANGEBYRANK", "k", "0", "-1"]),
        (&["ZADD", "k", "1", "a"], &["ZREMRANGEBYSCORE", "k", "-inf", "+inf"]),
        (&["ZADD", "k", "0", "a"], &["ZREMRANGEBYLEX", "k", "-", "+"]),
    ] {
        c.cmd(fill);
        c.cmd(empty);
        assert_eq!(c.cmd(&["EXISTS", "k"]), Resp::Int(0), "{empty:?}");
    }
    assert_eq!(c.cmd(&["ZADD", "k", "XX", "1", "a"]), Resp::Int(0));
    assert_eq!(c.cmd(&["EXISTS", "k"]), Resp::Int(0));
    // A STORE overwrites any type and drops the TTL; an empty result deletes the destination.
    c.cmd(&["ZADD", "src", "1", "a", "2", "b"]);
    c.cmd(&["SET", "d", "str", "EX", "100"]);
    assert_eq!(c.cmd(&["ZUNIONSTORE", "d", "1", "src"]), Resp::Int(2));
    assert_eq!(c.cmd(&["TYPE", "d"]), Resp::Simple("zset".into()));
    assert_eq!(c.cmd(&["TTL", "d"]), Resp::Int(-1));
    assert_eq!(c.cmd(&["ZINTERSTORE", "d", "2", "src", "nokey"]), Resp::Int(0));
    assert_eq!(c.cmd(&["EXISTS", "d"]), Resp::Int(0));
    assert_eq!(c.cmd(&["ZRANGESTORE", "d", "src", "1", "1"]), Resp::Int(1));
    assert_eq!(c.cmd(&["ZRANGE", "d", "0", "-1"]), bulks(&["b"]));
    assert_eq!(c.cmd(&["ZRANGESTORE", "d", "src", "5", "9"]), Resp::Int(0));
    assert_eq!(c.cmd(&["EXISTS", "d"]), Resp::Int(0));
    // A source may be the destination.
    c.cmd(&["ZADD", "other", "10", "a", "3", "c"]);
    assert_eq!(c.cmd(&["ZUNIONSTORE", "src", "2", "src", "other"]), Resp::Int(3));
    assert_eq!(c.cmd(&["ZRANGE", "src", "0", "-1", "WITHSCORES"]), bulks(&["b", "2", "c", "3", "a", "11"]));
}

#[test]
fn encodings_follow_the_thresholds() {
    let srv = Server::start(&[]);
    let mut c = srv.client();
    for i in 0..128 {
        c.cmd(&["ZADD", "z", &i.to_string(), &format!("m{i}")]);
    }
    assert_eq!(enc(&mut c, "z"), "listpack");
    c.cmd(&["ZADD", "z", "128", "m128"]);
    assert_eq!(enc(&mut c, "z"), "skiplist");
    // Removal never converts back; a STORE of a small result does.
    c.cmd(&["ZREM", "z", "m128", "m127"]);
    assert_eq!(enc(&mut c, "z"), "skiplist");
    c.cmd(&["ZUNIONSTORE", "u", "1", "z"]);
    assert_eq!(enc(&mut c, "u"), "listpack");
    c.cmd(&["ZRANGESTORE", "r", "z", "0", "9"]);
    assert_eq!(enc(&mut c, "r"), "listpack");
    c.cmd(&["ZADD", "z", "200", "x", "201", "y", "202", "w"]);
    c.cmd(&["ZRANGESTORE", "r", "z", "0", "-1"]);
    assert_eq!(enc(&mut c, "r"), "skiplist");
    let long = "x".repeat(65);
    c.cmd(&["ZADD", "l", "1", &"y".repeat(64)]);
    assert_eq!(enc(&mut c, "l"), "listpack");
    c.cmd(&["ZADD", "l", "2", &long]);
    assert_eq!(enc(&mut c, "l"), "skiplist");
    c.cmd(&["ZINTERSTORE", "li", "1", "l"]);
    assert_eq!(enc(&mut c, "li"), "skiplist");
    c.cmd(&["ZREM", "l", &long]);
    c.cmd(&["ZINTERSTORE", "li", "1", "l"]);
    assert_eq!(enc(&mut c, "li"), "listpack");
    // CONFIG changes the thresholds.
    assert_eq!(c.cmd(&["CONFIG", "SET", "zset-max-listpack-entries", "2"]), Resp::ok());
    c.cmd(&["ZADD", "small", "1", "a", "2", "b"]);
    assert_eq!(enc(&mut c, "small"), "listpack");
    c.cmd(&["ZADD", "small", "3", "c"]);
    assert_eq!(enc(&mut c, "small"), "skiplist");
    assert_eq!(c.cmd(&["ZRANGE", "small", "0", "-1", "WITHSCORES"]), bulks(&["a", "1", "b", "2", "c", "3"]));
    assert_eq!(c.cmd(&["CONFIG", "SET", "zset-max-ziplist-value", "1"]), Resp::ok());
    c.cmd(&["ZADD", "v", "1", "ab"]);
    assert_eq!(enc(&mut c, "v"), "skiplist");
}

#[test]
fn large_zsets_rank_and_range_consistently() {
    let srv = Server::start(&[]);
    let mut c = srv.client();
    let n = 20_000;
    for chunk in (0..n).collect::<Vec<_>>().chunks(1000) {
        let mut args: Vec<String> = vec!["ZADD".into(), "big".into()];
        for i in chunk {
            // Scores out of insertion order, a few ties resolved by member.
            args.push(((i * 7919) % n / 2).to_string());
            args.push(format!("m{i:05}"));
        }
        let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
        assert_eq!(c.cmd(&a), Resp::Int(chunk.len() as i64));
    }
    assert_eq!(c.cmd(&["ZCARD", "big"]), Resp::Int(n as i64));
    assert_eq!(enc(&mut c, "big"), "skiplist");
    let all = c.cmd(&["ZRANGE", "big", "0", "-1", "WITHSCORES"]);
    let pairs: Vec<(String, f64)> =
        all.array().chunks(2).map(|p| (p[0].text(), p[1].text().parse::<f64>().unwrap())).collect();
    assert_eq!(pairs.len(), n as usize);
    for w in pairs.windows(2) {
        assert!(w[0].1 < w[1].1 || (w[0].1 == w[1].1 && w[0].0 < w[1].0), "{w:?}");
    }
    for r in [0usize, 1, 777, 9999, 19_999] {
        let (m, s) = &pairs[r];
        assert_eq!(c.cmd(&["ZRANK", "big", m]), Resp::Int(r as i64));
        assert_eq!(c.cmd(&["ZREVRANK", "big", m]), Resp::Int((n as usize - 1 - r) as i64));
        assert_eq!(c.cmd(&["ZSCORE", "big", m]).text().parse::<f64>().unwrap(), *s);
        assert_eq!(c.cmd(&["ZRANGE", "big", &r.to_string(), &r.to_string()]), bulks(&[m]));
    }
    let in_range = pairs.iter().filter(|(_, s)| *s >= 100.0 && *s < 200.0).count();
    assert_eq!(c.cmd(&["ZCOUNT", "big", "100", "(200"]), Resp::Int(in_range as i64));
    let page = c.cmd(&["ZRANGE", "big", "(200", "100", "BYSCORE", "REV", "LIMIT", "3", "4"]);
    let want: Vec<&str> = pairs
        .iter()
        .rev()
        .filter(|(_, s)| *s >= 100.0 && *s < 200.0)
        .skip(3)
        .take(4)
        .map(|(m, _)| m.as_str())
        .collect();
    assert_eq!(page, bulks(&want));
    assert_eq!(c.cmd(&["ZREMRANGEBYRANK", "big", "10", "-11"]), Resp::Int(n as i64 - 20));
    assert_eq!(c.cmd(&["ZRANGE", "big", "9", "10"]), bulks(&[&pairs[9].0, &pairs[n as usize - 10].0]));
    // ZSCAN over the table form visits every member once.
    let mut seen = std::collections::BTreeSet::new();
    let mut cursor = "0".to_string();
    loop {
        let r = c.cmd(&["ZSCAN", "big", &cursor, "COUNT", "7"]);
        cursor = r.array()[0].text();
        for p in r.array()[1].array().chunks(2) {
            seen.insert(p[0].text());
        }
        if cursor == "0" {
            break;
        }
    }
    assert_eq!(seen.len(), 20);
}

#[test]
fn blocked_pops_are_served_in_order() {
    let srv = Server::start(&[]);
    let mut c = srv.client();
    let mut w1 = srv.client();
    let mut w2 = srv.client();
    let mut w3 = srv.client();
    w1.send(&["BZPOPMIN", "z", "0"]);
    assert!(wait_until(T, || blocked(&mut c) == 1));
    w2.send(&["BZPOPMAX", "other", "z", "0"]);
    assert!(wait_until(T, || blocked(&mut c) == 2));
    w3.send(&["BZMPOP", "0", "1", "z", "MIN", "COUNT", "5"]);
    assert!(wait_until(T, || blocked(&mut c) == 3));
    assert_eq!(c.cmd(&["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"]), Resp::Int(4));
    assert_eq!(w1.read(), bulks(&["z", "a", "1"]));
    assert_eq!(w2.read(), bulks(&["z", "d", "4"]));
    assert_eq!(
        w3.read(),
        Resp::Array(vec![Resp::bulk("z"), Resp::Array(vec![bulks(&["b", "2"]), bulks(&["c", "3"])])])
    );
    assert_eq!(c.cmd(&["EXISTS", "z"]), Resp::Int(0));
    assert_eq!(blocked(&mut c), 0);
    // A store into the key wakes a waiter too; RESP3 replies carry a double.
    let mut w = resp3(&srv);
    w.send(&["BZPOPMAX", "dst", "0"]);
    assert!(wait_until(T, || blocked(&mut c) == 1));
    c.cmd(&["ZADD", "src", "5", "x"]);
    c.cmd(&["ZUNIONSTORE", "dst", "1", "src"]);
    assert_eq!(w.read(), Resp::Array(vec![Resp::bulk("dst"), Resp::bulk("x"), Resp::Double("5".into())]));
    // A waiter on a key of another database is not woken by this one.
    let mut o = srv.client();
    o.cmd(&["SELECT", "1"]);
    o.send(&["BZPOPMIN", "q", "0"]);
    assert!(wait_until(T, || blocked(&mut c) == 1));
    c.cmd(&["ZADD", "q", "1", "a"]);
    assert_eq!(c.cmd(&["ZCARD", "q"]), Resp::Int(1));
    c.cmd(&["SELECT", "1"]);
    c.cmd(&["ZADD", "q", "7", "b"]);
    assert_eq!(o.read(), bulks(&["q", "b", "7"]));
}

#[test]
fn blocked_pops_time_out_unblock_and_disconnect() {
    let srv = Server::start(&[]);
    let mut c = srv.client();
    let mut w = srv.client();
    assert_eq!(raw(&mut w, &["BZPOPMIN", "z", "0.05"]), "*-1\r\n");
    assert_eq!(raw(&mut w, &["BZMPOP", "0.05", "2", "z", "y", "MAX"]), "*-1\r\n");
    let mut w3 = resp3(&srv);
    assert_eq!(raw(&mut w3, &["BZPOPMAX", "z", "0.05"]), "_\r\n");
    // CLIENT UNBLOCK answers as a timeout, or with the UNBLOCKED error.
    let id = client_id(&mut w);
    w.send(&["BZPOPMIN", "z", "0"]);
    assert!(wait_until(T, || blocked(&mut c) == 1));
    assert_eq!(c.cmd(&["CLIENT", "UNBLOCK", &id]), Resp::Int(1));
    assert_eq!(w.read(), Resp::NilArray);
    w.send(&["BZMPOP", "0", "1", "z", "MIN"]);
    assert!(wait_until(T, || blocked(&mut c) == 1));
    assert_eq!(c.cmd(&["CLIENT", "UNBLOCK", &id, "ERROR"]), Resp::Int(1));
    assert_eq!(w.read(), err("UNBLOCKED client unblocked via CLIENT UNBLOCK"));
    // A waiter that goes away is forgotten: the element stays for the next client.
    let mut gone = srv.client();
    gone.send(&["BZPOPMIN", "z", "0"]);
    assert!(wait_until(T, || blocked(&mut c) == 1));
    drop(gone);
    assert!(wait_until(T, || blocked(&mut c) == 0));
    c.cmd(&["ZADD", "z", "1", "a"]);
    assert_eq!(c.cmd(&["ZCARD", "z"]), Resp::Int(1));
    assert_eq!(w.cmd(&["BZPOPMIN", "z", "0"]), bulks(&["z", "a", "1"]));
}

/// A fake replica over a raw socket, to read the exact replication stream.
struct RawReplica {
    r: BufReader<TcpStream>,
    w: TcpStream,
}

impl RawReplica {
    fn sync(port: u16) -> RawReplica {
        let w = connect_stream(port);
        w.set_read_timeout(Some(T)).expect("timeout");
        let r = BufReader::new(w.try_clone().expect("clone"));
        let mut x = RawReplica { r, w };
        for cmd in [&["REPLCONF", "capa", "eof", "capa", "psync2"][..], &["PSYNC", "?", "-1"]] {
            let a: Vec<&[u8]> = cmd.iter().map(|s| s.as_bytes()).collect();
            x.w.write_all(&Client::encode(&a)).expect("write");
        }
        assert_eq!(x.line(), "+OK");
        assert!(x.line().starts_with("+FULLRESYNC"));
        let n: usize = x.line().strip_prefix('$').expect("bulk").parse().expect("len");
        let mut rdb = vec![0u8; n];
        x.r.read_exact(&mut rdb).expect("rdb");
        x
    }
    fn line(&mut self) -> String {
        let mut l = String::new();
        self.r.read_line(&mut l).expect("line");
        l.trim_end_matches(['\r', '\n']).to_string()
    }
    fn cmd(&mut self) -> Vec<String> {
        let n: usize = self.line().strip_prefix('*').expect("multibulk").parse().expect("count");
        (0..n)
            .map(|_| {
                let len: usize = self.line().strip_prefix('$').expect("bulk").parse().expect("len");
                let mut b = vec![0u8; len + 2];
                self.r.read_exact(&mut b).expect("arg");
                String::from_utf8_lossy(&b[..len]).into_owned()
            })
            .collect()
    }
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn pops_reach_replicas_as_their_non_blocking_form() {
    let srv = Server::start(&[]);
    let mut x = RawReplica::sync(srv.port);
    let mut c = srv.client();
    let mut w = srv.client();
    w.send(&["BZPOPMIN", "z", "0"]);
    assert!(wait_until(T, || blocked(&mut c) == 1));
    c.cmd(&["ZADD", "z", "1", "a", "2", "b"]);
    assert_eq!(w.read(), bulks(&["z", "a", "1"]));
    assert_eq!(x.cmd(), strs(&["SELECT", "0"]));
    assert_eq!(x.cmd(), strs(&["ZADD", "z", "1", "a", "2", "b"]));
    assert_eq!(x.cmd(), strs(&["ZPOPMIN", "z"]));
    w.send(&["BZMPOP", "0", "1", "y", "MAX", "COUNT", "3"]);
    assert!(wait_until(T, || blocked(&mut c) == 1));
    c.cmd(&["ZADD", "y", "5", "q"]);
    w.read();
    assert_eq!(x.cmd(), strs(&["ZADD", "y", "5", "q"]));
    // Redis 7.0 sends the count actually popped.
    assert_eq!(x.cmd(), strs(&["ZPOPMAX", "y", "1"]));
    // Served at once, the blocking forms and ZMPOP are rewritten the same way.
    c.cmd(&["BZPOPMAX", "z", "0"]);
    assert_eq!(x.cmd(), strs(&["ZPOPMAX", "z"]));
    c.cmd(&["ZADD", "z", "1", "a"]);
    assert_eq!(x.cmd(), strs(&["ZADD", "z", "1", "a"]));
    c.cmd(&["ZMPOP", "2", "nokey", "z", "MIN"]);
    assert_eq!(x.cmd(), strs(&["ZPOPMIN", "z", "1"]));
    c.cmd(&["ZADD", "z", "1", "a", "2", "b"]);
    assert_eq!(x.cmd(), strs(&["ZADD", "z", "1", "a", "2", "b"]));
    c.cmd(&["BZMPOP", "0", "1", "z", "MAX", "COUNT", "5"]);
    assert_eq!(x.cmd(), strs(&["ZPOPMAX", "z", "2"]));
    // Pops that find nothing and timeouts send nothing; the next write comes next.
    c.cmd(&["ZPOPMIN", "z"]);
    c.cmd(&["BZPOPMIN", "z", "0.01"]);
    c.cmd(&["ZADD", "z", "3", "c"]);
    assert_eq!(x.cmd(), strs(&["ZADD", "z", "3", "c"]));
    c.cmd(&["ZPOPMIN", "z", "2"]);
    assert_eq!(x.cmd(), strs(&["ZPOPMIN", "z", "2"]));
}

#[test]
fn a_replica_of_ours_gets_the_same_data() {
    let m = Server::start(&[]);
    let r = Server::start(&["--replicaof", &format!("127.0.0.1 {}", m.port)]);
    let mut mc = m.client();
    let mut rc = r.client();
    assert!(wait_until(T, || rc.cmd(&["ROLE"]).array().get(3) == Some(&Resp::bulk("connected"))));
    let mut w = m.client();
    w.send(&["BZPOPMIN", "z", "0"]);
    assert!(wait_until(T, || blocked(&mut mc) == 1));
    mc.cmd(&["ZADD", "z", "1", "a", "2", "b", "3", "c"]);
    assert_eq!(w.read(), bulks(&["z", "a", "1"]));
    mc.cmd(&["ZINCRBY", "z", "0.5", "c"]);
    mc.cmd(&["ZUNIONSTORE", "u", "1", "z", "WEIGHTS", "2"]);
    mc.cmd(&["ZRANGESTORE", "r", "z", "0", "0"]);
    let want = mc.cmd(&["ZRANGE", "z", "0", "-1", "WITHSCORES"]);
    assert_eq!(want, bulks(&["b", "2", "c", "3.5"]));
    assert!(wait_until(T, || rc.cmd(&["ZRANGE", "z", "0", "-1", "WITHSCORES"]) == want));
    assert!(wait_until(T, || rc.cmd(&["ZRANGE", "u", "0", "-1", "WITHSCORES"]) == bulks(&["b", "4", "c", "7"])));
    assert!(wait_until(T, || rc.cmd(&["ZRANGE", "r", "0", "-1"]) == bulks(&["b"])));
}
