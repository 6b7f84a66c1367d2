//! Generic key commands: DEL/UNLINK/EXISTS/TOUCH/TYPE, KEYS and SCAN with Redis's glob,
//! RANDOMKEY, RENAME/RENAMENX, COPY, MOVE and OBJECT.
mod common;
use common::*;
use std::collections::HashSet;

fn int(n: i64) -> Resp {
    Resp::Int(n)
}

/// Set many keys with one pipelined write.
fn set_many(c: &mut Client, keys: &[String]) {
    let mut raw = Vec::new();
    for k in keys {
        raw.extend(Client::encode(&[b"SET", k.as_bytes(), b"v"]));
    }
    c.send_raw(&raw);
    for _ in keys {
        assert_eq!(c.read(), Resp::ok());
    }
}

fn sorted_bulks(r: &Resp) -> Vec<String> {
    let mut v: Vec<String> = r.array().iter().map(|x| x.text()).collect();
    v.sort();
    v
}

fn keys_of(c: &mut Client, pattern: &str) -> Vec<String> {
    sorted_bulks(&c.cmd(&["KEYS", pattern]))
}

/// Iterate SCAN to the end with the given options; every key seen, with repetitions.
fn scan_all(c: &mut Client, opts: &[&str]) -> Vec<String> {
    let mut cursor = "0".to_string();
    let mut seen = Vec::new();
    for _ in 0..100_000 {
        let mut args = vec!["SCAN", cursor.as_str()];
        args.extend_from_slice(opts);
        let r = c.cmd(&args);
        let parts = r.array();
        assert_eq!(parts.len(), 2, "{r:?}");
        let next = parts[0].text();
        seen.extend(parts[1].array().iter().map(|k| k.text()));
        if next == "0" {
            return seen;
        }
        cursor = next;
    }
    panic!("SCAN did not terminate");
}

#[test]
fn del_unlink_exists_touch() {
    let s = Server::start(&[]);
    let mut c = s.client();
    for k in ["a", "b", "c"] {
        c.cmd(&["SET", k, "1"]);
    }
    assert_eq!(c.cmd(&["EXISTS", "a", "a", "nokey", "b"]), int(3), "repeated keys count each time");
    assert_eq!(c.cmd(&["TOUCH", "a", "a", "nokey"]), int(2));
    assert_eq!(c.cmd(&["DEL", "a", "a", "nokey"]), int(1), "a key is deleted once");
    assert_eq!(c.cmd(&["EXISTS", "a"]), int(0));
    assert_eq!(c.cmd(&["UNLINK", "b", "c", "b"]), int(2));
    assert_eq!(c.cmd(&["DBSIZE"]), int(0));
    assert_eq!(c.cmd(&["DEL", "nokey"]), int(0));
    for cmd in ["DEL", "UNLINK", "EXISTS", "TOUCH"] {
        assert_eq!(c.cmd(&[cmd]), err(&format!("ERR wrong number of arguments for '{}' command", cmd.to_lowercase())));
    }
    // Keys are binary-safe, including the empty key.
    assert_eq!(c.cmd_bytes(&[b"SET", b"", b"empty"]), Resp::ok());
    assert_eq!(c.cmd_bytes(&[b"SET", b"k\0\r\n", b"bin"]), Resp::ok());
    assert_eq!(c.cmd_bytes(&[b"EXISTS", b"", b"k\0\r\n", b"k"]), int(2));
    assert_eq!(c.cmd_bytes(&[b"DEL", b"", b"k\0\r\n"]), int(2));
}

#[test]
fn type_of_keys() {
    let s = Server::start(&[]);
    let mut c = s.client();
    c.cmd(&["SET", "str", "hello"]);
    c.cmd(&["SET", "num", "42"]);
    assert_eq!(c.cmd(&["TYPE", "str"]), Resp::Simple("string".into()));
    assert_eq!(c.cmd(&["TYPE", "num"]), Resp::Simple("string".into()));
    assert_eq!(c.cmd(&["TYPE", "nokey"]), Resp::Simple("none".into()));
    assert_eq!(c.cmd(&["TYPE"]), err("ERR wrong number of arguments for 'type' command"));
    assert_eq!(c.cmd(&["TYPE", "a", "b"]), err("ERR wrong number of arguments for 'type' command"));
}

