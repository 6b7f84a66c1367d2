//! Server commands: DBSIZE, FLUSHDB, FLUSHALL.

use crate::command::{CommandSpec, Ctx, flags::*};
use crate::error::CmdResult;
use crate::resp::Args;

pub const SPECS: &[CommandSpec] = &[
    CommandSpec::new("dbsize", 1, READONLY | FAST, (0, 0, 0), "@keyspace @read @fast", dbsize),
    CommandSpec::new("flushall", -1, WRITE, (0, 0, 0), "@keyspace @write @slow @dangerous", flushall),
    CommandSpec::new("flushdb", -1, WRITE, (0, 0, 0), "@keyspace @write @slow @dangerous", flushdb),
    CommandSpec::new("debug", -2, ADMIN | NOSCRIPT | LOADING | STALE, (0, 0, 0), "@admin @slow @dangerous", debug),
    CommandSpec::container("function", "@scripting", FUNCTION_SUBS),
];

const FUNCTION_SUBS: &[CommandSpec] =
    &[CommandSpec::new("flush", -2, NOSCRIPT | WRITE, (0, 0, 0), "@write @slow @scripting", function_flush)];

/// FLUSHDB [ASYNC|SYNC]
fn flushdb(ctx: &mut Ctx, _args: Args) -> CmdResult {
    ctx.db().table.clear();
    ctx.dirty(1);
    ctx.out.ok();
    Ok(())
}

/// FUNCTION FLUSH [ASYNC|SYNC]: functions are not supported, so there is nothing to flush.
fn function_flush(ctx: &mut Ctx, _args: Args) -> CmdResult {
    ctx.out.ok();
    Ok(())
}

/// DEBUG LOG message (other subcommands arrive as needed).
fn debug(ctx: &mut Ctx, args: Args) -> CmdResult {
    if crate::commands::is(&args[1], "log") && args.len() == 3 {
        log::warn!("DEBUG LOG: {}", String::from_utf8_lossy(&args[2]));
        ctx.out.ok();
        return Ok(());
    }
    Err(crate::error::CmdError::Syntax)
}

/// DBSIZE
fn dbsize(ctx: &mut Ctx, _args: Args) -> CmdResult {
    let n = ctx.store.db(ctx.client.db).len();
    ctx.out.int(n as i64);
    Ok(())
}

/// FLUSHALL [ASYNC|SYNC]
fn flushall(ctx: &mut Ctx, _args: Args) -> CmdResult {
    ctx.store.ks().flush_all();
    ctx.dirty(1);
    ctx.out.ok();
    Ok(())
}
