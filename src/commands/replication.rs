//! Replication commands: REPLCONF, PSYNC, SYNC, WAIT, REPLICAOF/SLAVEOF and ROLE. They parse
//! their arguments and write the replies; the protocol itself lives in `crate::replication`.

use crate::command::{CommandSpec, Ctx, flags::*};
use crate::commands::connection::parse_timeout_ms;
use crate::commands::{is, parse_int};
use crate::error::{CmdError, CmdResult};
use crate::replication::master::{self, ReplicaOption};
use crate::replication::{self, Role};
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

/// REPLCONF <option> <value> [<option> <value> ...]: options from a replica before or after
/// its PSYNC. ACK and GETACK get no reply (GETACK is answered on the master link only).
fn replconf(ctx: &mut Ctx, args: Args) -> CmdResult {
    if args.len().is_multiple_of(2) {
        return Err(CmdError::Syntax);
    }
    let id = ctx.client.id;
    let mut j = 1;
    while j + 1 < args.len() {
        let (opt, val) = (&args[j], &args[j + 1]);
        if is(opt, "listening-port") {
            let port = parse_int(val)?;
            master::record_option(ctx.server, id, ReplicaOption::ListeningPort(port.clamp(0, 65535) as u16));
        } else if is(opt, "ip-address") {
            let ip = String::from_utf8_lossy(val).into_owned();
            master::record_option(ctx.server, id, ReplicaOption::IpAddress(ip));
        } else if is(opt, "capa") {
            if is(val, "psync2") {
                master::record_option(ctx.server, id, ReplicaOption::Psync2);
            }
        } else if is(opt, "ack") {
            if let Some(off) = std::str::from_utf8(val).ok().and_then(|s| s.parse::<u64>().ok()) {
                master::record_ack(ctx.server, id, off);
            }
            return Ok(());
        } else if is(opt, "getack") {
            // From our master: acknowledge the offset before this command; ignored otherwise.
            if ctx.client.modes.master_link {
                let off = ctx.client.modes.applied_offset + ctx.client.input_pos as u64;
                ctx.client.modes.force_reply = true;
                ctx.out.array(3);
                ctx.out.bulk(b"REPLCONF");
                ctx.out.bulk(b"ACK");
                ctx.out.bulk(off.to_string().as_bytes());
            }
            return Ok(());
        } else if is(opt, "rdb-only") || is(opt, "rdb-filter-only") {
        } else {
            return Err(CmdError::err(format!("Unrecognized REPLCONF option: {}", String::from_utf8_lossy(opt))));
        }
        j += 2;
    }
    ctx.out.ok();
    Ok(())
}

/// PSYNC replicationid offset / SYNC: the connection becomes a replica link once the reply
/// (+FULLRESYNC or +CONTINUE; nothing for SYNC) is flushed.
fn psync(ctx: &mut Ctx, args: Args) -> CmdResult {
    let request = if args.len() >= 3 {
        let id = String::from_utf8_lossy(&args[1]).into_owned();
        // Redis rejects a malformed offset before anything else.
        let off = parse_int(&args[2])?;
        Some((id, off))
    } else {
        None
    };
    if ctx.client.repl_handoff.is_some() || ctx.client.modes.reply_off {
        return Ok(());
    }
    let ks = ctx.store.ks();
    let (reply, handoff) = master::attach(ctx.server, ks, &ctx.client.info, request)?;
    ctx.out.raw(reply.as_bytes());
    ctx.propagate_none();
    ctx.client.repl_handoff = Some(Box::new(handoff));
    Ok(())
}

/// WAIT numreplicas timeout
fn wait(ctx: &mut Ctx, args: Args) -> CmdResult {
    if replication::is_replica(ctx.server) {
        return Err(CmdError::err(
            "WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.",
        ));
    }
    let want = parse_int(&args[1])?;
    let timeout = parse_timeout_ms(&args[2])?;
    // Never hold the store while waiting.
    ctx.store.release();
    let n = master::wait_acks(ctx.server, ctx.client.modes.woff, want, timeout, &ctx.client.info.killed);
    ctx.out.int(n as i64);
    Ok(())
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
    let text = replication::set_master(ctx.server, ctx.store.ks(), target);
    ctx.out.simple(text);
    Ok(())
}

/// ROLE: master, offset, [[ip, port, offset] ...] | slave, host, port, state, offset
fn role(ctx: &mut Ctx, _args: Args) -> CmdResult {
    match replication::role_info(ctx.server) {
        Role::Master { offset, replicas } => {
            ctx.out.array(3);
            ctx.out.bulk(b"master");
            ctx.out.int(offset as i64);
            ctx.out.array(replicas.len());
            for (ip, port, ack) in replicas {
                ctx.out.array(3);
                ctx.out.bulk(ip.as_bytes());
                ctx.out.bulk(port.to_string().as_bytes());
                ctx.out.bulk(ack.to_string().as_bytes());
            }
        }
        Role::Replica { host, port, state, offset } => {
            ctx.out.array(5);
            ctx.out.bulk(b"slave");
            ctx.out.bulk(host.as_bytes());
            ctx.out.int(port as i64);
            ctx.out.bulk(state.as_bytes());
            ctx.out.int(offset);
        }
    }
    Ok(())
}
