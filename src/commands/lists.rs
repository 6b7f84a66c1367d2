//! List commands: pushes and pops at both ends, indexes and ranges, LINSERT/LREM/LTRIM/LPOS,
//! moving between lists, and the blocking pops (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP), which
//! park on their keys through `Ctx::block_on` and propagate as their non-blocking forms.

use crate::command::row::{KeyRef, numkeys_at};
use crate::command::{CommandSpec, Ctx, flags::*};
use crate::database::listpack::LpVal;
use crate::database::quicklist::Quicklist;
use crate::database::{DbMut, EntryRef, Object, Val, class};
use crate::error::{CmdError, CmdResult};
use crate::resp::{Args, Reply};
use crate::util::{is, parse_int};

use super::docs::lists as doc;

const W: &str = "@write @list @fast";
const WS: &str = "@write @list @slow";
const R: &str = "@read @list @fast";
const RS: &str = "@read @list @slow";
const B: &str = "@write @list @slow @blocking";
const POP_SPEC: &str = "RW access delete";
const MOVE_SPECS: &str = "RW access delete;RW insert";

pub const SPECS: &[CommandSpec] = &[
    CommandSpec::new("lpush", -3, WRITE | DENYOOM | FAST, (1, 1, 1), W, push).doc(&doc::LPUSH).key_specs("RW insert"),
    CommandSpec::new("rpush", -3, WRITE | DENYOOM | FAST, (1, 1, 1), W, push).doc(&doc::RPUSH).key_specs("RW insert"),
    CommandSpec::new("lpushx", -3, WRITE | DENYOOM | FAST, (1, 1, 1), W, push).doc(&doc::LPUSHX).key_specs("RW insert"),
    CommandSpec::new("rpushx", -3, WRITE | DENYOOM | FAST, (1, 1, 1), W, push).doc(&doc::RPUSHX).key_specs("RW insert"),
    CommandSpec::new("lpop", -2, WRITE | FAST, (1, 1, 1), W, pop).doc(&doc::LPOP).key_specs(POP_SPEC),
    CommandSpec::new("rpop", -2, WRITE | FAST, (1, 1, 1), W, pop).doc(&doc::RPOP).key_specs(POP_SPEC),
    CommandSpec::new("llen", 2, READONLY | FAST, (1, 1, 1), R, llen).doc(&doc::LLEN).key_specs("RO"),
    CommandSpec::new("lrange", 4, READONLY, (1, 1, 1), RS, lrange).doc(&doc::LRANGE).key_specs("RO access"),
    CommandSpec::new("lindex", 3, READONLY, (1, 1, 1), RS, lindex).doc(&doc::LINDEX).key_specs("RO access"),
    CommandSpec::new("lset", 4, WRITE | DENYOOM, (1, 1, 1), WS, lset).doc(&doc::LSET).key_specs("RW update"),
    CommandSpec::new("linsert", 5, WRITE | DENYOOM, (1, 1, 1), WS, linsert).doc(&doc::LINSERT).key_specs("RW insert"),
    CommandSpec::new("lrem", 4, WRITE, (1, 1, 1), WS, lrem).doc(&doc::LREM).key_specs("RW delete"),
    CommandSpec::new("ltrim", 4, WRITE, (1, 1, 1), WS, ltrim).doc(&doc::LTRIM).key_specs("RW delete"),
    CommandSpec::new("lpos", -3, READONLY, (1, 1, 1), RS, lpos).doc(&doc::LPOS).key_specs("RO access"),
    CommandSpec::new("lmove", 5, WRITE | DENYOOM, (1, 2, 1), WS, lmove).doc(&doc::LMOVE).key_specs(MOVE_SPECS),
    CommandSpec::new("rpoplpush", 3, WRITE | DENYOOM, (1, 2, 1), WS, lmove).doc(&doc::RPOPLPUSH).key_specs(MOVE_SPECS),
    CommandSpec::new("lmpop", -4, WRITE | MOVABLE_KEYS, (0, 0, 0), WS, lmpop)
        .doc(&doc::LMPOP)
        .key_specs(POP_SPEC)
        .keys_fn(lmpop_keys),
    CommandSpec::new("blpop", -3, WRITE | NOSCRIPT | BLOCKING, (1, -2, 1), B, bpop)
        .doc(&doc::BLPOP)
        .key_specs(POP_SPEC),
    CommandSpec::new("brpop", -3, WRITE | NOSCRIPT | BLOCKING, (1, -2, 1), B, bpop)
        .doc(&doc::BRPOP)
        .key_specs(POP_SPEC),
    CommandSpec::new("blmove", 6, WRITE | DENYOOM | NOSCRIPT | BLOCKING, (1, 2, 1), B, lmove)
        .doc(&doc::BLMOVE)
        .key_specs(MOVE_SPECS),
    CommandSpec::new("brpoplpush", 4, WRITE | DENYOOM | NOSCRIPT | BLOCKING, (1, 2, 1), B, lmove)
        .doc(&doc::BRPOPLPUSH)
        .key_specs(MOVE_SPECS),
    CommandSpec::new("blmpop", -5, WRITE | BLOCKING | MOVABLE_KEYS, (0, 0, 0), B, lmpop)
        .doc(&doc::BLMPOP)
        .key_specs(POP_SPEC)
        .keys_fn(blmpop_keys),
];

