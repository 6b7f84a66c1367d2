//! Sorted set commands (Redis 7.0's `t_zset.c`): ZADD and its options, ranges by rank, score
//! and lex, pops (blocking too), range removals, the union/intersection/difference family,
//! ZRANDMEMBER and ZSCAN. The value type with its O(log n + m) rank and range operations lives
//! in `database/zset.rs`; this file parses arguments, calls those operations and replies.

use super::docs::zsets as doc;
use crate::command::row::numkeys_at;
use crate::command::{CommandSpec, Ctx, KeyRef, flags::*};
use crate::commands::keys::parse_cursor;
use crate::commands::{is, parse_int};
use crate::database::listpack::LpVal;
use crate::database::set::Set;
use crate::database::zset::{LexBound, ScoreBound, ZSet, d2string};
use crate::database::{DbMut, EntryRef, Expire, NewVal, Object, Rng, Val, class};
use crate::error::{CmdError, CmdResult};
use crate::resp::{Args, Reply};
use crate::util::args::parse_block_timeout;
use crate::util::glob::glob_match;

pub const SPECS: &[CommandSpec] = &[
    CommandSpec::new("zadd", -4, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @sortedset @fast", zadd)
        .doc(&doc::ZADD)
        .key_specs("RW update"),
    CommandSpec::new("zincrby", 4, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @sortedset @fast", zincrby)
        .doc(&doc::ZINCRBY)
        .key_specs("RW access update"),
    CommandSpec::new("zrem", -3, WRITE | FAST, (1, 1, 1), "@write @sortedset @fast", zrem)
        .doc(&doc::ZREM)
        .key_specs("RW delete"),
    CommandSpec::new("zcard", 2, READONLY | FAST, (1, 1, 1), "@read @sortedset @fast", zcard)
        .doc(&doc::ZCARD)
        .key_specs("RO"),
    CommandSpec::new("zscore", 3, READONLY | FAST, (1, 1, 1), "@read @sortedset @fast", zscore).doc(&doc::ZSCORE),
    CommandSpec::new("zmscore", -3, READONLY | FAST, (1, 1, 1), "@read @sortedset @fast", zmscore).doc(&doc::ZMSCORE),
    CommandSpec::new("zrank", 3, READONLY | FAST, (1, 1, 1), "@read @sortedset @fast", zrank).doc(&doc::ZRANK),
    CommandSpec::new("zrevrank", 3, READONLY | FAST, (1, 1, 1), "@read @sortedset @fast", zrank).doc(&doc::ZREVRANK),
    CommandSpec::new("zcount", 4, READONLY | FAST, (1, 1, 1), "@read @sortedset @fast", zcount).doc(&doc::ZCOUNT),
    CommandSpec::new("zlexcount", 4, READONLY | FAST, (1, 1, 1), "@read @sortedset @fast", zlexcount)
        .doc(&doc::ZLEXCOUNT),
    CommandSpec::new("zrange", -4, READONLY, (1, 1, 1), "@read @sortedset @slow", zrange).doc(&doc::ZRANGE),
    CommandSpec::new("zrangestore", -5, WRITE | DENYOOM, (1, 2, 1), "@write @sortedset @slow", zrangestore)
        .doc(&doc::ZRANGESTORE)
        .key_specs("OW update;RO access"),
    CommandSpec::new("zrevrange", -4, READONLY, (1, 1, 1), "@read @sortedset @slow", zrange).doc(&doc::ZREVRANGE),
    CommandSpec::new("zrangebyscore", -4, READONLY, (1, 1, 1), "@read @sortedset @slow", zrange)
        .doc(&doc::ZRANGEBYSCORE),
    CommandSpec::new("zrevrangebyscore", -4, READONLY, (1, 1, 1), "@read @sortedset @slow", zrange)
        .doc(&doc::ZREVRANGEBYSCORE),
    CommandSpec::new("zrangebylex", -4, READONLY, (1, 1, 1), "@read @sortedset @slow", zrange).doc(&doc::ZRANGEBYLEX),
    CommandSpec::new("zrevrangebylex", -4, READONLY, (1, 1, 1), "@read @sortedset @slow", zrange)
        .doc(&doc::ZREVRANGEBYLEX),
    CommandSpec::new("zpopmin", -2, WRITE | FAST, (1, 1, 1), "@write @sortedset @fast", zpop)
        .doc(&doc::ZPOPMIN)
        .key_specs("RW access delete"),
    CommandSpec::new("zpopmax", -2, WRITE | FAST, (1, 1, 1), "@write @sortedset @fast", zpop)
        .doc(&doc::ZPOPMAX)
        .key_specs("RW access delete"),
    CommandSpec::new(
        "bzpopmin",
        -3,
        WRITE | NOSCRIPT | BLOCKING | FAST,
        (1, -2, 1),
        "@write @sortedset @fast @blocking",
        bzpop,
    )
    .doc(&doc::BZPOPMIN)
    .key_specs("RW access delete"),
    CommandSpec::new(
        "bzpopmax",
        -3,
        WRITE | NOSCRIPT | BLOCKING | FAST,
        (1, -2, 1),
        "@write @sortedset @fast @blocking",
        bzpop,
    )
    .doc(&doc::BZPOPMAX)
    .key_specs("RW access delete"),
    CommandSpec::new("zmpop", -4, WRITE | MOVABLE_KEYS, (0, 0, 0), "@write @sortedset @slow", zmpop)
        .doc(&doc::ZMPOP)
        .key_specs("RW access delete")
        .keys_fn(keys_at_1),
    CommandSpec::new(
        "bzmpop",
        -5,
        WRITE | BLOCKING | MOVABLE_KEYS,
        (0, 0, 0),
        "@write @sortedset @slow @blocking",
        bzmpop,
    )
    .doc(&doc::BZMPOP)
    .key_specs("RW access delete")
    .keys_fn(keys_at_2),
    CommandSpec::new("zremrangebyrank", 4, WRITE, (1, 1, 1), "@write @sortedset @slow", zremrange)
        .doc(&doc::ZREMRANGEBYRANK)
        .key_specs("RW delete"),
    CommandSpec::new("zremrangebyscore", 4, WRITE, (1, 1, 1), "@write @sortedset @slow", zremrange)
        .doc(&doc::ZREMRANGEBYSCORE)
        .key_specs("RW delete"),
    CommandSpec::new("zremrangebylex", 4, WRITE, (1, 1, 1), "@write @sortedset @slow", zremrange)
        .doc(&doc::ZREMRANGEBYLEX)
        .key_specs("RW delete"),
    CommandSpec::new("zunion", -3, READONLY | MOVABLE_KEYS, (0, 0, 0), "@read @sortedset @slow", zsetop)
        .doc(&doc::ZUNION)
        .keys_fn(keys_at_1),
    CommandSpec::new("zinter", -3, READONLY | MOVABLE_KEYS, (0, 0, 0), "@read @sortedset @slow", zsetop)
        .doc(&doc::ZINTER)
        .keys_fn(keys_at_1),
    CommandSpec::new("zdiff", -3, READONLY | MOVABLE_KEYS, (0, 0, 0), "@read @sortedset @slow", zsetop)
        .doc(&doc::ZDIFF)
        .keys_fn(keys_at_1),
    CommandSpec::new("zintercard", -3, READONLY | MOVABLE_KEYS, (0, 0, 0), "@read @sortedset @slow", zsetop)
        .doc(&doc::ZINTERCARD)
        .keys_fn(keys_at_1),
    CommandSpec::new("zunionstore", -4, WRITE | DENYOOM | MOVABLE_KEYS, (1, 1, 1), "@write @sortedset @slow", zsetop)
        .doc(&doc::ZUNIONSTORE)
        .key_specs("OW update;RO access")
        .keys_fn(store_keys),
    CommandSpec::new("zinterstore", -4, WRITE | DENYOOM | MOVABLE_KEYS, (1, 1, 1), "@write @sortedset @slow", zsetop)
        .doc(&doc::ZINTERSTORE)
        .key_specs("OW update;RO access")
        .keys_fn(store_keys),
    CommandSpec::new("zdiffstore", -4, WRITE | DENYOOM | MOVABLE_KEYS, (1, 1, 1), "@write @sortedset @slow", zsetop)
        .doc(&doc::ZDIFFSTORE)
        .key_specs("OW update;RO access")
        .keys_fn(store_keys),
    CommandSpec::new("zrandmember", -2, READONLY, (1, 1, 1), "@read @sortedset @slow", zrandmember)
        .doc(&doc::ZRANDMEMBER)
        .tips("nondeterministic_output"),
    CommandSpec::new("zscan", -3, READONLY, (1, 1, 1), "@read @sortedset @slow", zscan)
        .doc(&doc::ZSCAN)
        .tips("nondeterministic_output"),
];

fn keys_at_1(args: &Args<'_>) -> Vec<KeyRef> {
    numkeys_at(args, 1, 0)
}

fn keys_at_2(args: &Args<'_>) -> Vec<KeyRef> {
    numkeys_at(args, 2, 0)
}

/// ZUNIONSTORE and friends: the destination, then the numkeys sources.
fn store_keys(args: &Args<'_>) -> Vec<KeyRef> {
    let mut keys = vec![KeyRef::new(1, 0)];
    keys.extend(numkeys_at(args, 2, 1));
    keys
}

// ---------------------------------------------------------------------------------------------
// Numbers: C's strtod as Redis uses it
// ---------------------------------------------------------------------------------------------

fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn starts_with_ci(s: &[u8], p: &[u8]) -> bool {
    s.len() >= p.len() && s[..p.len()].eq_ignore_ascii_case(p)
}

/// C's `strtod`: the value, how many bytes it took (0 when nothing converted) and whether it
/// set ERANGE (overflow, or an underflow to zero).
fn strtod(s: &[u8]) -> (f64, usize, bool) {
    let mut i = 0;
    while i < s.len() && is_c_space(s[i]) {
        i += 1;
    }
    let start = i;
    let neg = s.get(i) == Some(&b'-');
    if matches!(s.get(i), Some(b'-' | b'+')) {
        i += 1;
    }
    let sign = if neg { -1.0 } else { 1.0 };
    let rest = &s[i..];
    if starts_with_ci(rest, b"infinity") {
        return (sign * f64::INFINITY, i + 8, false);
    }
    if starts_with_ci(rest, b"inf") {
        return (sign * f64::INFINITY, i + 3, false);
    }
    if starts_with_ci(rest, b"nan") {
        let mut n = i + 3;
        if s.get(n) == Some(&b'(') {
            let mut k = n + 1;
            while k < s.len() && (s[k].is_ascii_alphanumeric() || s[k] == b'_') {
                k += 1;
            }
            if s.get(k) == Some(&b')') {
                n = k + 1;
            }
        }
        return (f64::NAN, n, false);
    }
    if starts_with_ci(rest, b"0x")
        && let Some((v, n)) = hex_float(&rest[2..])
    {
        return (sign * v, i + 2 + n, v.is_infinite());
    }
    let mut j = i;
    let mut digits = 0;
    let mut nonzero = false;
    while j < s.len() && s[j].is_ascii_digit() {
        nonzero |= s[j] != b'0';
        j += 1;
        digits += 1;
    }
    if s.get(j) == Some(&b'.') {
        j += 1;
        while j < s.len() && s[j].is_ascii_digit() {
            nonzero |= s[j] != b'0';
            j += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return (0.0, 0, false);
    }
    if matches!(s.get(j), Some(b'e' | b'E')) {
        let mut k = j + 1;
        if matches!(s.get(k), Some(b'-' | b'+')) {
            k += 1;
        }
        if s.get(k).is_some_and(|c| c.is_ascii_digit()) {
            while k < s.len() && s[k].is_ascii_digit() {
                k += 1;
            }
            j = k;
        }
    }
    let text = std::str::from_utf8(&s[start..j]).unwrap_or("0");
    let v: f64 = text.parse().unwrap_or(0.0);
    let erange = v.is_infinite() || (v == 0.0 && nonzero);
    (v, j, erange)
}

/// The part of a hex float after `0x`: value and bytes taken, None when no hex digit follows.
fn hex_float(s: &[u8]) -> Option<(f64, usize)> {
    let mut j = 0;
    let mut mant: u64 = 0;
    let mut exp: i64 = 0;
    let mut digits = 0;
    let mut point = false;
    while j < s.len() {
        let c = s[j];
        if c == b'.' && !point {
            point = true;
            j += 1;
            continue;
        }
        let Some(d) = (c as char).to_digit(16) else { break };
        digits += 1;
        if mant < (1 << 59) {
            mant = mant * 16 + u64::from(d);
            if point {
                exp -= 4;
            }
        } else if !point {
            exp += 4;
        }
        j += 1;
    }
    if digits == 0 {
        return None;
    }
    if matches!(s.get(j), Some(b'p' | b'P')) {
        let mut k = j + 1;
        let neg = s.get(k) == Some(&b'-');
        if matches!(s.get(k), Some(b'-' | b'+')) {
            k += 1;
        }
        if s.get(k).is_some_and(|c| c.is_ascii_digit()) {
            let mut e: i64 = 0;
            while k < s.len() && s[k].is_ascii_digit() {
                e = (e * 10 + i64::from(s[k] - b'0')).min(100_000);
                k += 1;
            }
            exp += if neg { -e } else { e };
            j = k;
        }
    }
    let mut v = mant as f64;
    let mut e = exp.clamp(-3000, 3000) as i32;
    while e > 0 {
        let step = e.min(1000);
        v *= 2f64.powi(step);
        e -= step;
    }
    while e < 0 {
        let step = e.max(-1000);
        v *= 2f64.powi(step);
        e -= step;
    }
    Some((v, j))
}

/// Redis's `getDoubleFromObject`: the whole argument is a number, no leading space, no
/// overflow or underflow to zero, not NaN.
fn parse_double(arg: &[u8]) -> Option<f64> {
    if arg.is_empty() || is_c_space(arg[0]) {
        return None;
    }
    let (v, n, erange) = strtod(arg);
    if n != arg.len() || (erange && (v.is_infinite() || v == 0.0)) || v.is_nan() {
        return None;
    }
    Some(v)
}

fn parse_score(arg: &[u8]) -> Result<f64, CmdError> {
    parse_double(arg).ok_or(CmdError::NotFloat)
}

/// The argument up to its first NUL, as C code reads it.
fn c_str(arg: &[u8]) -> &[u8] {
    &arg[..arg.iter().position(|&b| b == 0).unwrap_or(arg.len())]
}

/// One end of `zslParseRange`: `(` for exclusive, then anything strtod takes whole.
fn score_bound(arg: &[u8]) -> Option<ScoreBound> {
    let a = c_str(arg);
    let (excl, body) = if a.first() == Some(&b'(') { (true, &a[1..]) } else { (false, a) };
    let (v, n, _) = strtod(body);
    if n != body.len() || v.is_nan() {
        return None;
    }
    Some(if excl { ScoreBound::Excl(v) } else { ScoreBound::Incl(v) })
}

fn score_range(min: &[u8], max: &[u8]) -> Result<(ScoreBound, ScoreBound), CmdError> {
    match (score_bound(min), score_bound(max)) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(CmdError::err("min or max is not a float")),
    }
}

/// One end of `zslParseLexRange`: `+`, `-`, `[member` or `(member`.
fn lex_bound(arg: &[u8]) -> Option<LexBound> {
    match arg.first() {
        Some(b'+') if arg.len() == 1 => Some(LexBound::Max),
        Some(b'-') if arg.len() == 1 => Some(LexBound::Min),
        Some(b'(') => Some(LexBound::Excl(arg[1..].to_vec())),
        Some(b'[') => Some(LexBound::Incl(arg[1..].to_vec())),
        _ => None,
    }
}

fn lex_range(min: &[u8], max: &[u8]) -> Result<(LexBound, LexBound), CmdError> {
    match (lex_bound(min), lex_bound(max)) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(CmdError::err("min or max not valid string range item")),
    }
}

/// Redis's index rules for rank ranges: negative counts from the end; None when empty.
fn rank_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let n = len as i64;
    let mut start = if start < 0 { n + start } else { start };
    let mut end = if end < 0 { n + end } else { end };
    if start < 0 {
        start = 0;
    }
    if start > end || start >= n {
        return None;
    }
    if end >= n {
        end = n - 1;
    }
    Some((start as usize, end as usize))
}

