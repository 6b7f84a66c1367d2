//! Set commands: every command's replies and errors in RESP2 and RESP3, WRONGTYPE, empty keys
//! disappearing, intset to hashtable conversion (and the encodings of *STORE results), SPOP and
//! SRANDMEMBER counts, SSCAN, SPOP's propagation as SREM/DEL, and the generic commands.
mod common;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
const SYNTAX: &str = "ERR syntax error";
const NOT_INT: &str = "ERR value is not an integer or out of range";

fn b(s: &str) -> Resp {
    Resp::bulk(s)
}

fn int(i: i64) -> Resp {
    Resp::Int(i)
}

/// The strings of an array or set reply, sorted (hash order is not Redis's).
fn sorted(r: &Resp) -> Vec<String> {
    let mut v: Vec<String> = match r {
        Resp::Array(a) | Resp::Set(a) => a.iter().map(|x| x.text()).collect(),
        other => panic!("not a collection: {other:?}"),
    };
    v.sort();
    v
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn enc(c: &mut Client, k: &str) -> String {
    c.cmd(&["OBJECT", "ENCODING", k]).text()
}

/// SADD key with the members `from..to`.
fn sadd_range(c: &mut Client, key: &str, from: i64, to: i64) {
    let members: Vec<String> = (from..to).map(|i| i.to_string()).collect();
    let mut args = vec!["SADD", key];
    args.extend(members.iter().map(|s| s.as_str()));
    c.cmd(&args);
}

#[test]
fn members_and_counts() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["SADD", "s", "a", "b", "a"]), int(2));
    assert_eq!(c.cmd(&["SADD", "s", "b", "c"]), int(1));
    assert_eq!(c.cmd(&["SADD", "s", "b"]), int(0));
    assert_eq!(c.cmd(&["SCARD", "s"]), int(3));
    assert_eq!(c.cmd(&["SCARD", "nokey"]), int(0));
    assert_eq!(c.cmd(&["SISMEMBER", "s", "a"]), int(1));
    assert_eq!(c.cmd(&["SISMEMBER", "s", "z"]), int(0));
    assert_eq!(c.cmd(&["SISMEMBER", "nokey", "a"]), int(0));
    assert_eq!(c.cmd(&["SMISMEMBER", "s", "a", "z", "c"]), Resp::Array(vec![int(1), int(0), int(1)]));
    assert_eq!(c.cmd(&["SMISMEMBER", "nokey", "a", "b"]), Resp::Array(vec![int(0), int(0)]));
    assert_eq!(sorted(&c.cmd(&["SMEMBERS", "s"])), strs(&["a", "b", "c"]));
    assert_eq!(c.cmd(&["SMEMBERS", "nokey"]), Resp::Array(vec![]));
    assert_eq!(c.cmd(&["SREM", "s", "z"]), int(0));
    assert_eq!(c.cmd(&["SREM", "nokey", "z"]), int(0));
    assert_eq!(c.cmd(&["SREM", "s", "a", "z", "a"]), int(1));
    assert_eq!(c.cmd(&["SREM", "s", "b", "c"]), int(2));
    assert_eq!(c.cmd(&["EXISTS", "s"]), int(0), "an emptied set disappears");
    // Integer sets answer in ascending order, as an intset keeps them.
    assert_eq!(c.cmd(&["SADD", "i", "3", "-1", "10", "2"]), int(4));
    assert_eq!(c.cmd(&["SMEMBERS", "i"]), bulks(&["-1", "2", "3", "10"]));
    assert_eq!(c.cmd(&["SISMEMBER", "i", "03"]), int(0));
    assert_eq!(c.cmd_bytes(&[b"SADD", b"bin", b"", b"\x00\r\n"]), int(2));
    assert_eq!(c.cmd_bytes(&[b"SISMEMBER", b"bin", b"\x00\r\n"]), int(1));
}

