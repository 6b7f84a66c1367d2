//! Command families: each file exports its rows of the command table as `SPECS`.

pub mod connection;
pub mod docs;
pub mod keys;
pub mod persistence;
pub mod replication;
pub mod server;
pub mod strings;

use crate::command::CommandSpec;

/// Every family's rows; the table is built from this list once.
pub const FAMILIES: &[&[CommandSpec]] =
    &[connection::SPECS, strings::SPECS, keys::SPECS, server::SPECS, persistence::SPECS, replication::SPECS];

/// The argument helpers live in `util`; these paths stay for the families that name them here.
pub use crate::util::{is, parse_int};
