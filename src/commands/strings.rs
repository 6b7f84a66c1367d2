//! String commands: SET and its variants, GET and its variants, counters, ranges and LCS.

use crate::command::{CommandSpec, Ctx, flags::*};
use crate::commands::{is, parse_int};
use crate::database::{Expire, StrRef, Val};
use crate::error::{CmdError, CmdResult};
use crate::resp::{Args, Reply};

pub const SPECS: &[CommandSpec] = &[
    CommandSpec::new("get", 2, READONLY | FAST, (1, 1, 1), "@read @string @fast", get),
    CommandSpec::new("set", -3, WRITE | DENYOOM, (1, 1, 1), "@write @string @slow", set),
    CommandSpec::new("setnx", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @string @fast", setnx),
    CommandSpec::new("setex", 4, WRITE | DENYOOM, (1, 1, 1), "@write @string @slow", setex),
    CommandSpec::new("psetex", 4, WRITE | DENYOOM, (1, 1, 1), "@write @string @slow", setex),
    CommandSpec::new("getex", -2, WRITE | FAST, (1, 1, 1), "@write @string @fast", getex),
    CommandSpec::new("getdel", 2, WRITE | FAST, (1, 1, 1), "@write @string @fast", getdel),
    CommandSpec::new("getset", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @string @fast", getset),
    CommandSpec::new("mset", -3, WRITE | DENYOOM, (1, -1, 2), "@write @string @slow", mset),
    CommandSpec::new("msetnx", -3, WRITE | DENYOOM, (1, -1, 2), "@write @string @slow", mset),
    CommandSpec::new("mget", -2, READONLY | FAST, (1, -1, 1), "@read @string @fast", mget),
    CommandSpec::new("append", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @string @fast", append),
    CommandSpec::new("strlen", 2, READONLY | FAST, (1, 1, 1), "@read @string @fast", strlen),
    CommandSpec::new("incr", 2, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @string @fast", incr),
    CommandSpec::new("decr", 2, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @string @fast", incr),
    CommandSpec::new("incrby", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @string @fast", incr),
    CommandSpec::new("decrby", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @string @fast", incr),
    CommandSpec::new("incrbyfloat", 3, WRITE | DENYOOM | FAST, (1, 1, 1), "@write @string @fast", incrbyfloat),
    CommandSpec::new("getrange", 4, READONLY, (1, 1, 1), "@read @string @slow", getrange),
    CommandSpec::new("substr", 4, READONLY, (1, 1, 1), "@read @string @slow", getrange),
    CommandSpec::new("setrange", 4, WRITE | DENYOOM, (1, 1, 1), "@write @string @slow", setrange),
    CommandSpec::new("lcs", -3, READONLY, (1, 2, 1), "@read @string @slow", lcs),
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
    let by = ld::parse(&args[2]).ok_or(CmdError::NotFloat);
    let now = ctx.now;
    let mut db = ctx.store.db(ctx.client.db);
    let old = match db.get_str_for_write(&args[1], now)? {
        None => ld::Ld::from_i64(0),
        Some(StrRef::Int(i)) => ld::Ld::from_i64(i),
        Some(StrRef::Bytes(b)) => ld::parse(b).ok_or(CmdError::NotFloat)?,
    };
    let sum = ld::add(old, by?).ok_or_else(|| CmdError::err("increment would produce NaN or Infinity"))?;
    let text = ld::format(sum);
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

/// A software x87 80-bit long double (64-bit significand), enough to reproduce INCRBYFLOAT:
/// `strtold` parsing, one correctly rounded addition, and `%.17Lf` printing.
mod ld {
    use std::cmp::Ordering;

    /// Exponent of the lowest bit of the smallest subnormal.
    const MIN_EXP: i64 = -16445;
    /// Largest exponent of a finite value's leading bit.
    const MAX_TOP: i64 = 16383;
    /// Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are refused.
    const MAX_CHARS: usize = 5 * 1024;

    /// Non-negative big integer, little-endian 32-bit limbs without leading zero limbs.
    #[derive(Clone, Debug, PartialEq, Eq)]
    struct Big(Vec<u32>);

    impl Big {
        fn from_u128(v: u128) -> Big {
            let mut b = Big(vec![v as u32, (v >> 32) as u32, (v >> 64) as u32, (v >> 96) as u32]);
            b.trim();
            b
        }
        fn trim(&mut self) {
            while self.0.last() == Some(&0) {
                self.0.pop();
            }
        }
        fn is_zero(&self) -> bool {
            self.0.is_empty()
        }
        fn mul_small(&mut self, m: u32) {
            let mut carry = 0u64;
            for l in &mut self.0 {
                let v = *l as u64 * m as u64 + carry;
                *l = v as u32;
                carry = v >> 32;
            }
            if carry != 0 {
                self.0.push(carry as u32);
            }
        }
        fn add_small(&mut self, a: u32) {
            let mut carry = a as u64;
            for l in &mut self.0 {
                if carry == 0 {
                    break;
                }
                let v = *l as u64 + carry;
                *l = v as u32;
                carry = v >> 32;
            }
            if carry != 0 {
                self.0.push(carry as u32);
            }
        }
        fn mul_pow10(&mut self, mut e: u64) {
            while e >= 9 {
                self.mul_small(1_000_000_000);
                e -= 9;
            }
            if e > 0 {
                self.mul_small(10u32.pow(e as u32));
            }
        }
        fn pow10(e: u64) -> Big {
            let mut b = Big::from_u128(1);
            b.mul_pow10(e);
            b
        }
        fn bit_len(&self) -> i64 {
            match self.0.last() {
                None => 0,
                Some(&top) => (self.0.len() as i64 - 1) * 32 + (32 - top.leading_zeros() as i64),
            }
        }
        fn bit(&self, i: i64) -> bool {
            i >= 0 && self.0.get((i / 32) as usize).is_some_and(|w| (w >> (i % 32)) & 1 == 1)
        }
        /// Whether any bit below position `i` is set.
        fn any_below(&self, i: i64) -> bool {
            if i <= 0 {
                return false;
            }
            let full = (i / 32) as usize;
            if self.0.iter().take(full).any(|&w| w != 0) {
                return true;
            }
            let r = i % 32;
            r > 0 && self.0.get(full).is_some_and(|&w| w & ((1u32 << r) - 1) != 0)
        }
        /// Bits `[i, i + 128)` as an integer.
        fn bits_from(&self, i: i64) -> u128 {
            (0..128).filter(|&k| self.bit(i + k)).fold(0u128, |v, k| v | (1u128 << k))
        }
        fn shl(&self, n: i64) -> Big {
            let n = n.max(0) as usize;
            let (limbs, r) = (n / 32, n % 32);
            let mut out = vec![0u32; limbs];
            if r == 0 {
                out.extend_from_slice(&self.0);
            } else {
                let mut carry = 0u32;
                for &w in &self.0 {
                    out.push((w << r) | carry);
                    carry = w >> (32 - r);
                }
                out.push(carry);
            }
            let mut b = Big(out);
            b.trim();
            b
        }
        fn cmp(&self, o: &Big) -> Ordering {
            self.0.len().cmp(&o.0.len()).then_with(|| self.0.iter().rev().cmp(o.0.iter().rev()))
        }
        /// self -= o, for self >= o.
        fn sub_assign(&mut self, o: &Big) {
            let mut borrow = 0i64;
            for (i, l) in self.0.iter_mut().enumerate() {
                let v = *l as i64 - o.0.get(i).copied().unwrap_or(0) as i64 - borrow;
                borrow = i64::from(v < 0);
                *l = (v + (borrow << 32)) as u32;
            }
            self.trim();
        }
        fn add(&self, o: &Big) -> Big {
            let mut out = Vec::with_capacity(self.0.len().max(o.0.len()) + 1);
            let mut carry = 0u64;
            for i in 0..self.0.len().max(o.0.len()) {
                let v = self.0.get(i).copied().unwrap_or(0) as u64 + o.0.get(i).copied().unwrap_or(0) as u64 + carry;
                out.push(v as u32);
                carry = v >> 32;
            }
            out.push(carry as u32);
            let mut b = Big(out);
            b.trim();
            b
        }
        fn div_small(&mut self, d: u32) -> u32 {
            let mut rem = 0u64;
            for l in self.0.iter_mut().rev() {
                let cur = (rem << 32) | *l as u64;
                *l = (cur / d as u64) as u32;
                rem = cur % d as u64;
            }
            self.trim();
            rem as u32
        }
        fn to_decimal(&self) -> String {
            let mut n = self.clone();
            let mut chunks = Vec::new();
            while !n.is_zero() {
                chunks.push(n.div_small(1_000_000_000));
            }
            let mut s = chunks.pop().map_or_else(|| "0".to_string(), |c| c.to_string());
            for c in chunks.iter().rev() {
                s.push_str(&format!("{c:09}"));
            }
            s
        }
    }

    /// A long double: `mant * 2^exp`, or an infinity.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Ld {
        Num { neg: bool, mant: u64, exp: i64 },
        Inf { neg: bool },
    }

    impl Ld {
        pub fn from_i64(i: i64) -> Ld {
            round(&Big::from_u128(i.unsigned_abs() as u128), 0, false, i < 0)
        }
    }

    /// Round `n * 2^e` (plus a nonzero remainder below bit 0 when `sticky`) to nearest-even
    /// with a 64-bit significand, producing subnormals, zero or infinity at the ends.
    fn round(n: &Big, e: i64, sticky: bool, neg: bool) -> Ld {
        let bl = n.bit_len();
        if bl == 0 {
            return Ld::Num { neg, mant: 0, exp: 0 };
        }
        let top = e + bl - 1;
        let mut low = (top - 63).max(MIN_EXP);
        let shift = low - e;
        let mut q = if shift <= 0 {
            n.bits_from(0) << (-shift)
        } else {
            let mut q = n.bits_from(shift);
            let half = n.bit(shift - 1);
            let rest = sticky || n.any_below(shift - 1);
            if half && (rest || q & 1 == 1) {
                q += 1;
            }
            q
        };
        if q >> 64 != 0 {
            q >>= 1;
            low += 1;
        }
        if q == 0 {
            return Ld::Num { neg, mant: 0, exp: 0 };
        }
        if low + (128 - q.leading_zeros() as i64) - 1 > MAX_TOP {
            return Ld::Inf { neg };
        }
        Ld::Num { neg, mant: q as u64, exp: low }
    }

    fn is_c_space(c: u8) -> bool {
        matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
    }

    /// Accumulate the leading digits of `s` in `radix` into `acc`; returns how many there were.
    fn digits(s: &[u8], radix: u32, acc: &mut Big) -> usize {
        let mut n = 0;
        for &c in s {
            match (c as char).to_digit(radix) {
                Some(d) => {
                    acc.mul_small(radix);
                    acc.add_small(d);
                    n += 1;
                }
                None => break,
            }
        }
        n
    }

    /// An exponent's digits, saturating (huge exponents only mean overflow or underflow).
    fn exponent(s: &[u8]) -> Option<i64> {
        let (neg, s) = match s.first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let v = s.iter().fold(0i64, |v, &c| (v * 10 + (c - b'0') as i64).min(1 << 40));
        Some(if neg { -v } else { v })
    }

    /// Redis's `string2ld`: the whole argument must be a number `strtold` accepts, without
    /// leading space; NaN, overflow and underflow to zero are refused.
    pub fn parse(s: &[u8]) -> Option<Ld> {
        if s.is_empty() || s.len() >= MAX_CHARS || is_c_space(s[0]) {
            return None;
        }
        let (neg, body) = match s[0] {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let lower = body.to_ascii_lowercase();
        if lower == b"inf" || lower == b"infinity" {
            return Some(Ld::Inf { neg });
        }
        let hex = lower.starts_with(b"0x");
        let body = if hex { &lower[2..] } else { &lower[..] };
        let radix = if hex { 16 } else { 10 };
        let mut m = Big(Vec::new());
        let int_digits = digits(body, radix, &mut m);
        let mut rest = &body[int_digits..];
        let mut frac_digits = 0;
        if let Some(after) = rest.strip_prefix(b".") {
            frac_digits = digits(after, radix, &mut m);
            rest = &after[frac_digits..];
        }
        if int_digits + frac_digits == 0 {
            return None;
        }
        let exp = match rest.first() {
            None => 0,
            Some(b'p') if hex => exponent(&rest[1..])?,
            Some(b'e') if !hex => exponent(&rest[1..])?,
            _ => return None,
        };
        if m.is_zero() {
            return Some(Ld::Num { neg, mant: 0, exp: 0 });
        }
        let v = if hex {
            let e = exp - 4 * frac_digits as i64;
            if m.bit_len() + e > MAX_TOP + 2 || m.bit_len() + e < MIN_EXP - 2 {
                return None;
            }
            round(&m, e, false, neg)
        } else {
            let e10 = exp - frac_digits as i64;
            // Decimal magnitude: the value lies in [10^(mag-1), 10^mag).
            let mag = m.to_decimal().len() as i64 + e10;
            if mag > 4934 {
                return None;
            }
            if mag < -4960 {
                return None;
            }
            if e10 >= 0 {
                let mut n = m;
                n.mul_pow10(e10 as u64);
                round(&n, 0, false, neg)
            } else {
                let d = Big::pow10(e10.unsigned_abs());
                // Scale so the quotient has about 67 bits: enough for the rounding bits.
                let k = m.bit_len() - d.bit_len() - 67;
                let (mut num, div) = if k >= 0 { (m, d.shl(k)) } else { (m.shl(-k), d) };
                let mut q = 0u128;
                for i in (0..=(num.bit_len() - div.bit_len()).max(0)).rev() {
                    let sub = div.shl(i);
                    if num.cmp(&sub) != Ordering::Less {
                        num.sub_assign(&sub);
                        q |= 1u128 << i;
                    }
                }
                round(&Big::from_u128(q), k, !num.is_zero(), neg)
            }
        };
        match v {
            Ld::Inf { .. } => None,
            Ld::Num { mant: 0, .. } => None,
            v => Some(v),
        }
    }

    /// The correctly rounded sum; None when it is not finite.
    pub fn add(a: Ld, b: Ld) -> Option<Ld> {
        let (Ld::Num { neg: na, mant: ma, exp: ea }, Ld::Num { neg: nb, mant: mb, exp: eb }) = (a, b) else {
            return None;
        };
        if ma == 0 {
            return Some(b);
        }
        if mb == 0 {
            return Some(a);
        }
        let e = ea.min(eb);
        let x = Big::from_u128(ma as u128).shl(ea - e);
        let y = Big::from_u128(mb as u128).shl(eb - e);
        let (sum, neg) = if na == nb {
            (x.add(&y), na)
        } else {
            match x.cmp(&y) {
                Ordering::Equal => return Some(Ld::Num { neg: false, mant: 0, exp: 0 }),
                Ordering::Greater => {
                    let mut d = x;
                    d.sub_assign(&y);
                    (d, na)
                }
                Ordering::Less => {
                    let mut d = y;
                    d.sub_assign(&x);
                    (d, nb)
                }
            }
        };
        match round(&sum, e, false, neg) {
            Ld::Inf { .. } => None,
            v => Some(v),
        }
    }

    /// `%.17Lf` with trailing zeros (and a bare '.') removed, and "-0" shown as "0".
    pub fn format(v: Ld) -> String {
        let Ld::Num { neg, mant, exp } = v else {
            return if matches!(v, Ld::Inf { neg: true }) { "-inf".into() } else { "inf".into() };
        };
        let mut s = if exp >= 0 {
            Big::from_u128(mant as u128).shl(exp).to_decimal()
        } else {
            let mut x = Big::from_u128(mant as u128);
            x.mul_pow10(17);
            let sh = -exp;
            let mut q = x.bits_from(sh);
            if x.bit(sh - 1) && (x.any_below(sh - 1) || q & 1 == 1) {
                q += 1;
            }
            let digits = format!("{q:018}");
            let (int, frac) = digits.split_at(digits.len() - 17);
            let frac = frac.trim_end_matches('0');
            if frac.is_empty() { int.to_string() } else { format!("{int}.{frac}") }
        };
        if neg && s != "0" {
            s.insert(0, '-');
        }
        s
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn sum(a: &str, b: &str) -> String {
            let x = parse(a.as_bytes()).expect("a");
            let y = parse(b.as_bytes()).expect("b");
            format(add(x, y).expect("finite"))
        }

        #[test]
        fn like_glibc_long_double() {
            assert_eq!(sum("10.5", "0.1"), "10.6");
            assert_eq!(sum("0.1", "0.2"), "0.3");
            assert_eq!(sum("3.0e3", "0"), "3000");
            assert_eq!(sum("1", "-1.1"), "-0.1");
            assert_eq!(sum("17179869184", "1.5"), "17179869185.5");
            assert_eq!(sum("1e-20", "0"), "0");
            assert_eq!(sum("-1e-20", "0"), "0");
            assert_eq!(sum("1.5e20", "0.1"), "150000000000000000000");
            assert_eq!(sum("0x10", "0x1p-1"), "16.5");
            assert_eq!(format(Ld::from_i64(i64::MIN)), "-9223372036854775808");
            assert_eq!(sum("1e4932", "0"), format(parse(b"1e4932").expect("big")));
        }

        #[test]
        fn refuses_what_string2ld_refuses() {
            for bad in ["", " 1", "1 ", "nan", "-nan", "1e", "e5", ".", "0x", "1e99999", "1e-99999", "1\x002", "--1"] {
                assert_eq!(parse(bad.as_bytes()), None, "{bad:?}");
            }
            assert_eq!(parse(b"+inf"), Some(Ld::Inf { neg: false }));
            assert_eq!(parse(b"-Infinity"), Some(Ld::Inf { neg: true }));
            assert!(parse(b".5").is_some() && parse(b"5.").is_some() && parse(b"1E+2").is_some());
        }
    }
}
