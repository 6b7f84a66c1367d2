//! DUMP and RESTORE: a key's value as an RDB payload (value encoding, RDB version, CRC-64), and
//! a key created from one.

use super::docs::dump as doc;
use crate::command::{CommandSpec, Ctx, flags::*};
use crate::commands::{is, parse_int};
use crate::database::{Expire, NewVal, class};
use crate::error::{CmdError, CmdResult};
use crate::rdb::{DumpError, Restored};
use crate::resp::Args;
use crate::server::read;

pub const SPECS: &[CommandSpec] = &[
    CommandSpec::new("dump", 2, READONLY, (1, 1, 1), "@keyspace @read @slow", dump)
        .doc(&doc::DUMP)
        .key_specs("RO access")
        .tips("nondeterministic_output"),
    CommandSpec::new("restore", -4, WRITE | DENYOOM, (1, 1, 1), "@keyspace @write @slow @dangerous", restore)
        .doc(&doc::RESTORE)
        .key_specs("OW update"),
];

fn compression(ctx: &Ctx) -> bool {
    read(&ctx.server.config).param_bool("rdbcompression").unwrap_or(true)
}

fn dump(ctx: &mut Ctx, args: Args) -> CmdResult {
    let compress = compression(ctx);
    let now = ctx.now;
    let mut db = ctx.db();
    let payload = match db.lookup_read(&args[1], now) {
        Some(e) => crate::rdb::create_dump_payload(e.value(), compress),
        None => {
            ctx.out.null();
            return Ok(());
        }
    };
    ctx.out.bulk(&payload);
    Ok(())
}

/// RESTORE's options after the payload.
#[derive(Default)]
struct RestoreOpts {
    replace: bool,
    absttl: bool,
    idle: Option<i64>,
    freq: Option<i64>,
}

fn parse_restore_opts(args: &Args) -> Result<RestoreOpts, CmdError> {
    let mut o = RestoreOpts::default();
    let mut j = 4;
    while j < args.len() {
        let more = j + 1 < args.len();
        if is(&args[j], "replace") {
            o.replace = true;
        } else if is(&args[j], "absttl") {
            o.absttl = true;
        } else if is(&args[j], "idletime") && more && o.freq.is_none() {
            let v = parse_int(&args[j + 1])?;
            if v < 0 {
                return Err(CmdError::err("Invalid IDLETIME value, must be >= 0"));
            }
            o.idle = Some(v);
            j += 1;
        } else if is(&args[j], "freq") && more && o.idle.is_none() {
            let v = parse_int(&args[j + 1])?;
            if !(0..=255).contains(&v) {
                return Err(CmdError::err("Invalid FREQ value, must be >= 0 and <= 255"));
            }
            o.freq = Some(v);
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    Ok(o)
}

fn restore(ctx: &mut Ctx, args: Args) -> CmdResult {
    let o = parse_restore_opts(&args)?;
    let key = &args[1];
    let now = ctx.now;
    if !o.replace && ctx.db().lookup(key, now).is_some() {
        return Err(CmdError::Msg("BUSYKEY Target key name already exists.".into()));
    }
    let ttl = parse_int(&args[2])?;
    if ttl < 0 {
        return Err(CmdError::err("Invalid TTL value, must be >= 0"));
    }
    let lim = ctx.store.ks().limits;
    let value = match crate::rdb::restore_payload(&args[3], &lim) {
        Ok(v) => v,
        Err(DumpError::VersionOrChecksum) => return Err(CmdError::err("DUMP payload version or checksum are wrong")),
        Err(DumpError::BadFormat(why)) => {
            log::warn!("RESTORE of a bad payload: {why}");
            return Err(CmdError::err("Bad data format"));
        }
    };
    let replica = crate::replication::is_replica(ctx.server);
    let mut db = ctx.db();
    let deleted = o.replace && db.delete(key, now);
    let at = if ttl != 0 && !o.absttl { ttl.saturating_add(now) } else { ttl };
    // checkAlreadyExpired: a replica keeps the key (its master sends the DEL).
    if at != 0 && at <= now && !replica {
        if deleted {
            db.notify(class::GENERIC, "del", key);
            ctx.propagate_as(&[b"DEL", key]);
        } else {
            ctx.propagate_none();
        }
        ctx.out.ok();
        return Ok(());
    }
    let exp = if at != 0 { Expire::At(at) } else { Expire::Clear };
    match value {
        Restored::Str(s) => db.set_value(key, crate::database::str_value(&s), exp),
        Restored::Obj(obj) => db.set_value(key, NewVal::Obj(obj), exp),
    };
    db.notify(class::GENERIC, "restore", key);
    ctx.dirty(1);
    ctx.out.ok();
    Ok(())
}
