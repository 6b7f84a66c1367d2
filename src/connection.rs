//! One thread per client: read requests through a `BufReader`, execute them, and write all
//! the replies of a pipelined batch with one `write` once the input buffer is drained.
//!
//! Commands are parsed in place in the `BufReader`'s buffer; only a command cut off at the
//! end of that buffer is copied into `pending`, where the rest of it is read directly.

use crate::command::{ClientState, Next, Store, blocking};
use crate::resp::{Parser, Reply};
use crate::server::{Active, ClientInfo, Inactive, Server, lock};
use crate::sys;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

const READ_BUF: usize = 16 * 1024;
/// Flush replies early when this much has accumulated, even if more input is waiting.
const OUT_HIGH_WATER: usize = 1024 * 1024;

pub fn register(server: &Server, stream: &TcpStream) -> Arc<ClientInfo> {
    let id = server.next_client_id.fetch_add(1, Relaxed);
    let addr = stream.peer_addr().map(|a| a.to_string()).unwrap_or_default();
    let laddr = stream.local_addr().map(|a| a.to_string()).unwrap_or_default();
    let info = Arc::new(ClientInfo {
        id,
        addr,
        laddr,
        fd: sys::raw_fd(stream),
        created: Instant::now(),
        name: Default::default(),
        lib_name: Default::default(),
        lib_ver: Default::default(),
        db: Default::default(),
        last_interaction: (crate::server::now_ms() / 1000).into(),
        last_cmd: usize::MAX.into(),
        killed: Default::default(),
        qbuf: Default::default(),
        omem: Default::default(),
        flags: std::sync::Mutex::new("N".into()),
        resp: 2.into(),
        sock: std::sync::Mutex::new(Some(sys::raw_fd(stream))),
    });
    lock(&server.clients).insert(id, info.clone());
    info
}

/// Serve one client until it quits, disconnects, is killed or breaks the protocol.
/// Registered by the accept loop, so ids follow accept order and CLIENT LIST/KILL see a
/// client as soon as it is accepted.
pub fn serve(server: Arc<Server>, stream: TcpStream, info: Arc<ClientInfo>) {
    let _ = stream.set_nodelay(true);
    if server.client_sched_batch.load(Relaxed) && !sys::set_batch_policy() {
        log::debug!("client {}: SCHED_BATCH refused", info.id);
    }
    let id = info.id;
    let mut client = ClientState::new(info, !server.requirepass_set.load(Relaxed));
    if let Err(e) = run(&server, &mut client, &stream) {
        log::debug!("client {id} closed: {e}");
    }
    crate::replication::client_gone(&server, id);
    lock(&server.clients).remove(&id);
    client.info.detach_socket();
    drop(stream);
}

fn run(server: &Server, client: &mut ClientState, stream: &TcpStream) -> std::io::Result<()> {
    // Reader and writer share the one descriptor: `&TcpStream` is both Read and Write.
    let writer = stream;
    let mut reader = BufReader::with_capacity(READ_BUF, stream);
    let mut parser = Parser::new();
    let mut pending: Vec<u8> = Vec::new();
    let mut out = Reply::default();
    let mut store = Store::new(&server.store);
    let mut spin = SpinCredit::default();
    let _active = Active::enter(server);
    // `pending` holds complete commands (left after a blocked one) to run before reading more.
    let mut resume = false;
    loop {
        if client.info.killed.load(Relaxed) {
            return Ok(());
        }
        parser.unauthenticated = !client.authenticated && server.requirepass_set.load(Relaxed);
        parser.max_bulk = server.proto_max_bulk_len.load(Relaxed);
        let next = if pending.is_empty() {
            let data = match fill(server, &mut reader) {
                Ok([]) => return Ok(()),
                Ok(d) => d,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            let n = data.len();
            server.shard(client.id).counters.net_in.fetch_add(n as u64, Relaxed);
            let (used, next) = execute_buffer(server, client, &mut parser, &mut out, &mut store, data);
            if used < n && matches!(next, Next::Continue | Next::Blocked(_)) {
                pending.extend_from_slice(&data[used..]);
            }
            reader.consume(n);
            next
        } else {
            if !std::mem::take(&mut resume) {
                // The rest of a partial command may be slow to come: blocked, not active.
                let more = {
                    let _blocked = Inactive::new(server);
                    read_more(&mut reader, &mut pending, &parser)
                };
                if more? == 0 {
                    return Ok(());
                }
            }
            let (used, next) = execute_buffer(server, client, &mut parser, &mut out, &mut store, &pending);
            pending.drain(..used);
            next
        };
        if let Next::Blocked(w) = &next {
            // Replies before the blocking command go out now; its own comes when it is served.
            flush(server, client.id, writer, &mut out)?;
            let answered = {
                let _blocked = Inactive::new(server);
                blocking::wait(server, &mut store, w, stream, &mut out)
            };
            if !answered {
                return Ok(());
            }
            resume = !pending.is_empty();
        }
        store.release();
        if let Some(h) = client.repl_handoff.take() {
            // The +FULLRESYNC/+CONTINUE line goes out before the sender thread takes over
            // the socket; whatever the replica sends from now on gets no reply.
            flush(server, client.id, writer, &mut out)?;
            crate::replication::start_sender(h, writer.try_clone()?);
            client.modes.reply_off = true;
        }
        // What is left is one partial command: CLIENT LIST's qbuf for this client while idle.
        client.info.qbuf.store(pending.len(), Relaxed);
        let drained = reader.buffer().is_empty() && !resume;
        if matches!(next, Next::Close) || client.close_after_reply {
            flush(server, client.id, writer, &mut out)?;
            return Ok(());
        }
        if drained || out.len() >= OUT_HIGH_WATER {
            flush(server, client.id, writer, &mut out)?;
            if pending.is_empty() {
                wait_for_input(server, writer, &mut spin);
            }
        }
    }
}

/// `fill_buf`, counted out of `active_clients` while it may block.
fn fill<'r>(server: &Server, reader: &'r mut BufReader<&TcpStream>) -> std::io::Result<&'r [u8]> {
    if !reader.buffer().is_empty() {
        return reader.fill_buf();
    }
    let _blocked = Inactive::new(server);
    reader.fill_buf()
}

