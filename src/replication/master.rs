//! The master side of replication: the registry of replicas (the options each sent with
//! REPLCONF, its channel, its acknowledged offset), attaching a connection as a replica on
//! PSYNC/SYNC (continuing from the backlog, else with a snapshot), the sender thread of each
//! replica, WAIT's counting of acknowledgements, and the replica output-buffer limits.

use super::{LinkStatus, NO_REPLID, ReplState};
use crate::database::Keyspace;
use crate::error::CmdError;
use crate::server::{ClientInfo, Server, lock, random_hex, read};
use crossbeam_channel::{Receiver, Sender, unbounded};
use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// What a replica told us with REPLCONF before its PSYNC.
#[derive(Default, Clone)]
pub(super) struct ReplicaConf {
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

impl Replica {
    /// The initial synchronization is over: the replica receives the stream.
    pub fn is_online(&self) -> bool {
        self.online.load(Relaxed)
    }

    /// Whether `queued` bytes waiting for this replica break its output-buffer limit.
    fn over_limit(&mut self, queued: usize) -> bool {
        let (hard, soft, secs) = self.limits;
        if hard > 0 && queued > hard {
            return true;
        }
        if soft > 0 && queued > soft {
            let since = *self.soft_since.get_or_insert_with(Instant::now);
            return since.elapsed() >= Duration::from_secs(secs);
        }
        self.soft_since = None;
        false
    }
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

impl ReplState {
    /// Hand stream bytes to every replica's channel; a replica past its output-buffer limit
    /// is dropped, so the master never waits for a replica.
    pub(super) fn send_to_replicas(&mut self, bytes: &[u8]) {
        if self.replicas.is_empty() {
            return;
        }
        let msg: Arc<[u8]> = Arc::from(bytes);
        let mut dead = Vec::new();
        for r in &mut self.replicas {
            let q = r.queued.fetch_add(msg.len(), Relaxed) + msg.len();
            if r.over_limit(q) {
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

    /// The soft output-buffer limit also applies while nothing new is written (the cron).
    pub(super) fn check_limits(&mut self) {
        let mut dead = Vec::new();
        for r in &mut self.replicas {
            let q = r.queued.load(Relaxed);
            if r.over_limit(q) {
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

    pub(super) fn drop_all_replicas(&mut self, why: &str) {
        let ids: Vec<u64> = self.replicas.iter().map(|r| r.client_id).collect();
        for id in ids {
            self.drop_replica(id, why);
        }
    }

    fn count_acks(&self, offset: u64) -> usize {
        self.replicas.iter().filter(|r| r.is_online() && r.ack >= offset).count()
    }
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

/// A REPLCONF option a replica sends before its PSYNC.
pub enum ReplicaOption {
    ListeningPort(u16),
    IpAddress(String),
    /// `capa psync2`: the replica understands `+CONTINUE <replid>`.
    Psync2,
}

/// Remember an option of connection `client_id` for its coming PSYNC.
pub fn record_option(server: &Server, client_id: u64, opt: ReplicaOption) {
    let mut st = lock(&server.repl.state);
    let conf = st.pending.entry(client_id).or_default();
    match opt {
        ReplicaOption::ListeningPort(port) => conf.port = port,
        ReplicaOption::IpAddress(ip) => conf.ip = Some(ip),
        ReplicaOption::Psync2 => conf.psync2 = true,
    }
}

/// REPLCONF ACK: replica `client_id` has applied the stream up to `offset` (wakes WAIT).
pub fn record_ack(server: &Server, client_id: u64, offset: u64) {
    let mut st = lock(&server.repl.state);
    if let Some(r) = st.replicas.iter_mut().find(|r| r.client_id == client_id) {
        r.ack = r.ack.max(offset);
        r.ack_time = Instant::now();
        server.repl.acked.notify_all();
    }
}

/// What the connection needs to turn into a replica link once the PSYNC reply is flushed.
pub struct Handoff {
    rx: Receiver<Arc<[u8]>>,
    snapshot: Option<(crate::rdb::Snapshot, Vec<(&'static str, String)>)>,
    queued: Arc<AtomicUsize>,
    online: Arc<AtomicBool>,
    info: Arc<ClientInfo>,
}

/// PSYNC replid offset (`request`) / SYNC (None): attach connection `info` as a replica,
/// continuing from the backlog when possible, else with a full resynchronization from a
/// snapshot of `ks`. Returns the reply line (empty for SYNC) and the connection's handoff.
/// The caller holds the store lock: the snapshot and the registration happen under it, so
/// the snapshot holds exactly the writes before the offset the replica continues from.
pub fn attach(
    server: &Server,
    ks: &Keyspace,
    info: &Arc<ClientInfo>,
    request: Option<(String, i64)>,
) -> Result<(String, Handoff), CmdError> {
    {
        let st = lock(&server.repl.state);
        if st.master.as_ref().is_some_and(|m| m.status != LinkStatus::Connected) {
            return Err(CmdError::Msg("NOMASTERLINK Can't SYNC while not connected with my master".into()));
        }
    }
    let limits = replica_limits(server);
    let psync = request.is_some();
    let peer_ip = info.addr.rsplit_once(':').map(|(h, _)| h.trim_matches(['[', ']']).to_string()).unwrap_or_default();
    let mut st = lock(&server.repl.state);
    let conf = st.pending.remove(&info.id).unwrap_or_default();
    let (tx, rx) = unbounded();
    let queued = Arc::new(AtomicUsize::new(0));
    let online = Arc::new(AtomicBool::new(false));
    let mut snapshot = None;
    let reply = match request {
        Some((id, off)) if st.can_continue(&id, off) => {
            let missing = st.continue_from(off, &peer_ip, &conf);
            online.store(true, Relaxed);
            if !missing.is_empty() {
                queued.store(missing.len(), Relaxed);
                let _ = tx.send(Arc::from(missing));
            }
            if conf.psync2 { format!("+CONTINUE {}\r\n", st.replid) } else { "+CONTINUE\r\n".to_string() }
        }
        other => {
            if let Some((id, off)) = other
                && id != "?"
            {
                st.sync_partial_err += 1;
                log::info!(
                    "Partial resynchronization not accepted: replid {id} offset {off} is not in our history (replid {}, backlog from {} to {})",
                    st.replid,
                    st.first_byte(),
                    st.offset
                );
            }
            snapshot = Some(st.full_resync(ks, &server.repl.feeding, &peer_ip, &conf));
            if psync { format!("+FULLRESYNC {} {}\r\n", st.replid, st.offset) } else { String::new() }
        }
    };
    st.replicas.push(Replica {
        client_id: info.id,
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
    Ok((reply, Handoff { rx, snapshot, queued, online, info: info.clone() }))
}

impl ReplState {
    /// A partial resync accepted: the backlog's bytes from `off` on.
    fn continue_from(&mut self, off: i64, peer_ip: &str, conf: &ReplicaConf) -> Vec<u8> {
        let first = self.first_byte();
        let missing: Vec<u8> = match &self.backlog {
            Some(b) => b.buf.iter().skip((off as u64 - first) as usize).copied().collect(),
            None => Vec::new(),
        };
        log::info!(
            "Partial resynchronization request from {peer_ip}:{} accepted. Sending {} bytes of backlog starting from offset {off}.",
            conf.port,
            missing.len()
        );
        self.sync_partial_ok += 1;
        missing
    }

    /// A full resync: the snapshot of `ks` with the aux fields of the position it stands for.
    fn full_resync(
        &mut self,
        ks: &Keyspace,
        feeding: &AtomicBool,
        peer_ip: &str,
        conf: &ReplicaConf,
    ) -> (crate::rdb::Snapshot, Vec<(&'static str, String)>) {
        if self.backlog.is_none() && self.is_master() && self.replicas.is_empty() {
            // A new history starts with the first backlog (as Redis does).
            self.replid = random_hex(40);
            self.replid2 = NO_REPLID.into();
            self.second_offset = -1;
        }
        self.ensure_backlog(feeding);
        let stream_db = if self.is_master() { self.stream_db.unwrap_or(0) } else { self.link_db };
        if self.is_master() {
            // The replica loads into database 0: the next write re-emits SELECT.
            self.stream_db = None;
        }
        let aux = vec![
            ("repl-stream-db", stream_db.to_string()),
            ("repl-id", self.replid.clone()),
            ("repl-offset", self.offset.to_string()),
        ];
        self.sync_full += 1;
        log::info!(
            "Replica {peer_ip}:{} asks for synchronization; starting a full resync at offset {}",
            conf.port,
            self.offset
        );
        (crate::rdb::snapshot(ks), aux)
    }
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

/// WAIT's engine: the number of replicas that acknowledged offset `woff`, once `want` of them
/// did, `timeout_ms` passed (0: no timeout) or the waiting client was killed. The caller holds
/// no store lock. When too few replicas acknowledged, they are asked for an ACK first.
pub fn wait_acks(server: &Server, woff: u64, want: i64, timeout_ms: i64, killed: &AtomicBool) -> usize {
    let deadline = (timeout_ms > 0).then(|| Instant::now() + Duration::from_millis(timeout_ms as u64));
    let repl = &server.repl;
    let mut st = lock(&repl.state);
    let n = st.count_acks(woff);
    if n as i64 >= want {
        return n;
    }
    let mut buf = Vec::new();
    st.encode_cmd(&mut buf, None, [&b"REPLCONF"[..], b"GETACK", b"*"].into_iter());
    st.feed(&buf);
    let _blocked = crate::server::Inactive::new(server);
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
        if n as i64 >= want || expired || killed.load(Relaxed) {
            return n;
        }
    }
}
