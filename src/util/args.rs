//! Argument helpers every command family and engine shares: option names and integers as
//! Redis reads them.

use crate::error::CmdError;

/// An integer argument as Redis parses it (`string2ll`).
pub fn parse_int(arg: &[u8]) -> Result<i64, CmdError> {
    super::num::parse_i64(arg).ok_or(CmdError::NotInteger)
}

/// Case-insensitive comparison of an argument with an option name.
pub fn is(arg: &[u8], name: &str) -> bool {
    arg.eq_ignore_ascii_case(name.as_bytes())
}

/// A timeout in milliseconds as Redis's `getTimeoutFromObjectOrReply` reads it (CLIENT PAUSE,
/// WAIT): an integer, not negative.
pub fn parse_timeout_ms(arg: &[u8]) -> Result<i64, CmdError> {
    match super::num::parse_i64(arg) {
        None => Err(CmdError::TimeoutNotInteger),
        Some(ms) if ms < 0 => Err(CmdError::NegativeTimeout),
        Some(ms) => Ok(ms),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_and_timeouts() {
        assert!(is(b"NX", "nx"));
        assert!(!is(b"NXX", "nx"));
        assert_eq!(parse_int(b"-7"), Ok(-7));
        assert_eq!(parse_int(b"07"), Err(CmdError::NotInteger));
        assert_eq!(parse_timeout_ms(b"10"), Ok(10));
        assert_eq!(parse_timeout_ms(b"-1"), Err(CmdError::NegativeTimeout));
        assert_eq!(parse_timeout_ms(b"x"), Err(CmdError::TimeoutNotInteger));
    }
}
