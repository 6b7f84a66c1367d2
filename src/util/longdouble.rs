//! A software x87 80-bit long double (64-bit significand), enough to reproduce INCRBYFLOAT and
//! HINCRBYFLOAT: `strtold` parsing, one correctly rounded addition, and `%.17Lf` printing.

use std::cmp::Ordering;

/// Exponent of the lowest bit of the smallest subnormal.
const MIN_EXP: i64 = -16445;
/// Largest exponent of a finite value's leading bit.
const MAX_TOP: i64 = 16383;
/// Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are refused.
const MAX_CHARS: usize = 5 * 1024;

/// Non-negative big integer, little-endian 32-bit limbs without leading zero limbs.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn from_u128(v: u128) -> Big {
        let mut b = Big(vec![v as u32, (v >> 32) as u32, (v >> 64) as u32, (v >> 96) as u32]);
        b.trim();
        b
    }
    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
    fn mul_small(&mut self, m: u32) {
        let mut carry = 0u64;
        for l in &mut self.0 {
            let v = *l as u64 * m as u64 + carry;
            *l = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }
    fn add_small(&mut self, a: u32) {
        let mut carry = a as u64;
        for l in &mut self.0 {
            if carry == 0 {
                break;
            }
            let v = *l as u64 + carry;
            *l = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }
    fn mul_pow10(&mut self, mut e: u64) {
        while e >= 9 {
            self.mul_small(1_000_000_000);
            e -= 9;
        }
        if e > 0 {
            self.mul_small(10u32.pow(e as u32));
        }
    }
    fn pow10(e: u64) -> Big {
        let mut b = Big::from_u128(1);
        b.mul_pow10(e);
        b
    }
    fn bit_len(&self) -> i64 {
        match self.0.last() {
            None => 0,
            Some(&top) => (self.0.len() as i64 - 1) * 32 + (32 - top.leading_zeros() as i64),
        }
    }
    fn bit(&self, i: i64) -> bool {
        i >= 0 && self.0.get((i / 32) as usize).is_some_and(|w| (w >> (i % 32)) & 1 == 1)
    }
    /// Whether any bit below position `i` is set.
    fn any_below(&self, i: i64) -> bool {
        if i <= 0 {
            return false;
        }
        let full = (i / 32) as usize;
        if self.0.iter().take(full).any(|&w| w != 0) {
            return true;
        }
        let r = i % 32;
        r > 0 && self.0.get(full).is_some_and(|&w| w & ((1u32 << r) - 1) != 0)
    }
    /// Bits `[i, i + 128)` as an integer.
    fn bits_from(&self, i: i64) -> u128 {
        (0..128).filter(|&k| self.bit(i + k)).fold(0u128, |v, k| v | (1u128 << k))
    }
    fn shl(&self, n: i64) -> Big {
        let n = n.max(0) as usize;
        let (limbs, r) = (n / 32, n % 32);
        let mut out = vec![0u32; limbs];
        if r == 0 {
            out.extend_from_slice(&self.0);
        } else {
            let mut carry = 0u32;
            for &w in &self.0 {
                out.push((w << r) | carry);
                carry = w >> (32 - r);
            }
            out.push(carry);
        }
        let mut b = Big(out);
        b.trim();
        b
    }
    fn cmp(&self, o: &Big) -> Ordering {
        self.0.len().cmp(&o.0.len()).then_with(|| self.0.iter().rev().cmp(o.0.iter().rev()))
    }
    /// self -= o, for self >= o.
    fn sub_assign(&mut self, o: &Big) {
        let mut borrow = 0i64;
        for (i, l) in self.0.iter_mut().enumerate() {
            let v = *l as i64 - o.0.get(i).copied().unwrap_or(0) as i64 - borrow;
            borrow = i64::from(v < 0);
            *l = (v + (borrow << 32)) as u32;
        }
        self.trim();
    }
    fn add(&self, o: &Big) -> Big {
        let mut out = Vec::with_capacity(self.0.len().max(o.0.len()) + 1);
        let mut carry = 0u64;
        for i in 0..self.0.len().max(o.0.len()) {
            let v = self.0.get(i).copied().unwrap_or(0) as u64 + o.0.get(i).copied().unwrap_or(0) as u64 + carry;
            out.push(v as u32);
            carry = v >> 32;
        }
        out.push(carry as u32);
        let mut b = Big(out);
        b.trim();
        b
    }
    fn div_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for l in self.0.iter_mut().rev() {
            let cur = (rem << 32) | *l as u64;
            *l = (cur / d as u64) as u32;
            rem = cur % d as u64;
        }
        self.trim();
        rem as u32
    }
    fn to_decimal(&self) -> String {
        let mut n = self.clone();
        let mut chunks = Vec::new();
        while !n.is_zero() {
            chunks.push(n.div_small(1_000_000_000));
        }
        let mut s = chunks.pop().map_or_else(|| "0".to_string(), |c| c.to_string());
        for c in chunks.iter().rev() {
            s.push_str(&format!("{c:09}"));
        }
        s
    }
}

