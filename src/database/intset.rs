//! Intset: a sorted array of distinct integers in one buffer, in Redis's format (so the buffer is
//! also the RDB blob): `encoding: u32 LE (2, 4 or 8) | length: u32 LE | values LE, ascending`.
//! The encoding widens when a value needs it and never narrows, as in Redis.

use crate::database::table::Rng;

const HEADER: usize = 8;

#[derive(Clone, PartialEq, Eq)]
pub struct Intset {
    buf: Vec<u8>,
}

impl Default for Intset {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Intset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

fn width_for(v: i64) -> usize {
    if i64::from(v as i16) == v {
        2
    } else if i64::from(v as i32) == v {
        4
    } else {
        8
    }
}

impl Intset {
    pub fn new() -> Self {
        let mut buf = Vec::with_capacity(HEADER);
        buf.extend_from_slice(&2u32.to_le_bytes());
        buf.extend_from_slice(&0u32.to_le_bytes());
        Intset { buf }
    }

    /// Validates an intset blob: a known encoding, a length that matches the size, values
    /// strictly ascending.
    pub fn from_blob(buf: Vec<u8>) -> Result<Intset, &'static str> {
        if buf.len() < HEADER {
            return Err("intset too short");
        }
        let w = u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
        if !matches!(w, 2 | 4 | 8) {
            return Err("intset bad encoding");
        }
        let n = u32::from_le_bytes([buf[4], buf[5], buf[6], buf[7]]) as usize;
        if n.checked_mul(w).and_then(|s| s.checked_add(HEADER)) != Some(buf.len()) {
            return Err("intset length mismatch");
        }
        if n == 0 {
            return Err("intset empty");
        }
        let s = Intset { buf };
        for i in 1..n {
            if s.at(i - 1) >= s.at(i) {
                return Err("intset not sorted");
            }
        }
        Ok(s)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }
    fn width(&self) -> usize {
        self.buf[0] as usize
    }
    pub fn len(&self) -> usize {
        u32::from_le_bytes([self.buf[4], self.buf[5], self.buf[6], self.buf[7]]) as usize
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn mem_usage(&self) -> usize {
        self.buf.capacity() + std::mem::size_of::<Self>()
    }
    fn set_len(&mut self, n: usize) {
        self.buf[4..8].copy_from_slice(&(n as u32).to_le_bytes());
    }

    /// The i-th smallest value (i < len).
    pub fn at(&self, i: usize) -> i64 {
        let w = self.width();
        let p = HEADER + i * w;
        let b = &self.buf[p..p + w];
        match w {
            2 => i64::from(i16::from_le_bytes([b[0], b[1]])),
            4 => i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            _ => i64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        }
    }

    fn put(&mut self, i: usize, v: i64) {
        let w = self.width();
        let p = HEADER + i * w;
        match w {
            2 => self.buf[p..p + 2].copy_from_slice(&(v as i16).to_le_bytes()),
            4 => self.buf[p..p + 4].copy_from_slice(&(v as i32).to_le_bytes()),
            _ => self.buf[p..p + 8].copy_from_slice(&v.to_le_bytes()),
        }
    }

    /// Ok(index) if present, Err(insertion point) otherwise.
    fn search(&self, v: i64) -> Result<usize, usize> {
        let (mut lo, mut hi) = (0usize, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.at(mid).cmp(&v) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(lo)
    }

    pub fn contains(&self, v: i64) -> bool {
        width_for(v) <= self.width() && self.search(v).is_ok()
    }

    /// Adds `v`; false when already present.
    pub fn insert(&mut self, v: i64) -> bool {
        let n = self.len();
        if width_for(v) > self.width() {
            // Widen: rewrite every value at the new width; `v` goes at one end.
            let old: Vec<i64> = self.iter().collect();
            let w = width_for(v);
            self.buf.truncate(HEADER);
            self.buf.reserve_exact((n + 1) * w);
            self.buf.resize(HEADER + (n + 1) * w, 0);
            self.buf[..4].copy_from_slice(&(w as u32).to_le_bytes());
            let shift = usize::from(v < 0);
            for (i, x) in old.into_iter().enumerate() {
                self.put(i + shift, x);
            }
            self.put(if v < 0 { 0 } else { n }, v);
            self.set_len(n + 1);
            return true;
        }
        let i = match self.search(v) {
            Ok(_) => return false,
            Err(i) => i,
        };
        let w = self.width();
        let p = HEADER + i * w;
        self.buf.reserve_exact(w);
        self.buf.splice(p..p, std::iter::repeat_n(0u8, w));
        self.put(i, v);
        self.set_len(n + 1);
        true
    }

    /// Removes `v`; false when absent.
    pub fn remove(&mut self, v: i64) -> bool {
        if width_for(v) > self.width() {
            return false;
        }
        let Ok(i) = self.search(v) else {
            return false;
        };
        self.remove_at(i);
        true
    }

    fn remove_at(&mut self, i: usize) {
        let w = self.width();
        let p = HEADER + i * w;
        self.buf.drain(p..p + w);
        let n = self.len();
        self.set_len(n - 1);
        if self.buf.capacity() > self.buf.len() * 2 + 32 {
            self.buf.shrink_to_fit();
        }
    }

    pub fn random(&self, rng: &mut Rng) -> Option<i64> {
        let n = self.len();
        if n == 0 { None } else { Some(self.at(rng.below(n as u64) as usize)) }
    }

    /// Removes and returns a random value.
    pub fn pop_random(&mut self, rng: &mut Rng) -> Option<i64> {
        let n = self.len();
        if n == 0 {
            return None;
        }
        let i = rng.below(n as u64) as usize;
        let v = self.at(i);
        self.remove_at(i);
        Some(v)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = i64> + ExactSizeIterator + '_ {
        (0..self.len()).map(move |i| self.at(i))
    }

    pub fn max(&self) -> Option<i64> {
        let n = self.len();
        if n == 0 { None } else { Some(self.at(n - 1)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn layout_matches_redis() {
        let mut s = Intset::new();
        for v in [5, 1, 3] {
            assert!(s.insert(v));
        }
        assert!(!s.insert(3));
        assert_eq!(s.as_bytes(), &[2, 0, 0, 0, 3, 0, 0, 0, 1, 0, 3, 0, 5, 0]);
        s.insert(-70000);
        assert_eq!(&s.as_bytes()[..8], &[4, 0, 0, 0, 4, 0, 0, 0]);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![-70000, 1, 3, 5]);
        s.remove(-70000);
        assert_eq!(s.as_bytes()[0], 4, "never narrows");
        s.insert(i64::MAX);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![1, 3, 5, i64::MAX]);
        assert_eq!(Intset::from_blob(s.as_bytes().to_vec()).unwrap(), s);
    }

    #[test]
    fn random_ops_against_btreeset() {
        let mut rng = Rng::new(3);
        let mut s = Intset::new();
        let mut m = BTreeSet::new();
        for _ in 0..6000 {
            let v = match rng.below(4) {
                0 => rng.below(100) as i64 - 50,
                1 => rng.below(100000) as i64 - 50000,
                2 => rng.next_u64() as i64,
                _ => rng.below(1 << 33) as i64 - (1 << 32),
            };
            if rng.below(3) == 0 {
                assert_eq!(s.remove(v), m.remove(&v));
            } else {
                assert_eq!(s.insert(v), m.insert(v));
            }
            assert_eq!(s.contains(v), m.contains(&v));
            if rng.below(50) == 0
                && let Some(x) = s.pop_random(&mut rng)
            {
                assert!(m.remove(&x));
            }
            assert_eq!(s.len(), m.len());
        }
        assert!(s.iter().eq(m.iter().copied()));
    }

    #[test]
    fn bad_blobs() {
        assert!(Intset::from_blob(vec![2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 1, 0]).is_err());
        assert!(Intset::from_blob(vec![2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 1, 0]).is_err());
        assert!(Intset::from_blob(vec![3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0]).is_err());
        assert!(Intset::from_blob(vec![2, 0, 0, 0, 255, 255, 255, 255, 1, 0]).is_err());
        assert!(Intset::from_blob(vec![2, 0, 0, 0, 1, 0, 0, 0, 1, 0]).is_ok());
        let mut rng = Rng::new(5);
        let mut good = Intset::new();
        for v in [1i64, 7, 100000, -3] {
            good.insert(v);
        }
        for _ in 0..5000 {
            let mut b = good.as_bytes().to_vec();
            let i = rng.below(b.len() as u64) as usize;
            b[i] = rng.next_u64() as u8;
            if rng.below(3) == 0 {
                b.truncate(rng.below(b.len() as u64 + 1) as usize);
            }
            if let Ok(s) = Intset::from_blob(b) {
                assert!(s.iter().zip(s.iter().skip(1)).all(|(a, b)| a < b));
            }
        }
    }
}