fn lmpop_keys(a: &Args<'_>) -> Vec<KeyRef> {
    numkeys_at(a, 1, 0)
}

fn blmpop_keys(a: &Args<'_>) -> Vec<KeyRef> {
    numkeys_at(a, 2, 0)
}

fn reply_elem(out: &mut Reply, v: LpVal<'_>) {
    match v {
        LpVal::Str(s) => out.bulk(s),
        LpVal::Int(i) => out.bulk_int(i),
    }
}

/// The list in a looked-up entry: None when absent, WRONGTYPE for another type.
fn as_list<'a>(e: Option<EntryRef<'a, Object>>) -> Result<Option<&'a Quicklist>, CmdError> {
    match e.map(|e| e.value()) {
        None => Ok(None),
        Some(Val::Obj(Object::List(l))) => Ok(Some(l)),
        Some(_) => Err(CmdError::WrongType),
    }
}

/// The list at `key` for a write: None when absent, WRONGTYPE for another type.
fn list_mut<'a>(db: &'a mut DbMut<'_>, key: &[u8], now: i64) -> Result<Option<&'a mut Quicklist>, CmdError> {
    match db.obj_mut(key, now)? {
        None => Ok(None),
        Some(Object::List(l)) => Ok(Some(l)),
        Some(_) => Err(CmdError::WrongType),
    }
}

/// A list end argument: LEFT is the head.
fn parse_end(arg: &[u8]) -> Result<bool, CmdError> {
    if is(arg, "left") {
        Ok(true)
    } else if is(arg, "right") {
        Ok(false)
    } else {
        Err(CmdError::Syntax)
    }
}

/// A removal emptied the list: the key goes, as in Redis.
fn drop_if_empty(db: &mut DbMut<'_>, key: &[u8]) {
    if db.remove_if_empty(key) {
        db.notify(class::GENERIC, "del", key);
    }
}

/// Push `elements` at one end of the list at `key`, creating it; returns the new length.
fn push_elements<'e>(
    db: &mut DbMut<'_>,
    key: &[u8],
    head: bool,
    elements: impl Iterator<Item = &'e [u8]>,
    lim: crate::database::quicklist::ListLimits,
    now: i64,
) -> Result<usize, CmdError> {
    let obj = db.obj_or_create(key, now, || Object::List(Box::new(Quicklist::new(lim))))?;
    let Object::List(l) = obj else { return Err(CmdError::WrongType) };
    for e in elements {
        l.push(head, e);
    }
    let len = l.len();
    db.signal_ready(key);
    db.notify(class::LIST, if head { "lpush" } else { "rpush" }, key);
    Ok(len)
}

/// LPUSH/RPUSH key element [element ...]; LPUSHX/RPUSHX only when the list exists.
fn push(ctx: &mut Ctx, args: Args) -> CmdResult {
    let name = ctx.cmd.spec.name;
    let head = name.starts_with('l');
    let only_existing = name.ends_with('x');
    let (key, now) = (&args[1], ctx.now);
    let lim = ctx.store.ks().limits.list;
    let mut db = ctx.db();
    if only_existing && list_mut(&mut db, key, now)?.is_none() {
        ctx.out.int(0);
        return Ok(());
    }
    let len = push_elements(&mut db, key, head, args.iter().skip(2), lim, now)?;
    ctx.dirty((args.len() - 2) as u64);
    ctx.out.int(len as i64);
    Ok(())
}

/// The optional COUNT of LPOP/RPOP: None without one.
fn pop_count(args: &Args) -> Result<Option<usize>, CmdError> {
    if args.len() < 3 {
        return Ok(None);
    }
    let n = parse_int(&args[2]).map_err(|_| CmdError::err("value is out of range, must be positive"))?;
    usize::try_from(n).map(Some).map_err(|_| CmdError::err("value is out of range, must be positive"))
}

