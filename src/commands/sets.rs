//! Set commands: members, random picks and pops, moves, and the algebra of intersection,
//! union and difference with their *STORE forms (Redis 7.0's t_set.c).

use super::docs::sets as doc;
use super::hashes::{range_long, reply_val, scan_opts, scan_reply, with_rng};
use crate::command::row::numkeys_at;
use crate::command::{CommandSpec, Ctx, KeyRef, flags::*};
use crate::commands::keys::parse_cursor;
use crate::commands::parse_int;
use crate::database::listpack::LpVal;
use crate::database::set::Set;
use crate::database::{DbMut, Expire, NewVal, Object, Val, class};
use crate::error::{CmdError, CmdResult};
use crate::resp::{Aggregate, Args};
use crate::util::glob::glob_match;

pub const SPECS: &[CommandSpec] = &[
    CommandSpec::new("sadd", -3, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @set @fast", sadd)
        .doc(&doc::SADD)
        .key_specs("RW insert"),
    CommandSpec::new("srem", -3, WRITE | FAST, (1, 1, 1), "@write @set @fast", srem)
        .doc(&doc::SREM)
        .key_specs("RW delete"),
    CommandSpec::new("scard", 2, READONLY | FAST, (1, 1, 1), "@read @set @fast", scard)
        .doc(&doc::SCARD)
        .key_specs("RO"),
    CommandSpec::new("sismember", 3, READONLY | FAST, (1, 1, 1), "@read @set @fast", sismember)
        .doc(&doc::SISMEMBER)
        .key_specs("RO"),
    CommandSpec::new("smismember", -3, READONLY | FAST, (1, 1, 1), "@read @set @fast", smismember)
        .doc(&doc::SMISMEMBER)
        .key_specs("RO access"),
    CommandSpec::new("smembers", 2, READONLY, (1, 1, 1), "@read @set @slow", sinter)
        .doc(&doc::SMEMBERS)
        .key_specs("RO access")
        .tips("nondeterministic_output_order"),
    CommandSpec::new("spop", -2, WRITE | FAST, (1, 1, 1), "@write @set @fast", spop)
        .doc(&doc::SPOP)
        .key_specs("RW access delete")
        .tips("nondeterministic_output"),
    CommandSpec::new("srandmember", -2, READONLY, (1, 1, 1), "@read @set @slow", srandmember)
        .doc(&doc::SRANDMEMBER)
        .key_specs("RO access")
        .tips("nondeterministic_output"),
    CommandSpec::new("smove", 4, WRITE | FAST, (1, 2, 1), "@write @set @fast", smove)
        .doc(&doc::SMOVE)
        .key_specs("RW access delete;RW insert"),
    CommandSpec::new("sinter", -2, READONLY, (1, -1, 1), "@read @set @slow", sinter)
        .doc(&doc::SINTER)
        .key_specs("RO access")
        .tips("nondeterministic_output_order"),
    CommandSpec::new("sintercard", -3, READONLY | MOVABLE_KEYS, (0, 0, 0), "@read @set @slow", sintercard)
        .doc(&doc::SINTERCARD)
        .key_specs("RO access")
        .keys_fn(sintercard_keys),
    CommandSpec::new("sinterstore", -3, WRITE | DENYOOM, (1, -1, 1), "@write @set @slow", sinterstore)
        .doc(&doc::SINTERSTORE)
        .key_specs("RW update;RO access"),
    CommandSpec::new("sunion", -2, READONLY, (1, -1, 1), "@read @set @slow", sunion)
        .doc(&doc::SUNION)
        .key_specs("RO access")
        .tips("nondeterministic_output_order"),
    CommandSpec::new("sunionstore", -3, WRITE | DENYOOM, (1, -1, 1), "@write @set @slow", sunion)
        .doc(&doc::SUNIONSTORE)
        .key_specs("OW update;RO access"),
    CommandSpec::new("sdiff", -2, READONLY, (1, -1, 1), "@read @set @slow", sunion)
        .doc(&doc::SDIFF)
        .key_specs("RO access")
        .tips("nondeterministic_output_order"),
    CommandSpec::new("sdiffstore", -3, WRITE | DENYOOM, (1, -1, 1), "@write @set @slow", sunion)
        .doc(&doc::SDIFFSTORE)
        .key_specs("OW update;RO access"),
    CommandSpec::new("sscan", -3, READONLY, (1, 1, 1), "@read @set @slow", sscan)
        .doc(&doc::SSCAN)
        .key_specs("RO access")
        .tips("nondeterministic_output"),
];

/// SINTERCARD numkeys key [key ...] [LIMIT limit]
fn sintercard_keys(args: &Args<'_>) -> Vec<KeyRef> {
    numkeys_at(args, 1, 0)
}

/// SPOP's strategy switch (`SPOP_MOVE_STRATEGY_MUL`): past this share of the set, building
/// the remainder anew is cheaper than popping one by one.
const SPOP_MOVE_STRATEGY_MUL: usize = 5;

fn set_of<'a>(v: Option<Val<'a, Object>>) -> Result<Option<&'a Set>, CmdError> {
    match v {
        None => Ok(None),
        Some(Val::Obj(Object::Set(s))) => Ok(Some(s)),
        Some(_) => Err(CmdError::WrongType),
    }
}