/// A long double: `mant * 2^exp`, or an infinity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ld {
    Num { neg: bool, mant: u64, exp: i64 },
    Inf { neg: bool },
}

impl Ld {
    pub fn from_i64(i: i64) -> Ld {
        round(&Big::from_u128(i.unsigned_abs() as u128), 0, false, i < 0)
    }
}

/// Round `n * 2^e` (plus a nonzero remainder below bit 0 when `sticky`) to nearest-even
/// with a 64-bit significand, producing subnormals, zero or infinity at the ends.
fn round(n: &Big, e: i64, sticky: bool, neg: bool) -> Ld {
    let bl = n.bit_len();
    if bl == 0 {
        return Ld::Num { neg, mant: 0, exp: 0 };
    }
    let top = e + bl - 1;
    let mut low = (top - 63).max(MIN_EXP);
    let shift = low - e;
    let mut q = if shift <= 0 {
        n.bits_from(0) << (-shift)
    } else {
        let mut q = n.bits_from(shift);
        let half = n.bit(shift - 1);
        let rest = sticky || n.any_below(shift - 1);
        if half && (rest || q & 1 == 1) {
            q += 1;
        }
        q
    };
    if q >> 64 != 0 {
        q >>= 1;
        low += 1;
    }
    if q == 0 {
        return Ld::Num { neg, mant: 0, exp: 0 };
    }
    if low + (128 - q.leading_zeros() as i64) - 1 > MAX_TOP {
        return Ld::Inf { neg };
    }
    Ld::Num { neg, mant: q as u64, exp: low }
}

fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// Accumulate the leading digits of `s` in `radix` into `acc`; returns how many there were.
fn digits(s: &[u8], radix: u32, acc: &mut Big) -> usize {
    let mut n = 0;
    for &c in s {
        match (c as char).to_digit(radix) {
            Some(d) => {
                acc.mul_small(radix);
                acc.add_small(d);
                n += 1;
            }
            None => break,
        }
    }
    n
}

/// An exponent's digits, saturating (huge exponents only mean overflow or underflow).
fn exponent(s: &[u8]) -> Option<i64> {
    let (neg, s) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v = s.iter().fold(0i64, |v, &c| (v * 10 + (c - b'0') as i64).min(1 << 40));
    Some(if neg { -v } else { v })
}

