//! Loading RDB files at start-up: the fixtures written by real Redis 7.0.15 (content checked
//! against their JSON), hand-built files of other versions, and corrupt or truncated files.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// A tiny JSON reader for the fixture descriptions.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(BTreeMap<String, Json>),
}

impl Json {
    fn get(&self, k: &str) -> Option<&Json> {
        match self {
            Json::Obj(m) => m.get(k),
            _ => None,
        }
    }
    fn obj(&self) -> &BTreeMap<String, Json> {
        match self {
            Json::Obj(m) => m,
            other => panic!("not an object: {other:?}"),
        }
    }
    fn arr(&self) -> &[Json] {
        match self {
            Json::Arr(a) => a,
            other => panic!("not an array: {other:?}"),
        }
    }
    fn str(&self) -> &str {
        match self {
            Json::Str(s) => s,
            other => panic!("not a string: {other:?}"),
        }
    }
    /// A byte string as the fixtures encode it: plain string or {"hex": ...}.
    fn bytes(&self) -> Vec<u8> {
        match self {
            Json::Str(s) => s.as_bytes().to_vec(),
            Json::Obj(m) => {
                let h = m.get("hex").expect("hex").str();
                (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).expect("hex digit")).collect()
            }
            other => panic!("not a byte string: {other:?}"),
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: u8) {
        self.ws();
        assert_eq!(self.s[self.i], c, "json: expected {} at {}", c as char, self.i);
        self.i += 1;
    }
    fn value(&mut self) -> Json {
        self.ws();
        match self.s[self.i] {
            b'{' => {
                self.i += 1;
                let mut m = BTreeMap::new();
                self.ws();
                if self.s[self.i] == b'}' {
                    self.i += 1;
                    return Json::Obj(m);
                }
                loop {
                    self.ws();
                    let k = match self.value() {
                        Json::Str(s) => s,
                        other => panic!("json key {other:?}"),
                    };
                    self.eat(b':');
                    let v = self.value();
                    m.insert(k, v);
                    self.ws();
                    self.i += 1;
                    if self.s[self.i - 1] == b'}' {
                        return Json::Obj(m);
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut a = Vec::new();
                self.ws();
                if self.s[self.i] == b']' {
                    self.i += 1;
                    return Json::Arr(a);
                }
                loop {
                    a.push(self.value());
                    self.ws();
                    self.i += 1;
                    if self.s[self.i - 1] == b']' {
                        return Json::Arr(a);
                    }
                }
            }
            b'"' => {
                self.i += 1;
                let mut out: Vec<u16> = Vec::new();
                let mut s = String::new();
                loop {
                    let c = self.s[self.i];
                    self.i += 1;
                    match c {
                        b'"' => break,
                        b'\\' => {
                            let e = self.s[self.i];
                            self.i += 1;
                            let ch = match e {
                                b'n' => '\n',
                                b't' => '\t',
                                b'r' => '\r',
                                b'b' => '\u{8}',
                                b'f' => '\u{c}',
                                b'u' => {
                                    let h = std::str::from_utf8(&self.s[self.i..self.i + 4]).expect("utf8");
                                    self.i += 4;
                                    out.push(u16::from_str_radix(h, 16).expect("hex"));
                                    continue;
                                }
                                other => other as char,
                            };
                            s.push_str(&String::from_utf16(&std::mem::take(&mut out)).expect("utf16"));
                            s.push(ch);
                        }
                        _ => {
                            s.push_str(&String::from_utf16(&std::mem::take(&mut out)).expect("utf16"));
                            // Multi-byte UTF-8 passes through byte by byte.
                            let start = self.i - 1;
                            let mut end = self.i;
                            while end < self.s.len() && (self.s[end] & 0xc0) == 0x80 {
                                end += 1;
                            }
                            s.push_str(std::str::from_utf8(&self.s[start..end]).expect("utf8"));
                            self.i = end;
                        }
                    }
                }
                s.push_str(&String::from_utf16(&out).expect("utf16"));
                Json::Str(s)
            }
            b'n' => {
                self.i += 4;
                Json::Null
            }
            b't' => {
                self.i += 4;
                Json::Bool(true)
            }
            b'f' => {
                self.i += 5;
                Json::Bool(false)
            }
            _ => {
                let start = self.i;
                while self.i < self.s.len() && b"+-0123456789.eE".contains(&self.s[self.i]) {
                    self.i += 1;
                }
                Json::Num(std::str::from_utf8(&self.s[start..self.i]).expect("num").parse().expect("number"))
            }
        }
    }
}

fn parse_json(text: &str) -> Json {
    Parser { s: text.as_bytes(), i: 0 }.value()
}

#[test]
fn json_parser_handles_the_fixture_shapes() {
    let j =
        parse_json(r#"{"a": [1, -2.5e3, null, true, false], "s": "x\"\\\u00e9\ud83d\ude00", "h": {"hex": "00ff"}}"#);
    assert_eq!(j.get("a").expect("a").arr().len(), 5);
    assert_eq!(j.get("a").expect("a").arr()[1], Json::Num(-2500.0));
    assert_eq!(j.get("s").expect("s").str(), "x\"\\é😀");
    assert_eq!(j.get("h").expect("h").bytes(), vec![0, 255]);
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// A fresh directory holding `bytes` as dump.rdb.
fn dir_with_dump(tag: &str, bytes: &[u8]) -> PathBuf {
    let d = temp_dir(tag);
    std::fs::write(d.join("dump.rdb"), bytes).expect("write dump");
    d
}

/// Start the server on `dir` expecting it to exit on its own; returns (exit code, log).
fn start_expect_exit(dir: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let port = free_port().to_string();
    let dir_s = dir.to_string_lossy().to_string();
    let mut args = vec!["--port", &port, "--dir", &dir_s];
    args.extend_from_slice(extra);
    let out = Command::new(env!("CARGO_BIN_EXE_redis-rust"))
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut child = out;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let o = child.wait_with_output().expect("output");
    let log = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    (o.status.code(), log)
}

fn assert_load_fails(bytes: &[u8], want: &[&str]) -> String {
    let dir = dir_with_dump("bad", bytes);
    let (code, log) = start_expect_exit(&dir, &[]);
    assert!(code.is_some_and(|c| c != 0), "expected a non-zero exit, got {code:?}; log:\n{log}");
    assert!(log.contains("dump.rdb"), "log must name the file:\n{log}");
    assert!(log.contains("at offset "), "log must name the offset:\n{log}");
    for w in want {
        assert!(log.contains(w), "log lacks {w:?}:\n{log}");
    }
    assert!(!log.contains("panicked"), "{log}");
    log
}

/// Check that the server holds exactly the content described by a fixture's JSON.
fn check_content(s: &Server, desc: &Json) {
    let mut c = s.client();
    let dbs = desc.get("dbs").expect("dbs").obj();
    for db in 0..16 {
        assert_eq!(c.cmd(&["SELECT", &db.to_string()]), Resp::ok());
        let keys = dbs.get(&db.to_string()).map(|k| k.arr()).unwrap_or(&[]);
        assert_eq!(c.cmd(&["DBSIZE"]), Resp::Int(keys.len() as i64), "db {db}");
        for k in keys {
            let key = k.get("key").expect("key").bytes();
            assert_eq!(k.get("type").expect("type").str(), "string");
            let value = k.get("value").expect("value").bytes();
            assert_eq!(c.cmd_bytes(&[b"GET", &key]), Resp::Bulk(value), "db {db} key {key:?}");
            let want = match k.get("expire_at_ms").expect("expire") {
                Json::Num(n) => *n as i64,
                _ => -1,
            };
            assert_eq!(c.cmd_bytes(&[b"PEXPIRETIME", &key]), Resp::Int(want), "db {db} key {key:?}");
        }
    }
    if let Some(dead) = desc.get("already_expired") {
        for (db, keys) in dead.obj() {
            assert_eq!(c.cmd(&["SELECT", db]), Resp::ok());
            for k in keys.arr() {
                assert_eq!(c.cmd_bytes(&[b"EXISTS", &k.bytes()]), Resp::Int(0));
            }
        }
    }
}

fn load_fixture(name: &str) {
    let bytes = std::fs::read(fixture(&format!("{name}.rdb"))).expect("fixture");
    let desc = parse_json(&std::fs::read_to_string(fixture(&format!("{name}.json"))).expect("json"));
    assert_eq!(desc.get("kind").expect("kind").str(), "string");
    let dir = dir_with_dump(name, &bytes);
    let s = Server::start_in(&dir, &[]);
    check_content(&s, &desc);
}

#[test]
fn fixture_strings_loads_exactly() {
    load_fixture("strings");
}

#[test]
fn fixture_expired_drops_dead_keys() {
    load_fixture("expired");
}

#[test]
fn fixture_multidb_loads_exactly() {
    load_fixture("multidb");
}

#[test]
fn fixture_empty_loads() {
    load_fixture("empty");
}

#[test]
fn a_replica_keeps_expired_keys_from_the_file() {
    let bytes = std::fs::read(fixture("expired.rdb")).expect("fixture");
    let dir = dir_with_dump("replica", &bytes);
    // A master that is not there: the replica still loads its own file first.
    let port = free_port().to_string();
    let s = Server::start_in(&dir, &["--replicaof", "127.0.0.1", &port]);
    // Kept (hidden from reads) until the master's DEL arrives.
    assert!(s.log_text().contains("keys loaded: 9, keys expired: 0"), "{}", s.log_text());
}

#[test]
fn fixtures_of_other_types_are_refused_clearly() {
    // Collections load now (collection_fixtures_load_exactly); streams are still refused.
    let cases = [
        ("stream", "RDB value type 19 (stream v2) is not supported yet by this server"),
        ("all_types", "RDB value type 19 (stream v2) is not supported yet by this server"),
    ];
    let handles: Vec<_> = cases
        .iter()
        .map(|&(name, want)| {
            std::thread::spawn(move || {
                let bytes = std::fs::read(fixture(&format!("{name}.rdb"))).expect("fixture");
                assert_load_fails(&bytes, &[want]);
            })
        })
        .collect();
    for h in handles {
        h.join().expect("case");
    }
}

// ---------------------------------------------------------------------------------------------
// Hand-built files
// ---------------------------------------------------------------------------------------------

/// Bitwise CRC-64/Jones (reflected), independent of the server's table-driven one.
fn crc64(data: &[u8]) -> u64 {
    let poly = 0xad93_d235_94c9_35a9u64.reverse_bits();
    let mut crc = 0u64;
    for &b in data {
        crc ^= u64::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ poly } else { crc >> 1 };
        }
    }
    crc
}

#[test]
fn crc64_matches_redis_test_vector() {
    assert_eq!(crc64(b"123456789"), 0xe9c6_d914_c4b8_d9ca);
}

fn rlen(out: &mut Vec<u8>, n: u64) {
    if n < 64 {
        out.push(n as u8);
    } else if n < 16384 {
        out.extend_from_slice(&[0x40 | (n >> 8) as u8, n as u8]);
    } else if n <= u64::from(u32::MAX) {
        out.push(0x80);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

fn rstr(out: &mut Vec<u8>, s: &[u8]) {
    rlen(out, s.len() as u64);
    out.extend_from_slice(s);
}

/// An RDB of `version` with `body` between the header and EOF, with a checksum when the
/// version has one.
fn build(version: u32, body: &[u8]) -> Vec<u8> {
    let mut out = format!("REDIS{version:04}").into_bytes();
    out.extend_from_slice(body);
    out.push(0xff);
    if version >= 5 {
        let c = crc64(&out);
        out.extend_from_slice(&c.to_le_bytes());
    }
    out
}

fn string_key(body: &mut Vec<u8>, key: &str, value: &[u8]) {
    body.push(0);
    rstr(body, key.as_bytes());
    body.extend_from_slice(value);
}

fn plain(v: &str) -> Vec<u8> {
    let mut o = Vec::new();
    rstr(&mut o, v.as_bytes());
    o
}

#[test]
fn old_and_new_versions_load() {
    for version in 1..=12u32 {
        let mut body = Vec::new();
        if version >= 7 {
            body.push(0xfa);
            rstr(&mut body, b"redis-ver");
            rstr(&mut body, b"x.y.z");
        }
        body.extend_from_slice(&[0xfe, 0]);
        if version >= 7 {
            body.extend_from_slice(&[0xfb, 3, 1]);
        }
        string_key(&mut body, "plain", &plain("v"));
        // Seconds expiry (the only kind before version 3).
        body.push(0xfd);
        body.extend_from_slice(&2_000_000_000i32.to_le_bytes());
        string_key(&mut body, "secs", &plain("s"));
        if version >= 3 {
            body.push(0xfc);
            body.extend_from_slice(&4_102_444_800_123i64.to_le_bytes());
            string_key(&mut body, "ms", &plain("m"));
        }
        if version >= 10 {
            // A function library (skipped with a warning), as 7.0+ writes them.
            body.push(0xf5);
            rstr(&mut body, b"#!lua name=mylib\nredis.register_function('f', function() return 1 end)");
        }
        if version >= 12 {
            // Redis 7.4 cluster slot info.
            body.extend_from_slice(&[0xf4, 5, 1, 0]);
        }
        // LFU/LRU annotations before a key.
        body.extend_from_slice(&[0xf9, 7]);
        body.extend_from_slice(&[0xf8, 0x40, 0x80]);
        string_key(&mut body, "annotated", &plain("a"));
        let dir = dir_with_dump(&format!("v{version}"), &build(version, &body));
        let s = Server::start_in(&dir, &[]);
        let mut c = s.client();
        assert_eq!(c.cmd(&["GET", "plain"]), Resp::bulk("v"), "version {version}");
        assert_eq!(c.cmd(&["GET", "annotated"]), Resp::bulk("a"), "version {version}");
        assert_eq!(c.cmd(&["PEXPIRETIME", "secs"]), Resp::Int(2_000_000_000_000), "version {version}");
        if version >= 3 {
            assert_eq!(c.cmd(&["PEXPIRETIME", "ms"]), Resp::Int(4_102_444_800_123), "version {version}");
        }
        if version >= 10 {
            assert!(s.log_text().contains("function libraries"), "version {version}: {}", s.log_text());
        }
    }
}

#[test]
fn every_string_and_length_encoding_loads() {
    let mut body = vec![0xfe, 0];
    string_key(&mut body, "i8", &[0xc0, 0x85]);
    string_key(&mut body, "i16", &[0xc1, 0x30, 0x75]);
    string_key(&mut body, "i32", &[0xc2, 0x00, 0x94, 0x35, 0x77]);
    string_key(&mut body, "i32neg", &[0xc2, 0x00, 0x6c, 0xca, 0x88]);
    let long14 = "q".repeat(300);
    string_key(&mut body, "len14", &plain(&long14));
    let long32 = "w".repeat(20_000);
    string_key(&mut body, "len32", &plain(&long32));
    // A short length written with the 32- and 64-bit encodings is still valid.
    let mut v = vec![0x80, 0, 0, 0, 3];
    v.extend_from_slice(b"abc");
    string_key(&mut body, "wide32", &v);
    let mut v = vec![0x81, 0, 0, 0, 0, 0, 0, 0, 2];
    v.extend_from_slice(b"xy");
    string_key(&mut body, "wide64", &v);
    // LZF: literal "abc", then a back reference of 6 bytes at distance 3 -> "abcabcabc".
    let lzf = [0x02, b'a', b'b', b'c', 0x80, 0x02];
    let mut v = vec![0xc3, lzf.len() as u8, 9];
    v.extend_from_slice(&lzf);
    string_key(&mut body, "lzf", &v);
    // A key in the 14-bit length form.
    let longkey = "k".repeat(100);
    string_key(&mut body, &longkey, &plain("long key"));
    let dir = dir_with_dump("enc", &build(10, &body));
    let s = Server::start_in(&dir, &[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["GET", "i8"]), Resp::bulk("-123"));
    assert_eq!(c.cmd(&["GET", "i16"]), Resp::bulk("30000"));
    assert_eq!(c.cmd(&["GET", "i32"]), Resp::bulk("2000000000"));
    assert_eq!(c.cmd(&["GET", "i32neg"]), Resp::bulk("-2000000000"));
    assert_eq!(c.cmd(&["GET", "len14"]), Resp::bulk(&long14));
    assert_eq!(c.cmd(&["GET", "len32"]), Resp::bulk(&long32));
    assert_eq!(c.cmd(&["GET", "wide32"]), Resp::bulk("abc"));
    assert_eq!(c.cmd(&["GET", "wide64"]), Resp::bulk("xy"));
    assert_eq!(c.cmd(&["GET", "lzf"]), Resp::bulk("abcabcabc"));
    assert_eq!(c.cmd(&["GET", &longkey]), Resp::bulk("long key"));
    assert_eq!(c.cmd(&["INCR", "i16"]), Resp::Int(30001));
}

#[test]
fn zero_checksum_is_not_verified() {
    let mut body = vec![0xfe, 0];
    string_key(&mut body, "k", &plain("v"));
    let mut f = build(10, &body);
    let n = f.len();
    f[n - 8..].fill(0);
    let dir = dir_with_dump("nocrc", &f);
    let s = Server::start_in(&dir, &[]);
    assert_eq!(s.client().cmd(&["GET", "k"]), Resp::bulk("v"));
    assert!(s.log_text().contains("checksum disabled"));
}

#[test]
fn version_above_12_and_bad_magic_are_refused() {
    assert_load_fails(&build(13, &[]), &["Can't handle RDB format version 13"]);
    assert_load_fails(&build(0, &[]), &["Can't handle RDB format version 0"]);
    let mut bad = build(10, &[]);
    bad[0] = b'X';
    assert_load_fails(&bad, &["Wrong signature"]);
}

#[test]
fn module_aux_and_module_values_are_refused_naming_the_module() {
    let cset = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut id = 0u64;
    for ch in b"MyModType" {
        id = (id << 6) | cset.iter().position(|x| x == ch).expect("charset") as u64;
    }
    id = (id << 10) | 1;
    let mut body = vec![0xf7];
    rlen(&mut body, id);
    body.extend_from_slice(&[2, 2]);
    assert_load_fails(&build(10, &body), &["AUX module data", "MyModType"]);
    let mut body = vec![0xfe, 0, 7];
    rstr(&mut body, b"key");
    rlen(&mut body, id);
    assert_load_fails(&build(10, &body), &["module value", "MyModType"]);
}

#[test]
fn unknown_types_and_too_many_databases_are_refused() {
    let mut body = vec![0xfe, 0, 8];
    rstr(&mut body, b"key");
    assert_load_fails(&build(10, &body), &["Unknown RDB value type 8"]);
    assert_load_fails(&build(10, &[0xfe, 20]), &["more than 16 databases"]);
    let mut body = vec![0xfe, 0];
    string_key(&mut body, "dup", &plain("1"));
    string_key(&mut body, "dup", &plain("2"));
    assert_load_fails(&build(10, &body), &["duplicated key 'dup'"]);
}

// ---------------------------------------------------------------------------------------------
// Corruption
// ---------------------------------------------------------------------------------------------

#[test]
fn a_flipped_byte_fails_the_checksum() {
    let mut bytes = std::fs::read(fixture("strings.rdb")).expect("fixture");
    // Inside the 4096 random bytes stored raw: structure intact, only the checksum can tell.
    let pos = bytes.windows(10).position(|w| w == b"random4k\x50\x00").expect("random4k key") + 200;
    bytes[pos] ^= 0x01;
    let log = assert_load_fails(&bytes, &["Wrong RDB checksum"]);
    assert!(log.contains(&format!("at offset {}", bytes.len() - 8)), "{log}");
}

#[test]
fn truncation_at_any_point_is_an_error_naming_the_offset() {
    let bytes = std::fs::read(fixture("strings.rdb")).expect("fixture");
    let offsets = [0usize, 4, 9, 10, 30, 100, 500, 2000, 3000, bytes.len() / 2, bytes.len() - 9, bytes.len() - 1];
    let handles: Vec<_> = offsets
        .iter()
        .map(|&cut| {
            let b = bytes[..cut].to_vec();
            std::thread::spawn(move || {
                let log = assert_load_fails(&b, &[]);
                assert!(log.contains(&format!("at offset {cut}")), "cut at {cut}:\n{log}");
            })
        })
        .collect();
    for h in handles {
        h.join().expect("case");
    }
}

#[test]
fn impossible_lengths_fail_without_allocating() {
    // A string declaring 2^62 bytes, then a few bytes and EOF.
    let mut body = vec![0xfe, 0, 0];
    rstr(&mut body, b"k");
    body.push(0x81);
    body.extend_from_slice(&(1u64 << 62).to_be_bytes());
    body.extend_from_slice(b"tiny");
    assert_load_fails(&build(10, &body), &["Unexpected end of file"]);
    // LZF claiming a huge plain length for 3 compressed bytes.
    let mut body = vec![0xfe, 0, 0];
    rstr(&mut body, b"k");
    body.extend_from_slice(&[0xc3, 3, 0x80, 0x7f, 0xff, 0xff, 0xff, 0x00, b'a', b'b']);
    assert_load_fails(&build(10, &body), &["Impossible LZF lengths"]);
    // LZF data that does not expand to its declared length.
    let mut body = vec![0xfe, 0, 0];
    rstr(&mut body, b"k");
    body.extend_from_slice(&[0xc3, 3, 10, 0x01, b'a', b'b']);
    assert_load_fails(&build(10, &body), &["Invalid LZF data"]);
}

// ---------------------------------------------------------------------------------------------
// Collections: the fixtures' content, our SAVE read back by real Redis, DUMP/RESTORE both ways
// ---------------------------------------------------------------------------------------------

const COLLECTION_FIXTURES: [&str; 8] = [
    "list_small",
    "list_large",
    "set_intset",
    "set_hashtable",
    "hash_listpack",
    "hash_hashtable",
    "zset_listpack",
    "zset_skiplist",
];

/// A value in a comparable form: lists in order, sets sorted, hashes sorted by field, zsets
/// in rank order with scores as numbers.
#[derive(Debug, PartialEq)]
enum Content {
    Str(Vec<u8>),
    List(Vec<Vec<u8>>),
    Set(Vec<Vec<u8>>),
    Hash(Vec<(Vec<u8>, Vec<u8>)>),
    ZSet(Vec<(Vec<u8>, f64)>),
}

fn score_of(text: &str) -> f64 {
    text.parse::<f64>().unwrap_or_else(|_| panic!("score {text}"))
}

fn expected_content(k: &Json) -> Content {
    let v = k.get("value").expect("value");
    let pairs = || v.arr().iter().map(|p| (p.arr()[0].bytes(), p.arr()[1].clone())).collect::<Vec<_>>();
    match k.get("type").expect("type").str() {
        "string" => Content::Str(v.bytes()),
        "list" => Content::List(v.arr().iter().map(Json::bytes).collect()),
        "set" => Content::Set(v.arr().iter().map(Json::bytes).collect()),
        "hash" => Content::Hash(pairs().into_iter().map(|(f, x)| (f, x.bytes())).collect()),
        "zset" => Content::ZSet(pairs().into_iter().map(|(m, s)| (m, score_of(s.str()))).collect()),
        t => panic!("type {t}"),
    }
}

fn loaded_content(v: redis_rust::database::Val<'_, redis_rust::database::Object>) -> Content {
    use redis_rust::database::{Object, Val};
    match v {
        Val::Str(s) => Content::Str(s.to_vec()),
        Val::Int(i) => Content::Str(i.to_string().into_bytes()),
        Val::Obj(Object::List(q)) => Content::List(q.to_vec(false)),
        Val::Obj(Object::Set(s)) => {
            let mut m: Vec<Vec<u8>> = s.iter().map(|x| x.to_vec()).collect();
            m.sort();
            Content::Set(m)
        }
        Val::Obj(Object::Hash(h)) => {
            let mut p: Vec<_> = h.iter().map(|(f, x)| (f.to_vec(), x.to_vec())).collect();
            p.sort();
            Content::Hash(p)
        }
        Val::Obj(Object::ZSet(z)) => Content::ZSet(z.to_vec(false)),
    }
}

/// Load `bytes` in-process and check every key of `desc`: value, expire, and nothing else.
fn check_loaded(bytes: &[u8], desc: &Json) {
    let mut ks = redis_rust::database::Keyspace::new(16);
    redis_rust::rdb::load_into(&mut ks, &mut &bytes[..], 0, false).expect("load");
    let dbs = desc.get("dbs").expect("dbs").obj();
    for (db, keys) in dbs {
        let db: usize = db.parse().expect("db");
        assert_eq!(ks.dbs[db].len(), keys.arr().len(), "db {db}");
        for k in keys.arr() {
            let key = k.get("key").expect("key").bytes();
            let e = ks.dbs[db].iter().find(|e| e.key() == &key[..]).unwrap_or_else(|| panic!("{key:?} missing"));
            assert_eq!(loaded_content(e.value()), expected_content(k), "key {}", String::from_utf8_lossy(&key));
            let want = match k.get("expire_at_ms").expect("expire") {
                Json::Num(n) => Some(*n as i64),
                _ => None,
            };
            assert_eq!(e.expire(), want);
        }
    }
}

/// The same content read from a live server (ours or real Redis) with Redis's commands.
fn served_content(c: &mut Client, key: &[u8], t: &str) -> Content {
    let raw = |x: &Resp| match x {
        Resp::Bulk(b) => b.clone(),
        other => panic!("{other:?}"),
    };
    let all = |r: Resp| r.array().iter().map(raw).collect::<Vec<_>>();
    match t {
        "list" => Content::List(all(c.cmd_bytes(&[b"LRANGE", key, b"0", b"-1"]))),
        "set" => {
            let mut m = all(c.cmd_bytes(&[b"SMEMBERS", key]));
            m.sort();
            Content::Set(m)
        }
        "hash" => {
            let flat = all(c.cmd_bytes(&[b"HGETALL", key]));
            let mut p: Vec<_> = flat.chunks(2).map(|p| (p[0].clone(), p[1].clone())).collect();
            p.sort();
            Content::Hash(p)
        }
        "zset" => {
            let flat = all(c.cmd_bytes(&[b"ZRANGE", key, b"0", b"-1", b"WITHSCORES"]));
            Content::ZSet(flat.chunks(2).map(|p| (p[0].clone(), score_of(&String::from_utf8_lossy(&p[1])))).collect())
        }
        _ => Content::Str(raw(&c.cmd_bytes(&[b"GET", key]))),
    }
}

fn real_redis_check(path: &Path) {
    if !have_redis("redis-check-rdb") {
        return;
    }
    let out = Command::new("redis-check-rdb").arg(path).output().expect("redis-check-rdb");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("RDB looks OK"), "redis-check-rdb:\n{text}");
}

#[test]
fn collection_fixtures_load_exactly() {
    for name in COLLECTION_FIXTURES {
        let bytes = std::fs::read(fixture(&format!("{name}.rdb"))).expect("fixture");
        let desc = parse_json(&std::fs::read_to_string(fixture(&format!("{name}.json"))).expect("json"));
        check_loaded(&bytes, &desc);
    }
}

/// Each fixture served by us: types, encodings and TTLs as 7.0 had them; SAVE gives a file
/// that redis-check-rdb accepts, that we read back with the same content, and that real Redis
/// serves with the same content.
#[test]
fn collection_fixtures_survive_our_save_and_load_in_real_redis() {
    for name in COLLECTION_FIXTURES {
        let bytes = std::fs::read(fixture(&format!("{name}.rdb"))).expect("fixture");
        let desc = parse_json(&std::fs::read_to_string(fixture(&format!("{name}.json"))).expect("json"));
        let dir = dir_with_dump(name, &bytes);
        {
            let s = Server::start_in(&dir, &["--save", ""]);
            let mut c = s.client();
            for k in desc.get("dbs").expect("dbs").obj()["0"].arr() {
                let key = k.get("key").expect("key").bytes();
                assert_eq!(c.cmd_bytes(&[b"TYPE", &key]), Resp::Simple(k.get("type").expect("t").str().into()));
                assert_eq!(
                    c.cmd_bytes(&[b"OBJECT", b"ENCODING", &key]),
                    Resp::bulk(k.get("encoding_in_redis_7_0").expect("enc").str()),
                    "{name} {key:?}"
                );
            }
            assert_eq!(c.cmd(&["SAVE"]), Resp::ok());
        }
        let saved = std::fs::read(dir.join("dump.rdb")).expect("saved");
        check_loaded(&saved, &desc);
        real_redis_check(&dir.join("dump.rdb"));
        let Some((_real, port)) = real_redis_on(&dir) else { continue };
        let mut r = Client::connect(port);
        for k in desc.get("dbs").expect("dbs").obj()["0"].arr() {
            let key = k.get("key").expect("key").bytes();
            let t = k.get("type").expect("t").str();
            assert_eq!(served_content(&mut r, &key, t), expected_content(k), "{name} {key:?} in real redis");
            assert_eq!(
                r.cmd_bytes(&[b"OBJECT", b"ENCODING", &key]),
                Resp::bulk(k.get("encoding_in_redis_7_0").expect("enc").str())
            );
        }
    }
}

/// Start real redis-server on `dir` (loading its dump.rdb); None when not installed.
fn real_redis_on(dir: &Path) -> Option<(RealRedisChild, u16)> {
    if !have_redis("redis-server") {
        return None;
    }
    let port = free_port();
    let child = RealRedisChild(
        Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(["--dir", &dir.to_string_lossy()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn redis-server"),
    );
    assert!(
        wait_until(Duration::from_secs(10), || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
            && Client::connect(port).cmd(&["PING"]) == Resp::Simple("PONG".into())),
        "redis-server did not start"
    );
    Some((child, port))
}

struct RealRedisChild(std::process::Child);

impl Drop for RealRedisChild {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Real Redis loads every fixture; each key's DUMP restores here, our DUMP of it restores
/// there, and both copies hold the same content. Strings' payloads are identical bytes.
#[test]
fn dump_and_restore_between_real_redis_and_us() {
    let mut names: Vec<&str> = COLLECTION_FIXTURES.to_vec();
    names.push("strings");
    let s = Server::start(&["--save", ""]);
    let mut c = s.client();
    for name in names {
        let bytes = std::fs::read(fixture(&format!("{name}.rdb"))).expect("fixture");
        let desc = parse_json(&std::fs::read_to_string(fixture(&format!("{name}.json"))).expect("json"));
        let dir = dir_with_dump(name, &bytes);
        let Some((_real, port)) = real_redis_on(&dir) else { return };
        let mut r = Client::connect(port);
        for k in desc.get("dbs").expect("dbs").obj()["0"].arr() {
            let key = k.get("key").expect("key").bytes();
            let t = k.get("type").expect("t").str();
            let theirs = r.cmd_bytes(&[b"DUMP", &key]);
            let Resp::Bulk(payload) = theirs else { panic!("DUMP {key:?}: {theirs:?}") };
            assert_eq!(c.cmd_bytes(&[b"RESTORE", &key, b"0", &payload, b"REPLACE"]), Resp::ok(), "{key:?}");
            assert_eq!(c.cmd_bytes(&[b"TYPE", &key]), Resp::Simple(t.into()));
            let Resp::Bulk(ours) = c.cmd_bytes(&[b"DUMP", &key]) else { panic!("our DUMP") };
            if t == "string" {
                assert_eq!(ours, payload, "DUMP of string {key:?} must match Redis byte for byte");
            }
            let mut back = key.clone();
            back.extend_from_slice(b":back");
            assert_eq!(r.cmd_bytes(&[b"RESTORE", &back, b"0", &ours]), Resp::ok(), "{key:?}");
            assert_eq!(served_content(&mut r, &back, t), expected_content(k), "{key:?} restored in real redis");
            assert_eq!(
                r.cmd_bytes(&[b"OBJECT", b"ENCODING", &back]),
                r.cmd_bytes(&[b"OBJECT", b"ENCODING", &key]),
                "{key:?}"
            );
        }
        c.cmd(&["FLUSHALL"]);
    }
}

#[test]
fn restore_errors_and_options() {
    let s = Server::start(&["--save", ""]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["SET", "s", "hello"]), Resp::ok());
    let Resp::Bulk(p) = c.cmd(&["DUMP", "s"]) else { panic!("dump") };
    assert_eq!(p, b"\x00\x05hello\x0a\x00\x63\x72\xdf\x76\x65\x34\x20\x0a".to_vec());
    assert_eq!(c.cmd(&["DUMP", "nosuch"]), Resp::Nil);
    let r = |c: &mut Client, extra: &[&[u8]]| {
        let mut a: Vec<&[u8]> = vec![b"RESTORE"];
        a.extend_from_slice(extra);
        c.cmd_bytes(&a)
    };
    assert_eq!(r(&mut c, &[b"s", b"0", &p]), err("BUSYKEY Target key name already exists."));
    assert_eq!(r(&mut c, &[b"n", b"-1", &p]), err("ERR Invalid TTL value, must be >= 0"));
    assert_eq!(r(&mut c, &[b"n", b"x", &p]), err("ERR value is not an integer or out of range"));
    assert_eq!(r(&mut c, &[b"n", b"0", b"junk"]), err("ERR DUMP payload version or checksum are wrong"));
    assert_eq!(r(&mut c, &[b"n", b"0", &p, b"IDLETIME", b"1", b"FREQ", b"2"]), err("ERR syntax error"));
    assert_eq!(r(&mut c, &[b"n", b"0", &p, b"FREQ", b"256"]), err("ERR Invalid FREQ value, must be >= 0 and <= 255"));
    assert_eq!(r(&mut c, &[b"n", b"0", &p, b"IDLETIME", b"-1"]), err("ERR Invalid IDLETIME value, must be >= 0"));
    assert_eq!(r(&mut c, &[b"n", b"0", &p, b"foo"]), err("ERR syntax error"));
    // A newer RDB version is refused as Redis 7.0 does.
    let mut v11 = p.clone();
    let at = v11.len() - 10;
    v11[at] = 11;
    assert_eq!(r(&mut c, &[b"n", b"0", &v11]), err("ERR DUMP payload version or checksum are wrong"));
    assert_eq!(r(&mut c, &[b"s", b"0", &p, b"REPLACE", b"IDLETIME", b"5"]), Resp::ok());
    assert_eq!(r(&mut c, &[b"t", b"100000", &p]), Resp::ok());
    let ttl = c.cmd(&["PTTL", "t"]).int();
    assert!(ttl > 90_000 && ttl <= 100_000, "{ttl}");
    assert_eq!(r(&mut c, &[b"u", b"4102444800123", &p, b"ABSTTL"]), Resp::ok());
    assert_eq!(c.cmd(&["PEXPIRETIME", "u"]), Resp::Int(4102444800123));
    // An absolute time in the past: OK, and the key (replaced) is gone.
    assert_eq!(r(&mut c, &[b"u", b"1", &p, b"ABSTTL", b"REPLACE"]), Resp::ok());
    assert_eq!(c.cmd(&["EXISTS", "u"]), Resp::Int(0));
    assert_eq!(c.cmd(&["GET", "s"]), Resp::bulk("hello"));
}

/// Mutated payloads (one byte changed, checksum fixed up so the value decoder sees them,
/// or truncated) are refused or restored, never crash the server.
#[test]
fn restore_survives_mutated_payloads() {
    let Some(real) = RealRedis::start(&[]) else { return };
    let mut rc = real.client();
    rc.cmd(&["RPUSH", "l", "a", "b", "1", "22", "-3"]);
    rc.cmd(&["HSET", "h", "f", "v", "g", "12"]);
    rc.cmd(&["SADD", "si", "1", "2", "300", "70000"]);
    rc.cmd(&["SADD", "ss", "x", "y"]);
    rc.cmd(&["ZADD", "z", "1", "a", "2.5", "b"]);
    let mut zbig = vec!["ZADD", "zb"];
    let owned: Vec<String> = (0..200).flat_map(|i| [format!("{i}.5"), format!("m{i}")]).collect();
    zbig.extend(owned.iter().map(String::as_str));
    rc.cmd(&zbig);
    let s = Server::start(&["--save", ""]);
    let mut c = s.client();
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut outcomes = (0, 0);
    for key in ["l", "h", "si", "ss", "z", "zb"] {
        let Resp::Bulk(p) = rc.cmd(&["DUMP", key]) else { panic!("dump") };
        for _ in 0..150 {
            let mut m = p.clone();
            let body = m.len() - 10;
            let i = (next() as usize) % body;
            m[i] ^= 1 << (next() % 8);
            if next() % 4 == 0 {
                m.truncate(1 + (next() as usize) % body);
                m.extend_from_slice(&[10, 0]);
                let crc = crc64(&m);
                m.extend_from_slice(&crc.to_le_bytes());
            } else {
                let crc = crc64(&m[..m.len() - 8]);
                let n = m.len();
                m[n - 8..].copy_from_slice(&crc.to_le_bytes());
            }
            match c.cmd_bytes(&[b"RESTORE", b"fuzz", b"0", &m, b"REPLACE"]) {
                Resp::Simple(_) => outcomes.0 += 1,
                Resp::Error(e) => {
                    assert!(e == "ERR Bad data format" || e.starts_with("ERR DUMP payload"), "{e}");
                    outcomes.1 += 1;
                }
                other => panic!("{other:?}"),
            }
        }
    }
    assert!(outcomes.1 > 0, "{outcomes:?}");
    assert_eq!(c.cmd(&["PING"]), Resp::Simple("PONG".into()));
    assert!(!s.log_text().contains("panicked"), "{}", s.log_text());
}

// ---------------------------------------------------------------------------------------------
// Collections in a full sync and DEBUG RELOAD (the snapshot is shared)
// ---------------------------------------------------------------------------------------------

/// Every collection key of the fixtures: (name prefixed with its fixture, description, DUMP
/// payload made in-process from the loaded fixture).
fn fixture_payloads() -> Vec<(Vec<u8>, Json, Vec<u8>)> {
    let mut out = Vec::new();
    for name in COLLECTION_FIXTURES {
        let bytes = std::fs::read(fixture(&format!("{name}.rdb"))).expect("fixture");
        let desc = parse_json(&std::fs::read_to_string(fixture(&format!("{name}.json"))).expect("json"));
        let mut ks = redis_rust::database::Keyspace::new(16);
        redis_rust::rdb::load_into(&mut ks, &mut &bytes[..], 0, false).expect("load");
        for k in desc.get("dbs").expect("dbs").obj()["0"].arr() {
            let key = k.get("key").expect("key").bytes();
            let e = ks.dbs[0].iter().find(|e| e.key() == &key[..]).expect("key");
            let p = redis_rust::rdb::create_dump_payload(e.value(), true);
            let mut named = format!("{name}/").into_bytes();
            named.extend_from_slice(&key);
            out.push((named, k.clone(), p));
        }
    }
    out
}

/// The server at `c` holds every fixture key with its content (read back through DUMP).
fn holds_fixture_keys(c: &mut Client, keys: &[(Vec<u8>, Json, Vec<u8>)]) {
    let lim = redis_rust::database::Keyspace::new(1).limits;
    for (key, k, _) in keys {
        let Resp::Bulk(p) = c.cmd_bytes(&[b"DUMP", key]) else { panic!("{key:?} missing") };
        let v = match redis_rust::rdb::restore_payload(&p, &lim).expect("payload") {
            redis_rust::rdb::Restored::Obj(o) => loaded_content(redis_rust::database::Val::Obj(&o)),
            redis_rust::rdb::Restored::Str(s) => Content::Str(s),
        };
        assert_eq!(v, expected_content(k), "{key:?}");
        assert_eq!(c.cmd_bytes(&[b"TYPE", key]), Resp::Simple(k.get("type").expect("t").str().into()));
    }
}

fn repl_offset(c: &mut Client) -> i64 {
    let r = c.cmd(&["ROLE"]);
    let a = r.array();
    if a[0] == Resp::bulk("master") { a[1].int() } else { a[4].int() }
}

fn synced(m: &mut Client, r: &mut Client) -> bool {
    wait_until(Duration::from_secs(20), || {
        let role = r.cmd(&["ROLE"]);
        role.array().len() == 5 && role.array()[3] == Resp::bulk("connected") && repl_offset(r) == repl_offset(m)
    })
}

#[test]
fn a_full_sync_and_debug_reload_carry_every_collection() {
    let keys = fixture_payloads();
    let m = Server::start(&["--save", "", "--enable-debug-command", "yes"]);
    let mut mc = m.client();
    for (key, _, p) in &keys {
        assert_eq!(mc.cmd_bytes(&[b"RESTORE", key, b"0", p]), Resp::ok());
    }
    let r = Server::start(&["--save", "", "--replicaof", &format!("127.0.0.1 {}", m.port)]);
    let mut rc = r.client();
    assert!(synced(&mut mc, &mut rc), "replica did not sync");
    holds_fixture_keys(&mut rc, &keys);
    assert_eq!(mc.cmd(&["DEBUG", "RELOAD"]), Resp::ok());
    holds_fixture_keys(&mut mc, &keys);
    assert_eq!(mc.cmd(&["DBSIZE"]), Resp::Int(keys.len() as i64));
    // RESTORE propagates: a key restored now reaches the replica through the stream.
    let (key, k, p) = &keys[0];
    let mut again = key.clone();
    again.extend_from_slice(b":again");
    assert_eq!(mc.cmd_bytes(&[b"RESTORE", &again, b"0", p]), Resp::ok());
    assert!(synced(&mut mc, &mut rc));
    holds_fixture_keys(&mut rc, &[(again, k.clone(), p.clone())]);
}

#[test]
fn a_full_sync_from_real_redis_carries_every_collection() {
    let Some(real) = RealRedis::start(&["--repl-diskless-sync-delay", "0"]) else { return };
    let keys = fixture_payloads();
    let mut mc = real.client();
    for (key, _, p) in &keys {
        assert_eq!(mc.cmd_bytes(&[b"RESTORE", key, b"0", p]), Resp::ok());
    }
    let r = Server::start(&["--save", "", "--replicaof", &format!("127.0.0.1 {}", real.port)]);
    let mut rc = r.client();
    assert!(synced(&mut mc, &mut rc), "replica did not sync");
    holds_fixture_keys(&mut rc, &keys);
    for (key, k, _) in &keys {
        assert_eq!(
            rc.cmd_bytes(&[b"OBJECT", b"ENCODING", key]),
            Resp::bulk(k.get("encoding_in_redis_7_0").expect("enc").str()),
            "{key:?}"
        );
    }
}

/// `redis-cli --rdb` fetches a snapshot holding collections that redis-check-rdb accepts and
/// that loads back with the same content.
#[test]
fn redis_cli_rdb_fetches_collections() {
    if !have_redis("redis-cli") {
        return;
    }
    let keys = fixture_payloads();
    let m = Server::start(&["--save", ""]);
    let mut mc = m.client();
    for (key, _, p) in &keys {
        assert_eq!(mc.cmd_bytes(&[b"RESTORE", key, b"0", p]), Resp::ok());
    }
    let dir = temp_dir("cli-rdb");
    let path = dir.join("fetched.rdb");
    let out = Command::new("redis-cli")
        .args(["-p", &m.port.to_string(), "--rdb", &path.to_string_lossy()])
        .output()
        .expect("redis-cli");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    real_redis_check(&path);
    let bytes = std::fs::read(&path).expect("fetched");
    let mut ks = redis_rust::database::Keyspace::new(16);
    redis_rust::rdb::load_into(&mut ks, &mut &bytes[..], 0, false).expect("load");
    assert_eq!(ks.dbs[0].len(), keys.len());
    for (key, k, _) in &keys {
        let e = ks.dbs[0].iter().find(|e| e.key() == &key[..]).expect("key");
        assert_eq!(loaded_content(e.value()), expected_content(k), "{key:?}");
    }
}

/// With list-compress-depth, inner quicklist nodes are saved as their LZF data; real Redis
/// loads them with the same content.
#[test]
fn compressed_list_nodes_are_saved_as_lzf_and_load_in_real_redis() {
    let bytes = std::fs::read(fixture("list_large.rdb")).expect("fixture");
    let desc = parse_json(&std::fs::read_to_string(fixture("list_large.json")).expect("json"));
    let dir = dir_with_dump("compressed", &bytes);
    {
        let s = Server::start_in(&dir, &["--save", "", "--list-compress-depth", "1"]);
        assert_eq!(s.client().cmd(&["SAVE"]), Resp::ok());
    }
    let saved = std::fs::read(dir.join("dump.rdb")).expect("saved");
    check_loaded(&saved, &desc);
    real_redis_check(&dir.join("dump.rdb"));
    let Some((_real, port)) = real_redis_on(&dir) else { return };
    let mut r = Client::connect(port);
    for k in desc.get("dbs").expect("dbs").obj()["0"].arr() {
        let key = k.get("key").expect("key").bytes();
        assert_eq!(served_content(&mut r, &key, "list"), expected_content(k), "{key:?}");
    }
}
