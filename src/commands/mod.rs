//! Command families: each file exports its rows of the command table as `SPECS`.

pub mod connection;
pub mod docs;
pub mod keys;
pub mod persistence;
pub mod replication;
pub mod server;
pub mod strings;

use crate::command::CommandSpec;
use crate::error::CmdError;

/// Every family's rows; the table is built from this list once.
pub const FAMILIES: &[&[CommandSpec]] =
    &[connection::SPECS, strings::SPECS, keys::SPECS, server::SPECS, persistence::SPECS, replication::SPECS];

/// An integer argument as Redis parses it (`string2ll`).
pub fn parse_int(arg: &[u8]) -> Result<i64, CmdError> {
    crate::resp::parse_i64(arg).ok_or(CmdError::NotInteger)
}

/// Case-insensitive comparison of an argument with an option name.
pub fn is(arg: &[u8], name: &str) -> bool {
    arg.eq_ignore_ascii_case(name.as_bytes())
}
