//! Replication, both sides of Redis 7.0's protocol.
//!
//! Master side: every write is encoded into the replication stream while the store lock is
//! still held (so the stream's order is the order writes were applied), appended to the
//! backlog and handed to one crossbeam channel per replica; a sender thread per replica
//! writes its channel to the socket. Channels are accounted in bytes and a replica past its
//! output-buffer limit is dropped, so the master never waits for a replica.
//!
//! Replica side: a dedicated thread keeps the link to the master (handshake, PSYNC, snapshot
//! load, then the stream applied through `dispatch` as the master client), acknowledges its
//! offset, reconnects with backoff, and proxies the bytes it applied to its own replicas.
//!
//! Lock order: store, then replication state (never the other way round).

use crate::command::{ClientModes, ClientState, Ctx, Propagate, Store, dispatch};
use crate::database::Keyspace;
use crate::error::{CmdError, CmdResult};
use crate::resp::{Args, Parsed, Parser, Reply};
use crate::server::{ClientInfo, Server, lock, now_ms, random_hex, read};
use crossbeam_channel::{Receiver, Sender, unbounded};
use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

const NO_REPLID: &str = "0000000000000000000000000000000000000000";
/// How long the link thread blocks in `read` before checking timers and role changes.
const LINK_POLL: Duration = Duration::from_millis(100);

/// Replication state shared by every thread.
pub struct Repl {
    pub state: Mutex<ReplState>,
    /// Signalled when a replica acknowledges an offset (WAIT sleeps on it with `state`).
    acked: Condvar,
    /// A backlog exists, so writes are fed to the stream (read without the lock).
    feeding: AtomicBool,
    /// This server replicates a master.
    replica: AtomicBool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LinkStatus {
    Connect,
    Connecting,
    Handshake,
    Sync,
    Connected,
}

impl LinkStatus {
    fn name(self) -> &'static str {
        match self {
            LinkStatus::Connect => "connect",
            LinkStatus::Connecting => "connecting",
            LinkStatus::Handshake => "handshake",
            LinkStatus::Sync => "sync",
            LinkStatus::Connected => "connected",
        }
    }
}

/// The master this server replicates, and the state of the link to it.
pub struct MasterLink {
    pub host: String,
    pub port: u16,
    pub status: LinkStatus,
    pub last_io: Instant,
    /// When the link was last lost (None: never connected, Redis's "down since ever").
    pub down_since: Option<Instant>,
    /// A snapshot transfer in progress: (declared size or -1 for diskless, bytes read, last read).
    pub transfer: Option<(i64, u64, Instant)>,
}

/// What a replica told us with REPLCONF before its PSYNC.
#[derive(Default, Clone)]
struct ReplicaConf {
    port: u16,
    ip: Option<String>,
    psync2: bool,
}

/// One connected replica, as the master sees it.
pub struct Replica {
    pub client_id: u64,
    pub ip: String,
    pub port: u16,
    pub ack: u64,
    pub ack_time: Instant,
    tx: Sender<Arc<[u8]>>,
    queued: Arc<AtomicUsize>,
    online: Arc<AtomicBool>,
    info: Arc<ClientInfo>,
    limits: (usize, usize, u64),
    soft_since: Option<Instant>,
}

/// The replication history kept for partial resyncs: the last `size` bytes of the stream.
struct Backlog {
    buf: VecDeque<u8>,
}

pub struct ReplState {
    pub master: Option<MasterLink>,
    /// Bumped whenever the master changes, so a stale link thread knows to stop.
    pub epoch: u64,
    pub replid: String,
    pub replid2: String,
    pub offset: u64,
    pub second_offset: i64,
    backlog: Option<Backlog>,
    backlog_size: usize,
    /// The database the stream last SELECTed (None: emit a SELECT before the next write).
    stream_db: Option<usize>,
    /// On a replica, the database the master's stream currently writes to.
    pub link_db: usize,
    /// We have a history (replid, offset) worth offering to a master with PSYNC.
    cached_master: bool,
    pub replicas: Vec<Replica>,
    pending: HashMap<u64, ReplicaConf>,
    last_ping: Instant,
    pub sync_full: u64,
    pub sync_partial_ok: u64,
    pub sync_partial_err: u64,
}

impl Repl {
    pub fn new(config: &crate::config::Config) -> Repl {
        Repl {
            state: Mutex::new(ReplState {
                master: None,
                epoch: 0,
                replid: random_hex(40),
                replid2: NO_REPLID.into(),
                offset: 0,
                second_offset: -1,
                backlog: None,
                backlog_size: config.repl_backlog_size.max(16 * 1024) as usize,
                stream_db: None,
                link_db: 0,
                cached_master: false,
                replicas: Vec::new(),
                pending: HashMap::new(),
                last_ping: Instant::now(),
                sync_full: 0,
                sync_partial_ok: 0,
                sync_partial_err: 0,
            }),
            acked: Condvar::new(),
            feeding: AtomicBool::new(false),
            replica: AtomicBool::new(false),
        }
    }
}

