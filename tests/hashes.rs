//! Hash commands: every command's replies and errors in RESP2 and RESP3, WRONGTYPE, empty keys
//! disappearing, listpack to hashtable conversion at each threshold, HSCAN, HRANDFIELD, the
//! propagation of HINCRBYFLOAT, and the generic commands (TYPE, SCAN TYPE, COPY, MOVE, RENAME).
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

/// The strings of an array, set or flat map reply, sorted (hash order is not Redis's).
fn sorted(r: &Resp) -> Vec<String> {
    let mut v: Vec<String> = match r {
        Resp::Array(a) | Resp::Set(a) => a.iter().map(|x| x.text()).collect(),
        Resp::Map(m) => m.iter().map(|(k, v)| format!("{}={}", k.text(), v.text())).collect(),
        other => panic!("not a collection: {other:?}"),
    };
    v.sort();
    v
}

/// The field=value pairs of a RESP2 HGETALL, sorted.
fn pairs(r: &Resp) -> Vec<String> {
    let mut v: Vec<String> = r.array().chunks(2).map(|p| format!("{}={}", p[0].text(), p[1].text())).collect();
    v.sort();
    v
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn fields_values_and_counts() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["HSET", "h", "a", "1", "b", "2"]), int(2));
    assert_eq!(c.cmd(&["HSET", "h", "a", "10", "c", "3"]), int(1));
    assert_eq!(c.cmd(&["HMSET", "h", "d", "4"]), Resp::ok());
    assert_eq!(c.cmd(&["HGET", "h", "a"]), b("10"));
    assert_eq!(c.cmd(&["HGET", "h", "zz"]), Resp::Nil);
    assert_eq!(c.cmd(&["HGET", "nokey", "a"]), Resp::Nil);
    assert_eq!(c.cmd(&["HMGET", "h", "a", "zz", "b"]), Resp::Array(vec![b("10"), Resp::Nil, b("2")]));
    assert_eq!(c.cmd(&["HMGET", "nokey", "a", "b"]), Resp::Array(vec![Resp::Nil, Resp::Nil]));
    assert_eq!(c.cmd(&["HLEN", "h"]), int(4));
    assert_eq!(c.cmd(&["HLEN", "nokey"]), int(0));
    assert_eq!(c.cmd(&["HSTRLEN", "h", "a"]), int(2));
    assert_eq!(c.cmd(&["HSTRLEN", "h", "zz"]), int(0));
    assert_eq!(c.cmd(&["HEXISTS", "h", "a"]), int(1));
    assert_eq!(c.cmd(&["HEXISTS", "h", "zz"]), int(0));
    assert_eq!(c.cmd(&["HEXISTS", "nokey", "a"]), int(0));
    assert_eq!(pairs(&c.cmd(&["HGETALL", "h"])), strs(&["a=10", "b=2", "c=3", "d=4"]));
    assert_eq!(sorted(&c.cmd(&["HKEYS", "h"])), strs(&["a", "b", "c", "d"]));
    assert_eq!(sorted(&c.cmd(&["HVALS", "h"])), strs(&["10", "2", "3", "4"]));
    assert_eq!(c.cmd(&["HGETALL", "nokey"]), Resp::Array(vec![]));
    assert_eq!(c.cmd(&["HKEYS", "nokey"]), Resp::Array(vec![]));
    assert_eq!(c.cmd(&["HSETNX", "h", "a", "x"]), int(0));
    assert_eq!(c.cmd(&["HSETNX", "h", "e", "5"]), int(1));
    assert_eq!(c.cmd(&["HGET", "h", "e"]), b("5"));
    assert_eq!(c.cmd(&["HSETNX", "new", "f", "v"]), int(1));
    // HDEL counts what it removed; the emptied hash disappears.
    assert_eq!(c.cmd(&["HDEL", "h", "zz"]), int(0));
    assert_eq!(c.cmd(&["HDEL", "h", "a", "b", "zz"]), int(2));
    assert_eq!(c.cmd(&["HDEL", "nokey", "a"]), int(0));
    assert_eq!(c.cmd(&["HDEL", "h", "c", "d", "e", "c"]), int(3));
    assert_eq!(c.cmd(&["EXISTS", "h"]), int(0));
    // Empty field names and values are fine; binary data too.
    assert_eq!(c.cmd_bytes(&[b"HSET", b"bin", b"", b"\x00\xff\r\n"]), int(1));
    assert_eq!(c.cmd_bytes(&[b"HGET", b"bin", b""]), Resp::Bulk(b"\x00\xff\r\n".to_vec()));
}

