//! COMMAND DOCS data of the server family, referenced from its rows.

use super::{O1, SUB, d};
use crate::command::Doc;

pub const DBSIZE: Doc = d("server", "1.0.0", O1, "Count the keys of the selected database", "");
pub const FLUSHDB: Doc = d(
    "server",
    "1.0.0",
    "O(N) in the number of keys removed.",
    "Remove every key of the selected database",
    "flush-type=[ASYNC|SYNC]",
);
pub const FLUSHALL: Doc = d(
    "server",
    "1.0.0",
    "O(N) in the number of keys removed.",
    "Remove every key of every database",
    "flush-type=[ASYNC|SYNC]",
);
pub const TIME: Doc = d("server", "2.6.0", O1, "Return the server clock as seconds and microseconds", "");
pub const SHUTDOWN: Doc = d(
    "server",
    "1.0.0",
    "O(N) in the number of keys when saving, else O(1).",
    "Stop the server, saving first if asked or configured",
    "nosave_save=[NOSAVE|SAVE] [NOW] [FORCE] [ABORT]",
);
pub const DEBUG: Doc = d("server", "1.0.0", "Depends on subcommand.", "Diagnostic and testing helpers", "");
pub const INFO: Doc = d("server", "1.0.0", O1, "Report server state and statistics by section", "[section...]");
pub const CONFIG: Doc = d("server", "2.0.0", SUB, "Container for configuration commands", "");
pub const CONFIG_GET: Doc = d(
    "server",
    "2.0.0",
    "O(N) in the number of parameters matched.",
    "Return the parameters matching glob patterns",
    "parameter...",
);
pub const CONFIG_SET: Doc = d(
    "server",
    "2.0.0",
    "O(N) in the number of parameters set.",
    "Change parameters, all or none",
    "parameter_value=(parameter value)...",
);
pub const CONFIG_RESETSTAT: Doc = d("server", "2.0.0", O1, "Zero the statistics INFO reports", "");
pub const CONFIG_REWRITE: Doc = d("server", "2.8.0", O1, "Write the running configuration back to its file", "");
pub const CONFIG_HELP: Doc = d("server", "5.0.0", O1, "Describe the CONFIG subcommands", "");
pub const MEMORY: Doc = d("server", "4.0.0", SUB, "Container for memory introspection commands", "");
pub const MEMORY_USAGE: Doc = d(
    "server",
    "4.0.0",
    "O(N) in the number of samples.",
    "Estimate the bytes a key and its value occupy",
    "key [SAMPLES count:integer]",
);
pub const MEMORY_HELP: Doc = d("server", "4.0.0", O1, "Describe the MEMORY subcommands", "");
pub const FUNCTION: Doc = d("scripting", "7.0.0", SUB, "Container for function commands", "");
pub const FUNCTION_FLUSH: Doc = d(
    "scripting",
    "7.0.0",
    "O(N) in the number of functions removed.",
    "Remove every function library",
    "flush-type=[ASYNC|SYNC]",
);
pub const FUNCTION_LIST: Doc = d(
    "scripting",
    "7.0.0",
    "O(N) in the number of functions.",
    "List the function libraries",
    "[LIBRARYNAME library-name-pattern] [WITHCODE]",
);
pub const FUNCTION_HELP: Doc = d("scripting", "7.0.0", O1, "Describe the FUNCTION subcommands", "");
