//! Hash values: a listpack of field, value pairs while small, then a hash table whose entries
//! hold field and value inline in one allocation (the keyspace's own `Table`), so a large hash
//! pays one allocation per field instead of Redis's dictEntry + two sds.
//!
//! Conversion follows Redis 7.0: a field or value longer than `max_listpack_value`, or more
//! than `max_listpack_entries` fields, turns the listpack into a table; it never converts back.

use crate::database::listpack::{Listpack, LpVal};
use crate::database::table::{Expire, NewVal, Rng, Table, Val};

/// The object type of tables that hold only strings.
pub enum Nothing {}

pub type StrTable = Table<Nothing>;

/// The table value of an entry as a listpack-style element (only strings are stored).
pub fn table_val<'a>(v: Val<'a, Nothing>) -> LpVal<'a> {
    match v {
        Val::Str(s) => LpVal::Str(s),
        Val::Int(i) => LpVal::Int(i),
        Val::Obj(o) => match *o {},
    }
}

/// Estimated malloc overhead per table entry (glibc: 8-byte header, 16-byte rounding).
pub const MALLOC_OVERHEAD: usize = 12;

/// Largest listpack Redis lets a command build (`lpSafeToAdd`: 1 GB).
pub const LISTPACK_SAFETY: usize = 1 << 30;

/// `hash-max-listpack-entries` and `hash-max-listpack-value`.
#[derive(Clone, Copy, Debug)]
pub struct HashLimits {
    pub max_listpack_entries: usize,
    pub max_listpack_value: usize,
}

impl Default for HashLimits {
    fn default() -> Self {
        HashLimits { max_listpack_entries: 128, max_listpack_value: 64 }
    }
}

pub enum Hash {
    Listpack(Listpack),
    Table(Box<StrTable>),
}

impl Default for Hash {
    fn default() -> Self {
        Self::new()
    }
}

/// Random distinct indices `0..n`, `k` of them (k <= n), by Floyd's algorithm.
pub fn distinct_indices(n: usize, k: usize, rng: &mut Rng) -> Vec<usize> {
    let mut chosen = std::collections::HashSet::with_capacity(k);
    let mut out = Vec::with_capacity(k);
    for j in n - k..n {
        let t = rng.below(j as u64 + 1) as usize;
        let pick = if chosen.contains(&t) { j } else { t };
        chosen.insert(pick);
        out.push(pick);
    }
    out
}

impl Hash {
    pub fn new() -> Self {
        Hash::Listpack(Listpack::new())
    }

