//! The command table and dispatch: every command is declared once (name, arity, flags, key
//! positions, handler) by its family in `commands/`, and `dispatch` does the generic checks
//! (lookup, arity, authentication) once before calling the handler.

pub mod blocking;
pub mod row;

pub use row::{Doc, KeyRef, KeysFn};

use crate::database::{DbMut, EventLog, Keyspace};
use crate::error::{CmdError, CmdResult};
use crate::propagate::{PropArgs, Propagated};
use crate::resp::{Args, Reply};
use crate::server::{Server, lock};
use std::collections::HashMap;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{MutexGuard, OnceLock};

pub type Handler = fn(&mut Ctx, Args) -> CmdResult;

/// Command flags (Redis's CMD_* flags, reported by COMMAND INFO).
pub mod flags {
    pub const WRITE: u32 = 1 << 0;
    pub const READONLY: u32 = 1 << 1;
    pub const DENYOOM: u32 = 1 << 2;
    pub const ADMIN: u32 = 1 << 3;
    pub const PUBSUB: u32 = 1 << 4;
    pub const NOSCRIPT: u32 = 1 << 5;
    pub const BLOCKING: u32 = 1 << 6;
    pub const LOADING: u32 = 1 << 7;
    pub const STALE: u32 = 1 << 8;
    pub const SKIP_MONITOR: u32 = 1 << 9;
    pub const SKIP_SLOWLOG: u32 = 1 << 10;
    pub const ASKING: u32 = 1 << 11;
    pub const FAST: u32 = 1 << 12;
    pub const NO_AUTH: u32 = 1 << 13;
    pub const MAY_REPLICATE: u32 = 1 << 14;
    pub const SENTINEL: u32 = 1 << 15;
    pub const NO_MANDATORY_KEYS: u32 = 1 << 16;
    pub const NO_MULTI: u32 = 1 << 17;
    pub const ALLOW_BUSY: u32 = 1 << 18;
    pub const MOVABLE_KEYS: u32 = 1 << 19;
    pub const NO_ASYNC_LOADING: u32 = 1 << 20;

    pub const NAMES: &[(u32, &str)] = &[
        (WRITE, "write"),
        (READONLY, "readonly"),
        (DENYOOM, "denyoom"),
        (ADMIN, "admin"),
        (PUBSUB, "pubsub"),
        (NOSCRIPT, "noscript"),
        (BLOCKING, "blocking"),
        (LOADING, "loading"),
        (STALE, "stale"),
        (SKIP_MONITOR, "skip_monitor"),
        (SKIP_SLOWLOG, "skip_slowlog"),
        (ASKING, "asking"),
        (FAST, "fast"),
        (NO_AUTH, "no_auth"),
        (MAY_REPLICATE, "may_replicate"),
        (NO_MANDATORY_KEYS, "no_mandatory_keys"),
        (NO_ASYNC_LOADING, "no_async_loading"),
        (NO_MULTI, "no_multi"),
        (ALLOW_BUSY, "allow_busy"),
        (MOVABLE_KEYS, "movablekeys"),
    ];
}

/// One row of the command table: everything about a command (name, arity, flags, keys, ACL
/// categories, docs, tips, handler). Adding a command is one row and one handler.
pub struct CommandSpec {
    /// Lowercase name (for a subcommand, just the subcommand: "get" under "config").
    pub name: &'static str,
    /// Redis's convention: N means exactly N arguments including the name; -N at least N.
    pub arity: i32,
    pub flags: u32,
    /// Key positions: first, last (-1 = last argument, -2 = one before...), step.
    pub keys: (i32, i32, i32),
    /// ACL categories beyond those implied by flags, e.g. "@string @keyspace".
    pub group: &'static str,
    pub handler: Handler,
    /// For container commands (CONFIG, CLIENT, COMMAND...): their subcommands.
    pub subcommands: &'static [CommandSpec],
    /// COMMAND DOCS; None gives a generated summary.
    pub doc: Option<&'static Doc>,
    /// COMMAND INFO's tips, space-separated ("" for none).
    pub tips: &'static str,
    /// Access flags of each key spec, `;` between specs ("" = implied by the command flags).
    pub key_specs: &'static str,
    /// The note on the key spec ("" for none).
    pub key_note: &'static str,
    /// Where the keys are when the (first, last, step) range cannot say (movable keys), or
    /// when their flags depend on the arguments.
    pub keys_fn: Option<KeysFn>,
}

