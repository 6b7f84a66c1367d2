//! String commands: SET and its options, GET variants, multi-key forms, counters, float
//! increments, ranges and LCS, with Redis 7.0's exact replies and error texts.
mod common;
use common::*;
use std::time::Duration;

const SYNTAX: &str = "ERR syntax error";
const NOT_INT: &str = "ERR value is not an integer or out of range";
const NOT_FLOAT: &str = "ERR value is not a valid float";

fn ok() -> Resp {
    Resp::ok()
}

fn b(s: &str) -> Resp {
    Resp::bulk(s)
}

fn int(i: i64) -> Resp {
    Resp::Int(i)
}

/// Wait until `key` is gone (its TTL ran out); false if it is still there after 3 s.
fn gone(c: &mut Client, key: &str) -> bool {
    wait_until(Duration::from_secs(3), || c.cmd(&["EXISTS", key]) == int(0))
}

fn now_ms() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis()
}

#[test]
fn set_and_get_basics() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["GET", "k"]), Resp::Nil);
    assert_eq!(c.cmd(&["SET", "k", "v"]), ok());
    assert_eq!(c.cmd(&["GET", "k"]), b("v"));
    assert_eq!(c.cmd(&["SET", "k", ""]), ok());
    assert_eq!(c.cmd(&["GET", "k"]), b(""));
    // Integers come back exactly as given, including the extremes and non-canonical forms.
    for v in ["0", "-1", "9223372036854775807", "-9223372036854775808", "007", "+5", "1.0", "99999999999999999999"] {
        assert_eq!(c.cmd(&["SET", "n", v]), ok());
        assert_eq!(c.cmd(&["GET", "n"]), b(v));
    }
    let bin: &[u8] = b"a\0b\r\nc";
    assert_eq!(c.cmd_bytes(&[b"SET", b"bin", bin]), ok());
    assert_eq!(c.cmd(&["GET", "bin"]), Resp::Bulk(bin.to_vec()));
    let big = "x".repeat(1 << 20);
    assert_eq!(c.cmd(&["SET", "big", &big]), ok());
    assert_eq!(c.cmd(&["GET", "big"]), b(&big));
    assert_eq!(c.cmd(&["SET", "k"]), err("ERR wrong number of arguments for 'set' command"));
    assert_eq!(c.cmd(&["GET"]), err("ERR wrong number of arguments for 'get' command"));
    assert_eq!(c.cmd(&["GET", "a", "b"]), err("ERR wrong number of arguments for 'get' command"));
}

#[test]
fn set_nx_xx_get() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["SET", "k", "1", "XX"]), Resp::Nil);
    assert_eq!(c.cmd(&["EXISTS", "k"]), int(0));
    assert_eq!(c.cmd(&["SET", "k", "1", "nx"]), ok());
    assert_eq!(c.cmd(&["SET", "k", "2", "Nx"]), Resp::Nil);
    assert_eq!(c.cmd(&["GET", "k"]), b("1"));
    assert_eq!(c.cmd(&["SET", "k", "3", "xX"]), ok());
    assert_eq!(c.cmd(&["GET", "k"]), b("3"));
    // Repeating an option is fine; combining NX and XX is not.
    assert_eq!(c.cmd(&["SET", "k", "4", "XX", "XX"]), ok());
    assert_eq!(c.cmd(&["SET", "k", "5", "NX", "XX"]), err(SYNTAX));
    assert_eq!(c.cmd(&["SET", "k", "5", "XX", "NX"]), err(SYNTAX));
    assert_eq!(c.cmd(&["SET", "k", "5", "bogus"]), err(SYNTAX));
    assert_eq!(c.cmd(&["SET", "k", "5", "PERSIST"]), err(SYNTAX));
    assert_eq!(c.cmd(&["GET", "k"]), b("4"));

    // GET returns the old value whether or not the write happens (NX+GET is allowed in 7.0).
    assert_eq!(c.cmd(&["SET", "k", "new", "GET"]), b("4"));
    assert_eq!(c.cmd(&["GET", "k"]), b("new"));
    assert_eq!(c.cmd(&["SET", "fresh", "v", "get"]), Resp::Nil);
    assert_eq!(c.cmd(&["GET", "fresh"]), b("v"));
    assert_eq!(c.cmd(&["SET", "k", "x", "GET", "XX"]), b("new"));
    assert_eq!(c.cmd(&["SET", "none", "x", "GET", "XX"]), Resp::Nil);
    assert_eq!(c.cmd(&["EXISTS", "none"]), int(0));
    assert_eq!(c.cmd(&["SET", "k", "y", "NX", "GET"]), b("x"));
    assert_eq!(c.cmd(&["GET", "k"]), b("x"));
    assert_eq!(c.cmd(&["SET", "nx2", "y", "GET", "NX"]), Resp::Nil);
    assert_eq!(c.cmd(&["GET", "nx2"]), b("y"));
    assert_eq!(c.cmd(&["SET", "k", "z", "GET", "GET"]), b("x"));
}