/// Redis's `string2ld`: the whole argument must be a number `strtold` accepts, without
/// leading space; NaN, overflow and underflow to zero are refused.
pub fn parse(s: &[u8]) -> Option<Ld> {
    if s.is_empty() || s.len() >= MAX_CHARS || is_c_space(s[0]) {
        return None;
    }
    let (neg, body) = match s[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    if lower == b"inf" || lower == b"infinity" {
        return Some(Ld::Inf { neg });
    }
    let hex = lower.starts_with(b"0x");
    let body = if hex { &lower[2..] } else { &lower[..] };
    let radix = if hex { 16 } else { 10 };
    let mut m = Big(Vec::new());
    let int_digits = digits(body, radix, &mut m);
    let mut rest = &body[int_digits..];
    let mut frac_digits = 0;
    if let Some(after) = rest.strip_prefix(b".") {
        frac_digits = digits(after, radix, &mut m);
        rest = &after[frac_digits..];
    }
    if int_digits + frac_digits == 0 {
        return None;
    }
    let exp = match rest.first() {
        None => 0,
        Some(b'p') if hex => exponent(&rest[1..])?,
        Some(b'e') if !hex => exponent(&rest[1..])?,
        _ => return None,
    };
    if m.is_zero() {
        return Some(Ld::Num { neg, mant: 0, exp: 0 });
    }
    let v = if hex {
        let e = exp - 4 * frac_digits as i64;
        if m.bit_len() + e > MAX_TOP + 2 || m.bit_len() + e < MIN_EXP - 2 {
            return None;
        }
        round(&m, e, false, neg)
    } else {
        let e10 = exp - frac_digits as i64;
        // Decimal magnitude: the value lies in [10^(mag-1), 10^mag).
        let mag = m.to_decimal().len() as i64 + e10;
        if mag > 4934 {
            return None;
        }
        if mag < -4960 {
            return None;
        }
        if e10 >= 0 {
            let mut n = m;
            n.mul_pow10(e10 as u64);
            round(&n, 0, false, neg)
        } else {
            let d = Big::pow10(e10.unsigned_abs());
            // Scale so the quotient has about 67 bits: enough for the rounding bits.
            let k = m.bit_len() - d.bit_len() - 67;
            let (mut num, div) = if k >= 0 { (m, d.shl(k)) } else { (m.shl(-k), d) };
            let mut q = 0u128;
            for i in (0..=(num.bit_len() - div.bit_len()).max(0)).rev() {
                let sub = div.shl(i);
                if num.cmp(&sub) != Ordering::Less {
                    num.sub_assign(&sub);
                    q |= 1u128 << i;
                }
            }
            round(&Big::from_u128(q), k, !num.is_zero(), neg)
        }
    };
    match v {
        Ld::Inf { .. } => None,
        Ld::Num { mant: 0, .. } => None,
        v => Some(v),
    }
}

/// The correctly rounded sum; None when it is not finite.
pub fn add(a: Ld, b: Ld) -> Option<Ld> {
    let (Ld::Num { neg: na, mant: ma, exp: ea }, Ld::Num { neg: nb, mant: mb, exp: eb }) = (a, b) else {
        return None;
    };
    if ma == 0 {
        return Some(b);
    }
    if mb == 0 {
        return Some(a);
    }
    let e = ea.min(eb);
    let x = Big::from_u128(ma as u128).shl(ea - e);
    let y = Big::from_u128(mb as u128).shl(eb - e);
    let (sum, neg) = if na == nb {
        (x.add(&y), na)
    } else {
        match x.cmp(&y) {
            Ordering::Equal => return Some(Ld::Num { neg: false, mant: 0, exp: 0 }),
            Ordering::Greater => {
                let mut d = x;
                d.sub_assign(&y);
                (d, na)
            }
            Ordering::Less => {
                let mut d = y;
                d.sub_assign(&x);
                (d, nb)
            }
        }
    };
    match round(&sum, e, false, neg) {
        Ld::Inf { .. } => None,
        v => Some(v),
    }
}

/// `%.17Lf` with trailing zeros (and a bare '.') removed, and "-0" shown as "0".
pub fn format(v: Ld) -> String {
    let Ld::Num { neg, mant, exp } = v else {
        return if matches!(v, Ld::Inf { neg: true }) { "-inf".into() } else { "inf".into() };
    };
    let mut s = if exp >= 0 {
        Big::from_u128(mant as u128).shl(exp).to_decimal()
    } else {
        let mut x = Big::from_u128(mant as u128);
        x.mul_pow10(17);
        let sh = -exp;
        let mut q = x.bits_from(sh);
        if x.bit(sh - 1) && (x.any_below(sh - 1) || q & 1 == 1) {
            q += 1;
        }
        let digits = format!("{q:018}");
        let (int, frac) = digits.split_at(digits.len() - 17);
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() { int.to_string() } else { format!("{int}.{frac}") }
    };
    if neg && s != "0" {
        s.insert(0, '-');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(a: &str, b: &str) -> String {
        let x = parse(a.as_bytes()).expect("a");
        let y = parse(b.as_bytes()).expect("b");
        format(add(x, y).expect("finite"))
    }

    #[test]
    fn like_glibc_long_double() {
        assert_eq!(sum("10.5", "0.1"), "10.6");
        assert_eq!(sum("0.1", "0.2"), "0.3");
        assert_eq!(sum("3.0e3", "0"), "3000");
        assert_eq!(sum("1", "-1.1"), "-0.1");
        assert_eq!(sum("17179869184", "1.5"), "17179869185.5");
        assert_eq!(sum("1e-20", "0"), "0");
        assert_eq!(sum("-1e-20", "0"), "0");
        assert_eq!(sum("1.5e20", "0.1"), "150000000000000000000");
        assert_eq!(sum("0x10", "0x1p-1"), "16.5");
        assert_eq!(format(Ld::from_i64(i64::MIN)), "-9223372036854775808");
        assert_eq!(sum("1e4932", "0"), format(parse(b"1e4932").expect("big")));
    }

    #[test]
    fn refuses_what_string2ld_refuses() {
        for bad in ["", " 1", "1 ", "nan", "-nan", "1e", "e5", ".", "0x", "1e99999", "1e-99999", "1\x002", "--1"] {
            assert_eq!(parse(bad.as_bytes()), None, "{bad:?}");
        }
        assert_eq!(parse(b"+inf"), Some(Ld::Inf { neg: false }));
        assert_eq!(parse(b"-Infinity"), Some(Ld::Inf { neg: true }));
        assert!(parse(b".5").is_some() && parse(b"5.").is_some() && parse(b"1E+2").is_some());
    }
}