/// The set at `key` for reading (hits and misses counted).
fn read<'a>(db: &'a mut DbMut<'_>, key: &[u8], now: i64) -> Result<Option<&'a Set>, CmdError> {
    set_of(db.lookup_read(key, now).map(|e| e.value()))
}

/// The set at `key` without counting a hit or miss (the pre-checks of writes).
fn peek<'a>(db: &'a mut DbMut<'_>, key: &[u8], now: i64) -> Result<Option<&'a Set>, CmdError> {
    set_of(db.lookup(key, now).map(|e| e.value()))
}

/// The set at `key` for a write that knows the key is a live set.
fn write<'a>(db: &'a mut DbMut<'_>, key: &[u8], now: i64) -> Result<&'a mut Set, CmdError> {
    match db.obj_mut(key, now)? {
        Some(Object::Set(s)) => Ok(s),
        _ => Err(CmdError::WrongType),
    }
}

/// Whether `s` holds the member `v` (an intset compares integers directly).
fn has(s: &Set, v: LpVal<'_>) -> bool {
    match (s, v) {
        (Set::Intset(i), LpVal::Int(n)) => i.contains(n),
        (_, LpVal::Str(b)) => s.contains(b),
        (_, LpVal::Int(n)) => s.contains(n.to_string().as_bytes()),
    }
}

/// SADD key member [member ...]
fn sadd(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let max = ctx.store.ks().limits.set_max_intset_entries;
    let mut db = ctx.db();
    // Adding only members already there is no change of the key.
    if peek(&mut db, &args[1], now)?.is_some_and(|s| args.iter().skip(2).all(|m| s.contains(m))) {
        ctx.out.int(0);
        return Ok(());
    }
    let first = args.get(2);
    let Object::Set(s) = db.obj_or_create(&args[1], now, || Object::Set(Set::for_member(first)))? else {
        return Err(CmdError::WrongType);
    };
    let added = args.iter().skip(2).filter(|m| s.add(m, max)).count();
    db.notify(class::SET, "sadd", &args[1]);
    ctx.dirty(added as u64);
    ctx.out.int(added as i64);
    Ok(())
}

/// SREM key member [member ...]
fn srem(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.db();
    if !peek(&mut db, &args[1], now)?.is_some_and(|s| args.iter().skip(2).any(|m| s.contains(m))) {
        ctx.out.int(0);
        return Ok(());
    }
    let s = write(&mut db, &args[1], now)?;
    let mut deleted = 0;
    for m in args.iter().skip(2) {
        deleted += i64::from(s.remove(m));
        if s.is_empty() {
            break;
        }
    }
    db.notify(class::SET, "srem", &args[1]);
    if db.remove_if_empty(&args[1]) {
        db.notify(class::GENERIC, "del", &args[1]);
    }
    ctx.dirty(deleted as u64);
    ctx.out.int(deleted);
    Ok(())
}

/// SCARD key
fn scard(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let n = read(&mut db, &args[1], now)?.map_or(0, |s| s.len());
    ctx.out.int(n as i64);
    Ok(())
}

/// SISMEMBER key member
fn sismember(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let found = read(&mut db, &args[1], now)?.is_some_and(|s| s.contains(&args[2]));
    ctx.out.int(i64::from(found));
    Ok(())
}

/// SMISMEMBER key member [member ...]
fn smismember(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let s = read(&mut db, &args[1], now)?;
    ctx.out.array(args.len() - 2);
    for m in args.iter().skip(2) {
        ctx.out.int(i64::from(s.is_some_and(|s| s.contains(m))));
    }
    Ok(())
}

