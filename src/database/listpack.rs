//! Listpack: Redis 7.0's compact sequence of strings and integers in one buffer, byte for byte
//! in Redis's format, so the buffer is also the RDB blob.
//!
//! ```text
//! total bytes: u32 LE | element count: u16 LE (65535 = unknown) | entries... | 0xFF
//! entry: encoding (+ length) | data | backlen (1..5 bytes, read right to left)
//! ```
//!
//! A string that parses as a canonical i64 (Redis's `string2ll`) is stored as an integer, as
//! `lpInsert` does. Entries are addressed by their byte offset in the buffer; offsets are only
//! valid until the next mutation.

use crate::resp::parse_i64;

pub const HEADER_SIZE: usize = 6;
const EOF: u8 = 0xFF;
/// Element count in the header when the real count does not fit in 16 bits.
const COUNT_UNKNOWN: u16 = u16::MAX;

/// An element read from a listpack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LpVal<'a> {
    Int(i64),
    Str(&'a [u8]),
}

impl LpVal<'_> {
    /// Appends the element's string form to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        match self {
            LpVal::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
            LpVal::Str(s) => out.extend_from_slice(s),
        }
    }
    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.write_to(&mut v);
        v
    }
    /// Whether the element's string form equals `s`.
    pub fn eq_bytes(&self, s: &[u8]) -> bool {
        match self {
            LpVal::Str(b) => *b == s,
            LpVal::Int(i) => parse_i64(s) == Some(*i),
        }
    }
    /// Length of the string form.
    pub fn str_len(&self) -> usize {
        match self {
            LpVal::Str(s) => s.len(),
            LpVal::Int(i) => int_str_len(*i),
        }
    }
}

/// Decimal length of an i64.
pub fn int_str_len(i: i64) -> usize {
    let mut n = if i < 0 { 2 } else { 1 };
    let mut u = i.unsigned_abs();
    while u >= 10 {
        u /= 10;
        n += 1;
    }
    n
}

/// Bytes needed to encode a backlen of `l`.
fn backlen_size(l: usize) -> usize {
    match l {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2097150 => 3,
        2097151..=268435454 => 4,
        _ => 5,
    }
}

fn push_backlen(out: &mut Vec<u8>, l: usize) {
    let n = backlen_size(l);
    // Leftmost byte carries the highest bits and no continuation flag; each byte to its right
    // carries 7 lower bits with the flag set.
    for i in (0..n).rev() {
        let b = ((l >> (7 * i)) & 127) as u8;
        out.push(if i == n - 1 { b } else { b | 128 });
    }
}

/// Encodes one element (encoding, data and backlen) into `out`.
pub fn encode_entry(out: &mut Vec<u8>, ele: &[u8]) {
    match parse_i64(ele) {
        Some(v) => encode_int(out, v),
        None => encode_str(out, ele),
    }
}

pub fn encode_int(out: &mut Vec<u8>, v: i64) {
    let start = out.len();
    if (0..=127).contains(&v) {
        out.push(v as u8);
    } else if (-4096..=4095).contains(&v) {
        let u = (v as u16) & 0x1fff;
        out.push(0xC0 | (u >> 8) as u8);
        out.push(u as u8);
    } else if (-32768..=32767).contains(&v) {
        out.push(0xF1);
        out.extend_from_slice(&(v as i16).to_le_bytes());
    } else if (-8388608..=8388607).contains(&v) {
        out.push(0xF2);
        out.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
    } else if (i32::MIN as i64..=i32::MAX as i64).contains(&v) {
        out.push(0xF3);
        out.extend_from_slice(&(v as i32).to_le_bytes());
    } else {
        out.push(0xF4);
        out.extend_from_slice(&v.to_le_bytes());
    }
    let l = out.len() - start;
    push_backlen(out, l);
}

pub fn encode_str(out: &mut Vec<u8>, s: &[u8]) {
    let start = out.len();
    let n = s.len();
    if n < 64 {
        out.push(0x80 | n as u8);
    } else if n < 4096 {
        out.push(0xE0 | (n >> 8) as u8);
        out.push(n as u8);
    } else {
        out.push(0xF0);
        out.extend_from_slice(&(n as u32).to_le_bytes());
    }
    out.extend_from_slice(s);
    let l = out.len() - start;
    push_backlen(out, l);
}

