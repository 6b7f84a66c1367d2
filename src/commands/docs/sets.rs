//! COMMAND DOCS data of the sets family, referenced from its rows.

use super::{O1, d};
use crate::command::Doc;

const INTER: &str = "O(N*M) at worst, N the size of the smallest set and M the number of sets.";
const ALL: &str = "O(N) where N is the total size of the sets.";
const SCAN: &str = "O(1) per call, O(N) for a full iteration.";

pub const SADD: Doc =
    d("set", "1.0.0", "O(1) per member, O(N) for N members.", "Add members to a set", "key member...");
pub const SREM: Doc =
    d("set", "1.0.0", "O(N) where N is the number of members removed.", "Remove members from a set", "key member...");
pub const SCARD: Doc = d("set", "1.0.0", O1, "Return how many members a set has", "key");
pub const SISMEMBER: Doc = d("set", "1.0.0", O1, "Tell whether a value is a member of a set", "key member");
pub const SMISMEMBER: Doc = d(
    "set",
    "6.2.0",
    "O(N) where N is the number of values checked",
    "Tell for each of several values whether it is a member of a set",
    "key member...",
);
pub const SMEMBERS: Doc = d("set", "1.0.0", "O(N) with N the size of the set.", "Return every member of a set", "key");
pub const SPOP: Doc = d(
    "set",
    "1.0.0",
    "O(1) without a count, O(N) for a count of N.",
    "Remove and return random members of a set",
    "key [count:integer]",
);
pub const SRANDMEMBER: Doc = d(
    "set",
    "1.0.0",
    "O(1) without a count, O(N) for a count of N or -N.",
    "Return random members of a set without removing them",
    "key [count:integer]",
);
pub const SMOVE: Doc =
    d("set", "1.0.0", O1, "Move a member from one set to another", "source:key destination:key member");
pub const SINTER: Doc = d("set", "1.0.0", INTER, "Return the members common to every given set", "key:key...");
pub const SINTERCARD: Doc = d(
    "set",
    "7.0.0",
    INTER,
    "Count the members common to every given set, up to a limit",
    "numkeys:integer key:key... [LIMIT limit:integer]",
);
pub const SINTERSTORE: Doc =
    d("set", "1.0.0", INTER, "Store the intersection of sets at a key", "destination:key key:key...");
pub const SUNION: Doc = d("set", "1.0.0", ALL, "Return the members of any of the given sets", "key:key...");
pub const SUNIONSTORE: Doc = d("set", "1.0.0", ALL, "Store the union of sets at a key", "destination:key key:key...");
pub const SDIFF: Doc =
    d("set", "1.0.0", ALL, "Return the members of the first set that no other given set has", "key:key...");
pub const SDIFFSTORE: Doc = d(
    "set",
    "1.0.0",
    ALL,
    "Store the difference of the first set and the others at a key",
    "destination:key key:key...",
);
pub const SSCAN: Doc = d(
    "set",
    "2.8.0",
    SCAN,
    "Walk the members of a set with a cursor",
    "key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]",
);