#[test]
fn set_expire_options() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let inv = "ERR invalid expire time in 'set' command";
    for (opt, v) in [("EX", "0"), ("ex", "-1"), ("PX", "0"), ("px", "-5"), ("EXAT", "0"), ("PXAT", "-1")] {
        assert_eq!(c.cmd(&["SET", "k", "v", opt, v]), err(inv), "{opt} {v}");
    }
    // Seconds that overflow when converted to milliseconds, or once now is added.
    assert_eq!(c.cmd(&["SET", "k", "v", "EX", "9223372036854776"]), err(inv));
    assert_eq!(c.cmd(&["SET", "k", "v", "EX", "9223372036854775"]), err(inv));
    assert_eq!(c.cmd(&["SET", "k", "v", "PX", "9223372036854775807"]), err(inv));
    assert_eq!(c.cmd(&["SET", "k", "v", "EX", "abc"]), err(NOT_INT));
    assert_eq!(c.cmd(&["SET", "k", "v", "PX", "1.5"]), err(NOT_INT));
    assert_eq!(c.cmd(&["SET", "k", "v", "EX", "99999999999999999999"]), err(NOT_INT));
    // A missing value, and conflicting units or KEEPTTL, are syntax errors.
    assert_eq!(c.cmd(&["SET", "k", "v", "EX"]), err(SYNTAX));
    assert_eq!(c.cmd(&["SET", "k", "v", "EX", "10", "PX", "100"]), err(SYNTAX));
    assert_eq!(c.cmd(&["SET", "k", "v", "PXAT", "10", "EXAT", "100"]), err(SYNTAX));
    assert_eq!(c.cmd(&["SET", "k", "v", "EX", "10", "KEEPTTL"]), err(SYNTAX));
    assert_eq!(c.cmd(&["SET", "k", "v", "KEEPTTL", "PX", "10"]), err(SYNTAX));
    // Syntax is checked before the expire value.
    assert_eq!(c.cmd(&["SET", "k", "v", "EX", "0", "bogus"]), err(SYNTAX));
    assert_eq!(c.cmd(&["EXISTS", "k"]), int(0));
    // The same unit twice: the last one counts. Large but valid times are accepted.
    assert_eq!(c.cmd(&["SET", "k", "v", "EX", "1", "ex", "1000"]), ok());
    assert_eq!(c.cmd(&["SET", "big", "v", "PXAT", "9223372036854775807"]), ok());
    assert_eq!(c.cmd(&["SET", "big2", "v", "EXAT", "9223372036854775"]), ok());
    assert_eq!(c.cmd(&["GET", "big"]), b("v"));

    // Each unit makes the key disappear once its time has come.
    let at_ms = (now_ms() + 250).to_string();
    let at_s = (now_ms() / 1000 + 1).to_string();
    assert_eq!(c.cmd(&["SET", "px", "v", "PX", "150"]), ok());
    assert_eq!(c.cmd(&["SET", "pxat", "v", "PXAT", &at_ms]), ok());
    assert_eq!(c.cmd(&["SET", "exat", "v", "exat", &at_s]), ok());
    assert_eq!(c.cmd(&["SET", "ex", "v", "ex", "1", "xx"]), Resp::Nil);
    assert_eq!(c.cmd(&["SET", "ex", "v", "nx", "ex", "1"]), ok());
    assert_eq!(c.cmd(&["GET", "px"]), b("v"));
    for k in ["px", "pxat", "exat", "ex"] {
        assert!(gone(&mut c, k), "{k} did not expire");
        assert_eq!(c.cmd(&["GET", k]), Resp::Nil);
    }

    // A time already past deletes the key, even one that existed.
    assert_eq!(c.cmd(&["SET", "old", "v"]), ok());
    assert_eq!(c.cmd(&["SET", "old", "w", "EXAT", "1"]), ok());
    assert_eq!(c.cmd(&["EXISTS", "old"]), int(0));
    assert_eq!(c.cmd(&["SET", "old", "v"]), ok());
    assert_eq!(c.cmd(&["SET", "old", "w", "PXAT", "1", "GET"]), b("v"));
    assert_eq!(c.cmd(&["DBSIZE"]), int(3));
}

#[test]
fn set_keepttl_and_plain_set_clears_ttl() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["SET", "keep", "v", "PX", "200"]), ok());
    assert_eq!(c.cmd(&["SET", "keep", "w", "KEEPTTL"]), ok());
    assert_eq!(c.cmd(&["SET", "keep", "x", "keepttl", "GET"]), b("w"));
    assert_eq!(c.cmd(&["SET", "clear", "v", "PX", "200"]), ok());
    assert_eq!(c.cmd(&["SET", "clear", "w"]), ok());
    assert_eq!(c.cmd(&["SET", "gs", "v", "PX", "200"]), ok());
    assert_eq!(c.cmd(&["GETSET", "gs", "w"]), b("v"));
    assert_eq!(c.cmd(&["SET", "ms", "v", "PX", "200"]), ok());
    assert_eq!(c.cmd(&["MSET", "ms", "w"]), ok());
    assert!(gone(&mut c, "keep"));
    assert_eq!(c.cmd(&["MGET", "clear", "gs", "ms"]), bulks(&["w", "w", "w"]));
    // KEEPTTL on a key without TTL, or a missing key, just sets it.
    assert_eq!(c.cmd(&["SET", "nokey", "v", "KEEPTTL"]), ok());
    assert_eq!(c.cmd(&["GET", "nokey"]), b("v"));
}