/// Pop up to `count` elements from one end of the list at `key` (which must exist).
fn pop_elements(db: &mut DbMut<'_>, key: &[u8], head: bool, count: usize, now: i64) -> Result<Vec<Vec<u8>>, CmdError> {
    let Some(l) = list_mut(db, key, now)? else { return Ok(Vec::new()) };
    let mut out = Vec::with_capacity(count.min(l.len()));
    while out.len() < count {
        match l.pop(head) {
            Some(v) => out.push(v),
            None => break,
        }
    }
    if !out.is_empty() {
        db.notify(class::LIST, if head { "lpop" } else { "rpop" }, key);
    }
    drop_if_empty(db, key);
    Ok(out)
}

/// LPOP/RPOP key [count]
fn pop(ctx: &mut Ctx, args: Args) -> CmdResult {
    let head = ctx.cmd.spec.name == "lpop";
    if args.len() > 3 {
        return Err(CmdError::WrongArity(ctx.cmd.fullname.clone()));
    }
    let count = pop_count(&args)?;
    let (key, now) = (&args[1], ctx.now);
    let mut db = ctx.db();
    let len = as_list(db.lookup_read(key, now))?.map(|l| l.len());
    let Some(len) = len else {
        if count.is_some() {
            ctx.out.null_array()
        } else {
            ctx.out.null()
        }
        return Ok(());
    };
    match count {
        None => {
            let v = pop_elements(&mut db, key, head, 1, now)?;
            ctx.out.bulk(v.first().map_or(&b""[..], |v| v.as_slice()));
        }
        Some(0) => ctx.out.array(0),
        Some(n) => {
            let v = pop_elements(&mut db, key, head, n.min(len), now)?;
            ctx.out.array(v.len());
            for e in &v {
                ctx.out.bulk(e);
            }
        }
    }
    ctx.dirty(1);
    Ok(())
}

/// LLEN key
fn llen(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.db();
    let n = as_list(db.lookup_read(&args[1], now))?.map_or(0, |l| l.len());
    ctx.out.int(n as i64);
    Ok(())
}

/// Redis's LRANGE/LTRIM index arithmetic: negative from the end, clamped; an empty range when
/// start > end or start is past the end.
fn clamp_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let start = if start < 0 { (len + start).max(0) } else { start };
    let end = if end < 0 { len + end } else { end };
    if start > end || start >= len {
        return None;
    }
    Some((start as usize, end.min(len - 1) as usize))
}

/// LRANGE key start stop
fn lrange(ctx: &mut Ctx, args: Args) -> CmdResult {
    let (start, end) = (parse_int(&args[2])?, parse_int(&args[3])?);
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let Some(l) = as_list(db.lookup_read(&args[1], now))? else {
        ctx.out.array(0);
        return Ok(());
    };
    let Some((s, e)) = clamp_range(start, end, l.len()) else {
        ctx.out.array(0);
        return Ok(());
    };
    ctx.out.array(e - s + 1);
    let out = &mut *ctx.out;
    l.range(s, e + 1, false, |v| {
        reply_elem(out, v);
        true
    });
    Ok(())
}

/// LINDEX key index
fn lindex(ctx: &mut Ctx, args: Args) -> CmdResult {
    let i = parse_int(&args[2])?;
    let now = ctx.now;
    let mut db = ctx.db();
    let v = as_list(db.lookup_read(&args[1], now))?.and_then(|l| isize::try_from(i).ok().and_then(|i| l.index(i)));
    match v {
        Some(v) => ctx.out.bulk(&v),
        None => ctx.out.null(),
    }
    Ok(())
}

/// LSET key index element
fn lset(ctx: &mut Ctx, args: Args) -> CmdResult {
    let i = parse_int(&args[2])?;
    let (key, now) = (&args[1], ctx.now);
    let mut db = ctx.db();
    let Some(l) = list_mut(&mut db, key, now)? else { return Err(CmdError::NoSuchKey) };
    if !isize::try_from(i).is_ok_and(|i| l.set(i, &args[3])) {
        return Err(CmdError::err("index out of range"));
    }
    db.notify(class::LIST, "lset", key);
    ctx.dirty(1);
    ctx.out.ok();
    Ok(())
}