    /// Takes a validated listpack of field, value pairs (an RDB load).
    pub fn from_listpack(lp: Listpack) -> Result<Hash, &'static str> {
        if !lp.len().is_multiple_of(2) {
            return Err("hash listpack with an odd number of elements");
        }
        let mut seen = std::collections::HashSet::new();
        for (i, v) in lp.iter().enumerate() {
            if i % 2 == 0 && !seen.insert(v.to_vec()) {
                return Err("hash listpack with a duplicate field");
            }
        }
        Ok(Hash::Listpack(lp))
    }

    pub fn encoding(&self) -> &'static str {
        match self {
            Hash::Listpack(_) => "listpack",
            Hash::Table(_) => "hashtable",
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Hash::Listpack(lp) => lp.len() / 2,
            Hash::Table(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lp_bytes(&self) -> usize {
        match self {
            Hash::Listpack(lp) => lp.bytes(),
            Hash::Table(_) => 0,
        }
    }

    fn lp_find(lp: &Listpack, field: &[u8]) -> Option<usize> {
        lp.find(lp.first(), field, 1)
    }

    pub fn get(&self, field: &[u8]) -> Option<LpVal<'_>> {
        match self {
            Hash::Listpack(lp) => {
                let p = Self::lp_find(lp, field)?;
                lp.next(p).map(|q| lp.get(q))
            }
            Hash::Table(t) => t.get(field).map(|e| table_val(e.value())),
        }
    }

    pub fn exists(&self, field: &[u8]) -> bool {
        match self {
            Hash::Listpack(lp) => Self::lp_find(lp, field).is_some(),
            Hash::Table(t) => t.get(field).is_some(),
        }
    }

    /// HSTRLEN: the value's length.
    pub fn strlen(&self, field: &[u8]) -> Option<usize> {
        self.get(field).map(|v| v.str_len())
    }

    /// Converts to the table form (no-op when already there).
    pub fn convert(&mut self) {
        if let Hash::Listpack(lp) = self {
            let mut t = StrTable::new();
            let mut it = lp.iter();
            while let (Some(f), Some(v)) = (it.next(), it.next()) {
                let (f, v) = (f.to_vec(), v.to_vec());
                t.set(&f, NewVal::Str(&v), Expire::Keep);
            }
            *self = Hash::Table(Box::new(t));
        }
    }

    /// HSET of one field: true when the field is new.
    pub fn set(&mut self, field: &[u8], value: &[u8], lim: &HashLimits) -> bool {
        if let Hash::Listpack(_) = self
            && (field.len() > lim.max_listpack_value
                || value.len() > lim.max_listpack_value
                || self.lp_bytes() + field.len() + value.len() > LISTPACK_SAFETY)
        {
            self.convert();
        }
        let new = match self {
            Hash::Listpack(lp) => match Self::lp_find(lp, field) {
                Some(p) => {
                    if let Some(q) = lp.next(p) {
                        lp.replace(q, value);
                    }
                    false
                }
                None => {
                    lp.push_back(field);
                    lp.push_back(value);
                    true
                }
            },
            Hash::Table(t) => !t.set(field, NewVal::Str(value), Expire::Keep),
        };
        // Checked after an update too, as hashTypeSet does: a lowered limit converts then.
        if matches!(self, Hash::Listpack(_)) && self.len() > lim.max_listpack_entries {
            self.convert();
        }
        new
    }

    /// Redis's `hashTypeTryConversion`, run before HSET, HMSET and HSETNX touch anything: any
    /// argument longer than `max_listpack_value`, or a listpack that would outgrow the safety
    /// limit, converts the hash (even when the command then changes nothing).
    pub fn try_conversion<'a>(&mut self, args: impl Iterator<Item = &'a [u8]>, lim: &HashLimits) {
        let Hash::Listpack(lp) = self else { return };
        let mut sum = 0usize;
        for a in args {
            if a.len() > lim.max_listpack_value {
                self.convert();
                return;
            }
            sum += a.len();
        }
        if lp.bytes() + sum > LISTPACK_SAFETY {
            self.convert();
        }
    }

    /// HSETNX: sets only a new field; true when set.
    pub fn setnx(&mut self, field: &[u8], value: &[u8], lim: &HashLimits) -> bool {
        if self.exists(field) {
            return false;
        }
        self.set(field, value, lim)
    }

    /// HDEL of one field.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match self {
            Hash::Listpack(lp) => match Self::lp_find(lp, field) {
                Some(p) => {
                    lp.delete_range(p, 2);
                    true
                }
                None => false,
            },
            Hash::Table(t) => {
                let r = t.remove(field);
                if r {
                    t.try_shrink();
                }
                r
            }
        }
    }

    /// Field, value pairs in storage order.
    pub fn iter(&self) -> Box<dyn Iterator<Item = (LpVal<'_>, LpVal<'_>)> + '_> {
        match self {
            Hash::Listpack(lp) => {
                let mut it = lp.iter();
                Box::new(std::iter::from_fn(move || Some((it.next()?, it.next()?))))
            }
            Hash::Table(t) => Box::new(t.iter().map(|e| (LpVal::Str(e.key()), table_val(e.value())))),
        }
    }

    /// One random field and its value.
    pub fn random(&self, rng: &mut Rng) -> Option<(LpVal<'_>, LpVal<'_>)> {
        match self {
            Hash::Listpack(lp) => {
                let n = lp.len() / 2;
                if n == 0 {
                    return None;
                }
                let p = lp.seek(2 * rng.below(n as u64) as isize)?;
                Some((lp.get(p), lp.get(lp.next(p)?)))
            }
            Hash::Table(t) => t.random(rng).map(|e| (LpVal::Str(e.key()), table_val(e.value()))),
        }
    }

    /// `count` random pairs that may repeat (HRANDFIELD with a negative count).
    pub fn random_with_repeats(&self, count: usize, rng: &mut Rng, mut f: impl FnMut(LpVal<'_>, LpVal<'_>)) {
        if self.is_empty() {
            return;
        }
        for _ in 0..count {
            if let Some((k, v)) = self.random(rng) {
                f(k, v);
            }
        }
    }

    /// `count` distinct random pairs (all of them when count >= len), as owned bytes.
    pub fn random_distinct(&self, count: usize, rng: &mut Rng) -> Vec<(Vec<u8>, Vec<u8>)> {
        let n = self.len();
        if count >= n {
            return self.iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect();
        }
        match self {
            Hash::Table(t) if count * 3 <= n => {
                let mut seen = std::collections::HashSet::with_capacity(count);
                let mut out = Vec::with_capacity(count);
                while out.len() < count {
                    if let Some(e) = t.random(rng)
                        && seen.insert(e.key().to_vec())
                    {
                        out.push((e.key().to_vec(), table_val(e.value()).to_vec()));
                    }
                }
                out
            }
            _ => {
                let mut idx = distinct_indices(n, count, rng);
                idx.sort_unstable();
                let mut out = Vec::with_capacity(count);
                let mut j = 0;
                for (i, (k, v)) in self.iter().enumerate() {
                    if j < idx.len() && idx[j] == i {
                        out.push((k.to_vec(), v.to_vec()));
                        j += 1;
                    }
                }
                out
            }
        }
    }

    /// HSCAN step: calls `f` for each pair of the cursor's bucket(s), returns the next cursor.
    /// The listpack form returns everything at once (cursor 0).
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(LpVal<'_>, LpVal<'_>)) -> u64 {
        match self {
            Hash::Listpack(_) => {
                for (k, v) in self.iter() {
                    f(k, v);
                }
                0
            }
            Hash::Table(t) => t.scan(cursor, |e| f(LpVal::Str(e.key()), table_val(e.value()))),
        }
    }

    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<Self>()
            + match self {
                Hash::Listpack(lp) => lp.mem_usage(),
                Hash::Table(t) => std::mem::size_of::<StrTable>() + t.mem_usage() + t.len() * MALLOC_OVERHEAD,
            }
    }

    pub fn duplicate(&self) -> Hash {
        match self {
            Hash::Listpack(lp) => Hash::Listpack(lp.clone()),
            Hash::Table(t) => {
                let mut n = StrTable::new();
                for e in t.iter() {
                    if let Val::Str(v) = e.value() {
                        n.set(e.key(), NewVal::Str(v), Expire::Keep);
                    }
                }
                Hash::Table(Box::new(n))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn collect(h: &Hash) -> BTreeMap<Vec<u8>, Vec<u8>> {
        h.iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect()
    }

    #[test]
    fn random_ops_against_btreemap_with_conversions() {
        for (seed, entries, value) in [(1u64, 128usize, 64usize), (2, 4, 8), (3, 0, 0), (4, 20, 1000)] {
            let lim = HashLimits { max_listpack_entries: entries, max_listpack_value: value };
            let mut rng = Rng::new(seed);
            let mut h = Hash::new();
            let mut m: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
            let mut converted_at = None;
            for step in 0..5000 {
                let key_space = if step < 2500 { 200 } else { 40 };
                let f = match rng.below(3) {
                    0 => rng.below(key_space).to_string().into_bytes(),
                    _ => format!("f{}", rng.below(key_space)).into_bytes(),
                };
                let vlen = if rng.below(50) == 0 { 65 } else { rng.below(10) as usize };
                let v: Vec<u8> =
                    if rng.below(2) == 0 { vec![b'v'; vlen] } else { rng.below(1000).to_string().into_bytes() };
                match rng.below(6) {
                    0..=2 => {
                        let should_convert =
                            f.len() > value || v.len() > value || (!m.contains_key(&f) && m.len() + 1 > entries);
                        let was_lp = matches!(h, Hash::Listpack(_));
                        assert_eq!(h.set(&f, &v, &lim), m.insert(f.clone(), v.clone()).is_none());
                        if was_lp {
                            assert_eq!(matches!(h, Hash::Table(_)), should_convert, "step {step}");
                            if should_convert {
                                converted_at = Some(step);
                            }
                        }
                    }
                    3 => assert_eq!(h.remove(&f), m.remove(&f).is_some()),
                    4 => {
                        let was = m.contains_key(&f);
                        assert_eq!(h.setnx(&f, &v, &lim), !was);
                        m.entry(f.clone()).or_insert(v.clone());
                    }
                    _ => {
                        assert_eq!(h.get(&f).map(|x| x.to_vec()), m.get(&f).cloned());
                        assert_eq!(h.strlen(&f), m.get(&f).map(|x| x.len()));
                        assert_eq!(h.exists(&f), m.contains_key(&f));
                    }
                }
                assert_eq!(h.len(), m.len());
                if converted_at.is_some() {
                    assert_eq!(h.encoding(), "hashtable", "never converts back");
                }
            }
            assert_eq!(collect(&h), m);
            assert_eq!(collect(&h.duplicate()), m);
            let mut scanned = BTreeMap::new();
            let mut c = 0;
            loop {
                c = h.scan(c, |k, v| {
                    scanned.insert(k.to_vec(), v.to_vec());
                });
                if c == 0 {
                    break;
                }
            }
            assert_eq!(scanned, m);
            for n in [0usize, 1, 3, m.len() / 2, m.len(), m.len() + 5] {
                let r = h.random_distinct(n, &mut rng);
                assert_eq!(r.len(), n.min(m.len()));
                let keys: std::collections::HashSet<_> = r.iter().map(|(k, _)| k.clone()).collect();
                assert_eq!(keys.len(), r.len());
                for (k, v) in &r {
                    assert_eq!(m.get(k), Some(v));
                }
            }
            let mut cnt = 0;
            h.random_with_repeats(50, &mut rng, |k, v| {
                cnt += 1;
                assert_eq!(m.get(&k.to_vec()), Some(&v.to_vec()));
            });
            assert_eq!(cnt, if m.is_empty() { 0 } else { 50 });
        }
    }

    #[test]
    fn threshold_exactly() {
        let lim = HashLimits::default();
        let mut h = Hash::new();
        for i in 0..128 {
            h.set(format!("f{i}").as_bytes(), b"v", &lim);
        }
        assert_eq!(h.encoding(), "listpack");
        h.set(b"f0", &[b'x'; 64], &lim);
        assert_eq!(h.encoding(), "listpack");
        h.set(b"f129", b"v", &lim);
        assert_eq!(h.encoding(), "hashtable");
        let mut h = Hash::new();
        h.set(&[b'k'; 65], b"v", &lim);
        assert_eq!(h.encoding(), "hashtable");
    }

    #[test]
    fn conversion_before_and_on_update() {
        let lim = HashLimits::default();
        let mut h = Hash::new();
        h.set(b"a", b"1", &lim);
        h.try_conversion([&b"a"[..], &[b'x'; 64]].into_iter(), &lim);
        assert_eq!(h.encoding(), "listpack");
        h.try_conversion([&b"a"[..], &[b'x'; 65]].into_iter(), &lim);
        assert_eq!(h.encoding(), "hashtable", "a long argument converts even before a set");
        let mut h = Hash::new();
        for f in [b"a", b"b", b"c"] {
            h.set(f, b"1", &lim);
        }
        let lowered = HashLimits { max_listpack_entries: 2, ..lim };
        assert!(!h.set(b"a", b"2", &lowered));
        assert_eq!(h.encoding(), "hashtable", "a lowered limit converts at an update too");
        assert_eq!(h.get(b"a").map(|v| v.to_vec()), Some(b"2".to_vec()));
    }
}
