//! Connection commands: PING, ECHO, QUIT, SELECT.

use crate::command::{CommandSpec, Ctx, flags::*};
use crate::commands::parse_int;
use crate::error::{CmdError, CmdResult};
use crate::resp::Args;
use std::sync::atomic::Ordering::Relaxed;

pub const SPECS: &[CommandSpec] = &[
    CommandSpec::new("ping", -1, FAST | STALE, (0, 0, 0), "@fast @connection", ping),
    CommandSpec::new("echo", 2, FAST | LOADING | STALE, (0, 0, 0), "@fast @connection", echo),
    CommandSpec::new(
        "quit",
        -1,
        ALLOW_BUSY | NOSCRIPT | LOADING | STALE | FAST | NO_AUTH,
        (0, 0, 0),
        "@fast @connection",
        quit,
    ),
    CommandSpec::new("select", 2, LOADING | STALE | FAST, (0, 0, 0), "@fast @connection", select),
];

/// PING [message]
fn ping(ctx: &mut Ctx, args: Args) -> CmdResult {
    match args.len() {
        1 => ctx.out.simple("PONG"),
        2 => ctx.out.bulk(&args[1]),
        _ => return Err(CmdError::WrongArity("ping".into())),
    }
    Ok(())
}

/// ECHO message
fn echo(ctx: &mut Ctx, args: Args) -> CmdResult {
    ctx.out.bulk(&args[1]);
    Ok(())
}

/// QUIT: answer +OK, then close once the reply is written.
fn quit(ctx: &mut Ctx, _args: Args) -> CmdResult {
    ctx.out.ok();
    ctx.client.close_after_reply = true;
    Ok(())
}

/// SELECT index
fn select(ctx: &mut Ctx, args: Args) -> CmdResult {
    let i = parse_int(&args[1]).map_err(|_| CmdError::err("value is not an integer or out of range"))?;
    let n = ctx.server.databases() as i64;
    if i < 0 || i >= n {
        return Err(CmdError::DbIndexOutOfRange);
    }
    ctx.client.db = i as usize;
    ctx.client.info.db.store(i as usize, Relaxed);
    ctx.out.ok();
    Ok(())
}