impl CommandSpec {
    pub const fn new(
        name: &'static str,
        arity: i32,
        flags: u32,
        keys: (i32, i32, i32),
        group: &'static str,
        handler: Handler,
    ) -> Self {
        CommandSpec {
            name,
            arity,
            flags,
            keys,
            group,
            handler,
            subcommands: &[],
            doc: None,
            tips: "",
            key_specs: "",
            key_note: "",
            keys_fn: None,
        }
    }
    pub const fn container(name: &'static str, group: &'static str, subcommands: &'static [CommandSpec]) -> Self {
        CommandSpec { arity: -2, subcommands, ..CommandSpec::new(name, 0, 0, (0, 0, 0), group, no_handler) }
    }
    /// A command that runs itself without a subcommand and has subcommands too (COMMAND).
    pub const fn subcommands(self, subcommands: &'static [CommandSpec]) -> Self {
        CommandSpec { subcommands, ..self }
    }
    pub const fn doc(self, doc: &'static Doc) -> Self {
        CommandSpec { doc: Some(doc), ..self }
    }
    pub const fn tips(self, tips: &'static str) -> Self {
        CommandSpec { tips, ..self }
    }
    pub const fn key_specs(self, key_specs: &'static str) -> Self {
        CommandSpec { key_specs, ..self }
    }
    pub const fn key_note(self, key_note: &'static str) -> Self {
        CommandSpec { key_note, ..self }
    }
    pub const fn keys_fn(self, keys_fn: KeysFn) -> Self {
        CommandSpec { keys_fn: Some(keys_fn), ..self }
    }
    pub fn arity_ok(&self, argc: usize) -> bool {
        let a = self.arity;
        if a >= 0 { argc == a as usize } else { argc >= a.unsigned_abs() as usize }
    }
    pub fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }
}

fn no_handler(_: &mut Ctx, _: Args) -> CmdResult {
    Err(CmdError::Syntax)
}

/// A resolved command: the row plus its position in the stats table and its full name.
pub struct Command {
    pub spec: &'static CommandSpec,
    pub id: usize,
    pub fullname: String,
    pub parent: Option<&'static CommandSpec>,
}

pub struct CommandTable {
    pub commands: Vec<Command>,
    by_name: HashMap<&'static [u8], usize, NameHash>,
    by_sub: HashMap<(&'static [u8], &'static [u8]), usize, NameHash>,
}

impl CommandTable {
    fn build(families: &'static [&'static [CommandSpec]]) -> CommandTable {
        let mut t = CommandTable {
            commands: Vec::new(),
            by_name: HashMap::with_hasher(NameHash),
            by_sub: HashMap::with_hasher(NameHash),
        };
        for family in families {
            for spec in family.iter() {
                let id = t.commands.len();
                t.commands.push(Command { spec, id, fullname: spec.name.to_string(), parent: None });
                t.by_name.insert(spec.name.as_bytes(), id);
                for sub in spec.subcommands {
                    let sid = t.commands.len();
                    t.commands.push(Command {
                        spec: sub,
                        id: sid,
                        fullname: format!("{}|{}", spec.name, sub.name),
                        parent: Some(spec),
                    });
                    t.by_sub.insert((spec.name.as_bytes(), sub.name.as_bytes()), sid);
                }
            }
        }
        t
    }

    /// Case-insensitive lookup without allocating (names are short; longer ones do not exist).
    pub fn lookup(&self, name: &[u8]) -> Option<&Command> {
        let mut tmp = [0u8; 32];
        let lower = lowercase(name, &mut tmp)?;
        self.by_name.get(lower).map(|&i| &self.commands[i])
    }

    pub fn lookup_sub(&self, parent: &'static str, sub: &[u8]) -> Option<&Command> {
        let mut tmp = [0u8; 32];
        let lower = lowercase(sub, &mut tmp)?;
        self.by_sub.get(&(parent.as_bytes(), lower)).map(|&i| &self.commands[i])
    }

    /// Top-level commands, in table order.
    pub fn top_level(&self) -> impl Iterator<Item = &Command> {
        self.commands.iter().filter(|c| c.parent.is_none())
    }

    pub fn by_id(&self, id: usize) -> Option<&Command> {
        self.commands.get(id)
    }
}