#[test]
fn errors_and_wrong_types() {
    let s = Server::start(&[]);
    let mut c = s.client();
    for (cmd, name) in [
        (&["SADD", "s"][..], "sadd"),
        (&["SREM", "s"], "srem"),
        (&["SCARD"], "scard"),
        (&["SISMEMBER", "s"], "sismember"),
        (&["SMISMEMBER", "s"], "smismember"),
        (&["SMEMBERS"], "smembers"),
        (&["SPOP"], "spop"),
        (&["SRANDMEMBER"], "srandmember"),
        (&["SMOVE", "a", "b"], "smove"),
        (&["SINTER"], "sinter"),
        (&["SINTERCARD", "1"], "sintercard"),
        (&["SINTERSTORE", "d"], "sinterstore"),
        (&["SUNION"], "sunion"),
        (&["SUNIONSTORE", "d"], "sunionstore"),
        (&["SDIFF"], "sdiff"),
        (&["SDIFFSTORE", "d"], "sdiffstore"),
        (&["SSCAN", "s"], "sscan"),
    ] {
        assert_eq!(c.cmd(cmd), err(&format!("ERR wrong number of arguments for '{name}' command")), "{cmd:?}");
    }
    c.cmd(&["SET", "str", "v"]);
    c.cmd(&["SADD", "s", "a", "b"]);
    for cmd in [
        &["SADD", "str", "a"][..],
        &["SREM", "str", "a"],
        &["SCARD", "str"],
        &["SISMEMBER", "str", "a"],
        &["SMISMEMBER", "str", "a"],
        &["SMEMBERS", "str"],
        &["SPOP", "str"],
        &["SPOP", "str", "2"],
        &["SRANDMEMBER", "str"],
        &["SRANDMEMBER", "str", "2"],
        &["SMOVE", "str", "s", "a"],
        &["SMOVE", "s", "str", "a"],
        &["SINTER", "s", "str"],
        &["SINTER", "nokey", "str"],
        &["SINTERCARD", "2", "s", "str"],
        &["SINTERSTORE", "d", "s", "str"],
        &["SUNION", "s", "str"],
        &["SUNIONSTORE", "d", "str"],
        &["SDIFF", "s", "str"],
        &["SDIFFSTORE", "d", "nokey", "str"],
        &["SSCAN", "str", "0"],
    ] {
        assert_eq!(c.cmd(cmd), err(WRONGTYPE), "{cmd:?}");
    }
    // A missing source makes SMOVE answer 0 before it looks at the destination.
    assert_eq!(c.cmd(&["SMOVE", "nokey", "str", "a"]), int(0));
    assert_eq!(c.cmd(&["SPOP", "s", "1", "2"]), err(SYNTAX));
    assert_eq!(c.cmd(&["SPOP", "s", "-1"]), err("ERR value is out of range, must be positive"));
    assert_eq!(c.cmd(&["SPOP", "s", "x"]), err("ERR value is out of range, must be positive"));
    assert_eq!(c.cmd(&["SRANDMEMBER", "s", "1", "2"]), err(SYNTAX));
    assert_eq!(c.cmd(&["SRANDMEMBER", "s", "x"]), err(NOT_INT));
    assert_eq!(
        c.cmd(&["SRANDMEMBER", "s", "-9223372036854775808"]),
        err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
    );
    for (cmd, e) in [
        (&["SINTERCARD", "0", "s"][..], "ERR numkeys should be greater than 0"),
        (&["SINTERCARD", "x", "s"], "ERR numkeys should be greater than 0"),
        (&["SINTERCARD", "3", "s"], "ERR Number of keys can't be greater than number of args"),
        (&["SINTERCARD", "1", "s", "LIMIT", "-1"], "ERR LIMIT can't be negative"),
        (&["SINTERCARD", "1", "s", "LIMIT", "x"], "ERR LIMIT can't be negative"),
        (&["SINTERCARD", "1", "s", "LIMIT"], SYNTAX),
        (&["SINTERCARD", "1", "s", "FOO", "1"], SYNTAX),
        (&["SSCAN", "s", "x"], "ERR invalid cursor"),
        (&["SSCAN", "s", "0", "COUNT", "0"], SYNTAX),
        (&["SSCAN", "s", "0", "MATCH"], SYNTAX),
    ] {
        assert_eq!(c.cmd(cmd), err(e), "{cmd:?}");
    }
    assert_eq!(c.cmd(&["HGET", "s", "a"]), err(WRONGTYPE));
}

