//! Key expiry: the EXPIRE family and its options, TTL/PTTL/EXPIRETIME/PEXPIRETIME, PERSIST,
//! lazy expiry (an expired key is invisible to every command) and active expiry (the cron
//! reclaims expired keys nobody touches).
mod common;
use common::*;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn int(n: i64) -> Resp {
    Resp::Int(n)
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

fn pttl(c: &mut Client, k: &str) -> i64 {
    c.cmd(&["PTTL", k]).int()
}

#[test]
fn expire_sets_ttl_and_missing_keys_answer_zero() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["EXPIRE", "nokey", "100"]), int(0));
    assert_eq!(c.cmd(&["PEXPIRE", "nokey", "100"]), int(0));
    assert_eq!(c.cmd(&["EXPIREAT", "nokey", "100"]), int(0));
    assert_eq!(c.cmd(&["PEXPIREAT", "nokey", "100"]), int(0));
    assert_eq!(c.cmd(&["EXPIRE", "nokey", "-1"]), int(0));
    c.cmd(&["SET", "k", "v"]);
    assert_eq!(c.cmd(&["EXPIRE", "k", "100"]), int(1));
    assert_eq!(c.cmd(&["TTL", "k"]), int(100));
    assert_eq!(c.cmd(&["PEXPIRE", "k", "50000"]), int(1));
    assert_eq!(c.cmd(&["TTL", "k"]), int(50));
    let at = now_ms() / 1000 + 1000;
    assert_eq!(c.cmd(&["EXPIREAT", "k", &at.to_string()]), int(1));
    assert_eq!(c.cmd(&["EXPIRETIME", "k"]), int(at));
    assert_eq!(c.cmd(&["PEXPIRETIME", "k"]), int(at * 1000));
    assert_eq!(c.cmd(&["PEXPIREAT", "k", &(at * 1000 + 123).to_string()]), int(1));
    assert_eq!(c.cmd(&["PEXPIRETIME", "k"]), int(at * 1000 + 123));
    assert_eq!(c.cmd(&["GET", "k"]), Resp::bulk("v"), "the value is untouched");
    // Setting a TTL repeatedly is fine; far-future absolute times are accepted.
    assert_eq!(c.cmd(&["PEXPIREAT", "k", "9223372036854775807"]), int(1));
    assert_eq!(c.cmd(&["PEXPIRETIME", "k"]), int(i64::MAX));
    assert_eq!(c.cmd(&["EXPIREAT", "k", "9223372036854775"]), int(1));
    assert_eq!(c.cmd(&["PEXPIRETIME", "k"]), int(9223372036854775000));
}

#[test]
fn a_time_in_the_past_deletes_the_key() {
    let s = Server::start(&[]);
    let mut c = s.client();
    for args in [
        &["EXPIRE", "k", "-1"][..],
        &["EXPIRE", "k", "0"],
        &["PEXPIRE", "k", "-100"],
        &["EXPIREAT", "k", "1"],
        &["PEXPIREAT", "k", "1"],
        &["PEXPIREAT", "k", "-9223372036854775808"],
        &["EXPIRE", "k", "-9223372036854775"],
        &["EXPIRE", "k", "-5", "LT"],
    ] {
        c.cmd(&["SET", "k", "v"]);
        assert_eq!(c.cmd(args), int(1), "{args:?}");
        assert_eq!(c.cmd(&["EXISTS", "k"]), int(0), "{args:?}");
        assert_eq!(c.cmd(&["DBSIZE"]), int(0), "{args:?}: deleted at once");
    }
    // GT with no TTL counts as infinite, so a past time is refused and the key stays.
    c.cmd(&["SET", "k", "v"]);
    assert_eq!(c.cmd(&["EXPIRE", "k", "-1", "GT"]), int(0));
    assert_eq!(c.cmd(&["GET", "k"]), Resp::bulk("v"));
}

