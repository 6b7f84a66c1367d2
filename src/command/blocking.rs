//! Clients blocked on keys (BLPOP and friends): the generic half of Redis's `blocked.c`.
//!
//! A handler that finds nothing asks to block (`Ctx::block_on`). The client is then queued on
//! each key of its database (FIFO per key, kept in the keyspace under the store lock) and its
//! thread waits on its `Waiter` without the lock. When a command makes a key ready, that
//! command's `after_call` serves the waiters in arrival order, still under the same lock hold:
//! each waiter's command runs again as a call of its own (its own statistics, its own
//! propagation, after the push that woke it), its reply is handed to the waiter, and its thread
//! writes it. A waiter whose command still finds nothing stays queued in place. So no other
//! client can take the element between the push and the served pop, and a key that one command
//! fills and empties again wakes nobody.

use super::{BlockOn, ClientState, Propagate, Store, call, resolve, table};
use crate::database::{EventKind, Keyspace};
use crate::resp::{Args, Reply};
use crate::server::{ClientInfo, Server, lock};
use std::net::TcpStream;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// How often a waiting thread looks at its socket (a vanished client is unblocked) and at the
/// kill flag, when nothing wakes it sooner.
const CHECK_EVERY: Duration = Duration::from_millis(100);

/// Where a blocked client stands.
#[derive(Debug, PartialEq, Eq)]
pub enum WaitState {
    Waiting,
    /// Its command ran again and answered: these are the reply's bytes.
    Served(Vec<u8>),
    /// CLIENT UNBLOCK: answer as on a timeout, or with the UNBLOCKED error.
    Unblocked {
        error: bool,
    },
}

/// One blocked client, shared by its own thread and the threads that may serve it.
pub struct Waiter {
    pub client_id: u64,
    pub db: usize,
    pub keys: Vec<Vec<u8>>,
    /// The command to run again when a key is ready.
    args: Vec<Vec<u8>>,
    resp: u8,
    info: Arc<ClientInfo>,
    deadline: Option<i64>,
    on_timeout: fn(&mut Reply),
    state: Mutex<WaitState>,
    wake: Condvar,
}

impl Waiter {
    fn finish(&self, st: WaitState) {
        *lock(&self.state) = st;
        self.wake.notify_all();
    }

    fn is_waiting(&self) -> bool {
        *lock(&self.state) == WaitState::Waiting
    }
}

/// Every blocked client by id (INFO's `blocked_clients`, CLIENT UNBLOCK, CLIENT LIST's `b`).
/// Changed only under the store lock, so the per-key queues and this map agree.
#[derive(Default)]
pub struct Blocked {
    waiters: Mutex<std::collections::BTreeMap<u64, Arc<Waiter>>>,
}