/// Size of an encoded element without its backlen.
pub fn encoded_size(ele: &[u8]) -> usize {
    match parse_i64(ele) {
        Some(v) if (0..=127).contains(&v) => 1,
        Some(v) if (-4096..=4095).contains(&v) => 2,
        Some(v) if (-32768..=32767).contains(&v) => 3,
        Some(v) if (-8388608..=8388607).contains(&v) => 4,
        Some(v) if (i32::MIN as i64..=i32::MAX as i64).contains(&v) => 5,
        Some(_) => 9,
        None if ele.len() < 64 => 1 + ele.len(),
        None if ele.len() < 4096 => 2 + ele.len(),
        None => 5 + ele.len(),
    }
}

/// Why a blob is not a valid listpack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Invalid(pub &'static str);

/// Decodes the entry at `p` of `b` (encoding + data only): (value, encoding+data length).
/// Returns None when the entry does not fit in `b`.
fn decode_at(b: &[u8], p: usize) -> Option<(LpVal<'_>, usize)> {
    let e = *b.get(p)?;
    let byte = |i: usize| b.get(p + i).copied();
    let (v, len) = if e & 0x80 == 0 {
        (LpVal::Int(i64::from(e)), 1)
    } else if e & 0xC0 == 0x80 {
        let n = usize::from(e & 0x3f);
        (LpVal::Str(b.get(p + 1..p + 1 + n)?), 1 + n)
    } else if e & 0xE0 == 0xC0 {
        let u = (u16::from(e & 0x1f) << 8) | u16::from(byte(1)?);
        let v = if u >= 1 << 12 { i64::from(u) - (1 << 13) } else { i64::from(u) };
        (LpVal::Int(v), 2)
    } else if e & 0xF0 == 0xE0 {
        let n = (usize::from(e & 0x0f) << 8) | usize::from(byte(1)?);
        (LpVal::Str(b.get(p + 2..p.checked_add(2 + n)?)?), 2 + n)
    } else {
        match e {
            0xF0 => {
                let n = u32::from_le_bytes(b.get(p + 1..p + 5)?.try_into().ok()?) as usize;
                let end = p.checked_add(5)?.checked_add(n)?;
                (LpVal::Str(b.get(p + 5..end)?), 5 + n)
            }
            0xF1 => (LpVal::Int(i64::from(i16::from_le_bytes(b.get(p + 1..p + 3)?.try_into().ok()?))), 3),
            0xF2 => {
                let s = b.get(p + 1..p + 4)?;
                let v = i32::from_le_bytes([0, s[0], s[1], s[2]]) >> 8;
                (LpVal::Int(i64::from(v)), 4)
            }
            0xF3 => (LpVal::Int(i64::from(i32::from_le_bytes(b.get(p + 1..p + 5)?.try_into().ok()?))), 5),
            0xF4 => (LpVal::Int(i64::from_le_bytes(b.get(p + 1..p + 9)?.try_into().ok()?)), 9),
            _ => return None,
        }
    };
    Some((v, len))
}

/// Reads a backlen whose last byte is at `end - 1` and that may not extend before `min`.
fn read_backlen(b: &[u8], end: usize, min: usize) -> Option<(usize, usize)> {
    let mut v = 0usize;
    let mut shift = 0;
    let mut p = end;
    loop {
        if p <= min || shift > 28 {
            return None;
        }
        p -= 1;
        let c = b[p];
        v |= usize::from(c & 127) << shift;
        if c & 128 == 0 {
            return Some((v, end - p));
        }
        shift += 7;
    }
}

/// A listpack.
#[derive(Clone, PartialEq, Eq)]
pub struct Listpack {
    buf: Vec<u8>,
}

impl Default for Listpack {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Listpack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter().map(|v| String::from_utf8_lossy(&v.to_vec()).into_owned())).finish()
    }
}

