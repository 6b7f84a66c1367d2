//! Replication commands: REPLCONF, PSYNC, SYNC, WAIT, REPLICAOF/SLAVEOF and ROLE. The
//! protocol itself lives in `crate::replication`.

use crate::command::{CommandSpec, Ctx, flags::*};
use crate::commands::{is, parse_int};
use crate::error::{CmdError, CmdResult};
use crate::replication;
use crate::resp::Args;

const REPL_ADMIN: &str = "@admin @slow @dangerous";

pub const SPECS: &[CommandSpec] = &[
    CommandSpec::new("replconf", -1, ADMIN | NOSCRIPT | LOADING | STALE | ALLOW_BUSY, (0, 0, 0), REPL_ADMIN, replconf),
    CommandSpec::new("psync", -3, ADMIN | NOSCRIPT | NO_ASYNC_LOADING | NO_MULTI, (0, 0, 0), REPL_ADMIN, psync),
    CommandSpec::new("sync", 1, ADMIN | NOSCRIPT | NO_ASYNC_LOADING | NO_MULTI, (0, 0, 0), REPL_ADMIN, psync),
    CommandSpec::new("wait", 3, NOSCRIPT, (0, 0, 0), "@slow @connection", wait)
        .tips("request_policy:all_shards response_policy:agg_min"),
    CommandSpec::new("replicaof", 3, ADMIN | NOSCRIPT | STALE | NO_ASYNC_LOADING, (0, 0, 0), REPL_ADMIN, replicaof),
    CommandSpec::new("slaveof", 3, ADMIN | NOSCRIPT | STALE | NO_ASYNC_LOADING, (0, 0, 0), REPL_ADMIN, replicaof),
    CommandSpec::new("role", 1, NOSCRIPT | LOADING | STALE | FAST, (0, 0, 0), "@admin @fast @dangerous", role),
];

/// REPLCONF <option> <value> [<option> <value> ...]
fn replconf(ctx: &mut Ctx, args: Args) -> CmdResult {
    replication::replconf(ctx, args)
}

/// PSYNC replicationid offset / SYNC
fn psync(ctx: &mut Ctx, args: Args) -> CmdResult {
    let request = if args.len() >= 3 {
        let id = String::from_utf8_lossy(&args[1]).into_owned();
        // Redis rejects a malformed offset before anything else.
        let off = parse_int(&args[2])?;
        Some((id, off))
    } else {
        None
    };
    replication::attach_replica(ctx, request)
}

/// WAIT numreplicas timeout
fn wait(ctx: &mut Ctx, args: Args) -> CmdResult {
    replication::wait(ctx, args)
}

/// REPLICAOF host port | NO ONE (also SLAVEOF)
fn replicaof(ctx: &mut Ctx, args: Args) -> CmdResult {
    let target = if is(&args[1], "no") && is(&args[2], "one") {
        None
    } else {
        let port = match parse_int(&args[2]) {
            Ok(p) if (0..=65535).contains(&p) => p as u16,
            _ => return Err(CmdError::err("Invalid master port")),
        };
        Some((String::from_utf8_lossy(&args[1]).into_owned(), port))
    };
    ctx.store.release();
    let text = replication::set_master(ctx.server, target);
    ctx.out.simple(text);
    Ok(())
}

/// ROLE
fn role(ctx: &mut Ctx, _args: Args) -> CmdResult {
    replication::role(ctx)
}
