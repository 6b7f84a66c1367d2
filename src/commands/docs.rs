//! Command documentation for COMMAND DOCS, and the COMMAND INFO metadata the table does not
//! carry (key-spec flags, tips). Texts are our own wording.
//!
//! Arguments are written in a small syntax close to the usage lines of the manual, parsed once:
//! `name` (a string), `name:type` (type one of key, string, integer, double, pattern, unix-time),
//! `TOKEN` (a pure token), `TOKEN name` (a value introduced by a token), `[...]` optional,
//! `(...)` a group, `a|b` one of, a trailing `...` repeats, and `label=` names a group.

use crate::command::{Command, flags};
use crate::resp::Reply;
use std::collections::HashMap;
use std::sync::OnceLock;

/// One command's documentation; `name` is the full name ("config|get").
pub struct Doc {
    pub name: &'static str,
    pub group: &'static str,
    pub since: &'static str,
    pub complexity: &'static str,
    pub summary: &'static str,
    pub args: &'static str,
    /// "since|replacement" for deprecated commands, else "".
    pub deprecated: &'static str,
}

const fn d(
    name: &'static str,
    group: &'static str,
    since: &'static str,
    complexity: &'static str,
    summary: &'static str,
    args: &'static str,
) -> Doc {
    Doc { name, group, since, complexity, summary, args, deprecated: "" }
}

const fn dep(
    name: &'static str,
    group: &'static str,
    since: &'static str,
    summary: &'static str,
    args: &'static str,
    deprecated: &'static str,
) -> Doc {
    Doc { name, group, since, complexity: "O(1)", summary, args, deprecated }
}

const O1: &str = "O(1)";
const SUB: &str = "Depends on subcommand.";

