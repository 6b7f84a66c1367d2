//! Persistence commands: SAVE, BGSAVE, LASTSAVE and DEBUG RELOAD's option parsing. The work
//! (snapshots, the crash-safe writer, loading) is done by the engine in `crate::persistence`.

use super::docs::persistence as doc;
use crate::command::{CommandSpec, Ctx, flags::*};
use crate::error::{CmdError, CmdResult};
use crate::persistence;
use crate::resp::Args;
use crate::util::is;
use std::sync::atomic::Ordering::Relaxed;

pub const SPECS: &[CommandSpec] = &[
    CommandSpec::new(
        "save",
        1,
        ADMIN | NOSCRIPT | NO_ASYNC_LOADING | NO_MULTI,
        (0, 0, 0),
        "@admin @slow @dangerous",
        save,
    ),
    CommandSpec::new("bgsave", -1, ADMIN | NOSCRIPT | NO_ASYNC_LOADING, (0, 0, 0), "@admin @slow @dangerous", bgsave),
    CommandSpec::new("lastsave", 1, LOADING | STALE | FAST, (0, 0, 0), "@admin @fast @dangerous", lastsave)
        .doc(&doc::LASTSAVE)
        .tips("nondeterministic_output"),
];

/// SAVE
fn save(ctx: &mut Ctx, _args: Args) -> CmdResult {
    if ctx.server.persist.bgsave_in_progress.load(Relaxed) {
        return Err(CmdError::BgsaveInProgress);
    }
    // Like Redis's SAVE, every other client waits until the file is written.
    let pending = persistence::snapshot_for_save(ctx.server, ctx.store.ks());
    match pending.write(ctx.server) {
        Ok(()) => {
            ctx.out.ok();
            Ok(())
        }
        Err(e) => {
            log::warn!("{e}");
            Err(CmdError::Msg("ERR".into()))
        }
    }
}

/// BGSAVE [SCHEDULE]
fn bgsave(ctx: &mut Ctx, args: Args) -> CmdResult {
    if args.len() > 1 && !(args.len() == 2 && is(&args[1], "schedule")) {
        return Err(CmdError::Syntax);
    }
    // As Redis: SCHEDULE only defers behind a different kind of background job; a running
    // BGSAVE is still an error.
    persistence::start_bgsave(ctx.server, ctx.store.ks())?;
    ctx.out.simple("Background saving started");
    Ok(())
}

/// LASTSAVE
fn lastsave(ctx: &mut Ctx, _args: Args) -> CmdResult {
    ctx.out.int(ctx.server.persist.lastsave.load(Relaxed));
    Ok(())
}

/// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty the keyspace, load the file back. The
/// store lock is held throughout, so no client sees the empty keyspace. `args` is DEBUG's full
/// argument list.
pub fn debug_reload(ctx: &mut Ctx, args: Args) -> CmdResult {
    let (mut merge, mut flush, mut save) = (false, true, true);
    for a in args.iter().skip(2) {
        if is(a, "merge") {
            merge = true;
        } else if is(a, "noflush") {
            flush = false;
        } else if is(a, "nosave") {
            save = false;
        } else {
            return Err(CmdError::err("DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options."));
        }
    }
    persistence::reload(ctx.server, ctx.store.ks(), ctx.now, persistence::ReloadOpts { merge, flush, save })?;
    ctx.out.ok();
    Ok(())
}
