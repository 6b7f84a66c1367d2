//! Server commands: DBSIZE, FLUSHDB/FLUSHALL, TIME, SHUTDOWN, DEBUG, INFO, CONFIG, MEMORY and
//! the FUNCTION stubs the Tcl harness calls. COMMAND is in `introspection.rs`.

use super::docs::server as doc;
use crate::command::{CommandSpec, Ctx, flags::*};
use crate::commands::connection::reply_help as help;
use crate::commands::{introspection, is, parse_int};
use crate::error::{CmdError, CmdResult};
use crate::resp::Args;
use crate::server::{Server, read, write};
use std::sync::atomic::Ordering::Relaxed;

pub const SPECS: &[CommandSpec] = &[
    CommandSpec::new("dbsize", 1, READONLY | FAST, (0, 0, 0), "@keyspace @read @fast", dbsize)
        .doc(&doc::DBSIZE)
        .tips("request_policy:all_shards response_policy:agg_sum"),
    CommandSpec::new("flushall", -1, WRITE, (0, 0, 0), "@keyspace @write @slow @dangerous", flushall)
        .doc(&doc::FLUSHALL)
        .tips("request_policy:all_shards response_policy:all_succeeded"),
    CommandSpec::new("flushdb", -1, WRITE, (0, 0, 0), "@keyspace @write @slow @dangerous", flushdb)
        .doc(&doc::FLUSHDB)
        .tips("request_policy:all_shards response_policy:all_succeeded"),
    CommandSpec::new("time", 1, LOADING | STALE | FAST, (0, 0, 0), "@fast", time)
        .doc(&doc::TIME)
        .tips("nondeterministic_output"),
    CommandSpec::new(
        "shutdown",
        -1,
        ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI | ALLOW_BUSY,
        (0, 0, 0),
        "@admin @slow @dangerous",
        shutdown,
    )
    .doc(&doc::SHUTDOWN),
    CommandSpec::new("debug", -2, ADMIN | NOSCRIPT | LOADING | STALE, (0, 0, 0), "@admin @slow @dangerous", debug)
        .doc(&doc::DEBUG),
    CommandSpec::new("info", -1, LOADING | STALE, (0, 0, 0), "@slow @dangerous", info)
        .doc(&doc::INFO)
        .tips("nondeterministic_output request_policy:all_shards response_policy:special"),
    CommandSpec::container("config", "", CONFIG_SUBS).doc(&doc::CONFIG),
    introspection::COMMAND,
    CommandSpec::container("memory", "", MEMORY_SUBS).doc(&doc::MEMORY),
    CommandSpec::container("function", "", FUNCTION_SUBS).doc(&doc::FUNCTION),
];

const ADMIN_SUB: u32 = ADMIN | NOSCRIPT | LOADING | STALE;

const CONFIG_SUBS: &[CommandSpec] = &[
    CommandSpec::new("get", -3, ADMIN_SUB, (0, 0, 0), "@admin @slow @dangerous", config_get).doc(&doc::CONFIG_GET),
    CommandSpec::new("set", -4, ADMIN_SUB, (0, 0, 0), "@admin @slow @dangerous", config_set)
        .doc(&doc::CONFIG_SET)
        .tips("request_policy:all_nodes response_policy:all_succeeded"),
    CommandSpec::new("resetstat", 2, ADMIN_SUB, (0, 0, 0), "@admin @slow @dangerous", config_resetstat)
        .doc(&doc::CONFIG_RESETSTAT),
    CommandSpec::new("rewrite", 2, ADMIN_SUB, (0, 0, 0), "@admin @slow @dangerous", config_rewrite)
        .doc(&doc::CONFIG_REWRITE),
    CommandSpec::new("help", 2, LOADING | STALE, (0, 0, 0), "@slow", config_help).doc(&doc::CONFIG_HELP),
];

const MEMORY_SUBS: &[CommandSpec] = &[
    CommandSpec::new("usage", -3, READONLY, (2, 2, 1), "@read @slow", memory_usage)
        .doc(&doc::MEMORY_USAGE)
        .key_specs("RO"),
    CommandSpec::new("help", 2, LOADING | STALE, (0, 0, 0), "@slow", memory_help).doc(&doc::MEMORY_HELP),
];