#[test]
fn errors_and_wrong_types() {
    let s = Server::start(&[]);
    let mut c = s.client();
    for (cmd, name) in [
        (&["HSET", "h"][..], "hset"),
        (&["HSET", "h", "a"], "hset"),
        (&["HSET", "h", "a", "1", "b"], "hset"),
        (&["HMSET", "h", "a", "1", "b"], "hmset"),
        (&["HSETNX", "h", "a"], "hsetnx"),
        (&["HGET", "h"], "hget"),
        (&["HMGET", "h"], "hmget"),
        (&["HDEL", "h"], "hdel"),
        (&["HLEN"], "hlen"),
        (&["HINCRBY", "h", "a"], "hincrby"),
        (&["HINCRBYFLOAT", "h", "a"], "hincrbyfloat"),
        (&["HRANDFIELD"], "hrandfield"),
        (&["HSCAN", "h"], "hscan"),
        (&["HGETALL", "h", "x"], "hgetall"),
    ] {
        assert_eq!(c.cmd(cmd), err(&format!("ERR wrong number of arguments for '{name}' command")), "{cmd:?}");
    }
    assert_eq!(c.cmd(&["EXISTS", "h"]), int(0), "a refused HSET creates nothing");
    assert_eq!(c.cmd(&["SET", "str", "v"]), Resp::ok());
    for cmd in [
        &["HSET", "str", "a", "1"][..],
        &["HMSET", "str", "a", "1"],
        &["HSETNX", "str", "a", "1"],
        &["HGET", "str", "a"],
        &["HMGET", "str", "a"],
        &["HDEL", "str", "a"],
        &["HLEN", "str"],
        &["HSTRLEN", "str", "a"],
        &["HEXISTS", "str", "a"],
        &["HKEYS", "str"],
        &["HVALS", "str"],
        &["HGETALL", "str"],
        &["HINCRBY", "str", "a", "1"],
        &["HINCRBYFLOAT", "str", "a", "1"],
        &["HRANDFIELD", "str"],
        &["HRANDFIELD", "str", "2"],
        &["HSCAN", "str", "0"],
    ] {
        assert_eq!(c.cmd(cmd), err(WRONGTYPE), "{cmd:?}");
    }
    c.cmd(&["SADD", "set", "a"]);
    assert_eq!(c.cmd(&["HGET", "set", "a"]), err(WRONGTYPE));
    assert_eq!(c.cmd(&["HSET", "set", "a", "b"]), err(WRONGTYPE));
    assert_eq!(c.cmd(&["HSET", "h", "a", "1"]), int(1));
    assert_eq!(c.cmd(&["GET", "h"]), err(WRONGTYPE));
    assert_eq!(c.cmd(&["SADD", "h", "x"]), err(WRONGTYPE));
}