#[test]
fn setnx_setex_psetex() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["SETNX", "k", "a"]), int(1));
    assert_eq!(c.cmd(&["SETNX", "k", "b"]), int(0));
    assert_eq!(c.cmd(&["GET", "k"]), b("a"));
    assert_eq!(c.cmd(&["SETNX", "k"]), err("ERR wrong number of arguments for 'setnx' command"));
    // SETNX sees a key whose TTL ran out as missing.
    assert_eq!(c.cmd(&["PSETEX", "t", "100", "old"]), ok());
    assert_eq!(c.cmd(&["SETNX", "t", "x"]), int(0));
    assert!(gone(&mut c, "t"));
    assert_eq!(c.cmd(&["SETNX", "t", "new"]), int(1));
    assert_eq!(c.cmd(&["GET", "t"]), b("new"));

    assert_eq!(c.cmd(&["SETEX", "e", "100", "v"]), ok());
    assert_eq!(c.cmd(&["GET", "e"]), b("v"));
    assert_eq!(c.cmd(&["SETEX", "e", "0", "v"]), err("ERR invalid expire time in 'setex' command"));
    assert_eq!(c.cmd(&["SETEX", "e", "-3", "v"]), err("ERR invalid expire time in 'setex' command"));
    assert_eq!(c.cmd(&["SETEX", "e", "9223372036854775807", "v"]), err("ERR invalid expire time in 'setex' command"));
    assert_eq!(c.cmd(&["PSETEX", "e", "0", "v"]), err("ERR invalid expire time in 'psetex' command"));
    assert_eq!(c.cmd(&["PSETEX", "e", "9223372036854775807", "v"]), err("ERR invalid expire time in 'psetex' command"));
    assert_eq!(c.cmd(&["SETEX", "e", "x", "v"]), err(NOT_INT));
    assert_eq!(c.cmd(&["PSETEX", "e", "1.5", "v"]), err(NOT_INT));
    assert_eq!(c.cmd(&["SETEX", "e", "1"]), err("ERR wrong number of arguments for 'setex' command"));
    assert_eq!(c.cmd(&["SETEX", "s1", "1", "v"]), ok());
    assert!(gone(&mut c, "s1"));
}

#[test]
fn getex_options() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["GETEX", "none"]), Resp::Nil);
    // Expire values are only checked for an existing key; syntax always.
    assert_eq!(c.cmd(&["GETEX", "none", "EX", "-1"]), Resp::Nil);
    assert_eq!(c.cmd(&["GETEX", "none", "bogus"]), err(SYNTAX));
    assert_eq!(c.cmd(&["SET", "k", "v"]), ok());
    assert_eq!(c.cmd(&["GETEX", "k"]), b("v"));
    let inv = "ERR invalid expire time in 'getex' command";
    for (opt, v) in [("EX", "0"), ("PX", "-1"), ("EXAT", "0"), ("pxat", "-2"), ("ex", "9223372036854776")] {
        assert_eq!(c.cmd(&["GETEX", "k", opt, v]), err(inv));
    }
    assert_eq!(c.cmd(&["GETEX", "k", "EX", "x"]), err(NOT_INT));
    for bad in [
        &["GETEX", "k", "EX"][..],
        &["GETEX", "k", "NX"],
        &["GETEX", "k", "XX"],
        &["GETEX", "k", "GET"],
        &["GETEX", "k", "KEEPTTL"],
        &["GETEX", "k", "PERSIST", "EX", "10"],
        &["GETEX", "k", "EX", "10", "PERSIST"],
        &["GETEX", "k", "EX", "10", "PX", "10"],
    ] {
        assert_eq!(c.cmd(bad), err(SYNTAX), "{bad:?}");
    }
    assert_eq!(c.cmd(&["GETEX"]), err("ERR wrong number of arguments for 'getex' command"));

    // PX sets a TTL; PERSIST removes it again.
    assert_eq!(c.cmd(&["GETEX", "k", "PX", "150"]), b("v"));
    assert_eq!(c.cmd(&["GETEX", "k", "persist"]), b("v"));
    assert_eq!(c.cmd(&["GETEX", "k", "PERSIST", "PERSIST"]), b("v"));
    assert_eq!(c.cmd(&["SET", "p", "v"]), ok());
    assert_eq!(c.cmd(&["GETEX", "p", "PX", "150"]), b("v"));
    assert!(gone(&mut c, "p"));
    assert_eq!(c.cmd(&["GET", "k"]), b("v"));
    for (key, opt, at) in [
        ("ex", "EX", "1".to_string()),
        ("exat", "EXAT", (now_ms() / 1000 + 1).to_string()),
        ("pxat", "PXAT", (now_ms() + 200).to_string()),
    ] {
        assert_eq!(c.cmd(&["SET", key, "v"]), ok());
        assert_eq!(c.cmd(&["GETEX", key, opt, &at]), b("v"));
        assert!(gone(&mut c, key), "{key}");
    }
    // An absolute time in the past replies with the value and deletes the key.
    assert_eq!(c.cmd(&["SET", "past", "7"]), ok());
    assert_eq!(c.cmd(&["GETEX", "past", "EXAT", "1"]), b("7"));
    assert_eq!(c.cmd(&["EXISTS", "past"]), int(0));
    assert_eq!(c.cmd(&["SET", "past", "v"]), ok());
    assert_eq!(c.cmd(&["GETEX", "past", "pxat", "1"]), b("v"));
    assert_eq!(c.cmd(&["EXISTS", "past"]), int(0));
}