#[test]
fn expire_option_matrix() {
    let s = Server::start(&[]);
    let mut c = s.client();
    c.cmd(&["SET", "k", "v"]);
    // No TTL: NX sets, XX refuses, GT refuses (no TTL is infinite), LT sets.
    assert_eq!(c.cmd(&["EXPIRE", "k", "100", "XX"]), int(0));
    assert_eq!(c.cmd(&["EXPIRE", "k", "100", "GT"]), int(0));
    assert_eq!(c.cmd(&["TTL", "k"]), int(-1));
    assert_eq!(c.cmd(&["EXPIRE", "k", "100", "NX"]), int(1));
    assert_eq!(c.cmd(&["TTL", "k"]), int(100));
    // With a TTL of 100: NX refuses, XX sets.
    assert_eq!(c.cmd(&["EXPIRE", "k", "200", "nx"]), int(0));
    assert_eq!(c.cmd(&["TTL", "k"]), int(100));
    assert_eq!(c.cmd(&["EXPIRE", "k", "200", "xx"]), int(1));
    assert_eq!(c.cmd(&["TTL", "k"]), int(200));
    // GT only raises, LT only lowers; equal is refused by both.
    assert_eq!(c.cmd(&["EXPIRE", "k", "100", "GT"]), int(0));
    assert_eq!(c.cmd(&["EXPIRE", "k", "300", "gt"]), int(1));
    assert_eq!(c.cmd(&["TTL", "k"]), int(300));
    assert_eq!(c.cmd(&["EXPIRE", "k", "400", "LT"]), int(0));
    assert_eq!(c.cmd(&["EXPIRE", "k", "150", "lt"]), int(1));
    assert_eq!(c.cmd(&["TTL", "k"]), int(150));
    let at = c.cmd(&["PEXPIRETIME", "k"]).int().to_string();
    assert_eq!(c.cmd(&["PEXPIREAT", "k", &at, "GT"]), int(0));
    assert_eq!(c.cmd(&["PEXPIREAT", "k", &at, "LT"]), int(0));
    // XX combines with GT and LT.
    assert_eq!(c.cmd(&["EXPIRE", "k", "500", "XX", "GT"]), int(1));
    assert_eq!(c.cmd(&["EXPIRE", "k", "600", "LT", "XX"]), int(0));
    assert_eq!(c.cmd(&["EXPIRE", "k", "100", "XX", "LT"]), int(1));
    assert_eq!(c.cmd(&["TTL", "k"]), int(100));
    c.cmd(&["PERSIST", "k"]);
    assert_eq!(c.cmd(&["EXPIRE", "k", "100", "XX", "LT"]), int(0));
    assert_eq!(c.cmd(&["EXPIRE", "k", "100", "LT", "LT"]), int(1), "a repeated option is harmless");
    // The options apply to every variant.
    c.cmd(&["PERSIST", "k"]);
    let future = (now_ms() + 1_000_000).to_string();
    assert_eq!(c.cmd(&["PEXPIREAT", "k", &future, "XX"]), int(0));
    assert_eq!(c.cmd(&["PEXPIREAT", "k", &future, "NX"]), int(1));
    assert_eq!(c.cmd(&["PEXPIRETIME", "k"]).int().to_string(), future);
    assert_eq!(c.cmd(&["PEXPIRE", "k", "2000000", "GT"]), int(1));
    assert_eq!(c.cmd(&["EXPIREAT", "k", "1", "GT"]), int(0));
}

