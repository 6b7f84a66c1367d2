//! Server commands: DBSIZE, FLUSHDB, FLUSHALL.

use crate::command::{CommandSpec, Ctx, flags::*};
use crate::error::CmdResult;
use crate::resp::Args;

pub const SPECS: &[CommandSpec] = &[
    CommandSpec::new("dbsize", 1, READONLY | FAST, (0, 0, 0), "@keyspace @read @fast", dbsize),
    CommandSpec::new("flushall", -1, WRITE, (0, 0, 0), "@keyspace @write @slow @dangerous", flushall),
];

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
