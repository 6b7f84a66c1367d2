//! COMMAND DOCS data of the hashes family, referenced from its rows.

use super::{O1, d};
use crate::command::Doc;

pub const HSET: Doc = d(
    "hash",
    "2.0.0",
    "O(1) per field written, O(N) for N fields.",
    "Store one or more fields of a hash",
    "key field_value=(field value)...",
);
pub const HSETNX: Doc = d("hash", "2.0.0", O1, "Store a hash field only when it is not there yet", "key field value");
pub const HGET: Doc = d("hash", "2.0.0", O1, "Return the value of one hash field", "key field");
pub const HMGET: Doc = d(
    "hash",
    "2.0.0",
    "O(N) where N is the number of fields asked for.",
    "Return the values of several hash fields",
    "key field...",
);
pub const HMSET: Doc = Doc {
    group: "hash",
    since: "2.0.0",
    complexity: "O(N) where N is the number of fields written.",
    summary: "Store several fields of a hash (the older form of HSET)",
    args: "key field_value=(field value)...",
    deprecated: "4.0.0|`HSET` with multiple field-value pairs",
};
pub const HDEL: Doc =
    d("hash", "2.0.0", "O(N) where N is the number of fields removed.", "Remove fields from a hash", "key field...");
pub const HLEN: Doc = d("hash", "2.0.0", O1, "Return how many fields a hash has", "key");
pub const HSTRLEN: Doc = d("hash", "3.2.0", O1, "Return the byte length of a hash field's value", "key field");
pub const HEXISTS: Doc = d("hash", "2.0.0", O1, "Tell whether a hash has a field", "key field");
pub const HKEYS: Doc =
    d("hash", "2.0.0", "O(N) with N the number of fields.", "Return every field name of a hash", "key");
pub const HVALS: Doc = d("hash", "2.0.0", "O(N) with N the number of fields.", "Return every value of a hash", "key");
pub const HGETALL: Doc =
    d("hash", "2.0.0", "O(N) with N the number of fields.", "Return every field and value of a hash", "key");
pub const HINCRBY: Doc =
    d("hash", "2.0.0", O1, "Add an integer amount to the integer in a hash field", "key field increment:integer");
pub const HINCRBYFLOAT: Doc =
    d("hash", "2.6.0", O1, "Add a floating point amount to the number in a hash field", "key field increment:double");
pub const HRANDFIELD: Doc = d(
    "hash",
    "6.2.0",
    "O(N) where N is the number of fields returned",
    "Return random fields of a hash, with or without their values",
    "key [options=(count:integer [WITHVALUES])]",
);
pub const HSCAN: Doc = d(
    "hash",
    "2.8.0",
    "O(1) per call, O(N) for a full iteration.",
    "Walk the fields and values of a hash with a cursor",
    "key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]",
);