/// Append `args` as a RESP multibulk to `out`.
pub fn encode<'a>(out: &mut Vec<u8>, args: impl ExactSizeIterator<Item = &'a [u8]>) {
    out.push(b'*');
    crate::resp::push_int(out, args.len() as i64);
    out.extend_from_slice(b"\r\n");
    for a in args {
        out.push(b'$');
        crate::resp::push_int(out, a.len() as i64);
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

impl ReplState {
    fn is_master(&self) -> bool {
        self.master.is_none()
    }

    /// Encode one command of database `db` (None: database-independent) for the stream.
    fn encode_cmd<'a>(&mut self, out: &mut Vec<u8>, db: Option<usize>, args: impl ExactSizeIterator<Item = &'a [u8]>) {
        if let Some(db) = db
            && self.stream_db != Some(db)
        {
            let n = db.to_string();
            encode(out, [&b"SELECT"[..], n.as_bytes()].into_iter());
            self.stream_db = Some(db);
        }
        encode(out, args);
    }

    /// Append bytes to the stream: the backlog, the offset and every replica's channel.
    fn feed(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let Some(b) = &mut self.backlog else { return };
        b.buf.extend(bytes.iter().copied());
        let excess = b.buf.len().saturating_sub(self.backlog_size);
        if excess > 0 {
            b.buf.drain(..excess);
        }
        self.offset += bytes.len() as u64;
        if self.replicas.is_empty() {
            return;
        }
        let msg: Arc<[u8]> = Arc::from(bytes);
        let mut dead = Vec::new();
        for r in &mut self.replicas {
            let q = r.queued.fetch_add(msg.len(), Relaxed) + msg.len();
            if over_limit(r, q) {
                dead.push(r.client_id);
                continue;
            }
            if r.tx.send(msg.clone()).is_err() {
                dead.push(r.client_id);
            }
        }
        for id in dead {
            self.drop_replica(id, "output buffer limit reached");
        }
    }

    fn drop_replica(&mut self, id: u64, why: &str) {
        if let Some(i) = self.replicas.iter().position(|r| r.client_id == id) {
            let r = self.replicas.remove(i);
            log::warn!("Disconnecting replica {}:{}: {why}", r.ip, r.port);
            r.info.kill();
        }
    }

    fn drop_all_replicas(&mut self, why: &str) {
        let ids: Vec<u64> = self.replicas.iter().map(|r| r.client_id).collect();
        for id in ids {
            self.drop_replica(id, why);
        }
    }

    fn ensure_backlog(&mut self, feeding: &AtomicBool) {
        if self.backlog.is_none() {
            self.backlog = Some(Backlog { buf: VecDeque::new() });
            feeding.store(true, Relaxed);
            crate::database::LOG_EXPIRED.store(true, Relaxed);
        }
    }

    /// Offset of the first byte held by the backlog (Redis's repl_backlog_first_byte_offset).
    fn first_byte(&self) -> u64 {
        self.offset + 1 - self.backlog.as_ref().map_or(0, |b| b.buf.len() as u64)
    }

    /// Whether a replica that has `replid` up to `offset - 1` can continue from the backlog.
    fn can_continue(&self, replid: &str, offset: i64) -> bool {
        if self.backlog.is_none() || offset < 0 {
            return false;
        }
        let known = replid == self.replid || (replid == self.replid2 && offset <= self.second_offset);
        known && (offset as u64) >= self.first_byte() && (offset as u64) <= self.offset + 1
    }

    /// A new history: fresh replid, the old one kept for replicas that continue from it.
    fn shift_replid(&mut self) {
        self.replid2 = std::mem::replace(&mut self.replid, random_hex(40));
        self.second_offset = self.offset as i64 + 1;
    }

    fn count_acks(&self, offset: u64) -> usize {
        self.replicas.iter().filter(|r| r.online.load(Relaxed) && r.ack >= offset).count()
    }
}

fn over_limit(r: &mut Replica, queued: usize) -> bool {
    let (hard, soft, secs) = r.limits;
    if hard > 0 && queued > hard {
        return true;
    }
    if soft > 0 && queued > soft {
        let since = *r.soft_since.get_or_insert_with(Instant::now);
        return since.elapsed() >= Duration::from_secs(secs);
    }
    r.soft_since = None;
    false
}

/// The replica class of client-output-buffer-limit: (hard, soft, soft seconds).
fn replica_limits(server: &Server) -> (usize, usize, u64) {
    let v = read(&server.config).param("client-output-buffer-limit").unwrap_or_default();
    let parts: Vec<&str> = v.split(' ').collect();
    for c in parts.chunks(4) {
        if c.len() == 4 && (c[0] == "slave" || c[0] == "replica") {
            let n = |s: &str| s.parse::<usize>().unwrap_or(0);
            return (n(c[1]), n(c[2]), n(c[3]) as u64);
        }
    }
    (256 << 20, 64 << 20, 60)
}

static SERVER: OnceLock<Arc<Server>> = OnceLock::new();

/// Start-up: remember the server for the threads we spawn, start the replication cron, and
/// connect to the configured master.
pub fn init(server: Arc<Server>) {
    let _ = SERVER.set(server.clone());
    let s = server.clone();
    let _ = std::thread::Builder::new().name("repl-cron".into()).spawn(move || cron(s));
    let target = read(&server.config).replicaof.clone();
    if let Some((host, port)) = target {
        // At start-up only a history restored from an RDB is offered to the master.
        switch_master(&server, Some((host, port)), false);
    }
}

fn cron(server: Arc<Server>) {
    loop {
        std::thread::sleep(Duration::from_millis(100));
        let (size, period) = {
            let c = read(&server.config);
            (c.repl_backlog_size.max(16 * 1024) as usize, c.repl_ping_replica_period.max(1))
        };
        let mut st = lock(&server.repl.state);
        st.backlog_size = size;
        if st.is_master() && !st.replicas.is_empty() && st.last_ping.elapsed() >= Duration::from_secs(period) {
            st.last_ping = Instant::now();
            let mut buf = Vec::new();
            st.encode_cmd(&mut buf, None, [&b"PING"[..]].into_iter());
            st.feed(&buf);
        }
        // The soft output-buffer limit also applies while nothing new is written.
        let mut dead = Vec::new();
        for r in &mut st.replicas {
            let q = r.queued.load(Relaxed);
            if over_limit(r, q) {
                dead.push(r.client_id);
            }
        }
        for id in dead {
            st.drop_replica(id, "output buffer limit reached");
        }
    }
}

/// Whether WRITE commands from ordinary clients are refused (a read-only replica).
pub fn refuses_writes(server: &Server) -> bool {
    server.repl.replica.load(Relaxed) && read(&server.config).param_bool("replica-read-only") != Some(false)
}

/// Called by `dispatch` after every command, with the store lock still held if the command
/// took it: feed the expired keys' DELs and the command (or its rewrite) to the stream.
pub fn propagate(server: &Server, client: &mut ClientState, store: &mut Store<'_>, prop: Propagate, args: Args<'_>) {
    if !server.repl.feeding.load(Relaxed) {
        // No backlog, no replica: nothing is logged or fed (see `database::LOG_EXPIRED`).
        return;
    }
    let Some(ks) = store.locked() else { return };
    let feeding = server.repl.feeding.load(Relaxed) && !server.repl.replica.load(Relaxed);
    let expired = take_expired(ks, feeding);
    if !feeding || (expired.is_empty() && matches!(prop, Propagate::Unchanged | Propagate::Never)) {
        return;
    }
    let mut st = lock(&server.repl.state);
    let mut buf = Vec::new();
    for (db, key) in &expired {
        st.encode_cmd(&mut buf, Some(*db), [&b"DEL"[..], key].into_iter());
    }
    match prop {
        Propagate::Verbatim => st.encode_cmd(&mut buf, Some(client.db), args.iter().collect::<Vec<_>>().into_iter()),
        Propagate::As(cmds) => {
            for c in &cmds {
                st.encode_cmd(&mut buf, Some(client.db), c.iter().map(|a| a.as_slice()));
            }
        }
        Propagate::Unchanged | Propagate::Never => {}
    }
    st.feed(&buf);
    client.modes.woff = st.offset;
}

/// The keys expired since the last call, emptied from every database's log.
fn take_expired(ks: &mut Keyspace, keep: bool) -> Vec<(usize, Vec<u8>)> {
    let mut out = Vec::new();
    for (i, db) in ks.dbs.iter_mut().enumerate() {
        if db.expired_log.is_empty() {
            continue;
        }
        if keep {
            out.extend(db.expired_log.drain(..).map(|k| (i, k)));
        } else {
            db.expired_log.clear();
        }
    }
    out
}

/// The active expiry cycle's deletions reach replicas as DELs (called under the store lock).
pub fn propagate_expired(server: &Server, ks: &mut Keyspace) {
    if !server.repl.feeding.load(Relaxed) {
        return;
    }
    let feeding = server.repl.feeding.load(Relaxed) && !server.repl.replica.load(Relaxed);
    let expired = take_expired(ks, feeding);
    if expired.is_empty() {
        return;
    }
    let mut st = lock(&server.repl.state);
    let mut buf = Vec::new();
    for (db, key) in &expired {
        st.encode_cmd(&mut buf, Some(*db), [&b"DEL"[..], key].into_iter());
    }
    st.feed(&buf);
}

/// A connection closed: forget it as a replica.
pub fn client_gone(server: &Server, id: u64) {
    let mut st = lock(&server.repl.state);
    st.pending.remove(&id);
    if let Some(i) = st.replicas.iter().position(|r| r.client_id == id) {
        let r = st.replicas.remove(i);
        log::info!("Connection with replica {}:{} lost.", r.ip, r.port);
    }
}

// ---------------------------------------------------------------------------------------------
// Master side
// ---------------------------------------------------------------------------------------------

/// What the connection needs to turn into a replica link once the PSYNC reply is flushed.
pub struct Handoff {
    rx: Receiver<Arc<[u8]>>,
    snapshot: Option<(crate::rdb::Snapshot, Vec<(&'static str, String)>)>,
    queued: Arc<AtomicUsize>,
    online: Arc<AtomicBool>,
    info: Arc<ClientInfo>,
}

/// REPLCONF option value ... (options from a replica before or after its PSYNC).
pub fn replconf(ctx: &mut Ctx, args: Args) -> CmdResult {
    if args.len().is_multiple_of(2) {
        return Err(CmdError::Syntax);
    }
    let id = ctx.client.id;
    let mut j = 1;
    while j + 1 < args.len() {
        let (opt, val) = (&args[j], &args[j + 1]);
        let is = |n: &str| crate::util::is(opt, n);
        if is("listening-port") {
            let port = crate::util::parse_int(val)?;
            lock(&ctx.server.repl.state).pending.entry(id).or_default().port = port.clamp(0, 65535) as u16;
        } else if is("ip-address") {
            let ip = String::from_utf8_lossy(val).into_owned();
            lock(&ctx.server.repl.state).pending.entry(id).or_default().ip = Some(ip);
        } else if is("capa") {
            if crate::util::is(val, "psync2") {
                lock(&ctx.server.repl.state).pending.entry(id).or_default().psync2 = true;
            }
        } else if is("ack") {
            // Acknowledgements get no reply.
            if let Some(off) = std::str::from_utf8(val).ok().and_then(|s| s.parse::<u64>().ok()) {
                let mut st = lock(&ctx.server.repl.state);
                if let Some(r) = st.replicas.iter_mut().find(|r| r.client_id == id) {
                    r.ack = r.ack.max(off);
                    r.ack_time = Instant::now();
                    ctx.server.repl.acked.notify_all();
                }
            }
            return Ok(());
        } else if is("getack") {
            // Answered by the link thread when it comes from our master; ignored otherwise.
            return Ok(());
        } else if is("rdb-only") || is("rdb-filter-only") {
        } else {
            return Err(CmdError::err(format!("Unrecognized REPLCONF option: {}", String::from_utf8_lossy(opt))));
        }
        j += 2;
    }
    ctx.out.ok();
    Ok(())
}

/// PSYNC replid offset / SYNC: attach the connection as a replica, continuing from the
/// backlog when possible, else with a full resynchronization from a snapshot.
pub fn attach_replica(ctx: &mut Ctx, request: Option<(String, i64)>) -> CmdResult {
    if ctx.client.repl_handoff.is_some() || ctx.client.modes.reply_off {
        return Ok(());
    }
    {
        let st = lock(&ctx.server.repl.state);
        if st.master.as_ref().is_some_and(|m| m.status != LinkStatus::Connected) {
            return Err(CmdError::Msg("NOMASTERLINK Can't SYNC while not connected with my master".into()));
        }
    }
    let limits = replica_limits(ctx.server);
    let psync = request.is_some();
    let info = ctx.client.info.clone();
    let peer_ip = info.addr.rsplit_once(':').map(|(h, _)| h.trim_matches(['[', ']']).to_string()).unwrap_or_default();
    let client_id = ctx.client.id;
    // The snapshot and the replica's registration happen under the store lock, so the
    // snapshot holds exactly the writes before the offset the replica continues from.
    let ks = ctx.store.ks();
    let feeding = &ctx.server.repl.feeding;
    let mut st = lock(&ctx.server.repl.state);
    let conf = st.pending.remove(&client_id).unwrap_or_default();
    let (tx, rx) = unbounded();
    let queued = Arc::new(AtomicUsize::new(0));
    let online = Arc::new(AtomicBool::new(false));
    let mut snapshot = None;
    let replid = st.replid.clone();
    let reply;
    match request {
        Some((id, off)) if st.can_continue(&id, off) => {
            let first = st.first_byte();
            let missing: Vec<u8> = match &st.backlog {
                Some(b) => b.buf.iter().skip((off as u64 - first) as usize).copied().collect(),
                None => Vec::new(),
            };
            reply = if conf.psync2 { format!("+CONTINUE {replid}\r\n") } else { "+CONTINUE\r\n".to_string() };
            log::info!(
                "Partial resynchronization request from {peer_ip}:{} accepted. Sending {} bytes of backlog starting from offset {off}.",
                conf.port,
                missing.len()
            );
            st.sync_partial_ok += 1;
            online.store(true, Relaxed);
            if !missing.is_empty() {
                queued.store(missing.len(), Relaxed);
                let _ = tx.send(Arc::from(missing));
            }
        }
        other => {
            if let Some((id, off)) = other
                && id != "?"
            {
                st.sync_partial_err += 1;
                log::info!(
                    "Partial resynchronization not accepted: replid {id} offset {off} is not in our history (replid {replid}, backlog from {} to {})",
                    st.first_byte(),
                    st.offset
                );
            }
            if st.backlog.is_none() && st.is_master() && st.replicas.is_empty() {
                // A new history starts with the first backlog (as Redis does).
                st.replid = random_hex(40);
                st.replid2 = NO_REPLID.into();
                st.second_offset = -1;
            }
            st.ensure_backlog(feeding);
            let stream_db = if st.is_master() { st.stream_db.unwrap_or(0) } else { st.link_db };
            if st.is_master() {
                // The replica loads into database 0: the next write re-emits SELECT.
                st.stream_db = None;
            }
            let aux = vec![
                ("repl-stream-db", stream_db.to_string()),
                ("repl-id", st.replid.clone()),
                ("repl-offset", st.offset.to_string()),
            ];
            snapshot = Some((crate::rdb::snapshot(ks), aux));
            reply = if psync { format!("+FULLRESYNC {} {}\r\n", st.replid, st.offset) } else { String::new() };
            st.sync_full += 1;
            log::info!(
                "Replica {peer_ip}:{} asks for synchronization; starting a full resync at offset {}",
                conf.port,
                st.offset
            );
        }
    }
    st.replicas.push(Replica {
        client_id,
        ip: conf.ip.unwrap_or(peer_ip),
        port: conf.port,
        ack: 0,
        ack_time: Instant::now(),
        tx,
        queued: queued.clone(),
        online: online.clone(),
        info: info.clone(),
        limits,
        soft_since: None,
    });
    drop(st);
    *lock(&info.flags) = "S".into();
    ctx.out.raw(reply.as_bytes());
    ctx.propagate_none();
    ctx.client.repl_handoff = Some(Box::new(Handoff { rx, snapshot, queued, online, info }));
    Ok(())
}

/// The replica's sender thread: the snapshot (if any), then the stream from its channel.
pub fn start_sender(h: Box<Handoff>, mut w: TcpStream) {
    let spawned = std::thread::Builder::new().name("repl-send".into()).spawn(move || {
        let Handoff { rx, snapshot, queued, online, info } = *h;
        let r = (|| -> std::io::Result<()> {
            if let Some((snap, aux)) = snapshot {
                let mut rdb = Vec::new();
                snap.write_to(&mut rdb, &aux)?;
                let mut head = format!("${}\r\n", rdb.len()).into_bytes();
                head.extend_from_slice(&rdb);
                w.write_all(&head)?;
                online.store(true, Relaxed);
                log::info!("Synchronization with replica {} succeeded", info.addr);
            }
            let mut buf = Vec::new();
            while let Ok(msg) = rx.recv() {
                buf.clear();
                buf.extend_from_slice(&msg);
                while buf.len() < 1 << 20 {
                    match rx.try_recv() {
                        Ok(m) => buf.extend_from_slice(&m),
                        Err(_) => break,
                    }
                }
                w.write_all(&buf)?;
                queued.fetch_sub(buf.len(), Relaxed);
            }
            Ok(())
        })();
        if let Err(e) = r {
            log::info!("Replica {} link closed: {e}", info.addr);
        }
        info.kill();
    });
    if let Err(e) = spawned {
        log::warn!("could not start a replica sender thread: {e}");
    }
}

/// WAIT numreplicas timeout
pub fn wait(ctx: &mut Ctx, args: Args) -> CmdResult {
    if ctx.server.repl.replica.load(Relaxed) {
        return Err(CmdError::err(
            "WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.",
        ));
    }
    let want = crate::util::parse_int(&args[1])?;
    let timeout = crate::util::parse_timeout_ms(&args[2])?;
    // Never hold the store while waiting.
    ctx.store.release();
    let woff = ctx.client.modes.woff;
    let deadline = (timeout > 0).then(|| Instant::now() + Duration::from_millis(timeout as u64));
    let repl = &ctx.server.repl;
    let mut st = lock(&repl.state);
    let n = st.count_acks(woff);
    if n as i64 >= want {
        ctx.out.int(n as i64);
        return Ok(());
    }
    let mut buf = Vec::new();
    st.encode_cmd(&mut buf, None, [&b"REPLCONF"[..], b"GETACK", b"*"].into_iter());
    st.feed(&buf);
    let _blocked = crate::server::Inactive::new(ctx.server);
    loop {
        // Woken by every ACK; the bounded sleep notices a killed client or a dropped replica.
        let now = Instant::now();
        let mut nap = Duration::from_millis(100);
        if let Some(d) = deadline {
            nap = nap.min(d.saturating_duration_since(now));
        }
        if !nap.is_zero() {
            st = match repl.acked.wait_timeout(st, nap) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
        let n = st.count_acks(woff);
        let expired = deadline.is_some_and(|d| Instant::now() >= d);
        if n as i64 >= want || expired || ctx.client.info.killed.load(Relaxed) {
            drop(st);
            ctx.out.int(n as i64);
            return Ok(());
        }
    }
}

/// ROLE
pub fn role(ctx: &mut Ctx) -> CmdResult {
    let st = lock(&ctx.server.repl.state);
    match &st.master {
        None => {
            ctx.out.array(3);
            ctx.out.bulk(b"master");
            ctx.out.int(st.offset as i64);
            let online: Vec<&Replica> = st.replicas.iter().filter(|r| r.online.load(Relaxed)).collect();
            ctx.out.array(online.len());
            for r in online {
                ctx.out.array(3);
                ctx.out.bulk(r.ip.as_bytes());
                ctx.out.bulk(r.port.to_string().as_bytes());
                ctx.out.bulk(r.ack.to_string().as_bytes());
            }
        }
        Some(m) => {
            ctx.out.array(5);
            ctx.out.bulk(b"slave");
            ctx.out.bulk(m.host.as_bytes());
            ctx.out.int(m.port as i64);
            ctx.out.bulk(m.status.name().as_bytes());
            ctx.out.int(if m.status == LinkStatus::Connected { st.offset as i64 } else { -1 });
        }
    }
    Ok(())
}

/// The body of INFO's `# Replication` section, with Redis's field names.
pub fn info(server: &Server) -> String {
    let read_only = read(&server.config).param_bool("replica-read-only") != Some(false);
    let st = lock(&server.repl.state);
    let mut l: Vec<String> = Vec::new();
    match &st.master {
        None => l.push("role:master".into()),
        Some(m) => {
            let up = m.status == LinkStatus::Connected;
            l.push("role:slave".into());
            l.push(format!("master_host:{}", m.host));
            l.push(format!("master_port:{}", m.port));
            l.push(format!("master_link_status:{}", if up { "up" } else { "down" }));
            l.push(format!(
                "master_last_io_seconds_ago:{}",
                if up { m.last_io.elapsed().as_secs() as i64 } else { -1 }
            ));
            l.push(format!("master_sync_in_progress:{}", (m.status == LinkStatus::Sync) as u8));
            // Redis shows 1 until the replica has a (possibly cached) master history.
            let off = if st.cached_master { st.offset } else { 1 };
            l.push(format!("slave_read_repl_offset:{off}"));
            l.push(format!("slave_repl_offset:{off}"));
            if let (LinkStatus::Sync, Some((total, got, last))) = (m.status, m.transfer) {
                let perc = if total > 0 { got as f64 * 100.0 / total as f64 } else { 0.0 };
                l.push(format!("master_sync_total_bytes:{total}"));
                l.push(format!("master_sync_read_bytes:{got}"));
                l.push(format!("master_sync_left_bytes:{}", total - got as i64));
                l.push(format!("master_sync_perc:{perc:.2}"));
                l.push(format!("master_sync_last_io_seconds_ago:{}", last.elapsed().as_secs()));
            }
            if !up {
                let since = m.down_since.map_or(-1, |d| d.elapsed().as_secs() as i64);
                l.push(format!("master_link_down_since_seconds:{since}"));
            }
            l.push("slave_priority:100".into());
            l.push(format!("slave_read_only:{}", read_only as u8));
            l.push("replica_announced:1".into());
        }
    }
    l.push(format!("connected_slaves:{}", st.replicas.len()));
    for (i, r) in st.replicas.iter().enumerate() {
        let state = if r.online.load(Relaxed) { "online" } else { "wait_bgsave" };
        l.push(format!(
            "slave{i}:ip={},port={},state={state},offset={},lag={}",
            r.ip,
            r.port,
            r.ack,
            r.ack_time.elapsed().as_secs()
        ));
    }
    l.push("master_failover_state:no-failover".into());
    l.push(format!("master_replid:{}", st.replid));
    l.push(format!("master_replid2:{}", st.replid2));
    l.push(format!("master_repl_offset:{}", st.offset));
    l.push(format!("second_repl_offset:{}", st.second_offset));
    l.push(format!("repl_backlog_active:{}", st.backlog.is_some() as u8));
    l.push(format!("repl_backlog_size:{}", st.backlog_size));
    let (first, histlen) = match &st.backlog {
        Some(b) => (st.first_byte(), b.buf.len()),
        None => (0, 0),
    };
    l.push(format!("repl_backlog_first_byte_offset:{first}"));
    l.push(format!("repl_backlog_histlen:{histlen}"));
    l.join("\r\n")
}

/// INFO stats: (sync_full, sync_partial_ok, sync_partial_err).
pub fn sync_stats(server: &Server) -> (u64, u64, u64) {
    let st = lock(&server.repl.state);
    (st.sync_full, st.sync_partial_ok, st.sync_partial_err)
}

/// Aux fields for an RDB saved by this server, so a restarted replica can continue.
pub fn rdb_aux(server: &Server) -> Vec<(&'static str, String)> {
    let st = lock(&server.repl.state);
    // Like Redis: a master outside any replication chain, or a replica with no history, saves none.
    if (st.is_master() && st.backlog.is_none()) || (!st.is_master() && !st.cached_master) {
        return Vec::new();
    }
    let db = if st.is_master() { st.stream_db.unwrap_or(0) } else { st.link_db };
    vec![("repl-stream-db", db.to_string()), ("repl-id", st.replid.clone()), ("repl-offset", st.offset.to_string())]
}

/// After loading an RDB at start-up, as Redis 7.0 does: a replica offers the saved replid and
/// offset to its master; a master keeps them as its secondary history, so its former replicas
/// can continue with a partial resync.
pub fn restore_from_aux(server: &Server, aux: &HashMap<String, Vec<u8>>) {
    let text = |k: &str| aux.get(k).map(|v| String::from_utf8_lossy(v).into_owned());
    let id = text("repl-id").filter(|id| id.len() == 40);
    let off = text("repl-offset").and_then(|s| s.parse::<u64>().ok());
    let db = text("repl-stream-db").and_then(|s| s.parse::<usize>().ok());
    let (Some(id), Some(off), Some(db)) = (id, off, db) else { return };
    let replica = read(&server.config).replicaof.is_some();
    let mut st = lock(&server.repl.state);
    if replica {
        st.replid = id;
        st.offset = off;
        st.link_db = db.min(server.databases().saturating_sub(1));
        st.cached_master = true;
    } else {
        st.replid2 = id;
        st.second_offset = off as i64 + 1;
        st.offset += off;
        st.ensure_backlog(&server.repl.feeding);
    }
}

// ---------------------------------------------------------------------------------------------
// Replica side
// ---------------------------------------------------------------------------------------------

/// REPLICAOF host port | NO ONE. Returns the status text of the reply.
pub fn set_master(server: &Server, target: Option<(String, u16)>) -> &'static str {
    switch_master(server, target, true)
}

fn switch_master(server: &Server, target: Option<(String, u16)>, cache_self: bool) -> &'static str {
    let mut ks = server.store();
    let mut st = lock(&server.repl.state);
    match target {
        None => {
            if st.master.take().is_some() {
                st.epoch += 1;
                st.shift_replid();
                st.stream_db = None;
                // Our replicas reconnect and continue with the new replid.
                st.drop_all_replicas("the replica was promoted to master");
                server.repl.replica.store(false, Relaxed);
                ks.set_replica_mode(false);
                log::info!("MASTER MODE enabled (user request)");
            }
            "OK"
        }
        Some((host, port)) => {
            if st.master.as_ref().is_some_and(|m| m.host == host && m.port == port) {
                return "OK Already connected to specified master";
            }
            if st.is_master() && cache_self {
                // Our own history is what the new master may continue (Redis's
                // replicationCacheMasterUsingMyself).
                st.cached_master = true;
                st.ensure_backlog(&server.repl.feeding);
                st.link_db = st.stream_db.unwrap_or(0);
            }
            st.epoch += 1;
            let epoch = st.epoch;
            st.master = Some(MasterLink {
                host: host.clone(),
                port,
                status: LinkStatus::Connect,
                last_io: Instant::now(),
                down_since: None,
                transfer: None,
            });
            server.repl.replica.store(true, Relaxed);
            ks.set_replica_mode(true);
            log::info!("Connecting to MASTER {host}:{port}");
            if let Some(s) = SERVER.get().cloned() {
                let spawned = std::thread::Builder::new().name("repl-link".into()).spawn(move || link_main(s, epoch));
                if let Err(e) = spawned {
                    log::warn!("could not start the replication thread: {e}");
                }
            }
            "OK"
        }
    }
}

fn set_status(server: &Server, epoch: u64, status: LinkStatus) {
    let mut st = lock(&server.repl.state);
    if st.epoch != epoch {
        return;
    }
    if let Some(m) = &mut st.master {
        if m.status == LinkStatus::Connected && status != LinkStatus::Connected {
            m.down_since = Some(Instant::now());
        }
        if status != LinkStatus::Sync {
            m.transfer = None;
        }
        m.status = status;
        m.last_io = Instant::now();
    }
}

fn current(server: &Server, epoch: u64) -> bool {
    lock(&server.repl.state).epoch == epoch
}

/// The replication thread: keep a link to the master until the master changes.
fn link_main(server: Arc<Server>, epoch: u64) {
    let min = Duration::from_millis(50);
    let mut backoff = min;
    loop {
        let target = {
            let st = lock(&server.repl.state);
            if st.epoch != epoch {
                return;
            }
            st.master.as_ref().map(|m| (m.host.clone(), m.port))
        };
        let Some((host, port)) = target else { return };
        let mut synced = false;
        match link_session(&server, epoch, &host, port, &mut synced) {
            Ok(()) => return,
            Err(e) => {
                if !current(&server, epoch) {
                    return;
                }
                log::warn!("MASTER <-> REPLICA link with {host}:{port}: {e}");
                set_status(&server, epoch, LinkStatus::Connect);
            }
        }
        if synced {
            backoff = min;
        }
        let until = Instant::now() + backoff;
        while Instant::now() < until {
            if !current(&server, epoch) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        backoff = (backoff * 2).min(Duration::from_secs(1));
    }
}

/// The socket to the master with a read buffer; reads give up when the master changes,
/// the link is killed, or nothing arrived for repl-timeout.
struct Link<'a> {
    s: TcpStream,
    buf: Vec<u8>,
    start: usize,
    server: &'a Server,
    epoch: u64,
    last_data: Instant,
    timeout: Duration,
}

fn io_err(msg: impl Into<String>) -> std::io::Error {
    std::io::Error::other(msg.into())
}

impl Link<'_> {
    fn pending(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// Read what is available (waiting at most LINK_POLL); Ok(false) on a poll timeout.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.start > 0 && (self.start == self.buf.len() || self.start > 1 << 20) {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        let old = self.buf.len();
        self.buf.resize(old + 64 * 1024, 0);
        let r = self.s.read(&mut self.buf[old..]);
        match r {
            Ok(0) => {
                self.buf.truncate(old);
                Err(io_err("connection closed by the master"))
            }
            Ok(n) => {
                self.buf.truncate(old + n);
                self.last_data = Instant::now();
                Ok(true)
            }
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                self.buf.truncate(old);
                if !current(self.server, self.epoch) {
                    return Err(io_err("master changed"));
                }
                if self.last_data.elapsed() > self.timeout {
                    return Err(io_err("timeout: no data from the master"));
                }
                Ok(false)
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Ok(false),
            Err(e) => {
                self.buf.truncate(old);
                Err(e)
            }
        }
    }

    /// One line without its CRLF (or LF).
    fn line(&mut self) -> std::io::Result<Vec<u8>> {
        loop {
            if let Some(i) = crate::resp::memchr(b'\n', self.pending()) {
                let mut l = self.pending()[..i].to_vec();
                self.start += i + 1;
                if l.last() == Some(&b'\r') {
                    l.pop();
                }
                return Ok(l);
            }
            if self.pending().len() > 64 * 1024 {
                return Err(io_err("protocol error: line too long from the master"));
            }
            self.fill()?;
        }
    }

    /// A reply line, skipping the empty keep-alive lines a master sends while it prepares.
    fn reply_line(&mut self) -> std::io::Result<String> {
        loop {
            let l = self.line()?;
            if !l.is_empty() {
                return Ok(String::from_utf8_lossy(&l).into_owned());
            }
        }
    }

    /// Count snapshot bytes received, for INFO's master_sync_* fields.
    fn progress(&self, total: i64, got: usize) {
        let mut st = lock(&self.server.repl.state);
        if st.epoch == self.epoch
            && let Some(m) = &mut st.master
        {
            m.transfer = Some((total, got as u64, Instant::now()));
        }
    }

    /// Take exactly `n` bytes, reading them as they arrive.
    fn take(&mut self, n: usize) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        while out.len() < n {
            if self.pending().is_empty() {
                self.progress(n as i64, out.len());
                self.fill()?;
                continue;
            }
            let k = (n - out.len()).min(self.pending().len());
            out.extend_from_slice(&self.pending()[..k]);
            self.start += k;
        }
        Ok(out)
    }

    /// Bytes up to (not including) the end mark of a diskless transfer.
    fn until_mark(&mut self, mark: &[u8]) -> std::io::Result<Vec<u8>> {
        let mut out: Vec<u8> = Vec::new();
        loop {
            if self.pending().is_empty() {
                self.progress(-1, out.len());
                self.fill()?;
                continue;
            }
            out.extend_from_slice(self.pending());
            self.start = self.buf.len();
            if out.ends_with(mark) {
                out.truncate(out.len() - mark.len());
                return Ok(out);
            }
        }
    }
}

