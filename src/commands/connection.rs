//! Connection commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO, RESET and the CLIENT container.

use super::docs::connection as doc;
use crate::command::{CommandSpec, Ctx, flags::*, table};
use crate::commands::server::subcommand_error;
use crate::commands::{is, parse_int};
use crate::error::{CmdError, CmdResult};
use crate::resp::{Args, Reply};
use crate::server::{ClientInfo, lock, read};
use std::fmt::Write as _;
use std::sync::atomic::Ordering::Relaxed;

/// Flags shared by the connection-state commands every client may run before AUTH.
const PRE_AUTH: u32 = NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY;
/// Flags of the CLIENT subcommands that only touch the calling connection.
const SELF: u32 = NOSCRIPT | LOADING | STALE;
/// Flags of the CLIENT subcommands that act on other connections.
const ADMIN_SUB: u32 = ADMIN | NOSCRIPT | LOADING | STALE;
const CONN: &str = "@slow @connection";
const CONN_ADMIN: &str = "@admin @slow @dangerous @connection";

pub const SPECS: &[CommandSpec] = &[
    CommandSpec::new("ping", -1, FAST, (0, 0, 0), "@fast @connection", ping)
        .doc(&doc::PING)
        .tips("request_policy:all_shards response_policy:all_succeeded"),
    CommandSpec::new("echo", 2, FAST | LOADING | STALE, (0, 0, 0), "@fast @connection", echo).doc(&doc::ECHO),
    CommandSpec::new("quit", -1, PRE_AUTH, (0, 0, 0), "@fast @connection", quit).doc(&doc::QUIT),
    CommandSpec::new("select", 2, LOADING | STALE | FAST, (0, 0, 0), "@fast @connection", select).doc(&doc::SELECT),
    CommandSpec::new("auth", -2, PRE_AUTH, (0, 0, 0), "@fast @connection", auth).doc(&doc::AUTH),
    CommandSpec::new("hello", -1, PRE_AUTH, (0, 0, 0), "@fast @connection", hello).doc(&doc::HELLO),
    CommandSpec::new("reset", 1, PRE_AUTH, (0, 0, 0), "@fast @connection", reset).doc(&doc::RESET),
    CommandSpec::container("client", "@slow", CLIENT_SUBS).doc(&doc::CLIENT),
];

const CLIENT_SUBS: &[CommandSpec] = &[
    CommandSpec::new("id", 2, SELF, (0, 0, 0), CONN, client_id).doc(&doc::CLIENT_ID),
    CommandSpec::new("info", 2, SELF, (0, 0, 0), CONN, client_info)
        .doc(&doc::CLIENT_INFO)
        .tips("nondeterministic_output"),
    CommandSpec::new("list", -2, ADMIN_SUB, (0, 0, 0), CONN_ADMIN, client_list)
        .doc(&doc::CLIENT_LIST)
        .tips("nondeterministic_output"),
    CommandSpec::new("kill", -3, ADMIN_SUB, (0, 0, 0), CONN_ADMIN, client_kill).doc(&doc::CLIENT_KILL),
    CommandSpec::new("setname", 3, SELF, (0, 0, 0), CONN, client_setname).doc(&doc::CLIENT_SETNAME),
    CommandSpec::new("getname", 2, SELF, (0, 0, 0), CONN, client_getname).doc(&doc::CLIENT_GETNAME),
    CommandSpec::new("setinfo", 4, SELF, (0, 0, 0), CONN, client_setinfo).doc(&doc::CLIENT_SETINFO),
    CommandSpec::new("reply", 3, SELF, (0, 0, 0), CONN, client_reply).doc(&doc::CLIENT_REPLY),
    CommandSpec::new("no-evict", 3, ADMIN_SUB, (0, 0, 0), CONN_ADMIN, client_no_evict).doc(&doc::CLIENT_NO_EVICT),
    CommandSpec::new("no-touch", 3, SELF, (0, 0, 0), CONN, client_no_touch).doc(&doc::CLIENT_NO_TOUCH),
    CommandSpec::new("pause", -3, ADMIN_SUB, (0, 0, 0), CONN_ADMIN, client_pause).doc(&doc::CLIENT_PAUSE),
    CommandSpec::new("unpause", 2, ADMIN_SUB, (0, 0, 0), CONN_ADMIN, client_unpause).doc(&doc::CLIENT_UNPAUSE),
    CommandSpec::new("unblock", -3, ADMIN_SUB, (0, 0, 0), CONN_ADMIN, client_unblock).doc(&doc::CLIENT_UNBLOCK),
    CommandSpec::new("getredir", 2, SELF, (0, 0, 0), CONN, client_getredir).doc(&doc::CLIENT_GETREDIR),
    CommandSpec::new("trackinginfo", 2, SELF, (0, 0, 0), CONN, client_trackinginfo).doc(&doc::CLIENT_TRACKINGINFO),
    CommandSpec::new("caching", 3, SELF, (0, 0, 0), CONN, client_caching).doc(&doc::CLIENT_CACHING),
    CommandSpec::new("help", 2, LOADING | STALE, (0, 0, 0), CONN, client_help).doc(&doc::CLIENT_HELP),
];

