//! Generic key commands.

use crate::command::{CommandSpec, Ctx, flags::*};
use crate::error::CmdResult;
use crate::resp::Args;

pub const SPECS: &[CommandSpec] = &[
    CommandSpec::new("del", -2, WRITE, (1, -1, 1), "@keyspace @write @slow", del),
    CommandSpec::new("exists", -2, READONLY | FAST, (1, -1, 1), "@keyspace @read @fast", exists),
];

/// DEL key [key ...]
fn del(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let db = ctx.store.db(ctx.client.db);
    let n = args.iter().skip(1).filter(|k| db.delete(k, now)).count();
    ctx.dirty(n as u64);
    ctx.out.int(n as i64);
    Ok(())
}

/// EXISTS key [key ...]: repeated keys count each time.
fn exists(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    let db = ctx.store.db(ctx.client.db);
    let n = args.iter().skip(1).filter(|k| db.exists(k, now)).count();
    ctx.out.int(n as i64);
    Ok(())
}