const FUNCTION_SUBS: &[CommandSpec] = &[
    CommandSpec::new("flush", -2, NOSCRIPT | WRITE, (0, 0, 0), "@write @slow @scripting", function_flush)
        .doc(&doc::FUNCTION_FLUSH)
        .tips("request_policy:all_shards response_policy:all_succeeded"),
    CommandSpec::new("list", -2, NOSCRIPT, (0, 0, 0), "@slow @scripting", function_list)
        .doc(&doc::FUNCTION_LIST)
        .tips("nondeterministic_output_order"),
    CommandSpec::new("help", 2, LOADING | STALE, (0, 0, 0), "@slow @scripting", function_help).doc(&doc::FUNCTION_HELP),
];

/// Redis's `addReplySubcommandSyntaxError`: a subcommand that exists but whose own argument
/// checks failed.
pub fn subcommand_error(sub: &[u8], cmd: &str) -> CmdError {
    let s: String = String::from_utf8_lossy(sub).chars().take(128).collect();
    CmdError::err(format!("unknown subcommand or wrong number of arguments for '{s}'. Try {cmd} HELP."))
}

// ---------------------------------------------------------------------------------------------
// Keyspace-wide commands.

/// DBSIZE
fn dbsize(ctx: &mut Ctx, _args: Args) -> CmdResult {
    let n = ctx.db().raw().len();
    ctx.out.int(n as i64);
    Ok(())
}

/// The optional ASYNC|SYNC of FLUSHDB/FLUSHALL; both free memory right away here.
fn flush_option(args: Args) -> CmdResult {
    match args.len() {
        1 => Ok(()),
        2 if is(&args[1], "async") || is(&args[1], "sync") => Ok(()),
        _ => Err(CmdError::Syntax),
    }
}

/// FLUSHDB [ASYNC|SYNC]
fn flushdb(ctx: &mut Ctx, args: Args) -> CmdResult {
    flush_option(args)?;
    let n = ctx.db().clear() as u64;
    ctx.dirty(n);
    ctx.out.ok();
    Ok(())
}

/// FLUSHALL [ASYNC|SYNC]: counts the removed keys as changes, as Redis does. With save points
/// configured Redis 7.0 also cancels a background save and saves the empty dataset at once.
fn flushall(ctx: &mut Ctx, args: Args) -> CmdResult {
    flush_option(args)?;
    let n = ctx.store.ks().flush_all() as u64;
    ctx.dirty(n);
    crate::persistence::flushall_save(ctx.server, ctx.store.ks());
    ctx.out.ok();
    Ok(())
}

/// TIME: seconds and microseconds, both as bulk strings.
fn time(ctx: &mut Ctx, _args: Args) -> CmdResult {
    let us = crate::server::now_us();
    ctx.out.array(2);
    ctx.out.bulk_int(us / 1_000_000);
    ctx.out.bulk_int(us % 1_000_000);
    Ok(())
}

/// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]
fn shutdown(ctx: &mut Ctx, args: Args) -> CmdResult {
    let (mut nosave, mut save, mut now, mut force, mut abort) = (false, false, false, false, false);
    for a in args.iter().skip(1) {
        let flag = if is(a, "nosave") {
            &mut nosave
        } else if is(a, "save") {
            &mut save
        } else if is(a, "now") {
            &mut now
        } else if is(a, "force") {
            &mut force
        } else if is(a, "abort") {
            &mut abort
        } else {
            return Err(CmdError::Syntax);
        };
        *flag = true;
    }
    if (abort && (nosave || save || now || force)) || (nosave && save) {
        return Err(CmdError::Syntax);
    }
    if abort {
        // Shutdown is immediate here, so there is never one in progress to abort.
        return Err(CmdError::err("No shutdown in progress."));
    }
    let force_save = if save {
        Some(true)
    } else if nosave {
        Some(false)
    } else {
        None
    };
    match shutdown_now(ctx.server, ctx.store.ks(), force_save) {
        Err(e) if !force => {
            log::warn!("{e}");
            Err(CmdError::err("Errors trying to SHUTDOWN. Check logs."))
        }
        _ => {
            exit_now();
        }
    }
}