fn send(w: &mut TcpStream, args: &[&[u8]]) -> std::io::Result<()> {
    let mut out = Vec::new();
    encode(&mut out, args.iter().copied());
    w.write_all(&out)
}

fn link_session(server: &Server, epoch: u64, host: &str, port: u16, synced: &mut bool) -> std::io::Result<()> {
    set_status(server, epoch, LinkStatus::Connecting);
    let addr = (host, port).to_socket_addrs()?.next().ok_or_else(|| io_err("cannot resolve the master's address"))?;
    let s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    let _ = s.set_nodelay(true);
    s.set_read_timeout(Some(LINK_POLL))?;
    let mut w = s.try_clone()?;
    let (timeout, my_port, auth) = {
        let c = read(&server.config);
        (Duration::from_secs(c.repl_timeout.max(1)), c.port, c.param("masterauth").unwrap_or_default())
    };
    let mut link = Link { s, buf: Vec::new(), start: 0, server, epoch, last_data: Instant::now(), timeout };
    set_status(server, epoch, LinkStatus::Handshake);
    send(&mut w, &[b"PING"])?;
    let pong = link.reply_line()?;
    if pong.starts_with('-') && !pong.starts_with("-NOAUTH") && !pong.starts_with("-NOPERM") {
        return Err(io_err(format!("error reply to PING from the master: {pong}")));
    }
    if !auth.is_empty() {
        send(&mut w, &[b"AUTH", auth.as_bytes()])?;
        let r = link.reply_line()?;
        if r.starts_with('-') {
            return Err(io_err(format!("unable to AUTH to MASTER: {r}")));
        }
    }
    send(&mut w, &[b"REPLCONF", b"listening-port", my_port.to_string().as_bytes()])?;
    link.reply_line()?;
    send(&mut w, &[b"REPLCONF", b"capa", b"eof", b"capa", b"psync2"])?;
    link.reply_line()?;
    let (psync_id, psync_off) = {
        let st = lock(&server.repl.state);
        if st.cached_master { (st.replid.clone(), (st.offset + 1) as i64) } else { ("?".to_string(), -1) }
    };
    send(&mut w, &[b"PSYNC", psync_id.as_bytes(), psync_off.to_string().as_bytes()])?;
    let reply = link.reply_line()?;
    if let Some(rest) = reply.strip_prefix("+FULLRESYNC ") {
        let mut it = rest.split(' ');
        let id = it.next().unwrap_or_default().to_string();
        let off: u64 = it.next().and_then(|s| s.parse().ok()).ok_or_else(|| io_err("bad FULLRESYNC reply"))?;
        log::info!("Full resync from master: {id}:{off}");
        set_status(server, epoch, LinkStatus::Sync);
        full_sync(server, epoch, &mut link, &id, off)?;
    } else if let Some(rest) = reply.strip_prefix("+CONTINUE") {
        let new_id = rest.trim();
        let mut st = lock(&server.repl.state);
        if st.epoch != epoch {
            return Ok(());
        }
        st.ensure_backlog(&server.repl.feeding);
        if !new_id.is_empty() && new_id != st.replid {
            st.shift_replid();
            st.replid = new_id.to_string();
            st.drop_all_replicas("the master's replication id changed");
        }
        log::info!("Successful partial resynchronization with master (replid {}, offset {}).", st.replid, st.offset);
    } else {
        return Err(io_err(format!("unexpected reply to PSYNC from the master: {reply}")));
    }
    *synced = true;
    set_status(server, epoch, LinkStatus::Connected);
    log::info!("MASTER <-> REPLICA sync: Finished with success");
    stream(server, epoch, &mut link, &mut w)
}