pub const DOCS: &[Doc] = &[
    // Strings.
    d("get", "string", "1.0.0", O1, "Return the string stored at a key", "key"),
    d(
        "set",
        "string",
        "1.0.0",
        O1,
        "Store a string at a key, with optional expiry and conditions",
        "key value condition=[NX|XX] [GET] expiration=[EX seconds:integer|PX milliseconds:integer|EXAT unix-time-seconds:unix-time|PXAT unix-time-milliseconds:unix-time|KEEPTTL]",
    ),
    d(
        "getex",
        "string",
        "6.2.0",
        O1,
        "Return a string value and change or drop its expiry",
        "key expiration=[EX seconds:integer|PX milliseconds:integer|EXAT unix-time-seconds:unix-time|PXAT unix-time-milliseconds:unix-time|PERSIST]",
    ),
    d("getdel", "string", "6.2.0", O1, "Return a string value and remove its key", "key"),
    dep(
        "getset",
        "string",
        "1.0.0",
        "Replace a string value and return the previous one",
        "key value",
        "6.2.0|`SET` with the `GET` option",
    ),
    d("setnx", "string", "1.0.0", O1, "Store a string only when the key is absent", "key value"),
    d("setex", "string", "2.0.0", O1, "Store a string with a time to live in seconds", "key seconds:integer value"),
    d(
        "psetex",
        "string",
        "2.6.0",
        O1,
        "Store a string with a time to live in milliseconds",
        "key milliseconds:integer value",
    ),
    d(
        "mset",
        "string",
        "1.0.1",
        "O(N) where N is the number of keys written.",
        "Store several strings at once",
        "key_value=(key value)...",
    ),
    d(
        "msetnx",
        "string",
        "1.0.1",
        "O(N) where N is the number of keys written.",
        "Store several strings only when none of the keys exists",
        "key_value=(key value)...",
    ),
    d(
        "mget",
        "string",
        "1.0.0",
        "O(N) where N is the number of keys read.",
        "Return the strings stored at several keys",
        "key...",
    ),
    d("append", "string", "2.0.0", "O(1) amortized", "Add bytes to the end of a string value", "key value"),
    d("strlen", "string", "2.2.0", O1, "Return the byte length of a string value", "key"),
    d("incr", "string", "1.0.0", O1, "Add one to the integer stored at a key", "key"),
    d("decr", "string", "1.0.0", O1, "Subtract one from the integer stored at a key", "key"),
    d("incrby", "string", "1.0.0", O1, "Add an amount to the integer stored at a key", "key increment:integer"),
    d("decrby", "string", "1.0.0", O1, "Subtract an amount from the integer stored at a key", "key decrement:integer"),
    d(
        "incrbyfloat",
        "string",
        "2.6.0",
        O1,
        "Add a floating point amount to the number stored at a key",
        "key increment:double",
    ),
    d(
        "getrange",
        "string",
        "2.4.0",
        "O(N) where N is the length of the returned range.",
        "Return a slice of a string value",
        "key start:integer end:integer",
    ),
    d(
        "setrange",
        "string",
        "2.2.0",
        "O(1) amortized, not counting the copy of the new bytes.",
        "Overwrite part of a string value from an offset",
        "key offset:integer value",
    ),
    d(
        "lcs",
        "string",
        "7.0.0",
        "O(N*M) for strings of lengths N and M",
        "Compute the longest common subsequence of two strings",
        "key1:key key2:key [LEN] [IDX] [MINMATCHLEN len:integer] [WITHMATCHLEN]",
    ),
    dep(
        "substr",
        "string",
        "1.0.0",
        "Return a slice of a string value",
        "key start:integer end:integer",
        "2.0.0|`GETRANGE`",
    ),
    // Generic key commands.
    d(
        "del",
        "generic",
        "1.0.0",
        "O(N) in the number of keys, plus the size of collections removed.",
        "Remove keys",
        "key...",
    ),
    d(
        "unlink",
        "generic",
        "4.0.0",
        "O(1) per key; memory is reclaimed in the background.",
        "Remove keys, releasing their memory asynchronously",
        "key...",
    ),
    d(
        "exists",
        "generic",
        "1.0.0",
        "O(N) where N is the number of keys given.",
        "Count how many of the given keys exist",
        "key...",
    ),
    d("type", "generic", "1.0.0", O1, "Return the type of the value at a key", "key"),
    d(
        "keys",
        "generic",
        "1.0.0",
        "O(N) in the number of keys in the database.",
        "List the keys matching a glob pattern",
        "pattern:pattern",
    ),
    d(
        "scan",
        "generic",
        "2.8.0",
        "O(1) per call, O(N) for a full iteration.",
        "Walk the keyspace a few keys at a time with a cursor",
        "cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [TYPE type]",
    ),
    d("randomkey", "generic", "1.0.0", O1, "Return a key picked at random", ""),
    d("rename", "generic", "1.0.0", O1, "Give a key a new name, replacing any key of that name", "key newkey:key"),
    d("renamenx", "generic", "1.0.0", O1, "Give a key a new name only if that name is free", "key newkey:key"),
    d(
        "copy",
        "generic",
        "6.2.0",
        "O(N) in the size of the value copied.",
        "Duplicate a value under another key",
        "source:key destination:key [DB destination-db:integer] [REPLACE]",
    ),
    d("move", "generic", "1.0.0", O1, "Transfer a key to another database", "key db:integer"),
    d(
        "expire",
        "generic",
        "1.0.0",
        O1,
        "Give a key a time to live in seconds",
        "key seconds:integer condition=[NX|XX|GT|LT]",
    ),
    d(
        "pexpire",
        "generic",
        "2.6.0",
        O1,
        "Give a key a time to live in milliseconds",
        "key milliseconds:integer condition=[NX|XX|GT|LT]",
    ),
    d(
        "expireat",
        "generic",
        "1.2.0",
        O1,
        "Make a key expire at a Unix time in seconds",
        "key unix-time-seconds:unix-time condition=[NX|XX|GT|LT]",
    ),
    d(
        "pexpireat",
        "generic",
        "2.6.0",
        O1,
        "Make a key expire at a Unix time in milliseconds",
        "key unix-time-milliseconds:unix-time condition=[NX|XX|GT|LT]",
    ),
    d("ttl", "generic", "1.0.0", O1, "Return the seconds left before a key expires", "key"),
    d("pttl", "generic", "2.6.0", O1, "Return the milliseconds left before a key expires", "key"),
    d("expiretime", "generic", "7.0.0", O1, "Return the Unix time in seconds at which a key expires", "key"),
    d("pexpiretime", "generic", "7.0.0", O1, "Return the Unix time in milliseconds at which a key expires", "key"),
    d("persist", "generic", "2.2.0", O1, "Drop the expiry of a key so it lives forever", "key"),
    d(
        "touch",
        "generic",
        "3.2.1",
        "O(N) where N is the number of keys given.",
        "Mark keys as recently used and count the existing ones",
        "key...",
    ),
    d("object", "generic", "2.2.3", SUB, "Container for commands that inspect stored values", ""),
    d("object|encoding", "generic", "2.2.3", O1, "Report how a value is represented internally", "key"),
    d("object|freq", "generic", "4.0.0", O1, "Report the access frequency counter of a value", "key"),
    d("object|idletime", "generic", "2.2.3", O1, "Report the seconds since a value was last used", "key"),
    d("object|refcount", "generic", "2.2.3", O1, "Report the reference count of a value", "key"),
    d("object|help", "generic", "6.2.0", O1, "Describe the OBJECT subcommands", ""),
    // Connection.
    d("ping", "connection", "1.0.0", O1, "Check that the server answers", "[message]"),
    d("echo", "connection", "1.0.0", O1, "Reply with the given message", "message"),
    d("quit", "connection", "1.0.0", O1, "Ask the server to close this connection", ""),
    d("select", "connection", "1.0.0", O1, "Switch this connection to another numbered database", "index:integer"),
    d(
        "auth",
        "connection",
        "1.0.0",
        "O(N) in the number of passwords of the user.",
        "Authenticate this connection",
        "[username] password",
    ),
    d(
        "hello",
        "connection",
        "6.0.0",
        O1,
        "Negotiate the protocol and report server details",
        "arguments=[protover:integer username_password=[AUTH (username password)] [SETNAME clientname]]",
    ),
    d("reset", "connection", "6.2.0", O1, "Return this connection to its initial state", ""),
    d("client", "connection", "2.4.0", SUB, "Container for commands about client connections", ""),
    d("client|id", "connection", "5.0.0", O1, "Return this connection's id", ""),
    d("client|info", "connection", "6.2.0", O1, "Describe this connection", ""),
    d(
        "client|list",
        "connection",
        "2.4.0",
        "O(N) in the number of connections.",
        "Describe the open connections",
        "[TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID client-id:integer...]",
    ),
    d(
        "client|kill",
        "connection",
        "2.4.0",
        "O(N) in the number of connections.",
        "Close the connections matching filters",
        "filter=(ip:port|new-format=([ID client-id:integer] [TYPE (NORMAL|MASTER|SLAVE|REPLICA|PUBSUB)] [USER username] [ADDR ip:port] [LADDR ip:port] [SKIPME yes/no])...)",
    ),
    d("client|getname", "connection", "2.6.9", O1, "Return the name given to this connection", ""),
    d("client|setname", "connection", "2.6.9", O1, "Give this connection a name", "connection-name"),
    d(
        "client|setinfo",
        "connection",
        "7.2.0",
        O1,
        "Record the client library name or version",
        "attr=(LIB-NAME libname|LIB-VER libver)",
    ),
    d(
        "client|pause",
        "connection",
        "3.0.0",
        O1,
        "Hold clients' commands for a while",
        "timeout:integer mode=[WRITE|ALL]",
    ),
    d("client|unpause", "connection", "6.2.0", "O(N) in the number of paused clients.", "Let paused clients go on", ""),
    d(
        "client|reply",
        "connection",
        "3.2.0",
        O1,
        "Turn the replies to this connection on or off",
        "on_off_skip=(ON|OFF|SKIP)",
    ),
    d(
        "client|unblock",
        "connection",
        "5.0.0",
        "O(log N) in the number of connections.",
        "Wake a client blocked in a blocking command",
        "client-id:integer timeout_error=[TIMEOUT|ERROR]",
    ),
    d("client|no-evict", "connection", "7.0.0", O1, "Exempt this connection from client eviction", "enabled=(ON|OFF)"),
    d(
        "client|no-touch",
        "connection",
        "7.2.0",
        O1,
        "Keep this connection's reads from updating access times",
        "enabled=(ON|OFF)",
    ),
    d(
        "client|tracking",
        "connection",
        "6.0.0",
        O1,
        "Turn client-side caching support on or off",
        "status=(ON|OFF) [REDIRECT client-id:integer] [PREFIX prefix]... [BCAST] [OPTIN] [OPTOUT] [NOLOOP]",
    ),
    d("client|trackinginfo", "connection", "6.2.0", O1, "Describe this connection's tracking state", ""),
    d("client|getredir", "connection", "6.0.0", O1, "Return the id tracking messages are redirected to", ""),
    d(
        "client|caching",
        "connection",
        "6.0.0",
        O1,
        "Choose whether the next command's keys are tracked",
        "mode=(YES|NO)",
    ),
    d("client|help", "connection", "5.0.0", O1, "Describe the CLIENT subcommands", ""),
    // Server.
    d("dbsize", "server", "1.0.0", O1, "Count the keys of the selected database", ""),
    d(
        "flushdb",
        "server",
        "1.0.0",
        "O(N) in the number of keys removed.",
        "Remove every key of the selected database",
        "flush-type=[ASYNC|SYNC]",
    ),
    d(
        "flushall",
        "server",
        "1.0.0",
        "O(N) in the number of keys removed.",
        "Remove every key of every database",
        "flush-type=[ASYNC|SYNC]",
    ),
    d("time", "server", "2.6.0", O1, "Return the server clock as seconds and microseconds", ""),
    d("lastsave", "server", "1.0.0", O1, "Return the Unix time of the last successful save", ""),
    d(
        "shutdown",
        "server",
        "1.0.0",
        "O(N) in the number of keys when saving, else O(1).",
        "Stop the server, saving first if asked or configured",
        "nosave_save=[NOSAVE|SAVE] [NOW] [FORCE] [ABORT]",
    ),
    d("debug", "server", "1.0.0", "Depends on subcommand.", "Diagnostic and testing helpers", ""),
    d("info", "server", "1.0.0", O1, "Report server state and statistics by section", "[section...]"),
    d("config", "server", "2.0.0", SUB, "Container for configuration commands", ""),
    d(
        "config|get",
        "server",
        "2.0.0",
        "O(N) in the number of parameters matched.",
        "Return the parameters matching glob patterns",
        "parameter...",
    ),
    d(
        "config|set",
        "server",
        "2.0.0",
        "O(N) in the number of parameters set.",
        "Change parameters, all or none",
        "parameter_value=(parameter value)...",
    ),
    d("config|resetstat", "server", "2.0.0", O1, "Zero the statistics INFO reports", ""),
    d("config|rewrite", "server", "2.8.0", O1, "Write the running configuration back to its file", ""),
    d("config|help", "server", "5.0.0", O1, "Describe the CONFIG subcommands", ""),
    d("command", "server", "2.8.13", "O(N) in the number of commands.", "Describe every command", ""),
    d("command|count", "server", "2.8.13", O1, "Count the commands", ""),
    d(
        "command|info",
        "server",
        "2.8.13",
        "O(N) in the number of commands asked for.",
        "Describe the given commands",
        "[command-name...]",
    ),
    d(
        "command|docs",
        "server",
        "7.0.0",
        "O(N) in the number of commands asked for.",
        "Return the documentation of the given commands",
        "[command-name...]",
    ),
    d(
        "command|list",
        "server",
        "7.0.0",
        "O(N) in the number of commands.",
        "List command names, optionally filtered",
        "[FILTERBY filterby=(MODULE module-name|ACLCAT category|PATTERN pattern:pattern)]",
    ),
    d(
        "command|getkeys",
        "server",
        "2.8.13",
        "O(N) in the number of arguments.",
        "Extract the key names from a full command",
        "command arg...",
    ),
    d(
        "command|getkeysandflags",
        "server",
        "7.0.0",
        "O(N) in the number of arguments.",
        "Extract the key names and their access flags from a full command",
        "command arg...",
    ),
    d("command|help", "server", "5.0.0", O1, "Describe the COMMAND subcommands", ""),
    d("memory", "server", "4.0.0", SUB, "Container for memory introspection commands", ""),
    d(
        "memory|usage",
        "server",
        "4.0.0",
        "O(N) in the number of samples.",
        "Estimate the bytes a key and its value occupy",
        "key [SAMPLES count:integer]",
    ),
    d("memory|help", "server", "4.0.0", O1, "Describe the MEMORY subcommands", ""),
    d("function", "scripting", "7.0.0", SUB, "Container for function commands", ""),
    d(
        "function|flush",
        "scripting",
        "7.0.0",
        "O(N) in the number of functions removed.",
        "Remove every function library",
        "flush-type=[ASYNC|SYNC]",
    ),
    d(
        "function|list",
        "scripting",
        "7.0.0",
        "O(N) in the number of functions.",
        "List the function libraries",
        "[LIBRARYNAME library-name-pattern] [WITHCODE]",
    ),
    d("function|help", "scripting", "7.0.0", O1, "Describe the FUNCTION subcommands", ""),
];

