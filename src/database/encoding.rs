//! Blob codecs of the compact encodings found in RDB files from Redis 2.x to 7.x: listpack,
//! ziplist, intset and zipmap. Parsing is strict (a length that lies, an out-of-order intset, a
//! bad terminator: an error, never a panic or a read out of bounds) and never allocates more
//! than a small multiple of the blob's own size. Writing produces listpack and intset blobs
//! byte for byte as Redis 7.0 does (they are the in-memory buffers of `Listpack` and `Intset`).
//!
//! The `*_from_*` helpers build the value Redis 7.0 would hold after loading such a blob.

use crate::database::hash::{Hash, HashLimits};
use crate::database::intset::Intset;
use crate::database::listpack::{Invalid, Listpack};
use crate::database::quicklist::{ListLimits, NodeData, Quicklist};
use crate::database::set::Set;
use crate::database::zset::{ZSet, ZsetLimits};

pub type CodecResult<T> = Result<T, Invalid>;

/// Parses and validates a listpack blob.
pub fn parse_listpack(blob: &[u8]) -> CodecResult<Listpack> {
    Listpack::from_blob(blob.to_vec())
}

/// The elements of a listpack blob as strings.
pub fn listpack_entries(blob: &[u8]) -> CodecResult<Vec<Vec<u8>>> {
    Ok(parse_listpack(blob)?.iter().map(|v| v.to_vec()).collect())
}

/// A listpack blob as Redis 7.0 writes it.
pub fn write_listpack<'a>(items: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    Listpack::from_elements(items).into_bytes()
}

/// Parses and validates an intset blob.
pub fn parse_intset(blob: &[u8]) -> CodecResult<Intset> {
    Intset::from_blob(blob.to_vec()).map_err(Invalid)
}

/// An intset blob as Redis 7.0 writes it (the narrowest encoding that holds every value).
pub fn write_intset(values: impl IntoIterator<Item = i64>) -> Vec<u8> {
    let mut s = Intset::new();
    for v in values {
        s.insert(v);
    }
    s.as_bytes().to_vec()
}

// ---------------------------------------------------------------------------------------------
// Ziplist (Redis 2.6 - 6.2)
// ---------------------------------------------------------------------------------------------

const ZL_HEADER: usize = 10;
const ZL_END: u8 = 0xFF;