/// Receive the snapshot in either framing, load it into a fresh keyspace and swap it in.
fn full_sync(server: &Server, epoch: u64, link: &mut Link<'_>, id: &str, off: u64) -> std::io::Result<()> {
    let head = link.reply_line()?;
    let payload = if let Some(mark) = head.strip_prefix("$EOF:") {
        if mark.len() != 40 {
            return Err(io_err("bad EOF mark from the master"));
        }
        link.until_mark(mark.as_bytes())?
    } else if let Some(n) = head.strip_prefix('$').and_then(|n| n.parse::<usize>().ok()) {
        link.take(n)?
    } else {
        return Err(io_err(format!("bad snapshot header from the master: {head}")));
    };
    log::info!("MASTER <-> REPLICA sync: received {} bytes of snapshot", payload.len());
    let mut ks = Keyspace::new(server.databases());
    // Keys whose TTL has passed are kept (the master's DELs remove them) and not counted as expired.
    let aux = crate::rdb::load_into(&mut ks, &mut &payload[..], now_ms(), true)
        .map_err(|e| io_err(format!("failed to load the snapshot from the master: {e}")))?;
    let db = aux
        .get("repl-stream-db")
        .and_then(|v| std::str::from_utf8(v).ok())
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(0);
    if !current(server, epoch) {
        return Err(io_err("master changed"));
    }
    persist_snapshot(server, &payload);
    drop(payload);
    let mut store = server.store();
    let mut st = lock(&server.repl.state);
    if st.epoch != epoch {
        return Err(io_err("master changed"));
    }
    // Swap the tables only: the keyspace's counters (dirty, statistics) and its replica mode stay.
    for (old, new) in store.dbs.iter_mut().zip(ks.dbs.iter_mut()) {
        std::mem::swap(&mut old.table, &mut new.table);
        old.expired_log.clear();
    }
    st.replid = id.to_string();
    st.replid2 = NO_REPLID.into();
    st.second_offset = -1;
    st.offset = off;
    st.backlog = None;
    st.ensure_backlog(&server.repl.feeding);
    st.link_db = db.min(server.databases().saturating_sub(1));
    st.cached_master = true;
    // Our replicas hold the old dataset: they must resync from the new one.
    st.drop_all_replicas("full resync with our master");
    drop(st);
    drop(store);
    // The old dataset is freed without holding any lock.
    drop(ks);
    Ok(())
}