#[test]
fn keys_with_glob_patterns() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let names = ["hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "h?llo", "h[a]llo", "a\\b", "", "-", "]"];
    for k in names {
        c.cmd(&["SET", k, "1"]);
    }
    let all = {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    };
    assert_eq!(keys_of(&mut c, "*"), all, "a bare * returns every key, the empty one too");
    assert_eq!(keys_of(&mut c, "h?llo"), ["h*llo", "h?llo", "hallo", "hello", "hxllo"]);
    assert_eq!(keys_of(&mut c, "h*llo"), ["h*llo", "h?llo", "h[a]llo", "hallo", "heeeello", "hello", "hllo", "hxllo"]);
    assert_eq!(keys_of(&mut c, "h[ae]llo"), ["hallo", "hello"]);
    assert_eq!(keys_of(&mut c, "h[^e]llo"), ["h*llo", "h?llo", "hallo", "hxllo"]);
    assert_eq!(keys_of(&mut c, "h[a-b]llo"), ["hallo"]);
    assert_eq!(keys_of(&mut c, "h[b-a]llo"), ["hallo"], "reversed ranges are swapped");
    assert_eq!(keys_of(&mut c, "h\\*llo"), ["h*llo"]);
    assert_eq!(keys_of(&mut c, "h\\?llo"), ["h?llo"]);
    assert_eq!(keys_of(&mut c, "h\\[a\\]llo"), ["h[a]llo"]);
    assert_eq!(keys_of(&mut c, "a\\\\b"), ["a\\b"]);
    assert_eq!(keys_of(&mut c, "HELLO"), Vec::<String>::new(), "KEYS is case-sensitive");
    assert_eq!(keys_of(&mut c, "[\\]]"), ["]"]);
    assert_eq!(keys_of(&mut c, "[\\-]"), ["-"]);
    // Redis quirks: an empty class never matches, a lone "[" matches nothing, "[^" any byte,
    // "**" does not match the empty key, and a trailing backslash is literal.
    assert_eq!(keys_of(&mut c, "[]"), Vec::<String>::new());
    assert_eq!(keys_of(&mut c, "["), Vec::<String>::new());
    assert_eq!(keys_of(&mut c, "[^"), ["-", "]"]);
    assert_eq!(keys_of(&mut c, "**"), all[1..].to_vec());
    assert_eq!(keys_of(&mut c, "a\\"), Vec::<String>::new());
    assert_eq!(keys_of(&mut c, "nomatch*"), Vec::<String>::new());
    assert_eq!(c.cmd(&["KEYS"]), err("ERR wrong number of arguments for 'keys' command"));
    assert_eq!(c.cmd(&["KEYS", "*", "x"]), err("ERR wrong number of arguments for 'keys' command"));
}

#[test]
fn keys_with_a_pathological_pattern_answers_quickly() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let long = "a".repeat(30_000);
    c.cmd(&["SET", &long, "1"]);
    let pattern = "a*".repeat(10_000) + "b";
    let t = std::time::Instant::now();
    assert_eq!(c.cmd(&["KEYS", &pattern]), Resp::Array(vec![]));
    let stars = "*".repeat(50_000) + "a";
    assert_eq!(c.cmd(&["KEYS", &stars]).array().len(), 1);
    assert!(t.elapsed().as_secs() < 5);
}

#[test]
fn scan_iterates_everything() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let names: Vec<String> = (0..1000).map(|i| format!("key:{i}")).collect();
    set_many(&mut c, &names);
    let seen = scan_all(&mut c, &[]);
    let set: HashSet<String> = seen.iter().cloned().collect();
    assert_eq!(set, names.iter().cloned().collect::<HashSet<_>>());
    let seen = scan_all(&mut c, &["COUNT", "7"]);
    assert_eq!(seen.iter().cloned().collect::<HashSet<_>>().len(), 1000);
    let seen: HashSet<String> = scan_all(&mut c, &["MATCH", "key:1?"]).into_iter().collect();
    assert_eq!(seen, (10..20).map(|i| format!("key:{i}")).collect::<HashSet<_>>());
    let seen: HashSet<String> = scan_all(&mut c, &["match", "*", "count", "1000"]).into_iter().collect();
    assert_eq!(seen.len(), 1000);
    // TYPE compares case-insensitively; unknown types match nothing.
    assert_eq!(scan_all(&mut c, &["TYPE", "STRING", "COUNT", "50"]).iter().collect::<HashSet<_>>().len(), 1000);
    assert!(scan_all(&mut c, &["TYPE", "list"]).is_empty());
    assert!(scan_all(&mut c, &["TYPE", "nosuchtype", "MATCH", "key:1"]).is_empty());
    // Options repeat; the last one wins.
    let seen = scan_all(&mut c, &["MATCH", "nothing*", "MATCH", "key:99?", "TYPE", "hash", "TYPE", "string"]);
    assert_eq!(seen.len(), 10);
}