impl Listpack {
    pub fn new() -> Self {
        let mut buf = Vec::with_capacity(HEADER_SIZE + 1);
        buf.extend_from_slice(&[7, 0, 0, 0, 0, 0, EOF]);
        Listpack { buf }
    }

    /// Validates a listpack blob (as found in RDB files) and takes it: every entry must lie inside
    /// the declared size, backlens must match, the terminator must end the blob and the count
    /// must match the header's (unless it says "unknown").
    pub fn from_blob(buf: Vec<u8>) -> Result<Listpack, Invalid> {
        if buf.len() < HEADER_SIZE + 1 {
            return Err(Invalid("listpack too short"));
        }
        let total = u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
        if total != buf.len() {
            return Err(Invalid("listpack total bytes mismatch"));
        }
        if buf[total - 1] != EOF {
            return Err(Invalid("listpack missing terminator"));
        }
        let declared = u16::from_le_bytes([buf[4], buf[5]]);
        let mut p = HEADER_SIZE;
        let mut n = 0usize;
        while p < total - 1 {
            let Some((_, l)) = decode_at(&buf[..total - 1], p) else {
                return Err(Invalid("listpack entry out of range"));
            };
            let bl = backlen_size(l);
            let end = p + l + bl;
            if end > total - 1 {
                return Err(Invalid("listpack backlen out of range"));
            }
            match read_backlen(&buf, end, p + l) {
                Some((v, s)) if v == l && s == bl => {}
                _ => return Err(Invalid("listpack backlen mismatch")),
            }
            p = end;
            n += 1;
        }
        if declared != COUNT_UNKNOWN && usize::from(declared) != n {
            return Err(Invalid("listpack count mismatch"));
        }
        let mut lp = Listpack { buf };
        if declared == COUNT_UNKNOWN {
            // As Redis's lpLength: a count that fits is stored back into the header.
            lp.fix_header(n);
        }
        Ok(lp)
    }

