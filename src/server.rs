//! State shared by every client thread: the store, the configuration, the client registry
//! and the statistics INFO reports.

pub mod cron;
pub mod info;

use crate::config::Config;
use crate::database::Keyspace;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU8, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Instant;

/// Lock a mutex, recovering from poisoning: a panic in one client's command is answered
/// with an error and must not take the store away from every other client.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| {
        m.clear_poison();
        poisoned.into_inner()
    })
}

pub fn read<T>(m: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(|poisoned| {
        m.clear_poison();
        poisoned.into_inner()
    })
}

pub fn write<T>(m: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(|poisoned| {
        m.clear_poison();
        poisoned.into_inner()
    })
}

pub use crate::util::time::{now_ms, now_us};

/// Per-command counters for INFO commandstats.
#[derive(Default)]
pub struct CmdStats {
    pub calls: AtomicU64,
    pub usec: AtomicU64,
    pub rejected: AtomicU64,
    pub failed: AtomicU64,
}

/// Hot counters are spread over shards (a client uses `id % STAT_SHARDS`) so that client
/// threads running on different cores rarely write the same cache line; INFO sums them.
pub const STAT_SHARDS: usize = 8;

#[derive(Default)]
#[repr(align(128))]
pub struct HotCounters {
    pub commands: AtomicU64,
    pub net_in: AtomicU64,
    pub net_out: AtomicU64,
}

pub struct StatShard {
    pub counters: HotCounters,
    pub cmds: Box<[CmdStats]>,
}

#[derive(Default)]
pub struct Stats {
    pub connections_received: AtomicU64,
    pub rejected_connections: AtomicU64,
    pub keyspace_hits: AtomicU64,
    pub keyspace_misses: AtomicU64,
    pub expired_keys: AtomicU64,
    pub expired_stale_perc: AtomicU64,
    pub expire_cycle_cpu_ms: AtomicU64,
    pub protocol_errors: AtomicU64,
    pub unexpected_error_replies: AtomicU64,
    pub total_error_replies: AtomicU64,
    /// ops/sec over the last cron samples, kept by the cron.
    pub instantaneous_ops: AtomicU64,
    pub instantaneous_input_kbps: AtomicU64,
    pub instantaneous_output_kbps: AtomicU64,
    pub errors: Mutex<BTreeMap<String, u64>>,
}

/// What CLIENT LIST/KILL/INFO need to know of a connection, shared with its thread.
pub struct ClientInfo {
    pub id: u64,
    pub addr: String,
    pub laddr: String,
    pub fd: i32,
    pub created: Instant,
    pub name: Mutex<Vec<u8>>,
    pub lib_name: Mutex<String>,
    pub lib_ver: Mutex<String>,
    pub db: AtomicUsize,
    /// Unix seconds of the last command.
    pub last_interaction: AtomicI64,
    /// Index into the command table of the last command (usize::MAX: none).
    pub last_cmd: AtomicUsize,
    pub killed: AtomicBool,
    pub qbuf: AtomicUsize,
    pub omem: AtomicUsize,
    pub flags: Mutex<String>,
    /// The protocol chosen with HELLO (2 or 3), for CLIENT LIST's `resp=`.
    pub resp: AtomicU8,
    /// The socket's descriptor while it is open, so CLIENT KILL can shut it down and wake the
    /// blocked thread. Not a second descriptor (one per client is what `maxclients` counts);
    /// the owner clears it under this lock before closing, so a reused number is never hit.
    pub sock: Mutex<Option<i32>>,
}

impl ClientInfo {
    pub fn kill(&self) {
        self.killed.store(true, Relaxed);
        if let Some(fd) = *lock(&self.sock) {
            crate::sys::shutdown(fd);
        }
    }

    /// Set or clear one CLIENT LIST flag letter, keeping Redis's order and "N" for none.
    pub fn set_flag(&self, f: char, on: bool) {
        const FLAG_ORDER: &str = "OSMPxbtRBdcuAUreT";
        let mut flags = lock(&self.flags);
        let keep = |c: char| c != 'N' && (c != f || on);
        let mut letters: Vec<char> = flags.chars().filter(|&c| keep(c)).collect();
        if on && !letters.contains(&f) {
            letters.push(f);
        }
        letters.sort_by_key(|c| FLAG_ORDER.find(*c).unwrap_or(FLAG_ORDER.len()));
        *flags = if letters.is_empty() { "N".into() } else { letters.into_iter().collect() };
    }