#[test]
fn scan_on_an_empty_database_and_cursor_formats() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let empty = Resp::Array(vec![Resp::bulk("0"), Resp::Array(vec![])]);
    assert_eq!(c.cmd(&["SCAN", "0"]), empty);
    c.cmd(&["SET", "k", "v"]);
    let one = Resp::Array(vec![Resp::bulk("0"), bulks(&["k"])]);
    // strtoul's grammar: a sign, leading zeros and an empty string are all cursor 0.
    for cursor in ["0", "+0", "-0", "00", ""] {
        assert_eq!(c.cmd(&["SCAN", cursor, "COUNT", "100"]), one, "cursor {cursor:?}");
    }
    for cursor in ["abc", " 0", "0 ", "1x", "0x1", "+", "-", "18446744073709551616", "\t1"] {
        assert_eq!(c.cmd(&["SCAN", cursor]), err("ERR invalid cursor"), "cursor {cursor:?}");
    }
    // The whole unsigned 64-bit range is accepted.
    assert!(!c.cmd(&["SCAN", "18446744073709551615"]).is_error());
    assert!(!c.cmd(&["SCAN", "-1"]).is_error());
}

#[test]
fn scan_option_errors() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["SCAN"]), err("ERR wrong number of arguments for 'scan' command"));
    assert_eq!(c.cmd(&["SCAN", "0", "COUNT", "0"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["SCAN", "0", "COUNT", "-1"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["SCAN", "0", "COUNT", "x"]), err("ERR value is not an integer or out of range"));
    assert_eq!(c.cmd(&["SCAN", "0", "COUNT"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["SCAN", "0", "MATCH"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["SCAN", "0", "TYPE"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["SCAN", "0", "FOO", "bar"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["SCAN", "0", "COUNT", "10", "extra"]), err("ERR syntax error"));
    // The cursor is checked before the options.
    assert_eq!(c.cmd(&["SCAN", "x", "COUNT", "0"]), err("ERR invalid cursor"));
    assert!(!c.cmd(&["SCAN", "0", "count", "9223372036854775807"]).is_error());
}

#[test]
fn randomkey() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["RANDOMKEY"]), Resp::Nil);
    c.cmd(&["SET", "only", "1"]);
    assert_eq!(c.cmd(&["RANDOMKEY"]), Resp::bulk("only"));
    c.cmd(&["SET", "foo", "x"]);
    c.cmd(&["SET", "bar", "y"]);
    let mut seen = HashSet::new();
    for _ in 0..500 {
        seen.insert(c.cmd(&["RANDOMKEY"]).text());
        if seen.len() == 3 {
            break;
        }
    }
    assert_eq!(seen, ["only", "foo", "bar"].iter().map(|s| s.to_string()).collect());
    assert_eq!(c.cmd(&["RANDOMKEY", "x"]), err("ERR wrong number of arguments for 'randomkey' command"));
    c.cmd(&["SELECT", "1"]);
    assert_eq!(c.cmd(&["RANDOMKEY"]), Resp::Nil, "databases are separate");
}

#[test]
fn rename_and_renamenx() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["RENAME", "nokey", "x"]), err("ERR no such key"));
    assert_eq!(c.cmd(&["RENAMENX", "nokey", "x"]), err("ERR no such key"));
    assert_eq!(c.cmd(&["RENAME", "nokey", "nokey"]), err("ERR no such key"), "same name, missing key");
    c.cmd(&["SET", "a", "1"]);
    assert_eq!(c.cmd(&["RENAME", "a", "a"]), Resp::ok());
    assert_eq!(c.cmd(&["RENAMENX", "a", "a"]), int(0));
    assert_eq!(c.cmd(&["GET", "a"]), Resp::bulk("1"));
    assert_eq!(c.cmd(&["RENAME", "a", "b"]), Resp::ok());
    assert_eq!(c.cmd(&["EXISTS", "a"]), int(0));
    assert_eq!(c.cmd(&["GET", "b"]), Resp::bulk("1"));
    c.cmd(&["SET", "c", "other"]);
    assert_eq!(c.cmd(&["RENAMENX", "b", "c"]), int(0));
    assert_eq!(c.cmd(&["GET", "b"]), Resp::bulk("1"), "RENAMENX refused leaves the source alone");
    assert_eq!(c.cmd(&["GET", "c"]), Resp::bulk("other"));
    assert_eq!(c.cmd(&["RENAME", "b", "c"]), Resp::ok(), "RENAME overwrites");
    assert_eq!(c.cmd(&["GET", "c"]), Resp::bulk("1"));
    assert_eq!(c.cmd(&["RENAMENX", "c", "d"]), int(1));
    assert_eq!(c.cmd(&["GET", "d"]), Resp::bulk("1"));
    assert_eq!(c.cmd(&["DBSIZE"]), int(1));
    // The TTL travels with the value; the target's own TTL does not survive.
    c.cmd(&["PEXPIRE", "d", "100000"]);
    c.cmd(&["SET", "e", "x"]);
    assert_eq!(c.cmd(&["RENAME", "d", "e"]), Resp::ok());
    let ttl = c.cmd(&["PTTL", "e"]).int();
    assert!(ttl > 90_000 && ttl <= 100_000, "{ttl}");
    c.cmd(&["SET", "f", "no-ttl"]);
    c.cmd(&["PEXPIRE", "e", "100000"]);
    c.cmd(&["SET", "g", "x"]);
    c.cmd(&["EXPIRE", "g", "1000"]);
    assert_eq!(c.cmd(&["RENAME", "f", "g"]), Resp::ok());
    assert_eq!(c.cmd(&["TTL", "g"]), int(-1), "the target's TTL is not inherited");
    assert_eq!(c.cmd(&["RENAME", "a"]), err("ERR wrong number of arguments for 'rename' command"));
    assert_eq!(c.cmd(&["RENAMENX", "a", "b", "c"]), err("ERR wrong number of arguments for 'renamenx' command"));
}