/// Key-spec access flags per command, one `;`-separated set per key spec (COMMAND INFO).
const KEY_FLAGS: &[(&str, &str)] = &[
    ("set", "RW access update variable_flags"),
    ("getex", "RW access update"),
    ("getdel", "RW access delete"),
    ("getset", "RW access update"),
    ("setnx", "OW insert"),
    ("setex", "OW update"),
    ("psetex", "OW update"),
    ("mset", "OW update"),
    ("msetnx", "OW insert"),
    ("append", "RW insert"),
    ("strlen", "RO"),
    ("incr", "RW access update"),
    ("decr", "RW access update"),
    ("incrby", "RW access update"),
    ("decrby", "RW access update"),
    ("incrbyfloat", "RW access update"),
    ("setrange", "RW update"),
    ("del", "RM delete"),
    ("unlink", "RM delete"),
    ("exists", "RO"),
    ("type", "RO"),
    ("rename", "RW access delete;OW update"),
    ("renamenx", "RW access delete;OW insert"),
    ("copy", "RO access;OW update"),
    ("move", "RW access update"),
    ("expire", "RW update"),
    ("pexpire", "RW update"),
    ("expireat", "RW update"),
    ("pexpireat", "RW update"),
    ("persist", "RW update"),
    ("touch", "RO"),
    ("object|encoding", "RO"),
    ("object|freq", "RO"),
    ("object|idletime", "RO"),
    ("object|refcount", "RO"),
    ("memory|usage", "RO"),
];

