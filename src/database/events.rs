//! The per-command event log: what the keyspace's operations did, for the consequences that
//! `after_call` handles once per command (replication and AOF, WATCH, blocked clients, keyspace
//! notifications, client tracking).
//!
//! Keys are copied into one byte arena that keeps its capacity between commands, so a command
//! that records events allocates nothing in steady state. Kinds nobody listens to are not
//! recorded at all: the string hot path pays one branch per write.

/// Keyspace notification classes, as Redis's `NOTIFY_*` flags (the letters of
/// `notify-keyspace-events`).
pub mod class {
    pub const KEYSPACE: u32 = 1 << 0;
    pub const KEYEVENT: u32 = 1 << 1;
    pub const GENERIC: u32 = 1 << 2;
    pub const STRING: u32 = 1 << 3;
    pub const LIST: u32 = 1 << 4;
    pub const SET: u32 = 1 << 5;
    pub const HASH: u32 = 1 << 6;
    pub const ZSET: u32 = 1 << 7;
    pub const EXPIRED: u32 = 1 << 8;
    pub const EVICTED: u32 = 1 << 9;
    pub const STREAM: u32 = 1 << 10;
    pub const KEY_MISS: u32 = 1 << 11;
    pub const LOADED: u32 = 1 << 12;
    pub const MODULE: u32 = 1 << 13;
    pub const NEW: u32 = 1 << 14;
}

/// What happened to a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// The key's value or existence changed (WATCH, client tracking).
    Modified,
    /// A list, sorted set or stream received elements that blocked clients may wait for.
    Ready,
    /// A keyspace notification: its class and Redis's event name (`notifyKeyspaceEvent`).
    Notify { class: u32, event: &'static str },
    /// The key was removed because its time to live passed: replicas and the AOF get a DEL.
    Expired,
    /// The key was removed to free memory: replicas and the AOF get a DEL.
    Evicted,
}

impl EventKind {
    /// Whether this removal reaches replicas and the AOF as a DEL of its own.
    pub fn propagates_del(self) -> bool {
        matches!(self, EventKind::Expired | EventKind::Evicted)
    }
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    kind: EventKind,
    db: usize,
    start: usize,
    len: usize,
}

/// One recorded event, borrowed from the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event<'a> {
    pub kind: EventKind,
    pub db: usize,
    pub key: &'a [u8],
}

/// Which kinds are recorded beyond removals (always recorded: rare, and every sink needs them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Interest {
    /// Someone WATCHes or tracks keys.
    pub modified: bool,
    /// The `notify-keyspace-events` classes enabled (0: none).
    pub notify: u32,
}

#[derive(Default, Debug)]
pub struct EventLog {
    arena: Vec<u8>,
    entries: Vec<Entry>,
    pub interest: Interest,
}

impl EventLog {
    fn push(&mut self, kind: EventKind, db: usize, key: &[u8]) {
        let start = self.arena.len();
        self.arena.extend_from_slice(key);
        self.entries.push(Entry { kind, db, start, len: key.len() });
    }

    /// A write changed `key` (a value set, removed, renamed, or its TTL changed).
    #[inline]
    pub fn modified(&mut self, db: usize, key: &[u8]) {
        if self.interest.modified {
            self.push(EventKind::Modified, db, key);
        }
    }

    /// `key` received elements that a blocked client waits for (the caller checked that one
    /// does).
    pub fn ready(&mut self, db: usize, key: &[u8]) {
        self.push(EventKind::Ready, db, key);
    }

    /// A keyspace notification of `class` named `event` (e.g. `STRING`, "set").
    #[inline]
    pub fn notify(&mut self, class: u32, event: &'static str, db: usize, key: &[u8]) {
        if self.interest.notify & class != 0 {
            self.push(EventKind::Notify { class, event }, db, key);
        }
    }

    /// `key` was removed because it expired.
    pub fn expired(&mut self, db: usize, key: &[u8]) {
        self.push(EventKind::Expired, db, key);
        self.modified(db, key);
        self.notify(class::EXPIRED, "expired", db, key);
    }

    /// `key` was removed to free memory.
    pub fn evicted(&mut self, db: usize, key: &[u8]) {
        self.push(EventKind::Evicted, db, key);
        self.modified(db, key);
        self.notify(class::EVICTED, "evicted", db, key);
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The events in the order they happened.
    pub fn iter(&self) -> impl Iterator<Item = Event<'_>> {
        self.entries.iter().map(|e| Event { kind: e.kind, db: e.db, key: &self.arena[e.start..e.start + e.len] })
    }

    /// Forget every event, keeping the buffers for the next command.
    pub fn clear(&mut self) {
        self.arena.clear();
        self.entries.clear();
        // A burst (FLUSHALL of a million expired keys) must not pin its memory forever.
        if self.arena.capacity() > 1 << 20 {
            self.arena.shrink_to(4096);
            self.entries.shrink_to(256);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_only_what_is_listened_to_and_keeps_order() {
        let mut log = EventLog::default();
        log.modified(0, b"a");
        log.notify(class::STRING, "set", 0, b"a");
        assert!(log.is_empty(), "nothing is listened to");
        log.expired(3, b"gone");
        assert_eq!(log.iter().collect::<Vec<_>>(), vec![Event { kind: EventKind::Expired, db: 3, key: b"gone" }]);
        log.interest = Interest { modified: true, notify: class::STRING | class::EXPIRED };
        log.modified(1, b"k");
        log.notify(class::LIST, "lpush", 1, b"k");
        log.notify(class::STRING, "set", 1, b"k");
        log.expired(2, b"x");
        let kinds: Vec<(EventKind, usize, &[u8])> = log.iter().map(|e| (e.kind, e.db, e.key)).collect();
        assert_eq!(
            kinds,
            vec![
                (EventKind::Expired, 3, &b"gone"[..]),
                (EventKind::Modified, 1, b"k"),
                (EventKind::Notify { class: class::STRING, event: "set" }, 1, b"k"),
                (EventKind::Expired, 2, b"x"),
                (EventKind::Modified, 2, b"x"),
                (EventKind::Notify { class: class::EXPIRED, event: "expired" }, 2, b"x"),
            ]
        );
        log.clear();
        assert!(log.is_empty());
        assert_eq!(log.len(), 0);
    }
}