#[test]
fn counters() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["HINCRBY", "h", "n", "5"]), int(5));
    assert_eq!(c.cmd(&["HINCRBY", "h", "n", "-7"]), int(-2));
    assert_eq!(c.cmd(&["HGET", "h", "n"]), b("-2"));
    assert_eq!(c.cmd(&["HINCRBY", "h", "n", "x"]), err(NOT_INT));
    assert_eq!(c.cmd(&["HINCRBY", "nokey", "n", "x"]), err(NOT_INT));
    assert_eq!(c.cmd(&["EXISTS", "nokey"]), int(0));
    c.cmd(&["HSET", "h", "s", "abc", "big", "9223372036854775807", "sp", " 1"]);
    assert_eq!(c.cmd(&["HINCRBY", "h", "s", "1"]), err("ERR hash value is not an integer"));
    assert_eq!(c.cmd(&["HINCRBY", "h", "sp", "1"]), err("ERR hash value is not an integer"));
    assert_eq!(c.cmd(&["HINCRBY", "h", "big", "1"]), err("ERR increment or decrement would overflow"));
    assert_eq!(c.cmd(&["HINCRBYFLOAT", "h", "s", "1"]), err("ERR hash value is not a float"));
    assert_eq!(c.cmd(&["HINCRBYFLOAT", "h", "big", "1"]), b("9223372036854775808"));
    assert_eq!(c.cmd(&["HINCRBYFLOAT", "h", "f", "1.5"]), b("1.5"));
    assert_eq!(c.cmd(&["HINCRBYFLOAT", "h", "f", "0.1"]), b("1.6"));
    assert_eq!(c.cmd(&["HINCRBYFLOAT", "h", "f", "1e10"]), b("10000000001.59999999962747097"));
    assert_eq!(c.cmd(&["HINCRBYFLOAT", "h", "f", "-10000000001.6"]), b("0"));
    assert_eq!(c.cmd(&["HINCRBYFLOAT", "h", "n", "3"]), b("1"));
    assert_eq!(c.cmd(&["HINCRBYFLOAT", "h", "f", "abc"]), err("ERR value is not a valid float"));
    assert_eq!(c.cmd(&["HINCRBYFLOAT", "h", "f", "nan"]), err("ERR value is not a valid float"));
    assert_eq!(c.cmd(&["HINCRBYFLOAT", "h", "f", "inf"]), err("ERR value is NaN or Infinity"));
    assert_eq!(c.cmd(&["HINCRBYFLOAT", "h", "f", "-inf"]), err("ERR value is NaN or Infinity"));
    c.cmd(&["HSET", "h", "huge", "1e4932"]);
    assert_eq!(c.cmd(&["HINCRBYFLOAT", "h", "huge", "1e4932"]), err("ERR increment would produce NaN or Infinity"));
    assert_eq!(c.cmd(&["HGET", "h", "huge"]), b("1e4932"));
}

#[test]
fn hrandfield_counts_and_values() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["HRANDFIELD", "nokey"]), Resp::Nil);
    assert_eq!(c.cmd(&["HRANDFIELD", "nokey", "3"]), Resp::Array(vec![]));
    assert_eq!(c.cmd(&["HRANDFIELD", "nokey", "-3", "WITHVALUES"]), Resp::Array(vec![]));
    c.cmd(&["HSET", "h", "a", "1", "b", "2", "c", "3"]);
    let f = c.cmd(&["HRANDFIELD", "h"]).text();
    assert!(["a", "b", "c"].contains(&f.as_str()));
    assert_eq!(c.cmd(&["HRANDFIELD", "h", "0"]), Resp::Array(vec![]));
    assert_eq!(sorted(&c.cmd(&["HRANDFIELD", "h", "3"])), strs(&["a", "b", "c"]));
    assert_eq!(sorted(&c.cmd(&["HRANDFIELD", "h", "10"])), strs(&["a", "b", "c"]));
    assert_eq!(pairs(&c.cmd(&["HRANDFIELD", "h", "10", "withvalues"])), strs(&["a=1", "b=2", "c=3"]));
    let two = c.cmd(&["HRANDFIELD", "h", "2"]);
    assert_eq!(two.array().len(), 2);
    assert_ne!(two.array()[0], two.array()[1], "a positive count gives distinct fields");
    let many = c.cmd(&["HRANDFIELD", "h", "-20", "WITHVALUES"]);
    assert_eq!(many.array().len(), 40);
    for p in many.array().chunks(2) {
        assert_eq!(c.cmd(&["HGET", "h", &p[0].text()]), p[1]);
    }
    assert_eq!(c.cmd(&["HRANDFIELD", "h", "-5"]).array().len(), 5);
    assert_eq!(c.cmd(&["HRANDFIELD", "h", "1", "WITHVALUE"]), err(SYNTAX));
    assert_eq!(c.cmd(&["HRANDFIELD", "h", "1", "WITHVALUES", "x"]), err(SYNTAX));
    assert_eq!(c.cmd(&["HRANDFIELD", "h", "x"]), err(NOT_INT));
    assert_eq!(
        c.cmd(&["HRANDFIELD", "h", "-9223372036854775808"]),
        err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
    );
    assert_eq!(c.cmd(&["HRANDFIELD", "h", "9223372036854775807", "WITHVALUES"]), err("ERR value is out of range"));
    // A larger hash (hashtable): distinct picks below and above a third of the size.
    let mut args = vec!["HSET".to_string(), "big".to_string()];
    for i in 0..300 {
        args.push(format!("f{i}"));
        args.push(format!("v{i}"));
    }
    let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    c.cmd(&a);
    for n in [5usize, 150, 299] {
        let r = c.cmd(&["HRANDFIELD", "big", &n.to_string(), "WITHVALUES"]);
        let got = pairs(&r);
        assert_eq!(got.len(), n);
        assert!(got.windows(2).all(|w| w[0] != w[1]));
        assert!(got.iter().all(|p| p.split_once('=').is_some_and(|(k, v)| k[1..] == v[1..])), "{got:?}");
    }
}

