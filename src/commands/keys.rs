//! Generic key commands: deletion, existence, type, iteration (KEYS, SCAN, RANDOMKEY),
//! renaming and moving between databases, expiry (EXPIRE family, TTL family, PERSIST) and
//! OBJECT introspection.

use super::docs::keys as doc;
use crate::command::{CommandSpec, Ctx, flags::*};
use crate::commands::{is, parse_int};
use crate::database::{DbMut, EntryRef, Object, Rng, Val, type_name};
use crate::error::{CmdError, CmdResult};
use crate::resp::{Aggregate, Args};
use crate::util::glob::glob_match;

pub const SPECS: &[CommandSpec] = &[
    CommandSpec::new("del", -2, WRITE, (1, -1, 1), "@keyspace @write @slow", del)
        .doc(&doc::DEL)
        .key_specs("RM delete")
        .tips("request_policy:multi_shard response_policy:agg_sum"),
    CommandSpec::new("unlink", -2, WRITE | FAST, (1, -1, 1), "@keyspace @write @fast", del)
        .doc(&doc::UNLINK)
        .key_specs("RM delete")
        .tips("request_policy:multi_shard response_policy:agg_sum"),
    CommandSpec::new("exists", -2, READONLY | FAST, (1, -1, 1), "@keyspace @read @fast", exists)
        .doc(&doc::EXISTS)
        .key_specs("RO")
        .tips("request_policy:multi_shard response_policy:agg_sum"),
    CommandSpec::new("type", 2, READONLY | FAST, (1, 1, 1), "@keyspace @read @fast", type_cmd)
        .doc(&doc::TYPE)
        .key_specs("RO"),
    CommandSpec::new("keys", 2, READONLY, (0, 0, 0), "@keyspace @read @slow @dangerous", keys)
        .doc(&doc::KEYS)
        .tips("request_policy:all_shards nondeterministic_output_order"),
    CommandSpec::new("scan", -2, READONLY, (0, 0, 0), "@keyspace @read @slow", scan)
        .doc(&doc::SCAN)
        .tips("nondeterministic_output request_policy:special"),
    CommandSpec::new("randomkey", 1, READONLY, (0, 0, 0), "@keyspace @read @slow", randomkey)
        .doc(&doc::RANDOMKEY)
        .tips("request_policy:all_shards nondeterministic_output"),
    CommandSpec::new("rename", 3, WRITE, (1, 2, 1), "@keyspace @write @slow", rename)
        .doc(&doc::RENAME)
        .key_specs("RW access delete;OW update"),
    CommandSpec::new("renamenx", 3, WRITE | FAST, (1, 2, 1), "@keyspace @write @fast", rename)
        .doc(&doc::RENAMENX)
        .key_specs("RW access delete;OW insert"),
    CommandSpec::new("copy", -3, WRITE | DENYOOM, (1, 2, 1), "@keyspace @write @slow", copy)
        .doc(&doc::COPY)
        .key_specs("RO access;OW update"),
    CommandSpec::new("move", 3, WRITE | FAST, (1, 1, 1), "@keyspace @write @fast", move_cmd)
        .doc(&doc::MOVE)
        .key_specs("RW access update"),
    CommandSpec::new("expire", -3, WRITE | FAST, (1, 1, 1), "@keyspace @write @fast", expire)
        .doc(&doc::EXPIRE)
        .key_specs("RW update"),
    CommandSpec::new("pexpire", -3, WRITE | FAST, (1, 1, 1), "@keyspace @write @fast", expire)
        .doc(&doc::PEXPIRE)
        .key_specs("RW update"),
    CommandSpec::new("expireat", -3, WRITE | FAST, (1, 1, 1), "@keyspace @write @fast", expire)
        .doc(&doc::EXPIREAT)
        .key_specs("RW update"),
    CommandSpec::new("pexpireat", -3, WRITE | FAST, (1, 1, 1), "@keyspace @write @fast", expire)
        .doc(&doc::PEXPIREAT)
        .key_specs("RW update"),
    CommandSpec::new("ttl", 2, READONLY | FAST, (1, 1, 1), "@keyspace @read @fast", ttl)
        .doc(&doc::TTL)
        .tips("nondeterministic_output"),
    CommandSpec::new("pttl", 2, READONLY | FAST, (1, 1, 1), "@keyspace @read @fast", ttl)
        .doc(&doc::PTTL)
        .tips("nondeterministic_output"),
    CommandSpec::new("expiretime", 2, READONLY | FAST, (1, 1, 1), "@keyspace @read @fast", ttl).doc(&doc::EXPIRETIME),
    CommandSpec::new("pexpiretime", 2, READONLY | FAST, (1, 1, 1), "@keyspace @read @fast", ttl).doc(&doc::PEXPIRETIME),
    CommandSpec::new("persist", 2, WRITE | FAST, (1, 1, 1), "@keyspace @write @fast", persist)
        .doc(&doc::PERSIST)
        .key_specs("RW update"),
    CommandSpec::new("touch", -2, READONLY | FAST, (1, -1, 1), "@keyspace @read @fast", touch)
        .doc(&doc::TOUCH)
        .key_specs("RO")
        .tips("request_policy:multi_shard response_policy:agg_sum"),
    CommandSpec::container("object", "@slow", OBJECT_SUBS).doc(&doc::OBJECT),
];