    /// Builds a listpack from elements.
    pub fn from_elements<'a>(items: impl IntoIterator<Item = &'a [u8]>) -> Listpack {
        let mut lp = Listpack::new();
        lp.buf.pop();
        let mut n = 0;
        for it in items {
            encode_entry(&mut lp.buf, it);
            n += 1;
        }
        lp.buf.push(EOF);
        lp.fix_header(n);
        lp.buf.shrink_to_fit();
        lp
    }

    /// The blob, exactly as Redis stores it.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }
    /// Element count: the header's, or a walk when the header says "unknown" (65535 or more).
    pub fn len(&self) -> usize {
        let c = u16::from_le_bytes([self.buf[4], self.buf[5]]);
        if c != COUNT_UNKNOWN {
            return usize::from(c);
        }
        let mut n = 0;
        let mut p = HEADER_SIZE;
        while p < self.end() {
            p += self.entry_len(p);
            n += 1;
        }
        n
    }
    pub fn is_empty(&self) -> bool {
        self.buf.len() == HEADER_SIZE + 1
    }
    /// Size of the blob in bytes.
    pub fn bytes(&self) -> usize {
        self.buf.len()
    }
    pub fn mem_usage(&self) -> usize {
        self.buf.capacity() + std::mem::size_of::<Self>()
    }

    fn fix_header(&mut self, len: usize) {
        let total = self.buf.len() as u32;
        self.buf[..4].copy_from_slice(&total.to_le_bytes());
        let c = if len < usize::from(COUNT_UNKNOWN) { len as u16 } else { COUNT_UNKNOWN };
        self.buf[4..6].copy_from_slice(&c.to_le_bytes());
    }

    /// Offset of the terminator (an "end" position for `insert`).
    pub fn end(&self) -> usize {
        self.buf.len() - 1
    }
    pub fn first(&self) -> Option<usize> {
        if self.is_empty() { None } else { Some(HEADER_SIZE) }
    }
    pub fn last(&self) -> Option<usize> {
        self.prev(self.end())
    }

    fn entry_len(&self, p: usize) -> usize {
        let l = decode_at(&self.buf, p).map(|(_, l)| l).unwrap_or(0);
        l + backlen_size(l)
    }

    /// The entry after `p`, None at the end.
    pub fn next(&self, p: usize) -> Option<usize> {
        let q = p + self.entry_len(p);
        if q >= self.end() { None } else { Some(q) }
    }

    /// The entry before `p` (`p` may be `end()`), None at the start.
    pub fn prev(&self, p: usize) -> Option<usize> {
        if p <= HEADER_SIZE {
            return None;
        }
        let (l, s) = read_backlen(&self.buf, p, HEADER_SIZE)?;
        Some(p - s - l)
    }

    /// The element at `p`.
    pub fn get(&self, p: usize) -> LpVal<'_> {
        decode_at(&self.buf, p).map(|(v, _)| v).unwrap_or(LpVal::Str(b""))
    }

    /// Offset of element `i` (negative counts from the tail).
    pub fn seek(&self, i: isize) -> Option<usize> {
        let n = self.len() as isize;
        let i = if i < 0 { n + i } else { i };
        if i < 0 || i >= n {
            return None;
        }
        if i < n / 2 {
            let mut p = self.first()?;
            for _ in 0..i {
                p = self.next(p)?;
            }
            Some(p)
        } else {
            let mut p = self.last()?;
            for _ in 0..(n - 1 - i) {
                p = self.prev(p)?;
            }
            Some(p)
        }
    }

    /// Room for `add` more bytes: exact for small listpacks (as Redis sizes them), with 1/8
    /// slack once past 4 KB so big quicklist nodes do not reallocate on every push (the
    /// quicklist trims a node once it is full).
    fn grow(&mut self, add: usize) {
        let len = self.buf.len();
        if self.buf.capacity() < len + add {
            let slack = if len >= 4096 { len / 8 } else { 0 };
            self.buf.reserve_exact(add + slack);
        }
    }

    /// Encodes with `enc` at the end of the buffer, then rotates the new entry into place
    /// before offset `p` (no temporary allocation).
    fn insert_with(&mut self, p: usize, size: usize, enc: impl FnOnce(&mut Vec<u8>)) {
        let n = self.len();
        self.grow(size);
        self.buf.pop();
        let before = self.buf.len();
        enc(&mut self.buf);
        let added = self.buf.len() - before;
        self.buf[p..].rotate_right(added);
        self.buf.push(EOF);
        self.fix_header(n + 1);
    }

    /// Inserts `ele` before offset `p` (`end()` appends).
    pub fn insert(&mut self, p: usize, ele: &[u8]) {
        let sz = encoded_size(ele);
        self.insert_with(p, sz + backlen_size(sz), |b| encode_entry(b, ele));
    }

    /// Inserts an integer before offset `p`.
    pub fn insert_int(&mut self, p: usize, v: i64) {
        let sz = encoded_size(v.to_string().as_bytes());
        self.insert_with(p, sz + backlen_size(sz), |b| encode_int(b, v));
    }

    pub fn push_back(&mut self, ele: &[u8]) {
        self.insert(self.end(), ele);
    }
    pub fn push_front(&mut self, ele: &[u8]) {
        self.insert(HEADER_SIZE, ele);
    }

    /// Removes the entry at `p`; returns the offset of the entry that followed (None at end).
    pub fn delete(&mut self, p: usize) -> Option<usize> {
        self.delete_range(p, 1)
    }

    /// Removes `count` entries starting at `p`; returns the offset of the following entry.
    pub fn delete_range(&mut self, p: usize, count: usize) -> Option<usize> {
        let mut q = p;
        let mut n = 0;
        while n < count && q < self.end() {
            q += self.entry_len(q);
            n += 1;
        }
        let len = self.len();
        self.buf.drain(p..q);
        self.fix_header(len - n);
        self.shrink();
        if p >= self.end() { None } else { Some(p) }
    }

    /// Drops spare capacity.
    pub fn shrink_to_fit(&mut self) {
        self.buf.shrink_to_fit();
    }

    fn shrink(&mut self) {
        if self.buf.capacity() > self.buf.len() * 2 + 64 {
            self.buf.shrink_to_fit();
        }
    }

    /// Replaces the element at `p` with `ele`.
    pub fn replace(&mut self, p: usize, ele: &[u8]) {
        let old = self.entry_len(p);
        let size = encoded_size(ele);
        if size + backlen_size(size) == old {
            // Same-size replacement (HINCRBY, HSET of a like value) is rewritten in place.
            let mut v = Vec::with_capacity(old);
            encode_entry(&mut v, ele);
            self.buf[p..p + old].copy_from_slice(&v);
            return;
        }
        self.delete_range(p, 1);
        self.insert(p, ele);
    }

    /// Forward iterator over the elements.
    pub fn iter(&self) -> Iter<'_> {
        Iter { lp: self, p: self.first() }
    }

    /// Forward iterator of (offset, element).
    pub fn iter_pos(&self) -> impl Iterator<Item = (usize, LpVal<'_>)> + '_ {
        let mut p = self.first();
        std::iter::from_fn(move || {
            let q = p?;
            p = self.next(q);
            Some((q, self.get(q)))
        })
    }

    /// Backward iterator over the elements.
    pub fn iter_rev(&self) -> impl Iterator<Item = LpVal<'_>> + '_ {
        let mut p = self.last();
        std::iter::from_fn(move || {
            let q = p?;
            p = self.prev(q);
            Some(self.get(q))
        })
    }

    /// Offset of the first element equal to `ele` at or after `p`, looking only at every
    /// `skip + 1`-th element (skip 1 walks the fields of a field/value listpack).
    pub fn find(&self, mut p: Option<usize>, ele: &[u8], skip: usize) -> Option<usize> {
        let as_int = parse_i64(ele);
        while let Some(q) = p {
            let hit = match self.get(q) {
                LpVal::Str(s) => as_int.is_none() && s == ele,
                LpVal::Int(i) => as_int == Some(i),
            };
            if hit {
                return Some(q);
            }
            p = self.next(q);
            for _ in 0..skip {
                p = p.and_then(|x| self.next(x));
            }
        }
        None
    }
}