/// Stop the server: save first when asked (`Some(true)`), or by default when save points are
/// configured (`None`), then exit with status 0. Returns only when saving failed.
pub fn shutdown_now(server: &Server, ks: &crate::database::Keyspace, save: Option<bool>) -> Result<(), String> {
    log::warn!("User requested shutdown...");
    server.shutdown.store(true, Relaxed);
    crate::persistence::shutdown_save(server, ks, save)?;
    exit_now();
}

fn exit_now() -> ! {
    log::warn!("redis-rust is now ready to exit, bye bye...");
    std::process::exit(0)
}

// ---------------------------------------------------------------------------------------------
// DEBUG

/// Whether this connection may run DEBUG: `enable-debug-command` yes, or local (the default
/// here) from a loopback address.
fn debug_allowed(ctx: &Ctx) -> bool {
    let setting = read(&ctx.server.config).get(&[b"enable-debug-command"]).into_iter().next().map(|(_, v)| v);
    match setting.as_deref() {
        Some("yes") => true,
        Some("no") => false,
        _ => {
            let addr = &ctx.client.info.addr;
            addr.starts_with("127.") || addr.starts_with("[::1]") || addr.starts_with("[::ffff:127.")
        }
    }
}

/// C's `atof`: the longest leading decimal number, 0 when there is none.
fn atof(s: &[u8]) -> f64 {
    let s = String::from_utf8_lossy(s);
    let t = s.trim_start();
    (1..=t.len()).rev().filter(|&i| t.is_char_boundary(i)).find_map(|i| t[..i].parse::<f64>().ok()).unwrap_or(0.0)
}

/// C's `atoi`.
fn atoi(s: &[u8]) -> i64 {
    let s = String::from_utf8_lossy(s);
    let t = s.trim_start();
    let end = t
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && (c == '-' || c == '+'))))
        .map_or(t.len(), |(i, _)| i);
    t[..end].parse().unwrap_or(0)
}

/// DEBUG subcommand ...: LOG, SLEEP, SET-ACTIVE-EXPIRE, OBJECT, HELP.
fn debug(ctx: &mut Ctx, args: Args) -> CmdResult {
    if !debug_allowed(ctx) {
        return Err(CmdError::err(
            "DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.",
        ));
    }
    let sub = &args[1];
    let n = args.len();
    if is(sub, "help") && n == 2 {
        help(
            ctx.out,
            "DEBUG",
            &[
                "LOG <message>",
                "    Write <message> to the server log.",
                "OBJECT <key>",
                "    Show low level details of the value at <key>.",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    Turn the background expiry of keys off (0) or on (1).",
                "SLEEP <seconds>",
                "    Block the server for <seconds>; decimals are allowed.",
            ],
        );
    } else if is(sub, "reload") {
        return crate::commands::persistence::debug_reload(ctx, args);
    } else if is(sub, "log") && n == 3 {
        log::warn!("DEBUG LOG: {}", String::from_utf8_lossy(&args[2]));
        ctx.out.ok();
    } else if is(sub, "sleep") && n == 3 {
        let secs = atof(&args[2]);
        // Redis is single-threaded: holding the store mimics the whole server being busy.
        ctx.store.ks();
        if secs > 0.0 && secs.is_finite() {
            std::thread::sleep(std::time::Duration::from_secs_f64(secs.min(1e6)));
        }
        ctx.out.ok();
    } else if is(sub, "set-active-expire") && n == 3 {
        ctx.server.active_expire.store(atoi(&args[2]) != 0, Relaxed);
        ctx.out.ok();
    } else if is(sub, "object") && n == 3 {
        let line = debug_object(ctx, &args[2])?;
        ctx.out.simple(&line);
    } else {
        return Err(subcommand_error(sub, "DEBUG"));
    }
    Ok(())
}