// ---------------------------------------------------------------------------------------------
// Lookups and replies
// ---------------------------------------------------------------------------------------------

fn zset_of<'a>(e: Option<EntryRef<'a, Object>>) -> Result<Option<&'a ZSet>, CmdError> {
    match e {
        None => Ok(None),
        Some(e) => match e.value() {
            Val::Obj(Object::ZSet(z)) => Ok(Some(z)),
            _ => Err(CmdError::WrongType),
        },
    }
}

fn zset_mut(o: &mut Object) -> Result<&mut ZSet, CmdError> {
    match o {
        Object::ZSet(z) => Ok(z),
        _ => Err(CmdError::WrongType),
    }
}

fn lp_bytes(v: LpVal<'_>) -> Vec<u8> {
    match v {
        LpVal::Str(s) => s.to_vec(),
        LpVal::Int(i) => i.to_string().into_bytes(),
    }
}

/// One element of a range reply: the member, with its score when `withscores` (a pair in
/// RESP3).
fn reply_elem(out: &mut Reply, m: &[u8], s: f64, withscores: bool) {
    if withscores {
        out.scored(m, s);
    } else {
        out.bulk(m);
    }
}

fn reply_elems(out: &mut Reply, items: &[(Vec<u8>, f64)], withscores: bool) {
    if withscores {
        out.scored_array(items.len());
    } else {
        out.array(items.len());
    }
    for (m, s) in items {
        reply_elem(out, m, *s, withscores);
    }
}