const WRONGPASS: &str = "WRONGPASS invalid username-password pair or user is disabled.";
const BAD_NAME: &str = "Client names cannot contain spaces, newlines or special characters.";

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
    let i = crate::commands::keys::parse_db_index(ctx, &args[1])?;
    select_db(ctx, i);
    ctx.out.ok();
    Ok(())
}

fn select_db(ctx: &mut Ctx, i: usize) {
    ctx.client.db = i;
    ctx.client.info.db.store(i, Relaxed);
}

/// Check a username/password pair against the only user, `default`, whose password is
/// `requirepass` (no password configured: any password is accepted, as Redis's `nopass`).
fn credentials_ok(ctx: &Ctx, user: &[u8], pass: &[u8]) -> bool {
    if user != b"default" {
        return false;
    }
    let config = read(&ctx.server.config);
    config.requirepass.as_ref().is_none_or(|p| p.as_bytes() == pass)
}

/// Authenticate the connection, or answer WRONGPASS (a failed attempt leaves an already
/// authenticated connection authenticated, as in Redis).
fn authenticate(ctx: &mut Ctx, user: &[u8], pass: &[u8]) -> CmdResult {
    if !credentials_ok(ctx, user, pass) {
        return Err(CmdError::Msg(WRONGPASS.into()));
    }
    ctx.client.authenticated = true;
    Ok(())
}

/// AUTH [username] password
fn auth(ctx: &mut Ctx, args: Args) -> CmdResult {
    if args.len() > 3 {
        return Err(CmdError::Syntax);
    }
    if args.len() == 2 {
        if !ctx.server.requirepass_set.load(Relaxed) {
            return Err(CmdError::err(
                "AUTH <password> called without any password configured for the default user. \
                 Are you sure your configuration is correct?",
            ));
        }
        authenticate(ctx, b"default", &args[1])?;
    } else {
        authenticate(ctx, &args[1], &args[2])?;
    }
    ctx.out.ok();
    Ok(())
}

/// HELLO [protover [AUTH username password] [SETNAME clientname]]
///
/// Options take effect one by one as in Redis: a name set before a failing option stays.
/// The reply is written in the protocol just chosen.
fn hello(ctx: &mut Ctx, args: Args) -> CmdResult {
    let mut proto = None;
    if args.len() >= 2 {
        let v = parse_int(&args[1]).map_err(|_| CmdError::err("Protocol version is not an integer or out of range"))?;
        if v != 2 && v != 3 {
            return Err(CmdError::Msg("NOPROTO unsupported protocol version".into()));
        }
        proto = Some(v as u8);
    }
    let mut i = 2;
    while i < args.len() {
        let more = args.len() - 1 - i;
        if is(&args[i], "auth") && more >= 2 {
            authenticate(ctx, &args[i + 1], &args[i + 2])?;
            i += 3;
        } else if is(&args[i], "setname") && more >= 1 {
            set_name(ctx, &args[i + 1])?;
            i += 2;
        } else {
            let opt = String::from_utf8_lossy(&args[i]);
            return Err(CmdError::err(format!("Syntax error in HELLO option '{opt}'")));
        }
    }
    if !ctx.client.authenticated && ctx.server.requirepass_set.load(Relaxed) {
        return Err(CmdError::Msg(
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the \
             HELLO AUTH <user> <pass> option can be used to authenticate the client and select \
             the RESP protocol version at the same time"
                .into(),
        ));
    }
    if let Some(p) = proto {
        set_protocol(ctx, p);
    }
    let role = if read(&ctx.server.config).replicaof.is_some() { "replica" } else { "master" };
    let out = &mut *ctx.out;
    out.map(7);
    out.bulk_str("server");
    out.bulk_str("redis");
    out.bulk_str("version");
    out.bulk_str(crate::REDIS_VERSION);
    out.bulk_str("proto");
    out.int(ctx.client.resp as i64);
    out.bulk_str("id");
    out.int(ctx.client.id as i64);
    out.bulk_str("mode");
    out.bulk_str("standalone");
    out.bulk_str("role");
    out.bulk_str(role);
    out.bulk_str("modules");
    out.array(0);
    Ok(())
}

