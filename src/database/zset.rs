//! Sorted set values: a listpack of member, score pairs ordered by (score, member) while small,
//! then a member -> score hash table (inline entries) plus a counted B+tree whose leaves pack
//! `score | varint length | member` entries into one buffer each. Ranks and ranges are
//! O(log n + m) through the per-child counts of the inner nodes; score lookup is O(1).
//!
//! Conversion follows Redis 7.0: more than `zset-max-listpack-entries` members, or a member
//! longer than `zset-max-listpack-value`, turns the listpack into the tree form. Commands that
//! build a new zset (ZRANGESTORE, ZUNIONSTORE...) may convert back with `shrink_if_small`.

use std::cmp::Ordering;

use crate::database::hash::{LISTPACK_SAFETY, MALLOC_OVERHEAD, StrTable, distinct_indices, table_val};
use crate::database::listpack::{self, Listpack, LpVal};
use crate::database::table::{Expire, NewVal, Rng};

/// `zset-max-listpack-entries` and `zset-max-listpack-value`.
#[derive(Clone, Copy, Debug)]
pub struct ZsetLimits {
    pub max_listpack_entries: usize,
    pub max_listpack_value: usize,
}

impl Default for ZsetLimits {
    fn default() -> Self {
        ZsetLimits { max_listpack_entries: 128, max_listpack_value: 64 }
    }
}

/// One end of a score range (`(1.5`, `-inf`...). Infinite bounds are `Incl(±inf)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ScoreBound {
    Incl(f64),
    Excl(f64),
}

/// One end of a lex range: `-`, `+`, `[member` or `(member`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LexBound {
    Min,
    Max,
    Incl(Vec<u8>),
    Excl(Vec<u8>),
}

/// Redis 7.0's `d2string`: integers below 2^52 in decimal, otherwise `%.17g`.
pub fn d2string(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    if x > -4503599627370495.0 && x < 4503599627370496.0 && x == (x as i64) as f64 {
        return (x as i64).to_string();
    }
    fmt_g17(x)
}

/// C's `%.17g` for a finite, non-zero double.
pub fn fmt_g17(x: f64) -> String {
    let e = format!("{x:.16e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let strip = |s: &str| -> String {
        if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s.to_string() }
    };
    if !(-4..17).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", strip(mant), exp.abs())
    } else {
        strip(&format!("{x:.*}", (16 - exp) as usize))
    }
}

/// Parses a score as stored in a listpack (an integer or a `strtod` string).
fn lp_score(v: LpVal<'_>) -> Option<f64> {
    match v {
        LpVal::Int(i) => Some(i as f64),
        LpVal::Str(s) => std::str::from_utf8(s).ok()?.parse::<f64>().ok().filter(|x| !x.is_nan()),
    }
}

fn cmp_key(s1: f64, m1: &[u8], s2: f64, m2: &[u8]) -> Ordering {
    if s1 < s2 {
        Ordering::Less
    } else if s1 > s2 {
        Ordering::Greater
    } else {
        m1.cmp(m2)
    }
}

