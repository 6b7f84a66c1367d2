//! Parsing and formatting of parameter values exactly as Redis's config.c does: enums and
//! flag sets, numbers with memory units and percentages, octal, C `strtol`/`strtod`, and the
//! quoting of config file lines.

use super::*;

pub(super) fn parse_enum(p: &Param, values: &[(&str, i64)], args: &[String]) -> Result<String, String> {
    let bitflags = p.flags & MULTI_ARG != 0;
    let mut val: Option<i64> = None;
    if !args.is_empty() && (bitflags || args.len() == 1) {
        let mut acc = 0;
        let mut ok = true;
        for a in args {
            let mut matched = false;
            for (n, v) in values {
                if n.eq_ignore_ascii_case(a) {
                    acc |= v;
                    matched = true;
                }
            }
            if !matched {
                ok = false;
                break;
            }
        }
        if ok {
            val = Some(acc);
        }
    }
    let Some(val) = val else {
        let names: Vec<&str> = values.iter().map(|(n, _)| *n).collect();
        return Err(format!("argument(s) must be one of the following: {}", names.join(", ")));
    };
    if p.name.starts_with("shutdown-on-sig") && val & 1 != 0 && val & 2 != 0 {
        return Err("shutdown options SAVE and NOSAVE can't be used simultaneously".into());
    }
    // Name(s) for the value, like Redis's configEnumGetName().
    let mut names: Vec<&str> = Vec::new();
    let mut unmatched = val;
    for (n, v) in values {
        if *v == val {
            return Ok(n.to_string());
        }
        if bitflags && *v != 0 && *v == (unmatched & v) {
            names.push(n);
            unmatched &= !v;
        }
    }
    if names.is_empty() || unmatched != 0 {
        return Ok("unknown".into());
    }
    Ok(names.join(" "))
}

pub(super) fn parse_numeric(s: &str, min: i128, max: i128, unsigned: bool, fmt: u8) -> Result<String, String> {
    let mut parsed: Option<i64> = None;
    if fmt & MEM != 0 {
        parsed = parse_memory(s).map(|v| v as i64);
    }
    if parsed.is_none() && fmt & PCT != 0 && s.len() > 1 && s.ends_with('%') {
        parsed = string2ll(&s.as_bytes()[..s.len() - 1]).filter(|v| *v >= 0).map(|v| -v);
    }
    if parsed.is_none() && fmt & OCT != 0 {
        parsed = parse_octal(s);
    }
    if parsed.is_none() && fmt == 0 {
        parsed = string2ll(s.as_bytes());
    }
    let Some(ll) = parsed else {
        return Err(if fmt & MEM != 0 && fmt & PCT != 0 {
            "argument must be a memory or percent value"
        } else if fmt & MEM != 0 {
            "argument must be a memory value"
        } else if fmt & OCT != 0 {
            "argument couldn't be parsed as an octal number"
        } else {
            "argument couldn't be parsed into an integer"
        }
        .into());
    };
    if unsigned {
        let ull = ll as u64 as i128;
        if ull > max || ull < min {
            return Err(if fmt & OCT != 0 {
                format!("argument must be between {min:o} and {max:o} inclusive")
            } else {
                format!("argument must be between {min} and {max} inclusive")
            });
        }
        return Ok(if fmt & OCT != 0 { format!("{ull:o}") } else { ull.to_string() });
    }
    if fmt & PCT != 0 && ll < 0 {
        if (ll as i128) < min {
            return Err(format!("percentage argument must be less or equal to {}", -min));
        }
        return Ok(format!("{}%", -(ll as i128)));
    }
    if (ll as i128) > max || (ll as i128) < min {
        return Err(format!("argument must be between {min} and {max} inclusive"));
    }
    Ok(ll.to_string())
}

/// strtoll(s, &end, 8) with the checks Redis applies (no overflow, no junk).
pub(super) fn parse_octal(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && is_c_space(b[i]) {
        i += 1;
    }
    let neg = i < b.len() && b[i] == b'-';
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let start = i;
    let mut v: i64 = 0;
    while i < b.len() && (b'0'..=b'7').contains(&b[i]) {
        v = v.checked_mul(8)?.checked_add((b[i] - b'0') as i64)?;
        i += 1;
    }
    if i == start {
        // No digits: endptr is the start of the string.
        return if b.is_empty() { Some(0) } else { None };
    }
    if i != b.len() {
        return None;
    }
    Some(if neg { -v } else { v })
}