/// Store `items` (sorted) as a new zset at `dst`, or delete `dst` when there are none (the
/// STORE variants); replies with the count. `event` is the keyspace event of a store.
fn store_result(ctx: &mut Ctx, dst: &[u8], items: Vec<(Vec<u8>, f64)>, z: ZSet, event: &'static str) {
    let now = ctx.now;
    let n = items.len();
    let mut db = ctx.store.db(ctx.client.db);
    if n == 0 {
        if db.delete(dst, now) {
            db.notify(class::GENERIC, "del", dst);
            ctx.dirty(1);
        }
        ctx.out.int(0);
        return;
    }
    db.set_value(dst, NewVal::Obj(Box::new(Object::ZSet(z))), Expire::Clear);
    db.notify(class::ZSET, event, dst);
    db.signal_ready(dst);
    ctx.dirty(1);
    ctx.out.int(n as i64);
}

/// A collection emptied by a removal disappears, with Redis's `del` event.
fn drop_if_empty(db: &mut DbMut<'_>, key: &[u8]) {
    if db.remove_if_empty(key) {
        db.notify(class::GENERIC, "del", key);
    }
}

// ---------------------------------------------------------------------------------------------
// ZADD, ZINCRBY, ZREM
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct AddFlags {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
    ch: bool,
    incr: bool,
}

/// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
fn zadd(ctx: &mut Ctx, args: Args) -> CmdResult {
    zadd_generic(ctx, args, false)
}

/// ZINCRBY key increment member
fn zincrby(ctx: &mut Ctx, args: Args) -> CmdResult {
    zadd_generic(ctx, args, true)
}

fn zadd_generic(ctx: &mut Ctx, args: Args, incr: bool) -> CmdResult {
    let mut f = AddFlags { incr, ..AddFlags::default() };
    let mut i = 2;
    while i < args.len() {
        let o = &args[i];
        if is(o, "nx") {
            f.nx = true;
        } else if is(o, "xx") {
            f.xx = true;
        } else if is(o, "ch") {
            f.ch = true;
        } else if is(o, "incr") {
            f.incr = true;
        } else if is(o, "gt") {
            f.gt = true;
        } else if is(o, "lt") {
            f.lt = true;
        } else {
            break;
        }
        i += 1;
    }
    let rest = args.len() - i;
    if rest == 0 || rest % 2 == 1 {
        return Err(CmdError::Syntax);
    }
    let n = rest / 2;
    if f.nx && f.xx {
        return Err(CmdError::err("XX and NX options at the same time are not compatible"));
    }
    if (f.nx && (f.gt || f.lt)) || (f.gt && f.lt) {
        return Err(CmdError::err("GT, LT, and/or NX options at the same time are not compatible"));
    }
    if f.incr && n > 1 {
        return Err(CmdError::err("INCR option supports a single increment-element pair"));
    }
    let scores = (0..n).map(|j| parse_score(&args[i + 2 * j])).collect::<Result<Vec<f64>, _>>()?;
    let lim = ctx.store.ks().limits.zset;
    let now = ctx.now;
    let key = &args[1];
    let mut db = ctx.store.db(ctx.client.db);
    let z = if f.xx {
        match db.obj_mut(key, now)? {
            None => None,
            Some(o) => Some(zset_mut(o)?),
        }
    } else {
        Some(zset_mut(db.obj_or_create(key, now, || Object::ZSet(ZSet::new()))?)?)
    };
    let (mut added, mut updated, mut processed, mut last, mut nan) = (0u64, 0u64, 0u64, 0.0, false);
    if let Some(z) = z {
        for (j, &score) in scores.iter().enumerate() {
            let m = &args[i + 2 * j + 1];
            match z.score(m) {
                Some(cur) => {
                    if f.nx {
                        continue;
                    }
                    let s = if f.incr { score + cur } else { score };
                    if s.is_nan() {
                        nan = true;
                        break;
                    }
                    if (f.lt && s >= cur) || (f.gt && s <= cur) {
                        continue;
                    }
                    processed += 1;
                    last = s;
                    if s != cur {
                        z.insert(m, s, &lim);
                        updated += 1;
                    }
                }
                None => {
                    if f.xx {
                        continue;
                    }
                    z.insert(m, score, &lim);
                    added += 1;
                    processed += 1;
                    last = score;
                }
            }
        }
    }
    if added + updated > 0 {
        db.notify(class::ZSET, if f.incr { "zincr" } else { "zadd" }, key);
        db.signal_ready(key);
    }
    // A key created for nothing (never happens with valid input) must not stay empty.
    db.remove_if_empty(key);
    if nan {
        return Err(CmdError::err("resulting score is not a number (NaN)"));
    }
    ctx.dirty(added + updated);
    if f.incr {
        if processed > 0 { ctx.out.double(last) } else { ctx.out.null() }
    } else {
        ctx.out.int((if f.ch { added + updated } else { added }) as i64);
    }
    Ok(())
}

