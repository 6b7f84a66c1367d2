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

/// A blocking command's timeout in seconds (BLPOP, BZPOPMIN, ...) as Redis 7.0 reads it: a
/// long double, converted to milliseconds by C's truncating cast (so an infinite or huge value
/// wraps to negative, and anything above -0.001 waits forever); then the absolute deadline,
/// None for 0 (wait forever).
pub fn parse_block_timeout(arg: &[u8], now_ms: i64) -> Result<Option<i64>, CmdError> {
    let ld = super::longdouble::parse(arg).ok_or_else(|| CmdError::err("timeout is not a float or out of range"))?;
    let ms = match ld {
        super::longdouble::Ld::Inf { .. } => i64::MIN,
        super::longdouble::Ld::Num { neg, mant, exp } => {
            let v = mant as f64 * 2f64.powi(exp.clamp(-2000, 2000) as i32) * 1000.0;
            let v = if neg { -v } else { v };
            // x86's conversion of an out-of-range value: the "integer indefinite" i64::MIN.
            if v.is_finite() && v > -9.223_372_036_854_775e18 && v < 9.223_372_036_854_775e18 {
                v as i64
            } else {
                i64::MIN
            }
        }
    };
    if ms < 0 {
        return Err(CmdError::NegativeTimeout);
    }
    if ms == 0 {
        return Ok(None);
    }
    if ms > i64::MAX - now_ms {
        return Err(CmdError::err("timeout is out of range"));
    }
    Ok(Some(now_ms + ms))
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

    #[test]
    fn block_timeouts_as_redis_7_0_reads_them() {
        let float = Err(CmdError::err("timeout is not a float or out of range"));
        assert_eq!(parse_block_timeout(b"0", 1000), Ok(None));
        assert_eq!(parse_block_timeout(b"0.5", 1000), Ok(Some(1500)));
        assert_eq!(parse_block_timeout(b"1e-4", 1000), Ok(None), "truncates to 0 ms: forever");
        assert_eq!(parse_block_timeout(b"-0.0001", 1000), Ok(None));
        assert_eq!(parse_block_timeout(b"-1", 1000), Err(CmdError::NegativeTimeout));
        assert_eq!(parse_block_timeout(b"inf", 1000), Err(CmdError::NegativeTimeout));
        assert_eq!(parse_block_timeout(b"1e30", 1000), Err(CmdError::NegativeTimeout));
        assert_eq!(parse_block_timeout(b"abc", 1000), float);
        assert_eq!(parse_block_timeout(b" 1", 1000), float);
        assert_eq!(parse_block_timeout(b"", 1000), float);
        assert_eq!(parse_block_timeout(b"9223372036854", i64::MAX - 10), Err(CmdError::err("timeout is out of range")));
    }
}