#[test]
fn copy_within_and_across_databases() {
    let s = Server::start(&[]);
    let mut c = s.client();
    c.cmd(&["SET", "src", "hello"]);
    assert_eq!(c.cmd(&["COPY", "src", "src"]), err("ERR source and destination objects are the same"));
    assert_eq!(c.cmd(&["COPY", "src", "src", "DB", "0"]), err("ERR source and destination objects are the same"));
    assert_eq!(c.cmd(&["COPY", "nokey", "dst"]), int(0));
    assert_eq!(c.cmd(&["COPY", "src", "dst"]), int(1));
    assert_eq!(c.cmd(&["GET", "dst"]), Resp::bulk("hello"));
    assert_eq!(c.cmd(&["GET", "src"]), Resp::bulk("hello"));
    c.cmd(&["SET", "src", "changed"]);
    assert_eq!(c.cmd(&["GET", "dst"]), Resp::bulk("hello"), "the copy is independent");
    assert_eq!(c.cmd(&["COPY", "src", "dst"]), int(0), "no REPLACE, destination exists");
    assert_eq!(c.cmd(&["GET", "dst"]), Resp::bulk("hello"));
    assert_eq!(c.cmd(&["COPY", "src", "dst", "replace"]), int(1));
    assert_eq!(c.cmd(&["GET", "dst"]), Resp::bulk("changed"));
    // Integers stay integers.
    c.cmd(&["SET", "n", "12345"]);
    assert_eq!(c.cmd(&["COPY", "n", "n2"]), int(1));
    assert_eq!(c.cmd(&["OBJECT", "ENCODING", "n2"]), Resp::bulk("int"));
    // Other databases; the same name is fine there.
    assert_eq!(c.cmd(&["COPY", "src", "src", "DB", "3"]), int(1));
    assert_eq!(c.cmd(&["COPY", "src", "src", "db", "3"]), int(0));
    c.cmd(&["SET", "src", "third"]);
    assert_eq!(c.cmd(&["COPY", "src", "src", "REPLACE", "DB", "3"]), int(1));
    c.cmd(&["SELECT", "3"]);
    assert_eq!(c.cmd(&["GET", "src"]), Resp::bulk("third"));
    c.cmd(&["SELECT", "0"]);
    // The TTL is copied, and no TTL is invented.
    c.cmd(&["PEXPIRE", "src", "100000"]);
    assert_eq!(c.cmd(&["COPY", "src", "withttl"]), int(1));
    let ttl = c.cmd(&["PTTL", "withttl"]).int();
    assert!(ttl > 90_000 && ttl <= 100_000, "{ttl}");
    assert_eq!(c.cmd(&["COPY", "n", "n3"]), int(1));
    assert_eq!(c.cmd(&["TTL", "n3"]), int(-1));
    // Option errors, checked in order.
    assert_eq!(c.cmd(&["COPY", "src", "x", "DB"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["COPY", "src", "x", "foo"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["COPY", "src", "x", "REPLACE", "DB"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["COPY", "src", "x", "DB", "abc"]), err("ERR value is not an integer or out of range"));
    assert_eq!(
        c.cmd(&["COPY", "src", "x", "DB", "99999999999"]),
        err("ERR value is out of range, value must between -2147483648 and 2147483647")
    );
    assert_eq!(c.cmd(&["COPY", "src", "x", "DB", "16"]), err("ERR DB index is out of range"));
    assert_eq!(c.cmd(&["COPY", "src", "x", "DB", "-1"]), err("ERR DB index is out of range"));
    assert_eq!(c.cmd(&["COPY", "src", "x", "DB", "16", "foo"]), err("ERR DB index is out of range"));
    assert_eq!(c.cmd(&["COPY", "src"]), err("ERR wrong number of arguments for 'copy' command"));
}

#[test]
fn move_between_databases() {
    let s = Server::start(&[]);
    let mut c = s.client();
    c.cmd(&["SELECT", "9"]);
    c.cmd(&["SET", "mykey", "foobar"]);
    assert_eq!(c.cmd(&["MOVE", "mykey", "9"]), err("ERR source and destination objects are the same"));
    assert_eq!(c.cmd(&["MOVE", "mykey", "16"]), err("ERR DB index is out of range"));
    assert_eq!(c.cmd(&["MOVE", "mykey", "-1"]), err("ERR DB index is out of range"));
    assert_eq!(c.cmd(&["MOVE", "mykey", "notanumber"]), err("ERR value is not an integer or out of range"));
    assert_eq!(
        c.cmd(&["MOVE", "mykey", "4294967296"]),
        err("ERR value is out of range, value must between -2147483648 and 2147483647")
    );
    assert_eq!(c.cmd(&["MOVE", "nokey", "10"]), int(0));
    c.cmd(&["PEXPIRE", "mykey", "100000"]);
    assert_eq!(c.cmd(&["MOVE", "mykey", "10"]), int(1));
    assert_eq!(c.cmd(&["EXISTS", "mykey"]), int(0));
    assert_eq!(c.cmd(&["DBSIZE"]), int(0));
    c.cmd(&["SELECT", "10"]);
    assert_eq!(c.cmd(&["GET", "mykey"]), Resp::bulk("foobar"));
    let ttl = c.cmd(&["PTTL", "mykey"]).int();
    assert!(ttl > 90_000 && ttl <= 100_000, "{ttl}");
    // An existing key in the target blocks the move.
    c.cmd(&["SELECT", "9"]);
    c.cmd(&["SET", "mykey", "other"]);
    assert_eq!(c.cmd(&["MOVE", "mykey", "10"]), int(0));
    assert_eq!(c.cmd(&["GET", "mykey"]), Resp::bulk("other"));
    c.cmd(&["SET", "plain", "x"]);
    assert_eq!(c.cmd(&["MOVE", "plain", "0"]), int(1));
    c.cmd(&["SELECT", "0"]);
    assert_eq!(c.cmd(&["TTL", "plain"]), int(-1), "no TTL is invented");
    assert_eq!(c.cmd(&["MOVE", "plain"]), err("ERR wrong number of arguments for 'move' command"));
}

#[test]
fn object_subcommands() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let big = "x".repeat(45);
    let cases: &[(&str, &str)] = &[
        ("12345", "int"),
        ("-1", "int"),
        ("9223372036854775807", "int"),
        ("01", "embstr"),
        ("99999999999999999999", "embstr"),
        ("hello", "embstr"),
        (&big[..44], "embstr"),
        (&big, "raw"),
    ];
    for (v, enc) in cases {
        c.cmd(&["SET", "k", v]);
        assert_eq!(c.cmd(&["OBJECT", "ENCODING", "k"]), Resp::bulk(enc), "value {v}");
    }
    assert_eq!(c.cmd(&["object", "encoding", "nokey"]), Resp::Nil);
    c.cmd(&["SET", "k", "9999"]);
    assert_eq!(c.cmd(&["OBJECT", "REFCOUNT", "k"]), int(2147483647), "small integers are shared");
    c.cmd(&["SET", "k", "10000"]);
    assert_eq!(c.cmd(&["OBJECT", "REFCOUNT", "k"]), int(1));
    c.cmd(&["SET", "k", "-1"]);
    assert_eq!(c.cmd(&["OBJECT", "REFCOUNT", "k"]), int(1));
    assert_eq!(c.cmd(&["OBJECT", "REFCOUNT", "nokey"]), Resp::Nil);
    assert_eq!(c.cmd(&["OBJECT", "IDLETIME", "k"]), int(0));
    assert_eq!(c.cmd(&["OBJECT", "IDLETIME", "nokey"]), Resp::Nil);
    assert_eq!(c.cmd(&["OBJECT", "FREQ", "nokey"]), Resp::Nil);
    assert_eq!(
        c.cmd(&["OBJECT", "FREQ", "k"]),
        err(
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."
        )
    );
    let help = c.cmd(&["OBJECT", "HELP"]);
    let lines = help.array();
    assert_eq!(lines.len(), 15);
    assert_eq!(lines[0], Resp::Simple("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:".into()));
    assert_eq!(lines[14], Resp::Simple("    Prints this help.".into()));
    assert_eq!(c.cmd(&["OBJECT"]), err("ERR wrong number of arguments for 'object' command"));
    assert_eq!(c.cmd(&["OBJECT", "foo"]), err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
    assert_eq!(c.cmd(&["OBJECT", "ENCODING"]), err("ERR wrong number of arguments for 'object|encoding' command"));
    assert_eq!(
        c.cmd(&["OBJECT", "ENCODING", "a", "b"]),
        err("ERR wrong number of arguments for 'object|encoding' command")
    );
    assert_eq!(c.cmd(&["OBJECT", "HELP", "x"]), err("ERR wrong number of arguments for 'object|help' command"));
}

/// The same commands against real redis-server and this server give the same replies.
#[test]
fn differential_against_real_redis() {
    let Some(real) = RealRedis::start(&[]) else { return };
    let s = Server::start(&[]);
    let mut a = real.client();
    let mut b = s.client();
    let script: &[&[&str]] = &[
        &["SET", "x", "1"],
        &["SET", "y", "hello"],
        &["EXISTS", "x", "x", "z"],
        &["TYPE", "y"],
        &["RENAME", "z", "w"],
        &["RENAME", "x", "x"],
        &["RENAMENX", "x", "y"],
        &["COPY", "x", "x"],
        &["COPY", "x", "x", "DB", "foo"],
        &["COPY", "x", "x", "DB", "1", "REPLACE"],
        &["COPY", "x", "x", "DB", "1"],
        &["MOVE", "x", "0"],
        &["MOVE", "x", "1"],
        &["MOVE", "nokey", "1"],
        &["EXPIRE", "y", "100", "NX", "XX"],
        &["EXPIRE", "y", "100", "GT", "LT"],
        &["EXPIRE", "y", "100", "bogus"],
        &["EXPIRE", "y", "9223372036854775807"],
        &["PEXPIRE", "y", "9223372036854775807"],
        &["EXPIRE", "y", "x"],
        &["EXPIRE", "y", "100", "GT"],
        &["EXPIRE", "y", "100", "LT"],
        &["TTL", "y"],
        &["EXPIRE", "y", "50", "GT"],
        &["EXPIRE", "y", "200", "GT"],
        &["TTL", "y"],
        &["PEXPIREAT", "y", "4000000000499"],
        &["EXPIRETIME", "y"],
        &["PEXPIRETIME", "y"],
        &["PERSIST", "y"],
        &["PERSIST", "y"],
        &["TTL", "y"],
        &["EXPIRE", "y", "-1"],
        &["EXISTS", "y"],
        &["SCAN", "x"],
        &["SCAN", "0", "COUNT", "0"],
        &["SCAN", "0", "MATCH"],
        &["OBJECT", "ENCODING", "x"],
        &["OBJECT", "HELP"],
        &["OBJECT", "nope"],
        &["TOUCH", "x", "nokey"],
    ];
    for cmd in script {
        assert_eq!(a.cmd(cmd), b.cmd(cmd), "{cmd:?}");
    }
}