/// FNV-1a for the command-name maps: the keys are a fixed set of short names chosen by us, so
/// SipHash's flooding resistance buys nothing and costs a tenth of a GET.
#[derive(Clone, Copy, Default)]
pub struct NameHash;

pub struct Fnv(u64);

impl std::hash::BuildHasher for NameHash {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

fn lowercase<'a>(name: &[u8], tmp: &'a mut [u8; 32]) -> Option<&'a [u8]> {
    if name.len() > tmp.len() {
        return None;
    }
    for (d, s) in tmp.iter_mut().zip(name) {
        *d = s.to_ascii_lowercase();
    }
    Some(&tmp[..name.len()])
}

/// The families' rows, handed over once by `install_table` (the table cannot name
/// `commands/`, which sits above it).
static FAMILIES: OnceLock<&'static [&'static [CommandSpec]]> = OnceLock::new();
static TABLE: OnceLock<CommandTable> = OnceLock::new();

/// Hand the command families to the table; call once before the first `table()`. True when
/// these are the families the table uses (a repeated call with the same list is harmless).
pub fn install_table(families: &'static [&'static [CommandSpec]]) -> bool {
    std::ptr::eq(*FAMILIES.get_or_init(|| families), families)
}

/// The command table, built on first use from the installed families. Used before
/// `install_table` it is empty (every command unknown) rather than a crash, and says so.
pub fn table() -> &'static CommandTable {
    TABLE.get_or_init(|| {
        let families = FAMILIES.get_or_init(|| {
            log::error!("command table used before install_table: no commands are known");
            &[]
        });
        CommandTable::build(families)
    })
}

/// Per-connection state that commands read and change.
pub struct ClientState {
    pub id: u64,
    pub db: usize,
    pub authenticated: bool,
    pub resp: u8,
    /// Set by QUIT: flush the replies and close.
    pub close_after_reply: bool,
    pub info: std::sync::Arc<crate::server::ClientInfo>,
    /// CLIENT REPLY and CLIENT NO-TOUCH state.
    pub modes: ClientModes,
    /// Set by PSYNC/SYNC: the connection turns into a replica link after this batch.
    pub repl_handoff: Option<Box<crate::replication::Handoff>>,
    /// The last command this client ran: pipelines mostly repeat one command, and comparing
    /// its name is cheaper than hashing it.
    pub last: Option<&'static Command>,
    /// Bytes of the current input consumed before the running command (the master link's
    /// REPLCONF GETACK reports the offset before itself).
    pub input_pos: usize,
}

impl ClientState {
    pub fn new(info: std::sync::Arc<crate::server::ClientInfo>, authenticated: bool) -> Self {
        ClientState {
            id: info.id,
            db: 0,
            authenticated,
            resp: 2,
            close_after_reply: false,
            info,
            modes: ClientModes::default(),
            repl_handoff: None,
            last: None,
            input_pos: 0,
        }
    }
}

/// Per-connection switches set by CLIENT subcommands. The connection loop discards a
/// command's reply while `reply_off` or `reply_skip` is set.
#[derive(Default, Clone, Copy, Debug)]
pub struct ClientModes {
    /// CLIENT REPLY OFF.
    pub reply_off: bool,
    /// CLIENT REPLY SKIP was just executed: skip the next command's reply.
    pub reply_skip_next: bool,
    /// The reply of the command being executed is skipped.
    pub reply_skip: bool,
    /// CLIENT NO-TOUCH ON: commands other than TOUCH leave keys' access time alone.
    pub no_touch: bool,
    /// This connection is the link to our master: its writes are allowed on a replica, its
    /// replies are discarded (but for `force_reply`), and it sees keys whose TTL has passed.
    pub master_link: bool,
    /// The command's reply goes to the master although this is the master link (REPLCONF ACK).
    pub force_reply: bool,
    /// Replication offset right after this client's last propagated write (WAIT).
    pub woff: u64,
    /// On the master link: the replication offset of the stream before the command running.
    pub applied_offset: u64,
}