#[test]
fn smove() {
    let s = Server::start(&[]);
    let mut c = s.client();
    c.cmd(&["SADD", "a", "1", "2", "x"]);
    assert_eq!(c.cmd(&["SMOVE", "a", "b", "1"]), int(1));
    assert_eq!(c.cmd(&["SMOVE", "a", "b", "1"]), int(0));
    assert_eq!(c.cmd(&["SMEMBERS", "b"]), bulks(&["1"]));
    assert_eq!(enc(&mut c, "b"), "intset", "a new destination is typed by its first member");
    assert_eq!(c.cmd(&["SMOVE", "a", "a", "2"]), int(1));
    assert_eq!(c.cmd(&["SMOVE", "a", "a", "9"]), int(0));
    assert_eq!(c.cmd(&["SMOVE", "a", "b", "x"]), int(1));
    assert_eq!(enc(&mut c, "b"), "hashtable");
    c.cmd(&["SADD", "b", "2"]);
    assert_eq!(c.cmd(&["SMOVE", "a", "b", "2"]), int(1), "already in the destination");
    assert_eq!(c.cmd(&["EXISTS", "a"]), int(0), "the emptied source disappears");
    assert_eq!(sorted(&c.cmd(&["SMEMBERS", "b"])), strs(&["1", "2", "x"]));
}

#[test]
fn algebra_and_stores() {
    let s = Server::start(&[]);
    let mut c = s.client();
    c.cmd(&["SADD", "a", "1", "2", "3", "4", "5"]);
    c.cmd(&["SADD", "b", "3", "4", "5", "6"]);
    c.cmd(&["SADD", "c", "4", "5", "x"]);
    assert_eq!(sorted(&c.cmd(&["SINTER", "a", "b"])), strs(&["3", "4", "5"]));
    assert_eq!(sorted(&c.cmd(&["SINTER", "a", "b", "c"])), strs(&["4", "5"]));
    assert_eq!(c.cmd(&["SINTER", "a", "nokey"]), Resp::Array(vec![]));
    assert_eq!(c.cmd(&["SUNION", "a", "b"]), bulks(&["1", "2", "3", "4", "5", "6"]));
    assert_eq!(sorted(&c.cmd(&["SUNION", "a", "nokey", "c"])), strs(&["1", "2", "3", "4", "5", "x"]));
    assert_eq!(c.cmd(&["SUNION", "nokey"]), Resp::Array(vec![]));
    assert_eq!(c.cmd(&["SDIFF", "a", "b"]), bulks(&["1", "2"]));
    assert_eq!(c.cmd(&["SDIFF", "a", "b", "c"]), bulks(&["1", "2"]));
    assert_eq!(sorted(&c.cmd(&["SDIFF", "c", "a"])), strs(&["x"]));
    assert_eq!(c.cmd(&["SDIFF", "a", "a"]), Resp::Array(vec![]));
    assert_eq!(c.cmd(&["SDIFF", "nokey", "a"]), Resp::Array(vec![]));
    assert_eq!(c.cmd(&["SDIFF", "a", "nokey"]), bulks(&["1", "2", "3", "4", "5"]));
    assert_eq!(c.cmd(&["SINTERCARD", "2", "a", "b"]), int(3));
    assert_eq!(c.cmd(&["SINTERCARD", "2", "a", "b", "LIMIT", "2"]), int(2));
    assert_eq!(c.cmd(&["SINTERCARD", "2", "a", "b", "limit", "0"]), int(3));
    assert_eq!(c.cmd(&["SINTERCARD", "2", "a", "nokey"]), int(0));
    assert_eq!(c.cmd(&["SINTERCARD", "1", "a"]), int(5));
    // Stores: the count, the result, the encoding Redis picks; an empty result deletes.
    assert_eq!(c.cmd(&["SINTERSTORE", "d", "a", "b"]), int(3));
    assert_eq!(c.cmd(&["SMEMBERS", "d"]), bulks(&["3", "4", "5"]));
    assert_eq!(enc(&mut c, "d"), "intset");
    assert_eq!(c.cmd(&["SUNIONSTORE", "d", "a", "c"]), int(6));
    assert_eq!(enc(&mut c, "d"), "hashtable");
    assert_eq!(c.cmd(&["SDIFFSTORE", "d", "c", "a"]), int(1));
    assert_eq!(c.cmd(&["SMEMBERS", "d"]), bulks(&["x"]));
    // The destination is overwritten whatever it held, and loses its TTL.
    c.cmd(&["SET", "str", "v", "EX", "100"]);
    assert_eq!(c.cmd(&["SUNIONSTORE", "str", "a"]), int(5));
    assert_eq!(c.cmd(&["TYPE", "str"]), Resp::Simple("set".into()));
    assert_eq!(c.cmd(&["TTL", "str"]), int(-1));
    assert_eq!(c.cmd(&["SINTERSTORE", "d", "a", "nokey"]), int(0));
    assert_eq!(c.cmd(&["EXISTS", "d"]), int(0));
    assert_eq!(c.cmd(&["SDIFFSTORE", "str", "a", "a"]), int(0));
    assert_eq!(c.cmd(&["EXISTS", "str"]), int(0));
    assert_eq!(c.cmd(&["SUNIONSTORE", "d", "nokey"]), int(0));
    // A store may name one of its sources.
    assert_eq!(c.cmd(&["SINTERSTORE", "a", "a", "b"]), int(3));
    assert_eq!(c.cmd(&["SMEMBERS", "a"]), bulks(&["3", "4", "5"]));
    // Hashtable sets of integers give intset results when small enough.
    sadd_range(&mut c, "big", 0, 600);
    assert_eq!(enc(&mut c, "big"), "hashtable");
    assert_eq!(c.cmd(&["SINTERSTORE", "d", "big", "b"]), int(4));
    assert_eq!(enc(&mut c, "d"), "intset");
    assert_eq!(c.cmd(&["SDIFFSTORE", "d", "big", "b"]), int(596));
    assert_eq!(enc(&mut c, "d"), "hashtable");
}