#[test]
fn expire_argument_errors() {
    let s = Server::start(&[]);
    let mut c = s.client();
    c.cmd(&["SET", "k", "v"]);
    let nx = "ERR NX and XX, GT or LT options at the same time are not compatible";
    let gtlt = "ERR GT and LT options at the same time are not compatible";
    for cmd in ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"] {
        assert_eq!(c.cmd(&[cmd, "k", "100", "NX", "XX"]), err(nx));
        assert_eq!(c.cmd(&[cmd, "k", "100", "nx", "gt"]), err(nx));
        assert_eq!(c.cmd(&[cmd, "k", "100", "LT", "NX"]), err(nx));
        assert_eq!(c.cmd(&[cmd, "k", "100", "GT", "LT"]), err(gtlt));
        assert_eq!(c.cmd(&[cmd, "k", "100", "xx", "gt", "lt"]), err(gtlt));
        assert_eq!(c.cmd(&[cmd, "k", "100", "bogus"]), err("ERR Unsupported option bogus"));
        assert_eq!(c.cmd(&[cmd, "k", "100", "NX", "Bogus"]), err("ERR Unsupported option Bogus"));
        // Options are checked before the time, and before the key is looked up.
        assert_eq!(c.cmd(&[cmd, "nokey", "abc", "bogus"]), err("ERR Unsupported option bogus"));
        assert_eq!(c.cmd(&[cmd, "k", "abc"]), err("ERR value is not an integer or out of range"));
        assert_eq!(c.cmd(&[cmd, "k", ""]), err("ERR value is not an integer or out of range"));
        assert_eq!(c.cmd(&[cmd, "k", "1.5"]), err("ERR value is not an integer or out of range"));
        assert_eq!(
            c.cmd(&[cmd, "k"]),
            err(&format!("ERR wrong number of arguments for '{}' command", cmd.to_lowercase()))
        );
    }
    assert_eq!(c.cmd(&["TTL", "k"]), int(-1), "nothing above set a TTL");
    // Overflow in the unit conversion or when adding the current time.
    let overflow = |c: &mut Client, cmd: &str, t: &str| {
        assert_eq!(
            c.cmd(&[cmd, "k", t]),
            err(&format!("ERR invalid expire time in '{}' command", cmd.to_lowercase())),
            "{cmd} {t}"
        );
    };
    overflow(&mut c, "EXPIRE", "9223372036854776");
    overflow(&mut c, "EXPIRE", "-9223372036854776");
    overflow(&mut c, "EXPIRE", "9223372036854775807");
    overflow(&mut c, "EXPIREAT", "9223372036854776");
    overflow(&mut c, "EXPIREAT", "-9223372036854776");
    overflow(&mut c, "PEXPIRE", "9223372036854775807");
    overflow(&mut c, "PEXPIRE", "9223372036854000000");
    overflow(&mut c, "EXPIRE", "9223372036854775");
    // The overflow check comes before the key lookup.
    assert_eq!(c.cmd(&["EXPIRE", "nokey", "9223372036854775807"]), err("ERR invalid expire time in 'expire' command"));
    assert_eq!(c.cmd(&["TTL", "k"]), int(-1));
}

#[test]
fn ttl_family_replies() {
    let s = Server::start(&[]);
    let mut c = s.client();
    for cmd in ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"] {
        assert_eq!(c.cmd(&[cmd, "nokey"]), int(-2), "{cmd}");
    }
    c.cmd(&["SET", "k", "v"]);
    for cmd in ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"] {
        assert_eq!(c.cmd(&[cmd, "k"]), int(-1), "{cmd}");
        assert_eq!(c.cmd(&[cmd]), err(&format!("ERR wrong number of arguments for '{}' command", cmd.to_lowercase())));
    }
    // Seconds are rounded to the nearest: 1.499 s is 1, 1.5 s is 2.
    let base = 4_000_000_000_000i64;
    c.cmd(&["PEXPIREAT", "k", &(base + 499).to_string()]);
    assert_eq!(c.cmd(&["EXPIRETIME", "k"]), int(4_000_000_000));
    c.cmd(&["PEXPIREAT", "k", &(base + 500).to_string()]);
    assert_eq!(c.cmd(&["EXPIRETIME", "k"]), int(4_000_000_001));
    assert_eq!(c.cmd(&["PEXPIRETIME", "k"]), int(base + 500));
    // Relative TTLs count down with millisecond precision.
    c.cmd(&["PEXPIRE", "k", "1500"]);
    let p = pttl(&mut c, "k");
    assert!(p > 1000 && p <= 1500, "{p}");
    let t = c.cmd(&["TTL", "k"]).int();
    assert!(t == 1 || t == 2, "{t}");
    c.cmd(&["PEXPIRE", "k", "100000"]);
    let ttl = c.cmd(&["TTL", "k"]).int();
    assert!(ttl == 100 || ttl == 99, "{ttl}");
    let abs = c.cmd(&["PEXPIRETIME", "k"]).int();
    let expected = now_ms() + 100_000;
    assert!((expected - abs).abs() < 2_000, "{abs} vs {expected}");
}