/// Read the rest of a command that did not fit in the reader's buffer straight into
/// `pending`, in chunks no larger than what has arrived, so a declared 512 MB bulk costs
/// memory only as its bytes come in.
fn read_more(reader: &mut BufReader<&TcpStream>, pending: &mut Vec<u8>, parser: &Parser) -> std::io::Result<usize> {
    let want = match parser.pending_bulk() {
        Some(n) if n > READ_BUF => (n + 2).min(1 << 20),
        _ => READ_BUF,
    };
    let old = pending.len();
    pending.resize(old + want, 0);
    loop {
        match reader.read(&mut pending[old..]) {
            Ok(n) => {
                pending.truncate(old + n);
                return Ok(n);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                pending.truncate(old);
                return Err(e);
            }
        }
    }
}

/// Execute every complete command in `data`; returns the bytes used.
fn execute_buffer(
    server: &Server,
    client: &mut ClientState,
    parser: &mut Parser,
    out: &mut Reply,
    store: &mut Store<'_>,
    data: &[u8],
) -> (usize, Next) {
    // CLIENT LIST's qbuf (the unprocessed input, as Redis's query buffer) and idle.
    client.info.qbuf.store(data.len(), Relaxed);
    client.info.last_interaction.store(crate::server::now_ms() / 1000, Relaxed);
    if client.authenticated {
        prefetch_keys(store, client.db, data);
    }
    crate::command::execute(server, client, parser, out, store, data)
}

/// Commands of a pipelined batch whose keys are prefetched before it runs.
const PREFETCH_MAX: usize = 16;

/// A random key lookup costs two cache misses (bucket slot, entry), 20-25% of the server's time
/// at pipeline 16. With several commands in the buffer, start loading every key's slot, then
/// every slot's first entry, so the misses overlap instead of coming one after another.
fn prefetch_keys(store: &mut Store<'_>, db: usize, data: &[u8]) {
    let mut keys: [&[u8]; PREFETCH_MAX] = [&[]; PREFETCH_MAX];
    let (mut n, mut off) = (0, 0);
    while n < PREFETCH_MAX {
        let Some((key, len)) = crate::resp::peek_key(&data[off..]) else { break };
        if let Some(k) = key {
            keys[n] = k;
            n += 1;
        }
        off += len;
    }
    if n < 2 {
        return;
    }
    let Some(db) = store.ks().dbs.get(db) else { return };
    for k in &keys[..n] {
        db.prefetch_slot(k);
    }
    for k in &keys[..n] {
        db.prefetch_entry(k);
    }
}