/// The client's protocol, kept where dispatch, the reply writer and CLIENT LIST read it.
fn set_protocol(ctx: &mut Ctx, proto: u8) {
    ctx.client.resp = proto;
    ctx.client.info.resp.store(proto, Relaxed);
    ctx.out.set_protocol(proto);
}

/// RESET: back to the state of a fresh connection. Redis also leaves MULTI, unsubscribes
/// everything and turns tracking off here; those belong to the families that add them.
fn reset(ctx: &mut Ctx, _args: Args) -> CmdResult {
    if has_flag(&ctx.client.info, 'M') || has_flag(&ctx.client.info, 'S') {
        return Err(CmdError::err("can only reset normal client connections"));
    }
    select_db(ctx, 0);
    set_protocol(ctx, 2);
    ctx.client.authenticated = !ctx.server.requirepass_set.load(Relaxed);
    lock(&ctx.client.info.name).clear();
    let m = &mut ctx.client.modes;
    m.reply_off = false;
    m.reply_skip_next = false;
    // NO-TOUCH is Redis 7.2's, whose RESET clears it; 7.0's keeps NO-EVICT.
    m.no_touch = false;
    set_flag(&ctx.client.info, 'T', false);
    ctx.out.simple("RESET");
    Ok(())
}

/// CLIENT ID
fn client_id(ctx: &mut Ctx, _args: Args) -> CmdResult {
    ctx.out.int(ctx.client.id as i64);
    Ok(())
}

/// CLIENT INFO
fn client_info(ctx: &mut Ctx, args: Args) -> CmdResult {
    let mut s = String::with_capacity(300);
    client_line(&mut s, &ctx.client.info, ctx.now, Some(args_mem(args)));
    ctx.out.verbatim("txt", s.as_bytes());
    Ok(())
}

/// CLIENT LIST [TYPE normal|master|replica|pubsub] [ID client-id [client-id ...]]
fn client_list(ctx: &mut Ctx, args: Args) -> CmdResult {
    let mut ids: Option<Vec<u64>> = None;
    let mut kind = None;
    if args.len() == 4 && is(&args[2], "type") {
        kind = Some(client_type_by_name(&args[3])?);
    } else if args.len() > 3 && is(&args[2], "id") {
        let mut v = Vec::with_capacity(args.len() - 3);
        for a in args.iter().skip(3) {
            v.push(parse_int(a).map_err(|_| CmdError::err("Invalid client ID"))? as u64);
        }
        ids = Some(v);
    } else if args.len() != 2 {
        return Err(CmdError::Syntax);
    }
    let me = ctx.client.id;
    let argv_mem = args_mem(args);
    let clients = lock(&ctx.server.clients);
    let mut s = String::with_capacity(300 * clients.len().min(1000));
    let mut add = |info: &ClientInfo| {
        client_line(&mut s, info, ctx.now, (info.id == me).then_some(argv_mem));
    };
    match &ids {
        // Redis lists the requested ids in the order given, repeats included.
        Some(ids) => ids.iter().filter_map(|id| clients.get(id)).for_each(|c| add(c)),
        None => clients.values().filter(|c| kind.is_none_or(|k| client_type(c) == k)).for_each(|c| add(c)),
    }
    drop(clients);
    ctx.out.verbatim("txt", s.as_bytes());
    Ok(())
}