fn debug_object(ctx: &mut Ctx, key: &[u8]) -> Result<String, CmdError> {
    use crate::database::Val;
    let now = ctx.now;
    let mut db = ctx.db();
    let e = db.lookup(key, now).ok_or(CmdError::NoSuchKey)?;
    let (encoding, serialized) = match e.value() {
        Val::Int(i) => {
            let len = match i {
                -128..=127 => 2,
                -32768..=32767 => 3,
                -2147483648..=2147483647 => 5,
                _ => crate::database::StrRef::Int(i).len() + 1,
            };
            ("int", len)
        }
        Val::Str(b) if b.len() <= 44 => ("embstr", b.len() + 1),
        Val::Str(b) => ("raw", b.len() + 5),
        Val::Obj(_) => ("object", 0),
    };
    let lru = (crate::server::now_ms() / 1000) & ((1 << 24) - 1);
    Ok(format!(
        "Value at:{:p} refcount:1 encoding:{encoding} serializedlength:{serialized} lru:{lru} lru_seconds_idle:0",
        e.key().as_ptr()
    ))
}

// ---------------------------------------------------------------------------------------------
// INFO and CONFIG

/// INFO [section ...]
fn info(ctx: &mut Ctx, args: Args) -> CmdResult {
    let sections: Vec<&[u8]> = args.iter().skip(1).collect();
    let text = crate::server::info::generate(ctx.server, ctx.store.ks(), &sections);
    ctx.out.verbatim("txt", text.as_bytes());
    Ok(())
}

/// CONFIG GET parameter [parameter ...]
fn config_get(ctx: &mut Ctx, args: Args) -> CmdResult {
    let patterns: Vec<&[u8]> = args.iter().skip(2).collect();
    let pairs = read(&ctx.server.config).get(&patterns);
    ctx.out.map(pairs.len());
    for (k, v) in &pairs {
        ctx.out.bulk_str(k);
        ctx.out.bulk_str(v);
    }
    Ok(())
}

/// CONFIG SET parameter value [parameter value ...]: all or nothing.
fn config_set(ctx: &mut Ctx, args: Args) -> CmdResult {
    if !args.len().is_multiple_of(2) {
        return Err(CmdError::Syntax);
    }
    let rest: Vec<&[u8]> = args.iter().skip(2).collect();
    let pairs: Vec<(&[u8], &[u8])> = rest.chunks_exact(2).map(|p| (p[0], p[1])).collect();
    let result = write(&ctx.server.config).set(&pairs);
    ctx.server.refresh_hot_config();
    let fresh = ctx.server.collection_limits();
    let limits = &mut ctx.store.ks().limits;
    // DEBUG QUICKLIST-PACKED-THRESHOLD is not a configuration parameter: it stays.
    *limits = crate::database::Limits {
        list: crate::database::quicklist::ListLimits { packed_threshold: limits.list.packed_threshold, ..fresh.list },
        ..fresh
    };
    result.map_err(CmdError::Msg)?;
    ctx.out.ok();
    Ok(())
}

/// CONFIG RESETSTAT: zero what Redis's `resetServerStats` and the command/error tables hold.
fn config_resetstat(ctx: &mut Ctx, _args: Args) -> CmdResult {
    reset_stats(ctx.server);
    {
        let ks = ctx.store.ks();
        for db in &mut ks.dbs {
            db.hits = 0;
            db.misses = 0;
            db.expired = 0;
        }
    }
    ctx.out.ok();
    Ok(())
}

/// Reset the server-wide counters (the keyspace's own counters are reset under its lock).
pub fn reset_stats(server: &Server) {
    let s = &server.stats;
    for a in [
        &s.connections_received,
        &s.rejected_connections,
        &s.keyspace_hits,
        &s.keyspace_misses,
        &s.expired_keys,
        &s.expired_stale_perc,
        &s.expire_cycle_cpu_ms,
        &s.unexpected_error_replies,
        &s.total_error_replies,
        &s.instantaneous_ops,
        &s.instantaneous_input_kbps,
        &s.instantaneous_output_kbps,
    ] {
        a.store(0, Relaxed);
    }
    crate::server::lock(&s.errors).clear();
    server.reset_hot_stats();
}

