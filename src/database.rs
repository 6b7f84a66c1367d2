//! The keyspace: numbered databases of typed values with absolute-millisecond expiry.
//!
//! Expired keys are removed lazily when a command touches them and by an active cycle that
//! samples keys with a TTL (Redis 7.0's algorithm), so DBSIZE counts a key until one of the
//! two reclaims it. A replica never deletes on its own: it hides expired keys from its clients
//! and waits for its master's DEL, and the master's own writes see such keys as they are.
//!
//! The one mutation path: a database's table is private, and commands change data only
//! through `DbMut`'s typed operations (one lookup each, lazy expiry included). Each operation
//! records what happened in the keyspace's `EventLog`, which `after_call` drains once per
//! command.

pub mod encoding;
pub mod events;
pub mod hash;
pub mod intset;
pub mod listpack;
#[cfg(test)]
mod memtest;
pub mod object;
pub mod quicklist;
pub mod set;
pub mod table;
pub mod zset;

use crate::error::CmdError;
pub use events::{Event, EventKind, EventLog, Interest, class};
use std::collections::{HashMap, VecDeque};
pub use table::{EntryRef, Expire, Lookup, NewVal, OnExpired, OwnedVal, Rng, Table, Val};

pub use object::{Limits, Object};

/// The type name TYPE and SCAN TYPE use.
pub fn type_name(v: &Val<'_, Object>) -> &'static str {
    match v {
        Val::Str(_) | Val::Int(_) => "string",
        Val::Obj(o) => o.type_name(),
    }
}

/// A string value as stored: raw bytes, or an integer kept as an integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrRef<'a> {
    Bytes(&'a [u8]),
    Int(i64),
}

impl StrRef<'_> {
    /// Append the value's bytes to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        match self {
            StrRef::Bytes(b) => out.extend_from_slice(b),
            StrRef::Int(i) => crate::resp::push_int(out, *i),
        }
    }
    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.write_to(&mut v);
        v
    }
    pub fn len(&self) -> usize {
        match self {
            StrRef::Bytes(b) => b.len(),
            StrRef::Int(i) => {
                let mut tmp = [0u8; 20];
                crate::resp::fmt_i64(*i, &mut tmp).len()
            }
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The value to store for a string: integers in canonical form are kept as integers.
pub fn str_value(bytes: &[u8]) -> NewVal<'_, Object> {
    match crate::resp::parse_i64(bytes) {
        Some(i) if bytes.len() <= 20 => NewVal::Int(i),
        _ => NewVal::Str(bytes),
    }
}

/// One numbered database.
#[derive(Default)]
pub struct Db {
    table: Table<Object>,
    pub hits: u64,
    pub misses: u64,
    pub expired: u64,
    /// On a replica expired keys are hidden, not deleted.
    keep_expired: bool,
    /// Clients blocked on each key, first come first served (Redis's `db->blocking_keys`).
    blocking: HashMap<Vec<u8>, VecDeque<u64>>,
}

impl Db {
    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Keys with a time to live.
    pub fn volatile_len(&self) -> usize {
        self.table.volatile_len()
    }

    /// Approximate bytes held by the table (INFO, RDB's used-mem).
    pub fn mem_usage(&self) -> usize {
        self.table.mem_usage()
    }

    /// Every entry, expired ones included (callers that care check `EntryRef::expire`).
    pub fn iter(&self) -> impl Iterator<Item = EntryRef<'_, Object>> {
        self.table.iter()
    }

    /// One step of SCAN's reverse-binary cursor; returns the next cursor (0: done).
    pub fn scan(&self, cursor: u64, f: impl FnMut(EntryRef<'_, Object>)) -> u64 {
        self.table.scan(cursor, f)
    }

    /// A random entry (possibly expired).
    pub fn random(&self, rng: &mut Rng) -> Option<EntryRef<'_, Object>> {
        self.table.random(rng)
    }

    /// An entry as stored, without expiry (RDB save, DEBUG).
    pub fn peek(&self, key: &[u8]) -> Option<EntryRef<'_, Object>> {
        self.table.get(key)
    }

    /// Hints that a pipelined batch will look `key` up soon (see `connection::prefetch_keys`).
    pub fn prefetch_slot(&self, key: &[u8]) {
        self.table.prefetch_slot(key)
    }

    pub fn prefetch_entry(&self, key: &[u8]) {
        self.table.prefetch_entry(key)
    }

    /// A value read from a data file (RDB load, full sync): no events, nobody watches yet.
    pub fn load(&mut self, key: &[u8], val: NewVal<'_, Object>, expire: Expire) -> bool {
        self.table.set(key, val, expire)
    }

    /// Swap the data of two databases, keeping each one's counters and replica mode (a loaded
    /// snapshot replacing the dataset, SWAPDB).
    pub fn swap_data(&mut self, other: &mut Db) {
        std::mem::swap(&mut self.table, &mut other.table);
    }

    /// The cron's housekeeping: incremental rehashing and shrinking.
    pub fn rehash_and_shrink(&mut self) {
        self.table.rehash_step(100);
        self.table.try_shrink();
    }

    fn on_expired(&self, from_master: bool) -> OnExpired {
        match (self.keep_expired, from_master) {
            (false, _) => OnExpired::Delete,
            (true, false) => OnExpired::Hide,
            (true, true) => OnExpired::Keep,
        }
    }
}

