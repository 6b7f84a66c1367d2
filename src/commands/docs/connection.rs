//! COMMAND DOCS data of the connection family, referenced from its rows.

use super::{O1, SUB, d};
use crate::command::Doc;

pub const PING: Doc = d("connection", "1.0.0", O1, "Check that the server answers", "[message]");
pub const ECHO: Doc = d("connection", "1.0.0", O1, "Reply with the given message", "message");
pub const QUIT: Doc = d("connection", "1.0.0", O1, "Ask the server to close this connection", "");
pub const SELECT: Doc =
    d("connection", "1.0.0", O1, "Switch this connection to another numbered database", "index:integer");
pub const AUTH: Doc = d(
    "connection",
    "1.0.0",
    "O(N) in the number of passwords of the user.",
    "Authenticate this connection",
    "[username] password",
);
pub const HELLO: Doc = d(
    "connection",
    "6.0.0",
    O1,
    "Negotiate the protocol and report server details",
    "arguments=[protover:integer username_password=[AUTH (username password)] [SETNAME clientname]]",
);
pub const RESET: Doc = d("connection", "6.2.0", O1, "Return this connection to its initial state", "");
pub const CLIENT: Doc = d("connection", "2.4.0", SUB, "Container for commands about client connections", "");
pub const CLIENT_ID: Doc = d("connection", "5.0.0", O1, "Return this connection's id", "");
pub const CLIENT_INFO: Doc = d("connection", "6.2.0", O1, "Describe this connection", "");
pub const CLIENT_LIST: Doc = d(
    "connection",
    "2.4.0",
    "O(N) in the number of connections.",
    "Describe the open connections",
    "[TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID client-id:integer...]",
);
pub const CLIENT_KILL: Doc = d(
    "connection",
    "2.4.0",
    "O(N) in the number of connections.",
    "Close the connections matching filters",
    "filter=(ip:port|new-format=([ID client-id:integer] [TYPE (NORMAL|MASTER|SLAVE|REPLICA|PUBSUB)] [USER username] [ADDR ip:port] [LADDR ip:port] [SKIPME yes/no])...)",
);
pub const CLIENT_GETNAME: Doc = d("connection", "2.6.9", O1, "Return the name given to this connection", "");
pub const CLIENT_SETNAME: Doc = d("connection", "2.6.9", O1, "Give this connection a name", "connection-name");
pub const CLIENT_SETINFO: Doc =
    d("connection", "7.2.0", O1, "Record the client library name or version", "attr=(LIB-NAME libname|LIB-VER libver)");
pub const CLIENT_PAUSE: Doc =
    d("connection", "3.0.0", O1, "Hold clients' commands for a while", "timeout:integer mode=[WRITE|ALL]");
pub const CLIENT_UNPAUSE: Doc =
    d("connection", "6.2.0", "O(N) in the number of paused clients.", "Let paused clients go on", "");
pub const CLIENT_REPLY: Doc =
    d("connection", "3.2.0", O1, "Turn the replies to this connection on or off", "on_off_skip=(ON|OFF|SKIP)");
pub const CLIENT_UNBLOCK: Doc = d(
    "connection",
    "5.0.0",
    "O(log N) in the number of connections.",
    "Wake a client blocked in a blocking command",
    "client-id:integer timeout_error=[TIMEOUT|ERROR]",
);
pub const CLIENT_NO_EVICT: Doc =
    d("connection", "7.0.0", O1, "Exempt this connection from client eviction", "enabled=(ON|OFF)");
pub const CLIENT_NO_TOUCH: Doc =
    d("connection", "7.2.0", O1, "Keep this connection's reads from updating access times", "enabled=(ON|OFF)");
pub const CLIENT_TRACKINGINFO: Doc = d("connection", "6.2.0", O1, "Describe this connection's tracking state", "");
pub const CLIENT_GETREDIR: Doc = d("connection", "6.0.0", O1, "Return the id tracking messages are redirected to", "");
pub const CLIENT_CACHING: Doc =
    d("connection", "6.0.0", O1, "Choose whether the next command's keys are tracked", "mode=(YES|NO)");
pub const CLIENT_HELP: Doc = d("connection", "5.0.0", O1, "Describe the CLIENT subcommands", "");