const OBJECT_SUBS: &[CommandSpec] = &[
    CommandSpec::new("encoding", 3, READONLY, (2, 2, 1), "@keyspace @read @slow", object_encoding)
        .doc(&doc::OBJECT_ENCODING)
        .key_specs("RO")
        .tips("nondeterministic_output"),
    CommandSpec::new("freq", 3, READONLY, (2, 2, 1), "@keyspace @read @slow", object_freq)
        .doc(&doc::OBJECT_FREQ)
        .key_specs("RO")
        .tips("nondeterministic_output"),
    CommandSpec::new("help", 2, LOADING | STALE, (0, 0, 0), "@keyspace @slow", object_help).doc(&doc::OBJECT_HELP),
    CommandSpec::new("idletime", 3, READONLY, (2, 2, 1), "@keyspace @read @slow", object_idletime)
        .doc(&doc::OBJECT_IDLETIME)
        .key_specs("RO")
        .tips("nondeterministic_output"),
    CommandSpec::new("refcount", 3, READONLY, (2, 2, 1), "@keyspace @read @slow", object_refcount)
        .doc(&doc::OBJECT_REFCOUNT)
        .key_specs("RO")
        .tips("nondeterministic_output"),
];

/// SCAN's default COUNT.
const SCAN_DEFAULT_COUNT: usize = 10;
/// Random picks RANDOMKEY tries before falling back to a full pass (Redis gives up after 100
/// tries on a replica whose keys are all logically expired).
const RANDOMKEY_TRIES: usize = 100;
/// Longest string Redis stores with the embedded-string encoding.
const EMBSTR_LIMIT: usize = 44;
/// Integers Redis shares between keys (OBJ_SHARED_INTEGERS) report this refcount.
const SHARED_INTEGERS: i64 = 10_000;
const SHARED_REFCOUNT: i64 = i32::MAX as i64;

fn is_expired(e: &EntryRef<'_, Object>, now: i64) -> bool {
    e.expire().is_some_and(|at| at <= now)
}

/// DEL key [key ...] / UNLINK key [key ...]
fn del(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.db();
    let n = args.iter().skip(1).filter(|k| db.delete(k, now)).count();
    ctx.dirty(n as u64);
    ctx.out.int(n as i64);
    Ok(())
}

/// EXISTS key [key ...]: repeated keys count each time.
fn exists(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.db();
    let n = args.iter().skip(1).filter(|k| db.lookup_read(k, now).is_some()).count();
    ctx.out.int(n as i64);
    Ok(())
}

/// TOUCH key [key ...]
fn touch(ctx: &mut Ctx, args: Args) -> CmdResult {
    exists(ctx, args)
}

/// TYPE key
fn type_cmd(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let name = ctx.db().lookup_read(&args[1], now).map_or("none", |e| type_name(&e.value()));
    ctx.out.simple(name);
    Ok(())
}

/// KEYS pattern
fn keys(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let pattern = &args[1];
    let all = pattern == b"*";
    let db = ctx.store.db(ctx.client.db);
    let at = ctx.out.begin_deferred(Aggregate::Array);
    let mut n = 0;
    for e in db.raw().iter() {
        if (all || glob_match(pattern, e.key(), false)) && !is_expired(&e, now) {
            ctx.out.bulk(e.key());
            n += 1;
        }
    }
    ctx.out.end_deferred(at, n);
    Ok(())
}