/// The configuration file the server was started with (none until the config module says).
fn config_file(server: &Server) -> Option<String> {
    read(&server.config).config_file.clone()
}

/// CONFIG REWRITE
fn config_rewrite(ctx: &mut Ctx, _args: Args) -> CmdResult {
    match config_file(ctx.server) {
        None => Err(CmdError::err("The server is running without a config file")),
        Some(path) => {
            log::warn!("CONFIG REWRITE of {path} is not supported yet");
            Err(CmdError::err("Rewriting config file: not supported"))
        }
    }
}

/// CONFIG HELP
fn config_help(ctx: &mut Ctx, _args: Args) -> CmdResult {
    help(
        ctx.out,
        "CONFIG",
        &[
            "GET <pattern>",
            "    Return the parameters matching the glob-style <pattern>, with their values.",
            "SET <directive> <value>",
            "    Change <directive> to <value>.",
            "RESETSTAT",
            "    Zero the statistics that INFO reports.",
            "REWRITE",
            "    Write the running configuration back to the configuration file.",
        ],
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// MEMORY and FUNCTION

/// Round up to the allocator's size classes (16-byte steps for small blocks).
fn alloc_size(n: usize) -> usize {
    n.div_ceil(16) * 16
}

/// MEMORY USAGE key [SAMPLES count]: an estimate of the entry's footprint; nil if absent.
fn memory_usage(ctx: &mut Ctx, args: Args) -> CmdResult {
    use crate::database::Val;
    let mut i = 3;
    while i < args.len() {
        if is(&args[i], "samples") && i + 1 < args.len() {
            if parse_int(&args[i + 1])? < 0 {
                return Err(CmdError::Syntax);
            }
            i += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let now = ctx.now;
    let size = ctx.db().lookup(&args[2], now).map(|e| {
        let value = match e.value() {
            Val::Int(_) => 0,
            Val::Str(b) => alloc_size(b.len() + 3),
            Val::Obj(_) => 64,
        };
        // Entry, key and value header.
        alloc_size(24) + alloc_size(e.key().len() + 3) + alloc_size(16) + value
    });
    match size {
        Some(n) => ctx.out.int(n as i64),
        None => ctx.out.null(),
    }
    Ok(())
}

/// MEMORY HELP
fn memory_help(ctx: &mut Ctx, _args: Args) -> CmdResult {
    help(ctx.out, "MEMORY", &["USAGE <key> [SAMPLES <count>]", "    Estimate the memory used by <key> and its value."]);
    Ok(())
}

/// FUNCTION FLUSH [ASYNC|SYNC]: functions are not supported, so there is nothing to flush.
fn function_flush(ctx: &mut Ctx, args: Args) -> CmdResult {
    if args.len() > 3 {
        return Err(subcommand_error(&args[1], "FUNCTION"));
    }
    if args.len() == 3 && !is(&args[2], "sync") && !is(&args[2], "async") {
        return Err(CmdError::err("FUNCTION FLUSH only supports SYNC|ASYNC option"));
    }
    ctx.out.ok();
    Ok(())
}

/// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]: always empty.
fn function_list(ctx: &mut Ctx, args: Args) -> CmdResult {
    let (mut with_code, mut library) = (false, false);
    let mut i = 2;
    while i < args.len() {
        let a = &args[i];
        if !with_code && is(a, "withcode") {
            with_code = true;
        } else if !library && is(a, "libraryname") {
            if i + 1 >= args.len() {
                return Err(CmdError::err("library name argument was not given"));
            }
            library = true;
            i += 1;
        } else {
            return Err(CmdError::err(format!("Unknown argument {}", String::from_utf8_lossy(a))));
        }
        i += 1;
    }
    ctx.out.array(0);
    Ok(())
}

/// FUNCTION HELP
fn function_help(ctx: &mut Ctx, _args: Args) -> CmdResult {
    help(
        ctx.out,
        "FUNCTION",
        &[
            "LIST [LIBRARYNAME <pattern>] [WITHCODE]",
            "    List the function libraries (functions are not supported: always empty).",
            "FLUSH [ASYNC|SYNC]",
            "    Remove every function library.",
        ],
    );
    Ok(())
}