#[test]
fn encoding_conversions() {
    let s = Server::start(&[]);
    let mut c = s.client();
    sadd_range(&mut c, "s", 0, 512);
    assert_eq!(enc(&mut c, "s"), "intset");
    c.cmd(&["SADD", "s", "512"]);
    assert_eq!(enc(&mut c, "s"), "hashtable");
    c.cmd(&["SREM", "s", "512", "511"]);
    assert_eq!(enc(&mut c, "s"), "hashtable", "never converts back");
    c.cmd(&["SADD", "t", "1", "2"]);
    c.cmd(&["SADD", "t", "a"]);
    assert_eq!(enc(&mut c, "t"), "hashtable");
    c.cmd(&["SREM", "t", "a"]);
    assert_eq!(enc(&mut c, "t"), "hashtable");
    // Only canonical integers fit an intset.
    for (k, m, e) in [
        ("u", "01", "hashtable"),
        ("v", "-0", "hashtable"),
        ("w", "-9223372036854775808", "intset"),
        ("x", "a", "hashtable"),
    ] {
        c.cmd(&["SADD", k, m]);
        assert_eq!(enc(&mut c, k), e, "{m}");
    }
    assert_eq!(c.cmd(&["SADD", "w", "9223372036854775807"]), int(1));
    assert_eq!(c.cmd(&["SMEMBERS", "w"]), bulks(&["-9223372036854775808", "9223372036854775807"]));
    assert_eq!(c.cmd(&["CONFIG", "SET", "set-max-intset-entries", "3"]), Resp::ok());
    c.cmd(&["SADD", "y", "1", "2", "3"]);
    assert_eq!(enc(&mut c, "y"), "intset");
    c.cmd(&["SADD", "y", "4"]);
    assert_eq!(enc(&mut c, "y"), "hashtable");
    c.cmd(&["SADD", "z", "1", "2", "3", "4"]);
    assert_eq!(c.cmd(&["SINTERSTORE", "d", "z", "z"]), int(4));
    assert_eq!(enc(&mut c, "d"), "hashtable");
    c.cmd(&["SREM", "z", "4"]);
    assert_eq!(c.cmd(&["SUNIONSTORE", "d", "z"]), int(3));
    assert_eq!(enc(&mut c, "d"), "intset");
    assert_eq!(c.cmd(&["TYPE", "d"]), Resp::Simple("set".into()));
}

