//! The replica side of replication: the change of master (REPLICAOF), and the link thread
//! that keeps the connection to the master: handshake, PSYNC, snapshot load (also stored as
//! the dump file), then the master's stream applied through `crate::command::execute` as the
//! master client, acknowledging its offset, reconnecting with backoff, and proxying the bytes
//! it applied to its own replicas.

use super::{LinkStatus, MasterLink, NO_REPLID, SERVER, encode};
use crate::command::{ClientState, Next, Store};
use crate::database::Keyspace;
use crate::resp::{Parser, Reply};
use crate::server::{Server, lock, now_ms, read};
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

/// How long the link thread blocks in `read` before checking timers and role changes.
const LINK_POLL: Duration = Duration::from_millis(100);

/// REPLICAOF host port | NO ONE. Returns the status text of the reply.
pub fn set_master(server: &Server, ks: &mut Keyspace, target: Option<(String, u16)>) -> &'static str {
    switch_master(server, ks, target, true)
}

/// Change of master (the caller holds the store lock: the keyspace's replica mode changes
/// with the role).
pub(super) fn switch_master(
    server: &Server,
    ks: &mut Keyspace,
    target: Option<(String, u16)>,
    cache_self: bool,
) -> &'static str {
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
    ks.limits = server.collection_limits();
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
        old.swap_data(new);
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
    let mut client = ClientState::new(info, true);
    client.db = lock(&server.repl.state).link_db;
    client.modes.master_link = true;
    let r = apply_loop(server, epoch, link, w, &mut client);
    lock(&server.clients).remove(&id);
    client.info.detach_socket();
    r
}

/// The master's stream goes through the same `execute` and dispatch as any client's input;
/// the master client's replies are discarded there but for REPLCONF ACK, which goes back.
fn apply_loop(
    server: &Server,
    epoch: u64,
    link: &mut Link<'_>,
    w: &mut TcpStream,
    client: &mut ClientState,
) -> std::io::Result<()> {
    let mut parser = Parser::new();
    parser.max_bulk = usize::MAX;
    let mut out = Reply::new();
    let mut store = Store::for_master(&server.store);
    let mut offset = lock(&server.repl.state).offset;
    ack(w, offset)?;
    let mut last_ack = Instant::now();
    loop {
        if client.info.killed.load(Relaxed) {
            return Err(io_err("master link killed"));
        }
        let data = &link.buf[link.start..];
        client.modes.applied_offset = offset;
        let (pos, next) = crate::command::execute(server, client, &mut parser, &mut out, &mut store, data);
        if let Next::Close = next {
            return Err(io_err("protocol error from the master"));
        }
        if !out.is_empty() {
            w.write_all(out.bytes())?;
            out.clear();
            last_ack = Instant::now();
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