/// The store, locked on first use and held until the dispatcher releases it.
pub struct Store<'a> {
    mutex: &'a std::sync::Mutex<Keyspace>,
    guard: Option<MutexGuard<'a, Keyspace>>,
    /// This store serves the link to our master (see `Keyspace::set_from_master`).
    from_master: bool,
}

impl<'a> Store<'a> {
    pub fn new(mutex: &'a std::sync::Mutex<Keyspace>) -> Self {
        Store { mutex, guard: None, from_master: false }
    }
    /// The store of the replication link: the master's writes see keys whose TTL has passed.
    pub fn for_master(mutex: &'a std::sync::Mutex<Keyspace>) -> Self {
        Store { mutex, guard: None, from_master: true }
    }
    pub fn ks(&mut self) -> &mut Keyspace {
        if self.guard.is_none() {
            let mut g = lock(self.mutex);
            g.set_from_master(self.from_master);
            self.guard = Some(g);
        }
        match &mut self.guard {
            Some(g) => g,
            None => unreachable!("the guard was set just above"),
        }
    }
    pub fn db(&mut self, i: usize) -> DbMut<'_> {
        self.ks().db(i)
    }
    pub fn release(&mut self) {
        if let Some(mut g) = self.guard.take() {
            g.set_from_master(false);
        }
    }
    /// The keyspace if this command (or batch) has locked it already.
    pub fn locked(&mut self) -> Option<&mut Keyspace> {
        self.guard.as_deref_mut()
    }
}

/// How a command reaches replicas (and, later, the AOF): as received, rewritten, or not at all.
#[derive(Default)]
pub enum Propagate {
    /// Nothing changed: not propagated.
    #[default]
    Unchanged,
    /// Changed data: propagated as received, in the client's database.
    Verbatim,
    /// Propagated as these commands instead, each with its database.
    As(Vec<(usize, Vec<Vec<u8>>)>),
    /// Never propagated, whatever it changed.
    Never,
}

/// A blocking command that found nothing to serve: park the client on these keys of its
/// database until one becomes ready (then the command runs again), the deadline passes (then
/// `on_timeout` writes the reply), or the client is unblocked.
pub struct BlockOn {
    pub keys: Vec<Vec<u8>>,
    /// Absolute unix milliseconds; None waits forever.
    pub deadline: Option<i64>,
    pub on_timeout: fn(&mut Reply),
}

/// Everything a handler may touch. Fields are public so a handler can borrow the store and
/// the reply buffer at the same time.
pub struct Ctx<'a, 's> {
    pub server: &'a Server,
    pub client: &'a mut ClientState,
    pub out: &'a mut Reply,
    pub store: &'a mut Store<'s>,
    /// Milliseconds since the epoch, fixed for the duration of one command (as Redis does).
    pub now: i64,
    pub cmd: &'a Command,
    /// What the replication stream receives for this command.
    pub prop: Propagate,
    /// Set by a blocking command that must wait (see `BlockOn`).
    pub block: Option<BlockOn>,
}