/// LINSERT key BEFORE|AFTER pivot element
fn linsert(ctx: &mut Ctx, args: Args) -> CmdResult {
    let after = if is(&args[2], "after") {
        true
    } else if is(&args[2], "before") {
        false
    } else {
        return Err(CmdError::Syntax);
    };
    let (key, now) = (&args[1], ctx.now);
    let mut db = ctx.db();
    let Some(l) = list_mut(&mut db, key, now)? else {
        ctx.out.int(0);
        return Ok(());
    };
    if !l.insert_pivot(&args[3], &args[4], after) {
        ctx.out.int(-1);
        return Ok(());
    }
    let len = l.len();
    db.notify(class::LIST, "linsert", key);
    ctx.dirty(1);
    ctx.out.int(len as i64);
    Ok(())
}

/// LREM key count element
fn lrem(ctx: &mut Ctx, args: Args) -> CmdResult {
    let count = parse_int(&args[2])?;
    let (key, now) = (&args[1], ctx.now);
    let mut db = ctx.db();
    let Some(l) = list_mut(&mut db, key, now)? else {
        ctx.out.int(0);
        return Ok(());
    };
    let count = isize::try_from(count).unwrap_or(if count < 0 { isize::MIN } else { isize::MAX });
    let removed = l.remove_value(&args[3], count);
    if removed > 0 {
        db.notify(class::LIST, "lrem", key);
        drop_if_empty(&mut db, key);
        ctx.dirty(removed as u64);
    }
    ctx.out.int(removed as i64);
    Ok(())
}

/// LTRIM key start stop
fn ltrim(ctx: &mut Ctx, args: Args) -> CmdResult {
    let (start, end) = (parse_int(&args[2])?, parse_int(&args[3])?);
    let (key, now) = (&args[1], ctx.now);
    let mut db = ctx.db();
    if let Some(l) = list_mut(&mut db, key, now)? {
        let before = l.len();
        match clamp_range(start, end, before) {
            Some((s, e)) => l.trim(s, e + 1),
            None => l.trim(0, 0),
        }
        let removed = before - l.len();
        db.notify(class::LIST, "ltrim", key);
        drop_if_empty(&mut db, key);
        ctx.dirty(removed as u64);
    }
    ctx.out.ok();
    Ok(())
}

/// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
fn lpos(ctx: &mut Ctx, args: Args) -> CmdResult {
    let (mut rank, mut count, mut maxlen) = (1i64, None::<i64>, 0i64);
    let mut j = 3;
    while j < args.len() {
        if j + 1 >= args.len() {
            return Err(CmdError::Syntax);
        }
        let v = parse_int(&args[j + 1])?;
        if is(&args[j], "rank") {
            if v == 0 {
                return Err(CmdError::err(
                    "RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
                ));
            }
            if v == i64::MIN {
                return Err(CmdError::err(
                    "value is out of range, value must between -9223372036854775807 and 9223372036854775807",
                ));
            }
            rank = v;
        } else if is(&args[j], "count") {
            if v < 0 {
                return Err(CmdError::err("COUNT can't be negative"));
            }
            count = Some(v);
        } else if is(&args[j], "maxlen") {
            if v < 0 {
                return Err(CmdError::err("MAXLEN can't be negative"));
            }
            maxlen = v;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 2;
    }
    let now = ctx.now;
    let mut db = ctx.db();
    let list = as_list(db.lookup_read(&args[1], now))?;
    let want = count.map_or(1, |c| usize::try_from(c).unwrap_or(usize::MAX));
    let found = list.map_or_else(Vec::new, |l| l.positions(&args[2], rank, want, maxlen as usize));
    match count {
        None => match found.first() {
            Some(&p) => ctx.out.int(p as i64),
            None => ctx.out.null(),
        },
        Some(_) => {
            ctx.out.array(found.len());
            for p in found {
                ctx.out.int(p as i64);
            }
        }
    }
    Ok(())
}

/// The timeout reply of every blocking list pop: a null array (`*-1`, `_` in RESP3).
fn timeout_reply(out: &mut Reply) {
    out.null_array();
}

/// BLPOP/BRPOP key [key ...] timeout: pop from the first non-empty list, or wait.
fn bpop(ctx: &mut Ctx, args: Args) -> CmdResult {
    let head = ctx.cmd.spec.name == "blpop";
    let deadline = crate::util::args::parse_block_timeout(&args[args.len() - 1], ctx.now)?;
    let keys = args.slice(1);
    let keys = (0..keys.len() - 1).map(|i| keys.get(i));
    let now = ctx.now;
    let mut db = ctx.db();
    for key in keys.clone() {
        if as_list(db.lookup_read(key, now))?.is_none() {
            continue;
        }
        let v = pop_elements(&mut db, key, head, 1, now)?;
        let Some(v) = v.first() else { continue };
        ctx.out.array(2);
        ctx.out.bulk(key);
        ctx.out.bulk(v);
        ctx.propagate_as(&[if head { b"LPOP" } else { b"RPOP" }, key]);
        ctx.dirty(1);
        return Ok(());
    }
    ctx.block_on(keys.map(|k| k.to_vec()).collect(), deadline, timeout_reply);
    Ok(())
}

/// LMOVE source destination LEFT|RIGHT LEFT|RIGHT, RPOPLPUSH source destination, and their
/// blocking forms BLMOVE (… timeout) and BRPOPLPUSH (… timeout).
fn lmove(ctx: &mut Ctx, args: Args) -> CmdResult {
    let name = ctx.cmd.spec.name;
    let blocking = name.starts_with('b');
    let (from_head, to_head) =
        if name.ends_with("rpoplpush") { (false, true) } else { (parse_end(&args[3])?, parse_end(&args[4])?) };
    let deadline =
        if blocking { crate::util::args::parse_block_timeout(&args[args.len() - 1], ctx.now)? } else { None };
    let (src, dst, now) = (&args[1], &args[2], ctx.now);
    let lim = ctx.store.ks().limits.list;
    let mut db = ctx.db();
    if as_list(db.lookup_read(src, now))?.is_none() {
        if blocking {
            ctx.block_on(vec![src.to_vec()], deadline, timeout_reply);
        } else {
            ctx.out.null();
        }
        return Ok(());
    }
    // The destination's type is checked before anything moves.
    as_list(db.lookup(dst, now))?;
    let v = pop_elements(&mut db, src, from_head, 1, now)?;
    let Some(v) = v.first() else {
        ctx.out.null();
        return Ok(());
    };
    push_elements(&mut db, dst, to_head, std::iter::once(v.as_slice()), lim, now)?;
    ctx.out.bulk(v);
    // Served or not, the blocking forms reach replicas as their plain forms, arguments as sent.
    if name == "brpoplpush" {
        ctx.propagate_as(&[b"RPOPLPUSH", src, dst]);
    } else if blocking {
        ctx.propagate_as(&[b"LMOVE", src, dst, &args[3], &args[4]]);
    }
    ctx.dirty(1);
    Ok(())
}

/// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] and BLMPOP timeout numkeys …
fn lmpop(ctx: &mut Ctx, args: Args) -> CmdResult {
    let blocking = ctx.cmd.spec.name == "blmpop";
    let at = if blocking { 2 } else { 1 };
    let deadline = if blocking { crate::util::args::parse_block_timeout(&args[1], ctx.now)? } else { None };
    let numkeys = parse_int(&args[at])
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| CmdError::err("numkeys should be greater than 0"))?;
    let first = at + 1;
    let numkeys = usize::try_from(numkeys).unwrap_or(usize::MAX);
    if numkeys >= args.len() - first {
        return Err(CmdError::Syntax);
    }
    let head = parse_end(&args[first + numkeys])?;
    let mut count = 1usize;
    match args.len() - (first + numkeys + 1) {
        0 => {}
        2 if is(&args[first + numkeys + 1], "count") => {
            count = parse_int(&args[first + numkeys + 2])
                .ok()
                .filter(|&n| n > 0)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| CmdError::err("count should be greater than 0"))?;
        }
        _ => return Err(CmdError::Syntax),
    }
    let keys = (first..first + numkeys).map(|i| args.get(i));
    let now = ctx.now;
    let mut db = ctx.db();
    for key in keys.clone() {
        let Some(len) = as_list(db.lookup_read(key, now))?.map(|l| l.len()) else { continue };
        let v = pop_elements(&mut db, key, head, count.min(len), now)?;
        ctx.out.array(2);
        ctx.out.bulk(key);
        ctx.out.array(v.len());
        for e in &v {
            ctx.out.bulk(e);
        }
        let n = v.len().to_string();
        ctx.propagate_as(&[if head { b"LPOP" } else { b"RPOP" }, key, n.as_bytes()]);
        ctx.dirty(1);
        return Ok(());
    }
    if blocking {
        ctx.block_on(keys.map(|k| k.to_vec()).collect(), deadline, timeout_reply);
    } else {
        ctx.out.null_array();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_clamp_as_redis_does() {
        assert_eq!(clamp_range(0, -1, 3), Some((0, 2)));
        assert_eq!(clamp_range(-100, 100, 3), Some((0, 2)));
        assert_eq!(clamp_range(2, 1, 3), None);
        assert_eq!(clamp_range(3, 5, 3), None);
        assert_eq!(clamp_range(-1, -1, 3), Some((2, 2)));
        assert_eq!(clamp_range(0, -4, 3), None);
        assert_eq!(clamp_range(0, 0, 0), None);
    }
}