pub(super) fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// C's strtol(s, &end, 10): returns the value (saturated) and the unparsed
/// rest. With no digits the rest is the whole input.
pub(super) fn c_strtol(b: &[u8]) -> (i64, &[u8]) {
    let mut i = 0;
    while i < b.len() && is_c_space(b[i]) {
        i += 1;
    }
    let neg = i < b.len() && b[i] == b'-';
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let start = i;
    let mut v: i128 = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        v = (v * 10 + (b[i] - b'0') as i128).min(i64::MAX as i128 + 1);
        i += 1;
    }
    if i == start {
        return (0, b);
    }
    let v = if neg { -v } else { v };
    (v.clamp(i64::MIN as i128, i64::MAX as i128) as i64, &b[i..])
}

/// Redis's string2ll(): strict base-10 parsing (no spaces, no '+', no
/// leading zeros, no "-0", no overflow).
pub fn string2ll(s: &[u8]) -> Option<i64> {
    crate::util::num::parse_i64(s)
}

/// Like Redis's string2d(): the whole string must be a valid double.
pub(super) fn parse_c_double(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    if b.is_empty() || is_c_space(b[0]) {
        return None;
    }
    let v: f64 = s.parse().ok()?;
    if v.is_nan() { None } else { Some(v) }
}

pub(super) fn trim_double(s: &str) -> String {
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s.to_string() }
}

pub(super) fn keyspace_events_canonical(s: &str) -> Option<String> {
    const K: u32 = 1;
    const E: u32 = 2;
    const M: u32 = 1 << 11;
    const ORDER: &[(u8, u32)] = &[
        (b'g', 1 << 2),
        (b'$', 1 << 3),
        (b'l', 1 << 4),
        (b's', 1 << 5),
        (b'h', 1 << 6),
        (b'z', 1 << 7),
        (b'x', 1 << 8),
        (b'e', 1 << 9),
        (b't', 1 << 10),
        (b'd', 1 << 13),
        (b'n', 1 << 14),
    ];
    let all: u32 = ORDER.iter().filter(|(c, _)| *c != b'n').map(|(_, f)| f).sum();
    let mut flags = 0u32;
    for c in s.bytes() {
        flags |= match c {
            b'A' => all,
            b'K' => K,
            b'E' => E,
            b'm' => M,
            _ => ORDER.iter().find(|(ch, _)| *ch == c)?.1,
        };
    }
    let mut out = String::new();
    if flags & all == all {
        // Like Redis, 'n' is not shown when 'A' is.
        out.push('A');
    } else {
        for (c, f) in ORDER {
            if flags & f != 0 {
                out.push(*c as char);
            }
        }
    }
    if flags & K != 0 {
        out.push('K');
    }
    if flags & E != 0 {
        out.push('E');
    }
    if flags & M != 0 {
        out.push('m');
    }
    Some(out)
}

/// Redis's memtoull(): a non-negative integer with an optional unit
/// (b, k, kb, m, mb, g, gb; case-insensitive). k/m/g are powers of 1000,
/// kb/mb/gb powers of 1024. Like Redis, an empty number counts as 0 and an
/// overflowing one saturates before the (wrapping) multiplication.
pub fn parse_memory(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.first() == Some(&b'-') {
        return None;
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let unit = &s[digits..];
    let mul: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    if digits >= 128 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in &b[..digits] {
        v = v.saturating_mul(10).saturating_add((c - b'0') as u64);
    }
    Some(v.wrapping_mul(mul))
}

/// Redis's sdssplitargs(): splits a line into arguments, handling
/// "double quotes" (with \n \r \t \b \a \\ \" \xHH escapes) and 'single
/// quotes' (with \'). A closing quote must be followed by a space or the
/// end of the line. Returns None on unbalanced quotes. A NUL byte ends the
/// input, as in C.
pub fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    let end = line.iter().position(|&c| c == 0).unwrap_or(line.len());
    crate::resp::split_args(&line[..end])
}

/// Redis's sdscatrepr(): a quoted, escaped representation of `s`.
pub fn repr(s: &[u8]) -> String {
    let mut out = String::from("\"");
    for &c in s {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            7 => out.push_str("\\a"),
            8 => out.push_str("\\b"),
            c if c.is_ascii_graphic() || c == b' ' => out.push(c as char),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push('"');
    out
}