/// A SCAN cursor as Redis reads it with `strtoul`: an optional sign (a negative cursor wraps),
/// decimal digits, nothing after them; an empty string is cursor 0.
pub fn parse_cursor(arg: &[u8]) -> Result<u64, CmdError> {
    let bad = || CmdError::err("invalid cursor");
    // C stops at the first NUL of the argument.
    let arg = &arg[..arg.iter().position(|&b| b == 0).unwrap_or(arg.len())];
    if arg.first().is_some_and(|&c| matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')) {
        return Err(bad());
    }
    if arg.is_empty() {
        return Ok(0);
    }
    let (neg, digits) = match arg[0] {
        b'-' => (true, &arg[1..]),
        b'+' => (false, &arg[1..]),
        _ => (false, arg),
    };
    if digits.is_empty() {
        return Err(bad());
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return Err(bad());
        }
        v = v.checked_mul(10).and_then(|v| v.checked_add((c - b'0') as u64)).ok_or_else(bad)?;
    }
    Ok(if neg { v.wrapping_neg() } else { v })
}

/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
fn scan(ctx: &mut Ctx, args: Args) -> CmdResult {
    let mut cursor = parse_cursor(&args[1])?;
    let mut count = SCAN_DEFAULT_COUNT;
    let mut pattern: Option<&[u8]> = None;
    let mut type_filter: Option<&[u8]> = None;
    let mut i = 2;
    while i < args.len() {
        let has_value = args.len() - i >= 2;
        if is(&args[i], "count") && has_value {
            let n = parse_int(&args[i + 1])?;
            if n < 1 {
                return Err(CmdError::Syntax);
            }
            count = usize::try_from(n).unwrap_or(usize::MAX);
        } else if is(&args[i], "match") && has_value {
            let p = &args[i + 1];
            pattern = if p == b"*" { None } else { Some(p) };
        } else if is(&args[i], "type") && has_value {
            type_filter = Some(&args[i + 1]);
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    // Like Redis: visit buckets until about COUNT keys were seen, the iteration ended, or ten
    // times COUNT buckets came up empty in a sparse table.
    let mut found: Vec<Vec<u8>> = Vec::new();
    let mut budget = count.saturating_mul(10);
    loop {
        cursor = db.raw().scan(cursor, |e| found.push(e.key().to_vec()));
        if cursor == 0 || budget == 0 || found.len() >= count {
            break;
        }
        budget -= 1;
    }
    found.retain(|k| {
        if pattern.is_some_and(|p| !glob_match(p, k, false)) {
            return false;
        }
        match type_filter {
            Some(t) => db.lookup_read(k, now).is_some_and(|e| type_name(&e.value()).as_bytes().eq_ignore_ascii_case(t)),
            None => db.lookup(k, now).is_some(),
        }
    });
    ctx.out.array(2);
    // Redis replies with the cursor as a signed long long.
    ctx.out.bulk_int(cursor as i64);
    ctx.out.array(found.len());
    for k in &found {
        ctx.out.bulk(k);
    }
    Ok(())
}

/// RANDOMKEY
fn randomkey(ctx: &mut Ctx, _args: Args) -> CmdResult {
    let now = ctx.now;
    let i = ctx.client.db;
    let ks = ctx.store.ks();
    let mut rng = std::mem::replace(&mut ks.rng, Rng::new(0));
    let key = random_live_key(&mut ks.db(i), &mut rng, now);
    ks.rng = rng;
    match key {
        Some(k) => ctx.out.bulk(&k),
        None => ctx.out.null(),
    }
    Ok(())
}

/// A random key that has not expired, deleting the expired ones it meets. When the picks
/// keep hitting expired keys it makes one pass over the table instead of looping on, and a
/// replica (which may not delete) whose keys are all expired answers an expired one, as
/// Redis does.
fn random_live_key(db: &mut DbMut<'_>, rng: &mut Rng, now: i64) -> Option<Vec<u8>> {
    let hides = db.keeps_expired();
    for _ in 0..RANDOMKEY_TRIES {
        let e = db.raw().random(rng)?;
        let key = e.key().to_vec();
        if !is_expired(&e, now) {
            return Some(key);
        }
        if hides {
            continue;
        }
        db.lookup(&key, now);
    }
    let mut live = 0u64;
    let mut dead = Vec::new();
    for e in db.raw().iter() {
        if !is_expired(&e, now) {
            live += 1;
        } else if !hides {
            dead.push(e.key().to_vec());
        }
    }
    for k in dead {
        db.lookup(&k, now);
    }
    if live == 0 {
        return db.raw().random(rng).map(|e| e.key().to_vec());
    }
    let n = rng.below(live) as usize;
    db.raw().iter().filter(|e| !is_expired(e, now)).nth(n).map(|e| e.key().to_vec())
}

/// RENAME key newkey / RENAMENX key newkey
fn rename(ctx: &mut Ctx, args: Args) -> CmdResult {
    let nx = ctx.cmd.spec.name == "renamenx";
    let (src, dst) = (&args[1], &args[2]);
    let now = ctx.now;
    let mut db = ctx.db();
    if db.lookup(src, now).is_none() {
        return Err(CmdError::NoSuchKey);
    }
    if src == dst {
        if nx {
            ctx.out.int(0)
        } else {
            ctx.out.ok()
        }
        return Ok(());
    }
    if nx && db.exists(dst, now) {
        ctx.out.int(0);
        return Ok(());
    }
    let Some((val, expire)) = db.take(src, now) else {
        return Err(CmdError::NoSuchKey);
    };
    db.put_owned(dst, val, expire);
    ctx.dirty(1);
    if nx {
        ctx.out.int(1)
    } else {
        ctx.out.ok()
    }
    Ok(())
}

/// A database index argument (SELECT, MOVE, COPY ... DB): a C int, as Redis's
/// `getIntFromObjectOrReply`, then one of the `databases` configured.
pub fn parse_db_index(ctx: &Ctx, arg: &[u8]) -> Result<usize, CmdError> {
    let i = i32::try_from(parse_int(arg)?).map_err(|_| CmdError::IntRange)?;
    usize::try_from(i).ok().filter(|&i| i < ctx.server.databases()).ok_or(CmdError::DbIndexOutOfRange)
}

fn same_object() -> CmdError {
    CmdError::err("source and destination objects are the same")
}

/// MOVE key db
fn move_cmd(ctx: &mut Ctx, args: Args) -> CmdResult {
    let key = &args[1];
    let dst = parse_db_index(ctx, &args[2])?;
    let src = ctx.client.db;
    if src == dst {
        return Err(same_object());
    }
    let now = ctx.now;
    if !ctx.store.ks().move_key(src, dst, key, now) {
        ctx.out.int(0);
        return Ok(());
    }
    ctx.dirty(1);
    ctx.out.int(1);
    Ok(())
}

/// COPY source destination [DB destination-db] [REPLACE]
fn copy(ctx: &mut Ctx, args: Args) -> CmdResult {
    let (key, newkey) = (&args[1], &args[2]);
    let src = ctx.client.db;
    let mut dst = src;
    let mut replace = false;
    let mut j = 3;
    while j < args.len() {
        if is(&args[j], "replace") {
            replace = true;
        } else if is(&args[j], "db") && j + 1 < args.len() {
            dst = parse_db_index(ctx, &args[j + 1])?;
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    if src == dst && key == newkey {
        return Err(same_object());
    }
    let now = ctx.now;
    if !ctx.store.ks().copy_key(src, key, dst, newkey, replace, now) {
        ctx.out.int(0);
        return Ok(());
    }
    ctx.dirty(1);
    ctx.out.int(1);
    Ok(())
}

/// The NX/XX/GT/LT options of the EXPIRE family.
#[derive(Default)]
struct ExpireFlags {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
}

fn parse_expire_flags(opts: Args) -> Result<ExpireFlags, CmdError> {
    let mut f = ExpireFlags::default();
    for opt in opts.iter() {
        if is(opt, "nx") {
            f.nx = true;
        } else if is(opt, "xx") {
            f.xx = true;
        } else if is(opt, "gt") {
            f.gt = true;
        } else if is(opt, "lt") {
            f.lt = true;
        } else {
            return Err(CmdError::err(format!("Unsupported option {}", String::from_utf8_lossy(opt))));
        }
    }
    if f.nx && (f.xx || f.gt || f.lt) {
        return Err(CmdError::err("NX and XX, GT or LT options at the same time are not compatible"));
    }
    if f.gt && f.lt {
        return Err(CmdError::err("GT and LT options at the same time are not compatible"));
    }
    Ok(f)
}

/// EXPIRE key seconds [NX|XX|GT|LT] (also PEXPIRE, EXPIREAT, PEXPIREAT)
fn expire(ctx: &mut Ctx, args: Args) -> CmdResult {
    let name = ctx.cmd.spec.name;
    let flags = parse_expire_flags(args.slice(3))?;
    let mut when = parse_int(&args[2])?;
    let now = ctx.now;
    if !name.starts_with('p') {
        when = when.checked_mul(1000).ok_or(CmdError::InvalidExpire(name))?;
    }
    if !name.ends_with("at") {
        when = when.checked_add(now).ok_or(CmdError::InvalidExpire(name))?;
    }
    let key = &args[1];
    let mut db = ctx.db();
    let Some(current) = db.ttl(key, now) else {
        ctx.out.int(0);
        return Ok(());
    };
    let refused = (flags.nx && current.is_some())
        || (flags.xx && current.is_none())
        // No expiry counts as an infinite TTL: never less than `when`, always greater.
        || (flags.gt && current.is_none_or(|c| when <= c))
        || (flags.lt && current.is_some_and(|c| when >= c));
    if refused {
        ctx.out.int(0);
        return Ok(());
    }
    // A time in the past deletes the key, except on a replica, which waits for its master.
    if when <= now && !db.keeps_expired() {
        db.remove_live(key);
        ctx.dirty(1);
        ctx.propagate_as(&[b"DEL", key]);
    } else {
        db.set_expire(key, Some(when));
        ctx.dirty(1);
        // Replicas get the absolute time in milliseconds, with the same NX/XX/GT/LT flags.
        let mut rewritten: Vec<&[u8]> = vec![b"PEXPIREAT", key];
        let when_s = when.to_string();
        rewritten.push(when_s.as_bytes());
        rewritten.extend(args.iter().skip(3));
        ctx.propagate_as(&rewritten);
    }
    ctx.out.int(1);
    Ok(())
}

/// TTL key (also PTTL, EXPIRETIME, PEXPIRETIME)
fn ttl(ctx: &mut Ctx, args: Args) -> CmdResult {
    let name = ctx.cmd.spec.name;
    let ms = name.starts_with('p');
    let absolute = name.ends_with("expiretime");
    let now = ctx.now;
    let reply = match ctx.db().lookup_read(&args[1], now) {
        None => -2,
        Some(e) => match e.expire() {
            None => -1,
            Some(at) => {
                let t = if absolute { at } else { at.saturating_sub(now) }.max(0);
                if ms { t } else { t.saturating_add(500) / 1000 }
            }
        },
    };
    ctx.out.int(reply);
    Ok(())
}

/// PERSIST key
fn persist(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let key = &args[1];
    let mut db = ctx.db();
    let had_ttl = matches!(db.ttl(key, now), Some(Some(_)));
    if had_ttl {
        db.set_expire(key, None);
        ctx.dirty(1);
    }
    ctx.out.int(had_ttl as i64);
    Ok(())
}

/// OBJECT ENCODING key
fn object_encoding(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let enc = ctx.db().lookup_read(&args[2], now).map(|e| match e.value() {
        Val::Int(_) => "int",
        Val::Str(s) if s.len() <= EMBSTR_LIMIT => "embstr",
        Val::Str(_) => "raw",
        Val::Obj(o) => o.encoding(),
    });
    match enc {
        Some(enc) => ctx.out.bulk_str(enc),
        None => ctx.out.null(),
    }
    Ok(())
}

/// OBJECT REFCOUNT key: small integers are shared objects in Redis; everything else has one
/// reference.
fn object_refcount(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let rc = ctx.db().lookup_read(&args[2], now).map(|e| match e.value() {
        Val::Int(i) if (0..SHARED_INTEGERS).contains(&i) => SHARED_REFCOUNT,
        _ => 1,
    });
    match rc {
        Some(rc) => ctx.out.int(rc),
        None => ctx.out.null(),
    }
    Ok(())
}

/// OBJECT IDLETIME key: access times are not tracked, so every key reads as just used.
fn object_idletime(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    if ctx.db().lookup_read(&args[2], now).is_some() {
        ctx.out.int(0);
    } else {
        ctx.out.null();
    }
    Ok(())
}

/// OBJECT FREQ key: only meaningful under an LFU maxmemory policy, which is not supported.
fn object_freq(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    if ctx.db().lookup_read(&args[2], now).is_none() {
        ctx.out.null();
        return Ok(());
    }
    Err(CmdError::err(
        "An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
    ))
}

/// OBJECT HELP
fn object_help(ctx: &mut Ctx, _args: Args) -> CmdResult {
    const HELP: &[&str] = &[
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
    ];
    crate::commands::connection::reply_help(ctx.out, "OBJECT", HELP);
    Ok(())
}