/// Calls `f` with the string form of a listpack element without allocating.
fn with_bytes<R>(v: LpVal<'_>, f: impl FnOnce(&[u8]) -> R) -> R {
    match v {
        LpVal::Str(s) => f(s),
        LpVal::Int(i) => {
            let mut buf = [0u8; 24];
            let mut n = 0;
            let neg = i < 0;
            let mut u = i.unsigned_abs();
            loop {
                buf[23 - n] = b'0' + (u % 10) as u8;
                n += 1;
                u /= 10;
                if u == 0 {
                    break;
                }
            }
            if neg {
                buf[23 - n] = b'-';
                n += 1;
            }
            f(&buf[24 - n..])
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Counted B+tree
// ---------------------------------------------------------------------------------------------

const LEAF_MAX: usize = 64;
const LEAF_BYTES: usize = 4096;
const INNER_MAX: usize = 64;

fn put_varint(out: &mut Vec<u8>, mut v: usize) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Decodes the leaf entry at `p`: (score, member, offset of the next entry).
fn leaf_entry(d: &[u8], p: usize) -> (f64, &[u8], usize) {
    let mut s = [0u8; 8];
    s.copy_from_slice(&d[p..p + 8]);
    let mut q = p + 8;
    let mut len = 0usize;
    let mut shift = 0;
    loop {
        let b = d[q];
        q += 1;
        len |= usize::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    (f64::from_le_bytes(s), &d[q..q + len], q + len)
}

/// A separator key: a lower bound of a child's keys.
type Sep = (f64, Box<[u8]>);

struct Leaf {
    data: Vec<u8>,
    n: usize,
}

struct Inner {
    kids: Vec<Node>,
    counts: Vec<usize>,
    /// `seps[i]` is a lower bound of every key of `kids[i + 1]` and above every key of `kids[i]`.
    seps: Vec<Sep>,
}

enum Node {
    Leaf(Leaf),
    Inner(Inner),
}

impl Leaf {
    fn offsets(&self) -> Vec<usize> {
        let mut v = Vec::with_capacity(self.n);
        let mut p = 0;
        while p < self.data.len() {
            v.push(p);
            p = leaf_entry(&self.data, p).2;
        }
        v
    }
}

impl Node {
    fn count(&self) -> usize {
        match self {
            Node::Leaf(l) => l.n,
            Node::Inner(i) => i.counts.iter().sum(),
        }
    }

    fn mem(&self) -> usize {
        match self {
            Node::Leaf(l) => l.data.capacity(),
            Node::Inner(i) => {
                i.kids.capacity() * std::mem::size_of::<Node>()
                    + i.counts.capacity() * 8
                    + i.seps.iter().map(|s| 24 + s.1.len()).sum::<usize>()
                    + i.kids.iter().map(Node::mem).sum::<usize>()
            }
        }
    }

    /// Inserts a key known to be absent; returns a split-off right sibling and its lower bound.
    fn insert(&mut self, s: f64, m: &[u8]) -> Option<(Sep, Node)> {
        match self {
            Node::Leaf(l) => {
                let mut p = 0;
                while p < l.data.len() {
                    let (es, em, next) = leaf_entry(&l.data, p);
                    if cmp_key(es, em, s, m) == Ordering::Greater {
                        break;
                    }
                    p = next;
                }
                let mut enc = Vec::with_capacity(m.len() + 12);
                enc.extend_from_slice(&s.to_le_bytes());
                put_varint(&mut enc, m.len());
                enc.extend_from_slice(m);
                if l.data.capacity() < l.data.len() + enc.len() {
                    l.data.reserve_exact(enc.len() + l.data.len() / 8 + 16);
                }
                let appended = p == l.data.len();
                l.data.splice(p..p, enc);
                l.n += 1;
                if l.n > LEAF_MAX || (l.data.len() > LEAF_BYTES && l.n >= 2) {
                    let offs = l.offsets();
                    // Ascending inserts (the common ZADD of growing scores) keep leaves full.
                    let mid = if appended { l.n - 1 } else { l.n / 2 };
                    let right = l.data.split_off(offs[mid]);
                    l.data.shrink_to_fit();
                    let (rs, rm, _) = leaf_entry(&right, 0);
                    let sep = (rs, Box::from(rm));
                    let rn = l.n - mid;
                    l.n = mid;
                    return Some((sep, Node::Leaf(Leaf { data: right, n: rn })));
                }
                None
            }
            Node::Inner(inn) => {
                let idx = inn.seps.partition_point(|(ss, sm)| cmp_key(*ss, sm, s, m) != Ordering::Greater);
                inn.counts[idx] += 1;
                let (sep, right) = inn.kids[idx].insert(s, m)?;
                let rc = right.count();
                inn.counts[idx] -= rc;
                inn.kids.insert(idx + 1, right);
                inn.counts.insert(idx + 1, rc);
                inn.seps.insert(idx, sep);
                if inn.kids.len() > INNER_MAX {
                    let mid = inn.kids.len() / 2;
                    let kids = inn.kids.split_off(mid);
                    let counts = inn.counts.split_off(mid);
                    let seps = inn.seps.split_off(mid);
                    let up = inn.seps.pop()?;
                    return Some((up, Node::Inner(Inner { kids, counts, seps })));
                }
                None
            }
        }
    }

    /// Removes an exact key; false when absent.
    fn remove(&mut self, s: f64, m: &[u8]) -> bool {
        match self {
            Node::Leaf(l) => {
                let mut p = 0;
                while p < l.data.len() {
                    let (es, em, next) = leaf_entry(&l.data, p);
                    match cmp_key(es, em, s, m) {
                        Ordering::Less => p = next,
                        Ordering::Equal => {
                            l.data.drain(p..next);
                            l.n -= 1;
                            if l.data.capacity() > l.data.len() * 2 + 64 {
                                l.data.shrink_to_fit();
                            }
                            return true;
                        }
                        Ordering::Greater => return false,
                    }
                }
                false
            }
            Node::Inner(inn) => {
                let idx = inn.seps.partition_point(|(ss, sm)| cmp_key(*ss, sm, s, m) != Ordering::Greater);
                if !inn.kids[idx].remove(s, m) {
                    return false;
                }
                inn.counts[idx] -= 1;
                inn.rebalance(idx);
                true
            }
        }
    }

    fn count_before(&self, pred: &dyn Fn(f64, &[u8]) -> bool) -> usize {
        let mut node = self;
        let mut acc = 0;
        loop {
            match node {
                Node::Leaf(l) => {
                    let mut p = 0;
                    while p < l.data.len() {
                        let (s, m, next) = leaf_entry(&l.data, p);
                        if !pred(s, m) {
                            break;
                        }
                        acc += 1;
                        p = next;
                    }
                    return acc;
                }
                Node::Inner(inn) => {
                    let j = inn.seps.partition_point(|(s, m)| pred(*s, m));
                    acc += inn.counts[..j].iter().sum::<usize>();
                    node = &inn.kids[j];
                }
            }
        }
    }

    /// Visits ranks `start..end` (in this subtree's numbering), backwards when `rev`.
    /// `f` returns false to stop; so does this.
    fn visit(&self, start: usize, end: usize, rev: bool, f: &mut dyn FnMut(f64, &[u8]) -> bool) -> bool {
        match self {
            Node::Leaf(l) => {
                let end = end.min(l.n);
                if start >= end {
                    return true;
                }
                if rev {
                    let offs = l.offsets();
                    for &p in offs[start..end].iter().rev() {
                        let (s, m, _) = leaf_entry(&l.data, p);
                        if !f(s, m) {
                            return false;
                        }
                    }
                } else {
                    let mut p = 0;
                    for i in 0..end {
                        let (s, m, next) = leaf_entry(&l.data, p);
                        if i >= start && !f(s, m) {
                            return false;
                        }
                        p = next;
                    }
                }
                true
            }
            Node::Inner(inn) => {
                let mut base = 0;
                let mut spans = Vec::new();
                for (k, &c) in inn.counts.iter().enumerate() {
                    if base < end && base + c > start {
                        spans.push((k, base));
                    }
                    base += c;
                    if base >= end {
                        break;
                    }
                }
                if rev {
                    spans.reverse();
                }
                for (k, b) in spans {
                    if !inn.kids[k].visit(start.saturating_sub(b), end - b, rev, f) {
                        return false;
                    }
                }
                true
            }
        }
    }
}

impl Inner {
    fn small(n: &Node) -> bool {
        match n {
            Node::Leaf(l) => l.n < LEAF_MAX / 4,
            Node::Inner(i) => i.kids.len() < INNER_MAX / 4,
        }
    }

    /// After a removal under `kids[idx]`: drop an empty child, or merge a small one with a
    /// neighbour when both fit in one node.
    fn rebalance(&mut self, idx: usize) {
        if !Self::small(&self.kids[idx]) || self.kids.len() < 2 {
            return;
        }
        if self.counts[idx] == 0 && matches!(self.kids[idx], Node::Leaf(_)) {
            self.kids.remove(idx);
            self.counts.remove(idx);
            self.seps.remove(idx.saturating_sub(1));
            return;
        }
        let l = if idx + 1 < self.kids.len() { idx } else { idx - 1 };
        let r = l + 1;
        let fits = match (&self.kids[l], &self.kids[r]) {
            (Node::Leaf(a), Node::Leaf(b)) => {
                a.n + b.n <= LEAF_MAX * 3 / 4 && a.data.len() + b.data.len() <= LEAF_BYTES
            }
            (Node::Inner(a), Node::Inner(b)) => a.kids.len() + b.kids.len() <= INNER_MAX * 3 / 4,
            _ => false,
        };
        if !fits {
            return;
        }
        let right = self.kids.remove(r);
        let rc = self.counts.remove(r);
        let sep = self.seps.remove(l);
        self.counts[l] += rc;
        match (&mut self.kids[l], right) {
            (Node::Leaf(a), Node::Leaf(b)) => {
                a.data.reserve_exact(b.data.len());
                a.data.extend_from_slice(&b.data);
                a.n += b.n;
            }
            (Node::Inner(a), Node::Inner(b)) => {
                a.seps.push(sep);
                a.seps.extend(b.seps);
                a.kids.extend(b.kids);
                a.counts.extend(b.counts);
            }
            _ => {}
        }
    }
}

/// The large form: member -> score table plus the counted tree.
pub struct ZTree {
    dict: StrTable,
    root: Node,
}

impl Default for ZTree {
    fn default() -> Self {
        Self::new()
    }
}

impl ZTree {
    pub fn new() -> Self {
        ZTree { dict: StrTable::new(), root: Node::Leaf(Leaf { data: Vec::new(), n: 0 }) }
    }

    pub fn len(&self) -> usize {
        self.dict.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dict.is_empty()
    }

    pub fn score(&self, m: &[u8]) -> Option<f64> {
        match table_val(self.dict.get(m)?.value()) {
            LpVal::Int(bits) => Some(f64::from_bits(bits as u64)),
            LpVal::Str(_) => None,
        }
    }

    fn tree_insert(&mut self, s: f64, m: &[u8]) {
        if let Some((sep, right)) = self.root.insert(s, m) {
            let left = std::mem::replace(&mut self.root, Node::Leaf(Leaf { data: Vec::new(), n: 0 }));
            let (lc, rc) = (left.count(), right.count());
            self.root = Node::Inner(Inner { kids: vec![left, right], counts: vec![lc, rc], seps: vec![sep] });
        }
    }

    fn tree_remove(&mut self, s: f64, m: &[u8]) {
        self.root.remove(s, m);
        loop {
            match &mut self.root {
                Node::Inner(i) if i.kids.len() == 1 => {
                    if let Some(k) = i.kids.pop() {
                        self.root = k;
                    }
                }
                _ => break,
            }
        }
    }

    /// Inserts or updates; returns the old score.
    pub fn insert(&mut self, m: &[u8], s: f64) -> Option<f64> {
        let old = self.score(m);
        if let Some(o) = old {
            if o == s {
                return old;
            }
            self.tree_remove(o, m);
        }
        self.dict.set(m, NewVal::Int(s.to_bits() as i64), Expire::Keep);
        self.tree_insert(s, m);
        old
    }

    pub fn remove(&mut self, m: &[u8]) -> Option<f64> {
        let s = self.score(m)?;
        self.dict.remove(m);
        self.dict.try_shrink();
        self.tree_remove(s, m);
        Some(s)
    }

    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<Self>() + self.dict.mem_usage() + self.dict.len() * MALLOC_OVERHEAD + self.root.mem()
    }
}

// ---------------------------------------------------------------------------------------------
// The value type
// ---------------------------------------------------------------------------------------------

pub enum ZSet {
    Listpack(Listpack),
    Tree(Box<ZTree>),
}

impl Default for ZSet {
    fn default() -> Self {
        Self::new()
    }
}

impl ZSet {
    pub fn new() -> Self {
        ZSet::Listpack(Listpack::new())
    }

    /// An empty zset in the form fit for a known size and longest member (for commands that
    /// build a result, e.g. ZUNIONSTORE). ZADD starts from `new()`: redis-server 7.0.15 keeps a
    /// 128-member zset made by one ZADD of 130 pairs (with repeats) as a listpack.
    pub fn with_hint(size: usize, max_member_len: usize, lim: &ZsetLimits) -> Self {
        if size <= lim.max_listpack_entries && max_member_len <= lim.max_listpack_value {
            ZSet::new()
        } else {
            ZSet::Tree(Box::default())
        }
    }

    /// Takes a validated listpack of member, score pairs (RDB load): even length, every score
    /// a number and not NaN, no duplicate member.
    pub fn from_listpack(lp: Listpack) -> Result<ZSet, &'static str> {
        if !lp.len().is_multiple_of(2) {
            return Err("zset listpack with an odd number of elements");
        }
        let mut seen = std::collections::HashSet::new();
        let mut it = lp.iter();
        while let (Some(m), Some(s)) = (it.next(), it.next()) {
            if lp_score(s).is_none() {
                return Err("zset listpack with an invalid score");
            }
            if !seen.insert(m.to_vec()) {
                return Err("zset listpack with a duplicate member");
            }
        }
        Ok(ZSet::Listpack(lp))
    }

    pub fn encoding(&self) -> &'static str {
        match self {
            ZSet::Listpack(_) => "listpack",
            ZSet::Tree(_) => "skiplist",
        }
    }

    pub fn len(&self) -> usize {
        match self {
            ZSet::Listpack(lp) => lp.len() / 2,
            ZSet::Tree(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lp_find(lp: &Listpack, m: &[u8]) -> Option<usize> {
        lp.find(lp.first(), m, 1)
    }

    pub fn score(&self, m: &[u8]) -> Option<f64> {
        match self {
            ZSet::Listpack(lp) => {
                let p = Self::lp_find(lp, m)?;
                lp_score(lp.get(lp.next(p)?))
            }
            ZSet::Tree(t) => t.score(m),
        }
    }

    pub fn contains(&self, m: &[u8]) -> bool {
        self.score(m).is_some()
    }

    /// Converts to the tree form.
    pub fn convert(&mut self) {
        if let ZSet::Listpack(lp) = self {
            let mut t = ZTree::new();
            let mut it = lp.iter();
            while let (Some(m), Some(s)) = (it.next(), it.next()) {
                let m = m.to_vec();
                t.dict.set(&m, NewVal::Int(lp_score(s).unwrap_or(0.0).to_bits() as i64), Expire::Keep);
                t.tree_insert(lp_score(s).unwrap_or(0.0), &m);
            }
            *self = ZSet::Tree(Box::new(t));
        }
    }

    /// Converts back to a listpack when it fits the limits (`zsetConvertToListpackIfNeeded`).
    pub fn shrink_if_small(&mut self, lim: &ZsetLimits) {
        if let ZSet::Tree(t) = self {
            if t.len() > lim.max_listpack_entries {
                return;
            }
            let mut items: Vec<(Vec<u8>, f64)> = Vec::with_capacity(t.len());
            t.root.visit(0, usize::MAX, false, &mut |s, m| {
                items.push((m.to_vec(), s));
                true
            });
            if items.iter().any(|(m, _)| m.len() > lim.max_listpack_value) {
                return;
            }
            let scores: Vec<String> = items.iter().map(|(_, s)| d2string(*s)).collect();
            let lp = Listpack::from_elements(items.iter().zip(&scores).flat_map(|((m, _), s)| [&m[..], s.as_bytes()]));
            *self = ZSet::Listpack(lp);
        }
    }

    fn lp_insert_sorted(lp: &mut Listpack, m: &[u8], s: f64) {
        let mut pos = lp.end();
        let mut p = lp.first();
        while let Some(q) = p {
            let Some(sq) = lp.next(q) else { break };
            let es = lp_score(lp.get(sq)).unwrap_or(0.0);
            let gt = with_bytes(lp.get(q), |em| cmp_key(es, em, s, m) == Ordering::Greater);
            if gt {
                pos = q;
                break;
            }
            p = lp.next(sq);
        }
        // Insert the score first so that `pos` still names the member's slot.
        let score = d2string(s);
        lp.insert(pos, score.as_bytes());
        lp.insert(pos, m);
    }

    /// ZADD of one member: inserts or updates, returning the old score (None when new).
    pub fn insert(&mut self, m: &[u8], s: f64, lim: &ZsetLimits) -> Option<f64> {
        // A stored score never keeps the sign of a zero: redis-server 7.0 answers ZADD -0 with
        // a score of 0 in both encodings (ZUNION without STORE still replies -0).
        let s = if s == 0.0 { 0.0 } else { s };
        if let ZSet::Listpack(lp) = self {
            if let Some(p) = Self::lp_find(lp, m) {
                let old = lp.next(p).and_then(|q| lp_score(lp.get(q)));
                if old != Some(s) {
                    lp.delete_range(p, 2);
                    Self::lp_insert_sorted(lp, m, s);
                }
                return old;
            }
            if lp.len() / 2 + 1 > lim.max_listpack_entries
                || m.len() > lim.max_listpack_value
                || lp.bytes() + m.len() + 64 > LISTPACK_SAFETY
            {
                self.convert();
            } else {
                Self::lp_insert_sorted(lp, m, s);
                return None;
            }
        }
        match self {
            ZSet::Tree(t) => t.insert(m, s),
            ZSet::Listpack(_) => None,
        }
    }

    /// ZREM of one member; returns its score.
    pub fn remove(&mut self, m: &[u8]) -> Option<f64> {
        match self {
            ZSet::Listpack(lp) => {
                let p = Self::lp_find(lp, m)?;
                let s = lp.next(p).and_then(|q| lp_score(lp.get(q)));
                lp.delete_range(p, 2);
                s
            }
            ZSet::Tree(t) => t.remove(m),
        }
    }

    /// How many members come before the first one for which `pred` (monotone: true, then
    /// false in order) is false.
    fn count_before(&self, pred: &dyn Fn(f64, &[u8]) -> bool) -> usize {
        match self {
            ZSet::Listpack(lp) => {
                let mut n = 0;
                let mut it = lp.iter();
                while let (Some(m), Some(s)) = (it.next(), it.next()) {
                    let sc = lp_score(s).unwrap_or(0.0);
                    if !with_bytes(m, |mb| pred(sc, mb)) {
                        break;
                    }
                    n += 1;
                }
                n
            }
            ZSet::Tree(t) => t.root.count_before(pred),
        }
    }

    /// ZRANK (or ZREVRANK when `rev`).
    pub fn rank(&self, m: &[u8], rev: bool) -> Option<usize> {
        let s = self.score(m)?;
        let r = self.count_before(&|es, em| cmp_key(es, em, s, m) == Ordering::Less);
        Some(if rev { self.len() - 1 - r } else { r })
    }

    /// Visits members at forward ranks `start..end` (clipped), in reverse order when `rev`.
    /// `f` returns false to stop early.
    pub fn visit(&self, start: usize, end: usize, rev: bool, mut f: impl FnMut(LpVal<'_>, f64) -> bool) {
        let end = end.min(self.len());
        if start >= end {
            return;
        }
        match self {
            ZSet::Listpack(lp) => {
                let Some(p0) = lp.seek(2 * start as isize) else { return };
                let mut items = Vec::with_capacity(end - start);
                let mut p = Some(p0);
                for _ in start..end {
                    let Some(q) = p else { break };
                    let Some(sq) = lp.next(q) else { break };
                    items.push((lp.get(q), lp_score(lp.get(sq)).unwrap_or(0.0)));
                    p = lp.next(sq);
                }
                if rev {
                    items.reverse();
                }
                for (m, s) in items {
                    if !f(m, s) {
                        return;
                    }
                }
            }
            ZSet::Tree(t) => {
                t.root.visit(start, end, rev, &mut |s, m| f(LpVal::Str(m), s));
            }
        }
    }

    /// ZRANGE by rank with Redis's index rules already applied by the caller: `start..=stop`
    /// counted from the head (or from the tail when `rev`).
    pub fn range_by_rank(&self, start: usize, stop: usize, rev: bool, mut f: impl FnMut(LpVal<'_>, f64)) {
        let n = self.len();
        if start >= n || start > stop {
            return;
        }
        let stop = stop.min(n - 1);
        let (a, b) = if rev { (n - 1 - stop, n - start) } else { (start, stop + 1) };
        self.visit(a, b, rev, |m, s| {
            f(m, s);
            true
        });
    }

    /// Forward ranks `[a, b)` of the members within a score range.
    pub fn score_ranks(&self, min: ScoreBound, max: ScoreBound) -> (usize, usize) {
        let a = match min {
            ScoreBound::Incl(x) => self.count_before(&|s, _| s < x),
            ScoreBound::Excl(x) => self.count_before(&|s, _| s <= x),
        };
        let b = match max {
            ScoreBound::Incl(x) => self.count_before(&|s, _| s <= x),
            ScoreBound::Excl(x) => self.count_before(&|s, _| s < x),
        };
        (a, b.max(a))
    }

    /// Forward ranks `[a, b)` of the members within a lex range (members of equal score).
    pub fn lex_ranks(&self, min: &LexBound, max: &LexBound) -> (usize, usize) {
        let before = |bound: &LexBound, upper: bool| -> usize {
            match bound {
                LexBound::Min => 0,
                LexBound::Max => self.len(),
                LexBound::Incl(x) if upper => self.count_before(&|_, m| m <= &x[..]),
                LexBound::Incl(x) => self.count_before(&|_, m| m < &x[..]),
                LexBound::Excl(x) if upper => self.count_before(&|_, m| m < &x[..]),
                LexBound::Excl(x) => self.count_before(&|_, m| m <= &x[..]),
            }
        };
        let a = before(min, false);
        let b = before(max, true);
        (a, b.max(a))
    }

    /// ZCOUNT.
    pub fn count_in_score(&self, min: ScoreBound, max: ScoreBound) -> usize {
        let (a, b) = self.score_ranks(min, max);
        b - a
    }

    /// ZLEXCOUNT.
    pub fn count_in_lex(&self, min: &LexBound, max: &LexBound) -> usize {
        let (a, b) = self.lex_ranks(min, max);
        b - a
    }

    /// Visits forward ranks `[a, b)` from the start (or the end when `rev`), skipping `offset`,
    /// at most `limit` (None = all): the LIMIT clause of ZRANGE BYSCORE/BYLEX.
    fn visit_limited(
        &self,
        a: usize,
        b: usize,
        rev: bool,
        offset: usize,
        limit: Option<usize>,
        mut f: impl FnMut(LpVal<'_>, f64),
    ) {
        let span = b - a;
        if offset >= span {
            return;
        }
        let take = limit.unwrap_or(usize::MAX).min(span - offset);
        let (x, y) = if rev { (b - offset - take, b - offset) } else { (a + offset, a + offset + take) };
        self.visit(x, y, rev, |m, s| {
            f(m, s);
            true
        });
    }

    /// ZRANGE BYSCORE [REV] [LIMIT offset count]; with `rev` the caller passes (min, max) as
    /// the range's lower and upper ends.
    pub fn range_by_score(
        &self,
        min: ScoreBound,
        max: ScoreBound,
        rev: bool,
        offset: usize,
        limit: Option<usize>,
        f: impl FnMut(LpVal<'_>, f64),
    ) {
        let (a, b) = self.score_ranks(min, max);
        self.visit_limited(a, b, rev, offset, limit, f);
    }

    /// ZRANGE BYLEX [REV] [LIMIT offset count].
    pub fn range_by_lex(
        &self,
        min: &LexBound,
        max: &LexBound,
        rev: bool,
        offset: usize,
        limit: Option<usize>,
        f: impl FnMut(LpVal<'_>, f64),
    ) {
        let (a, b) = self.lex_ranks(min, max);
        self.visit_limited(a, b, rev, offset, limit, f);
    }

    /// Removes forward ranks `[a, b)`; returns how many were removed.
    pub fn remove_ranks(&mut self, a: usize, b: usize) -> usize {
        let b = b.min(self.len());
        if a >= b {
            return 0;
        }
        match self {
            ZSet::Listpack(lp) => {
                if let Some(p) = lp.seek(2 * a as isize) {
                    lp.delete_range(p, 2 * (b - a));
                }
            }
            ZSet::Tree(t) => {
                let mut keys = Vec::with_capacity(b - a);
                t.root.visit(a, b, false, &mut |_, m| {
                    keys.push(m.to_vec());
                    true
                });
                for k in keys {
                    t.remove(&k);
                }
            }
        }
        b - a
    }

    /// ZREMRANGEBYRANK with normalised inclusive indices.
    pub fn remove_range_by_rank(&mut self, start: usize, stop: usize) -> usize {
        self.remove_ranks(start, stop.saturating_add(1))
    }

    pub fn remove_range_by_score(&mut self, min: ScoreBound, max: ScoreBound) -> usize {
        let (a, b) = self.score_ranks(min, max);
        self.remove_ranks(a, b)
    }

    pub fn remove_range_by_lex(&mut self, min: &LexBound, max: &LexBound) -> usize {
        let (a, b) = self.lex_ranks(min, max);
        self.remove_ranks(a, b)
    }

    /// The member at a forward rank.
    pub fn at_rank(&self, r: usize) -> Option<(Vec<u8>, f64)> {
        let mut out = None;
        self.visit(r, r + 1, false, |m, s| {
            out = Some((m.to_vec(), s));
            false
        });
        out
    }

    /// ZPOPMIN (`max` false) or ZPOPMAX of one member.
    pub fn pop(&mut self, max: bool) -> Option<(Vec<u8>, f64)> {
        let n = self.len();
        if n == 0 {
            return None;
        }
        let r = if max { n - 1 } else { 0 };
        let item = self.at_rank(r)?;
        self.remove_ranks(r, r + 1);
        Some(item)
    }

    pub fn random(&self, rng: &mut Rng) -> Option<(Vec<u8>, f64)> {
        let n = self.len();
        if n == 0 { None } else { self.at_rank(rng.below(n as u64) as usize) }
    }

    /// `count` random members that may repeat (ZRANDMEMBER with a negative count).
    pub fn random_with_repeats(&self, count: usize, rng: &mut Rng, mut f: impl FnMut(&[u8], f64)) {
        if self.is_empty() {
            return;
        }
        for _ in 0..count {
            if let Some((m, s)) = self.random(rng) {
                f(&m, s);
            }
        }
    }

    /// `count` distinct random members (all, in order, when count >= len).
    pub fn random_distinct(&self, count: usize, rng: &mut Rng) -> Vec<(Vec<u8>, f64)> {
        let n = self.len();
        let mut out = Vec::with_capacity(count.min(n));
        if count >= n {
            self.visit(0, n, false, |m, s| {
                out.push((m.to_vec(), s));
                true
            });
            return out;
        }
        for r in distinct_indices(n, count, rng) {
            if let Some(x) = self.at_rank(r) {
                out.push(x);
            }
        }
        out
    }

    /// Iterates in order (or reverse), collecting owned pairs.
    pub fn to_vec(&self, rev: bool) -> Vec<(Vec<u8>, f64)> {
        let mut out = Vec::with_capacity(self.len());
        self.visit(0, self.len(), rev, |m, s| {
            out.push((m.to_vec(), s));
            true
        });
        out
    }

    /// ZSCAN step; the listpack form returns everything at once (cursor 0).
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(LpVal<'_>, f64)) -> u64 {
        match self {
            ZSet::Listpack(_) => {
                self.visit(0, self.len(), false, |m, s| {
                    f(m, s);
                    true
                });
                0
            }
            ZSet::Tree(t) => t.dict.scan(cursor, |e| {
                if let LpVal::Int(bits) = table_val(e.value()) {
                    f(LpVal::Str(e.key()), f64::from_bits(bits as u64));
                }
            }),
        }
    }

    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<Self>()
            + match self {
                ZSet::Listpack(lp) => lp.mem_usage(),
                ZSet::Tree(t) => t.mem_usage(),
            }
    }

    pub fn duplicate(&self) -> ZSet {
        match self {
            ZSet::Listpack(lp) => ZSet::Listpack(lp.clone()),
            ZSet::Tree(_) => {
                let mut t = ZTree::new();
                self.visit(0, self.len(), false, |m, s| {
                    with_bytes(m, |mb| t.insert(mb, s));
                    true
                });
                ZSet::Tree(Box::new(t))
            }
        }
    }

    /// The listpack blob of a small zset (None for the tree form).
    pub fn listpack(&self) -> Option<&Listpack> {
        match self {
            ZSet::Listpack(lp) => Some(lp),
            ZSet::Tree(_) => None,
        }
    }
}

/// The encoded size a member would take in a listpack (for callers sizing hints).
pub fn member_lp_size(m: &[u8]) -> usize {
    listpack::encoded_size(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeSet, HashMap};

    #[derive(Clone, Copy, PartialEq, Debug)]
    struct S(f64);
    impl Eq for S {}
    impl PartialOrd for S {
        fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
            Some(self.cmp(o))
        }
    }
    impl Ord for S {
        fn cmp(&self, o: &Self) -> Ordering {
            self.0.partial_cmp(&o.0).unwrap_or(Ordering::Equal)
        }
    }

    struct Model {
        by_member: HashMap<Vec<u8>, f64>,
        order: BTreeSet<(S, Vec<u8>)>,
    }

    impl Model {
        fn insert(&mut self, m: &[u8], s: f64) -> Option<f64> {
            let old = self.by_member.insert(m.to_vec(), s);
            if let Some(o) = old {
                self.order.remove(&(S(o), m.to_vec()));
            }
            self.order.insert((S(s), m.to_vec()));
            old
        }
        fn remove(&mut self, m: &[u8]) -> Option<f64> {
            let o = self.by_member.remove(m)?;
            self.order.remove(&(S(o), m.to_vec()));
            Some(o)
        }
        fn items(&self) -> Vec<(Vec<u8>, f64)> {
            self.order.iter().map(|(s, m)| (m.clone(), s.0)).collect()
        }
    }

    fn in_score(s: f64, min: ScoreBound, max: ScoreBound) -> bool {
        let lo = match min {
            ScoreBound::Incl(x) => s >= x,
            ScoreBound::Excl(x) => s > x,
        };
        let hi = match max {
            ScoreBound::Incl(x) => s <= x,
            ScoreBound::Excl(x) => s < x,
        };
        lo && hi
    }

    fn in_lex(m: &[u8], min: &LexBound, max: &LexBound) -> bool {
        let lo = match min {
            LexBound::Min => true,
            LexBound::Max => false,
            LexBound::Incl(x) => m >= &x[..],
            LexBound::Excl(x) => m > &x[..],
        };
        let hi = match max {
            LexBound::Max => true,
            LexBound::Min => false,
            LexBound::Incl(x) => m <= &x[..],
            LexBound::Excl(x) => m < &x[..],
        };
        lo && hi
    }

    fn rand_bound(rng: &mut Rng) -> ScoreBound {
        let x = match rng.below(10) {
            0 => f64::INFINITY,
            1 => f64::NEG_INFINITY,
            _ => rng.below(40) as f64 / 2.0 - 5.0,
        };
        if rng.below(2) == 0 { ScoreBound::Incl(x) } else { ScoreBound::Excl(x) }
    }

    fn rand_lex(rng: &mut Rng) -> LexBound {
        match rng.below(6) {
            0 => LexBound::Min,
            1 => LexBound::Max,
            2 | 3 => LexBound::Incl(format!("m{}", rng.below(60)).into_bytes()),
            _ => LexBound::Excl(format!("m{}", rng.below(60)).into_bytes()),
        }
    }

    fn check_all(z: &ZSet, md: &Model, rng: &mut Rng) {
        let items = md.items();
        assert_eq!(z.len(), items.len());
        assert_eq!(z.to_vec(false), items);
        let mut rev = items.clone();
        rev.reverse();
        assert_eq!(z.to_vec(true), rev);
        for _ in 0..5 {
            let (min, max) = (rand_bound(rng), rand_bound(rng));
            let want: Vec<_> = items.iter().filter(|(_, s)| in_score(*s, min, max)).cloned().collect();
            assert_eq!(z.count_in_score(min, max), want.len(), "{min:?} {max:?}");
            let off = rng.below(4) as usize;
            let lim = if rng.below(2) == 0 { None } else { Some(rng.below(6) as usize) };
            let mut got = Vec::new();
            z.range_by_score(min, max, false, off, lim, |m, s| got.push((m.to_vec(), s)));
            let exp: Vec<_> = want.iter().skip(off).take(lim.unwrap_or(usize::MAX)).cloned().collect();
            assert_eq!(got, exp);
            let mut got = Vec::new();
            z.range_by_score(min, max, true, off, lim, |m, s| got.push((m.to_vec(), s)));
            let exp: Vec<_> = want.iter().rev().skip(off).take(lim.unwrap_or(usize::MAX)).cloned().collect();
            assert_eq!(got, exp);
        }
        if !items.is_empty() {
            let r = rng.below(items.len() as u64) as usize;
            let (m, s) = &items[r];
            assert_eq!(z.rank(m, false), Some(r));
            assert_eq!(z.rank(m, true), Some(items.len() - 1 - r));
            assert_eq!(z.score(m), Some(*s));
            let a = rng.below(items.len() as u64 + 2) as usize;
            let b = rng.below(items.len() as u64 + 2) as usize;
            let mut got = Vec::new();
            z.range_by_rank(a, b, false, |m, s| got.push((m.to_vec(), s)));
            let exp: Vec<_> = if a <= b { items.iter().skip(a).take(b + 1 - a).cloned().collect() } else { vec![] };
            assert_eq!(got, exp);
            let mut got = Vec::new();
            z.range_by_rank(a, b, true, |m, s| got.push((m.to_vec(), s)));
            let exp: Vec<_> = if a <= b { rev.iter().skip(a).take(b + 1 - a).cloned().collect() } else { vec![] };
            assert_eq!(got, exp);
        }
    }

    #[test]
    fn g17_formatting() {
        assert_eq!(d2string(1.5), "1.5");
        assert_eq!(d2string(0.1), "0.10000000000000001");
        assert_eq!(d2string(1e300), "1.0000000000000001e+300");
        assert_eq!(d2string(3.0), "3");
        assert_eq!(d2string(-2.0), "-2");
        assert_eq!(d2string(1e16), "10000000000000000");
        assert_eq!(d2string(1e17), "1e+17");
        assert_eq!(d2string(1.0e-5), "1.0000000000000001e-05");
        assert_eq!(d2string(0.0001), "0.0001");
        assert_eq!(d2string(f64::INFINITY), "inf");
        assert_eq!(d2string(-0.0), "-0");
    }

    #[test]
    fn listpack_bytes_match_redis() {
        // redis-server 7.0: ZADD z 1.5 a 0.1 b 3 c -2 d 1e300 e, then DUMP (LZF-decoded listpack).
        let mut z = ZSet::new();
        let lim = ZsetLimits::default();
        for (s, m) in [(1.5, "a"), (0.1, "b"), (3.0, "c"), (-2.0, "d"), (1e300, "e")] {
            z.insert(m.as_bytes(), s, &lim);
        }
        let items: Vec<Vec<u8>> = z.listpack().unwrap().iter().map(|v| v.to_vec()).collect();
        let want: Vec<&[u8]> =
            vec![b"d", b"-2", b"b", b"0.10000000000000001", b"a", b"1.5", b"c", b"3", b"e", b"1.0000000000000001e+300"];
        assert_eq!(items, want);
        let b = z.listpack().unwrap().as_bytes();
        assert_eq!(&b[4..13], &[10, 0, 0x81, b'd', 2, 0xdf, 0xfe, 2, 0x81]);
    }

    #[test]
    fn random_ops_against_model_with_conversions() {
        for (seed, entries, value, steps) in
            [(1u64, 128usize, 64usize, 4000), (2, 8, 3, 3000), (3, 0, 0, 6000), (4, 1000, 1000, 2000)]
        {
            let lim = ZsetLimits { max_listpack_entries: entries, max_listpack_value: value };
            let mut rng = Rng::new(seed);
            let mut z = ZSet::new();
            let mut md = Model { by_member: HashMap::new(), order: BTreeSet::new() };
            let mut was_tree = false;
            for step in 0..steps {
                let space = if step % 1000 < 700 { 400 } else { 60 };
                let m = match rng.below(4) {
                    0 => rng.below(space).to_string().into_bytes(),
                    _ => format!("m{}", rng.below(space)).into_bytes(),
                };
                let s = match rng.below(5) {
                    0 => 1.0,
                    1 => f64::INFINITY,
                    2 => rng.below(1000) as f64 / 7.0 - 70.0,
                    _ => rng.below(20) as f64 / 2.0 - 5.0,
                };
                match rng.below(10) {
                    0..=4 => {
                        let conv = z.encoding() == "listpack"
                            && !md.by_member.contains_key(&m)
                            && (md.by_member.len() + 1 > entries || m.len() > value);
                        let was_lp = z.encoding() == "listpack";
                        assert_eq!(z.insert(&m, s, &lim), md.insert(&m, s));
                        if was_lp {
                            assert_eq!(z.encoding() == "skiplist", conv, "step {step}");
                        }
                    }
                    5 | 6 => assert_eq!(z.remove(&m), md.remove(&m)),
                    7 => {
                        let max = rng.below(2) == 0;
                        let got = z.pop(max);
                        let want = if max { md.items().last().cloned() } else { md.items().first().cloned() };
                        assert_eq!(got, want);
                        if let Some((m, _)) = want {
                            md.remove(&m);
                        }
                    }
                    8 => {
                        let (min, max) = (rand_lex(&mut rng), rand_lex(&mut rng));
                        // Lex ranges assume equal scores: test on the members of score 1.
                        let mut eq = ZSet::new();
                        for (m, s) in md.items() {
                            if s == 1.0 {
                                eq.insert(&m, s, &lim);
                            }
                        }
                        let want: Vec<_> =
                            md.items().into_iter().filter(|(m, s)| *s == 1.0 && in_lex(m, &min, &max)).collect();
                        assert_eq!(eq.count_in_lex(&min, &max), want.len());
                        let mut got = Vec::new();
                        eq.range_by_lex(&min, &max, true, 1, Some(3), |m, s| got.push((m.to_vec(), s)));
                        let exp: Vec<_> = want.iter().rev().skip(1).take(3).cloned().collect();
                        assert_eq!(got, exp);
                        if rng.below(4) == 0 {
                            let n = eq.remove_range_by_lex(&min, &max);
                            assert_eq!(n, want.len());
                            assert_eq!(eq.len(), md.items().iter().filter(|(_, s)| *s == 1.0).count() - n);
                        }
                    }
                    _ => {
                        if rng.below(8) == 0 {
                            let (min, max) = (rand_bound(&mut rng), rand_bound(&mut rng));
                            let gone: Vec<_> = md.items().into_iter().filter(|(_, s)| in_score(*s, min, max)).collect();
                            assert_eq!(z.remove_range_by_score(min, max), gone.len());
                            for (m, _) in gone {
                                md.remove(&m);
                            }
                        } else if rng.below(8) == 0 && !md.by_member.is_empty() {
                            let n = md.by_member.len();
                            let a = rng.below(n as u64) as usize;
                            let b = a + rng.below(5) as usize;
                            let gone: Vec<_> = md.items().into_iter().skip(a).take(b + 1 - a).collect();
                            assert_eq!(z.remove_range_by_rank(a, b), gone.len());
                            for (m, _) in gone {
                                md.remove(&m);
                            }
                        } else {
                            check_all(&z, &md, &mut rng);
                        }
                    }
                }
                if z.encoding() == "skiplist" {
                    was_tree = true;
                } else {
                    assert!(!was_tree);
                }
                assert_eq!(z.len(), md.by_member.len());
            }
            check_all(&z, &md, &mut rng);
            assert_eq!(z.duplicate().to_vec(false), md.items());
            let mut scanned = HashMap::new();
            let mut c = 0;
            loop {
                c = z.scan(c, |m, s| {
                    scanned.insert(m.to_vec(), s);
                });
                if c == 0 {
                    break;
                }
            }
            assert_eq!(scanned, md.by_member);
            let r = z.random_distinct(5, &mut rng);
            assert_eq!(r.len(), 5.min(md.by_member.len()));
            for (m, s) in r {
                assert_eq!(md.by_member.get(&m), Some(&s));
            }
            let mut small = z.duplicate();
            small.shrink_if_small(&ZsetLimits { max_listpack_entries: 100000, max_listpack_value: 100000 });
            assert_eq!(small.encoding(), "listpack");
            assert_eq!(small.to_vec(false), md.items());
        }
    }

    #[test]
    fn large_tree_ranks() {
        let lim = ZsetLimits::default();
        let mut z = ZSet::new();
        let n = 50_000;
        for i in 0..n {
            z.insert(format!("m{i:06}").as_bytes(), (i % 1000) as f64, &lim);
        }
        assert_eq!(z.len(), n);
        let mut prev: Option<(Vec<u8>, f64)> = None;
        for r in (0..n).step_by(997) {
            let (m, s) = z.at_rank(r).unwrap();
            assert_eq!(z.rank(&m, false), Some(r));
            if let Some((pm, ps)) = prev {
                assert!(cmp_key(ps, &pm, s, &m) == Ordering::Less);
            }
            prev = Some((m, s));
        }
        assert_eq!(z.count_in_score(ScoreBound::Incl(10.0), ScoreBound::Excl(20.0)), 500);
        for i in (0..n).filter(|i| i % 3 != 0) {
            assert!(z.remove(format!("m{i:06}").as_bytes()).is_some());
        }
        assert_eq!(z.len(), n.div_ceil(3));
        assert_eq!(z.to_vec(false).len(), z.len());
    }
}
