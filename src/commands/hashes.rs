//! Hash commands: fields and values, counters, random fields and HSCAN (Redis 7.0's t_hash.c).

use super::docs::hashes as doc;
use crate::command::{CommandSpec, Ctx, flags::*};
use crate::commands::keys::parse_cursor;
use crate::commands::{is, parse_int};
use crate::database::hash::Hash;
use crate::database::listpack::LpVal;
use crate::database::{DbMut, Object, Rng, Val, class};
use crate::error::{CmdError, CmdResult};
use crate::resp::{Args, Reply};
use crate::util::glob::glob_match;
use crate::util::longdouble;

pub const SPECS: &[CommandSpec] = &[
    CommandSpec::new("hset", -4, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @hash @fast", hset)
        .doc(&doc::HSET)
        .key_specs("RW update"),
    CommandSpec::new("hsetnx", 4, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @hash @fast", hsetnx)
        .doc(&doc::HSETNX)
        .key_specs("RW insert"),
    CommandSpec::new("hget", 3, READONLY | FAST, (1, 1, 1), "@read @hash @fast", hget)
        .doc(&doc::HGET)
        .key_specs("RO access"),
    CommandSpec::new("hmget", -3, READONLY | FAST, (1, 1, 1), "@read @hash @fast", hmget)
        .doc(&doc::HMGET)
        .key_specs("RO access"),
    CommandSpec::new("hmset", -4, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @hash @fast", hset)
        .doc(&doc::HMSET)
        .key_specs("RW update"),
    CommandSpec::new("hdel", -3, WRITE | FAST, (1, 1, 1), "@write @hash @fast", hdel)
        .doc(&doc::HDEL)
        .key_specs("RW delete"),
    CommandSpec::new("hlen", 2, READONLY | FAST, (1, 1, 1), "@read @hash @fast", hlen).doc(&doc::HLEN).key_specs("RO"),
    CommandSpec::new("hstrlen", 3, READONLY | FAST, (1, 1, 1), "@read @hash @fast", hstrlen)
        .doc(&doc::HSTRLEN)
        .key_specs("RO"),
    CommandSpec::new("hexists", 3, READONLY | FAST, (1, 1, 1), "@read @hash @fast", hexists)
        .doc(&doc::HEXISTS)
        .key_specs("RO"),
    CommandSpec::new("hkeys", 2, READONLY, (1, 1, 1), "@read @hash @slow", hgetall)
        .doc(&doc::HKEYS)
        .key_specs("RO access")
        .tips("nondeterministic_output_order"),
    CommandSpec::new("hvals", 2, READONLY, (1, 1, 1), "@read @hash @slow", hgetall)
        .doc(&doc::HVALS)
        .key_specs("RO access")
        .tips("nondeterministic_output_order"),
    CommandSpec::new("hgetall", 2, READONLY, (1, 1, 1), "@read @hash @slow", hgetall)
        .doc(&doc::HGETALL)
        .key_specs("RO access")
        .tips("nondeterministic_output_order"),
    CommandSpec::new("hincrby", 4, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @hash @fast", hincrby)
        .doc(&doc::HINCRBY)
        .key_specs("RW access update"),
    CommandSpec::new("hincrbyfloat", 4, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @hash @fast", hincrbyfloat)
        .doc(&doc::HINCRBYFLOAT)
        .key_specs("RW access update"),
    CommandSpec::new("hrandfield", -2, READONLY, (1, 1, 1), "@read @hash @slow", hrandfield)
        .doc(&doc::HRANDFIELD)
        .key_specs("RO access")
        .tips("nondeterministic_output"),
    CommandSpec::new("hscan", -3, READONLY, (1, 1, 1), "@read @hash @slow", hscan)
        .doc(&doc::HSCAN)
        .key_specs("RO access")
        .tips("nondeterministic_output"),
];

/// A listpack-style element as a bulk string.
pub fn reply_val(out: &mut Reply, v: LpVal<'_>) {
    match v {
        LpVal::Str(s) => out.bulk(s),
        LpVal::Int(i) => out.bulk_int(i),
    }
}

/// The hash at `key` for reading (hits and misses counted): None when absent, WRONGTYPE when
/// the key holds something else.
fn read<'a>(db: &'a mut DbMut<'_>, key: &[u8], now: i64) -> Result<Option<&'a Hash>, CmdError> {
    match db.lookup_read(key, now).map(|e| e.value()) {
        None => Ok(None),
        Some(Val::Obj(Object::Hash(h))) => Ok(Some(h)),
        Some(_) => Err(CmdError::WrongType),
    }
}

/// The hash at `key` without counting a hit or miss (the pre-checks of writes).
fn peek<'a>(db: &'a mut DbMut<'_>, key: &[u8], now: i64) -> Result<Option<&'a Hash>, CmdError> {
    match db.lookup(key, now).map(|e| e.value()) {
        None => Ok(None),
        Some(Val::Obj(Object::Hash(h))) => Ok(Some(h)),
        Some(_) => Err(CmdError::WrongType),
    }
}

/// The hash at `key` for writing, created empty when absent (`hashTypeLookupWriteOrCreate`).
fn write_or_create<'a>(db: &'a mut DbMut<'_>, key: &[u8], now: i64) -> Result<&'a mut Hash, CmdError> {
    match db.obj_or_create(key, now, || Object::Hash(Hash::new()))? {
        Object::Hash(h) => Ok(h),
        _ => Err(CmdError::WrongType),
    }
}

/// HSET key field value [field value ...] (also HMSET, which answers OK)
fn hset(ctx: &mut Ctx, args: Args) -> CmdResult {
    if args.len() % 2 == 1 {
        return Err(CmdError::WrongArity(ctx.cmd.fullname.clone()));
    }
    let now = ctx.now;
    let lim = ctx.store.ks().limits.hash;
    let mut db = ctx.db();
    let h = write_or_create(&mut db, &args[1], now)?;
    h.try_conversion(args.iter().skip(2), &lim);
    let mut created = 0;
    for i in (2..args.len()).step_by(2) {
        created += i64::from(h.set(&args[i], &args[i + 1], &lim));
    }
    db.notify(class::HASH, "hset", &args[1]);
    ctx.dirty(((args.len() - 2) / 2) as u64);
    if ctx.cmd.spec.name == "hmset" {
        ctx.out.ok()
    } else {
        ctx.out.int(created)
    }
    Ok(())
}

/// HSETNX key field value
fn hsetnx(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let lim = ctx.store.ks().limits.hash;
    let mut db = ctx.db();
    // A present field means the key exists and nothing changes (no conversion either).
    if peek(&mut db, &args[1], now)?.is_some_and(|h| h.exists(&args[2])) {
        ctx.out.int(0);
        return Ok(());
    }
    let h = write_or_create(&mut db, &args[1], now)?;
    h.try_conversion(args.iter().skip(2), &lim);
    if !h.setnx(&args[2], &args[3], &lim) {
        ctx.out.int(0);
        return Ok(());
    }
    db.notify(class::HASH, "hset", &args[1]);
    ctx.dirty(1);
    ctx.out.int(1);
    Ok(())
}

/// HGET key field
fn hget(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    match read(&mut db, &args[1], now)?.and_then(|h| h.get(&args[2])) {
        Some(v) => reply_val(ctx.out, v),
        None => ctx.out.null(),
    }
    Ok(())
}

/// HMGET key field [field ...]
fn hmget(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let h = read(&mut db, &args[1], now)?;
    ctx.out.array(args.len() - 2);
    for f in args.iter().skip(2) {
        match h.and_then(|h| h.get(f)) {
            Some(v) => reply_val(ctx.out, v),
            None => ctx.out.null(),
        }
    }
    Ok(())
}

/// HDEL key field [field ...]
fn hdel(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.db();
    // A call that removes nothing must not count as a change of the key.
    if !peek(&mut db, &args[1], now)?.is_some_and(|h| args.iter().skip(2).any(|f| h.exists(f))) {
        ctx.out.int(0);
        return Ok(());
    }
    let Some(Object::Hash(h)) = db.obj_mut(&args[1], now)? else { return Err(CmdError::WrongType) };
    let mut deleted = 0;
    for f in args.iter().skip(2) {
        deleted += i64::from(h.remove(f));
        if h.is_empty() {
            break;
        }
    }
    db.notify(class::HASH, "hdel", &args[1]);
    if db.remove_if_empty(&args[1]) {
        db.notify(class::GENERIC, "del", &args[1]);
    }
    ctx.dirty(deleted as u64);
    ctx.out.int(deleted);
    Ok(())
}

/// HLEN key
fn hlen(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let n = read(&mut db, &args[1], now)?.map_or(0, |h| h.len());
    ctx.out.int(n as i64);
    Ok(())
}

/// HSTRLEN key field
fn hstrlen(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let n = read(&mut db, &args[1], now)?.and_then(|h| h.strlen(&args[2])).unwrap_or(0);
    ctx.out.int(n as i64);
    Ok(())
}

/// HEXISTS key field
fn hexists(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let found = read(&mut db, &args[1], now)?.is_some_and(|h| h.exists(&args[2]));
    ctx.out.int(i64::from(found));
    Ok(())
}

/// HGETALL key (a map), HKEYS key and HVALS key (arrays)
fn hgetall(ctx: &mut Ctx, args: Args) -> CmdResult {
    let name = ctx.cmd.spec.name;
    let (keys, vals) = (name != "hvals", name != "hkeys");
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let h = read(&mut db, &args[1], now)?;
    let n = h.map_or(0, |h| h.len());
    if keys && vals {
        ctx.out.map(n)
    } else {
        ctx.out.array(n)
    }
    if let Some(h) = h {
        for (k, v) in h.iter() {
            if keys {
                reply_val(ctx.out, k);
            }
            if vals {
                reply_val(ctx.out, v);
            }
        }
    }
    Ok(())
}

/// HINCRBY key field increment
fn hincrby(ctx: &mut Ctx, args: Args) -> CmdResult {
    let by = parse_int(&args[3])?;
    let now = ctx.now;
    let lim = ctx.store.ks().limits.hash;
    let mut db = ctx.db();
    let h = write_or_create(&mut db, &args[1], now)?;
    let old = match h.get(&args[2]) {
        None => 0,
        Some(LpVal::Int(i)) => i,
        Some(LpVal::Str(s)) => {
            crate::util::num::parse_i64(s).ok_or_else(|| CmdError::err("hash value is not an integer"))?
        }
    };
    let new = old.checked_add(by).ok_or(CmdError::Overflow)?;
    h.set(&args[2], new.to_string().as_bytes(), &lim);
    db.notify(class::HASH, "hincrby", &args[1]);
    ctx.dirty(1);
    ctx.out.int(new);
    Ok(())
}

/// HINCRBYFLOAT key field increment: long double arithmetic, propagated as HSET of the result
/// so replicas need not redo the formatting.
fn hincrbyfloat(ctx: &mut Ctx, args: Args) -> CmdResult {
    let by = longdouble::parse(&args[3]).ok_or(CmdError::NotFloat)?;
    if matches!(by, longdouble::Ld::Inf { .. }) {
        return Err(CmdError::err("value is NaN or Infinity"));
    }
    let now = ctx.now;
    let lim = ctx.store.ks().limits.hash;
    let mut db = ctx.db();
    let h = write_or_create(&mut db, &args[1], now)?;
    let old = match h.get(&args[2]) {
        None => longdouble::Ld::from_i64(0),
        Some(LpVal::Int(i)) => longdouble::Ld::from_i64(i),
        Some(LpVal::Str(s)) => longdouble::parse(s).ok_or_else(|| CmdError::err("hash value is not a float"))?,
    };
    let sum = longdouble::add(old, by).ok_or_else(|| CmdError::err("increment would produce NaN or Infinity"))?;
    let text = longdouble::format(sum);
    h.set(&args[2], text.as_bytes(), &lim);
    db.notify(class::HASH, "hincrbyfloat", &args[1]);
    ctx.dirty(1);
    ctx.propagate_as(&[b"HSET", &args[1], &args[2], text.as_bytes()]);
    ctx.out.bulk(text.as_bytes());
    Ok(())
}

/// Redis's `getRangeLongFromObjectOrReply` with no custom message.
pub fn range_long(arg: &[u8], min: i64, max: i64) -> Result<i64, CmdError> {
    let v = parse_int(arg)?;
    if v < min || v > max {
        return Err(CmdError::err(format!("value is out of range, value must between {min} and {max}")));
    }
    Ok(v)
}

/// Runs `f` with the keyspace's random generator and the client's database.
pub fn with_rng<R>(ctx: &mut Ctx, f: impl FnOnce(&mut DbMut<'_>, &mut Rng, &mut Reply) -> R) -> R {
    let i = ctx.client.db;
    let ks = ctx.store.ks();
    let mut rng = std::mem::replace(&mut ks.rng, Rng::new(0));
    let r = f(&mut ks.db(i), &mut rng, ctx.out);
    ctx.store.ks().rng = rng;
    r
}

/// HRANDFIELD key [count [WITHVALUES]]
fn hrandfield(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    if args.len() < 3 {
        return with_rng(ctx, |db, rng, out| {
            match read(db, &args[1], now)?.and_then(|h| h.random(rng)) {
                Some((k, _)) => reply_val(out, k),
                None => out.null(),
            }
            Ok(())
        });
    }
    let l = range_long(&args[2], -i64::MAX, i64::MAX)?;
    if args.len() > 4 || (args.len() == 4 && !is(&args[3], "withvalues")) {
        return Err(CmdError::Syntax);
    }
    let withvalues = args.len() == 4;
    if withvalues && !(-i64::MAX / 2..=i64::MAX / 2).contains(&l) {
        return Err(CmdError::err("value is out of range"));
    }
    with_rng(ctx, |db, rng, out| {
        let Some(h) = read(db, &args[1], now)? else {
            out.array(0);
            return Ok(());
        };
        let count = l.unsigned_abs() as usize;
        let pairs_flat = withvalues && !out.is_resp3();
        let header = |out: &mut Reply, n: usize| out.array(if pairs_flat { n * 2 } else { n });
        let pair = |out: &mut Reply, k: LpVal<'_>, v: LpVal<'_>| {
            if withvalues && out.is_resp3() {
                out.array(2);
            }
            reply_val(out, k);
            if withvalues {
                reply_val(out, v);
            }
        };
        if count == 0 {
            out.array(0);
        } else if l < 0 || count == 1 {
            header(out, count);
            h.random_with_repeats(count, rng, |k, v| pair(out, k, v));
        } else {
            let picked = h.random_distinct(count, rng);
            header(out, picked.len());
            for (k, v) in &picked {
                pair(out, LpVal::Str(k), LpVal::Str(v));
            }
        }
        Ok(())
    })
}

/// The options of HSCAN, SSCAN (and ZSCAN): `[MATCH pattern] [COUNT count]` from `from` on.
pub struct ScanOpts<'a> {
    pub count: usize,
    pub pattern: Option<&'a [u8]>,
}

/// Parse the SCAN-family options after the cursor, as `scanGenericCommand` does for a key.
pub fn scan_opts<'a>(args: &Args<'a>, from: usize) -> Result<ScanOpts<'a>, CmdError> {
    let mut o = ScanOpts { count: 10, pattern: None };
    let mut i = from;
    while i < args.len() {
        let has_value = args.len() - i >= 2;
        if is(args.get(i), "count") && has_value {
            let n = parse_int(args.get(i + 1))?;
            if n < 1 {
                return Err(CmdError::Syntax);
            }
            o.count = usize::try_from(n).unwrap_or(usize::MAX);
        } else if is(args.get(i), "match") && has_value {
            let p = args.get(i + 1);
            o.pattern = if p == b"*" { None } else { Some(p) };
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    Ok(o)
}

/// The reply of a key scan: the next cursor and the elements.
pub fn scan_reply(out: &mut Reply, cursor: u64, items: &[Vec<u8>]) {
    out.array(2);
    out.bulk_int(cursor as i64);
    out.array(items.len());
    for it in items {
        out.bulk(it);
    }
}

/// HSCAN key cursor [MATCH pattern] [COUNT count]
fn hscan(ctx: &mut Ctx, args: Args) -> CmdResult {
    let cursor = parse_cursor(&args[2])?;
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let Some(h) = read(&mut db, &args[1], now)? else {
        scan_reply(ctx.out, 0, &[]);
        return Ok(());
    };
    let o = scan_opts(&args, 3)?;
    // Redis counts what a step collected before the MATCH filter, a field and its value as two.
    let mut items = Vec::new();
    let mut seen = 0;
    let mut cursor = cursor;
    let mut budget = o.count.saturating_mul(10);
    loop {
        cursor = h.scan(cursor, |k, v| {
            seen += 2;
            if o.pattern.is_none_or(|p| glob_match(p, &k.to_vec(), false)) {
                items.push(k.to_vec());
                items.push(v.to_vec());
            }
        });
        if cursor == 0 || budget == 0 || seen >= o.count {
            break;
        }
        budget -= 1;
    }
    let next = cursor;
    scan_reply(ctx.out, next, &items);
    Ok(())
}
