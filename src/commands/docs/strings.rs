//! COMMAND DOCS data of the strings family, referenced from its rows.

use super::{O1, d, dep};
use crate::command::Doc;

pub const GET: Doc = d("string", "1.0.0", O1, "Return the string stored at a key", "key");
pub const SET: Doc = d(
    "string",
    "1.0.0",
    O1,
    "Store a string at a key, with optional expiry and conditions",
    "key value condition=[NX|XX] [GET] expiration=[EX seconds:integer|PX milliseconds:integer|EXAT unix-time-seconds:unix-time|PXAT unix-time-milliseconds:unix-time|KEEPTTL]",
);
pub const GETEX: Doc = d(
    "string",
    "6.2.0",
    O1,
    "Return a string value and change or drop its expiry",
    "key expiration=[EX seconds:integer|PX milliseconds:integer|EXAT unix-time-seconds:unix-time|PXAT unix-time-milliseconds:unix-time|PERSIST]",
);
pub const GETDEL: Doc = d("string", "6.2.0", O1, "Return a string value and remove its key", "key");
pub const GETSET: Doc = dep(
    "string",
    "1.0.0",
    "Replace a string value and return the previous one",
    "key value",
    "6.2.0|`SET` with the `GET` option",
);
pub const SETNX: Doc = d("string", "1.0.0", O1, "Store a string only when the key is absent", "key value");
pub const SETEX: Doc =
    d("string", "2.0.0", O1, "Store a string with a time to live in seconds", "key seconds:integer value");
pub const PSETEX: Doc =
    d("string", "2.6.0", O1, "Store a string with a time to live in milliseconds", "key milliseconds:integer value");
pub const MSET: Doc = d(
    "string",
    "1.0.1",
    "O(N) where N is the number of keys written.",
    "Store several strings at once",
    "key_value=(key value)...",
);
pub const MSETNX: Doc = d(
    "string",
    "1.0.1",
    "O(N) where N is the number of keys written.",
    "Store several strings only when none of the keys exists",
    "key_value=(key value)...",
);
pub const MGET: Doc = d(
    "string",
    "1.0.0",
    "O(N) where N is the number of keys read.",
    "Return the strings stored at several keys",
    "key...",
);
pub const APPEND: Doc = d("string", "2.0.0", "O(1) amortized", "Add bytes to the end of a string value", "key value");
pub const STRLEN: Doc = d("string", "2.2.0", O1, "Return the byte length of a string value", "key");
pub const INCR: Doc = d("string", "1.0.0", O1, "Add one to the integer stored at a key", "key");
pub const DECR: Doc = d("string", "1.0.0", O1, "Subtract one from the integer stored at a key", "key");
pub const INCRBY: Doc =
    d("string", "1.0.0", O1, "Add an amount to the integer stored at a key", "key increment:integer");
pub const DECRBY: Doc =
    d("string", "1.0.0", O1, "Subtract an amount from the integer stored at a key", "key decrement:integer");
pub const INCRBYFLOAT: Doc =
    d("string", "2.6.0", O1, "Add a floating point amount to the number stored at a key", "key increment:double");
pub const GETRANGE: Doc = d(
    "string",
    "2.4.0",
    "O(N) where N is the length of the returned range.",
    "Return a slice of a string value",
    "key start:integer end:integer",
);
pub const SETRANGE: Doc = d(
    "string",
    "2.2.0",
    "O(1) amortized, not counting the copy of the new bytes.",
    "Overwrite part of a string value from an offset",
    "key offset:integer value",
);
pub const LCS: Doc = d(
    "string",
    "7.0.0",
    "O(N*M) for strings of lengths N and M",
    "Compute the longest common subsequence of two strings",
    "key1:key key2:key [LEN] [IDX] [MINMATCHLEN len:integer] [WITHMATCHLEN]",
);
pub const SUBSTR: Doc =
    dep("string", "1.0.0", "Return a slice of a string value", "key start:integer end:integer", "2.0.0|`GETRANGE`");