    /// Called by the socket's owner just before it closes the socket.
    pub fn detach_socket(&self) {
        *lock(&self.sock) = None;
    }
}

/// One count in `active_clients` for the life of a client thread (blocking reads step out).
pub struct Active<'a>(&'a Server);

impl<'a> Active<'a> {
    pub fn enter(server: &'a Server) -> Self {
        server.active_clients.fetch_add(1, Relaxed);
        Active(server)
    }
}

impl Drop for Active<'_> {
    fn drop(&mut self) {
        self.0.active_clients.fetch_sub(1, Relaxed);
    }
}

/// Counts the calling client thread out of `Server::active_clients` while it may block
/// (reading, writing to a slow client, WAIT), and back in when dropped.
pub struct Inactive<'a>(&'a AtomicUsize);

impl<'a> Inactive<'a> {
    pub fn new(server: &'a Server) -> Self {
        server.active_clients.fetch_sub(1, Relaxed);
        Inactive(&server.active_clients)
    }
}

impl Drop for Inactive<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, Relaxed);
    }
}

pub struct Server {
    pub store: Mutex<Keyspace>,
    pub config: RwLock<Config>,
    pub clients: Mutex<BTreeMap<u64, Arc<ClientInfo>>>,
    pub next_client_id: AtomicU64,
    pub stats: Stats,
    pub shards: Box<[StatShard]>,
    pub start: Instant,
    pub start_unix: i64,
    pub run_id: String,
    pub shutdown: AtomicBool,
    pub tcp_port: AtomicUsize,
    /// Snapshot of config values read on hot paths, so a client does not take the config lock
    /// per command.
    pub requirepass_set: AtomicBool,
    pub busy_spin_us: AtomicU64,
    pub client_sched_batch: AtomicBool,
    pub maxclients: AtomicUsize,
    pub proto_max_bulk_len: AtomicUsize,
    pub active_expire: AtomicBool,
    pub hz: AtomicU64,
    pub stat_peak_memory: AtomicUsize,
    /// Client threads spinning for input right now, and the cores they may occupy.
    pub spinners: AtomicUsize,
    /// Client threads not blocked in `read`: serving a request, flushing or spinning.
    pub active_clients: AtomicUsize,
    pub cores: usize,
    /// Fixed at start-up (`databases` is immutable).
    pub databases: usize,
    /// Replication role, ids, offsets, backlog and replicas.
    pub repl: crate::replication::Repl,
    /// Clients blocked on keys.
    pub blocked: crate::command::blocking::Blocked,
    /// Save/load state (shared with the background save thread).
    pub persist: Arc<crate::persistence::PersistState>,
}

impl Server {
    pub fn new(config: Config, ncommands: usize) -> Server {
        let dbs = config.databases as usize;
        let s = Server {
            store: Mutex::new(Keyspace::new(dbs)),
            clients: Mutex::new(BTreeMap::new()),
            next_client_id: AtomicU64::new(1),
            stats: Stats::default(),
            shards: (0..STAT_SHARDS)
                .map(|_| StatShard {
                    counters: HotCounters::default(),
                    cmds: (0..ncommands).map(|_| CmdStats::default()).collect(),
                })
                .collect(),
            start: Instant::now(),
            start_unix: now_ms() / 1000,
            run_id: random_hex(40),
            shutdown: AtomicBool::new(false),
            tcp_port: AtomicUsize::new(config.port as usize),
            requirepass_set: AtomicBool::new(false),
            busy_spin_us: AtomicU64::new(0),
            client_sched_batch: AtomicBool::new(true),
            maxclients: AtomicUsize::new(0),
            proto_max_bulk_len: AtomicUsize::new(0),
            active_expire: AtomicBool::new(true),
            hz: AtomicU64::new(10),
            stat_peak_memory: AtomicUsize::new(0),
            spinners: AtomicUsize::new(0),
            active_clients: AtomicUsize::new(0),
            cores: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            databases: dbs.max(1),
            repl: crate::replication::Repl::new(&config),
            blocked: Default::default(),
            persist: Arc::default(),
            config: RwLock::new(config),
        };
        s.refresh_hot_config();
        let limits = s.collection_limits();
        lock(&s.store).limits = limits;
        s
    }

