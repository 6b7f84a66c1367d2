//! Set values, as Redis 7.0 keeps them: an intset while every member is an integer (in
//! `string2ll`'s canonical form) and there are at most `set-max-intset-entries`, otherwise a
//! hash table of inline members (one allocation per member). Never converts back.

use crate::database::hash::{MALLOC_OVERHEAD, StrTable, distinct_indices};
use crate::database::intset::Intset;
use crate::database::listpack::LpVal;
use crate::database::table::{Expire, NewVal, Rng};
use crate::resp::parse_i64;

pub enum Set {
    Intset(Intset),
    Table(Box<StrTable>),
}

impl Set {
    /// An empty set of the encoding Redis picks for a first member (`setTypeCreate`).
    pub fn for_member(first: &[u8]) -> Set {
        if parse_i64(first).is_some() { Set::Intset(Intset::new()) } else { Set::Table(Box::default()) }
    }

    /// The empty intset the *STORE commands start their result from (`createIntsetObject`).
    pub fn new_intset() -> Set {
        Set::Intset(Intset::new())
    }

    pub fn new_table() -> Set {
        Set::Table(Box::default())
    }

    pub fn encoding(&self) -> &'static str {
        match self {
            Set::Intset(_) => "intset",
            Set::Table(_) => "hashtable",
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Set::Intset(s) => s.len(),
            Set::Table(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn convert(&mut self) {
        if let Set::Intset(s) = self {
            let mut t = StrTable::new();
            for v in s.iter() {
                t.set(v.to_string().as_bytes(), NewVal::Str(b""), Expire::Keep);
            }
            *self = Set::Table(Box::new(t));
        }
    }

    /// SADD of one member: true when added.
    pub fn add(&mut self, member: &[u8], max_intset_entries: usize) -> bool {
        if let Set::Intset(s) = self {
            match parse_i64(member) {
                Some(v) => {
                    if !s.insert(v) {
                        return false;
                    }
                    if s.len() > max_intset_entries {
                        self.convert();
                    }
                    return true;
                }
                None => self.convert(),
            }
        }
        match self {
            Set::Table(t) => !t.set(member, NewVal::Str(b""), Expire::Keep),
            Set::Intset(_) => false,
        }
    }

    pub fn remove(&mut self, member: &[u8]) -> bool {
        match self {
            Set::Intset(s) => parse_i64(member).is_some_and(|v| s.remove(v)),
            Set::Table(t) => {
                let r = t.remove(member);
                if r {
                    t.try_shrink();
                }
                r
            }
        }
    }

    pub fn contains(&self, member: &[u8]) -> bool {
        match self {
            Set::Intset(s) => parse_i64(member).is_some_and(|v| s.contains(v)),
            Set::Table(t) => t.get(member).is_some(),
        }
    }

    pub fn iter(&self) -> Box<dyn Iterator<Item = LpVal<'_>> + '_> {
        match self {
            Set::Intset(s) => Box::new(s.iter().map(LpVal::Int)),
            Set::Table(t) => Box::new(t.iter().map(|e| LpVal::Str(e.key()))),
        }
    }

    pub fn random(&self, rng: &mut Rng) -> Option<LpVal<'_>> {
        match self {
            Set::Intset(s) => s.random(rng).map(LpVal::Int),
            Set::Table(t) => t.random(rng).map(|e| LpVal::Str(e.key())),
        }
    }

    /// SPOP of one member.
    pub fn pop_random(&mut self, rng: &mut Rng) -> Option<Vec<u8>> {
        match self {
            Set::Intset(s) => s.pop_random(rng).map(|v| v.to_string().into_bytes()),
            Set::Table(_) => {
                let m = self.random(rng)?.to_vec();
                self.remove(&m);
                Some(m)
            }
        }
    }

    /// `count` random members that may repeat (SRANDMEMBER with a negative count).
    pub fn random_with_repeats(&self, count: usize, rng: &mut Rng, mut f: impl FnMut(LpVal<'_>)) {
        if self.is_empty() {
            return;
        }
        for _ in 0..count {
            if let Some(m) = self.random(rng) {
                f(m);
            }
        }
    }

    /// `count` distinct random members (all when count >= len).
    pub fn random_distinct(&self, count: usize, rng: &mut Rng) -> Vec<Vec<u8>> {
        let n = self.len();
        if count >= n {
            return self.iter().map(|m| m.to_vec()).collect();
        }
        match self {
            Set::Table(t) if count * 3 <= n => {
                let mut seen = std::collections::HashSet::with_capacity(count);
                while seen.len() < count {
                    if let Some(e) = t.random(rng) {
                        seen.insert(e.key().to_vec());
                    }
                }
                seen.into_iter().collect()
            }
            Set::Intset(s) => {
                distinct_indices(n, count, rng).into_iter().map(|i| s.at(i).to_string().into_bytes()).collect()
            }
            Set::Table(_) => {
                let mut idx = distinct_indices(n, count, rng);
                idx.sort_unstable();
                let mut j = 0;
                let mut out = Vec::with_capacity(count);
                for (i, m) in self.iter().enumerate() {
                    if j < idx.len() && idx[j] == i {
                        out.push(m.to_vec());
                        j += 1;
                    }
                }
                out
            }
        }
    }

    /// SSCAN step; the intset returns everything at once (cursor 0).
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(LpVal<'_>)) -> u64 {
        match self {
            Set::Intset(s) => {
                s.iter().for_each(|v| f(LpVal::Int(v)));
                0
            }
            Set::Table(t) => t.scan(cursor, |e| f(LpVal::Str(e.key()))),
        }
    }

    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<Self>()
            + match self {
                Set::Intset(s) => s.mem_usage(),
                Set::Table(t) => std::mem::size_of::<StrTable>() + t.mem_usage() + t.len() * MALLOC_OVERHEAD,
            }
    }

    pub fn duplicate(&self) -> Set {
        match self {
            Set::Intset(s) => Set::Intset(s.clone()),
            Set::Table(t) => {
                let mut n = StrTable::new();
                for e in t.iter() {
                    n.set(e.key(), NewVal::Str(b""), Expire::Keep);
                }
                Set::Table(Box::new(n))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn random_ops_against_hashset_with_conversions() {
        for (seed, limit) in [(1u64, 512usize), (2, 5), (3, 0), (4, 100000)] {
            let mut rng = Rng::new(seed);
            let mut m: HashSet<Vec<u8>> = HashSet::new();
            let mut s: Option<Set> = None;
            let mut converted = false;
            for step in 0..6000 {
                let v = match rng.below(10) {
                    0 => format!("m{}", rng.below(300)).into_bytes(),
                    1 => format!("0{}", rng.below(10)).into_bytes(),
                    _ => (rng.below(800) as i64 - 100).to_string().into_bytes(),
                };
                let set = s.get_or_insert_with(|| Set::for_member(&v));
                match rng.below(5) {
                    0..=2 => {
                        let was_int = matches!(set, Set::Intset(_));
                        let new = !m.contains(&v);
                        assert_eq!(set.add(&v, limit), m.insert(v.clone()));
                        if was_int {
                            let expect = parse_i64(&v).is_none() || (new && m.len() > limit);
                            assert_eq!(set.encoding() == "hashtable", expect, "step {step}");
                        }
                    }
                    3 => assert_eq!(set.remove(&v), m.remove(&v)),
                    _ => {
                        if rng.below(10) == 0 {
                            if let Some(p) = set.pop_random(&mut rng) {
                                assert!(m.remove(&p));
                            }
                        } else {
                            assert_eq!(set.contains(&v), m.contains(&v));
                        }
                    }
                }
                if set.encoding() == "hashtable" {
                    converted = true;
                } else {
                    assert!(!converted, "never converts back");
                }
                assert_eq!(set.len(), m.len());
            }
            let set = s.unwrap();
            let got: HashSet<Vec<u8>> = set.iter().map(|x| x.to_vec()).collect();
            assert_eq!(got, m);
            let dup: HashSet<Vec<u8>> = set.duplicate().iter().map(|x| x.to_vec()).collect();
            assert_eq!(dup, m);
            let mut scanned = HashSet::new();
            let mut c = 0;
            loop {
                c = set.scan(c, |x| {
                    scanned.insert(x.to_vec());
                });
                if c == 0 {
                    break;
                }
            }
            assert_eq!(scanned, m);
            for n in [0usize, 1, 2, m.len() / 4, m.len() / 2, m.len(), m.len() + 1] {
                let r = set.random_distinct(n, &mut rng);
                let rs: HashSet<_> = r.iter().cloned().collect();
                assert_eq!(rs.len(), n.min(m.len()));
                assert!(rs.is_subset(&m));
            }
        }
    }

    #[test]
    fn intset_threshold() {
        let mut s = Set::for_member(b"1");
        for i in 0..512 {
            s.add(i.to_string().as_bytes(), 512);
        }
        assert_eq!(s.encoding(), "intset");
        s.add(b"512", 512);
        assert_eq!(s.encoding(), "hashtable");
        let mut s = Set::for_member(b"1");
        s.add(b"1", 512);
        s.add(b"01", 512);
        assert_eq!(s.encoding(), "hashtable");
        assert!(s.contains(b"1") && s.contains(b"01") && !s.contains(b"001"));
        assert_eq!(Set::for_member(b"x").encoding(), "hashtable");
    }
}