/// Notes attached to a command's key spec.
const KEY_NOTES: &[(&str, &str)] = &[
    ("set", "Read as well as written when GET is given"),
    ("getex", "Read and updated: the command may change the time to live"),
];

/// The note COMMAND INFO shows on a command's key spec, if any.
pub fn key_note(fullname: &str) -> Option<&'static str> {
    lookup(KEY_NOTES, fullname)
}

/// Command tips (COMMAND INFO's eighth field).
const TIPS: &[(&str, &str)] = &[
    ("mset", "request_policy:multi_shard response_policy:all_succeeded"),
    ("msetnx", "request_policy:multi_shard response_policy:agg_min"),
    ("mget", "request_policy:multi_shard"),
    ("del", "request_policy:multi_shard response_policy:agg_sum"),
    ("unlink", "request_policy:multi_shard response_policy:agg_sum"),
    ("exists", "request_policy:multi_shard response_policy:agg_sum"),
    ("touch", "request_policy:multi_shard response_policy:agg_sum"),
    ("keys", "request_policy:all_shards nondeterministic_output_order"),
    ("scan", "nondeterministic_output request_policy:special"),
    ("randomkey", "request_policy:all_shards nondeterministic_output"),
    ("ttl", "nondeterministic_output"),
    ("pttl", "nondeterministic_output"),
    ("object|encoding", "nondeterministic_output"),
    ("object|freq", "nondeterministic_output"),
    ("object|idletime", "nondeterministic_output"),
    ("object|refcount", "nondeterministic_output"),
    ("ping", "request_policy:all_shards response_policy:all_succeeded"),
    ("client|list", "nondeterministic_output"),
    ("client|info", "nondeterministic_output"),
    ("dbsize", "request_policy:all_shards response_policy:agg_sum"),
    ("flushdb", "request_policy:all_shards response_policy:all_succeeded"),
    ("flushall", "request_policy:all_shards response_policy:all_succeeded"),
    ("time", "nondeterministic_output"),
    ("lastsave", "nondeterministic_output"),
    ("info", "nondeterministic_output request_policy:all_shards response_policy:special"),
    ("config|set", "request_policy:all_nodes response_policy:all_succeeded"),
    ("command", "nondeterministic_output_order"),
    ("command|docs", "nondeterministic_output_order"),
    ("command|info", "nondeterministic_output_order"),
    ("command|list", "nondeterministic_output_order"),
    ("function|flush", "request_policy:all_shards response_policy:all_succeeded"),
    ("function|list", "nondeterministic_output_order"),
    ("wait", "request_policy:all_shards response_policy:agg_min"),
];