impl Ctx<'_, '_> {
    /// The client's selected database.
    pub fn db(&mut self) -> DbMut<'_> {
        let i = self.client.db;
        self.store.db(i)
    }
    /// The whole keyspace (commands spanning databases, INFO, SAVE).
    pub fn ks(&mut self) -> &mut Keyspace {
        self.store.ks()
    }
    /// Count a write for the save points.
    pub fn dirty(&mut self, n: u64) {
        self.store.ks().dirty += n;
        if n > 0 && matches!(self.prop, Propagate::Unchanged) {
            self.prop = Propagate::Verbatim;
        }
    }
    /// Propagate the effect of this command as `args` in the client's database (call once per
    /// command to send).
    pub fn propagate_as(&mut self, args: &[&[u8]]) {
        let db = self.client.db;
        self.propagate_in(db, args);
    }
    /// Propagate `args` as a command of database `db`.
    pub fn propagate_in(&mut self, db: usize, args: &[&[u8]]) {
        let cmd = (db, args.iter().map(|a| a.to_vec()).collect());
        match &mut self.prop {
            Propagate::As(v) => v.push(cmd),
            Propagate::Never => {}
            p => *p = Propagate::As(vec![cmd]),
        }
    }
    /// Do not propagate this command.
    pub fn propagate_none(&mut self) {
        self.prop = Propagate::Never;
    }
    /// Wait for one of `keys` (see `BlockOn`); the handler writes no reply. Where a client may
    /// not block (the link to our master; later MULTI and scripts), the command answers as on
    /// a timeout at once, as Redis does.
    pub fn block_on(&mut self, keys: Vec<Vec<u8>>, deadline: Option<i64>, on_timeout: fn(&mut Reply)) {
        if self.client.modes.master_link {
            on_timeout(self.out);
            return;
        }
        self.block = Some(BlockOn { keys, deadline, on_timeout });
    }
}

/// Format Redis's unknown-command error.
fn unknown_command(args: Args<'_>) -> CmdError {
    let mut list = String::new();
    for a in args.iter().skip(1) {
        if list.len() >= 128 {
            break;
        }
        let s = String::from_utf8_lossy(a);
        let room = 128 - list.len();
        let s: String = s.chars().take(room).collect();
        list.push_str(&format!("'{s}' "));
    }
    let name: String = String::from_utf8_lossy(args.get(0)).chars().take(128).collect();
    CmdError::Msg(format!("ERR unknown command '{name}', with args beginning with: {list}"))
}

/// Resolve the command in `args`, answering lookup and arity errors itself.
pub fn resolve<'t>(t: &'t CommandTable, args: Args<'_>) -> Result<&'t Command, CmdError> {
    let cmd = t.lookup(args.get(0)).ok_or_else(|| unknown_command(args))?;
    if !cmd.spec.subcommands.is_empty() && args.len() >= 2 {
        return match t.lookup_sub(cmd.spec.name, args.get(1)) {
            Some(sub) if sub.spec.arity_ok(args.len()) => Ok(sub),
            Some(sub) => Err(CmdError::WrongArity(sub.fullname.clone())),
            None => {
                let s: String = String::from_utf8_lossy(args.get(1)).chars().take(128).collect();
                Err(CmdError::Msg(format!("ERR unknown subcommand '{s}'. Try {} HELP.", cmd.spec.name.to_uppercase())))
            }
        };
    }
    if !cmd.spec.arity_ok(args.len()) {
        return Err(CmdError::WrongArity(cmd.fullname.clone()));
    }
    Ok(cmd)
}

/// What the reading loop does after `execute`.
pub enum Next {
    /// Read more input.
    Continue,
    /// Flush the replies and close (QUIT, a protocol error).
    Close,
    /// The last command blocked on keys: wait, then go on with the rest of the input.
    Blocked(std::sync::Arc<blocking::Waiter>),
    /// PSYNC/SYNC: the connection becomes a replica link.
    Handoff,
}

