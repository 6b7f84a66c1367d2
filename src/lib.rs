//! redis-rust: a Redis 7-compatible server. The binary (`main.rs`) wires these modules together;
//! they are a library so that unit tests and the binary share one definition of each.

pub mod command;
pub mod commands;
pub mod config;
pub mod connection;
pub mod database;
pub mod error;
pub mod persistence;
pub mod propagate;
pub mod rdb;
pub mod replication;
pub mod resp;
pub mod server;
pub mod sys;
/// INFO lives with the server state it reports; this path stays for the code that names it.
pub use server::info;
pub mod util;

/// This server's own version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The Redis version whose behaviour this server implements; clients gate features on it.
pub const REDIS_VERSION: &str = "7.0.15";
