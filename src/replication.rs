//! Replication, both sides of Redis 7.0's protocol.
//!
//! Master side (`master`): every write is encoded into the replication stream while the store
//! lock is still held (so the stream's order is the order writes were applied), appended to
//! the backlog and handed to one crossbeam channel per replica; a sender thread per replica
//! writes its channel to the socket. Channels are accounted in bytes and a replica past its
//! output-buffer limit is dropped, so the master never waits for a replica.
//!
//! Replica side (`replica`): a dedicated thread keeps the link to the master (handshake,
//! PSYNC, snapshot load, then the stream applied through `execute` as the master client),
//! acknowledges its offset, reconnects with backoff, and proxies the bytes it applied to its
//! own replicas.
//!
//! This module holds what both sides share: the ids, offsets and backlog, the stream's
//! encoding and the stream as a `Sink`, start-up and the cron, and the views of the state
//! (INFO, ROLE, the RDB aux fields). The command handlers live in `commands/replication.rs`
//! and call the functions here, which take the server and return plain data.
//!
//! Lock order: store, then replication state (never the other way round).

pub mod master;
pub mod replica;

pub use master::{Handoff, Replica, client_gone, start_sender};
pub use replica::set_master;

use crate::database::Keyspace;
use crate::server::{Server, lock, random_hex, read};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

const NO_REPLID: &str = "0000000000000000000000000000000000000000";

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
    pending: HashMap<u64, master::ReplicaConf>,
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

    /// A SELECT before a command of database `db` when the stream is in another one (None:
    /// a database-independent command).
    fn select_db(&mut self, out: &mut Vec<u8>, db: Option<usize>) {
        if let Some(db) = db
            && self.stream_db != Some(db)
        {
            let n = db.to_string();
            encode(out, [&b"SELECT"[..], n.as_bytes()].into_iter());
            self.stream_db = Some(db);
        }
    }

    /// Encode one command of database `db` (None: database-independent) for the stream.
    fn encode_cmd<'a>(&mut self, out: &mut Vec<u8>, db: Option<usize>, args: impl ExactSizeIterator<Item = &'a [u8]>) {
        self.select_db(out, db);
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
        self.send_to_replicas(bytes);
    }

    fn ensure_backlog(&mut self, feeding: &AtomicBool) {
        if self.backlog.is_none() {
            self.backlog = Some(Backlog { buf: VecDeque::new() });
            feeding.store(true, Relaxed);
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
        replica::switch_master(&server, &mut server.store(), Some((host, port)), false);
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
        st.check_limits();
    }
}

/// This server replicates a master.
pub fn is_replica(server: &Server) -> bool {
    server.repl.replica.load(Relaxed)
}

/// Whether WRITE commands from ordinary clients are refused (a read-only replica).
pub fn refuses_writes(server: &Server) -> bool {
    server.repl.replica.load(Relaxed) && read(&server.config).param_bool("replica-read-only") != Some(false)
}

/// The replication stream as a sink of `after_call`: fed under the store lock, so the
/// stream's order is the order writes were applied. A replica feeds nothing of its own: its
/// replicas get the master's stream as it was applied (see `apply_loop`).
impl crate::propagate::Sink for Repl {
    fn active(&self) -> bool {
        self.feeding.load(Relaxed) && !self.replica.load(Relaxed)
    }