/// Like Redis (repl-diskless-load disabled), the snapshot received from the master becomes
/// the dump file, so a replica restarted even after a crash offers the master the replication
/// position saved in it. A failure is logged; the in-memory sync goes on.
fn persist_snapshot(server: &Server, payload: &[u8]) {
    let path = crate::persistence::rdb_path(&read(&server.config));
    // A background save still running would rename an older dataset over this one.
    crate::persistence::kill_bgsave(server);
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let tmp = dir.join(format!("temp-{}-repl.rdb", std::process::id()));
    let r = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(payload)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if let Err(e) = r {
        let _ = std::fs::remove_file(&tmp);
        log::warn!("Failed to store the snapshot from the master as {}: {e}", path.display());
    }
}

fn ack(w: &mut TcpStream, offset: u64) -> std::io::Result<()> {
    send(w, &[b"REPLCONF", b"ACK", offset.to_string().as_bytes()])
}

/// Apply the master's stream as the master client; proxy what was applied to our replicas.
fn stream(server: &Server, epoch: u64, link: &mut Link<'_>, w: &mut TcpStream) -> std::io::Result<()> {
    let info = crate::connection::register(server, &link.s);
    *lock(&info.flags) = "M".into();
    let id = info.id;
    let mut client = ClientState {
        id,
        db: lock(&server.repl.state).link_db,
        authenticated: true,
        resp: 2,
        close_after_reply: false,
        info,
        modes: ClientModes { master_link: true, ..Default::default() },
        repl_handoff: None,
        last: None,
    };
    let r = apply_loop(server, epoch, link, w, &mut client);
    lock(&server.clients).remove(&id);
    client.info.detach_socket();
    r
}