/// Bytes of the current command's arguments (CLIENT LIST's argv-mem for the caller).
fn args_mem(args: Args) -> usize {
    args.iter().map(|a| a.len()).sum()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ClientType {
    Normal,
    Replica,
    PubSub,
    Master,
}

fn client_type_by_name(name: &[u8]) -> Result<ClientType, CmdError> {
    let lower = name.to_ascii_lowercase();
    Ok(match &lower[..] {
        b"normal" => ClientType::Normal,
        b"slave" | b"replica" => ClientType::Replica,
        b"pubsub" => ClientType::PubSub,
        b"master" => ClientType::Master,
        _ => return Err(CmdError::err(format!("Unknown client type '{}'", String::from_utf8_lossy(name)))),
    })
}

/// Redis's getClientType, from the CLIENT LIST flag letters (a MONITOR client is normal).
fn client_type(info: &ClientInfo) -> ClientType {
    let flags = lock(&info.flags);
    if flags.contains('M') {
        ClientType::Master
    } else if flags.contains('S') {
        ClientType::Replica
    } else if flags.contains('P') {
        ClientType::PubSub
    } else {
        ClientType::Normal
    }
}

fn has_flag(info: &ClientInfo, f: char) -> bool {
    lock(&info.flags).contains(f)
}

/// Set or clear one CLIENT LIST flag letter.
pub fn set_flag(info: &ClientInfo, f: char, on: bool) {
    info.set_flag(f, on);
}

/// One CLIENT LIST line in Redis 7.0's format. `argv_mem` is given for the calling client,
/// whose command is the one running; other clients are between commands.
fn client_line(s: &mut String, c: &ClientInfo, now_ms: i64, argv_mem: Option<usize>) {
    let qbuf = c.qbuf.load(Relaxed);
    let qbuf_free = if qbuf == 0 { 0 } else { READ_BUF.saturating_sub(qbuf) };
    let argv_mem = argv_mem.unwrap_or(0);
    let omem = c.omem.load(Relaxed);
    let tot_mem = CLIENT_OVERHEAD + qbuf + qbuf_free + argv_mem + omem + REPLY_BUF;
    let name = String::from_utf8_lossy(&lock(&c.name)).into_owned();
    let flags = lock(&c.flags).clone();
    let now_s = now_ms / 1000;
    let idle = (now_s - c.last_interaction.load(Relaxed)).max(0);
    let cmd = match c.last_cmd.load(Relaxed) {
        usize::MAX => "NULL",
        id => table().by_id(id).map_or("NULL", |cmd| cmd.fullname.as_str()),
    };
    // sub/psub/ssub and multi stay at their idle values until pub/sub and MULTI track them;
    // every client is the only user, "default".
    let _ = writeln!(
        s,
        "id={} addr={} laddr={} fd={} name={name} age={} idle={idle} flags={flags} db={} sub=0 psub=0 ssub=0 \
         multi=-1 qbuf={qbuf} qbuf-free={qbuf_free} argv-mem={argv_mem} multi-mem=0 rbs={REPLY_BUF} rbp=0 \
         obl=0 oll=0 omem={omem} tot-mem={tot_mem} events=r cmd={cmd} user=default redir=-1 resp={}",
        c.id,
        c.addr,
        c.laddr,
        c.fd,
        c.created.elapsed().as_secs(),
        c.db.load(Relaxed),
        c.resp.load(Relaxed),
    );
}

/// The connection's input buffer capacity (qbuf + qbuf-free while a request is buffered).
const READ_BUF: usize = 16 * 1024;
/// The reply buffer a connection starts with (rbs).
const REPLY_BUF: usize = 16 * 1024;
/// The fixed per-connection cost counted in tot-mem: thread stack excluded, as Redis has none.
const CLIENT_OVERHEAD: usize = 2 * 1024;

/// CLIENT KILL ip:port | CLIENT KILL [ID id] [TYPE type] [ADDR ip:port] [LADDR ip:port]
/// [USER username] [SKIPME yes|no] ...
fn client_kill(ctx: &mut Ctx, args: Args) -> CmdResult {
    let old_form = args.len() == 3;
    let mut addr: Option<&[u8]> = None;
    let mut laddr: Option<&[u8]> = None;
    let mut kind = None;
    let mut id = 0u64;
    // The old form may kill the caller; the new one skips it unless told otherwise.
    let mut skipme = !old_form;
    if old_form {
        addr = Some(&args[2]);
    } else {
        let mut i = 2;
        while i < args.len() {
            if i + 1 >= args.len() {
                return Err(CmdError::Syntax);
            }
            let (opt, val) = (&args[i], &args[i + 1]);
            if is(opt, "id") {
                id = match parse_int(val) {
                    Ok(n) if n >= 1 => n as u64,
                    _ => return Err(CmdError::err("client-id should be greater than 0")),
                };
            } else if is(opt, "type") {
                kind = Some(client_type_by_name(val)?);
            } else if is(opt, "addr") {
                addr = Some(val);
            } else if is(opt, "laddr") {
                laddr = Some(val);
            } else if is(opt, "user") {
                // "default" is the only user, and every connection is authenticated as it.
                if val != b"default" {
                    return Err(CmdError::err(format!("No such user '{}'", String::from_utf8_lossy(val))));
                }
            } else if is(opt, "skipme") {
                skipme = if is(val, "yes") {
                    true
                } else if is(val, "no") {
                    false
                } else {
                    return Err(CmdError::Syntax);
                };
            } else {
                return Err(CmdError::Syntax);
            }
            i += 2;
        }
    }
    let me = ctx.client.id;
    let mut killed = 0i64;
    let mut kill_me = false;
    {
        let mut clients = lock(&ctx.server.clients);
        let victims: Vec<u64> = clients
            .values()
            .filter(|c| addr.is_none_or(|a| c.addr.as_bytes() == a))
            .filter(|c| laddr.is_none_or(|a| c.laddr.as_bytes() == a))
            .filter(|c| kind.is_none_or(|k| client_type(c) == k))
            .filter(|c| id == 0 || c.id == id)
            .filter(|c| !(skipme && c.id == me))
            .map(|c| c.id)
            .collect();
        for v in victims {
            killed += 1;
            if v == me {
                kill_me = true;
            } else if let Some(c) = clients.remove(&v) {
                // Unlisted at once, as Redis frees it synchronously; its thread wakes on the
                // shut-down socket and exits.
                c.kill();
            }
        }
    }
    if old_form {
        if killed == 0 {
            return Err(CmdError::err("No such client"));
        }
        ctx.out.ok();
    } else {
        ctx.out.int(killed);
    }
    if kill_me {
        ctx.client.close_after_reply = true;
    }
    Ok(())
}

/// Redis's clientSetName check: printable ASCII without spaces; empty clears the name.
fn set_name(ctx: &mut Ctx, name: &[u8]) -> CmdResult {
    if name.iter().any(|&b| !(b'!'..=b'~').contains(&b)) {
        return Err(CmdError::err(BAD_NAME));
    }
    *lock(&ctx.client.info.name) = name.to_vec();
    Ok(())
}

/// CLIENT SETNAME connection-name
fn client_setname(ctx: &mut Ctx, args: Args) -> CmdResult {
    set_name(ctx, &args[2])?;
    ctx.out.ok();
    Ok(())
}

/// CLIENT GETNAME
fn client_getname(ctx: &mut Ctx, _args: Args) -> CmdResult {
    let name = lock(&ctx.client.info.name);
    if name.is_empty() {
        ctx.out.null();
    } else {
        ctx.out.bulk(&name);
    }
    Ok(())
}

/// CLIENT SETINFO LIB-NAME libname | LIB-VER libver (Redis 7.2)
fn client_setinfo(ctx: &mut Ctx, args: Args) -> CmdResult {
    let attr = String::from_utf8_lossy(&args[2]).into_owned();
    let slot = if is(&args[2], "lib-name") {
        &ctx.client.info.lib_name
    } else if is(&args[2], "lib-ver") {
        &ctx.client.info.lib_ver
    } else {
        return Err(CmdError::err(format!("Unrecognized option '{attr}'")));
    };
    let val = &args[3];
    if val.iter().any(|&b| !(b'!'..=b'~').contains(&b)) {
        return Err(CmdError::err(format!("{attr} cannot contain spaces, newlines or special characters.")));
    }
    // Only printable ASCII passed the check, so the bytes are valid UTF-8.
    *lock(slot) = String::from_utf8_lossy(val).into_owned();
    ctx.out.ok();
    Ok(())
}

/// Parse ON|OFF (any case), else a syntax error.
fn on_off(arg: &[u8]) -> Result<bool, CmdError> {
    if is(arg, "on") {
        Ok(true)
    } else if is(arg, "off") {
        Ok(false)
    } else {
        Err(CmdError::Syntax)
    }
}

/// CLIENT REPLY ON|OFF|SKIP. OFF and SKIP have no reply of their own; the connection loop
/// drops replies while the modes say so.
fn client_reply(ctx: &mut Ctx, args: Args) -> CmdResult {
    let m = &mut ctx.client.modes;
    if is(&args[2], "on") {
        m.reply_off = false;
        m.reply_skip = false;
        m.reply_skip_next = false;
        ctx.out.ok();
    } else if is(&args[2], "off") {
        m.reply_off = true;
    } else if is(&args[2], "skip") {
        if !m.reply_off {
            m.reply_skip_next = true;
        }
    } else {
        return Err(CmdError::Syntax);
    }
    Ok(())
}

/// CLIENT NO-EVICT ON|OFF: shown as flag "e"; there is no client eviction to exempt from.
fn client_no_evict(ctx: &mut Ctx, args: Args) -> CmdResult {
    let on = on_off(&args[2])?;
    set_flag(&ctx.client.info, 'e', on);
    ctx.out.ok();
    Ok(())
}

/// CLIENT NO-TOUCH ON|OFF (Redis 7.2): shown as flag "T".
fn client_no_touch(ctx: &mut Ctx, args: Args) -> CmdResult {
    let on = on_off(&args[2])?;
    ctx.client.modes.no_touch = on;
    set_flag(&ctx.client.info, 'T', on);
    ctx.out.ok();
    Ok(())
}

/// CLIENT PAUSE timeout [WRITE|ALL]
///
/// Validated and acknowledged, but clients are not held back: pausing is used around
/// failovers, which this server (one process, no cluster) does not coordinate.
fn client_pause(ctx: &mut Ctx, args: Args) -> CmdResult {
    if args.len() > 4 {
        return Err(subcommand_error(b"pause", "CLIENT"));
    }
    if args.len() == 4 && !is(&args[3], "write") && !is(&args[3], "all") {
        return Err(CmdError::err("CLIENT PAUSE mode must be WRITE or ALL"));
    }
    parse_timeout_ms(&args[2])?;
    ctx.out.ok();
    Ok(())
}

pub use crate::util::parse_timeout_ms;

/// CLIENT UNPAUSE
fn client_unpause(ctx: &mut Ctx, _args: Args) -> CmdResult {
    ctx.out.ok();
    Ok(())
}

/// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]: no command blocks yet, so no client is
/// ever unblocked (0).
fn client_unblock(ctx: &mut Ctx, args: Args) -> CmdResult {
    if args.len() > 4 {
        return Err(subcommand_error(b"unblock", "CLIENT"));
    }
    if args.len() == 4 && !is(&args[3], "timeout") && !is(&args[3], "error") {
        return Err(CmdError::err("CLIENT UNBLOCK reason should be TIMEOUT or ERROR"));
    }
    let id = parse_int(&args[2])?;
    let error = args.len() == 4 && is(&args[3], "error");
    let done = u64::try_from(id).is_ok_and(|id| crate::command::blocking::unblock(ctx.server, ctx.store, id, error));
    ctx.out.int(i64::from(done));
    Ok(())
}

/// CLIENT GETREDIR: tracking is never on, so there is no redirection.
fn client_getredir(ctx: &mut Ctx, _args: Args) -> CmdResult {
    ctx.out.int(-1);
    Ok(())
}

/// CLIENT TRACKINGINFO (tracking is not supported: always off).
fn client_trackinginfo(ctx: &mut Ctx, _args: Args) -> CmdResult {
    let out = &mut *ctx.out;
    out.map(3);
    out.bulk_str("flags");
    out.set(1);
    out.bulk_str("off");
    out.bulk_str("redirect");
    out.int(-1);
    out.bulk_str("prefixes");
    out.array(0);
    Ok(())
}

/// CLIENT CACHING YES|NO: only meaningful in tracking mode, which is never on.
fn client_caching(_ctx: &mut Ctx, _args: Args) -> CmdResult {
    Err(CmdError::err(
        "CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
    ))
}

/// CLIENT HELP
fn client_help(ctx: &mut Ctx, _args: Args) -> CmdResult {
    reply_help(ctx.out, "CLIENT", CLIENT_HELP);
    Ok(())
}

/// Redis's addReplyHelp: a header line, the command's lines, then HELP's own, as status replies.
pub fn reply_help(out: &mut Reply, name: &str, lines: &[&str]) {
    out.array(lines.len() + 3);
    out.simple(&format!("{name} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
    for l in lines {
        out.simple(l);
    }
    out.simple("HELP");
    out.simple("    Prints this help.");
}

/// Redis 7.0's text, with 7.2's SETINFO and NO-TOUCH lines.
const CLIENT_HELP: &[&str] = &[
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "SETINFO <option> <value>",
    "    Set client meta attr. Options are:",
    "    * LIB-NAME: the client lib name.",
    "    * LIB-VER: the client lib version.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
    "NO-TOUCH (ON|OFF)",
    "    Will not touch LRU/LFU stats when this mode is on.",
];