fn index() -> &'static HashMap<&'static str, &'static Doc> {
    static INDEX: OnceLock<HashMap<&'static str, &'static Doc>> = OnceLock::new();
    INDEX.get_or_init(|| DOCS.iter().map(|d| (d.name, d)).collect())
}

/// The documentation entry of a command by full name, if one was written.
pub fn find(fullname: &str) -> Option<&'static Doc> {
    index().get(fullname).copied()
}

fn lookup<'a>(table: &'a [(&str, &'a str)], fullname: &str) -> Option<&'a str> {
    table.iter().find(|(n, _)| *n == fullname).map(|(_, v)| *v)
}

/// The tips COMMAND INFO reports for a command.
pub fn tips(fullname: &str) -> Vec<&'static str> {
    lookup(TIPS, fullname).map(|t| t.split(' ').collect()).unwrap_or_default()
}

/// Access flags of each key spec: from the table above, or guessed from the command flags.
pub fn key_flags(cmd: &Command) -> Vec<Vec<&'static str>> {
    if let Some(sets) = lookup(KEY_FLAGS, &cmd.fullname) {
        return sets.split(';').map(|s| s.split(' ').collect()).collect();
    }
    let guess: &[&str] = if cmd.spec.has(flags::WRITE) {
        &["RW", "update"]
    } else if cmd.spec.has(flags::READONLY) {
        &["RO", "access"]
    } else {
        &["RW", "access", "update"]
    };
    vec![guess.to_vec()]
}

