//! Command families: each file exports its rows of the command table as `SPECS`.

pub mod connection;
pub mod docs;
pub mod dump;
pub mod hashes;
pub mod introspection;
pub mod keys;
pub mod lists;
pub mod persistence;
pub mod replication;
pub mod server;
pub mod sets;
pub mod strings;
pub mod zsets;

use crate::command::CommandSpec;

/// Every family's rows; main.rs hands this list to `command::install_table` once. A static,
/// not a const, so every use names the same list.
pub static FAMILIES: &[&[CommandSpec]] = &[
    connection::SPECS,
    strings::SPECS,
    lists::SPECS,
    keys::SPECS,
    server::SPECS,
    persistence::SPECS,
    replication::SPECS,
    zsets::SPECS,
    hashes::SPECS,
    sets::SPECS,
    dump::SPECS,
];

/// The argument helpers live in `util`; these paths stay for the families that name them here.
pub use crate::util::{is, parse_int};

#[cfg(test)]
mod tests {
    use crate::command::{install_table, table};

    #[test]
    fn the_table_serves_the_installed_families() {
        assert!(install_table(super::FAMILIES));
        assert!(install_table(super::FAMILIES), "installing the same families again is harmless");
        let t = table();
        assert_eq!(t.lookup(b"GET").map(|c| c.fullname.as_str()), Some("get"));
        assert_eq!(t.lookup_sub("config", b"GET").map(|c| c.fullname.as_str()), Some("config|get"));
        assert!(!install_table(&[]), "a second, different list is refused");
    }
}