#[test]
fn getdel_getset() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["GETDEL", "k"]), Resp::Nil);
    assert_eq!(c.cmd(&["SET", "k", "12"]), ok());
    assert_eq!(c.cmd(&["GETDEL", "k"]), b("12"));
    assert_eq!(c.cmd(&["GETDEL", "k"]), Resp::Nil);
    assert_eq!(c.cmd(&["EXISTS", "k"]), int(0));
    assert_eq!(c.cmd(&["GETSET", "k", "a"]), Resp::Nil);
    assert_eq!(c.cmd(&["GETSET", "k", "5"]), b("a"));
    assert_eq!(c.cmd(&["GETSET", "k", "b"]), b("5"));
    assert_eq!(c.cmd(&["GET", "k"]), b("b"));
    assert_eq!(c.cmd(&["GETSET", "k"]), err("ERR wrong number of arguments for 'getset' command"));
    assert_eq!(c.cmd(&["GETDEL", "k", "x"]), err("ERR wrong number of arguments for 'getdel' command"));
}

#[test]
fn mset_msetnx_mget() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["MSET", "a", "1", "b", "2", "a", "3"]), ok());
    assert_eq!(c.cmd(&["MGET", "a", "b", "c", "a"]), Resp::Array(vec![b("3"), b("2"), Resp::Nil, b("3")]));
    assert_eq!(c.cmd(&["MSET", "a", "1", "b"]), err("ERR wrong number of arguments for 'mset' command"));
    assert_eq!(c.cmd(&["MSET", "a"]), err("ERR wrong number of arguments for 'mset' command"));
    assert_eq!(c.cmd(&["MSETNX", "x", "1", "y"]), err("ERR wrong number of arguments for 'msetnx' command"));
    assert_eq!(c.cmd(&["MGET"]), err("ERR wrong number of arguments for 'mget' command"));
    // MSETNX writes all or nothing.
    assert_eq!(c.cmd(&["MSETNX", "x", "1", "a", "9"]), int(0));
    assert_eq!(c.cmd(&["MGET", "x", "a"]), Resp::Array(vec![Resp::Nil, b("3")]));
    assert_eq!(c.cmd(&["MSETNX", "x", "1", "y", "2", "x", "3"]), int(1));
    assert_eq!(c.cmd(&["MGET", "x", "y"]), bulks(&["3", "2"]));
    assert_eq!(c.cmd(&["MSETNX", "y", "5", "y", "6"]), int(0));
    assert_eq!(c.cmd(&["GET", "y"]), b("2"));
}

#[test]
fn append_and_strlen() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["STRLEN", "k"]), int(0));
    assert_eq!(c.cmd(&["APPEND", "k", "hello"]), int(5));
    assert_eq!(c.cmd(&["APPEND", "k", " world"]), int(11));
    assert_eq!(c.cmd(&["GET", "k"]), b("hello world"));
    assert_eq!(c.cmd(&["STRLEN", "k"]), int(11));
    assert_eq!(c.cmd(&["APPEND", "e", ""]), int(0));
    assert_eq!(c.cmd(&["EXISTS", "e"]), int(1));
    // Integers append as their text and count their digits.
    assert_eq!(c.cmd(&["SET", "n", "-555"]), ok());
    assert_eq!(c.cmd(&["STRLEN", "n"]), int(4));
    assert_eq!(c.cmd(&["APPEND", "n", "12"]), int(6));
    assert_eq!(c.cmd(&["GET", "n"]), b("-55512"));
    assert_eq!(c.cmd(&["INCR", "n"]), int(-55511));
    // APPEND keeps the TTL.
    assert_eq!(c.cmd(&["SET", "t", "a", "PX", "150"]), ok());
    assert_eq!(c.cmd(&["APPEND", "t", "b"]), int(2));
    assert!(gone(&mut c, "t"));
    assert_eq!(c.cmd(&["STRLEN", "a", "b"]), err("ERR wrong number of arguments for 'strlen' command"));
}

#[test]
fn string_size_limit() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let too_big = err("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    let limit: u64 = 512 * 1024 * 1024;
    assert_eq!(c.cmd(&["SETRANGE", "k", &(limit - 4).to_string(), "world"]), too_big);
    assert_eq!(c.cmd(&["SETRANGE", "k", "9223372036854775807", "A"]), too_big);
    assert_eq!(c.cmd(&["EXISTS", "k"]), int(0));
    assert_eq!(c.cmd(&["SET", "k", "hello"]), ok());
    assert_eq!(c.cmd(&["SETRANGE", "k", &(limit - 4).to_string(), "world"]), too_big);
    assert_eq!(c.cmd(&["GET", "k"]), b("hello"));
}