#[test]
fn persist_removes_the_ttl() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["PERSIST", "nokey"]), int(0));
    c.cmd(&["SET", "k", "v"]);
    assert_eq!(c.cmd(&["PERSIST", "k"]), int(0), "no TTL to remove");
    c.cmd(&["EXPIRE", "k", "100"]);
    assert_eq!(c.cmd(&["PERSIST", "k"]), int(1));
    assert_eq!(c.cmd(&["TTL", "k"]), int(-1));
    assert_eq!(c.cmd(&["PERSIST", "k"]), int(0));
    assert_eq!(c.cmd(&["GET", "k"]), Resp::bulk("v"));
    assert_eq!(c.cmd(&["PERSIST"]), err("ERR wrong number of arguments for 'persist' command"));
    assert_eq!(c.cmd(&["PERSIST", "a", "b"]), err("ERR wrong number of arguments for 'persist' command"));
}

/// An expired key is gone for every command, whichever of lazy or active expiry got it.
#[test]
fn expired_keys_are_invisible() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let names = [
        "get", "exists", "ttl", "pttl", "exptime", "type", "touch", "object", "rename", "renamenx", "copy", "move",
        "persist", "expire", "del", "probe",
    ];
    for k in names {
        c.cmd(&["SET", k, "v"]);
    }
    c.cmd(&["SET", "live", "v"]);
    c.cmd(&["SET", "dst2", "target"]);
    for k in names {
        assert_eq!(c.cmd(&["PEXPIRE", k, "100"]), int(1));
    }
    assert!(wait_until(Duration::from_secs(5), || c.cmd(&["GET", "probe"]) == Resp::Nil));
    assert_eq!(c.cmd(&["GET", "get"]), Resp::Nil);
    assert_eq!(c.cmd(&["EXISTS", "exists"]), int(0));
    assert_eq!(c.cmd(&["TTL", "ttl"]), int(-2));
    assert_eq!(c.cmd(&["PTTL", "pttl"]), int(-2));
    assert_eq!(c.cmd(&["PEXPIRETIME", "exptime"]), int(-2));
    assert_eq!(c.cmd(&["TYPE", "type"]), Resp::Simple("none".into()));
    assert_eq!(c.cmd(&["TOUCH", "touch"]), int(0));
    assert_eq!(c.cmd(&["OBJECT", "ENCODING", "object"]), Resp::Nil);
    assert_eq!(c.cmd(&["RENAME", "rename", "x"]), err("ERR no such key"));
    assert_eq!(c.cmd(&["RENAMENX", "renamenx", "x"]), err("ERR no such key"));
    assert_eq!(c.cmd(&["COPY", "copy", "x"]), int(0));
    assert_eq!(c.cmd(&["MOVE", "move", "1"]), int(0));
    assert_eq!(c.cmd(&["PERSIST", "persist"]), int(0));
    assert_eq!(c.cmd(&["EXPIRE", "expire", "100"]), int(0));
    assert_eq!(c.cmd(&["DEL", "del"]), int(0));
    let mut keys: Vec<String> = c.cmd(&["KEYS", "*"]).array().iter().map(|k| k.text()).collect();
    keys.sort();
    assert_eq!(keys, ["dst2", "live"]);
    let scan = c.cmd(&["SCAN", "0", "COUNT", "1000"]);
    keys = scan.array()[1].array().iter().map(|k| k.text()).collect();
    keys.sort();
    assert_eq!(keys, ["dst2", "live"]);
    for _ in 0..50 {
        let k = c.cmd(&["RANDOMKEY"]).text();
        assert!(k == "live" || k == "dst2", "{k}");
    }
    assert_eq!(c.cmd(&["DBSIZE"]), int(2), "every expired key was reclaimed by now");
}

