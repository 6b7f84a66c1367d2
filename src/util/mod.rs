//! Leaf helpers with no knowledge of the server: numbers, time, argument matching, glob
//! patterns and the RDB codecs' LZF and CRC64. Nothing here imports anything above it
//! except `error.rs`.

pub mod args;
pub mod crc64;
pub mod glob;
pub mod longdouble;
pub mod lzf;
pub mod num;
pub mod time;

pub use args::{is, parse_int, parse_timeout_ms};
pub use time::{now_ms, now_us};