/// Parse and execute every complete command in `data` (a client's input, or the master's
/// stream); returns the bytes used. Both the client connection and the replication link run
/// their input through here, so both take the same path through dispatch.
pub fn execute(
    server: &Server,
    client: &mut ClientState,
    parser: &mut crate::resp::Parser,
    out: &mut Reply,
    store: &mut Store<'_>,
    data: &[u8],
) -> (usize, Next) {
    use crate::resp::Parsed;
    let mut pos = 0;
    while pos < data.len() {
        match parser.parse(&data[pos..]) {
            Parsed::Command { consumed, inline } => {
                let args = parser.args(&data[pos..], inline);
                let mark = out.len();
                client.input_pos = pos;
                let outcome = dispatch(server, client, out, store, args);
                filter_reply(&mut client.modes, out, mark);
                pos += consumed;
                if let Outcome::Blocked(b) = outcome {
                    return (pos, Next::Blocked(blocking::park(server, client, store, b, args)));
                }
                if client.repl_handoff.is_some() {
                    return (pos, Next::Handoff);
                }
                if client.close_after_reply {
                    return (pos, Next::Close);
                }
                parser.unauthenticated = !client.authenticated && server.requirepass_set.load(Relaxed);
            }
            Parsed::Empty { consumed } => pos += consumed,
            Parsed::Incomplete => return (pos, Next::Continue),
            Parsed::Error(e) => {
                server.stats.protocol_errors.fetch_add(1, Relaxed);
                server.count_error("ERR");
                if !client.modes.reply_off && !client.modes.reply_skip {
                    out.error(&format!("ERR {}", e.0));
                }
                log::debug!("protocol error from client {}: {}", client.id, e.0);
                return (data.len(), Next::Close);
            }
        }
    }
    (pos, Next::Continue)
}

/// Drop the reply of the command just run when nobody is to see it: CLIENT REPLY OFF/SKIP
/// (even an error; SKIP arms the skip for the command after it), and every reply to our master
/// but those it asked for (REPLCONF ACK).
fn filter_reply(m: &mut ClientModes, out: &mut Reply, mark: usize) {
    if m.master_link {
        if !std::mem::take(&mut m.force_reply) {
            out.truncate(mark);
        }
        return;
    }
    if m.reply_off || m.reply_skip || m.reply_skip_next {
        if m.reply_off || m.reply_skip {
            out.truncate(mark);
        }
        m.reply_skip = std::mem::take(&mut m.reply_skip_next);
    }
}

/// What became of a dispatched command.
pub enum Outcome {
    /// Answered (or rejected): its reply is in the buffer.
    Done,
    /// Parked: the connection waits (see `blocking::wait`) and writes the reply then.
    Blocked(BlockOn),
}

/// Execute one command and write its reply: dispatch → call → after_call.
///
/// dispatch does the generic checks once each, in Redis's order (`processCommand`): lookup and
/// arity, authentication, ACL, OOM, MISCONF, a read-only replica, the pub/sub context and the
/// MULTI queue. The hooks that later subsystems fill in are marked.
pub fn dispatch(
    server: &Server,
    client: &mut ClientState,
    out: &mut Reply,
    store: &mut Store<'_>,
    args: Args<'_>,
) -> Outcome {
    let cmd = match lookup(client, args) {
        Ok(c) => c,
        Err(e) => {
            count_rejected_lookup(server, client, args);
            reply_error(server, out, &e);
            return Outcome::Done;
        }
    };
    if let Err(e) = check(server, client, cmd) {
        server.shard(client.id).cmds[cmd.id].rejected.fetch_add(1, Relaxed);
        reply_error(server, out, &e);
        return Outcome::Done;
    }
    client.info.last_cmd.store(cmd.id, Relaxed);
    let (prop, block) = call(server, client, out, store, cmd, args);
    after_call(server, client, store, prop, args);
    match block {
        Some(b) => Outcome::Blocked(b),
        None => Outcome::Done,
    }
}