#[test]
fn spop_and_srandmember() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["SPOP", "nokey"]), Resp::Nil);
    assert_eq!(c.cmd(&["SPOP", "nokey", "3"]), Resp::Array(vec![]));
    assert_eq!(c.cmd(&["SRANDMEMBER", "nokey"]), Resp::Nil);
    assert_eq!(c.cmd(&["SRANDMEMBER", "nokey", "3"]), Resp::Array(vec![]));
    c.cmd(&["SADD", "s", "a", "b", "c"]);
    assert_eq!(c.cmd(&["SPOP", "s", "0"]), Resp::Array(vec![]));
    assert_eq!(c.cmd(&["SRANDMEMBER", "s", "0"]), Resp::Array(vec![]));
    let m = c.cmd(&["SRANDMEMBER", "s"]).text();
    assert!(["a", "b", "c"].contains(&m.as_str()));
    assert_eq!(sorted(&c.cmd(&["SRANDMEMBER", "s", "10"])), strs(&["a", "b", "c"]));
    let r = c.cmd(&["SRANDMEMBER", "s", "2"]);
    assert_eq!(r.array().len(), 2);
    assert_ne!(r.array()[0], r.array()[1]);
    let r = c.cmd(&["SRANDMEMBER", "s", "-10"]);
    assert_eq!(r.array().len(), 10);
    assert!(r.array().iter().all(|m| ["a", "b", "c"].contains(&m.text().as_str())));
    assert_eq!(c.cmd(&["SCARD", "s"]), int(3));
    let m = c.cmd(&["SPOP", "s"]).text();
    assert_eq!(c.cmd(&["SISMEMBER", "s", &m]), int(0));
    assert_eq!(sorted(&c.cmd(&["SPOP", "s", "5"])).len(), 2);
    assert_eq!(c.cmd(&["EXISTS", "s"]), int(0));
    c.cmd(&["SADD", "one", "x"]);
    assert_eq!(c.cmd(&["SPOP", "one"]), b("x"));
    assert_eq!(c.cmd(&["EXISTS", "one"]), int(0));
    // Both of SPOP's strategies, on both encodings: what is popped leaves, the rest stays.
    for (key, n, count) in [("i1", 100i64, 5usize), ("i2", 100, 95), ("h1", 1000, 10), ("h2", 1000, 990)] {
        sadd_range(&mut c, key, 0, n);
        let popped = sorted(&c.cmd(&["SPOP", key, &count.to_string()]));
        assert_eq!(popped.len(), count);
        assert!(popped.windows(2).all(|w| w[0] != w[1]));
        assert_eq!(c.cmd(&["SCARD", key]), int(n - count as i64));
        let left = sorted(&c.cmd(&["SMEMBERS", key]));
        assert!(popped.iter().all(|p| !left.contains(p)));
    }
    // The few members left by the second strategy go to a new set typed afresh.
    sadd_range(&mut c, "mixed", 0, 20);
    c.cmd(&["SADD", "mixed", "x"]);
    c.cmd(&["SREM", "mixed", "x"]);
    assert_eq!(enc(&mut c, "mixed"), "hashtable");
    c.cmd(&["SPOP", "mixed", "19"]);
    assert_eq!(enc(&mut c, "mixed"), "intset");
    // Distinct SRANDMEMBER picks on a large set, both below and above a third of its size.
    sadd_range(&mut c, "big", 0, 300);
    c.cmd(&["SADD", "big", "x"]);
    for n in [10usize, 200] {
        let r = sorted(&c.cmd(&["SRANDMEMBER", "big", &n.to_string()]));
        assert_eq!(r.len(), n);
        assert!(r.windows(2).all(|w| w[0] != w[1]));
    }
}

#[test]
fn sscan_small_and_large() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["SSCAN", "nokey", "0"]), Resp::Array(vec![b("0"), Resp::Array(vec![])]));
    c.cmd(&["SADD", "i", "1", "2", "10", "11"]);
    assert_eq!(c.cmd(&["SSCAN", "i", "0", "COUNT", "1"]), Resp::Array(vec![b("0"), bulks(&["1", "2", "10", "11"])]));
    assert_eq!(c.cmd(&["SSCAN", "i", "0", "MATCH", "1*"]), Resp::Array(vec![b("0"), bulks(&["1", "10", "11"])]));
    for i in 0..400 {
        c.cmd(&["SADD", "big", &format!("m{i}")]);
    }
    let mut seen = std::collections::HashSet::new();
    let mut cursor = "0".to_string();
    let mut calls = 0;
    loop {
        let r = c.cmd(&["SSCAN", "big", &cursor, "COUNT", "10"]);
        seen.extend(r.array()[1].array().iter().map(|m| m.text()));
        cursor = r.array()[0].text();
        calls += 1;
        if cursor == "0" {
            break;
        }
    }
    assert_eq!(seen.len(), 400);
    assert!(calls > 10, "{calls} calls");
}

