//! The keyspace: numbered databases of typed values with absolute-millisecond expiry.
//!
//! Expired keys are removed lazily when a command touches them and by an active cycle that
//! samples keys with a TTL (Redis 7.0's algorithm), so DBSIZE counts a key until one of the
//! two reclaims it. A replica never deletes on its own: it hides expired keys and waits for
//! its master's DEL.

pub mod encoding;
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

use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

/// Whether deletions by expiry are logged for the replication stream: only once a replication
/// backlog exists, so a server that never had a replica pays nothing per command.
pub static LOG_EXPIRED: AtomicBool = AtomicBool::new(false);

use crate::error::CmdError;
pub use table::{EntryRef, Expire, NewVal, OwnedVal, Rng, Table, Val};

/// Values other than strings (lists, hashes, sets, sorted sets, streams) arrive with the
/// collections issue; each becomes a variant here.
pub enum Object {}

impl Object {
    pub fn type_name(&self) -> &'static str {
        match *self {}
    }
    /// OBJECT ENCODING's name for the value's representation.
    pub fn encoding(&self) -> &'static str {
        match *self {}
    }
    /// An independent deep copy (COPY).
    pub fn duplicate(&self) -> Box<Object> {
        match *self {}
    }
}

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

#[derive(Default)]
pub struct Db {
    pub table: Table<Object>,
    pub hits: u64,
    pub misses: u64,
    pub expired: u64,
    /// On a replica expired keys are hidden, not deleted.
    pub keep_expired: bool,
    /// Keys expired (lazily or actively) since the replication stream last took them: each
    /// reaches replicas as a DEL.
    pub expired_log: Vec<Vec<u8>>,
}

impl Db {
    /// Delete (or, on a replica, hide) `key` whose time has passed.
    fn expire_key(&mut self, key: &[u8]) {
        if !self.keep_expired {
            self.table.remove(key);
            self.expired += 1;
            if LOG_EXPIRED.load(Relaxed) {
                self.expired_log.push(key.to_vec());
            }
        }
    }

    /// Delete `key` if its time has passed; true when it is expired (deleted or hidden).
    fn expire_if_needed(&mut self, key: &[u8], now: i64) -> bool {
        match self.table.get(key).and_then(|e| e.expire()) {
            Some(at) if at <= now => {
                self.expire_key(key);
                true
            }
            _ => false,
        }
    }