impl Blocked {
    pub fn len(&self) -> usize {
        lock(&self.waiters).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains(&self, id: u64) -> bool {
        lock(&self.waiters).contains_key(&id)
    }

    fn get(&self, id: u64) -> Option<Arc<Waiter>> {
        lock(&self.waiters).get(&id).cloned()
    }
}

/// Queue the client on its keys (the caller holds the store lock, taken by the command that
/// asked to block).
pub fn park(
    server: &Server,
    client: &ClientState,
    store: &mut Store<'_>,
    block: BlockOn,
    args: Args<'_>,
) -> Arc<Waiter> {
    let w = Arc::new(Waiter {
        client_id: client.id,
        db: client.db,
        keys: block.keys,
        args: args.iter().map(|a| a.to_vec()).collect(),
        resp: client.resp,
        info: client.info.clone(),
        deadline: block.deadline,
        on_timeout: block.on_timeout,
        state: Mutex::new(WaitState::Waiting),
        wake: Condvar::new(),
    });
    let ks = store.ks();
    for k in &w.keys {
        ks.add_waiter(w.db, k, w.client_id);
    }
    lock(&server.blocked.waiters).insert(w.client_id, w.clone());
    w.info.set_flag('b', true);
    w
}

/// Take the waiter out of every key queue and the registry (under the store lock).
fn unpark(server: &Server, ks: &mut Keyspace, w: &Waiter) {
    for k in &w.keys {
        ks.remove_waiter(w.db, k, w.client_id);
    }
    lock(&server.blocked.waiters).remove(&w.client_id);
    w.info.set_flag('b', false);
}

/// Wait (without the store lock) until the client is served, times out or is unblocked, and
/// write its reply into `out`. Returns false when the client went away or was killed: it was
/// unqueued and gets no reply.
pub fn wait(server: &Server, store: &mut Store<'_>, w: &Waiter, stream: &TcpStream, out: &mut Reply) -> bool {
    store.release();
    let mut st = lock(&w.state);
    loop {
        if *st != WaitState::Waiting {
            break;
        }
        let now = crate::server::now_ms();
        let timed_out = w.deadline.is_some_and(|d| now >= d);
        let gone = w.info.killed.load(Relaxed) || crate::sys::peer_closed(stream);
        if timed_out || gone {
            drop(st);
            // Decide under the store lock: a server may be running this client's command.
            let ks = store.ks();
            let still = w.is_waiting();
            if still {
                unpark(server, ks, w);
            }
            store.release();
            st = lock(&w.state);
            if still {
                if gone {
                    return false;
                }
                *st = WaitState::Unblocked { error: false };
            }
            continue;
        }
        let step = match w.deadline {
            Some(d) => Duration::from_millis((d - now).max(1) as u64).min(CHECK_EVERY),
            None => CHECK_EVERY,
        };
        st = match w.wake.wait_timeout(st, step) {
            Ok((g, _)) => g,
            Err(p) => p.into_inner().0,
        };
    }
    match std::mem::replace(&mut *st, WaitState::Waiting) {
        WaitState::Served(bytes) => out.raw(&bytes),
        WaitState::Unblocked { error: false } => {
            (w.on_timeout)(out);
            count_served_call(server, w);
        }
        WaitState::Unblocked { error: true } => {
            server.count_error("UNBLOCKED");
            out.error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
            count_served_call(server, w);
        }
        WaitState::Waiting => {}
    }
    true
}

/// A parked command that ends without being served still counts as one call, as in Redis.
fn count_served_call(server: &Server, w: &Waiter) {
    if let Ok(cmd) = resolve(table(), args_of(&w.args, &mut Vec::new(), &mut Vec::new())) {
        let shard = server.shard(w.client_id);
        shard.cmds[cmd.id].calls.fetch_add(1, Relaxed);
        shard.counters.commands.fetch_add(1, Relaxed);
    }
}

/// CLIENT UNBLOCK: release client `id` if it is blocked on keys (under the store lock).
pub fn unblock(server: &Server, store: &mut Store<'_>, id: u64, error: bool) -> bool {
    let Some(w) = server.blocked.get(id) else { return false };
    if !w.is_waiting() {
        return false;
    }
    unpark(server, store.ks(), &w);
    w.finish(WaitState::Unblocked { error });
    true
}

/// The keys made ready by the call that just ran, without repeats, in the order they were.
pub fn take_ready(ks: &Keyspace) -> Vec<(usize, Vec<u8>)> {
    let mut ready: Vec<(usize, Vec<u8>)> = Vec::new();
    for e in ks.events.iter().filter(|e| e.kind == EventKind::Ready) {
        if !ready.iter().any(|(d, k)| *d == e.db && k == e.key) {
            ready.push((e.db, e.key.to_vec()));
        }
    }
    ready
}

/// Serve the clients blocked on `ready` keys, first come first served, each as a call of its
/// own. Serving one may make more keys ready (BLMOVE pushes): those are served too.
pub fn serve_ready(server: &Server, store: &mut Store<'_>, ready: Vec<(usize, Vec<u8>)>) {
    let mut queue: std::collections::VecDeque<(usize, Vec<u8>)> = ready.into();
    let (mut buf, mut spans) = (Vec::new(), Vec::new());
    while let Some((db, key)) = queue.pop_front() {
        for id in store.ks().waiters(db, &key) {
            let Some(w) = server.blocked.get(id) else { continue };
            if !w.is_waiting() {
                continue;
            }
            let args = args_of(&w.args, &mut buf, &mut spans);
            let Ok(cmd) = resolve(table(), args) else { continue };
            let mut client = ClientState::new(w.info.clone(), true);
            client.db = w.db;
            client.resp = w.resp;
            let mut out = Reply::new();
            out.set_protocol(w.resp);
            let (prop, block) = call(server, &mut client, &mut out, store, cmd, args);
            if block.is_some() {
                // Still nothing for it (another waiter took the elements): it keeps its place.
                continue;
            }
            unpark(server, store.ks(), &w);
            w.finish(WaitState::Served(out.take()));
            queue.extend(after_served(server, &mut client, store, prop, args));
        }
    }
}

/// The served command's own after_call; returns the keys it made ready in turn.
fn after_served(
    server: &Server,
    client: &mut ClientState,
    store: &mut Store<'_>,
    prop: Propagate,
    args: Args<'_>,
) -> Vec<(usize, Vec<u8>)> {
    let Some(ks) = store.locked() else { return Vec::new() };
    if let Some(off) = super::propagate(server, &ks.events, client.db, &prop, args) {
        client.modes.woff = off;
    }
    let ready = take_ready(ks);
    ks.events.clear();
    ready
}

/// Lay owned arguments out as `Args` (one buffer and its spans, reused between calls).
fn args_of<'a>(argv: &[Vec<u8>], buf: &'a mut Vec<u8>, spans: &'a mut Vec<(usize, usize)>) -> Args<'a> {
    buf.clear();
    spans.clear();
    for a in argv {
        let start = buf.len();
        buf.extend_from_slice(a);
        spans.push((start, buf.len()));
    }
    Args::new(buf, spans)
}