#[test]
fn resp3_replies() {
    let s = Server::start(&[]);
    let mut c = s.client();
    c.cmd(&["HELLO", "3"]);
    c.cmd(&["SADD", "s", "1", "2"]);
    assert_eq!(c.cmd(&["SMEMBERS", "s"]), Resp::Set(vec![b("1"), b("2")]));
    assert_eq!(c.cmd(&["SMEMBERS", "nokey"]), Resp::Set(vec![]));
    assert_eq!(c.cmd(&["SINTER", "s", "nokey"]), Resp::Set(vec![]));
    assert_eq!(c.cmd(&["SINTER", "s", "s"]), Resp::Set(vec![b("1"), b("2")]));
    assert_eq!(c.cmd(&["SUNION", "s"]), Resp::Set(vec![b("1"), b("2")]));
    assert_eq!(c.cmd(&["SDIFF", "s"]), Resp::Set(vec![b("1"), b("2")]));
    assert_eq!(c.cmd(&["SPOP", "nokey"]), Resp::Null);
    assert_eq!(c.cmd(&["SPOP", "nokey", "2"]), Resp::Set(vec![]));
    assert_eq!(c.cmd(&["SPOP", "s", "0"]), Resp::Set(vec![]));
    assert_eq!(c.cmd(&["SRANDMEMBER", "nokey"]), Resp::Null);
    // SRANDMEMBER answers arrays, SPOP sets.
    assert!(matches!(c.cmd(&["SRANDMEMBER", "s", "5"]), Resp::Array(a) if a.len() == 2));
    assert!(matches!(c.cmd(&["SRANDMEMBER", "s", "-3"]), Resp::Array(a) if a.len() == 3));
    c.cmd(&["SADD", "s", "3", "4", "5", "6", "7", "8", "9", "10"]);
    assert!(matches!(c.cmd(&["SPOP", "s", "2"]), Resp::Set(a) if a.len() == 2));
    assert!(matches!(c.cmd(&["SPOP", "s", "7"]), Resp::Set(a) if a.len() == 7));
    assert!(matches!(c.cmd(&["SPOP", "s", "7"]), Resp::Set(a) if a.len() == 1));
    assert_eq!(c.cmd(&["SMISMEMBER", "s", "1"]), Resp::Array(vec![int(0)]));
}

#[test]
fn generic_commands_on_sets() {
    let s = Server::start(&[]);
    let mut c = s.client();
    c.cmd(&["SADD", "s", "1", "2"]);
    c.cmd(&["SADD", "t", "a"]);
    c.cmd(&["SET", "str", "v"]);
    assert_eq!(c.cmd(&["TYPE", "s"]), Resp::Simple("set".into()));
    let r = c.cmd(&["SCAN", "0", "TYPE", "set", "COUNT", "100"]);
    assert_eq!(sorted(&r.array()[1]), strs(&["s", "t"]));
    assert_eq!(c.cmd(&["COPY", "s", "s2"]), int(1));
    c.cmd(&["SADD", "s2", "3"]);
    assert_eq!(c.cmd(&["SCARD", "s"]), int(2), "the copy is independent");
    assert_eq!(c.cmd(&["RENAME", "s2", "s3"]), Resp::ok());
    assert_eq!(c.cmd(&["SMEMBERS", "s3"]), bulks(&["1", "2", "3"]));
    assert_eq!(c.cmd(&["MOVE", "s3", "2"]), int(1));
    c.cmd(&["SELECT", "2"]);
    assert_eq!(c.cmd(&["SCARD", "s3"]), int(3));
    assert_eq!(enc(&mut c, "s3"), "intset");
}

/// A fake replica over a raw socket, to read the exact command stream.
struct Stream {
    r: BufReader<TcpStream>,
}