pub struct Iter<'a> {
    lp: &'a Listpack,
    p: Option<usize>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = LpVal<'a>;
    fn next(&mut self) -> Option<LpVal<'a>> {
        let q = self.p?;
        self.p = self.lp.next(q);
        Some(self.lp.get(q))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::table::Rng;

    fn rand_ele(rng: &mut Rng) -> Vec<u8> {
        match rng.below(8) {
            0 => (rng.next_u64() as i64).to_string().into_bytes(),
            1 => (rng.below(300) as i64 - 150).to_string().into_bytes(),
            2 => (rng.below(20000) as i64 - 10000).to_string().into_bytes(),
            3 => (rng.below(1 << 24) as i64 - (1 << 23)).to_string().into_bytes(),
            4 => vec![b'x'; rng.below(5000) as usize],
            5 => b"007".to_vec(),
            _ => format!("s{}", rng.below(100)).into_bytes(),
        }
    }

    #[test]
    fn known_encodings() {
        let lp = Listpack::from_elements([&b"a"[..], b"1", b"-1", b"1000", b"100000", b"5000000000"]);
        let b = lp.as_bytes();
        assert_eq!(&b[6..9], &[0x81, b'a', 2]);
        assert_eq!(&b[9..11], &[1, 1]);
        // -1 as 13-bit: 0x1fff
        assert_eq!(&b[11..14], &[0xDF, 0xFF, 2]);
        assert_eq!(*b.last().unwrap(), 0xFF);
        assert_eq!(u32::from_le_bytes(b[..4].try_into().unwrap()) as usize, b.len());
        let vals: Vec<Vec<u8>> = lp.iter().map(|v| v.to_vec()).collect();
        assert_eq!(
            vals,
            vec![
                b"a".to_vec(),
                b"1".to_vec(),
                b"-1".to_vec(),
                b"1000".to_vec(),
                b"100000".to_vec(),
                b"5000000000".to_vec()
            ]
        );
        assert!(Listpack::from_blob(lp.as_bytes().to_vec()).is_ok());
    }

    #[test]
    fn backlen_round_trip() {
        for l in [0usize, 1, 127, 128, 16382, 16383, 2097150, 2097151, 268435454, 268435455] {
            let mut v = Vec::new();
            push_backlen(&mut v, l);
            assert_eq!(v.len(), backlen_size(l));
            assert_eq!(read_backlen(&v, v.len(), 0), Some((l, v.len())), "{l}");
        }
    }

    #[test]
    fn random_ops_against_vec() {
        let mut rng = Rng::new(7);
        let mut lp = Listpack::new();
        let mut model: Vec<Vec<u8>> = Vec::new();
        for _ in 0..4000 {
            match rng.below(6) {
                0 | 1 => {
                    let e = rand_ele(&mut rng);
                    let mut enc = Vec::new();
                    encode_entry(&mut enc, &e);
                    assert_eq!(encoded_size(&e) + backlen_size(encoded_size(&e)), enc.len());
                    let i = rng.below(model.len() as u64 + 1) as usize;
                    let p = if i == model.len() { lp.end() } else { lp.seek(i as isize).unwrap() };
                    lp.insert(p, &e);
                    model.insert(i, e);
                }
                2 if !model.is_empty() => {
                    let i = rng.below(model.len() as u64) as usize;
                    let p = lp.seek(i as isize).unwrap();
                    lp.delete(p);
                    model.remove(i);
                }
                3 if !model.is_empty() => {
                    let i = rng.below(model.len() as u64) as usize;
                    let e = rand_ele(&mut rng);
                    let p = lp.seek(-(i as isize) - 1).unwrap();
                    lp.replace(p, &e);
                    let n = model.len();
                    model[n - 1 - i] = e;
                }
                4 if !model.is_empty() => {
                    let i = rng.below(model.len() as u64) as usize;
                    let want = model[i].clone();
                    let p = lp.find(lp.first(), &want, 0).unwrap();
                    assert!(lp.get(p).eq_bytes(&want));
                }
                _ => {
                    if model.len() > 60 {
                        let p = lp.seek(3).unwrap();
                        lp.delete_range(p, 10);
                        model.drain(3..13);
                    }
                }
            }
            assert_eq!(lp.len(), model.len());
        }
        let fw: Vec<Vec<u8>> = lp.iter().map(|v| v.to_vec()).collect();
        assert_eq!(fw, model);
        let mut bw: Vec<Vec<u8>> = lp.iter_rev().map(|v| v.to_vec()).collect();
        bw.reverse();
        assert_eq!(bw, model);
        let again = Listpack::from_blob(lp.as_bytes().to_vec()).unwrap();
        assert_eq!(again.len(), model.len());
        assert_eq!(Listpack::from_elements(model.iter().map(|v| &v[..])).as_bytes(), lp.as_bytes());
    }

    #[test]
    fn invalid_blobs_are_errors() {
        let lp = Listpack::from_elements([&b"hello"[..], b"12", &[b'z'; 70][..]]);
        let good = lp.as_bytes().to_vec();
        let mut bad = good.clone();
        bad[0] ^= 1;
        assert!(Listpack::from_blob(bad).is_err());
        let mut bad = good.clone();
        bad[4] = 9;
        assert!(Listpack::from_blob(bad).is_err());
        let mut bad = good.clone();
        *bad.last_mut().unwrap() = 0;
        assert!(Listpack::from_blob(bad).is_err());
        let mut bad = good.clone();
        bad[6] = 0x8F; // string longer than it is
        assert!(Listpack::from_blob(bad).is_err());
        assert!(Listpack::from_blob(vec![]).is_err());
        let mut unknown = good.clone();
        unknown[4] = 0xFF;
        unknown[5] = 0xFF;
        let lp = Listpack::from_blob(unknown).unwrap();
        assert_eq!(lp.as_bytes(), &good[..]);
        let mut rng = Rng::new(99);
        for _ in 0..20000 {
            let mut b = good.clone();
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(b.len() as u64) as usize;
                b[i] = rng.next_u64() as u8;
            }
            if rng.below(4) == 0 {
                b.truncate(rng.below(b.len() as u64) as usize);
            }
            if let Ok(lp) = Listpack::from_blob(b) {
                let n = lp.iter().count();
                assert_eq!(n, lp.len());
                assert_eq!(lp.iter_rev().count(), n);
            }
        }
    }
}