#[test]
fn counters() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["INCR", "n"]), int(1));
    assert_eq!(c.cmd(&["GET", "n"]), b("1"));
    assert_eq!(c.cmd(&["INCRBY", "n", "17179869184"]), int(17179869185));
    assert_eq!(c.cmd(&["DECR", "n"]), int(17179869184));
    assert_eq!(c.cmd(&["DECRBY", "n", "17179869185"]), int(-1));
    assert_eq!(c.cmd(&["DECRBY", "n", "-11"]), int(10));
    assert_eq!(c.cmd(&["INCRBY", "n", "-20"]), int(-10));
    assert_eq!(c.cmd(&["DECR", "fresh"]), int(-1));
    assert_eq!(c.cmd(&["INCRBY", "fresh2", "0"]), int(0));
    assert_eq!(c.cmd(&["GET", "fresh2"]), b("0"));

    let overflow = err("ERR increment or decrement would overflow");
    assert_eq!(c.cmd(&["SET", "m", "9223372036854775807"]), ok());
    assert_eq!(c.cmd(&["INCR", "m"]), overflow);
    assert_eq!(c.cmd(&["INCRBY", "m", "9223372036854775807"]), overflow);
    assert_eq!(c.cmd(&["DECRBY", "m", "-1"]), overflow);
    assert_eq!(c.cmd(&["GET", "m"]), b("9223372036854775807"));
    assert_eq!(c.cmd(&["SET", "m", "-9223372036854775808"]), ok());
    assert_eq!(c.cmd(&["DECR", "m"]), overflow);
    assert_eq!(c.cmd(&["INCRBY", "m", "-1"]), overflow);
    assert_eq!(c.cmd(&["INCRBY", "m", "9223372036854775807"]), int(-1));
    assert_eq!(c.cmd(&["DECRBY", "m", "-9223372036854775808"]), err("ERR decrement would overflow"));
    assert_eq!(c.cmd(&["DECRBY", "m", "9223372036854775807"]), int(i64::MIN));

    // Stored values and increments must be exact 64-bit integers.
    for bad in [" 11", "11 ", " 11 ", "1.5", "abc", "", "+1", "01", "9223372036854775808", "1e3"] {
        assert_eq!(c.cmd(&["SET", "s", bad]), ok());
        assert_eq!(c.cmd(&["INCR", "s"]), err(NOT_INT), "{bad:?}");
        assert_eq!(c.cmd(&["GET", "s"]), b(bad));
    }
    for bad in ["x", "1.0", "", "18446744073709551616", "-9223372036854775809"] {
        assert_eq!(c.cmd(&["INCRBY", "n", bad]), err(NOT_INT), "{bad:?}");
        assert_eq!(c.cmd(&["DECRBY", "n", bad]), err(NOT_INT), "{bad:?}");
    }
    // A string that is a valid integer counts; INCR keeps the TTL.
    assert_eq!(c.cmd(&["SET", "s", "-42"]), ok());
    assert_eq!(c.cmd(&["INCRBY", "s", "2"]), int(-40));
    assert_eq!(c.cmd(&["APPEND", "s", "0"]), int(4));
    assert_eq!(c.cmd(&["INCR", "s"]), int(-399));
    assert_eq!(c.cmd(&["SET", "t", "5", "PX", "150"]), ok());
    assert_eq!(c.cmd(&["INCR", "t"]), int(6));
    assert!(gone(&mut c, "t"));
    assert_eq!(c.cmd(&["INCR"]), err("ERR wrong number of arguments for 'incr' command"));
    assert_eq!(c.cmd(&["INCRBY", "n"]), err("ERR wrong number of arguments for 'incrby' command"));
    assert_eq!(c.cmd(&["DECRBY", "n", "1", "2"]), err("ERR wrong number of arguments for 'decrby' command"));
}