    /// Copy the config values the hot paths read into atomics (after load and CONFIG SET).
    pub fn refresh_hot_config(&self) {
        let c = read(&self.config);
        self.requirepass_set.store(c.requirepass.is_some(), Relaxed);
        self.busy_spin_us.store(c.busy_spin_us, Relaxed);
        self.client_sched_batch.store(c.client_sched_batch, Relaxed);
        self.maxclients.store(c.maxclients as usize, Relaxed);
        self.proto_max_bulk_len.store(c.proto_max_bulk_len as usize, Relaxed);
        self.active_expire.store(c.active_expire_enabled, Relaxed);
        self.hz.store(c.hz.clamp(1, 500) as u64, Relaxed);
    }

    /// The collection thresholds the configuration asks for.
    pub fn collection_limits(&self) -> crate::database::Limits {
        let c = read(&self.config);
        let num = |name: &str, default: i64| c.param(name).and_then(|v| v.parse::<i64>().ok()).unwrap_or(default);
        let size = |name: &str, default: i64| usize::try_from(num(name, default)).unwrap_or(usize::MAX);
        let mut l = crate::database::Limits::default();
        l.hash.max_listpack_entries = size("hash-max-listpack-entries", 128);
        l.hash.max_listpack_value = size("hash-max-listpack-value", 64);
        l.zset.max_listpack_entries = size("zset-max-listpack-entries", 128);
        l.zset.max_listpack_value = size("zset-max-listpack-value", 64);
        l.set_max_intset_entries = size("set-max-intset-entries", 512);
        l.list.fill = i32::try_from(num("list-max-listpack-size", -2)).unwrap_or(-2);
        l.list.compress_depth = size("list-compress-depth", 0);
        l
    }

    pub fn store(&self) -> MutexGuard<'_, Keyspace> {
        lock(&self.store)
    }

    /// The engines that record the write stream, fed by `after_call` (the AOF joins later).
    pub fn sinks(&self) -> [&dyn crate::propagate::Sink; 1] {
        [&self.repl]
    }

    pub fn count_error(&self, code: &str) {
        self.stats.total_error_replies.fetch_add(1, Relaxed);
        let mut errors = lock(&self.stats.errors);
        *errors.entry(code.to_string()).or_insert(0) += 1;
    }

    pub fn databases(&self) -> usize {
        self.databases
    }

    /// The statistics shard a client writes to.
    pub fn shard(&self, client_id: u64) -> &StatShard {
        &self.shards[client_id as usize % STAT_SHARDS]
    }

    /// (calls, usec, rejected, failed) of one command over all shards.
    pub fn cmd_totals(&self, id: usize) -> (u64, u64, u64, u64) {
        let mut t = (0, 0, 0, 0);
        for sh in self.shards.iter() {
            if let Some(c) = sh.cmds.get(id) {
                t.0 += c.calls.load(Relaxed);
                t.1 += c.usec.load(Relaxed);
                t.2 += c.rejected.load(Relaxed);
                t.3 += c.failed.load(Relaxed);
            }
        }
        t
    }

    /// A hot counter summed over the shards.
    pub fn total(&self, which: impl Fn(&HotCounters) -> &AtomicU64) -> u64 {
        self.shards.iter().map(|sh| which(&sh.counters).load(Relaxed)).sum()
    }

    pub fn reset_hot_stats(&self) {
        for sh in self.shards.iter() {
            for a in [&sh.counters.commands, &sh.counters.net_in, &sh.counters.net_out] {
                a.store(0, Relaxed);
            }
            for c in sh.cmds.iter() {
                for a in [&c.calls, &c.usec, &c.rejected, &c.failed] {
                    a.store(0, Relaxed);
                }
            }
        }
    }

    pub fn uptime_secs(&self) -> u64 {
        self.start.elapsed().as_secs()
    }
}

/// The `# Replication` section of INFO: its field lines, CRLF-separated.
pub fn info_replication(server: &Server) -> String {
    crate::replication::info(server)
}

/// `n` random lowercase hex characters (run ids, replication ids).
pub fn random_hex(n: usize) -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::with_capacity(n);
    let mut counter = 0u64;
    while out.len() < n {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(counter ^ now_us() as u64);
        counter += 1;
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out.truncate(n);
    out
}