#[test]
fn hscan_small_and_large() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["HSCAN", "nokey", "0"]), Resp::Array(vec![b("0"), Resp::Array(vec![])]));
    // A missing key answers before its options are read, as Redis does.
    assert_eq!(c.cmd(&["HSCAN", "nokey", "0", "COUNT", "x"]), Resp::Array(vec![b("0"), Resp::Array(vec![])]));
    c.cmd(&["HSET", "h", "a1", "1", "a2", "2", "b1", "3"]);
    let r = c.cmd(&["HSCAN", "h", "0", "COUNT", "1"]);
    assert_eq!(r.array()[0], b("0"), "a listpack is returned whole");
    assert_eq!(pairs(&r.array()[1]), strs(&["a1=1", "a2=2", "b1=3"]));
    let r = c.cmd(&["HSCAN", "h", "0", "MATCH", "a*"]);
    assert_eq!(pairs(&r.array()[1]), strs(&["a1=1", "a2=2"]));
    assert_eq!(c.cmd(&["HSCAN", "h", "x"]), err("ERR invalid cursor"));
    assert_eq!(c.cmd(&["HSCAN", "h", "0", "COUNT", "0"]), err(SYNTAX));
    assert_eq!(c.cmd(&["HSCAN", "h", "0", "COUNT", "x"]), err(NOT_INT));
    assert_eq!(c.cmd(&["HSCAN", "h", "0", "MATCH"]), err(SYNTAX));
    assert_eq!(c.cmd(&["HSCAN", "h", "0", "TYPE", "hash"]), err(SYNTAX));
    // A hashtable: the cursor walks, and a full iteration sees every field.
    for i in 0..600 {
        c.cmd(&["HSET", "big", &format!("f{i}"), &i.to_string()]);
    }
    let mut seen = std::collections::HashSet::new();
    let mut cursor = "0".to_string();
    let mut calls = 0;
    loop {
        let r = c.cmd(&["HSCAN", "big", &cursor, "COUNT", "20"]);
        for p in r.array()[1].array().chunks(2) {
            assert_eq!(p[0].text()[1..], p[1].text());
            seen.insert(p[0].text());
        }
        cursor = r.array()[0].text();
        calls += 1;
        if cursor == "0" {
            break;
        }
    }
    assert_eq!(seen.len(), 600);
    assert!(calls > 5, "{calls} calls");
    let r = c.cmd(&["HSCAN", "big", "0", "MATCH", "f1?", "COUNT", "5000"]);
    assert_eq!(r.array()[0], b("0"));
    assert_eq!(r.array()[1].array().len(), 20);
}