#[test]
fn incrbyfloat_formats_like_long_double() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let cases: &[(&str, &str, &str)] = &[
        ("10.5", "0.1", "10.6"),
        ("0.1", "0.2", "0.3"),
        ("3.0e3", "0", "3000"),
        ("1", "-1.1", "-0.1"),
        ("17179869184", "1.5", "17179869185.5"),
        ("17179869184", "17179869184", "34359738368"),
        ("1.5e20", "0.1", "150000000000000000000"),
        ("0", "1e-20", "0"),
        ("0", "-1e-20", "0"),
        ("0", "5e-18", "0"),
        ("0", "6e-18", "0.00000000000000001"),
        ("0", "0x10", "16"),
        ("0", "0x1.8p1", "3"),
        ("0", ".5", "0.5"),
        ("0", "5.", "5"),
        ("0", "+2E+2", "200"),
        ("9223372036854775807", "1", "9223372036854775808"),
        ("-9223372036854775808", "0.5", "-9223372036854775807.5"),
        ("1e400", "1", "1e400"),
        ("0.3", "-0.3", "0"),
        ("2.5", "-0.000000000000000001", "2.5"),
        ("100", "-99.99", "0.01"),
    ];
    for (start, by, want) in cases {
        assert_eq!(c.cmd(&["SET", "f", start]), ok());
        let got = c.cmd(&["INCRBYFLOAT", "f", by]);
        if *want == "1e400" {
            // Beyond double range but fine for a long double: the binary value's 401 digits.
            let t = got.text();
            assert!(t.starts_with("1000000000000000000028188068394758651458") && t.len() == 401, "{t}");
        } else {
            assert_eq!(got, b(want), "{start} + {by}");
            assert_eq!(c.cmd(&["GET", "f"]), b(want));
        }
    }
    assert_eq!(c.cmd(&["INCRBYFLOAT", "new", "1"]), b("1"));
    assert_eq!(c.cmd(&["INCRBYFLOAT", "new", "0.25"]), b("1.25"));
    assert_eq!(c.cmd(&["GET", "new"]), b("1.25"));
    // The result is a plain string afterwards: INCR works when it is integral.
    assert_eq!(c.cmd(&["INCRBYFLOAT", "i", "2.0"]), b("2"));
    assert_eq!(c.cmd(&["INCR", "i"]), int(3));

    let nan_inf = err("ERR increment would produce NaN or Infinity");
    assert_eq!(c.cmd(&["SET", "f", "0"]), ok());
    assert_eq!(c.cmd(&["INCRBYFLOAT", "f", "+inf"]), nan_inf);
    assert_eq!(c.cmd(&["INCRBYFLOAT", "f", "-Infinity"]), nan_inf);
    assert_eq!(c.cmd(&["SET", "f", "1.18e4932"]), ok());
    assert_eq!(c.cmd(&["INCRBYFLOAT", "f", "1.18e4932"]), nan_inf);
    assert_eq!(c.cmd(&["SET", "f", "inf"]), ok());
    assert_eq!(c.cmd(&["INCRBYFLOAT", "f", "1"]), nan_inf);
    assert_eq!(c.cmd(&["GET", "f"]), b("inf"));
    // Invalid floats: spaces, garbage, NaN, out of range, embedded NUL, too long.
    assert_eq!(c.cmd(&["SET", "f", "1"]), ok());
    let long = format!("1{}", "0".repeat(5200));
    for bad in [" 1", "1 ", "", "abc", "nan", "1e", "1e99999", "1e-99999", "--1", "0x", long.as_str()] {
        assert_eq!(c.cmd(&["INCRBYFLOAT", "f", bad]), err(NOT_FLOAT), "{bad:?}");
    }
    for bad in [" 11", "11 ", "x", "nan"] {
        assert_eq!(c.cmd(&["SET", "g", bad]), ok());
        assert_eq!(c.cmd(&["INCRBYFLOAT", "g", "1"]), err(NOT_FLOAT), "{bad:?}");
    }
    assert_eq!(c.cmd(&["SET", "g", "1"]), ok());
    assert_eq!(c.cmd(&["SETRANGE", "g", "2", "2"]), int(3));
    assert_eq!(c.cmd(&["INCRBYFLOAT", "g", "1"]), err(NOT_FLOAT));
    assert_eq!(c.cmd(&["GET", "f"]), b("1"));
    // Adding and then removing the same amount leaves zero, never "-0"; the TTL is kept.
    assert!(!c.cmd(&["INCRBYFLOAT", "z", &(1.0f64 / 41.0).to_string()]).is_error());
    assert_eq!(c.cmd(&["INCRBYFLOAT", "z", &(-1.0f64 / 41.0).to_string()]), b("0"));
    assert_eq!(c.cmd(&["SET", "t", "1.5", "PX", "150"]), ok());
    assert_eq!(c.cmd(&["INCRBYFLOAT", "t", "1"]), b("2.5"));
    assert!(gone(&mut c, "t"));
}

#[test]
fn getrange_and_substr() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["GETRANGE", "none", "0", "-1"]), b(""));
    assert_eq!(c.cmd(&["SET", "k", "Hello World"]), ok());
    let cases: &[(&str, &str, &str)] = &[
        ("0", "3", "Hell"),
        ("0", "-1", "Hello World"),
        ("-4", "-1", "orld"),
        ("5", "3", ""),
        ("5", "5000", " World"),
        ("-5000", "10000", "Hello World"),
        ("-1", "-5", ""),
        ("-100", "-50", "H"),
        ("0", "4294967297", "Hello World"),
        ("11", "20", ""),
        ("-9223372036854775808", "9223372036854775807", "Hello World"),
        ("3", "-9223372036854775808", ""),
    ];
    for (a, z, want) in cases {
        assert_eq!(c.cmd(&["GETRANGE", "k", a, z]), b(want), "{a} {z}");
        assert_eq!(c.cmd(&["SUBSTR", "k", a, z]), b(want), "{a} {z}");
    }
    assert_eq!(c.cmd(&["SET", "n", "1234"]), ok());
    assert_eq!(c.cmd(&["GETRANGE", "n", "-3", "-1"]), b("234"));
    assert_eq!(c.cmd(&["GETRANGE", "n", "3", "5000"]), b("4"));
    assert_eq!(c.cmd(&["SET", "e", ""]), ok());
    assert_eq!(c.cmd(&["GETRANGE", "e", "0", "-1"]), b(""));
    assert_eq!(c.cmd(&["GETRANGE", "k", "x", "1"]), err(NOT_INT));
    assert_eq!(c.cmd(&["GETRANGE", "k", "0", "1.5"]), err(NOT_INT));
    assert_eq!(c.cmd(&["GETRANGE", "none", "a", "1"]), err(NOT_INT));
    assert_eq!(c.cmd(&["GETRANGE", "k", "0"]), err("ERR wrong number of arguments for 'getrange' command"));
    assert_eq!(c.cmd(&["SUBSTR", "k", "0"]), err("ERR wrong number of arguments for 'substr' command"));
}