/// A database opened for one command: its operations look keys up with lazy expiry and
/// record what they change in the keyspace's event log.
pub struct DbMut<'a> {
    db: &'a mut Db,
    events: &'a mut EventLog,
    index: usize,
    on_expired: OnExpired,
}

impl<'a> DbMut<'a> {
    /// The database's number.
    pub fn index(&self) -> usize {
        self.index
    }

    /// Read access to the whole database (iteration, SCAN, counts).
    pub fn raw(&self) -> &Db {
        self.db
    }

    /// Whether this server hides expired keys instead of deleting them (a replica).
    pub fn keeps_expired(&self) -> bool {
        self.db.keep_expired
    }

    /// Look a key up for a command, expiring it lazily, with one hash lookup. Does not count
    /// hits or misses.
    pub fn lookup(&mut self, key: &[u8], now: i64) -> Option<EntryRef<'_, Object>> {
        match self.db.table.lookup(key, now, self.on_expired) {
            Lookup::Live(e) => Some(e),
            Lookup::Expired => {
                // Inline rather than a `&mut self` helper: the other arm's borrow of the table
                // lives on in the return value, and only these disjoint fields may be touched.
                if self.on_expired == OnExpired::Delete {
                    self.db.expired += 1;
                    self.events.expired(self.index, key);
                }
                None
            }
            Lookup::Missing => None,
        }
    }

    /// Look a key up for reading, counting a keyspace hit or miss as Redis does.
    pub fn lookup_read(&mut self, key: &[u8], now: i64) -> Option<EntryRef<'_, Object>> {
        match self.db.table.lookup(key, now, self.on_expired) {
            Lookup::Live(e) => {
                self.db.hits += 1;
                Some(e)
            }
            Lookup::Expired => {
                if self.on_expired == OnExpired::Delete {
                    self.db.expired += 1;
                    self.events.expired(self.index, key);
                }
                self.db.misses += 1;
                None
            }
            Lookup::Missing => {
                self.db.misses += 1;
                None
            }
        }
    }

    pub fn exists(&mut self, key: &[u8], now: i64) -> bool {
        self.lookup(key, now).is_some()
    }

    /// The string at `key` for reading: None when absent, WRONGTYPE when not a string.
    pub fn get_str(&mut self, key: &[u8], now: i64) -> Result<Option<StrRef<'_>>, CmdError> {
        str_of(self.lookup_read(key, now))
    }

    /// Like `get_str` but for writes: no hit/miss accounting.
    pub fn get_str_for_write(&mut self, key: &[u8], now: i64) -> Result<Option<StrRef<'_>>, CmdError> {
        str_of(self.lookup(key, now))
    }

    /// The collection at `key` for a write: None when absent, WRONGTYPE for a string. Counts as
    /// a modification (the caller is about to change it).
    pub fn obj_mut(&mut self, key: &[u8], now: i64) -> Result<Option<&mut Object>, CmdError> {
        match self.lookup(key, now).map(|e| matches!(e.value(), Val::Obj(_))) {
            None => return Ok(None),
            Some(false) => return Err(CmdError::WrongType),
            Some(true) => {}
        }
        self.events.modified(self.index, key);
        Ok(self.db.table.obj_mut(key))
    }

    /// The collection at `key` for a write, created by `make` when absent (WRONGTYPE for a
    /// string; the caller checks the object's kind).
    pub fn obj_or_create(
        &mut self,
        key: &[u8],
        now: i64,
        make: impl FnOnce() -> Object,
    ) -> Result<&mut Object, CmdError> {
        if self.obj_mut(key, now)?.is_none() {
            self.db.table.set(key, NewVal::Obj(Box::new(make())), Expire::Clear);
            self.events.modified(self.index, key);
        }
        self.db.table.obj_mut(key).ok_or(CmdError::WrongType)
    }

    /// A collection that a command emptied disappears, as in Redis; true when it was removed.
    pub fn remove_if_empty(&mut self, key: &[u8]) -> bool {
        let empty = matches!(self.db.table.get(key).map(|e| e.value()), Some(Val::Obj(o)) if o.is_empty());
        empty && self.remove_live(key)
    }

    /// Store a string, integer-encoding it when it is a canonical integer.
    pub fn set_str(&mut self, key: &[u8], value: &[u8], expire: Expire) -> bool {
        self.events.modified(self.index, key);
        self.db.table.set(key, str_value(value), expire)
    }

    pub fn set_int(&mut self, key: &[u8], value: i64, expire: Expire) -> bool {
        self.events.modified(self.index, key);
        self.db.table.set(key, NewVal::Int(value), expire)
    }

    /// Store any value (a new collection, a restored payload).
    pub fn set_value(&mut self, key: &[u8], value: NewVal<'_, Object>, expire: Expire) -> bool {
        self.events.modified(self.index, key);
        self.db.table.set(key, value, expire)
    }

    /// Remove a key, expiring it first if its time has passed; true if a live key was removed.
    pub fn delete(&mut self, key: &[u8], now: i64) -> bool {
        if self.lookup(key, now).is_none() {
            return false;
        }
        self.remove_live(key)
    }

    /// Remove a key already known to be live (a collection emptied, EXPIRE in the past).
    pub fn remove_live(&mut self, key: &[u8]) -> bool {
        let removed = self.db.table.remove(key);
        if removed {
            self.events.modified(self.index, key);
        }
        removed
    }

    /// The key's expiry: None when the key is absent, Some(None) when it has no TTL.
    pub fn ttl(&mut self, key: &[u8], now: i64) -> Option<Option<i64>> {
        self.lookup(key, now).map(|e| e.expire())
    }

    /// Set (`Some`) or clear (`None`) a live key's expiry; false when the key is absent.
    pub fn set_expire(&mut self, key: &[u8], expire: Option<i64>) -> bool {
        let done = self.db.table.set_expire(key, expire);
        if done {
            self.events.modified(self.index, key);
        }
        done
    }

    /// Take a live key's value and expiry out of the database (RENAME, MOVE).
    pub fn take(&mut self, key: &[u8], now: i64) -> Option<(OwnedVal<Object>, Option<i64>)> {
        self.lookup(key, now)?;
        self.events.modified(self.index, key);
        self.db.table.take(key)
    }

    /// Store a value taken out by `take` under `key` with its expiry.
    pub fn put_owned(&mut self, key: &[u8], val: OwnedVal<Object>, expire: Option<i64>) -> bool {
        let expire = expire.map_or(Expire::Clear, Expire::At);
        self.events.modified(self.index, key);
        match val {
            OwnedVal::Str(s) => self.db.table.set(key, NewVal::Str(&s), expire),
            OwnedVal::Int(i) => self.db.table.set(key, NewVal::Int(i), expire),
            OwnedVal::Obj(o) => self.db.table.set(key, NewVal::Obj(o), expire),
        }
    }

    /// A deep copy of a live key's value with its expiry (COPY).
    pub fn copy_of(&mut self, key: &[u8], now: i64) -> Option<(OwnedVal<Object>, Option<i64>)> {
        let e = self.lookup_read(key, now)?;
        let val = match e.value() {
            Val::Str(s) => OwnedVal::Str(s.to_vec()),
            Val::Int(i) => OwnedVal::Int(i),
            Val::Obj(o) => OwnedVal::Obj(o.duplicate()),
        };
        Some((val, e.expire()))
    }

    /// A key that received elements blocked clients may wait for (Redis's signalKeyAsReady):
    /// logged only when some client waits for it.
    pub fn signal_ready(&mut self, key: &[u8]) {
        if !self.db.blocking.is_empty() && self.db.blocking.contains_key(key) {
            self.events.ready(self.index, key);
        }
    }

    /// A keyspace notification for `key` (Redis's notifyKeyspaceEvent).
    pub fn notify(&mut self, class: u32, event: &'static str, key: &[u8]) {
        self.events.notify(class, event, self.index, key);
    }

    /// Remove every key (FLUSHDB); returns how many there were.
    pub fn clear(&mut self) -> usize {
        let n = self.db.table.len();
        if self.events.interest.modified {
            let keys: Vec<Vec<u8>> = self.db.table.iter().map(|e| e.key().to_vec()).collect();
            for k in keys {
                self.events.modified(self.index, &k);
            }
        }
        self.db.table.clear();
        n
    }
}