#[test]
fn encoding_conversions() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let enc = |c: &mut Client, k: &str| c.cmd(&["OBJECT", "ENCODING", k]).text();
    let fill = |c: &mut Client, k: &str, n: usize| {
        for i in 0..n {
            c.cmd(&["HSET", k, &format!("f{i}"), "v"]);
        }
    };
    // Redis 7.0's default hash-max-listpack-entries is 512 (config.c and redis.conf).
    fill(&mut c, "h", 512);
    assert_eq!(enc(&mut c, "h"), "listpack");
    fill(&mut c, "h", 513);
    assert_eq!(enc(&mut c, "h"), "hashtable");
    c.cmd(&["HDEL", "h", "f0", "f1", "f2"]);
    assert_eq!(enc(&mut c, "h"), "hashtable", "never converts back");
    c.cmd(&["HSET", "v", "f", &"x".repeat(64)]);
    assert_eq!(enc(&mut c, "v"), "listpack");
    c.cmd(&["HSET", "v", "g", &"x".repeat(65)]);
    assert_eq!(enc(&mut c, "v"), "hashtable");
    c.cmd(&["HSET", "k", &"x".repeat(65), "1"]);
    assert_eq!(enc(&mut c, "k"), "hashtable");
    assert_eq!(c.cmd(&["TYPE", "k"]), Resp::Simple("hash".into()));
    // The thresholds are configuration.
    assert_eq!(c.cmd(&["CONFIG", "SET", "hash-max-listpack-entries", "2", "hash-max-listpack-value", "4"]), Resp::ok());
    c.cmd(&["HSET", "c", "a", "1", "b", "2"]);
    assert_eq!(enc(&mut c, "c"), "listpack");
    c.cmd(&["HSET", "c", "c", "3"]);
    assert_eq!(enc(&mut c, "c"), "hashtable");
    // HINCRBY converts for a long field; HINCRBYFLOAT for a long result.
    c.cmd(&["HINCRBY", "d", "longfield", "1"]);
    assert_eq!(enc(&mut c, "d"), "hashtable");
    c.cmd(&["HSET", "e", "a", "1"]);
    c.cmd(&["HINCRBYFLOAT", "e", "a", "0.12345"]);
    assert_eq!(enc(&mut c, "e"), "hashtable");
    // HSETNX of a present field changes nothing; of a new long one converts.
    c.cmd(&["HSET", "g", "a", "1"]);
    assert_eq!(c.cmd(&["HSETNX", "g", "a", "123456"]), int(0));
    assert_eq!(enc(&mut c, "g"), "listpack");
    assert_eq!(c.cmd(&["HSETNX", "g", "abcdef", "1"]), int(1));
    assert_eq!(enc(&mut c, "g"), "hashtable");
    // One long argument converts before anything is set.
    c.cmd(&["HSET", "i", "a", "1", "b", "123456"]);
    assert_eq!(enc(&mut c, "i"), "hashtable");
    // A lowered entry limit converts at the next HSET, even one that only updates.
    c.cmd(&["CONFIG", "SET", "hash-max-listpack-entries", "128", "hash-max-listpack-value", "64"]);
    c.cmd(&["HSET", "j", "a", "1", "b", "2", "c", "3"]);
    c.cmd(&["CONFIG", "SET", "hash-max-listpack-entries", "2"]);
    c.cmd(&["HSET", "j", "a", "5"]);
    assert_eq!(enc(&mut c, "j"), "hashtable");
    // The 6.x names are aliases.
    assert_eq!(c.cmd(&["CONFIG", "SET", "hash-max-ziplist-entries", "1"]), Resp::ok());
    c.cmd(&["HSET", "z", "a", "1", "b", "2"]);
    assert_eq!(enc(&mut c, "z"), "hashtable");
}