#[test]
fn setrange() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["SETRANGE", "k", "0", ""]), int(0));
    assert_eq!(c.cmd(&["SETRANGE", "k", "100", ""]), int(0));
    assert_eq!(c.cmd(&["EXISTS", "k"]), int(0));
    assert_eq!(c.cmd(&["SETRANGE", "k", "1", "foo"]), int(4));
    assert_eq!(c.cmd(&["GET", "k"]), Resp::Bulk(b"\0foo".to_vec()));
    assert_eq!(c.cmd(&["SET", "k", "foo"]), ok());
    assert_eq!(c.cmd(&["SETRANGE", "k", "0", "b"]), int(3));
    assert_eq!(c.cmd(&["GET", "k"]), b("boo"));
    assert_eq!(c.cmd(&["SETRANGE", "k", "10", ""]), int(3));
    assert_eq!(c.cmd(&["SETRANGE", "k", "4", "bar"]), int(7));
    assert_eq!(c.cmd(&["GET", "k"]), Resp::Bulk(b"boo\0bar".to_vec()));
    assert_eq!(c.cmd(&["SETRANGE", "k", "2", "XXXXXXX"]), int(9));
    assert_eq!(c.cmd(&["GET", "k"]), b("boXXXXXXX"));
    assert_eq!(c.cmd(&["SET", "n", "1234"]), ok());
    assert_eq!(c.cmd(&["SETRANGE", "n", "0", "2"]), int(4));
    assert_eq!(c.cmd(&["INCR", "n"]), int(2235));
    assert_eq!(c.cmd(&["SETRANGE", "n", "5", "2"]), int(6));
    assert_eq!(c.cmd(&["GET", "n"]), Resp::Bulk(b"2235\x002".to_vec()));
    assert_eq!(c.cmd(&["SETRANGE", "k", "-1", "x"]), err("ERR offset is out of range"));
    assert_eq!(c.cmd(&["SETRANGE", "k", "x", "x"]), err(NOT_INT));
    assert_eq!(c.cmd(&["SETRANGE", "k", "-1", ""]), err("ERR offset is out of range"));
    // SETRANGE keeps the TTL.
    assert_eq!(c.cmd(&["SET", "t", "abc", "PX", "150"]), ok());
    assert_eq!(c.cmd(&["SETRANGE", "t", "1", "X"]), int(3));
    assert!(gone(&mut c, "t"));
}

fn pair(a: i64, b: i64) -> Resp {
    Resp::Array(vec![int(a), int(b)])
}

#[test]
fn lcs() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["MSET", "a", "ohmytext", "b", "mynewtext"]), ok());
    assert_eq!(c.cmd(&["LCS", "a", "b"]), b("mytext"));
    assert_eq!(c.cmd(&["LCS", "a", "b", "LEN"]), int(6));
    let m1 = Resp::Array(vec![pair(4, 7), pair(5, 8)]);
    let m2 = Resp::Array(vec![pair(2, 3), pair(0, 1)]);
    assert_eq!(
        c.cmd(&["LCS", "a", "b", "IDX"]),
        Resp::Array(vec![b("matches"), Resp::Array(vec![m1.clone(), m2.clone()]), b("len"), int(6)])
    );
    let with = |m: &Resp, n: i64| {
        let mut v = m.array().to_vec();
        v.push(int(n));
        Resp::Array(v)
    };
    assert_eq!(
        c.cmd(&["LCS", "a", "b", "idx", "withmatchlen"]),
        Resp::Array(vec![b("matches"), Resp::Array(vec![with(&m1, 4), with(&m2, 2)]), b("len"), int(6)])
    );
    assert_eq!(
        c.cmd(&["LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"]),
        Resp::Array(vec![b("matches"), Resp::Array(vec![with(&m1, 4)]), b("len"), int(6)])
    );
    assert_eq!(
        c.cmd(&["LCS", "a", "b", "IDX", "MINMATCHLEN", "-5"]),
        Resp::Array(vec![b("matches"), Resp::Array(vec![m1, m2]), b("len"), int(6)])
    );
    // Missing keys are empty strings; integers are compared as text.
    assert_eq!(c.cmd(&["LCS", "a", "none"]), b(""));
    assert_eq!(c.cmd(&["LCS", "none", "none2", "LEN"]), int(0));
    assert_eq!(
        c.cmd(&["LCS", "none", "a", "IDX"]),
        Resp::Array(vec![b("matches"), Resp::Array(vec![]), b("len"), int(0)])
    );
    assert_eq!(c.cmd(&["MSET", "n1", "12345", "n2", "x2y4"]), ok());
    assert_eq!(c.cmd(&["LCS", "n1", "n2"]), b("24"));
    assert_eq!(c.cmd(&["LCS", "a", "a"]), b("ohmytext"));
    // Option errors.
    assert_eq!(
        c.cmd(&["LCS", "a", "b", "LEN", "IDX"]),
        err("ERR If you want both the length and indexes, please just use IDX.")
    );
    assert_eq!(c.cmd(&["LCS", "a", "b", "MINMATCHLEN"]), err(SYNTAX));
    assert_eq!(c.cmd(&["LCS", "a", "b", "MINMATCHLEN", "x"]), err(NOT_INT));
    assert_eq!(c.cmd(&["LCS", "a", "b", "bogus"]), err(SYNTAX));
    assert_eq!(c.cmd(&["LCS", "a"]), err("ERR wrong number of arguments for 'lcs' command"));
}