fn str_of(e: Option<EntryRef<'_, Object>>) -> Result<Option<StrRef<'_>>, CmdError> {
    match e.map(|e| e.value()) {
        None => Ok(None),
        Some(Val::Str(b)) => Ok(Some(StrRef::Bytes(b))),
        Some(Val::Int(i)) => Ok(Some(StrRef::Int(i))),
        Some(Val::Obj(_)) => Err(CmdError::WrongType),
    }
}

pub struct Keyspace {
    pub dbs: Vec<Db>,
    pub rng: Rng,
    /// Writes since start-up, never reset: changes since the last save are this minus
    /// `PersistState::saved_dirty` (a background save cannot take the lock to reset it).
    pub dirty: u64,
    /// What the running command (or the cron) did; drained by `after_call`.
    pub events: EventLog,
    /// The command running comes from our master: it sees keys whose time has passed.
    from_master: bool,
    /// Collection encoding thresholds (set from the configuration).
    pub limits: Limits,
}

/// Keys sampled per database per active-expiry iteration (ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP).
const EXPIRE_SAMPLE: usize = 20;
/// Keep iterating while more than this percentage of a sample was expired.
const EXPIRE_STALE_PERC: usize = 10;

impl Keyspace {
    pub fn new(n: usize) -> Self {
        Keyspace {
            dbs: (0..n.max(1)).map(|_| Db::default()).collect(),
            rng: Rng::from_entropy(),
            dirty: 0,
            events: EventLog::default(),
            from_master: false,
            limits: Limits { set_max_intset_entries: 512, ..Limits::default() },
        }
    }

    /// Database `i`, opened for a command. The index was validated when the client selected
    /// it (SELECT, MOVE, COPY, the master's SELECT), so a bad one is a bug: it panics, which
    /// `dispatch` turns into an error reply, rather than silently using another database.
    pub fn db(&mut self, i: usize) -> DbMut<'_> {
        let n = self.dbs.len();
        let Some(db) = self.dbs.get_mut(i) else {
            panic!("database index {i} out of range (0..{n})");
        };
        let on_expired = db.on_expired(self.from_master);
        DbMut { db, events: &mut self.events, index: i, on_expired }
    }

    /// MOVE: the live `key` of database `src` goes to `dst` unless `dst` has it; true if moved.
    pub fn move_key(&mut self, src: usize, dst: usize, key: &[u8], now: i64) -> bool {
        if src == dst || !self.db(src).exists(key, now) || self.db(dst).exists(key, now) {
            return false;
        }
        let Some((val, expire)) = self.db(src).take(key, now) else {
            return false;
        };
        self.db(dst).put_owned(key, val, expire);
        true
    }

    /// COPY: a deep copy of the live `key` of `src` stored as `newkey` in `dst` (replacing an
    /// existing one only with `replace`); true if copied.
    pub fn copy_key(&mut self, src: usize, key: &[u8], dst: usize, newkey: &[u8], replace: bool, now: i64) -> bool {
        if self.db(src).lookup_read(key, now).is_none() {
            return false;
        }
        if !replace && self.db(dst).exists(newkey, now) {
            return false;
        }
        let Some((val, expire)) = self.db(src).copy_of(key, now) else {
            return false;
        };
        self.db(dst).put_owned(newkey, val, expire);
        true
    }

    /// Set by dispatch for the commands of the link to our master.
    pub fn set_from_master(&mut self, on: bool) {
        self.from_master = on;
    }

    pub fn expired_total(&self) -> u64 {
        self.dbs.iter().map(|d| d.expired).sum()
    }

    pub fn set_replica_mode(&mut self, on: bool) {
        for db in &mut self.dbs {
            db.keep_expired = on;
        }
    }

    pub fn is_replica_mode(&self) -> bool {
        self.dbs.first().is_some_and(|d| d.keep_expired)
    }

    /// One bounded pass of the active expiry cycle over database `i`: sample keys with a TTL,
    /// delete the expired ones, and report (sampled, expired) so the caller can decide whether
    /// to go on (more than 10% stale) after releasing the lock.
    pub fn expire_step(&mut self, i: usize, now: i64) -> (usize, usize) {
        let Keyspace { dbs, rng, events, .. } = self;
        let db = &mut dbs[i];
        if db.keep_expired || db.table.volatile_len() == 0 {
            return (0, 0);
        }
        let mut dead: Vec<Vec<u8>> = Vec::new();
        let mut sampled = 0;
        db.table.sample_volatile(EXPIRE_SAMPLE, rng, |e| {
            sampled += 1;
            if e.expire().is_some_and(|at| at <= now) {
                dead.push(e.key().to_vec());
            }
        });
        let mut expired = 0;
        for k in dead {
            if db.table.remove(&k) {
                expired += 1;
                db.expired += 1;
                events.expired(i, &k);
            }
        }
        (sampled, expired)
    }

    /// Whether a sample with these counts warrants another iteration right away.
    pub fn expire_should_repeat(sampled: usize, expired: usize) -> bool {
        sampled > 0 && expired * 100 > sampled * EXPIRE_STALE_PERC
    }

    /// Queue client `id` behind the others waiting for `key` of database `db`.
    pub fn add_waiter(&mut self, db: usize, key: &[u8], id: u64) {
        if let Some(d) = self.dbs.get_mut(db) {
            d.blocking.entry(key.to_vec()).or_default().push_back(id);
        }
    }

    /// Take client `id` out of `key`'s queue (served, timed out, unblocked or gone).
    pub fn remove_waiter(&mut self, db: usize, key: &[u8], id: u64) {
        let Some(d) = self.dbs.get_mut(db) else { return };
        if let Some(q) = d.blocking.get_mut(key) {
            q.retain(|&w| w != id);
            if q.is_empty() {
                d.blocking.remove(key);
            }
        }
    }

    /// The clients waiting for `key` of database `db`, in arrival order.
    pub fn waiters(&self, db: usize, key: &[u8]) -> Vec<u64> {
        self.dbs.get(db).and_then(|d| d.blocking.get(key)).map(|q| q.iter().copied().collect()).unwrap_or_default()
    }

    /// Remove every key of every database (FLUSHALL); returns how many there were.
    pub fn flush_all(&mut self) -> usize {
        (0..self.dbs.len()).map(|i| self.db(i).clear()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiters_queue_per_key_and_database_and_ready_is_logged_only_for_waited_keys() {
        let mut ks = Keyspace::new(4);
        ks.add_waiter(1, b"q", 7);
        ks.add_waiter(1, b"q", 3);
        ks.add_waiter(2, b"q", 9);
        assert_eq!(ks.waiters(1, b"q"), vec![7, 3], "first come, first served");
        assert_eq!(ks.waiters(2, b"q"), vec![9]);
        assert!(ks.waiters(0, b"q").is_empty());
        ks.db(0).signal_ready(b"q");
        ks.db(1).signal_ready(b"other");
        assert!(ks.events.is_empty(), "nobody waits for these");
        ks.db(1).signal_ready(b"q");
        let ev: Vec<(EventKind, usize, Vec<u8>)> = ks.events.iter().map(|e| (e.kind, e.db, e.key.to_vec())).collect();
        assert_eq!(ev, vec![(EventKind::Ready, 1, b"q".to_vec())]);
        ks.remove_waiter(1, b"q", 7);
        assert_eq!(ks.waiters(1, b"q"), vec![3]);
        ks.remove_waiter(1, b"q", 3);
        ks.events.clear();
        ks.db(1).signal_ready(b"q");
        assert!(ks.events.is_empty(), "the queue is gone with its last waiter");
    }

    #[test]
    fn lazy_expiry_deletes_hides_or_keeps_and_logs_only_real_deletions() {
        let mut ks = Keyspace::new(1);
        ks.db(0).set_str(b"k", b"v", Expire::At(100));
        assert!(ks.db(0).lookup(b"k", 99).is_some());
        ks.set_replica_mode(true);
        assert!(ks.db(0).lookup(b"k", 100).is_none(), "a replica hides it");
        assert_eq!(ks.dbs[0].len(), 1, "but keeps it");
        ks.set_from_master(true);
        assert!(ks.db(0).lookup(b"k", 100).is_some(), "the master's writes still see it");
        assert!(ks.db(0).delete(b"k", 100), "so its DEL removes it");
        assert!(ks.events.is_empty(), "a replica propagates no expiry of its own");
        ks.set_from_master(false);
        ks.set_replica_mode(false);
        ks.db(0).set_str(b"k", b"v", Expire::At(100));
        assert!(ks.db(0).get_str(b"k", 100).ok().flatten().is_none());
        assert_eq!(ks.dbs[0].len(), 0);
        assert_eq!(ks.dbs[0].expired, 1);
        assert_eq!(ks.dbs[0].misses, 1);
        let ev: Vec<(EventKind, Vec<u8>)> = ks.events.iter().map(|e| (e.kind, e.key.to_vec())).collect();
        assert_eq!(ev, vec![(EventKind::Expired, b"k".to_vec())]);
    }

    #[test]
    #[should_panic(expected = "database index 4 out of range")]
    fn a_bad_database_index_is_never_redirected() {
        let mut ks = Keyspace::new(4);
        ks.db(4);
    }
}
