//! COMMAND DOCS data of the keys family, referenced from its rows.

use super::{O1, SUB, d};
use crate::command::Doc;

pub const DEL: Doc =
    d("generic", "1.0.0", "O(N) in the number of keys, plus the size of collections removed.", "Remove keys", "key...");
pub const UNLINK: Doc = d(
    "generic",
    "4.0.0",
    "O(1) per key; memory is reclaimed in the background.",
    "Remove keys, releasing their memory asynchronously",
    "key...",
);
pub const EXISTS: Doc = d(
    "generic",
    "1.0.0",
    "O(N) where N is the number of keys given.",
    "Count how many of the given keys exist",
    "key...",
);
pub const TYPE: Doc = d("generic", "1.0.0", O1, "Return the type of the value at a key", "key");
pub const KEYS: Doc = d(
    "generic",
    "1.0.0",
    "O(N) in the number of keys in the database.",
    "List the keys matching a glob pattern",
    "pattern:pattern",
);
pub const SCAN: Doc = d(
    "generic",
    "2.8.0",
    "O(1) per call, O(N) for a full iteration.",
    "Walk the keyspace a few keys at a time with a cursor",
    "cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [TYPE type]",
);
pub const RANDOMKEY: Doc = d("generic", "1.0.0", O1, "Return a key picked at random", "");
pub const RENAME: Doc =
    d("generic", "1.0.0", O1, "Give a key a new name, replacing any key of that name", "key newkey:key");
pub const RENAMENX: Doc =
    d("generic", "1.0.0", O1, "Give a key a new name only if that name is free", "key newkey:key");
pub const COPY: Doc = d(
    "generic",
    "6.2.0",
    "O(N) in the size of the value copied.",
    "Duplicate a value under another key",
    "source:key destination:key [DB destination-db:integer] [REPLACE]",
);
pub const MOVE: Doc = d("generic", "1.0.0", O1, "Transfer a key to another database", "key db:integer");
pub const EXPIRE: Doc =
    d("generic", "1.0.0", O1, "Give a key a time to live in seconds", "key seconds:integer condition=[NX|XX|GT|LT]");
pub const PEXPIRE: Doc = d(
    "generic",
    "2.6.0",
    O1,
    "Give a key a time to live in milliseconds",
    "key milliseconds:integer condition=[NX|XX|GT|LT]",
);
pub const EXPIREAT: Doc = d(
    "generic",
    "1.2.0",
    O1,
    "Make a key expire at a Unix time in seconds",
    "key unix-time-seconds:unix-time condition=[NX|XX|GT|LT]",
);
pub const PEXPIREAT: Doc = d(
    "generic",
    "2.6.0",
    O1,
    "Make a key expire at a Unix time in milliseconds",
    "key unix-time-milliseconds:unix-time condition=[NX|XX|GT|LT]",
);
pub const TTL: Doc = d("generic", "1.0.0", O1, "Return the seconds left before a key expires", "key");
pub const PTTL: Doc = d("generic", "2.6.0", O1, "Return the milliseconds left before a key expires", "key");
pub const EXPIRETIME: Doc = d("generic", "7.0.0", O1, "Return the Unix time in seconds at which a key expires", "key");
pub const PEXPIRETIME: Doc =
    d("generic", "7.0.0", O1, "Return the Unix time in milliseconds at which a key expires", "key");
pub const PERSIST: Doc = d("generic", "2.2.0", O1, "Drop the expiry of a key so it lives forever", "key");
pub const TOUCH: Doc = d(
    "generic",
    "3.2.1",
    "O(N) where N is the number of keys given.",
    "Mark keys as recently used and count the existing ones",
    "key...",
);
pub const OBJECT: Doc = d("generic", "2.2.3", SUB, "Container for commands that inspect stored values", "");
pub const OBJECT_ENCODING: Doc = d("generic", "2.2.3", O1, "Report how a value is represented internally", "key");
pub const OBJECT_FREQ: Doc = d("generic", "4.0.0", O1, "Report the access frequency counter of a value", "key");
pub const OBJECT_IDLETIME: Doc = d("generic", "2.2.3", O1, "Report the seconds since a value was last used", "key");
pub const OBJECT_REFCOUNT: Doc = d("generic", "2.2.3", O1, "Report the reference count of a value", "key");
pub const OBJECT_HELP: Doc = d("generic", "6.2.0", O1, "Describe the OBJECT subcommands", "");