/// The docs group Redis would file a command without an entry under, from its ACL categories.
fn guess_group(cmd: &Command) -> &'static str {
    let g = cmd.spec.group;
    const MAP: &[(&str, &str)] = &[
        ("@string", "string"),
        ("@list", "list"),
        ("@hash", "hash"),
        ("@sortedset", "sorted_set"),
        ("@set", "set"),
        ("@stream", "stream"),
        ("@bitmap", "bitmap"),
        ("@hyperloglog", "hyperloglog"),
        ("@geo", "geo"),
        ("@pubsub", "pubsub"),
        ("@scripting", "scripting"),
        ("@transaction", "transactions"),
        ("@connection", "connection"),
        ("@keyspace", "generic"),
    ];
    MAP.iter().find(|(cat, _)| g.split(' ').any(|w| w == *cat)).map(|(_, grp)| *grp).unwrap_or("server")
}

// ---------------------------------------------------------------------------------------------
// The argument syntax.

#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub name: String,
    pub kind: &'static str,
    pub token: Option<String>,
    pub optional: bool,
    pub multiple: bool,
    pub multiple_token: bool,
    pub args: Vec<Arg>,
}

impl Arg {
    fn new(name: String, kind: &'static str) -> Arg {
        Arg { name, kind, token: None, optional: false, multiple: false, multiple_token: false, args: Vec::new() }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open(char),
    Close(char),
    Bar,
    Dots,
    Word(String),
}

fn lex(s: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Tok>| {
        if !word.is_empty() {
            out.push(Tok::Word(std::mem::take(word)));
        }
    };
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' | '(' => {
                flush(&mut word, &mut out);
                out.push(Tok::Open(c));
            }
            ']' | ')' => {
                flush(&mut word, &mut out);
                out.push(Tok::Close(c));
            }
            '|' => {
                flush(&mut word, &mut out);
                out.push(Tok::Bar);
            }
            '.' if chars.peek() == Some(&'.') => {
                while chars.peek() == Some(&'.') {
                    chars.next();
                }
                flush(&mut word, &mut out);
                out.push(Tok::Dots);
            }
            c if c.is_whitespace() => flush(&mut word, &mut out),
            c => word.push(c),
        }
    }
    flush(&mut word, &mut out);
    out
}

const TYPES: &[&str] = &["key", "string", "integer", "double", "pattern", "unix-time"];

fn is_token(w: &str) -> bool {
    w.chars().any(|c| c.is_ascii_uppercase()) && !w.chars().any(|c| c.is_ascii_lowercase())
}

/// A value word: `name` or `name:type`; a bare `key` is a key.
fn value_arg(w: &str) -> Arg {
    if let Some((name, ty)) = w.rsplit_once(':')
        && let Some(kind) = TYPES.iter().find(|t| **t == ty)
    {
        return Arg::new(name.to_string(), kind);
    }
    Arg::new(w.to_string(), if w == "key" { "key" } else { "string" })
}

struct ArgParser {
    toks: Vec<Tok>,
    pos: usize,
}

