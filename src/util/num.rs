//! Integer and double parsing and formatting exactly as Redis does it (`string2ll`, `ll2string`,
//! the reply form of a double). Shared by the protocol, the keyspace, RDB and the commands.

use std::fmt::Write as _;

/// Redis's `string2ll`: optional '-', no '+', no leading zeros or spaces, no overflow.
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = match s[0] {
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !(b'1'..=b'9').contains(&digits[0]) {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    if neg {
        if v > i64::MAX as u64 + 1 { None } else { Some((v as i64).wrapping_neg()) }
    } else if v > i64::MAX as u64 {
        None
    } else {
        Some(v as i64)
    }
}

/// Format an i64 into `tmp` without allocating; returns the written slice.
pub fn fmt_i64(n: i64, tmp: &mut [u8; 20]) -> &[u8] {
    let mut v = n.unsigned_abs();
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        i -= 1;
        tmp[i] = b'-';
    }
    &tmp[i..]
}

pub fn push_int(buf: &mut Vec<u8>, n: i64) {
    let mut tmp = [0u8; 20];
    buf.extend_from_slice(fmt_i64(n, &mut tmp));
}

/// Redis's reply form of a double: `inf`/`-inf`, integers without a fraction when exact
/// and small, otherwise the shortest representation that round-trips (like `%.17g`).
pub fn fmt_double(d: f64) -> String {
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if d.is_nan() {
        return "nan".into();
    }
    let mut s = String::new();
    if d == d.trunc() && d.abs() < 1e17 {
        let _ = write!(s, "{}", d as i64);
        if d == 0.0 && d.is_sign_negative() {
            return "-0".into();
        }
        return s;
    }
    // Rust's Display is the shortest round-trip form; switch to exponent form where %.17g would.
    let exp = d.abs().log10().floor() as i32;
    if !(-5..17).contains(&exp) {
        let _ = write!(s, "{d:e}");
        // Rust prints 1e300; C prints 1e+300.
        if let Some(pos) = s.find('e') {
            let (mant, e) = s.split_at(pos);
            let e = &e[1..];
            let (sign, digits) = if let Some(rest) = e.strip_prefix('-') { ("-", rest) } else { ("+", e) };
            let digits = if digits.len() < 2 { format!("0{digits}") } else { digits.to_string() };
            return format!("{mant}e{sign}{digits}");
        }
        s
    } else {
        let _ = write!(s, "{d}");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_integers() {
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        for bad in [&b"+1"[..], b"01", b" 1", b"1 ", b"", b"-", b"-0", b"1.0"] {
            assert_eq!(parse_i64(bad), None, "{:?}", bad);
        }
    }

    #[test]
    fn doubles_like_redis() {
        assert_eq!(fmt_double(3.0), "3");
        assert_eq!(fmt_double(10.5), "10.5");
        assert_eq!(fmt_double(f64::INFINITY), "inf");
        assert_eq!(fmt_double(1e300), "1e+300");
        assert_eq!(fmt_double(0.1), "0.1");
        assert_eq!(fmt_double(-1e-10), "-1e-10");
    }
}