/// ZREM key member [member ...]
fn zrem(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let key = &args[1];
    let mut db = ctx.store.db(ctx.client.db);
    let Some(o) = db.obj_mut(key, now)? else {
        ctx.out.int(0);
        return Ok(());
    };
    let z = zset_mut(o)?;
    let mut deleted = 0u64;
    for m in args.iter().skip(2) {
        if z.remove(m).is_some() {
            deleted += 1;
            if z.is_empty() {
                break;
            }
        }
    }
    if deleted > 0 {
        db.notify(class::ZSET, "zrem", key);
        drop_if_empty(&mut db, key);
    }
    ctx.dirty(deleted);
    ctx.out.int(deleted as i64);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reads: ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT ZLEXCOUNT
// ---------------------------------------------------------------------------------------------

/// ZCARD key
fn zcard(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let n = zset_of(db.lookup_read(&args[1], now))?.map_or(0, |z| z.len());
    ctx.out.int(n as i64);
    Ok(())
}

/// ZSCORE key member
fn zscore(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    match zset_of(db.lookup_read(&args[1], now))?.and_then(|z| z.score(&args[2])) {
        Some(s) => ctx.out.double(s),
        None => ctx.out.null(),
    }
    Ok(())
}

/// ZMSCORE key member [member ...]
fn zmscore(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let z = zset_of(db.lookup_read(&args[1], now))?;
    ctx.out.array(args.len() - 2);
    for m in args.iter().skip(2) {
        match z.and_then(|z| z.score(m)) {
            Some(s) => ctx.out.double(s),
            None => ctx.out.null(),
        }
    }
    Ok(())
}

/// ZRANK key member, ZREVRANK key member
fn zrank(ctx: &mut Ctx, args: Args) -> CmdResult {
    let rev = ctx.cmd.fullname == "zrevrank";
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    match zset_of(db.lookup_read(&args[1], now))?.and_then(|z| z.rank(&args[2], rev)) {
        Some(r) => ctx.out.int(r as i64),
        None => ctx.out.null(),
    }
    Ok(())
}

/// ZCOUNT key min max
fn zcount(ctx: &mut Ctx, args: Args) -> CmdResult {
    let (min, max) = score_range(&args[2], &args[3])?;
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let n = zset_of(db.lookup_read(&args[1], now))?.map_or(0, |z| z.count_in_score(min, max));
    ctx.out.int(n as i64);
    Ok(())
}

/// ZLEXCOUNT key min max
fn zlexcount(ctx: &mut Ctx, args: Args) -> CmdResult {
    let (min, max) = lex_range(&args[2], &args[3])?;
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let n = zset_of(db.lookup_read(&args[1], now))?.map_or(0, |z| z.count_in_lex(&min, &max));
    ctx.out.int(n as i64);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// ZRANGE and its variants
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum RangeKind {
    Auto,
    Rank,
    Score,
    Lex,
}

enum Range {
    Rank(i64, i64),
    Score(ScoreBound, ScoreBound),
    Lex(LexBound, LexBound),
}

/// A parsed ZRANGE request (`zrangeGenericCommand`'s steps 1 and 2).
struct RangeReq {
    range: Range,
    rev: bool,
    withscores: bool,
    offset: i64,
    limit: i64,
}

fn parse_range(
    args: &Args<'_>,
    start: usize,
    store: bool,
    kind: RangeKind,
    rev: Option<bool>,
) -> Result<RangeReq, CmdError> {
    let (mut kind, mut rev) = (kind, rev);
    let (mut withscores, mut offset, mut limit) = (false, 0i64, -1i64);
    let mut j = start + 3;
    while j < args.len() {
        let a = &args[j];
        let left = args.len() - j - 1;
        if !store && is(a, "withscores") {
            withscores = true;
        } else if is(a, "limit") && left >= 2 {
            offset = parse_int(&args[j + 1])?;
            limit = parse_int(&args[j + 2])?;
            j += 2;
        } else if rev.is_none() && is(a, "rev") {
            rev = Some(true);
        } else if kind == RangeKind::Auto && is(a, "bylex") {
            kind = RangeKind::Lex;
        } else if kind == RangeKind::Auto && is(a, "byscore") {
            kind = RangeKind::Score;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let rev = rev.unwrap_or(false);
    if kind == RangeKind::Auto {
        kind = RangeKind::Rank;
    }
    if limit != -1 && kind == RangeKind::Rank {
        return Err(CmdError::err("syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"));
    }
    if withscores && kind == RangeKind::Lex {
        return Err(CmdError::err("syntax error, WITHSCORES not supported in combination with BYLEX"));
    }
    let (mut lo, mut hi) = (start + 1, start + 2);
    if rev && kind != RangeKind::Rank {
        std::mem::swap(&mut lo, &mut hi);
    }
    let range = match kind {
        RangeKind::Score => {
            let (a, b) = score_range(&args[lo], &args[hi])?;
            Range::Score(a, b)
        }
        RangeKind::Lex => {
            let (a, b) = lex_range(&args[lo], &args[hi])?;
            Range::Lex(a, b)
        }
        _ => Range::Rank(parse_int(&args[lo])?, parse_int(&args[hi])?),
    };
    Ok(RangeReq { range, rev, withscores, offset, limit })
}

/// The members a range request selects, in reply order.
fn run_range(z: &ZSet, r: &RangeReq) -> Vec<(Vec<u8>, f64)> {
    let mut out = Vec::new();
    let mut push = |m: LpVal<'_>, s: f64| out.push((lp_bytes(m), s));
    // A negative offset skips everything, as Redis's `while (offset--)` does; a negative
    // count means no limit.
    let limited = (r.offset >= 0).then(|| (r.offset as usize, usize::try_from(r.limit).ok()));
    match &r.range {
        Range::Rank(a, b) => {
            if let Some((a, b)) = rank_range(*a, *b, z.len()) {
                z.range_by_rank(a, b, r.rev, &mut push);
            }
        }
        Range::Score(min, max) => {
            if let Some((off, lim)) = limited {
                z.range_by_score(*min, *max, r.rev, off, lim, &mut push);
            }
        }
        Range::Lex(min, max) => {
            if let Some((off, lim)) = limited {
                z.range_by_lex(min, max, r.rev, off, lim, &mut push);
            }
        }
    }
    out
}

/// ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES], and the older
/// ZREVRANGE, Z[REV]RANGEBYSCORE and Z[REV]RANGEBYLEX forms.
fn zrange(ctx: &mut Ctx, args: Args) -> CmdResult {
    let (kind, rev) = match ctx.cmd.fullname.as_str() {
        "zrevrange" => (RangeKind::Rank, Some(true)),
        "zrangebyscore" => (RangeKind::Score, Some(false)),
        "zrevrangebyscore" => (RangeKind::Score, Some(true)),
        "zrangebylex" => (RangeKind::Lex, Some(false)),
        "zrevrangebylex" => (RangeKind::Lex, Some(true)),
        _ => (RangeKind::Auto, None),
    };
    let req = parse_range(&args, 1, false, kind, rev)?;
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let items = match zset_of(db.lookup_read(&args[1], now))? {
        None => Vec::new(),
        Some(z) => run_range(z, &req),
    };
    reply_elems(ctx.out, &items, req.withscores);
    Ok(())
}

/// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
fn zrangestore(ctx: &mut Ctx, args: Args) -> CmdResult {
    let req = parse_range(&args, 2, true, RangeKind::Auto, None)?;
    let now = ctx.now;
    let lim = ctx.store.ks().limits.zset;
    let mut db = ctx.store.db(ctx.client.db);
    let items = match zset_of(db.lookup_read(&args[2], now))? {
        None => Vec::new(),
        Some(z) => run_range(z, &req),
    };
    let mut z = ZSet::new();
    for (m, s) in &items {
        z.insert(m, *s, &lim);
    }
    store_result(ctx, &args[1], items, z, "zrangestore");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX
// ---------------------------------------------------------------------------------------------

/// ZREMRANGEBYRANK key start stop, ZREMRANGEBYSCORE key min max, ZREMRANGEBYLEX key min max
fn zremrange(ctx: &mut Ctx, args: Args) -> CmdResult {
    let (event, range) = match ctx.cmd.fullname.as_str() {
        "zremrangebyrank" => ("zremrangebyrank", Range::Rank(parse_int(&args[2])?, parse_int(&args[3])?)),
        "zremrangebyscore" => {
            let (a, b) = score_range(&args[2], &args[3])?;
            ("zremrangebyscore", Range::Score(a, b))
        }
        _ => {
            let (a, b) = lex_range(&args[2], &args[3])?;
            ("zremrangebylex", Range::Lex(a, b))
        }
    };
    let now = ctx.now;
    let key = &args[1];
    let mut db = ctx.store.db(ctx.client.db);
    let Some(o) = db.obj_mut(key, now)? else {
        ctx.out.int(0);
        return Ok(());
    };
    let z = zset_mut(o)?;
    let removed = match &range {
        Range::Rank(a, b) => rank_range(*a, *b, z.len()).map_or(0, |(a, b)| z.remove_range_by_rank(a, b)),
        Range::Score(a, b) => z.remove_range_by_score(*a, *b),
        Range::Lex(a, b) => z.remove_range_by_lex(a, b),
    };
    if removed > 0 {
        db.notify(class::ZSET, event, key);
        drop_if_empty(&mut db, key);
    }
    ctx.dirty(removed as u64);
    ctx.out.int(removed as i64);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Pops: ZPOPMIN ZPOPMAX ZMPOP and the blocking BZPOPMIN BZPOPMAX BZMPOP
// ---------------------------------------------------------------------------------------------

/// How a pop answers.
#[derive(Clone, Copy)]
struct PopReply {
    /// The key comes first (BZPOPMIN, ZMPOP).
    emitkey: bool,
    /// Elements as [member, score] pairs (ZMPOP always, ZPOPMIN with a count in RESP3).
    nested: bool,
    /// Nothing to pop: None blocks (no reply), else this reply.
    on_empty: Option<fn(&mut Reply)>,
}

/// `genericZpopCommand`: pop up to `count` (-1: one, no count given) from the first of
/// `keys` that exists. Returns the key popped from and how many were popped, or None when
/// nothing was popped.
fn pop_generic(
    ctx: &mut Ctx,
    keys: &[&[u8]],
    max: bool,
    count: i64,
    how: PopReply,
) -> Result<Option<(Vec<u8>, usize)>, CmdError> {
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let mut found = None;
    for k in keys {
        match db.lookup(k, now).map(|e| matches!(e.value(), Val::Obj(Object::ZSet(_)))) {
            None => continue,
            Some(false) => return Err(CmdError::WrongType),
            Some(true) => {
                found = Some(*k);
                break;
            }
        }
    }
    let Some(key) = found else {
        if let Some(f) = how.on_empty {
            f(ctx.out);
        }
        return Ok(None);
    };
    if count == 0 {
        ctx.out.array(0);
        return Ok(None);
    }
    let count = if count == -1 { 1 } else { count as usize };
    let Some(o) = db.obj_mut(key, now)? else { return Ok(None) };
    let z = zset_mut(o)?;
    let n = count.min(z.len());
    let out = &mut *ctx.out;
    match (how.nested, how.emitkey) {
        (false, false) => out.array(n * 2),
        (true, false) => out.array(n),
        (false, true) => {
            out.array(n * 2 + 1);
            out.bulk(key);
        }
        (true, true) => {
            out.array(2);
            out.bulk(key);
            out.array(n);
        }
    }
    for _ in 0..n {
        let Some((m, s)) = z.pop(max) else { break };
        if how.nested {
            out.array(2);
        }
        out.bulk(&m);
        out.double(s);
    }
    db.notify(class::ZSET, if max { "zpopmax" } else { "zpopmin" }, key);
    drop_if_empty(&mut db, key);
    ctx.dirty(n as u64);
    Ok(Some((key.to_vec(), n)))
}

fn is_max(ctx: &Ctx) -> bool {
    ctx.cmd.fullname.ends_with("max")
}

/// ZPOPMIN key [count], ZPOPMAX key [count]
fn zpop(ctx: &mut Ctx, args: Args) -> CmdResult {
    if args.len() > 3 {
        return Err(CmdError::Syntax);
    }
    let mut count = -1;
    if args.len() == 3 {
        count = match crate::util::num::parse_i64(&args[2]) {
            Some(n) if n >= 0 => n,
            _ => return Err(CmdError::err("value is out of range, must be positive")),
        };
    }
    let how = PopReply { emitkey: false, nested: ctx.out.is_resp3() && count != -1, on_empty: Some(|o| o.array(0)) };
    let max = is_max(ctx);
    pop_generic(ctx, &[&args[1]], max, count, how)?;
    Ok(())
}

/// BZPOPMIN key [key ...] timeout, BZPOPMAX key [key ...] timeout. Served later by a push, it
/// runs again and propagates as ZPOPMIN/ZPOPMAX key, as Redis does.
fn bzpop(ctx: &mut Ctx, args: Args) -> CmdResult {
    let deadline = parse_block_timeout(&args[args.len() - 1], ctx.now)?;
    let keys: Vec<&[u8]> = args.iter().skip(1).take(args.len() - 2).collect();
    let max = is_max(ctx);
    let how = PopReply { emitkey: true, nested: false, on_empty: None };
    match pop_generic(ctx, &keys, max, -1, how)? {
        Some((key, _)) => ctx.propagate_as(&[if max { b"ZPOPMAX" } else { b"ZPOPMIN" }, &key]),
        None => ctx.block_on(keys.iter().map(|k| k.to_vec()).collect(), deadline, |o| o.null_array()),
    }
    Ok(())
}

/// The arguments of ZMPOP after the command (and BZMPOP's timeout): numkeys, keys, MIN|MAX,
/// COUNT. Returns the keys, whether MAX, and the count.
fn parse_mpop<'a>(args: &Args<'a>, numkeys_at: usize) -> Result<(Vec<&'a [u8]>, bool, i64), CmdError> {
    let positive = |a: &[u8], msg: &str| match crate::util::num::parse_i64(a) {
        Some(n) if n >= 1 => Ok(n),
        _ => Err(CmdError::err(msg)),
    };
    let numkeys = positive(&args[numkeys_at], "numkeys should be greater than 0")?;
    let where_at = usize::try_from(numkeys).ok().and_then(|n| n.checked_add(numkeys_at + 1)).unwrap_or(usize::MAX);
    if where_at >= args.len() {
        return Err(CmdError::Syntax);
    }
    let max = if is(&args[where_at], "min") {
        false
    } else if is(&args[where_at], "max") {
        true
    } else {
        return Err(CmdError::Syntax);
    };
    let mut count = -1;
    let mut j = where_at + 1;
    while j < args.len() {
        if count == -1 && is(&args[j], "count") && j + 1 < args.len() {
            count = positive(&args[j + 1], "count should be greater than 0")?;
            j += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let keys = (numkeys_at + 1..where_at).map(|i| args.get(i)).collect();
    Ok((keys, max, if count == -1 { 1 } else { count }))
}

/// Redis 7.0 sends ZMPOP and BZMPOP on as ZPOPMIN/ZPOPMAX with the count actually popped.
fn mpop_propagate(ctx: &mut Ctx, key: &[u8], max: bool, count: usize) {
    let count = count.to_string();
    ctx.propagate_as(&[if max { b"ZPOPMAX" } else { b"ZPOPMIN" }, key, count.as_bytes()]);
}

/// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]; propagates as ZPOPMIN/ZPOPMAX key count.
fn zmpop(ctx: &mut Ctx, args: Args) -> CmdResult {
    let (keys, max, count) = parse_mpop(&args, 1)?;
    let how = PopReply { emitkey: true, nested: true, on_empty: Some(|o| o.null_array()) };
    if let Some((key, n)) = pop_generic(ctx, &keys, max, count, how)? {
        mpop_propagate(ctx, &key, max, n);
    }
    Ok(())
}

/// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
fn bzmpop(ctx: &mut Ctx, args: Args) -> CmdResult {
    let (keys, max, count) = parse_mpop(&args, 2)?;
    let deadline = parse_block_timeout(&args[1], ctx.now)?;
    let how = PopReply { emitkey: true, nested: true, on_empty: None };
    match pop_generic(ctx, &keys, max, count, how)? {
        Some((key, n)) => mpop_propagate(ctx, &key, max, n),
        None => ctx.block_on(keys.iter().map(|k| k.to_vec()).collect(), deadline, |o| o.null_array()),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// ZUNION ZINTER ZDIFF ZINTERCARD and their STORE forms
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Aggr {
    Sum,
    Min,
    Max,
}

/// One input: a zset, or a set whose members score 1.
#[derive(Clone, Copy)]
enum Src<'a> {
    None,
    Z(&'a ZSet),
    S(&'a Set),
}

impl Src<'_> {
    fn len(&self) -> usize {
        match self {
            Src::None => 0,
            Src::Z(z) => z.len(),
            Src::S(s) => s.len(),
        }
    }

    fn each(&self, mut f: impl FnMut(&[u8], f64)) {
        match self {
            Src::None => {}
            Src::Z(z) => z.visit(0, z.len(), false, |m, s| {
                match m {
                    LpVal::Str(b) => f(b, s),
                    LpVal::Int(_) => f(&lp_bytes(m), s),
                }
                true
            }),
            Src::S(set) => {
                for m in set.iter() {
                    match m {
                        LpVal::Str(b) => f(b, 1.0),
                        LpVal::Int(_) => f(&lp_bytes(m), 1.0),
                    }
                }
            }
        }
    }

    fn find(&self, m: &[u8]) -> Option<f64> {
        match self {
            Src::None => None,
            Src::Z(z) => z.score(m),
            Src::S(s) => s.contains(m).then_some(1.0),
        }
    }
}

fn aggregate(target: &mut f64, val: f64, how: Aggr) {
    match how {
        Aggr::Sum => {
            *target += val;
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggr::Min => {
            if val < *target {
                *target = val;
            }
        }
        Aggr::Max => {
            if val > *target {
                *target = val;
            }
        }
    }
}

/// The options after the keys (`zunionInterDiffGenericCommand`).
struct OpOpts {
    weights: Vec<f64>,
    aggr: Aggr,
    withscores: bool,
    limit: usize,
}

fn parse_op_opts(
    args: &Args<'_>,
    mut j: usize,
    n: usize,
    op: SetOp,
    store: bool,
    card: bool,
) -> Result<OpOpts, CmdError> {
    let mut o = OpOpts { weights: vec![1.0; n], aggr: Aggr::Sum, withscores: false, limit: 0 };
    while j < args.len() {
        let remaining = args.len() - j;
        let a = &args[j];
        if op != SetOp::Diff && !card && remaining > n && is(a, "weights") {
            for i in 0..n {
                o.weights[i] =
                    parse_double(&args[j + 1 + i]).ok_or_else(|| CmdError::err("weight value is not a float"))?;
            }
            j += n + 1;
        } else if op != SetOp::Diff && !card && remaining >= 2 && is(a, "aggregate") {
            let v = &args[j + 1];
            o.aggr = if is(v, "sum") {
                Aggr::Sum
            } else if is(v, "min") {
                Aggr::Min
            } else if is(v, "max") {
                Aggr::Max
            } else {
                return Err(CmdError::Syntax);
            };
            j += 2;
        } else if !store && !card && is(a, "withscores") {
            o.withscores = true;
            j += 1;
        } else if card && remaining >= 2 && is(a, "limit") {
            match crate::util::num::parse_i64(&args[j + 1]) {
                Some(l) if l >= 0 => o.limit = usize::try_from(l).unwrap_or(usize::MAX),
                _ => return Err(CmdError::err("LIMIT can't be negative")),
            }
            j += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    Ok(o)
}

/// The result of a union, intersection or difference, sorted as a zset.
fn compute(srcs: &[Src<'_>], op: SetOp, o: &OpOpts) -> Vec<(Vec<u8>, f64)> {
    let mut out: Vec<(Vec<u8>, f64)> = Vec::new();
    match op {
        SetOp::Union => {
            let mut acc: std::collections::HashMap<Vec<u8>, usize> = std::collections::HashMap::new();
            for (i, src) in srcs.iter().enumerate() {
                let w = o.weights[i];
                src.each(|m, s| {
                    let mut score = w * s;
                    if score.is_nan() {
                        score = 0.0;
                    }
                    match acc.get(m) {
                        Some(&at) => aggregate(&mut out[at].1, score, o.aggr),
                        None => {
                            acc.insert(m.to_vec(), out.len());
                            out.push((m.to_vec(), score));
                        }
                    }
                });
            }
        }
        SetOp::Inter => {
            let mut order: Vec<usize> = (0..srcs.len()).collect();
            order.sort_by_key(|&i| srcs[i].len());
            if srcs[order[0]].len() == 0 {
                return out;
            }
            let first = srcs[order[0]];
            first.each(|m, s| {
                let mut score = o.weights[order[0]] * s;
                if score.is_nan() {
                    score = 0.0;
                }
                for &j in &order[1..] {
                    match srcs[j].find(m) {
                        Some(v) => aggregate(&mut score, v * o.weights[j], o.aggr),
                        None => return,
                    }
                }
                out.push((m.to_vec(), score));
            });
        }
        SetOp::Diff => {
            srcs[0].each(|m, s| {
                if srcs[1..].iter().all(|x| x.find(m).is_none()) {
                    out.push((m.to_vec(), s));
                }
            });
        }
    }
    out.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal).then_with(|| a.0.cmp(&b.0)));
    out
}

/// ZINTERCARD's count: members of the smallest input found in all the others, up to `limit`.
fn inter_card(srcs: &[Src<'_>], limit: usize) -> usize {
    let mut order: Vec<usize> = (0..srcs.len()).collect();
    order.sort_by_key(|&i| srcs[i].len());
    let mut n = 0;
    srcs[order[0]].each(|m, _| {
        if (limit == 0 || n < limit) && order[1..].iter().all(|&j| srcs[j].find(m).is_some()) {
            n += 1;
        }
    });
    n
}

/// ZUNION/ZINTER numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES],
/// ZDIFF numkeys key [key ...] [WITHSCORES], ZINTERCARD numkeys key [key ...] [LIMIT limit],
/// and ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE dst numkeys key [key ...] [options].
fn zsetop(ctx: &mut Ctx, args: Args) -> CmdResult {
    let name = ctx.cmd.fullname.clone();
    let store = name.ends_with("store");
    let card = name == "zintercard";
    let op = if name.starts_with("zunion") {
        SetOp::Union
    } else if name.starts_with("zinter") {
        SetOp::Inter
    } else {
        SetOp::Diff
    };
    let nk_at = if store { 2 } else { 1 };
    let setnum = parse_int(&args[nk_at])?;
    if setnum < 1 {
        return Err(CmdError::err(format!("at least 1 input key is needed for '{name}' command")));
    }
    if setnum > (args.len() - (nk_at + 1)) as i64 {
        return Err(CmdError::Syntax);
    }
    let n = setnum as usize;
    let keys: Vec<&[u8]> = (nk_at + 1..nk_at + 1 + n).map(|i| args.get(i)).collect();
    let now = ctx.now;
    let lim = ctx.store.ks().limits.zset;
    let mut db = ctx.store.db(ctx.client.db);
    // Expire and type-check every input first, then borrow them all at once.
    let mut live = Vec::with_capacity(n);
    for k in &keys {
        let e = if store { db.lookup(k, now) } else { db.lookup_read(k, now) };
        match e.map(|e| matches!(e.value(), Val::Obj(Object::ZSet(_) | Object::Set(_)))) {
            None => live.push(false),
            Some(false) => return Err(CmdError::WrongType),
            Some(true) => live.push(true),
        }
    }
    let o = parse_op_opts(&args, nk_at + 1 + n, n, op, store, card)?;
    let raw = db.raw();
    let srcs: Vec<Src<'_>> = keys
        .iter()
        .zip(&live)
        .map(|(k, &l)| match raw.peek(k).filter(|_| l).map(|e| e.value()) {
            Some(Val::Obj(Object::ZSet(z))) => Src::Z(z),
            Some(Val::Obj(Object::Set(s))) => Src::S(s),
            _ => Src::None,
        })
        .collect();
    if card {
        let c = inter_card(&srcs, o.limit);
        ctx.out.int(c as i64);
        return Ok(());
    }
    let items = compute(&srcs, op, &o);
    if !store {
        reply_elems(ctx.out, &items, o.withscores);
        return Ok(());
    }
    let maxlen = items.iter().map(|(m, _)| m.len()).max().unwrap_or(0);
    let mut z = ZSet::with_hint(items.len(), maxlen, &lim);
    for (m, s) in &items {
        z.insert(m, *s, &lim);
    }
    let event = match op {
        SetOp::Union => "zunionstore",
        SetOp::Inter => "zinterstore",
        SetOp::Diff => "zdiffstore",
    };
    store_result(ctx, &args[1], items, z, event);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// ZRANDMEMBER and ZSCAN
// ---------------------------------------------------------------------------------------------

/// ZRANDMEMBER key [count [WITHSCORES]]
fn zrandmember(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut withscores = false;
    let mut count = None;
    if args.len() >= 3 {
        let l = parse_int(&args[2])?;
        if l == i64::MIN {
            return Err(CmdError::err(
                "value is out of range, value must between -9223372036854775807 and 9223372036854775807",
            ));
        }
        if args.len() > 4 || (args.len() == 4 && !is(&args[3], "withscores")) {
            return Err(CmdError::Syntax);
        }
        if args.len() == 4 {
            withscores = true;
            if !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&l) {
                return Err(CmdError::err("value is out of range"));
            }
        }
        count = Some(l);
    }
    let i = ctx.client.db;
    let ks = ctx.store.ks();
    let mut rng = std::mem::replace(&mut ks.rng, Rng::new(0));
    let mut db = ks.db(i);
    let res = (|| -> CmdResult {
        let z = zset_of(db.lookup_read(&args[1], now))?;
        let out = &mut *ctx.out;
        let Some(l) = count else {
            match z.and_then(|z| z.random(&mut rng)) {
                Some((m, _)) => out.bulk(&m),
                None => out.null(),
            }
            return Ok(());
        };
        let Some(z) = z.filter(|_| l != 0) else {
            out.array(0);
            return Ok(());
        };
        if l < 0 || l == 1 {
            let n = l.unsigned_abs() as usize;
            if withscores {
                out.scored_array(n)
            } else {
                out.array(n)
            }
            z.random_with_repeats(n, &mut rng, |m, s| reply_elem(out, m, s, withscores));
            return Ok(());
        }
        // The whole set comes highest score first, as Redis's reverse range answers it.
        let items = if l as usize >= z.len() { z.to_vec(true) } else { z.random_distinct(l as usize, &mut rng) };
        reply_elems(out, &items, withscores);
        Ok(())
    })();
    ctx.store.ks().rng = rng;
    res
}

/// ZSCAN key cursor [MATCH pattern] [COUNT count]
fn zscan(ctx: &mut Ctx, args: Args) -> CmdResult {
    let mut cursor = parse_cursor(&args[2])?;
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let Some(z) = zset_of(db.lookup_read(&args[1], now))? else {
        ctx.out.array(2);
        ctx.out.bulk(b"0");
        ctx.out.array(0);
        return Ok(());
    };
    let mut count = 10usize;
    let mut pattern: Option<&[u8]> = None;
    let mut i = 3;
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
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    let mut found: Vec<(Vec<u8>, f64)> = Vec::new();
    let mut budget = count.saturating_mul(10);
    loop {
        cursor = z.scan(cursor, |m, s| found.push((lp_bytes(m), s)));
        // Redis counts the member and the score of each element against COUNT.
        if cursor == 0 || budget == 0 || found.len() * 2 >= count {
            break;
        }
        budget -= 1;
    }
    if let Some(p) = pattern {
        found.retain(|(m, _)| glob_match(p, m, false));
    }
    ctx.out.array(2);
    ctx.out.bulk_int(cursor as i64);
    ctx.out.array(found.len() * 2);
    for (m, s) in &found {
        ctx.out.bulk(m);
        ctx.out.bulk(d2string(*s).as_bytes());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtod_follows_c() {
        assert_eq!(strtod(b"1.5"), (1.5, 3, false));
        assert_eq!(strtod(b" 2x"), (2.0, 2, false));
        assert_eq!(strtod(b""), (0.0, 0, false));
        assert_eq!(strtod(b"-inf"), (f64::NEG_INFINITY, 4, false));
        assert_eq!(strtod(b"+Infinity"), (f64::INFINITY, 9, false));
        assert_eq!(strtod(b"0x10"), (16.0, 4, false));
        assert_eq!(strtod(b"0x1p-1"), (0.5, 6, false));
        assert_eq!(strtod(b"0x"), (0.0, 1, false));
        assert_eq!(strtod(b"1e"), (1.0, 1, false));
        assert_eq!(strtod(b".5e1"), (5.0, 4, false));
        assert!(strtod(b"1e400").2);
        assert!(strtod(b"1e-400").2);
        assert!(!strtod(b"0e-400").2);
        assert!(strtod(b"nan(x)").0.is_nan());
    }

    #[test]
    fn doubles_and_bounds_parse_as_redis() {
        assert_eq!(parse_double(b"1e3"), Some(1000.0));
        assert_eq!(parse_double(b"inf"), Some(f64::INFINITY));
        for bad in [&b""[..], b" 1", b"1 ", b"nan", b"1e400", b"1e-400", b"abc", b"1\x002"] {
            assert_eq!(parse_double(bad), None, "{bad:?}");
        }
        assert_eq!(score_bound(b""), Some(ScoreBound::Incl(0.0)));
        assert_eq!(score_bound(b"("), Some(ScoreBound::Excl(0.0)));
        assert_eq!(score_bound(b" 1"), Some(ScoreBound::Incl(1.0)));
        assert_eq!(score_bound(b"(1e400"), Some(ScoreBound::Excl(f64::INFINITY)));
        assert_eq!(score_bound(b"1\x00x"), Some(ScoreBound::Incl(1.0)));
        assert_eq!(score_bound(b" "), None);
        assert_eq!(score_bound(b"nan"), None);
        assert_eq!(lex_bound(b"+"), Some(LexBound::Max));
        assert_eq!(lex_bound(b"+a"), None);
        assert_eq!(lex_bound(b"a"), None);
        assert_eq!(lex_bound(b"(a"), Some(LexBound::Excl(b"a".to_vec())));
    }

    fn opts(n: usize, aggr: Aggr, weights: &[f64]) -> OpOpts {
        let mut w = vec![1.0; n];
        w[..weights.len()].copy_from_slice(weights);
        OpOpts { weights: w, aggr, withscores: true, limit: 0 }
    }

    fn names(items: &[(Vec<u8>, f64)]) -> Vec<(String, f64)> {
        items.iter().map(|(m, s)| (String::from_utf8_lossy(m).into_owned(), *s)).collect()
    }

    #[test]
    fn sets_count_as_score_one_in_set_operations() {
        let lim = crate::database::zset::ZsetLimits::default();
        let mut z = ZSet::new();
        for (m, s) in [("a", 1.0), ("b", 2.0), ("c", 3.0)] {
            z.insert(m.as_bytes(), s, &lim);
        }
        // An intset and a table set: members read back as strings either way.
        let mut ints = Set::for_member(b"1");
        for m in ["1", "2"] {
            ints.add(m.as_bytes(), 512);
        }
        let mut strs = Set::for_member(b"a");
        for m in ["a", "d", "x"] {
            strs.add(m.as_bytes(), 512);
        }
        let srcs = [Src::Z(&z), Src::S(&strs), Src::S(&ints), Src::None];
        let u = compute(&srcs, SetOp::Union, &opts(4, Aggr::Sum, &[1.0, 10.0]));
        let want = [("1", 1.0), ("2", 1.0), ("b", 2.0), ("c", 3.0), ("d", 10.0), ("x", 10.0), ("a", 11.0)];
        assert_eq!(names(&u), want.iter().map(|(m, s)| (m.to_string(), *s)).collect::<Vec<_>>());
        let i = compute(&srcs[..2], SetOp::Inter, &opts(2, Aggr::Max, &[5.0, 1.0]));
        assert_eq!(names(&i), vec![("a".to_string(), 5.0)]);
        assert!(compute(&srcs, SetOp::Inter, &opts(4, Aggr::Sum, &[])).is_empty());
        let d = compute(&srcs[..2], SetOp::Diff, &opts(2, Aggr::Sum, &[]));
        assert_eq!(names(&d), vec![("b".to_string(), 2.0), ("c".to_string(), 3.0)]);
        assert_eq!(inter_card(&[Src::S(&strs), Src::Z(&z)], 0), 1);
        assert_eq!(inter_card(&[Src::S(&ints), Src::S(&ints)], 1), 1);
        // inf * 0 is taken as 0; +inf + -inf sums to 0.
        let mut inf = ZSet::new();
        inf.insert(b"a", f64::INFINITY, &lim);
        let mut ninf = ZSet::new();
        ninf.insert(b"a", f64::NEG_INFINITY, &lim);
        let r = compute(&[Src::Z(&inf), Src::Z(&z)], SetOp::Union, &opts(2, Aggr::Sum, &[0.0, 1.0]));
        assert_eq!(r[0], (b"a".to_vec(), 1.0));
        let r = compute(&[Src::Z(&inf), Src::Z(&ninf)], SetOp::Inter, &opts(2, Aggr::Sum, &[]));
        assert_eq!(r, vec![(b"a".to_vec(), 0.0)]);
    }

    #[test]
    fn rank_ranges_clip_like_redis() {
        assert_eq!(rank_range(0, -1, 3), Some((0, 2)));
        assert_eq!(rank_range(-10, 10, 3), Some((0, 2)));
        assert_eq!(rank_range(2, 1, 3), None);
        assert_eq!(rank_range(3, 5, 3), None);
        assert_eq!(rank_range(0, -1, 0), None);
    }
}