#[test]
fn resp3_replies() {
    let s = Server::start(&[]);
    let mut c = s.client();
    c.cmd(&["HELLO", "3"]);
    c.cmd(&["HSET", "h", "a", "1", "b", "2"]);
    assert_eq!(sorted(&c.cmd(&["HGETALL", "h"])), strs(&["a=1", "b=2"]));
    assert!(matches!(c.cmd(&["HGETALL", "h"]), Resp::Map(_)));
    assert_eq!(c.cmd(&["HGETALL", "nokey"]), Resp::Map(vec![]));
    assert_eq!(c.cmd(&["HKEYS", "nokey"]), Resp::Array(vec![]));
    assert_eq!(c.cmd(&["HGET", "h", "zz"]), Resp::Null);
    assert_eq!(c.cmd(&["HRANDFIELD", "nokey"]), Resp::Null);
    assert_eq!(c.cmd(&["HMGET", "h", "a", "zz"]), Resp::Array(vec![b("1"), Resp::Null]));
    // WITHVALUES: an array of [field, value] pairs.
    let r = c.cmd(&["HRANDFIELD", "h", "5", "WITHVALUES"]);
    let mut got: Vec<Resp> = r.array().to_vec();
    got.sort_by_key(|p| p.array()[0].text());
    assert_eq!(got, vec![Resp::Array(vec![b("a"), b("1")]), Resp::Array(vec![b("b"), b("2")])]);
    let r = c.cmd(&["HRANDFIELD", "h", "-3", "WITHVALUES"]);
    assert_eq!(r.array().len(), 3);
    assert!(r.array().iter().all(|p| p.array().len() == 2));
    assert_eq!(c.cmd(&["HRANDFIELD", "h", "1"]).array().len(), 1);
    let r = c.cmd(&["HSCAN", "h", "0"]);
    assert_eq!(r.array()[0], b("0"));
    assert_eq!(r.array()[1].array().len(), 4);
    assert_eq!(c.cmd(&["HSCAN", "nokey", "0"]), Resp::Array(vec![b("0"), Resp::Array(vec![])]));
}

#[test]
fn generic_commands_on_hashes() {
    let s = Server::start(&[]);
    let mut c = s.client();
    c.cmd(&["HSET", "h", "a", "1", "b", "2"]);
    c.cmd(&["SET", "s", "v"]);
    assert_eq!(c.cmd(&["TYPE", "h"]), Resp::Simple("hash".into()));
    let r = c.cmd(&["SCAN", "0", "TYPE", "hash", "COUNT", "100"]);
    assert_eq!(r.array()[1], bulks(&["h"]));
    assert_eq!(c.cmd(&["COPY", "h", "h2"]), int(1));
    c.cmd(&["HSET", "h2", "c", "3"]);
    assert_eq!(c.cmd(&["HLEN", "h"]), int(2), "the copy is independent");
    assert_eq!(c.cmd(&["HLEN", "h2"]), int(3));
    assert_eq!(c.cmd(&["RENAME", "h2", "h3"]), Resp::ok());
    assert_eq!(c.cmd(&["HGET", "h3", "c"]), b("3"));
    assert_eq!(c.cmd(&["MOVE", "h3", "1"]), int(1));
    assert_eq!(c.cmd(&["EXISTS", "h3"]), int(0));
    c.cmd(&["SELECT", "1"]);
    assert_eq!(pairs(&c.cmd(&["HGETALL", "h3"])), strs(&["a=1", "b=2", "c=3"]));
    assert_eq!(c.cmd(&["COPY", "h3", "h", "DB", "0", "REPLACE"]), int(1));
    c.cmd(&["SELECT", "0"]);
    assert_eq!(c.cmd(&["HLEN", "h"]), int(3));
    // An expiring hash expires.
    c.cmd(&["PEXPIRE", "h", "1"]);
    assert!(wait_until(Duration::from_secs(3), || c.cmd(&["HLEN", "h"]) == int(0)));
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
    c.cmd(&["HSET", "h", "a", "1"]);
    assert_eq!(x.cmd(), strs(&["SELECT", "0"]));
    assert_eq!(x.cmd(), strs(&["HSET", "h", "a", "1"]));
    // No-op writes and reads are not sent.
    c.cmd(&["HDEL", "h", "zz"]);
    c.cmd(&["HSETNX", "h", "a", "2"]);
    c.cmd(&["HGET", "h", "a"]);
    c.cmd(&["HINCRBYFLOAT", "h", "f", "1.10"]);
    assert_eq!(x.cmd(), strs(&["HSET", "h", "f", "1.1"]));
    for cmd in [
        &["HMSET", "h", "b", "2"][..],
        &["HSETNX", "h", "c", "3"],
        &["HINCRBY", "h", "n", "4"],
        &["HDEL", "h", "a", "zz"],
    ] {
        c.cmd(cmd);
        assert_eq!(x.cmd(), strs(cmd));
    }
}