fn apply_loop(
    server: &Server,
    epoch: u64,
    link: &mut Link<'_>,
    w: &mut TcpStream,
    client: &mut ClientState,
) -> std::io::Result<()> {
    let mut parser = Parser::new();
    parser.max_bulk = usize::MAX;
    let mut out = Reply { buf: Vec::new() };
    let mut store = Store::new(&server.store);
    let mut offset = lock(&server.repl.state).offset;
    ack(w, offset)?;
    let mut last_ack = Instant::now();
    loop {
        if client.info.killed.load(Relaxed) {
            return Err(io_err("master link killed"));
        }
        let data = &link.buf[link.start..];
        let mut pos = 0;
        while pos < data.len() {
            match parser.parse(&data[pos..]) {
                Parsed::Command { consumed, inline } => {
                    let args = parser.args(&data[pos..], inline);
                    if args.len() >= 2
                        && crate::util::is(args.get(0), "replconf")
                        && crate::util::is(args.get(1), "getack")
                    {
                        // The offset before this command, as Redis reports it.
                        ack(w, offset + pos as u64)?;
                        last_ack = Instant::now();
                    } else {
                        dispatch(server, client, &mut out, &mut store, args);
                        out.buf.clear();
                    }
                    pos += consumed;
                }
                Parsed::Empty { consumed } => pos += consumed,
                Parsed::Incomplete => break,
                Parsed::Error(e) => return Err(io_err(format!("protocol error from the master: {}", e.0))),
            }
        }
        if pos > 0 {
            let mut st = lock(&server.repl.state);
            if st.epoch != epoch {
                return Ok(());
            }
            st.feed(&data[..pos]);
            offset = st.offset;
            st.link_db = client.db;
            if let Some(m) = &mut st.master {
                m.last_io = Instant::now();
            }
            link.start += pos;
        }
        store.release();
        if last_ack.elapsed() >= Duration::from_secs(1) {
            ack(w, offset)?;
            last_ack = Instant::now();
        }
        link.fill()?;
    }
}