/// SMOVE source destination member
fn smove(ctx: &mut Ctx, args: Args) -> CmdResult {
    let (src, dst, member) = (&args[1], &args[2], &args[3]);
    let now = ctx.now;
    let max = ctx.store.ks().limits.set_max_intset_entries;
    let mut db = ctx.db();
    // A missing source answers 0 before any type check, as in Redis.
    let in_src = match db.lookup(src, now).map(|e| e.value()) {
        None => {
            ctx.out.int(0);
            return Ok(());
        }
        v => set_of(v)?.is_some_and(|s| s.contains(member)),
    };
    peek(&mut db, dst, now)?;
    if src == dst || !in_src {
        ctx.out.int(i64::from(in_src));
        return Ok(());
    }
    write(&mut db, src, now)?.remove(member);
    db.notify(class::SET, "srem", src);
    if db.remove_if_empty(src) {
        db.notify(class::GENERIC, "del", src);
    }
    let mut dirty = 1;
    let d = match db.obj_or_create(dst, now, || Object::Set(Set::for_member(member)))? {
        Object::Set(d) => d,
        _ => return Err(CmdError::WrongType),
    };
    if d.add(member, max) {
        dirty += 1;
        db.notify(class::SET, "sadd", dst);
    }
    ctx.dirty(dirty);
    ctx.out.int(1);
    Ok(())
}

/// Look up every key of a set operation in order, as Redis does: missing keys are empty
/// sets, the first key of another type answers WRONGTYPE. Returns which keys exist.
fn check_sets(db: &mut DbMut<'_>, keys: &[&[u8]], now: i64) -> Result<Vec<bool>, CmdError> {
    keys.iter().map(|k| read(db, k, now).map(|s| s.is_some())).collect()
}

/// The sets of `keys` that exist (after `check_sets`), None for the missing ones.
fn sets_of<'a>(db: &'a DbMut<'_>, keys: &[&[u8]], live: &[bool]) -> Vec<Option<&'a Set>> {
    keys.iter()
        .zip(live)
        .map(|(k, &l)| {
            if !l {
                return None;
            }
            match db.raw().peek(k).map(|e| e.value()) {
                Some(Val::Obj(Object::Set(s))) => Some(s),
                _ => None,
            }
        })
        .collect()
}

/// The members of the intersection of `sets` (all present), visiting the smallest; stops
/// after `limit` members when it is nonzero.
fn intersect<'a>(sets: &[&'a Set], limit: usize, mut f: impl FnMut(LpVal<'a>)) {
    let mut order: Vec<&Set> = sets.to_vec();
    order.sort_by_key(|s| s.len());
    let Some((first, rest)) = order.split_first() else { return };
    let mut n = 0;
    for v in first.iter() {
        if rest.iter().all(|s| std::ptr::eq(*s, *first) || has(s, v)) {
            f(v);
            n += 1;
            if limit != 0 && n >= limit {
                return;
            }
        }
    }
}

/// Store a computed set at `dst` (a STORE command's end): an empty result deletes `dst`.
fn store_result(ctx: &mut Ctx, dst: &[u8], result: Set, event: &'static str) {
    let now = ctx.now;
    let n = result.len();
    let mut db = ctx.db();
    if n > 0 {
        db.set_value(dst, NewVal::Obj(Box::new(Object::Set(result))), Expire::Clear);
        db.notify(class::SET, event, dst);
        ctx.dirty(1);
    } else if db.delete(dst, now) {
        db.notify(class::GENERIC, "del", dst);
        ctx.dirty(1);
    }
    ctx.out.int(n as i64);
}

/// A result set built the way Redis builds it: an intset that converts as members come.
fn build<'a>(members: impl Iterator<Item = LpVal<'a>>, max: usize) -> Set {
    let mut s = Set::new_intset();
    for m in members {
        s.add(&m.to_vec(), max);
    }
    s
}

/// SINTER key [key ...] (also SMEMBERS key)
fn sinter(ctx: &mut Ctx, args: Args) -> CmdResult {
    let keys: Vec<&[u8]> = args.iter().skip(1).collect();
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let live = check_sets(&mut db, &keys, now)?;
    if live.contains(&false) {
        ctx.out.set(0);
        return Ok(());
    }
    let sets: Vec<&Set> = sets_of(&db, &keys, &live).into_iter().flatten().collect();
    let d = ctx.out.begin_deferred(Aggregate::Set);
    let mut n = 0;
    let out = &mut *ctx.out;
    intersect(&sets, 0, |v| {
        reply_val(out, v);
        n += 1;
    });
    ctx.out.end_deferred(d, n);
    Ok(())
}