    /// Look a key up for a command, expiring it lazily, with one hash lookup. Does not count
    /// hits or misses.
    pub fn lookup(&mut self, key: &[u8], now: i64) -> Option<EntryRef<'_, Object>> {
        let table: *const Table<Object> = &self.table;
        // SAFETY: the entry is returned only on the path that does not touch the table again,
        // so no reference to it outlives a mutation; the pointer only sidesteps the borrow
        // checker's rejection of a conditional return followed by a mutation (NLL case #3).
        let e = unsafe { &*table }.get(key)?;
        if e.expire().is_some_and(|at| at <= now) {
            self.expire_key(key);
            return None;
        }
        Some(e)
    }

    /// Look a key up for reading, counting a keyspace hit or miss as Redis does.
    pub fn lookup_read(&mut self, key: &[u8], now: i64) -> Option<EntryRef<'_, Object>> {
        let table: *const Table<Object> = &self.table;
        // SAFETY: as in `lookup`: the entry escapes only on the path with no mutation.
        match unsafe { &*table }.get(key) {
            Some(e) if e.expire().is_none_or(|at| at > now) => {
                self.hits += 1;
                Some(e)
            }
            Some(_) => {
                self.expire_key(key);
                self.misses += 1;
                None
            }
            None => {
                self.misses += 1;
                None
            }
        }
    }

    pub fn exists(&mut self, key: &[u8], now: i64) -> bool {
        self.lookup(key, now).is_some()
    }

    /// The string at `key` for reading: None when absent, WRONGTYPE when not a string.
    pub fn get_str(&mut self, key: &[u8], now: i64) -> Result<Option<StrRef<'_>>, CmdError> {
        match self.lookup_read(key, now).map(|e| e.value()) {
            None => Ok(None),
            Some(Val::Str(b)) => Ok(Some(StrRef::Bytes(b))),
            Some(Val::Int(i)) => Ok(Some(StrRef::Int(i))),
            Some(Val::Obj(_)) => Err(CmdError::WrongType),
        }
    }

    /// Like `get_str` but for writes: no hit/miss accounting.
    pub fn get_str_for_write(&mut self, key: &[u8], now: i64) -> Result<Option<StrRef<'_>>, CmdError> {
        match self.lookup(key, now).map(|e| e.value()) {
            None => Ok(None),
            Some(Val::Str(b)) => Ok(Some(StrRef::Bytes(b))),
            Some(Val::Int(i)) => Ok(Some(StrRef::Int(i))),
            Some(Val::Obj(_)) => Err(CmdError::WrongType),
        }
    }

    /// Store a string, integer-encoding it when it is a canonical integer.
    pub fn set_str(&mut self, key: &[u8], value: &[u8], expire: Expire) -> bool {
        self.table.set(key, str_value(value), expire)
    }

    pub fn set_int(&mut self, key: &[u8], value: i64, expire: Expire) -> bool {
        self.table.set(key, NewVal::Int(value), expire)
    }

    /// Remove a key that may be logically expired already; true if a live key was removed.
    pub fn delete(&mut self, key: &[u8], now: i64) -> bool {
        if self.expire_if_needed(key, now) {
            return false;
        }
        self.table.remove(key)
    }

    pub fn ttl(&mut self, key: &[u8], now: i64) -> Option<Option<i64>> {
        self.lookup(key, now).map(|e| e.expire())
    }

    /// Store a value taken out of a table (by `Table::take`) under `key` with its expiry.
    pub fn put_owned(&mut self, key: &[u8], val: OwnedVal<Object>, expire: Option<i64>) -> bool {
        let expire = expire.map_or(Expire::Clear, Expire::At);
        match val {
            OwnedVal::Str(s) => self.table.set(key, NewVal::Str(&s), expire),
            OwnedVal::Int(i) => self.table.set(key, NewVal::Int(i), expire),
            OwnedVal::Obj(o) => self.table.set(key, NewVal::Obj(o), expire),
        }
    }

    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }
}

pub struct Keyspace {
    pub dbs: Vec<Db>,
    pub rng: Rng,
    /// Writes since start-up, never reset: changes since the last save are this minus
    /// `PersistState::saved_dirty` (a background save cannot take the lock to reset it).
    pub dirty: u64,
}

/// Keys sampled per database per active-expiry iteration (ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP).
const EXPIRE_SAMPLE: usize = 20;
/// Keep iterating while more than this percentage of a sample was expired.
const EXPIRE_STALE_PERC: usize = 10;

impl Keyspace {
    pub fn new(n: usize) -> Self {
        Keyspace { dbs: (0..n.max(1)).map(|_| Db::default()).collect(), rng: Rng::from_entropy(), dirty: 0 }
    }

    pub fn db(&mut self, i: usize) -> &mut Db {
        let n = self.dbs.len();
        &mut self.dbs[i.min(n - 1)]
    }

    pub fn expired_total(&self) -> u64 {
        self.dbs.iter().map(|d| d.expired).sum()
    }

    pub fn set_replica_mode(&mut self, on: bool) {
        for db in &mut self.dbs {
            db.keep_expired = on;
        }
    }

    /// One bounded pass of the active expiry cycle over database `i`: sample keys with a TTL,
    /// delete the expired ones, and report (sampled, expired) so the caller can decide whether
    /// to go on (more than 10% stale) after releasing the lock.
    pub fn expire_step(&mut self, i: usize, now: i64) -> (usize, usize) {
        let Keyspace { dbs, rng, .. } = self;
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
                if LOG_EXPIRED.load(Relaxed) {
                    db.expired_log.push(k);
                }
            }
        }
        (sampled, expired)
    }

    /// Whether a sample with these counts warrants another iteration right away.
    pub fn expire_should_repeat(sampled: usize, expired: usize) -> bool {
        sampled > 0 && expired * 100 > sampled * EXPIRE_STALE_PERC
    }

    pub fn flush_all(&mut self) {
        for db in &mut self.dbs {
            db.table.clear();
        }
    }
}
