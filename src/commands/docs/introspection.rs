//! COMMAND DOCS data of COMMAND and its subcommands, referenced from their rows.

use super::{O1, d};
use crate::command::Doc;

pub const COMMAND: Doc = d("server", "2.8.13", "O(N) in the number of commands.", "Describe every command", "");
pub const COMMAND_COUNT: Doc = d("server", "2.8.13", O1, "Count the commands", "");
pub const COMMAND_INFO: Doc = d(
    "server",
    "2.8.13",
    "O(N) in the number of commands asked for.",
    "Describe the given commands",
    "[command-name...]",
);
pub const COMMAND_DOCS: Doc = d(
    "server",
    "7.0.0",
    "O(N) in the number of commands asked for.",
    "Return the documentation of the given commands",
    "[command-name...]",
);
pub const COMMAND_LIST: Doc = d(
    "server",
    "7.0.0",
    "O(N) in the number of commands.",
    "List command names, optionally filtered",
    "[FILTERBY filterby=(MODULE module-name|ACLCAT category|PATTERN pattern:pattern)]",
);
pub const COMMAND_GETKEYS: Doc = d(
    "server",
    "2.8.13",
    "O(N) in the number of arguments.",
    "Extract the key names from a full command",
    "command arg...",
);
pub const COMMAND_GETKEYSANDFLAGS: Doc = d(
    "server",
    "7.0.0",
    "O(N) in the number of arguments.",
    "Extract the key names and their access flags from a full command",
    "command arg...",
);
pub const COMMAND_HELP: Doc = d("server", "5.0.0", O1, "Describe the COMMAND subcommands", "");