impl ArgParser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    /// Items up to a `|`, a closing bracket or the end.
    fn seq(&mut self) -> Vec<Arg> {
        let mut items = Vec::new();
        while let Some(t) = self.peek() {
            if matches!(t, Tok::Bar | Tok::Close(_)) {
                break;
            }
            match self.item() {
                Some(a) => items.push(a),
                None => break,
            }
        }
        items
    }

    fn item(&mut self) -> Option<Arg> {
        let mut label = None;
        let mut arg = match self.next()? {
            Tok::Word(w) if w.ends_with('=') && matches!(self.peek(), Some(Tok::Open(_))) => {
                label = Some(w.trim_end_matches('=').to_string());
                let Some(Tok::Open(c)) = self.next() else { return None };
                self.group(c)
            }
            Tok::Word(w) if is_token(&w) => match self.peek() {
                Some(Tok::Word(v)) if !is_token(v) && !v.ends_with('=') => {
                    let v = v.clone();
                    self.pos += 1;
                    let mut a = value_arg(&v);
                    a.token = Some(w);
                    if matches!(self.peek(), Some(Tok::Dots)) {
                        self.pos += 1;
                        a.multiple = true;
                    }
                    a
                }
                Some(Tok::Open('(')) => {
                    self.pos += 1;
                    let mut g = self.group('(');
                    g.token = Some(w);
                    g
                }
                Some(Tok::Word(v)) if v.ends_with('=') => {
                    let v = v.clone();
                    self.pos += 1;
                    let Some(Tok::Open(c)) = self.next() else { return None };
                    let mut g = self.group(c);
                    g.name = v.trim_end_matches('=').to_string();
                    g.token = Some(w);
                    g
                }
                _ => {
                    let mut a = Arg::new(w.to_ascii_lowercase(), "pure-token");
                    a.token = Some(w);
                    a
                }
            },
            Tok::Word(w) => value_arg(&w),
            Tok::Open(c) => self.group(c),
            _ => return None,
        };
        if matches!(self.peek(), Some(Tok::Dots)) {
            self.pos += 1;
            arg.multiple = true;
            arg.multiple_token = arg.token.is_some() && arg.kind != "pure-token";
        }
        if let Some(l) = label {
            arg.name = l;
        }
        Some(arg)
    }

    /// After an opening bracket: alternatives up to the matching close.
    fn group(&mut self, open: char) -> Arg {
        let mut alts = vec![self.seq()];
        while matches!(self.peek(), Some(Tok::Bar)) {
            self.pos += 1;
            alts.push(self.seq());
        }
        if matches!(self.peek(), Some(Tok::Close(_))) {
            self.pos += 1;
        }
        let mut arg = if alts.len() > 1 {
            let args: Vec<Arg> = alts.into_iter().map(block_of).collect();
            let name = args.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join("_");
            let mut a = Arg::new(name, "oneof");
            a.args = args;
            a
        } else {
            let seq = alts.pop().unwrap_or_default();
            block_of(seq)
        };
        if open == '[' {
            arg.optional = true;
        }
        arg
    }
}

/// One argument stands for itself; several make a block named after them.
fn block_of(mut seq: Vec<Arg>) -> Arg {
    if seq.len() == 1 {
        return seq.pop().unwrap_or_else(|| Arg::new(String::new(), "block"));
    }
    let name = seq.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join("_");
    let mut a = Arg::new(name, "block");
    a.args = seq;
    a
}

/// Parse an argument line of the syntax above.
pub fn parse_args(s: &str) -> Vec<Arg> {
    let mut p = ArgParser { toks: lex(s), pos: 0 };
    let mut out = Vec::new();
    while p.pos < p.toks.len() {
        let mut items = p.seq();
        out.append(&mut items);
        // A stray `|` or `]` at top level: skip it rather than loop.
        if p.pos < p.toks.len() {
            p.pos += 1;
        }
    }
    out
}

fn write_arg(out: &mut Reply, a: &Arg) {
    let mut fields = 2;
    let flags: Vec<&str> = [(a.optional, "optional"), (a.multiple, "multiple"), (a.multiple_token, "multiple_token")]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, n)| *n)
        .collect();
    fields += usize::from(a.kind == "key") + usize::from(a.token.is_some());
    fields += usize::from(!flags.is_empty()) + usize::from(!a.args.is_empty());
    out.map(fields);
    out.bulk_str("name");
    out.bulk_str(&a.name);
    out.bulk_str("type");
    out.bulk_str(a.kind);
    if a.kind == "key" {
        out.bulk_str("key_spec_index");
        out.int(0);
    }
    if let Some(t) = &a.token {
        out.bulk_str("token");
        out.bulk_str(t);
    }
    if !flags.is_empty() {
        out.bulk_str("flags");
        out.set(flags.len());
        for f in flags {
            out.simple(f);
        }
    }
    if !a.args.is_empty() {
        out.bulk_str("arguments");
        out.array(a.args.len());
        for sub in &a.args {
            write_arg(out, sub);
        }
    }
}