/// SINTERCARD numkeys key [key ...] [LIMIT limit]
fn sintercard(ctx: &mut Ctx, args: Args) -> CmdResult {
    let numkeys_msg = || CmdError::err("numkeys should be greater than 0");
    let numkeys = parse_int(&args[1]).map_err(|_| numkeys_msg())?;
    if numkeys < 1 {
        return Err(numkeys_msg());
    }
    if numkeys > args.len() as i64 - 2 {
        return Err(CmdError::err("Number of keys can't be greater than number of args"));
    }
    let end = 2 + numkeys as usize;
    let mut limit = 0usize;
    let mut j = end;
    while j < args.len() {
        if crate::commands::is(&args[j], "limit") && j + 1 < args.len() {
            let bad = || CmdError::err("LIMIT can't be negative");
            let l = parse_int(&args[j + 1]).map_err(|_| bad())?;
            limit = usize::try_from(l).map_err(|_| bad())?;
            j += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let keys: Vec<&[u8]> = args.iter().skip(2).take(numkeys as usize).collect();
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let live = check_sets(&mut db, &keys, now)?;
    let mut n = 0;
    if !live.contains(&false) {
        let sets: Vec<&Set> = sets_of(&db, &keys, &live).into_iter().flatten().collect();
        intersect(&sets, limit, |_| n += 1);
    }
    ctx.out.int(n as i64);
    Ok(())
}

/// SINTERSTORE destination key [key ...]
fn sinterstore(ctx: &mut Ctx, args: Args) -> CmdResult {
    let keys: Vec<&[u8]> = args.iter().skip(2).collect();
    let now = ctx.now;
    let max = ctx.store.ks().limits.set_max_intset_entries;
    let mut db = ctx.store.db(ctx.client.db);
    let live = check_sets(&mut db, &keys, now)?;
    let result = if live.contains(&false) {
        Set::new_intset()
    } else {
        let sets: Vec<&Set> = sets_of(&db, &keys, &live).into_iter().flatten().collect();
        let mut members = Vec::new();
        intersect(&sets, 0, |v| members.push(v.to_vec()));
        build(members.iter().map(|m| LpVal::Str(m)), max)
    };
    store_result(ctx, &args[1], result, "sinterstore");
    Ok(())
}

/// SUNION, SDIFF key [key ...] and SUNIONSTORE, SDIFFSTORE destination key [key ...]
fn sunion(ctx: &mut Ctx, args: Args) -> CmdResult {
    let name = ctx.cmd.spec.name;
    let store = name.ends_with("store");
    let diff = name.starts_with("sdiff");
    let keys: Vec<&[u8]> = args.iter().skip(if store { 2 } else { 1 }).collect();
    let now = ctx.now;
    let max = ctx.store.ks().limits.set_max_intset_entries;
    let mut db = ctx.store.db(ctx.client.db);
    let live = check_sets(&mut db, &keys, now)?;
    let sets = sets_of(&db, &keys, &live);
    let result = if diff {
        match sets.split_first() {
            Some((Some(first), rest)) => {
                let rest: Vec<&Set> = rest.iter().flatten().copied().collect();
                build(first.iter().filter(|v| !rest.iter().any(|s| has(s, *v))), max)
            }
            _ => Set::new_intset(),
        }
    } else {
        build(sets.iter().flatten().flat_map(|s| s.iter()), max)
    };
    if store {
        store_result(ctx, &args[1], result, if diff { "sdiffstore" } else { "sunionstore" });
        return Ok(());
    }
    ctx.out.set(result.len());
    for m in result.iter() {
        reply_val(ctx.out, m);
    }
    Ok(())
}

/// SPOP key [count]
fn spop(ctx: &mut Ctx, args: Args) -> CmdResult {
    if args.len() > 3 {
        return Err(CmdError::Syntax);
    }
    if args.len() == 3 {
        return spop_count(ctx, args);
    }
    let now = ctx.now;
    let key = &args[1];
    let popped = with_rng(ctx, |db, rng, _| -> Result<Option<Vec<u8>>, CmdError> {
        if peek(db, key, now)?.is_none() {
            return Ok(None);
        }
        let m = write(db, key, now)?.pop_random(rng);
        db.notify(class::SET, "spop", key);
        if db.remove_if_empty(key) {
            db.notify(class::GENERIC, "del", key);
        }
        Ok(m)
    })?;
    match popped {
        None => ctx.out.null(),
        Some(m) => {
            ctx.dirty(1);
            ctx.propagate_as(&[b"SREM", key, &m]);
            ctx.out.bulk(&m);
        }
    }
    Ok(())
}

/// What SPOP with a count did, for the reply and the propagation.
enum Popped {
    /// The whole set went: propagated as DEL.
    All(Vec<Vec<u8>>),
    /// Some members went: propagated as one SREM each.
    Some(Vec<Vec<u8>>),
}

/// SPOP key count
fn spop_count(ctx: &mut Ctx, args: Args) -> CmdResult {
    let positive = || CmdError::err("value is out of range, must be positive");
    let count = parse_int(&args[2]).map_err(|_| positive())?;
    let count = usize::try_from(count).map_err(|_| positive())?;
    let now = ctx.now;
    let max = ctx.store.ks().limits.set_max_intset_entries;
    let key = &args[1];
    let popped = with_rng(ctx, |db, rng, _| -> Result<Option<Popped>, CmdError> {
        let Some(size) = peek(db, key, now)?.map(|s| s.len()) else { return Ok(None) };
        if count == 0 {
            return Ok(None);
        }
        db.notify(class::SET, "spop", key);
        if count >= size {
            // Redis answers through SUNION of the one key: the members of a rebuilt copy.
            let all = peek(db, key, now)?
                .map(|s| build(s.iter(), max).iter().map(|m| m.to_vec()).collect())
                .unwrap_or_default();
            db.delete(key, now);
            db.notify(class::GENERIC, "del", key);
            return Ok(Some(Popped::All(all)));
        }
        let s = write(db, key, now)?;
        let remaining = size - count;
        if remaining * SPOP_MOVE_STRATEGY_MUL > count {
            let out = (0..count).filter_map(|_| s.pop_random(rng)).collect();
            return Ok(Some(Popped::Some(out)));
        }
        // Most of the set goes: move the few that stay into a new set (whose encoding is
        // chosen afresh, as Redis's setTypeCreate does) and hand out the old one.
        let mut kept: Option<Set> = None;
        for _ in 0..remaining {
            let Some(m) = s.random(rng).map(|m| m.to_vec()) else { break };
            kept.get_or_insert_with(|| Set::for_member(&m)).add(&m, max);
            s.remove(&m);
        }
        let out = s.iter().map(|m| m.to_vec()).collect();
        if let Some(k) = kept {
            db.set_value(key, NewVal::Obj(Box::new(Object::Set(k))), Expire::Keep);
        }
        Ok(Some(Popped::Some(out)))
    })?;
    let members = match popped {
        None => {
            ctx.out.set(0);
            return Ok(());
        }
        Some(Popped::All(m)) => {
            ctx.propagate_as(&[b"DEL", key]);
            m
        }
        Some(Popped::Some(m)) => {
            for x in &m {
                ctx.propagate_as(&[b"SREM", key, x]);
            }
            m
        }
    };
    ctx.dirty(count as u64);
    ctx.out.set(members.len());
    for m in &members {
        ctx.out.bulk(m);
    }
    Ok(())
}

/// SRANDMEMBER key [count]
fn srandmember(ctx: &mut Ctx, args: Args) -> CmdResult {
    if args.len() > 3 {
        return Err(CmdError::Syntax);
    }
    let now = ctx.now;
    let key = &args[1];
    if args.len() == 2 {
        return with_rng(ctx, |db, rng, out| {
            match read(db, key, now)?.and_then(|s| s.random(rng)) {
                Some(m) => reply_val(out, m),
                None => out.null(),
            }
            Ok(())
        });
    }
    let l = range_long(&args[2], -i64::MAX, i64::MAX)?;
    with_rng(ctx, |db, rng, out| {
        let Some(s) = read(db, key, now)? else {
            out.array(0);
            return Ok(());
        };
        let count = l.unsigned_abs() as usize;
        if count == 0 {
            out.array(0);
        } else if l < 0 || count == 1 {
            out.array(count);
            s.random_with_repeats(count, rng, |m| reply_val(out, m));
        } else {
            let picked = s.random_distinct(count, rng);
            out.array(picked.len());
            for m in &picked {
                out.bulk(m);
            }
        }
        Ok(())
    })
}

/// SSCAN key cursor [MATCH pattern] [COUNT count]
fn sscan(ctx: &mut Ctx, args: Args) -> CmdResult {
    let cursor = parse_cursor(&args[2])?;
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let Some(s) = read(&mut db, &args[1], now)? else {
        scan_reply(ctx.out, 0, &[]);
        return Ok(());
    };
    let o = scan_opts(&args, 3)?;
    let mut items = Vec::new();
    let mut seen = 0;
    let mut cursor = cursor;
    let mut budget = o.count.saturating_mul(10);
    loop {
        cursor = s.scan(cursor, |m| {
            seen += 1;
            let m = m.to_vec();
            if o.pattern.is_none_or(|p| glob_match(p, &m, false)) {
                items.push(m);
            }
        });
        if cursor == 0 || budget == 0 || seen >= o.count {
            break;
        }
        budget -= 1;
    }
    scan_reply(ctx.out, cursor, &items);
    Ok(())
}