/// The command table's row for `args`, trying the client's last command first.
fn lookup(client: &mut ClientState, args: Args<'_>) -> Result<&'static Command, CmdError> {
    let cached = client.last.filter(|c| {
        c.spec.subcommands.is_empty()
            && c.spec.name.as_bytes().eq_ignore_ascii_case(args.get(0))
            && c.spec.arity_ok(args.len())
    });
    let cmd = match cached {
        Some(c) => c,
        None => resolve(table(), args)?,
    };
    client.last = Some(cmd);
    Ok(cmd)
}

/// Redis counts a rejection on the subcommand, and not at all for an unknown command.
fn count_rejected_lookup(server: &Server, client: &ClientState, args: Args<'_>) {
    let t = table();
    let rejected = match t.lookup(args.get(0)) {
        Some(c) if !c.spec.subcommands.is_empty() && args.len() >= 2 => t.lookup_sub(c.spec.name, args.get(1)),
        other => other,
    };
    if let Some(c) = rejected {
        server.shard(client.id).cmds[c.id].rejected.fetch_add(1, Relaxed);
    }
}

/// The generic checks after lookup, each with its Redis error.
fn check(server: &Server, client: &ClientState, cmd: &Command) -> Result<(), CmdError> {
    let spec = cmd.spec;
    // Redis's authRequired(): clearing requirepass at run time lets unauthenticated clients in.
    if !client.authenticated && !spec.has(flags::NO_AUTH) && server.requirepass_set.load(Relaxed) {
        return Err(CmdError::NoAuth);
    }
    // Hook: ACL permissions (the security issue).
    // Hook: OOM for DENYOOM commands past maxmemory (the limits issue).
    if (spec.has(flags::WRITE) || spec.name == "ping")
        && !client.modes.master_link
        && let Some(e) = crate::persistence::misconf_error(server)
    {
        return Err(e);
    }
    if spec.has(flags::WRITE) && !client.modes.master_link && crate::replication::refuses_writes(server) {
        return Err(CmdError::ReadOnly);
    }
    // Hook: the pub/sub context of a RESP2 subscriber, and the MULTI queue (the transactions
    // issue): both decide here, before the handler runs.
    Ok(())
}

/// Run the handler with statistics; a panic in it becomes an error reply.
fn call(
    server: &Server,
    client: &mut ClientState,
    out: &mut Reply,
    store: &mut Store<'_>,
    cmd: &Command,
    args: Args<'_>,
) -> (Propagate, Option<BlockOn>) {
    // Two clock reads per command, as Redis's call(): the start fixes the command's time.
    let started = crate::server::now_us();
    let now = started / 1000;
    let mut ctx = Ctx { server, client, out, store, now, cmd, prop: Propagate::Unchanged, block: None };
    let mark = ctx.out.len();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (cmd.spec.handler)(&mut ctx, args)));
    let shard = server.shard(ctx.client.id);
    let stats = &shard.cmds[cmd.id];
    if ctx.block.is_none() {
        // A parked command is counted when it is served or times out, as in Redis.
        stats.calls.fetch_add(1, Relaxed);
        shard.counters.commands.fetch_add(1, Relaxed);
    }
    stats.usec.fetch_add(crate::server::now_us().saturating_sub(started) as u64, Relaxed);
    match result {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            ctx.out.truncate(mark);
            stats.failed.fetch_add(1, Relaxed);
            reply_error(server, ctx.out, &e);
            ctx.block = None;
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            log::warn!("command '{}' panicked: {what}", cmd.fullname);
            ctx.out.truncate(mark);
            stats.failed.fetch_add(1, Relaxed);
            reply_error(server, ctx.out, &CmdError::err(format!("internal error while executing '{}'", cmd.fullname)));
            ctx.block = None;
        }
    }
    (std::mem::take(&mut ctx.prop), ctx.block.take())
}

/// The consequences of one call, handled once, still under the store lock: propagation of the
/// keys that expired and of the command itself (wrapped in MULTI/EXEC when it produced several
/// commands), then the clients blocked on keys it made ready. WATCH invalidation and keyspace
/// notifications drain the same log (the transactions and pub/sub issues).
pub fn after_call(server: &Server, client: &mut ClientState, store: &mut Store<'_>, prop: Propagate, args: Args<'_>) {
    let Some(ks) = store.locked() else { return };
    if ks.events.is_empty() && matches!(prop, Propagate::Unchanged | Propagate::Never) {
        return;
    }
    if let Some(off) = propagate(server, &ks.events, client.db, &prop, args) {
        client.modes.woff = off;
    }
    let ready = blocking::take_ready(ks);
    ks.events.clear();
    if !ready.is_empty() {
        blocking::serve_ready(server, store, ready);
    }
}