#[test]
fn randomkey_when_every_key_expired() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let mut raw = Vec::new();
    for i in 0..300 {
        let k = format!("k{i}");
        raw.extend(Client::encode(&[b"SET", k.as_bytes(), b"v"]));
        raw.extend(Client::encode(&[b"PEXPIRE", k.as_bytes(), b"50"]));
    }
    c.send_raw(&raw);
    for _ in 0..600 {
        assert!(!c.read().is_error());
    }
    assert!(wait_until(Duration::from_secs(5), || c.cmd(&["RANDOMKEY"]) == Resp::Nil));
    assert_eq!(c.cmd(&["DBSIZE"]), int(0));
    c.cmd(&["SET", "live", "v"]);
    assert_eq!(c.cmd(&["RANDOMKEY"]), Resp::bulk("live"));
}

#[test]
fn active_expiry_reclaims_untouched_keys() {
    let s = Server::start(&[]);
    let mut c = s.client();
    c.cmd(&["SET", "k", "v"]);
    c.cmd(&["PEXPIRE", "k", "100"]);
    assert_eq!(c.cmd(&["DBSIZE"]), int(1));
    // DBSIZE does not look at the key, so only the cron can make it drop.
    assert!(wait_until(Duration::from_secs(1), || c.cmd(&["DBSIZE"]) == int(0)));
    // The same in another database.
    c.cmd(&["SELECT", "7"]);
    c.cmd(&["SET", "k", "v"]);
    c.cmd(&["PEXPIRE", "k", "100"]);
    assert!(wait_until(Duration::from_secs(1), || c.cmd(&["DBSIZE"]) == int(0)));
}

#[test]
fn many_short_ttls_are_all_reclaimed() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let n = 5000;
    let mut raw = Vec::new();
    for i in 0..n {
        let k = format!("key:{i}");
        let ttl = (100 + i % 200).to_string();
        raw.extend(Client::encode(&[b"SET", k.as_bytes(), b"v"]));
        raw.extend(Client::encode(&[b"PEXPIRE", k.as_bytes(), ttl.as_bytes()]));
    }
    for k in ["keep1", "keep2", "keep3"] {
        raw.extend(Client::encode(&[b"SET", k.as_bytes(), b"v"]));
    }
    raw.extend(Client::encode(&[b"SET", b"long", b"v"]));
    raw.extend(Client::encode(&[b"EXPIRE", b"long", b"1000"]));
    c.send_raw(&raw);
    for _ in 0..(2 * n + 5) {
        assert!(!c.read().is_error());
    }
    assert!(c.cmd(&["DBSIZE"]).int() > 4);
    assert!(
        wait_until(Duration::from_secs(8), || c.cmd(&["DBSIZE"]) == int(4)),
        "DBSIZE stayed at {:?}",
        c.cmd(&["DBSIZE"])
    );
    let mut keys: Vec<String> = c.cmd(&["KEYS", "*"]).array().iter().map(|k| k.text()).collect();
    keys.sort();
    assert_eq!(keys, ["keep1", "keep2", "keep3", "long"]);
    assert!(c.cmd(&["TTL", "long"]).int() > 990);
}

#[test]
fn ttl_survives_reads_and_goes_with_the_key() {
    let s = Server::start(&[]);
    let mut c = s.client();
    c.cmd(&["SET", "k", "v"]);
    c.cmd(&["PEXPIRE", "k", "300"]);
    assert_eq!(c.cmd(&["GET", "k"]), Resp::bulk("v"));
    assert!(pttl(&mut c, "k") > 0);
    c.cmd(&["RENAME", "k", "k2"]);
    assert!(pttl(&mut c, "k2") > 0);
    assert!(wait_until(Duration::from_secs(3), || c.cmd(&["EXISTS", "k2"]) == int(0)));
    assert_eq!(c.cmd(&["GET", "k2"]), Resp::Nil);
}