    fn feed(&self, cmds: &[crate::propagate::Propagated<'_>]) -> Option<u64> {
        let mut st = lock(&self.state);
        let mut buf = Vec::new();
        for c in cmds {
            st.select_db(&mut buf, c.db);
            c.args.encode(&mut buf);
        }
        st.feed(&buf);
        Some(st.offset)
    }
}

/// The active expiry cycle's deletions reach replicas as DELs (called under the store lock,
/// after each sample): drains the keyspace's event log.
pub fn propagate_expired(server: &Server, ks: &mut Keyspace) {
    if ks.events.is_empty() {
        return;
    }
    let sink: &dyn crate::propagate::Sink = &server.repl;
    if sink.active() {
        let dels: Vec<crate::propagate::Propagated<'_>> = ks
            .events
            .iter()
            .filter(|e| e.kind.propagates_del())
            .map(|e| crate::propagate::Propagated::new(Some(e.db), crate::propagate::PropArgs::Del(e.key)))
            .collect();
        if !dels.is_empty() {
            sink.feed(&dels);
        }
    }
    ks.events.clear();
}

/// What ROLE reports.
pub enum Role {
    /// The offset, and each online replica's (ip, port, acknowledged offset).
    Master { offset: u64, replicas: Vec<(String, u16, u64)> },
    /// The master, the link's state and the offset applied (-1 while not connected).
    Replica { host: String, port: u16, state: &'static str, offset: i64 },
}

/// The replication role, for ROLE.
pub fn role_info(server: &Server) -> Role {
    let st = lock(&server.repl.state);
    match &st.master {
        None => Role::Master {
            offset: st.offset,
            replicas: st.replicas.iter().filter(|r| r.is_online()).map(|r| (r.ip.clone(), r.port, r.ack)).collect(),
        },
        Some(m) => Role::Replica {
            host: m.host.clone(),
            port: m.port,
            state: m.status.name(),
            offset: if m.status == LinkStatus::Connected { st.offset as i64 } else { -1 },
        },
    }
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
        let state = if r.is_online() { "online" } else { "wait_bgsave" };
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

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> ReplState {
        let repl = Repl::new(&crate::config::Config::default());
        repl.state.into_inner().unwrap()
    }

    #[test]
    fn encode_writes_a_multibulk() {
        let mut out = Vec::new();
        encode(&mut out, [&b"SET"[..], b"k", b""].into_iter());
        assert_eq!(out, b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
    }

    #[test]
    fn select_is_emitted_only_when_the_database_changes() {
        let mut st = state();
        let mut out = Vec::new();
        st.encode_cmd(&mut out, Some(0), [&b"DEL"[..], b"a"].into_iter());
        st.encode_cmd(&mut out, Some(0), [&b"DEL"[..], b"b"].into_iter());
        st.encode_cmd(&mut out, None, [&b"PING"[..]].into_iter());
        st.encode_cmd(&mut out, Some(3), [&b"DEL"[..], b"c"].into_iter());
        let want = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*2\r\n$3\r\nDEL\r\n$1\r\na\r\n*2\r\n$3\r\nDEL\r\n$1\r\nb\r\n\
*1\r\n$4\r\nPING\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*2\r\n$3\r\nDEL\r\n$1\r\nc\r\n";
        assert_eq!(out, &want[..]);
    }

    #[test]
    fn backlog_keeps_the_last_bytes_and_bounds_partial_resyncs() {
        let mut st = state();
        let feeding = AtomicBool::new(false);
        st.feed(b"lost");
        assert_eq!(st.offset, 0, "no backlog: nothing is fed");
        st.ensure_backlog(&feeding);
        assert!(feeding.load(Relaxed));
        st.backlog_size = 10;
        st.feed(b"0123456789abcdef");
        assert_eq!(st.offset, 16);
        assert_eq!(st.first_byte(), 7);
        let id = st.replid.clone();
        assert!(st.can_continue(&id, 7));
        assert!(st.can_continue(&id, 17), "nothing missing");
        assert!(!st.can_continue(&id, 6), "before the backlog");
        assert!(!st.can_continue(&id, 18), "past the offset");
        assert!(!st.can_continue(NO_REPLID, 10), "unknown history");
        st.shift_replid();
        assert_eq!(st.replid2, id);
        assert_eq!(st.second_offset, 17);
        assert!(st.can_continue(&id, 17), "the former history up to the switch");
        st.feed(b"gh");
        assert!(!st.can_continue(&id, 18), "the former history ends at the switch");
        let new_id = st.replid.clone();
        assert!(st.can_continue(&new_id, 18));
    }
}