/// Write one command's documentation map (without its name), subcommands included.
pub fn write_doc(out: &mut Reply, cmd: &Command) {
    let t = crate::command::table();
    let subs: Vec<&Command> = if cmd.spec.subcommands.is_empty() {
        Vec::new()
    } else {
        cmd.spec.subcommands.iter().filter_map(|s| t.lookup_sub(cmd.spec.name, s.name.as_bytes())).collect()
    };
    let doc = find(&cmd.fullname);
    let args = doc.map(|d| parse_args(d.args)).unwrap_or_default();
    let (dep_since, replaced) = doc.and_then(|d| d.deprecated.split_once('|')).unwrap_or(("", ""));
    let mut fields = 4 + usize::from(!args.is_empty()) + usize::from(!subs.is_empty());
    if !dep_since.is_empty() {
        fields += 3;
    }
    out.map(fields);
    out.bulk_str("summary");
    match doc {
        Some(d) => out.bulk_str(d.summary),
        None => out.bulk_str(&format!("The {} command", cmd.fullname.to_uppercase().replace('|', " "))),
    }
    out.bulk_str("since");
    out.bulk_str(doc.map(|d| d.since).unwrap_or("1.0.0"));
    out.bulk_str("group");
    out.bulk_str(doc.map(|d| d.group).unwrap_or_else(|| guess_group(cmd)));
    out.bulk_str("complexity");
    out.bulk_str(doc.map(|d| d.complexity).unwrap_or(if subs.is_empty() { "O(1)" } else { SUB }));
    if !dep_since.is_empty() {
        out.bulk_str("doc_flags");
        out.set(1);
        out.simple("deprecated");
        out.bulk_str("deprecated_since");
        out.bulk_str(dep_since);
        out.bulk_str("replaced_by");
        out.bulk_str(replaced);
    }
    if !args.is_empty() {
        out.bulk_str("arguments");
        out.array(args.len());
        for a in &args {
            write_arg(out, a);
        }
    }
    if !subs.is_empty() {
        out.bulk_str("subcommands");
        out.map(subs.len());
        for s in subs {
            out.bulk_str(&s.fullname);
            write_doc(out, s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_arguments() {
        let a = parse_args(find("set").map(|d| d.args).unwrap_or(""));
        assert_eq!(a.len(), 5);
        assert_eq!((a[0].name.as_str(), a[0].kind), ("key", "key"));
        assert_eq!((a[2].name.as_str(), a[2].kind, a[2].optional), ("condition", "oneof", true));
        assert_eq!(a[2].args[0].token.as_deref(), Some("NX"));
        assert_eq!(a[3].kind, "pure-token");
        let exp = &a[4];
        assert_eq!((exp.name.as_str(), exp.args.len()), ("expiration", 5));
        assert_eq!(
            (exp.args[0].name.as_str(), exp.args[0].kind, exp.args[0].token.as_deref()),
            ("seconds", "integer", Some("EX"))
        );
        assert_eq!(exp.args[4].kind, "pure-token");
    }

    #[test]
    fn blocks_multiples_and_tokens() {
        let a = parse_args("key_value=(key value)...");
        assert_eq!((a[0].name.as_str(), a[0].kind, a[0].multiple, a[0].args.len()), ("key_value", "block", true, 2));
        let a = parse_args("[PREFIX prefix]... [ID client-id:integer...] ip:port");
        assert!(a[0].optional && a[0].multiple && a[0].multiple_token);
        assert!(a[1].optional && a[1].multiple && !a[1].multiple_token);
        assert_eq!((a[2].name.as_str(), a[2].kind), ("ip:port", "string"));
        let a = parse_args("[TYPE (NORMAL|MASTER)]");
        assert_eq!((a[0].kind, a[0].token.as_deref(), a[0].optional), ("oneof", Some("TYPE"), true));
    }

    #[test]
    fn string_key_connection_and_server_commands_are_documented() {
        let names = "set get getex getdel getset setnx setex psetex mset msetnx mget append strlen incr decr incrby \
            decrby incrbyfloat getrange setrange lcs substr del unlink exists type keys scan randomkey rename renamenx \
            copy move expire pexpire expireat pexpireat ttl pttl expiretime pexpiretime persist touch object ping echo \
            quit select auth hello reset client client|list client|kill client|id client|setname client|getname \
            dbsize flushdb flushall time lastsave shutdown debug info config config|get config|set command \
            command|docs command|info memory|usage function|list function|flush";
        for n in names.split_whitespace() {
            assert!(find(n).is_some(), "no doc entry for {n}");
        }
        let mut seen = std::collections::HashSet::new();
        assert!(DOCS.iter().all(|d| seen.insert(d.name)), "duplicate doc entry");
    }

    #[test]
    fn every_entry_parses_without_leftovers() {
        for d in DOCS {
            let args = parse_args(d.args);
            fn check(a: &Arg, name: &str) {
                assert!(!a.name.is_empty(), "{name}: unnamed argument");
                a.args.iter().for_each(|s| check(s, name));
            }
            args.iter().for_each(|a| check(a, d.name));
            assert!(!d.summary.is_empty() && !d.since.is_empty());
        }
    }
}