/// Hand what one call changed to every sink as `(db, argv)` commands: each expired or evicted
/// key as a DEL of its own, then the command's effects. Returns the replication offset after
/// them when they were fed.
fn propagate(server: &Server, events: &EventLog, db: usize, prop: &Propagate, args: Args<'_>) -> Option<u64> {
    propagate_to(&server.sinks(), events, db, prop, args)
}

fn propagate_to(
    sinks: &[&dyn crate::propagate::Sink],
    events: &EventLog,
    db: usize,
    prop: &Propagate,
    args: Args<'_>,
) -> Option<u64> {
    if !sinks.iter().any(|s| s.active()) {
        return None;
    }
    let dels = events.iter().filter(|e| e.kind.propagates_del());
    let mut batch: Vec<Propagated<'_>> = Vec::new();
    for e in dels {
        batch.push(Propagated::new(Some(e.db), PropArgs::Del(e.key)));
    }
    match prop {
        Propagate::Verbatim => batch.push(Propagated::new(Some(db), PropArgs::Args(args))),
        Propagate::As(cmds) => {
            let wrap = cmds.len() > 1;
            if wrap {
                batch.push(Propagated::new(cmds.first().map(|c| c.0), PropArgs::Static(&[b"MULTI"])));
            }
            batch.extend(cmds.iter().map(|(d, argv)| Propagated::new(Some(*d), PropArgs::Owned(argv))));
            if wrap {
                batch.push(Propagated::new(None, PropArgs::Static(&[b"EXEC"])));
            }
        }
        Propagate::Unchanged | Propagate::Never => {}
    }
    if batch.is_empty() {
        return None;
    }
    let mut offset = None;
    for s in sinks.iter().filter(|s| s.active()) {
        offset = s.feed(&batch).or(offset);
    }
    offset
}

pub fn reply_error(server: &Server, out: &mut Reply, e: &CmdError) {
    server.count_error(&e.code());
    out.error(&e.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::propagate::Sink;
    use std::sync::Mutex;

    /// A sink that records the commands it is fed as (db, words).
    #[derive(Default)]
    struct Recorder(Mutex<Vec<(Option<usize>, Vec<String>)>>);

    impl Sink for Recorder {
        fn active(&self) -> bool {
            true
        }
        fn feed(&self, cmds: &[Propagated<'_>]) -> Option<u64> {
            let mut got = lock(&self.0);
            for c in cmds {
                let words = (0..c.args.len()).map(|i| String::from_utf8_lossy(c.args.get(i)).into_owned()).collect();
                got.push((c.db, words));
            }
            Some(got.len() as u64)
        }
    }

    fn words(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn expired_keys_go_first_and_several_commands_are_wrapped() {
        let rec = Recorder::default();
        let mut events = EventLog::default();
        events.expired(3, b"old");
        let buf = b"SETk1";
        let spans = [(0, 3), (3, 4), (4, 5)];
        let args = Args::new(buf, &spans);
        let sinks: [&dyn Sink; 1] = [&rec];
        assert_eq!(propagate_to(&sinks, &events, 1, &Propagate::Verbatim, args), Some(2));
        let two =
            Propagate::As(vec![(1, vec![b"SREM".to_vec(), b"s".to_vec()]), (2, vec![b"DEL".to_vec(), b"t".to_vec()])]);
        propagate_to(&sinks, &EventLog::default(), 1, &two, args);
        assert_eq!(propagate_to(&sinks, &EventLog::default(), 1, &Propagate::Unchanged, args), None);
        assert_eq!(propagate_to(&sinks, &EventLog::default(), 1, &Propagate::Never, args), None);
        let got = lock(&rec.0).clone();
        assert_eq!(
            got,
            vec![
                (Some(3), words(&["DEL", "old"])),
                (Some(1), words(&["SET", "k", "1"])),
                (Some(1), words(&["MULTI"])),
                (Some(1), words(&["SREM", "s"])),
                (Some(2), words(&["DEL", "t"])),
                (None, words(&["EXEC"])),
            ]
        );
    }
}