/// Parses a ziplist: `zlbytes u32 | zltail u32 | zllen u16 | entries | 0xFF`, each entry
/// `prevlen (1 or 5 bytes) | encoding | data`. Checks every prevlen, the tail offset, the
/// count (unless 65535) and the terminator.
pub fn ziplist_entries(b: &[u8]) -> CodecResult<Vec<Vec<u8>>> {
    let bad = |m| Err(Invalid(m));
    if b.len() < ZL_HEADER + 1 {
        return bad("ziplist too short");
    }
    let u32at = |p: usize| u32::from_le_bytes([b[p], b[p + 1], b[p + 2], b[p + 3]]) as usize;
    if u32at(0) != b.len() {
        return bad("ziplist zlbytes mismatch");
    }
    let tail = u32at(4);
    let declared = u16::from_le_bytes([b[8], b[9]]);
    if b[b.len() - 1] != ZL_END {
        return bad("ziplist missing terminator");
    }
    let end = b.len() - 1;
    let mut out = Vec::new();
    let mut p = ZL_HEADER;
    let mut prev_len = 0usize;
    let mut last = ZL_HEADER;
    while p < end {
        let start = p;
        // prevlen
        let pl = if b[p] < 254 {
            p += 1;
            usize::from(b[start])
        } else if b[p] == 254 {
            if p + 5 > end {
                return bad("ziplist prevlen out of range");
            }
            p += 5;
            u32at(start + 1)
        } else {
            return bad("ziplist bad prevlen");
        };
        if pl != prev_len {
            return bad("ziplist prevlen mismatch");
        }
        if p >= end {
            return bad("ziplist entry out of range");
        }
        let enc = b[p];
        let need = |p: usize, n: usize| -> Result<usize, Invalid> {
            match p.checked_add(n) {
                Some(q) if q <= end => Ok(q),
                _ => Err(Invalid("ziplist entry out of range")),
            }
        };
        let val: Vec<u8>;
        match enc >> 6 {
            0 => {
                let n = usize::from(enc & 0x3f);
                let q = need(p + 1, n)?;
                val = b[p + 1..q].to_vec();
                p = q;
            }
            1 => {
                need(p, 2)?;
                let n = (usize::from(enc & 0x3f) << 8) | usize::from(b[p + 1]);
                let q = need(p + 2, n)?;
                val = b[p + 2..q].to_vec();
                p = q;
            }
            2 => {
                if enc != 0x80 {
                    return bad("ziplist bad string encoding");
                }
                need(p, 5)?;
                let n = u32::from_be_bytes([b[p + 1], b[p + 2], b[p + 3], b[p + 4]]) as usize;
                let q = need(p + 5, n)?;
                val = b[p + 5..q].to_vec();
                p = q;
            }
            _ => {
                let (n, v): (usize, i64) = match enc {
                    0xC0 => {
                        need(p, 3)?;
                        (2, i64::from(i16::from_le_bytes([b[p + 1], b[p + 2]])))
                    }
                    0xD0 => {
                        need(p, 5)?;
                        (4, i64::from(i32::from_le_bytes([b[p + 1], b[p + 2], b[p + 3], b[p + 4]])))
                    }
                    0xE0 => {
                        need(p, 9)?;
                        let mut a = [0u8; 8];
                        a.copy_from_slice(&b[p + 1..p + 9]);
                        (8, i64::from_le_bytes(a))
                    }
                    0xF0 => {
                        need(p, 4)?;
                        (3, i64::from(i32::from_le_bytes([0, b[p + 1], b[p + 2], b[p + 3]]) >> 8))
                    }
                    0xFE => {
                        need(p, 2)?;
                        (1, i64::from(b[p + 1] as i8))
                    }
                    0xF1..=0xFD => (0, i64::from(enc & 0x0f) - 1),
                    _ => return bad("ziplist bad encoding"),
                };
                p += 1 + n;
                val = v.to_string().into_bytes();
            }
        }
        out.push(val);
        prev_len = p - start;
        last = start;
        if out.len() > b.len() {
            return bad("ziplist too many entries");
        }
    }
    if p != end {
        return bad("ziplist entry overruns terminator");
    }
    if tail != last {
        return bad("ziplist zltail mismatch");
    }
    if declared != u16::MAX && usize::from(declared) != out.len() {
        return bad("ziplist count mismatch");
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Zipmap (Redis 2.x hashes)
// ---------------------------------------------------------------------------------------------

/// Parses a zipmap: `zmlen u8 | (len field len free value [free bytes])* | 0xFF`, lengths one
/// byte below 254 or 254 then a u32 LE.
pub fn zipmap_pairs(b: &[u8]) -> CodecResult<Vec<(Vec<u8>, Vec<u8>)>> {
    let bad = |m| Err(Invalid(m));
    if b.len() < 2 {
        return bad("zipmap too short");
    }
    let declared = b[0];
    let mut p = 1;
    let read_len = |p: &mut usize| -> Result<Option<usize>, Invalid> {
        let c = *b.get(*p).ok_or(Invalid("zipmap length out of range"))?;
        match c {
            0xFF => Ok(None),
            254 => {
                let s = b.get(*p + 1..*p + 5).ok_or(Invalid("zipmap length out of range"))?;
                *p += 5;
                Ok(Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize))
            }
            n => {
                *p += 1;
                Ok(Some(usize::from(n)))
            }
        }
    };
    let take = |p: &mut usize, n: usize| -> Result<Vec<u8>, Invalid> {
        let end = p.checked_add(n).filter(|&e| e <= b.len()).ok_or(Invalid("zipmap entry out of range"))?;
        let v = b[*p..end].to_vec();
        *p = end;
        Ok(v)
    };
    let mut out = Vec::new();
    while let Some(flen) = read_len(&mut p)? {
        let field = take(&mut p, flen)?;
        let Some(vlen) = read_len(&mut p)? else { return bad("zipmap missing value") };
        let free = usize::from(*b.get(p).ok_or(Invalid("zipmap free out of range"))?);
        p += 1;
        let value = take(&mut p, vlen)?;
        take(&mut p, free)?;
        out.push((field, value));
    }
    if p + 1 != b.len() {
        return bad("zipmap trailing bytes");
    }
    if declared < 254 && usize::from(declared) != out.len() {
        return bad("zipmap count mismatch");
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Values as Redis 7.0 loads them
// ---------------------------------------------------------------------------------------------

fn no_duplicates<'a>(keys: impl Iterator<Item = &'a [u8]>) -> CodecResult<()> {
    let mut seen = std::collections::HashSet::new();
    for k in keys {
        if !seen.insert(k) {
            return Err(Invalid("duplicate member"));
        }
    }
    Ok(())
}

/// A hash from field, value pairs (the plain RDB hash and the zipmap): a listpack when within
/// both limits, else a table.
pub fn hash_from_pairs(pairs: &[(Vec<u8>, Vec<u8>)], lim: &HashLimits) -> CodecResult<Hash> {
    no_duplicates(pairs.iter().map(|(f, _)| &f[..]))?;
    let small = pairs.len() <= lim.max_listpack_entries
        && pairs.iter().all(|(f, v)| f.len() <= lim.max_listpack_value && v.len() <= lim.max_listpack_value);
    let lp = Listpack::from_elements(pairs.iter().flat_map(|(f, v)| [&f[..], &v[..]]));
    let mut h = Hash::from_listpack(lp).map_err(Invalid)?;
    if !small {
        h.convert();
    }
    Ok(h)
}

/// A hash from a listpack (7.0 keeps the blob as it is): converted only when it has more
/// fields than `hash-max-listpack-entries`, as Redis 7.0's loader does (it does not check
/// value lengths for this encoding).
fn hash_from_lp(lp: Listpack, lim: &HashLimits) -> CodecResult<Hash> {
    if lp.is_empty() {
        return Err(Invalid("empty hash"));
    }
    let mut h = Hash::from_listpack(lp).map_err(Invalid)?;
    if h.len() > lim.max_listpack_entries {
        h.convert();
    }
    Ok(h)
}

pub fn hash_from_ziplist(blob: &[u8], lim: &HashLimits) -> CodecResult<Hash> {
    let items = ziplist_entries(blob)?;
    hash_from_lp(Listpack::from_elements(items.iter().map(|x| &x[..])), lim)
}

pub fn hash_from_listpack(blob: &[u8], lim: &HashLimits) -> CodecResult<Hash> {
    hash_from_lp(parse_listpack(blob)?, lim)
}

/// Zipmap hashes convert on either limit (field count or longest field/value).
pub fn hash_from_zipmap(blob: &[u8], lim: &HashLimits) -> CodecResult<Hash> {
    hash_from_pairs(&zipmap_pairs(blob)?, lim)
}

/// A zset from a listpack of member, score pairs (scores must parse and not be NaN), kept as
/// is unless it has more members than `zset-max-listpack-entries`.
fn zset_from_lp(lp: Listpack, lim: &ZsetLimits) -> CodecResult<ZSet> {
    if lp.is_empty() {
        return Err(Invalid("empty zset"));
    }
    let mut z = ZSet::from_listpack(lp).map_err(Invalid)?;
    if z.len() > lim.max_listpack_entries {
        z.convert();
    }
    Ok(z)
}

pub fn zset_from_ziplist(blob: &[u8], lim: &ZsetLimits) -> CodecResult<ZSet> {
    let items = ziplist_entries(blob)?;
    zset_from_lp(Listpack::from_elements(items.iter().map(|x| &x[..])), lim)
}

pub fn zset_from_listpack(blob: &[u8], lim: &ZsetLimits) -> CodecResult<ZSet> {
    zset_from_lp(parse_listpack(blob)?, lim)
}

/// A set from an intset blob (converted when it exceeds `set-max-intset-entries`).
pub fn set_from_intset(blob: &[u8], max_intset_entries: usize) -> CodecResult<Set> {
    let is = parse_intset(blob)?;
    let mut s = Set::Intset(is);
    if s.len() > max_intset_entries {
        s.convert();
    }
    Ok(s)
}

/// A 7.2+ listpack set, loaded as 7.0 would hold it: an intset or a table.
pub fn set_from_listpack(blob: &[u8], max_intset_entries: usize) -> CodecResult<Set> {
    let items = listpack_entries(blob)?;
    if items.is_empty() {
        return Err(Invalid("empty set"));
    }
    no_duplicates(items.iter().map(|m| &m[..]))?;
    let mut s = Set::for_member(&items[0]);
    for m in &items {
        s.add(m, max_intset_entries);
    }
    Ok(s)
}

/// A quicklist node from a ziplist (RDB_TYPE_LIST_QUICKLIST, Redis 3.2 - 6.2).
pub fn list_node_from_ziplist(blob: &[u8]) -> CodecResult<NodeData> {
    let items = ziplist_entries(blob)?;
    Ok(NodeData::Packed(Listpack::from_elements(items.iter().map(|x| &x[..]))))
}

/// A list from a plain ziplist (RDB_TYPE_LIST_ZIPLIST, Redis 2.6 - 3.0).
pub fn list_from_ziplist(blob: &[u8], lim: ListLimits) -> CodecResult<Quicklist> {
    let items = ziplist_entries(blob)?;
    let mut q = Quicklist::new(lim);
    for it in &items {
        q.push(false, it);
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::table::Rng;

    /// Builds a ziplist the way Redis 6.2 encodes its entries.
    fn build_ziplist(items: &[&[u8]]) -> Vec<u8> {
        let mut body = Vec::new();
        let mut prev = 0usize;
        let mut tail = ZL_HEADER;
        for it in items {
            let start = body.len();
            tail = ZL_HEADER + start;
            if prev < 254 {
                body.push(prev as u8);
            } else {
                body.push(254);
                body.extend_from_slice(&(prev as u32).to_le_bytes());
            }
            match crate::resp::parse_i64(it) {
                Some(v @ 0..=12) => body.push(0xF1 + v as u8),
                Some(v) if i8::try_from(v).is_ok() => {
                    body.push(0xFE);
                    body.push(v as i8 as u8);
                }
                Some(v) if i16::try_from(v).is_ok() => {
                    body.push(0xC0);
                    body.extend_from_slice(&(v as i16).to_le_bytes());
                }
                Some(v) if (-(1 << 23)..(1 << 23)).contains(&v) => {
                    body.push(0xF0);
                    body.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
                }
                Some(v) if i32::try_from(v).is_ok() => {
                    body.push(0xD0);
                    body.extend_from_slice(&(v as i32).to_le_bytes());
                }
                Some(v) => {
                    body.push(0xE0);
                    body.extend_from_slice(&v.to_le_bytes());
                }
                None if it.len() < 64 => {
                    body.push(it.len() as u8);
                    body.extend_from_slice(it);
                }
                None if it.len() < 16384 => {
                    body.push(0x40 | (it.len() >> 8) as u8);
                    body.push(it.len() as u8);
                    body.extend_from_slice(it);
                }
                None => {
                    body.push(0x80);
                    body.extend_from_slice(&(it.len() as u32).to_be_bytes());
                    body.extend_from_slice(it);
                }
            }
            prev = body.len() - start;
        }
        let mut out = Vec::new();
        let total = ZL_HEADER + body.len() + 1;
        out.extend_from_slice(&(total as u32).to_le_bytes());
        out.extend_from_slice(&(tail as u32).to_le_bytes());
        out.extend_from_slice(&(items.len() as u16).to_le_bytes());
        out.extend_from_slice(&body);
        out.push(ZL_END);
        out
    }

    fn build_zipmap(pairs: &[(&[u8], &[u8])], free: u8) -> Vec<u8> {
        let mut out = vec![pairs.len() as u8];
        let len = |out: &mut Vec<u8>, n: usize| {
            if n < 254 {
                out.push(n as u8);
            } else {
                out.push(254);
                out.extend_from_slice(&(n as u32).to_le_bytes());
            }
        };
        for (f, v) in pairs {
            len(&mut out, f.len());
            out.extend_from_slice(f);
            len(&mut out, v.len());
            out.push(free);
            out.extend_from_slice(v);
            out.extend(std::iter::repeat_n(0u8, free as usize));
        }
        out.push(0xFF);
        out
    }

    fn fuzz<T>(good: &[u8], seed: u64, parse: impl Fn(&[u8]) -> CodecResult<T>) -> usize {
        let mut rng = Rng::new(seed);
        let mut ok = 0;
        for _ in 0..20000 {
            let mut b = good.to_vec();
            for _ in 0..1 + rng.below(3) {
                if b.is_empty() {
                    break;
                }
                let i = rng.below(b.len() as u64) as usize;
                match rng.below(4) {
                    0 => b[i] = rng.next_u64() as u8,
                    1 => b[i] ^= 1 << rng.below(8),
                    2 => {
                        b.remove(i);
                    }
                    _ => b.insert(i, rng.next_u64() as u8),
                }
            }
            if rng.below(5) == 0 {
                b.truncate(rng.below(b.len() as u64 + 1) as usize);
            }
            if parse(&b).is_ok() {
                ok += 1;
            }
        }
        ok
    }

    #[test]
    fn redis_dump_blobs() {
        // From redis-server 7.0.15: RPUSH l a 1 -1 1000 100000 5000000000; DUMP l (the listpack
        // of its one quicklist node), and SADD s 5 1 3 -70000; DUMP s (an intset).
        let lp = b"!\x00\x00\x00\x06\x00\x81a\x02\x01\x01\xdf\xff\x02\xc3\xe8\x02\xf2\xa0\x86\x01\x04\xf4\x00\xf2\x05*\x01\x00\x00\x00\t\xff";
        let items: Vec<&[u8]> = vec![b"a", b"1", b"-1", b"1000", b"100000", b"5000000000"];
        assert_eq!(listpack_entries(lp).unwrap(), items.iter().map(|x| x.to_vec()).collect::<Vec<_>>());
        assert_eq!(write_listpack(items.iter().copied()), lp.to_vec());
        let is = b"\x04\x00\x00\x00\x04\x00\x00\x00\x90\xee\xfe\xff\x01\x00\x00\x00\x03\x00\x00\x00\x05\x00\x00\x00";
        assert_eq!(parse_intset(is).unwrap().iter().collect::<Vec<_>>(), vec![-70000, 1, 3, 5]);
        assert_eq!(write_intset([5, 1, 3, -70000]), is.to_vec());
        let s = set_from_intset(is, 512).unwrap();
        assert_eq!(s.encoding(), "intset");
        assert_eq!(set_from_intset(is, 2).unwrap().encoding(), "hashtable");
    }

    #[test]
    fn ziplist_round_trip_and_errors() {
        let big = vec![b'q'; 300];
        let huge = vec![b'h'; 17000];
        let items: Vec<&[u8]> = vec![
            b"hello",
            b"0",
            b"12",
            b"13",
            b"-100",
            b"1000",
            b"-100000",
            b"5000000",
            b"3000000000",
            &big,
            b"x",
            &huge,
            b"last",
        ];
        let zl = build_ziplist(&items);
        let got = ziplist_entries(&zl).unwrap();
        assert_eq!(got, items.iter().map(|x| x.to_vec()).collect::<Vec<_>>());
        assert!(ziplist_entries(&build_ziplist(&[])).unwrap().is_empty());
        let mut bad = zl.clone();
        bad[4] ^= 1;
        assert_eq!(ziplist_entries(&bad), Err(Invalid("ziplist zltail mismatch")));
        let mut bad = zl.clone();
        bad[8] = 3;
        assert!(ziplist_entries(&bad).is_err());
        let mut bad = zl.clone();
        *bad.last_mut().unwrap() = 0;
        assert!(ziplist_entries(&bad).is_err());
        let mut bad = zl.clone();
        bad[ZL_HEADER + 1] = 0x3f; // "hello" claims 63 bytes
        assert!(ziplist_entries(&bad).is_err());
        let small = build_ziplist(&[b"a", b"1", b"bb", b"300"]);
        let ok = fuzz(&small, 1, ziplist_entries);
        assert!(ok < 20000);
        fuzz(&zl, 2, ziplist_entries);
        let h = hash_from_ziplist(&small, &HashLimits::default()).unwrap();
        assert_eq!(h.encoding(), "listpack");
        assert_eq!(h.get(b"bb").map(|v| v.to_vec()), Some(b"300".to_vec()));
        let dup = build_ziplist(&[b"a", b"1", b"a", b"2"]);
        assert!(hash_from_ziplist(&dup, &HashLimits::default()).is_err());
        let long_val = vec![b'v'; 100];
        let h = hash_from_ziplist(&build_ziplist(&[b"f", &long_val]), &HashLimits::default()).unwrap();
        assert_eq!(h.encoding(), "listpack", "7.0 checks only the field count on load");
        let three = build_ziplist(&[b"a", b"1", b"b", b"2", b"c", b"3"]);
        let lim2 = HashLimits { max_listpack_entries: 2, max_listpack_value: 64 };
        assert_eq!(hash_from_ziplist(&three, &lim2).unwrap().encoding(), "hashtable");
        let zs = build_ziplist(&[b"m", b"1.5", b"n", b"2"]);
        let z = zset_from_ziplist(&zs, &ZsetLimits::default()).unwrap();
        assert_eq!(z.encoding(), "listpack");
        assert_eq!(z.score(b"m"), Some(1.5));
        assert!(zset_from_ziplist(&build_ziplist(&[b"m", b"nan"]), &ZsetLimits::default()).is_err());
        assert!(zset_from_ziplist(&build_ziplist(&[b"m", b"abc"]), &ZsetLimits::default()).is_err());
        let q = list_from_ziplist(&zl, ListLimits::default()).unwrap();
        assert_eq!(q.len(), items.len());
        assert!(matches!(list_node_from_ziplist(&small), Ok(NodeData::Packed(lp)) if lp.len() == 4));
    }

    #[test]
    fn zipmap_round_trip_and_errors() {
        let long = vec![b'L'; 300];
        let zm = build_zipmap(&[(b"f1", b"v1"), (b"field2", &long), (b"", b"empty")], 2);
        let got = zipmap_pairs(&zm).unwrap();
        assert_eq!(
            got,
            vec![
                (b"f1".to_vec(), b"v1".to_vec()),
                (b"field2".to_vec(), long.clone()),
                (b"".to_vec(), b"empty".to_vec())
            ]
        );
        let h = hash_from_zipmap(&zm, &HashLimits::default()).unwrap();
        assert_eq!(h.encoding(), "hashtable", "a 300-byte value exceeds hash-max-listpack-value");
        let mut bad = zm.clone();
        bad[0] = 5;
        assert!(zipmap_pairs(&bad).is_err());
        let mut bad = zm.clone();
        bad.push(0);
        assert!(zipmap_pairs(&bad).is_err());
        let mut bad = zm.clone();
        bad[1] = 200;
        assert!(zipmap_pairs(&bad).is_err());
        let dup = build_zipmap(&[(b"a", b"1"), (b"a", b"2")], 0);
        assert!(hash_from_zipmap(&dup, &HashLimits::default()).is_err());
        fuzz(&build_zipmap(&[(b"a", b"1"), (b"bb", b"22")], 1), 3, zipmap_pairs);
        fuzz(&zm, 4, zipmap_pairs);
    }

    #[test]
    fn listpack_and_intset_fuzz() {
        let lp = write_listpack([&b"hello"[..], b"-5", b"70000", &[b'z'; 100][..], b"3.14"]);
        fuzz(&lp, 5, |b| hash_from_listpack(b, &HashLimits::default()).map(|_| ()));
        fuzz(&lp, 6, |b| zset_from_listpack(b, &ZsetLimits::default()).map(|_| ()));
        fuzz(&lp, 7, |b| set_from_listpack(b, 512).map(|_| ()));
        let is = write_intset([1, 2, 3, 100000, -5]);
        fuzz(&is, 8, |b| set_from_intset(b, 512).map(|_| ()));
        let s = set_from_listpack(&write_listpack([&b"1"[..], b"2", b"3"]), 512).unwrap();
        assert_eq!(s.encoding(), "intset");
        let s = set_from_listpack(&write_listpack([&b"1"[..], b"x"]), 512).unwrap();
        assert_eq!(s.encoding(), "hashtable");
        assert!(set_from_listpack(&write_listpack([&b"1"[..], b"1"]), 512).is_err());
    }

    /// Just enough of the RDB format to pull the compact blobs out of the 7.0 fixtures.
    struct Rdb<'a> {
        b: &'a [u8],
        p: usize,
    }

    impl Rdb<'_> {
        fn byte(&mut self) -> u8 {
            self.p += 1;
            self.b[self.p - 1]
        }
        fn take(&mut self, n: usize) -> &[u8] {
            self.p += n;
            &self.b[self.p - n..self.p]
        }
        /// (length, is_special_encoding)
        fn len(&mut self) -> (usize, bool) {
            let c = self.byte();
            match c >> 6 {
                0 => (usize::from(c & 0x3f), false),
                1 => ((usize::from(c & 0x3f) << 8) | usize::from(self.byte()), false),
                2 if c == 0x80 => (u32::from_be_bytes(self.take(4).try_into().unwrap()) as usize, false),
                2 => (u64::from_be_bytes(self.take(8).try_into().unwrap()) as usize, false),
                _ => (usize::from(c & 0x3f), true),
            }
        }
        fn string(&mut self) -> Vec<u8> {
            match self.len() {
                (n, false) => self.take(n).to_vec(),
                (0, true) => (self.byte() as i8).to_string().into_bytes(),
                (1, true) => i16::from_le_bytes(self.take(2).try_into().unwrap()).to_string().into_bytes(),
                (2, true) => i32::from_le_bytes(self.take(4).try_into().unwrap()).to_string().into_bytes(),
                (3, true) => {
                    let (clen, _) = self.len();
                    let (ulen, _) = self.len();
                    crate::util::lzf::decompress(self.take(clen), ulen).unwrap()
                }
                other => panic!("bad string encoding {other:?}"),
            }
        }
    }

    /// (key, type, blobs) of every key of a fixture holding only compact-encoded types.
    type FixtureKey = (Vec<u8>, u8, Vec<(usize, Vec<u8>)>);

    fn fixture(name: &str) -> Vec<FixtureKey> {
        let path = format!("{}/tests/fixtures/{name}.rdb", env!("CARGO_MANIFEST_DIR"));
        let data = std::fs::read(path).unwrap();
        let mut r = Rdb { b: &data, p: 9 };
        let mut out = Vec::new();
        loop {
            match r.byte() {
                0xFA => {
                    r.string();
                    r.string();
                }
                0xFE => {
                    r.len();
                }
                0xFB => {
                    r.len();
                    r.len();
                }
                0xFC => {
                    r.take(8);
                }
                0xFF => return out,
                t @ (11 | 16 | 17) => {
                    let k = r.string();
                    out.push((k, t, vec![(0, r.string())]));
                }
                18 => {
                    let k = r.string();
                    let (n, _) = r.len();
                    let nodes = (0..n)
                        .map(|_| {
                            let (c, _) = r.len();
                            (c, r.string())
                        })
                        .collect();
                    out.push((k, 18, nodes));
                }
                t => panic!("type {t} not handled by the test reader"),
            }
        }
    }

    #[test]
    fn redis_7_fixtures_parse() {
        let lim = ListLimits::default();
        let mut seen = 0;
        for name in ["list_small", "list_large", "set_intset", "hash_listpack", "zset_listpack"] {
            for (key, t, blobs) in fixture(name) {
                seen += 1;
                let key = String::from_utf8(key).unwrap();
                match t {
                    18 => {
                        let mut q = Quicklist::new(lim);
                        for (container, blob) in blobs {
                            let node = if container == 1 {
                                NodeData::Plain(blob)
                            } else {
                                NodeData::Packed(parse_listpack(&blob).unwrap())
                            };
                            q.append_node(node).unwrap();
                        }
                        let items = q.to_vec(false);
                        match key.as_str() {
                            "list:small" => assert_eq!(
                                items,
                                vec![
                                    b"a".to_vec(),
                                    b"b".to_vec(),
                                    b"12".to_vec(),
                                    b"-5".to_vec(),
                                    b"bin\x00\xff".to_vec(),
                                    b"".to_vec(),
                                    vec![b'c'; 30]
                                ]
                            ),
                            "list:one" => assert_eq!(items, vec![b"x".to_vec()]),
                            "list:ttl" => assert_eq!(items, vec![b"p".to_vec(), b"q".to_vec(), b"r".to_vec()]),
                            "list:large" => assert_eq!(
                                items,
                                (0..1000).map(|i| format!("item-{i:04}").into_bytes()).collect::<Vec<_>>()
                            ),
                            "list:bigelems" => assert!(items.len() == 20 && items.iter().all(|x| x.len() == 9000)),
                            "list:compressible" => assert_eq!(
                                items,
                                (0..50).map(|i| format!("z{i}").repeat(500).into_bytes()).collect::<Vec<_>>()
                            ),
                            k => panic!("unexpected key {k}"),
                        }
                        // Saved again as Redis would: packed nodes keep their exact bytes.
                        for n in q.nodes() {
                            if let NodeData::Packed(lp) = n {
                                assert_eq!(Listpack::from_blob(lp.as_bytes().to_vec()).unwrap(), *lp);
                            }
                        }
                    }
                    11 => {
                        let blob = &blobs[0].1;
                        let s = set_from_intset(blob, 512).unwrap();
                        let mut got: Vec<i64> = match &s {
                            Set::Intset(is) => is.iter().collect(),
                            _ => panic!(),
                        };
                        got.sort();
                        match key.as_str() {
                            "set:int16" => assert_eq!(got, (0..50).collect::<Vec<_>>()),
                            "set:intset" => {
                                assert_eq!(got, vec![i64::MIN, -2147483648, -7, 1, 2, 3, 100000, 2147483647, i64::MAX])
                            }
                            k => panic!("unexpected key {k}"),
                        }
                        assert_eq!(write_intset(got), *blob, "our intset blob is Redis's");
                    }
                    16 => {
                        let blob = &blobs[0].1;
                        let h = hash_from_listpack(blob, &HashLimits::default()).unwrap();
                        let mut got: Vec<(Vec<u8>, Vec<u8>)> =
                            h.iter().map(|(f, v)| (f.to_vec(), v.to_vec())).collect();
                        got.sort();
                        match key.as_str() {
                            "hash:small" => assert_eq!(
                                got,
                                vec![
                                    (b"bin\x00".to_vec(), b"\xff\xfe".to_vec()),
                                    (b"empty".to_vec(), vec![]),
                                    (b"f1".to_vec(), b"v1".to_vec()),
                                    (b"f2".to_vec(), b"12345".to_vec())
                                ]
                            ),
                            "hash:ttl" => assert_eq!(got, vec![(b"a".to_vec(), b"1".to_vec())]),
                            k => panic!("unexpected key {k}"),
                        }
                        let Hash::Listpack(lp) = &h else { panic!() };
                        assert_eq!(
                            write_listpack(lp.iter().map(|v| v.to_vec()).collect::<Vec<_>>().iter().map(|v| &v[..])),
                            *blob
                        );
                    }
                    17 => {
                        let blob = &blobs[0].1;
                        let z = zset_from_listpack(blob, &ZsetLimits::default()).unwrap();
                        let got: Vec<(String, String)> = z
                            .to_vec(false)
                            .into_iter()
                            .map(|(m, s)| (String::from_utf8(m).unwrap(), crate::database::zset::d2string(s)))
                            .collect();
                        let want = [
                            ("ninf", "-inf"),
                            ("neg", "-3"),
                            ("zero", "0"),
                            ("one", "1"),
                            ("one-b", "1"),
                            ("two.five", "2.5"),
                            ("pinf", "inf"),
                        ];
                        assert_eq!(got, want.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>());
                        // Rebuilt member by member, the listpack is byte-identical to Redis's.
                        let mut again = ZSet::new();
                        for (m, s) in z.to_vec(false) {
                            again.insert(&m, s, &ZsetLimits::default());
                        }
                        assert_eq!(again.listpack().unwrap().as_bytes(), &blob[..]);
                    }
                    _ => unreachable!(),
                }
            }
        }
        assert_eq!(seen, 11);
    }
}