fn flush(server: &Server, client_id: u64, mut writer: &TcpStream, out: &mut Reply) -> std::io::Result<()> {
    if out.is_empty() {
        return Ok(());
    }
    server.shard(client_id).counters.net_out.fetch_add(out.len() as u64, Relaxed);
    let r = {
        // A client that stops reading can block this write indefinitely.
        let _blocked = Inactive::new(server);
        writer.write_all(out.bytes())
    };
    out.clear();
    if out.capacity() > 4 * OUT_HIGH_WATER {
        out.shrink_to(READ_BUF);
    }
    r
}

/// Spin-then-block. After answering, a thread polls its socket briefly before blocking in
/// `read`: a blocked thread costs the client a wake-up on every request, and on a virtual
/// machine waking a halted CPU costs far more than the request itself (20 µs here). Spinning
/// pays only while the server is otherwise idle (one client, or a few): so a thread spins only
/// while no other client thread is active, at most one per core, and each connection keeps a
/// small credit, spent on misses, refilled on a hit and, once spent, probed again every
/// `SPIN_PROBE_EVERY` replies. With many busy clients the replies come back too late for any
/// spin to catch them, and the polls were measured to cost 1 syscall and 1-2 µs a request.
fn wait_for_input(server: &Server, stream: &TcpStream, credit: &mut SpinCredit) {
    let us = server.busy_spin_us.load(Relaxed);
    if us == 0 {
        return;
    }
    if !credit.should_spin() || others_active(server) {
        return;
    }
    let spinners = &server.spinners;
    if spinners.fetch_add(1, Relaxed) < server.cores
        && let Some(hit) = spin(server, stream, Duration::from_micros(us))
    {
        credit.record(hit);
    }
    spinners.fetch_sub(1, Relaxed);
}

/// Another client thread has work (or is spinning): this one blocks instead of spinning.
/// Spinning only pays while the server is otherwise idle, and under EEVDF every `sched_yield`
/// of a spinner pushes its deadline back: spinning beside busy threads was measured to give
/// requests 45-60 ms tails at 50 clients.
fn others_active(server: &Server) -> bool {
    server.active_clients.load(Relaxed) > 1
}

/// Misses in a row after which a connection stops spinning.
const SPIN_CREDIT: u8 = 4;
/// A connection that stopped spinning tries again after this many replies.
const SPIN_PROBE_EVERY: u8 = 32;
/// A `sched_yield` that took longer than this ran another thread.
const BUSY_YIELD: Duration = Duration::from_micros(5);

/// Whether spinning has been paying off for this connection.
struct SpinCredit {
    credit: u8,
    skipped: u8,
}

impl Default for SpinCredit {
    /// A new connection spins until it has missed `SPIN_CREDIT` times.
    fn default() -> Self {
        SpinCredit { credit: SPIN_CREDIT, skipped: 0 }
    }
}

impl SpinCredit {
    fn should_spin(&mut self) -> bool {
        if self.credit > 0 {
            return true;
        }
        self.skipped += 1;
        if self.skipped >= SPIN_PROBE_EVERY {
            self.skipped = 0;
            return true;
        }
        false
    }
    fn record(&mut self, hit: bool) {
        self.credit = if hit { SPIN_CREDIT } else { self.credit.saturating_sub(1) };
    }
}

/// Poll with `sched_yield` between tries until input arrives (`Some(true)`) or `window` passes
/// (`Some(false)`, a miss); `None` when the spin gave way to other work, which says nothing
/// about this connection.
fn spin(server: &Server, stream: &TcpStream, window: Duration) -> Option<bool> {
    let mut now = Instant::now();
    let deadline = now + window;
    loop {
        if sys::readable_now(stream) {
            return Some(true);
        }
        if now >= deadline {
            return Some(false);
        }
        if others_active(server) {
            return None;
        }
        sys::yield_now();
        let after = Instant::now();
        if after - now > BUSY_YIELD {
            // Another thread ran: the CPU has work, so it will not halt, and every further
            // yield would push this thread's scheduling deadline back (a latency tail).
            return None;
        }
        now = after;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spin_credit_stops_after_misses_probes_and_refills_on_a_hit() {
        let mut c = SpinCredit::default();
        for _ in 0..SPIN_CREDIT {
            assert!(c.should_spin());
            c.record(false);
        }
        let spins = (0..SPIN_PROBE_EVERY).filter(|_| c.should_spin()).count();
        assert_eq!(spins, 1, "one probe per {SPIN_PROBE_EVERY} replies once the credit is spent");
        c.record(true);
        assert!((0..10).all(|_| c.should_spin()), "a hit restores the credit");
    }
}
