//! COMMAND DOCS data of DUMP and RESTORE.

use super::d;
use crate::command::Doc;

pub const DUMP: Doc = d(
    "generic",
    "2.6.0",
    "O(1) to find the key, then O(N*M) to serialize its value (N elements of average size M).",
    "Serialize the value stored at a key in Redis's format",
    "key",
);
pub const RESTORE: Doc = d(
    "generic",
    "2.6.0",
    "O(1) to create the key, then O(N*M) to rebuild the value (O(N*M*log(N)) for sorted sets).",
    "Create a key from a value serialized with DUMP",
    "key ttl:integer serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds:integer] [FREQ frequency:integer]",
);