impl Stream {
    fn sync(port: u16) -> Stream {
        let mut w = connect_stream(port);
        w.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        let mut r = BufReader::new(w.try_clone().expect("clone"));
        let line = |r: &mut BufReader<TcpStream>| {
            let mut l = String::new();
            r.read_line(&mut l).expect("line");
            l
        };
        for cmd in [&["REPLCONF", "capa", "eof", "capa", "psync2"][..], &["PSYNC", "?", "-1"]] {
            let a: Vec<&[u8]> = cmd.iter().map(|s| s.as_bytes()).collect();
            w.write_all(&Client::encode(&a)).expect("write");
            let l = line(&mut r);
            assert!(l.starts_with('+'), "{l}");
        }
        let head = line(&mut r);
        let n: usize = head.trim_end().strip_prefix('$').expect("rdb").parse().expect("len");
        let mut rdb = vec![0u8; n];
        r.read_exact(&mut rdb).expect("rdb");
        Stream { r }
    }
    fn cmd(&mut self) -> Vec<String> {
        let mut head = String::new();
        self.r.read_line(&mut head).expect("line");
        let n: usize = head.trim_end().strip_prefix('*').expect("multibulk").parse().expect("count");
        (0..n)
            .map(|_| {
                let mut l = String::new();
                self.r.read_line(&mut l).expect("line");
                let len: usize = l.trim_end().strip_prefix('$').expect("bulk").parse().expect("len");
                let mut b = vec![0u8; len + 2];
                self.r.read_exact(&mut b).expect("arg");
                String::from_utf8_lossy(&b[..len]).into_owned()
            })
            .collect()
    }
}

#[test]
fn propagation() {
    let s = Server::start(&[]);
    let mut x = Stream::sync(s.port);
    let mut c = s.client();
    c.cmd(&["SADD", "s", "a", "b", "c", "d", "e", "f"]);
    assert_eq!(x.cmd(), strs(&["SELECT", "0"]));
    assert_eq!(x.cmd(), strs(&["SADD", "s", "a", "b", "c", "d", "e", "f"]));
    // No-op writes are not sent.
    c.cmd(&["SADD", "s", "a"]);
    c.cmd(&["SREM", "s", "zz"]);
    c.cmd(&["SMOVE", "s", "t", "zz"]);
    c.cmd(&["SPOP", "s", "0"]);
    c.cmd(&["SPOP", "nokey"]);
    // SPOP becomes SREM; with a count, one SREM per member inside MULTI/EXEC.
    let m = c.cmd(&["SPOP", "s"]).text();
    assert_eq!(x.cmd(), strs(&["SREM", "s", &m]));
    let popped = sorted(&c.cmd(&["SPOP", "s", "2"]));
    assert_eq!(x.cmd(), strs(&["MULTI"]));
    let mut got = vec![x.cmd(), x.cmd()];
    got.sort();
    assert_eq!(got, vec![strs(&["SREM", "s", &popped[0]]), strs(&["SREM", "s", &popped[1]])]);
    assert_eq!(x.cmd(), strs(&["EXEC"]));
    // Popping everything is a DEL.
    c.cmd(&["SPOP", "s", "10"]);
    assert_eq!(x.cmd(), strs(&["DEL", "s"]));
    for cmd in [
        &["SADD", "a", "1", "2"][..],
        &["SREM", "a", "1", "zz"],
        &["SMOVE", "a", "b", "2"],
        &["SUNIONSTORE", "d", "b"],
        &["SINTERSTORE", "d", "b", "b"],
        &["SDIFFSTORE", "d", "b", "nokey"],
    ] {
        c.cmd(cmd);
        assert_eq!(x.cmd(), strs(cmd));
    }
}

#[test]
fn command_table_rows() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let flags = |f: &[&str]| Resp::Array(f.iter().map(|x| Resp::Simple(x.to_string())).collect());
    let pair = |k: &str, f: &[&str]| Resp::Array(vec![b(k), flags(f)]);
    assert_eq!(
        c.cmd(&["COMMAND", "GETKEYSANDFLAGS", "SINTERCARD", "2", "a", "b", "LIMIT", "1"]),
        Resp::Array(vec![pair("a", &["RO", "access"]), pair("b", &["RO", "access"])])
    );
    assert_eq!(
        c.cmd(&["COMMAND", "GETKEYSANDFLAGS", "SMOVE", "a", "b", "m"]),
        Resp::Array(vec![pair("a", &["RW", "access", "delete"]), pair("b", &["RW", "insert"])])
    );
    assert_eq!(c.cmd(&["COMMAND", "GETKEYS", "SUNIONSTORE", "d", "a", "b"]), bulks(&["d", "a", "b"]));
    // The sources' key spec of a *STORE command runs to the last argument.
    let info = c.cmd(&["COMMAND", "INFO", "sinterstore"]);
    let specs = info.array()[0].array()[8].array();
    let find = |spec: &Resp| spec.array()[5].array()[3].array()[1].clone();
    assert_eq!((find(&specs[0]), find(&specs[1])), (int(0), int(-1)));
}