#[test]
fn lcs_longer_strings() {
    let s = Server::start(&[]);
    let mut c = s.client();
    // Two 2000-byte strings sharing every other byte of a common pattern.
    let x: String = (0..2000).map(|i| if i % 2 == 0 { 'a' } else { 'b' }).collect();
    let y: String = (0..2000).map(|i| if i % 2 == 0 { 'a' } else { 'c' }).collect();
    assert_eq!(c.cmd(&["MSET", "x", &x, "y", &y]), ok());
    assert_eq!(c.cmd(&["LCS", "x", "y", "LEN"]), int(1000));
    assert_eq!(c.cmd(&["LCS", "x", "y"]), b(&"a".repeat(1000)));
    let r = c.cmd(&["LCS", "x", "y", "IDX", "MINMATCHLEN", "2"]);
    assert_eq!(r, Resp::Array(vec![b("matches"), Resp::Array(vec![]), b("len"), int(1000)]));
}

#[test]
fn command_table_rows() {
    let s = Server::start(&[]);
    let mut c = s.client();
    // Each string command is known with Redis's arity (checked through arity errors).
    for (name, argc_bad) in [
        ("setnx", 2),
        ("setex", 3),
        ("psetex", 5),
        ("getex", 1),
        ("getdel", 1),
        ("getset", 4),
        ("msetnx", 2),
        ("append", 2),
        ("decr", 3),
        ("incrbyfloat", 2),
        ("setrange", 3),
        ("lcs", 2),
    ] {
        let mut args = vec![name];
        args.extend(std::iter::repeat_n("x", argc_bad - 1));
        assert_eq!(c.cmd(&args), err(&format!("ERR wrong number of arguments for '{name}' command")), "{name}");
    }
}

/// The same commands against real Redis 7 and this server give identical replies.
#[test]
fn matches_real_redis() {
    let Some(real) = RealRedis::start(&[]) else { return };
    let s = Server::start(&[]);
    let (mut r, mut m) = (real.client(), s.client());
    let script: &[&[&str]] = &[
        &["SET", "f", "1.1"],
        &["INCRBYFLOAT", "f", "2.2"],
        &["INCRBYFLOAT", "f", "-0.0000000000000001"],
        &["INCRBYFLOAT", "f", "1e15"],
        &["INCRBYFLOAT", "f", "123456789.123456789"],
        &["INCRBYFLOAT", "f", "-1000000123456792.423456789"],
        &["INCRBYFLOAT", "g", "1e-17"],
        &["INCRBYFLOAT", "g", "4e-18"],
        &["INCRBYFLOAT", "h", "0.1"],
        &["INCRBYFLOAT", "h", "0.7"],
        &["INCRBYFLOAT", "h", "-0.8"],
        &["INCRBYFLOAT", "h", "3.4028236692093846346e38"],
        &["INCRBYFLOAT", "h", "1e-4940"],
        &["INCRBYFLOAT", "h", "1e4900"],
        &["INCRBYFLOAT", "j", "-2.5e-5"],
        &["INCRBYFLOAT", "j", "0x1p-60"],
        &["SET", "s", "The quick brown fox"],
        &["SET", "t", "A quick brown dog jumps"],
        &["LCS", "s", "t", "IDX", "WITHMATCHLEN"],
        &["LCS", "s", "t"],
        &["SETRANGE", "s", "25", "!"],
        &["GETRANGE", "s", "-10", "-2"],
        &["SET", "k", "v", "PXAT", "1", "GET"],
        &["GETEX", "s", "EX", "0"],
        &["GETEX", "s", "PERSIST", "PX", "1"],
        &["SET", "k", "v", "EX", "1", "NX", "XX"],
    ];
    for cmd in script {
        assert_eq!(m.cmd(cmd), r.cmd(cmd), "{cmd:?}");
    }
}
