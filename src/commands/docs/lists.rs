//! COMMAND DOCS data of the lists family, referenced from its rows.

use super::{O1, d, dep};
use crate::command::Doc;

const ON: &str = "O(N) where N is the number of elements processed.";

pub const LPUSH: Doc = d("list", "1.0.0", O1, "Prepend elements to a list, creating it if needed", "key element...");
pub const RPUSH: Doc = d("list", "1.0.0", O1, "Append elements to a list, creating it if needed", "key element...");
pub const LPUSHX: Doc = d("list", "2.2.0", O1, "Prepend elements to a list only if it exists", "key element...");
pub const RPUSHX: Doc = d("list", "2.2.0", O1, "Append elements to a list only if it exists", "key element...");
pub const LPOP: Doc = d("list", "1.0.0", ON, "Remove and return the first elements of a list", "key [count:integer]");
pub const RPOP: Doc = d("list", "1.0.0", ON, "Remove and return the last elements of a list", "key [count:integer]");
pub const LLEN: Doc = d("list", "1.0.0", O1, "Return the length of a list", "key");
pub const LRANGE: Doc =
    d("list", "1.0.0", ON, "Return a range of elements of a list", "key start:integer stop:integer");
pub const LINDEX: Doc = d("list", "1.0.0", ON, "Return the element at an index of a list", "key index:integer");
pub const LSET: Doc = d("list", "1.0.0", ON, "Replace the element at an index of a list", "key index:integer element");
pub const LINSERT: Doc = d(
    "list",
    "2.2.0",
    ON,
    "Insert an element before or after another element of a list",
    "key where=[BEFORE|AFTER] pivot element",
);
pub const LREM: Doc =
    d("list", "1.0.0", ON, "Remove occurrences of an element from a list", "key count:integer element");
pub const LTRIM: Doc =
    d("list", "1.0.0", ON, "Keep only a range of elements of a list", "key start:integer stop:integer");
pub const LPOS: Doc = d(
    "list",
    "6.0.6",
    ON,
    "Return the positions of elements equal to a value in a list",
    "key element [RANK rank:integer] [COUNT num-matches:integer] [MAXLEN len:integer]",
);
pub const LMOVE: Doc = d(
    "list",
    "6.2.0",
    O1,
    "Pop an element from one end of a list and push it to an end of another",
    "source:key destination:key wherefrom=[LEFT|RIGHT] whereto=[LEFT|RIGHT]",
);
pub const RPOPLPUSH: Doc = dep(
    "list",
    "1.2.0",
    "Pop the last element of a list and push it to the head of another",
    "source:key destination:key",
    "6.2.0|`LMOVE` with the `RIGHT` and `LEFT` arguments",
);
pub const LMPOP: Doc = d(
    "list",
    "7.0.0",
    ON,
    "Pop elements from the first non-empty list of several",
    "numkeys:integer key... where=[LEFT|RIGHT] [COUNT count:integer]",
);
pub const BLPOP: Doc = d(
    "list",
    "2.0.0",
    O1,
    "Pop the first element of the first non-empty list, waiting for one",
    "key... timeout:double",
);
pub const BRPOP: Doc = d(
    "list",
    "2.0.0",
    O1,
    "Pop the last element of the first non-empty list, waiting for one",
    "key... timeout:double",
);
pub const BLMOVE: Doc = d(
    "list",
    "6.2.0",
    O1,
    "Move an element between lists, waiting until the source has one",
    "source:key destination:key wherefrom=[LEFT|RIGHT] whereto=[LEFT|RIGHT] timeout:double",
);
pub const BRPOPLPUSH: Doc = dep(
    "list",
    "2.2.0",
    "Move the last element of a list to the head of another, waiting until there is one",
    "source:key destination:key timeout:double",
    "6.2.0|`BLMOVE` with the `RIGHT` and `LEFT` arguments",
);
pub const BLMPOP: Doc = d(
    "list",
    "7.0.0",
    ON,
    "Pop elements from the first non-empty list of several, waiting for one",
    "timeout:double numkeys:integer key... where=[LEFT|RIGHT] [COUNT count:integer]",
);
