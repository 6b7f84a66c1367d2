//! Placeholder keyspace table (to be replaced by the compact chained table).
#![allow(dead_code)]
use std::collections::HashMap;

pub enum Val<'a, O> {
    Str(&'a [u8]),
    Int(i64),
    Obj(&'a O),
}
pub enum NewVal<'a, O> {
    Str(&'a [u8]),
    Int(i64),
    Obj(Box<O>),
}
pub enum OwnedVal<O> {
    Str(Vec<u8>),
    Int(i64),
    Obj(Box<O>),
}
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expire {
    Clear,
    Keep,
    At(i64),
}

pub struct EntryRef<'a, O> {
    k: &'a [u8],
    v: &'a (OwnedVal<O>, Option<i64>),
}
impl<O> Clone for EntryRef<'_, O> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<O> Copy for EntryRef<'_, O> {}
impl<'a, O> EntryRef<'a, O> {
    pub fn key(&self) -> &'a [u8] {
        self.k
    }
    pub fn value(&self) -> Val<'a, O> {
        match &self.v.0 {
            OwnedVal::Str(s) => Val::Str(s),
            OwnedVal::Int(i) => Val::Int(*i),
            OwnedVal::Obj(o) => Val::Obj(o),
        }
    }
    pub fn expire(&self) -> Option<i64> {
        self.v.1
    }
}

pub struct Rng(u64);
impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed | 1)
    }
    pub fn from_entropy() -> Self {
        Rng::new(crate::server::now_us() as u64)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
}

pub struct Table<O> {
    m: HashMap<Vec<u8>, (OwnedVal<O>, Option<i64>)>,
}
impl<O> Default for Table<O> {
    fn default() -> Self {
        Self::new()
    }
}
impl<O> Table<O> {
    pub fn new() -> Self {
        Table { m: HashMap::new() }
    }
    pub fn len(&self) -> usize {
        self.m.len()
    }
    pub fn is_empty(&self) -> bool {
        self.m.is_empty()
    }
    pub fn volatile_len(&self) -> usize {
        self.m.values().filter(|v| v.1.is_some()).count()
    }
    pub fn get(&self, key: &[u8]) -> Option<EntryRef<'_, O>> {
        self.m.get_key_value(key).map(|(k, v)| EntryRef { k, v })
    }
    pub fn obj_mut(&mut self, key: &[u8]) -> Option<&mut O> {
        match self.m.get_mut(key) {
            Some((OwnedVal::Obj(o), _)) => Some(o),
            _ => None,
        }
    }
    pub fn set(&mut self, key: &[u8], val: NewVal<'_, O>, expire: Expire) -> bool {
        let old = self.m.get(key).and_then(|v| v.1);
        let v = match val {
            NewVal::Str(s) => OwnedVal::Str(s.to_vec()),
            NewVal::Int(i) => OwnedVal::Int(i),
            NewVal::Obj(o) => OwnedVal::Obj(o),
        };
        let e = match expire {
            Expire::Clear => None,
            Expire::Keep => old,
            Expire::At(t) => Some(t),
        };
        self.m.insert(key.to_vec(), (v, e)).is_some()
    }
    pub fn set_expire(&mut self, key: &[u8], expire: Option<i64>) -> bool {
        match self.m.get_mut(key) {
            Some(v) => {
                v.1 = expire;
                true
            }
            None => false,
        }
    }
    pub fn remove(&mut self, key: &[u8]) -> bool {
        self.m.remove(key).is_some()
    }
    pub fn take(&mut self, key: &[u8]) -> Option<(OwnedVal<O>, Option<i64>)> {
        self.m.remove(key)
    }
    pub fn clear(&mut self) {
        self.m.clear()
    }
    pub fn iter(&self) -> impl Iterator<Item = EntryRef<'_, O>> {
        self.m.iter().map(|(k, v)| EntryRef { k, v })
    }
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(EntryRef<'_, O>)) -> u64 {
        if cursor == 0 {
            for e in self.iter() {
                f(e)
            }
        }
        0
    }
    pub fn random(&self, rng: &mut Rng) -> Option<EntryRef<'_, O>> {
        let n = self.m.len();
        if n == 0 {
            return None;
        }
        self.iter().nth(rng.below(n as u64) as usize)
    }
    pub fn sample_volatile(&self, n: usize, _rng: &mut Rng, mut f: impl FnMut(EntryRef<'_, O>)) {
        for e in self.iter().filter(|e| e.expire().is_some()).take(n) {
            f(e)
        }
    }
    pub fn rehash_step(&mut self, _buckets: usize) -> bool {
        false
    }
    pub fn try_shrink(&mut self) {}
    pub fn bucket_count(&self) -> usize {
        self.m.capacity()
    }
    pub fn mem_usage(&self) -> usize {
        self.m.capacity() * 64
    }
}
