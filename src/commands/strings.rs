//! String commands: SET and its variants, GET and its variants, counters, ranges and LCS.

use super::docs::strings as doc;
use crate::command::{CommandSpec, Ctx, KeyRef, flags::*};
use crate::commands::{is, parse_int};
use crate::database::{Expire, StrRef, Val};
use crate::error::{CmdError, CmdResult};
use crate::resp::{Args, Reply};
use crate::util::longdouble;

pub const SPECS: &[CommandSpec] = &[
    CommandSpec::new("get", 2, READONLY | FAST, (1, 1, 1), "@read @string @fast", get).doc(&doc::GET),
    CommandSpec::new("set", -3, WRITE | DENYOOM, (1, 1, 1), "@write @string @slow", set)
        .doc(&doc::SET)
        .key_specs("RW access update variable_flags")
        .key_note("Read as well as written when GET is given")
        .keys_fn(set_keys),
    CommandSpec::new("setnx", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @string @fast", setnx)
        .doc(&doc::SETNX)
        .key_specs("OW insert"),
    CommandSpec::new("setex", 4, WRITE | DENYOOM, (1, 1, 1), "@write @string @slow", setex)
        .doc(&doc::SETEX)
        .key_specs("OW update"),
    CommandSpec::new("psetex", 4, WRITE | DENYOOM, (1, 1, 1), "@write @string @slow", setex)
        .doc(&doc::PSETEX)
        .key_specs("OW update"),
    CommandSpec::new("getex", -2, WRITE | FAST, (1, 1, 1), "@write @string @fast", getex)
        .doc(&doc::GETEX)
        .key_specs("RW access update")
        .key_note("Read and updated: the command may change the time to live"),
    CommandSpec::new("getdel", 2, WRITE | FAST, (1, 1, 1), "@write @string @fast", getdel)
        .doc(&doc::GETDEL)
        .key_specs("RW access delete"),
    CommandSpec::new("getset", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @string @fast", getset)
        .doc(&doc::GETSET)
        .key_specs("RW access update"),
    CommandSpec::new("mset", -3, WRITE | DENYOOM, (1, -1, 2), "@write @string @slow", mset)
        .doc(&doc::MSET)
        .key_specs("OW update")
        .tips("request_policy:multi_shard response_policy:all_succeeded"),
    CommandSpec::new("msetnx", -3, WRITE | DENYOOM, (1, -1, 2), "@write @string @slow", mset)
        .doc(&doc::MSETNX)
        .key_specs("OW insert")
        .tips("request_policy:multi_shard response_policy:agg_min"),
    CommandSpec::new("mget", -2, READONLY | FAST, (1, -1, 1), "@read @string @fast", mget)
        .doc(&doc::MGET)
        .tips("request_policy:multi_shard"),
    CommandSpec::new("append", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @string @fast", append)
        .doc(&doc::APPEND)
        .key_specs("RW insert"),
    CommandSpec::new("strlen", 2, READONLY | FAST, (1, 1, 1), "@read @string @fast", strlen)
        .doc(&doc::STRLEN)
        .key_specs("RO"),
    CommandSpec::new("incr", 2, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @string @fast", incr)
        .doc(&doc::INCR)
        .key_specs("RW access update"),
    CommandSpec::new("decr", 2, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @string @fast", incr)
        .doc(&doc::DECR)
        .key_specs("RW access update"),
    CommandSpec::new("incrby", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @string @fast", incr)
        .doc(&doc::INCRBY)
        .key_specs("RW access update"),
    CommandSpec::new("decrby", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @string @fast", incr)
        .doc(&doc::DECRBY)
        .key_specs("RW access update"),
    CommandSpec::new("incrbyfloat", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @string @fast", incrbyfloat)
        .doc(&doc::INCRBYFLOAT)
        .key_specs("RW access update"),
    CommandSpec::new("getrange", 4, READONLY, (1, 1, 1), "@read @string @slow", getrange).doc(&doc::GETRANGE),
    CommandSpec::new("substr", 4, READONLY, (1, 1, 1), "@read @string @slow", getrange).doc(&doc::SUBSTR),
    CommandSpec::new("setrange", 4, WRITE | DENYOOM, (1, 1, 1), "@write @string @slow", setrange)
        .doc(&doc::SETRANGE)
        .key_specs("RW update"),
    CommandSpec::new("lcs", -3, READONLY, (1, 2, 1), "@read @string @slow", lcs).doc(&doc::LCS),
];

fn reply_str(out: &mut Reply, v: StrRef<'_>) {
    match v {
        StrRef::Bytes(b) => out.bulk(b),
        StrRef::Int(i) => out.bulk_int(i),
    }
}

/// The limit on a string's size (proto-max-bulk-len), read before the store is locked.
fn max_len(ctx: &Ctx) -> u64 {
    crate::server::read(&ctx.server.config).proto_max_bulk_len
}

/// Redis's `checkStringLength`: a string may not grow beyond proto-max-bulk-len.
fn check_len(size: u64, append: u64, max: u64) -> CmdResult {
    match size.checked_add(append) {
        Some(total) if total <= max => Ok(()),
        _ => Err(CmdError::err("string exceeds maximum allowed size (proto-max-bulk-len)")),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// EX: seconds from now.
    Ex,
    /// PX: milliseconds from now.
    Px,
    /// EXAT: absolute Unix seconds.
    ExAt,
    /// PXAT: absolute Unix milliseconds.
    PxAt,
}

/// The options SET and GETEX share (`parseExtendedStringArgumentsOrReply`).
#[derive(Default)]
struct ExtOpts<'a> {
    nx: bool,
    xx: bool,
    get: bool,
    keepttl: bool,
    persist: bool,
    expire: Option<(Unit, &'a [u8])>,
}

/// Parse SET's (`for_set`) or GETEX's options from `args[from..]`. Each option is refused when
/// it conflicts with one seen before; repeating the same option is allowed, as in Redis.
fn parse_ext<'a>(args: &Args<'a>, from: usize, for_set: bool) -> Result<ExtOpts<'a>, CmdError> {
    let mut o = ExtOpts::default();
    let mut j = from;
    while j < args.len() {
        let opt = args.get(j);
        let next = if j + 1 < args.len() { Some(args.get(j + 1)) } else { None };
        let unit = o.expire.map(|(u, _)| u);
        let other_unit = |u: Unit| unit.is_some_and(|x| x != u);
        if for_set && is(opt, "nx") && !o.xx {
            o.nx = true;
        } else if for_set && is(opt, "xx") && !o.nx {
            o.xx = true;
        } else if for_set && is(opt, "get") {
            o.get = true;
        } else if for_set && is(opt, "keepttl") && unit.is_none() {
            o.keepttl = true;
        } else if !for_set && is(opt, "persist") && unit.is_none() {
            o.persist = true;
        } else if let (Some(u), Some(n)) = (expire_unit(opt), next)
            && !o.keepttl
            && !o.persist
            && !other_unit(u)
        {
            o.expire = Some((u, n));
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    Ok(o)
}

fn expire_unit(opt: &[u8]) -> Option<Unit> {
    [("ex", Unit::Ex), ("px", Unit::Px), ("exat", Unit::ExAt), ("pxat", Unit::PxAt)]
        .into_iter()
        .find(|(n, _)| is(opt, n))
        .map(|(_, u)| u)
}

/// Redis's `getExpireMillisecondsOrReply`: the absolute expire time in milliseconds.
fn expire_at(unit: Unit, arg: &[u8], now: i64, cmd: &'static str) -> Result<i64, CmdError> {
    let v = parse_int(arg)?;
    let seconds = matches!(unit, Unit::Ex | Unit::ExAt);
    if v <= 0 || (seconds && v > i64::MAX / 1000) {
        return Err(CmdError::InvalidExpire(cmd));
    }
    let ms = if seconds { v * 1000 } else { v };
    let ms = if matches!(unit, Unit::Ex | Unit::Px) { ms.checked_add(now) } else { Some(ms) };
    match ms {
        Some(ms) if ms > 0 => Ok(ms),
        _ => Err(CmdError::InvalidExpire(cmd)),
    }
}

/// SET's keys: the key is read as well as written with GET (Redis's `setGetKeys`).
fn set_keys(args: &Args<'_>) -> Vec<KeyRef> {
    let get = args.iter().skip(3).any(|a| is(a, "get"));
    vec![KeyRef { pos: 1, spec: 0, flags: Some(if get { "RW access update" } else { "OW update" }) }]
}

/// GET key
fn get(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    match ctx.store.db(ctx.client.db).get_str(&args[1], now)? {
        None => ctx.out.null(),
        Some(v) => reply_str(ctx.out, v),
    }
    Ok(())
}

/// SET key value [NX|XX] [GET] [EX seconds|PX ms|EXAT unix-s|PXAT unix-ms|KEEPTTL]
fn set(ctx: &mut Ctx, args: Args) -> CmdResult {
    let o = parse_ext(&args, 3, true)?;
    let now = ctx.now;
    let at = o.expire.map(|(u, a)| expire_at(u, a, now, "set")).transpose()?;
    let expire = match at {
        Some(ms) => Expire::At(ms),
        None if o.keepttl => Expire::Keep,
        None => Expire::Clear,
    };
    let key = &args[1];
    let mut db = ctx.store.db(ctx.client.db);
    if o.get {
        match db.get_str(key, now)? {
            None => ctx.out.null(),
            Some(v) => reply_str(ctx.out, v),
        }
    }
    let found = db.exists(key, now);
    if (o.nx && found) || (o.xx && !found) {
        if !o.get {
            ctx.out.null();
        }
        return Ok(());
    }
    if at.is_some_and(|ms| ms <= now) {
        // An absolute time already past: the key would only exist expired, so it goes now.
        db.delete(key, now);
    } else {
        db.set_str(key, &args[2], expire);
    }
    ctx.dirty(1);
    // Replicas get absolute times, and no GET (whose reply only the caller needs).
    if let Some(ms) = at {
        if ms <= now {
            ctx.propagate_as(&[b"DEL", key]);
        } else {
            ctx.propagate_as(&[b"SET", key, &args[2], b"PXAT", ms.to_string().as_bytes()]);
        }
    } else if o.get {
        let kept: Vec<&[u8]> =
            args.iter().enumerate().filter(|(j, a)| *j < 3 || !is(a, "get")).map(|(_, a)| a).collect();
        ctx.propagate_as(&kept);
    }
    if !o.get {
        ctx.out.ok();
    }
    Ok(())
}

/// SETNX key value
fn setnx(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    if db.exists(&args[1], now) {
        ctx.out.int(0);
        return Ok(());
    }
    db.set_str(&args[1], &args[2], Expire::Clear);
    ctx.dirty(1);
    ctx.out.int(1);
    Ok(())
}

/// SETEX key seconds value / PSETEX key milliseconds value
fn setex(ctx: &mut Ctx, args: Args) -> CmdResult {
    let (unit, name) = if ctx.cmd.spec.name == "psetex" { (Unit::Px, "psetex") } else { (Unit::Ex, "setex") };
    let at = expire_at(unit, &args[2], ctx.now, name)?;
    ctx.store.db(ctx.client.db).set_str(&args[1], &args[3], Expire::At(at));
    ctx.dirty(1);
    ctx.propagate_as(&[b"SET", &args[1], &args[3], b"PXAT", at.to_string().as_bytes()]);
    ctx.out.ok();
    Ok(())
}

/// GETEX key [EX seconds|PX ms|EXAT unix-s|PXAT unix-ms|PERSIST]
fn getex(ctx: &mut Ctx, args: Args) -> CmdResult {
    let o = parse_ext(&args, 2, false)?;
    let now = ctx.now;
    let key = &args[1];
    let mut db = ctx.store.db(ctx.client.db);
    let Some(v) = db.get_str(key, now)? else {
        ctx.out.null();
        return Ok(());
    };
    // The expire time is validated only once the key is known to exist, as Redis does.
    let at = o.expire.map(|(u, a)| expire_at(u, a, now, "getex")).transpose()?;
    reply_str(ctx.out, v);
    let absolute = matches!(o.expire, Some((Unit::ExAt | Unit::PxAt, _)));
    match at {
        Some(ms) if absolute && ms <= now => {
            db.delete(key, now);
            ctx.propagate_as(&[b"DEL", key]);
        }
        Some(ms) => {
            db.set_expire(key, Some(ms));
            ctx.propagate_as(&[b"PEXPIREAT", key, ms.to_string().as_bytes()]);
        }
        None if o.persist && db.ttl(key, now).flatten().is_some() => {
            db.set_expire(key, None);
            ctx.propagate_as(&[b"PERSIST", key]);
        }
        None => return Ok(()),
    }
    ctx.dirty(1);
    Ok(())
}

/// GETDEL key
fn getdel(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    match db.get_str(&args[1], now)? {
        None => {
            ctx.out.null();
            return Ok(());
        }
        Some(v) => reply_str(ctx.out, v),
    }
    db.delete(&args[1], now);
    ctx.dirty(1);
    ctx.propagate_as(&[b"DEL", &args[1]]);
    Ok(())
}

/// GETSET key value
fn getset(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    match db.get_str(&args[1], now)? {
        None => ctx.out.null(),
        Some(v) => reply_str(ctx.out, v),
    }
    db.set_str(&args[1], &args[2], Expire::Clear);
    ctx.dirty(1);
    ctx.propagate_as(&[b"SET", &args[1], &args[2]]);
    Ok(())
}

/// MSET key value [key value ...] / MSETNX key value [key value ...]
fn mset(ctx: &mut Ctx, args: Args) -> CmdResult {
    if args.len().is_multiple_of(2) {
        return Err(CmdError::WrongArity(ctx.cmd.fullname.clone()));
    }
    let nx = ctx.cmd.spec.name == "msetnx";
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    if nx && (1..args.len()).step_by(2).any(|j| db.exists(&args[j], now)) {
        ctx.out.int(0);
        return Ok(());
    }
    for j in (1..args.len()).step_by(2) {
        db.set_str(&args[j], &args[j + 1], Expire::Clear);
    }
    ctx.dirty((args.len() / 2) as u64);
    if nx {
        ctx.out.int(1);
    } else {
        ctx.out.ok();
    }
    Ok(())
}

/// MGET key [key ...]: keys that are missing or hold another type give nil.
fn mget(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    ctx.out.array(args.len() - 1);
    for key in args.iter().skip(1) {
        match db.lookup_read(key, now).map(|e| e.value()) {
            Some(Val::Str(b)) => ctx.out.bulk(b),
            Some(Val::Int(i)) => ctx.out.bulk_int(i),
            _ => ctx.out.null(),
        }
    }
    Ok(())
}

/// APPEND key value
fn append(ctx: &mut Ctx, args: Args) -> CmdResult {
    let max = max_len(ctx);
    let now = ctx.now;
    let (key, tail) = (&args[1], &args[2]);
    let mut db = ctx.store.db(ctx.client.db);
    let total = match db.get_str_for_write(key, now)? {
        None => {
            db.set_str(key, tail, Expire::Clear);
            tail.len()
        }
        Some(old) => {
            check_len(old.len() as u64, tail.len() as u64, max)?;
            let mut v = Vec::with_capacity(old.len() + tail.len());
            old.write_to(&mut v);
            v.extend_from_slice(tail);
            db.set_str(key, &v, Expire::Keep);
            v.len()
        }
    };
    ctx.dirty(1);
    ctx.out.int(total as i64);
    Ok(())
}

/// STRLEN key
fn strlen(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let n = ctx.store.db(ctx.client.db).get_str(&args[1], now)?.map_or(0, |v| v.len());
    ctx.out.int(n as i64);
    Ok(())
}

/// INCR key / DECR key / INCRBY key increment / DECRBY key decrement
fn incr(ctx: &mut Ctx, args: Args) -> CmdResult {
    let delta = match ctx.cmd.spec.name {
        "incr" => 1,
        "decr" => -1,
        "incrby" => parse_int(&args[2])?,
        _ => {
            let d = parse_int(&args[2])?;
            d.checked_neg().ok_or_else(|| CmdError::err("decrement would overflow"))?
        }
    };
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let old = match db.get_str_for_write(&args[1], now)? {
        None => 0,
        Some(StrRef::Int(i)) => i,
        Some(StrRef::Bytes(b)) => parse_int(b)?,
    };
    let new = old.checked_add(delta).ok_or(CmdError::Overflow)?;
    db.set_int(&args[1], new, Expire::Keep);
    ctx.dirty(1);
    ctx.out.int(new);
    Ok(())
}

/// INCRBYFLOAT key increment: x87 long-double arithmetic, printed as `%.17Lf` trimmed.
fn incrbyfloat(ctx: &mut Ctx, args: Args) -> CmdResult {
    // Checked after the stored value, whose errors come first in Redis.
    let by = longdouble::parse(&args[2]).ok_or(CmdError::NotFloat);
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let old = match db.get_str_for_write(&args[1], now)? {
        None => longdouble::Ld::from_i64(0),
        Some(StrRef::Int(i)) => longdouble::Ld::from_i64(i),
        Some(StrRef::Bytes(b)) => longdouble::parse(b).ok_or(CmdError::NotFloat)?,
    };
    let sum = longdouble::add(old, by?).ok_or_else(|| CmdError::err("increment would produce NaN or Infinity"))?;
    let text = longdouble::format(sum);
    db.set_str(&args[1], text.as_bytes(), Expire::Keep);
    ctx.dirty(1);
    // The float formatting must not be redone on the replica.
    ctx.propagate_as(&[b"SET", &args[1], text.as_bytes(), b"KEEPTTL"]);
    ctx.out.bulk(text.as_bytes());
    Ok(())
}

/// GETRANGE key start end (also SUBSTR): negative indexes count from the end.
fn getrange(ctx: &mut Ctx, args: Args) -> CmdResult {
    let start = parse_int(&args[2])?;
    let end = parse_int(&args[3])?;
    let now = ctx.now;
    let mut tmp = [0u8; 20];
    let mut db = ctx.store.db(ctx.client.db);
    let s: &[u8] = match db.get_str(&args[1], now)? {
        None => b"",
        Some(StrRef::Bytes(b)) => b,
        Some(StrRef::Int(i)) => crate::resp::fmt_i64(i, &mut tmp),
    };
    match range(start, end, s.len()) {
        Some((a, b)) => ctx.out.bulk(s.get(a..=b).unwrap_or_default()),
        None => ctx.out.bulk(b""),
    }
    Ok(())
}

/// GETRANGE's index arithmetic: an inclusive byte range, or None when it is empty.
fn range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let n = len as i64;
    if n == 0 || (start < 0 && end < 0 && start > end) {
        return None;
    }
    let start = if start < 0 { (n + start).max(0) } else { start };
    let end = if end < 0 { (n + end).max(0) } else { end.min(n - 1) };
    if start > end { None } else { Some((start as usize, end as usize)) }
}

/// SETRANGE key offset value: zero-pads beyond the end; an empty value changes nothing.
fn setrange(ctx: &mut Ctx, args: Args) -> CmdResult {
    let offset = parse_int(&args[2])?;
    if offset < 0 {
        return Err(CmdError::err("offset is out of range"));
    }
    let offset = offset as u64;
    let value = &args[3];
    let max = max_len(ctx);
    let now = ctx.now;
    let key = &args[1];
    let mut db = ctx.store.db(ctx.client.db);
    let old = db.get_str_for_write(key, now)?;
    if value.is_empty() {
        ctx.out.int(old.map_or(0, |v| v.len()) as i64);
        return Ok(());
    }
    check_len(offset, value.len() as u64, max)?;
    // Within proto-max-bulk-len now, so the sizes below fit in memory terms Redis accepts.
    let offset = offset as usize;
    let mut v = old.map(|o| o.to_vec()).unwrap_or_default();
    if v.len() < offset + value.len() {
        v.resize(offset + value.len(), 0);
    }
    v[offset..offset + value.len()].copy_from_slice(value);
    db.set_str(key, &v, Expire::Keep);
    ctx.dirty(1);
    ctx.out.int(v.len() as i64);
    Ok(())
}

/// LCS's options, parsed before the keys are read; errors are reported after the type check.
struct LcsOpts {
    len: bool,
    idx: bool,
    withmatchlen: bool,
    minmatchlen: u64,
}

fn parse_lcs(args: &Args) -> Result<LcsOpts, CmdError> {
    let mut o = LcsOpts { len: false, idx: false, withmatchlen: false, minmatchlen: 0 };
    let mut j = 3;
    while j < args.len() {
        let opt = args.get(j);
        if is(opt, "idx") {
            o.idx = true;
        } else if is(opt, "len") {
            o.len = true;
        } else if is(opt, "withmatchlen") {
            o.withmatchlen = true;
        } else if is(opt, "minmatchlen") && j + 1 < args.len() {
            o.minmatchlen = parse_int(args.get(j + 1))?.max(0) as u64;
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    if o.len && o.idx {
        return Err(CmdError::err("If you want both the length and indexes, please just use IDX."));
    }
    Ok(o)
}

/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
fn lcs(ctx: &mut Ctx, args: Args) -> CmdResult {
    let opts = parse_lcs(&args);
    let max = max_len(ctx);
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let mut read = |key: &[u8]| match db.lookup_read(key, now).map(|e| e.value()) {
        None => Ok(Vec::new()),
        Some(Val::Str(b)) => Ok(b.to_vec()),
        Some(Val::Int(i)) => Ok(StrRef::Int(i).to_vec()),
        Some(Val::Obj(_)) => Err(CmdError::err("The specified keys must contain string values")),
    };
    let (a, b) = (read(&args[1]), read(&args[2]));
    // The table is quadratic: compute it without holding the keyspace.
    ctx.store.release();
    let (a, b) = (a?, b?);
    let opts = opts?;
    if a.len() as u64 >= u32::MAX as u64 - 1 || b.len() as u64 >= u32::MAX as u64 - 1 {
        return Err(CmdError::err("String too long for LCS"));
    }
    let cells = (a.len() as u64 + 1) * (b.len() as u64 + 1);
    if cells.saturating_mul(4) > max {
        return Err(CmdError::err("Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"));
    }
    let w = b.len() + 1;
    let mut t = vec![0u32; (a.len() + 1) * w];
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            t[i * w + j] = if a[i - 1] == b[j - 1] {
                t[(i - 1) * w + j - 1] + 1
            } else {
                t[(i - 1) * w + j].max(t[i * w + j - 1])
            };
        }
    }
    let total = t[a.len() * w + b.len()];
    if opts.len {
        ctx.out.int(total as i64);
        return Ok(());
    }
    // Walk back from the end, collecting the LCS and its ranges ((a_start, a_end), (b_start, b_end)).
    let mut text = vec![0u8; total as usize];
    let mut ranges: Vec<((usize, usize), (usize, usize))> = Vec::new();
    let mut cur: Option<((usize, usize), (usize, usize))> = None;
    let (mut i, mut j, mut k) = (a.len(), b.len(), total as usize);
    while i > 0 && j > 0 {
        let mut emit = false;
        if a[i - 1] == b[j - 1] {
            k -= 1;
            text[k] = a[i - 1];
            cur = match cur {
                None => Some(((i - 1, i - 1), (j - 1, j - 1))),
                Some(((sa, ea), (sb, eb))) if sa == i && sb == j => Some(((sa - 1, ea), (sb - 1, eb))),
                Some(r) => {
                    // Not contiguous: close the range in progress and start a new one here.
                    ranges.push(r);
                    Some(((i - 1, i - 1), (j - 1, j - 1)))
                }
            };
            if cur.is_some_and(|((sa, _), (sb, _))| sa == 0 || sb == 0) {
                emit = true;
            }
            i -= 1;
            j -= 1;
        } else {
            if t[(i - 1) * w + j] > t[i * w + j - 1] {
                i -= 1;
            } else {
                j -= 1;
            }
            emit = cur.is_some();
        }
        if emit && let Some(r) = cur.take() {
            ranges.push(r);
        }
    }
    if !opts.idx {
        ctx.out.bulk(&text);
        return Ok(());
    }
    let min = opts.minmatchlen;
    ranges.retain(|((sa, ea), _)| min == 0 || (ea - sa + 1) as u64 >= min);
    ctx.out.map(2);
    ctx.out.bulk(b"matches");
    ctx.out.array(ranges.len());
    for ((sa, ea), (sb, eb)) in ranges {
        ctx.out.array(if opts.withmatchlen { 3 } else { 2 });
        for (s, e) in [(sa, ea), (sb, eb)] {
            ctx.out.array(2);
            ctx.out.int(s as i64);
            ctx.out.int(e as i64);
        }
        if opts.withmatchlen {
            ctx.out.int((ea - sa + 1) as i64);
        }
    }
    ctx.out.bulk(b"len");
    ctx.out.int(total as i64);
    Ok(())
}
