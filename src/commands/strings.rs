//! String commands.

use crate::command::{CommandSpec, Ctx, flags::*};
use crate::database::{Expire, StrRef};
use crate::error::CmdResult;
use crate::resp::Args;

pub const SPECS: &[CommandSpec] = &[
    CommandSpec::new("get", 2, READONLY | FAST, (1, 1, 1), "@read @string @fast", get),
    CommandSpec::new("set", -3, WRITE | DENYOOM, (1, 1, 1), "@write @string @slow", set),
];

/// GET key
fn get(ctx: &mut Ctx, args: Args) -> CmdResult {
    let now = ctx.now;
    match ctx.store.db(ctx.client.db).get_str(&args[1], now)? {
        None => ctx.out.null(),
        Some(StrRef::Bytes(b)) => ctx.out.bulk(b),
        Some(StrRef::Int(i)) => ctx.out.bulk_int(i),
    }
    Ok(())
}

/// SET key value
fn set(ctx: &mut Ctx, args: Args) -> CmdResult {
    ctx.store.db(ctx.client.db).set_str(&args[1], &args[2], Expire::Clear);
    ctx.dirty(1);
    ctx.out.ok();
    Ok(())
}
