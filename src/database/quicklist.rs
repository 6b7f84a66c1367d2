//! List values: Redis 7.0's quicklist, a sequence of listpack nodes (in a `VecDeque`, so
//! pushes at either end are O(1) and finding a node is a scan over a contiguous array).
//!
//! - `list-max-listpack-size` (`fill`): negative = node byte limit 4/8/16/32/64 KB for -1..-5,
//!   positive = entries per node (with an 8 KB safety limit), as `_quicklistNodeAllowInsert`.
//! - `list-compress-depth`: nodes farther than `depth` from both ends are LZF-compressed
//!   (when that saves at least 8 bytes of a node of 48 bytes or more), and decompressed when
//!   touched.
//! - Elements of `packed_threshold` bytes or more live alone in PLAIN nodes.
//!
//! OBJECT ENCODING of a Redis 7.0 list is always "quicklist" (the listpack list is 7.2's).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::VecDeque;

use crate::database::listpack::{Invalid, Listpack, LpVal};
use crate::util::lzf;

const SIZE_SAFETY_LIMIT: usize = 8192;
const OPTIMIZATION_LEVEL: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
const MIN_COMPRESS_BYTES: usize = 48;
const MIN_COMPRESS_IMPROVE: usize = 8;

/// `list-max-listpack-size`, `list-compress-depth` and the packed threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListLimits {
    pub fill: i32,
    pub compress_depth: usize,
    pub packed_threshold: usize,
}

impl Default for ListLimits {
    fn default() -> Self {
        ListLimits { fill: -2, compress_depth: 0, packed_threshold: 1 << 30 }
    }
}

/// The contents of a node, as RDB stores them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeData {
    Packed(Listpack),
    Plain(Vec<u8>),
    /// LZF bytes of a packed listpack (or of a plain element when `plain`), `raw` bytes long
    /// once decompressed.
    Compressed {
        lzf: Box<[u8]>,
        raw: usize,
        plain: bool,
    },
}

#[derive(Clone, Debug)]
struct QNode {
    data: NodeData,
    count: usize,
    /// Compression was tried on the current contents and did not pay.
    incompressible: bool,
}

/// A read-only view of a node's contents.
pub enum NodeView<'a> {
    Packed(Cow<'a, Listpack>),
    Plain(Cow<'a, [u8]>),
}

thread_local! {
    static LZF: RefCell<Option<lzf::Compressor>> = const { RefCell::new(None) };
}

fn compress(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.len() < MIN_COMPRESS_BYTES {
        return None;
    }
    LZF.with(|c| {
        let mut c = c.borrow_mut();
        let comp = c.get_or_insert_with(lzf::Compressor::new);
        let mut out = Vec::new();
        if comp.compress(raw, &mut out, raw.len() - MIN_COMPRESS_IMPROVE)
            && out.len() + MIN_COMPRESS_IMPROVE < raw.len()
        {
            out.shrink_to_fit();
            Some(out)
        } else {
            None
        }
    })
}

impl QNode {
    fn packed(lp: Listpack) -> QNode {
        QNode { count: lp.len(), data: NodeData::Packed(lp), incompressible: false }
    }

    fn plain(v: Vec<u8>) -> QNode {
        QNode { data: NodeData::Plain(v), count: 1, incompressible: false }
    }

    fn is_plain(&self) -> bool {
        matches!(self.data, NodeData::Plain(_) | NodeData::Compressed { plain: true, .. })
    }

    fn raw_size(&self) -> usize {
        match &self.data {
            NodeData::Packed(lp) => lp.bytes(),
            NodeData::Plain(v) => v.len(),
            NodeData::Compressed { raw, .. } => *raw,
        }
    }

    fn decompress(&mut self) {
        if let NodeData::Compressed { lzf: z, raw, plain } = &self.data {
            let bytes = lzf::decompress(z, *raw).unwrap_or_default();
            self.data = if *plain {
                NodeData::Plain(bytes)
            } else {
                NodeData::Packed(Listpack::from_blob(bytes).unwrap_or_default())
            };
            self.incompressible = false;
        }
    }

    fn compress(&mut self) {
        if self.incompressible || matches!(self.data, NodeData::Compressed { .. }) {
            return;
        }
        let (raw, plain) = match &self.data {
            NodeData::Packed(lp) => (lp.as_bytes(), false),
            NodeData::Plain(v) => (&v[..], true),
            NodeData::Compressed { .. } => return,
        };
        match compress(raw) {
            Some(z) => self.data = NodeData::Compressed { lzf: z.into_boxed_slice(), raw: raw.len(), plain },
            None => self.incompressible = true,
        }
    }

    fn view(&self) -> NodeView<'_> {
        match &self.data {
            NodeData::Packed(lp) => NodeView::Packed(Cow::Borrowed(lp)),
            NodeData::Plain(v) => NodeView::Plain(Cow::Borrowed(v)),
            NodeData::Compressed { lzf: z, raw, plain } => {
                let bytes = lzf::decompress(z, *raw).unwrap_or_default();
                if *plain {
                    NodeView::Plain(Cow::Owned(bytes))
                } else {
                    NodeView::Packed(Cow::Owned(Listpack::from_blob(bytes).unwrap_or_default()))
                }
            }
        }
    }

    /// The listpack of a decompressed packed node.
    fn lp(&mut self) -> Option<&mut Listpack> {
        self.decompress();
        self.incompressible = false;
        match &mut self.data {
            NodeData::Packed(lp) => Some(lp),
            _ => None,
        }
    }

    fn mem(&self) -> usize {
        std::mem::size_of::<QNode>()
            + match &self.data {
                NodeData::Packed(lp) => lp.mem_usage() - std::mem::size_of::<Listpack>(),
                NodeData::Plain(v) => v.capacity(),
                NodeData::Compressed { lzf: z, .. } => z.len(),
            }
    }
}

fn lp_overhead(sz: usize) -> usize {
    (if sz < 254 { 1 } else { 5 })
        + if sz < 64 {
            1
        } else if sz < 16384 {
            2
        } else {
            5
        }
}

/// A list.
#[derive(Clone, Debug)]
pub struct Quicklist {
    nodes: VecDeque<QNode>,
    len: usize,
    lim: ListLimits,
}

impl Default for Quicklist {
    fn default() -> Self {
        Self::new(ListLimits::default())
    }
}

impl Quicklist {
    pub fn new(lim: ListLimits) -> Self {
        Quicklist { nodes: VecDeque::new(), len: 0, lim }
    }

    pub fn encoding(&self) -> &'static str {
        "quicklist"
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }
    pub fn limits(&self) -> ListLimits {
        self.lim
    }
    /// Changes the limits for later operations (DEBUG QUICKLIST-PACKED-THRESHOLD is global in
    /// Redis; fill and depth are fixed per list at creation there, so callers normally change
    /// only the threshold). Existing nodes are left as they are, except for compression.
    pub fn set_limits(&mut self, lim: ListLimits) {
        self.lim = lim;
        for n in self.nodes.iter_mut() {
            n.incompressible = false;
        }
        self.fix_all();
    }
    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.nodes.iter().map(QNode::mem).sum::<usize>()
            + (self.nodes.capacity() - self.nodes.len()) * std::mem::size_of::<QNode>()
    }

    fn size_ok(&self, new_sz: usize, count: usize) -> bool {
        if self.lim.fill < 0 {
            let level = ((-self.lim.fill - 1) as usize).min(OPTIMIZATION_LEVEL.len() - 1);
            new_sz <= OPTIMIZATION_LEVEL[level]
        } else {
            new_sz <= SIZE_SAFETY_LIMIT && count <= self.lim.fill as usize
        }
    }

    fn is_large(&self, sz: usize) -> bool {
        sz >= self.lim.packed_threshold
    }

    fn allow_insert(&self, i: usize, sz: usize) -> bool {
        let Some(n) = self.nodes.get(i) else { return false };
        if n.is_plain() || self.is_large(sz) {
            return false;
        }
        self.size_ok(n.raw_size() + sz + lp_overhead(sz), n.count + 1)
    }

    fn allow_merge(&self, a: usize, b: usize) -> bool {
        let (Some(x), Some(y)) = (self.nodes.get(a), self.nodes.get(b)) else { return false };
        if x.is_plain() || y.is_plain() {
            return false;
        }
        self.size_ok((x.raw_size() + y.raw_size()).saturating_sub(7), x.count + y.count)
    }

    /// Should node `i` be compressed under the depth rule?
    fn wants_compress(&self, i: usize) -> bool {
        let d = self.lim.compress_depth;
        d > 0 && i >= d && i + d < self.nodes.len()
    }

    fn fix(&mut self, i: usize) {
        if i >= self.nodes.len() {
            return;
        }
        if self.wants_compress(i) {
            self.nodes[i].compress();
        } else {
            self.nodes[i].decompress();
        }
    }

    /// Restores the compression rule for the nodes whose position relative to an end may have
    /// changed, plus `around`.
    fn fix_window(&mut self, around: &[usize]) {
        let d = self.lim.compress_depth;
        if d == 0 {
            return;
        }
        let n = self.nodes.len();
        for i in [d.wrapping_sub(1), d, d + 1, n.wrapping_sub(d + 2), n.wrapping_sub(d + 1), n.wrapping_sub(d)] {
            self.fix(i);
        }
        for &i in around {
            for j in [i.wrapping_sub(1), i, i + 1] {
                self.fix(j);
            }
        }
    }

    fn fix_all(&mut self) {
        for i in 0..self.nodes.len() {
            self.fix(i);
        }
    }

    /// Node index and offset inside it of element `i` (< len).
    fn locate(&self, i: usize) -> Option<(usize, usize)> {
        if i >= self.len {
            return None;
        }
        if i < self.len / 2 {
            let mut acc = 0;
            for (k, n) in self.nodes.iter().enumerate() {
                if i < acc + n.count {
                    return Some((k, i - acc));
                }
                acc += n.count;
            }
        } else {
            let mut acc = self.len;
            for (k, n) in self.nodes.iter().enumerate().rev() {
                acc -= n.count;
                if i >= acc {
                    return Some((k, i - acc));
                }
            }
        }
        None
    }

    /// Normalises a Redis index (negative from the tail).
    pub fn norm(&self, i: isize) -> Option<usize> {
        let n = self.len as isize;
        let j = if i < 0 { n + i } else { i };
        if j < 0 || j >= n { None } else { Some(j as usize) }
    }

    /// LPUSH (`head`) / RPUSH of one element.
    pub fn push(&mut self, head: bool, v: &[u8]) {
        let i = if head { 0 } else { self.nodes.len().wrapping_sub(1) };
        if !self.nodes.is_empty() && self.allow_insert(i, v.len()) {
            if let Some(lp) = self.nodes[i].lp() {
                if head { lp.push_front(v) } else { lp.push_back(v) }
            }
            self.nodes[i].count += 1;
        } else {
            // The end node is full: give back its growth slack.
            if let Some(NodeData::Packed(lp)) = self.nodes.get_mut(i).map(|n| &mut n.data) {
                lp.shrink_to_fit();
            }
            let node = if self.is_large(v.len()) {
                QNode::plain(v.to_vec())
            } else {
                QNode::packed(Listpack::from_elements([v]))
            };
            if self.nodes.is_empty() {
                self.nodes.reserve_exact(1);
            }
            if head { self.nodes.push_front(node) } else { self.nodes.push_back(node) }
        }
        self.len += 1;
        let k = if head { 0 } else { self.nodes.len() - 1 };
        self.fix_window(&[k]);
    }

    /// Appends a whole node (RDB load). Compressed nodes are decompressed and validated;
    /// empty listpacks are skipped, as Redis does.
    pub fn append_node(&mut self, data: NodeData) -> Result<(), Invalid> {
        let node = match data {
            NodeData::Packed(lp) => QNode::packed(lp),
            NodeData::Plain(v) => QNode::plain(v),
            NodeData::Compressed { lzf: z, raw, plain } => {
                let bytes = lzf::decompress(&z, raw).map_err(Invalid)?;
                if plain { QNode::plain(bytes) } else { QNode::packed(Listpack::from_blob(bytes)?) }
            }
        };
        if node.count == 0 {
            return Ok(());
        }
        self.len += node.count;
        self.nodes.push_back(node);
        let k = self.nodes.len() - 1;
        self.fix_window(&[k]);
        Ok(())
    }

    /// LPOS: positions of elements equal to `v`, scanning from the head (`rank` > 0) or the
    /// tail (`rank` < 0), skipping the first |rank| - 1 matches, returning at most `count`
    /// (0 = all) and comparing at most `maxlen` elements (0 = all).
    pub fn positions(&self, v: &[u8], rank: i64, count: usize, maxlen: usize) -> Vec<usize> {
        let mut skip = rank.unsigned_abs().saturating_sub(1);
        let rev = rank < 0;
        let limit = if count == 0 { usize::MAX } else { count };
        let budget = if maxlen == 0 { usize::MAX } else { maxlen };
        let mut out = Vec::new();
        let mut seen = 0usize;
        self.range(0, self.len, rev, |x| {
            if seen >= budget {
                return false;
            }
            let idx = if rev { self.len - 1 - seen } else { seen };
            seen += 1;
            if x.eq_bytes(v) {
                if skip > 0 {
                    skip -= 1;
                } else {
                    out.push(idx);
                    if out.len() >= limit {
                        return false;
                    }
                }
            }
            true
        });
        out
    }

    /// Element at node `k`, offset `off`, as owned bytes.
    fn get_at(&self, k: usize, off: usize) -> Option<Vec<u8>> {
        match self.nodes[k].view() {
            NodeView::Packed(lp) => lp.seek(off as isize).map(|p| lp.get(p).to_vec()),
            NodeView::Plain(v) => Some(v.into_owned()),
        }
    }

    /// Removes the element at node `k`, offset `off`; drops the node when it empties.
    fn delete_at(&mut self, k: usize, off: usize) {
        let node = &mut self.nodes[k];
        if node.is_plain() || node.count == 1 {
            self.nodes.remove(k);
        } else {
            if let Some(lp) = node.lp()
                && let Some(p) = lp.seek(off as isize)
            {
                lp.delete(p);
            }
            node.count -= 1;
        }
        self.len -= 1;
        self.fix_window(&[k]);
    }

    /// LPOP (`head`) / RPOP of one element.
    pub fn pop(&mut self, head: bool) -> Option<Vec<u8>> {
        if self.len == 0 {
            return None;
        }
        let k = if head { 0 } else { self.nodes.len() - 1 };
        let off = if head { 0 } else { self.nodes[k].count - 1 };
        let v = self.get_at(k, off)?;
        self.delete_at(k, off);
        Some(v)
    }

    /// LINDEX.
    pub fn index(&self, i: isize) -> Option<Vec<u8>> {
        let (k, off) = self.locate(self.norm(i)?)?;
        self.get_at(k, off)
    }

    /// LSET; false when the index is out of range.
    pub fn set(&mut self, i: isize, v: &[u8]) -> bool {
        let Some(j) = self.norm(i) else { return false };
        let Some((k, off)) = self.locate(j) else { return false };
        let large = self.is_large(v.len());
        let node = &mut self.nodes[k];
        if !node.is_plain() && !large {
            if let Some(lp) = node.lp()
                && let Some(p) = lp.seek(off as isize)
            {
                lp.replace(p, v);
            }
        } else if node.is_plain() && large {
            node.data = NodeData::Plain(v.to_vec());
            node.incompressible = false;
        } else {
            self.delete_at(k, off);
            self.insert_at(j, v);
            return true;
        }
        self.fix_window(&[k]);
        true
    }

    /// Inserts `v` so that it becomes element `j` (0..=len).
    pub fn insert_at(&mut self, j: usize, v: &[u8]) {
        if j == 0 {
            return self.push(true, v);
        }
        if j >= self.len {
            return self.push(false, v);
        }
        // Insert after element j - 1.
        if let Some((k, off)) = self.locate(j - 1) {
            self.insert_near(k, off, v, true);
        }
    }

    /// Redis's `_quicklistInsert`: `v` goes after (or before) the element at node `k`, offset
    /// `off`, into that node if it has room, else into a neighbour with room, else into a new
    /// node (splitting `k` when the position is inside it).
    fn insert_near(&mut self, k: usize, off: usize, v: &[u8], after: bool) {
        let count = self.nodes[k].count;
        let at_tail = off + 1 == count;
        let at_head = off == 0;
        let large = self.is_large(v.len());
        let full = !self.allow_insert(k, v.len());
        let new_node = |ql: &Self| {
            if ql.is_large(v.len()) { QNode::plain(v.to_vec()) } else { QNode::packed(Listpack::from_elements([v])) }
        };
        self.len += 1;
        if !full {
            if let Some(lp) = self.nodes[k].lp()
                && let Some(p) = lp.seek(off as isize)
            {
                let at = if after { lp.next(p).unwrap_or(lp.end()) } else { p };
                lp.insert(at, v);
            }
            self.nodes[k].count += 1;
            self.fix_window(&[k]);
            return;
        }
        if !large && after && at_tail && self.allow_insert(k + 1, v.len()) {
            if let Some(lp) = self.nodes[k + 1].lp() {
                lp.push_front(v);
            }
            self.nodes[k + 1].count += 1;
            self.fix_window(&[k + 1]);
            return;
        }
        if !large && !after && at_head && k > 0 && self.allow_insert(k - 1, v.len()) {
            if let Some(lp) = self.nodes[k - 1].lp() {
                lp.push_back(v);
            }
            self.nodes[k - 1].count += 1;
            self.fix_window(&[k - 1]);
            return;
        }
        if (after && at_tail) || (!after && at_head) || self.nodes[k].is_plain() {
            let at = if after { k + 1 } else { k };
            let n = new_node(self);
            self.nodes.insert(at, n);
            self.fix_window(&[at]);
            return;
        }
        // Split node k: [..split) stays, [split..] moves to a new node after it.
        let split = if after { off + 1 } else { off };
        let Some(lp) = self.nodes[k].lp() else { return };
        let items: Vec<Vec<u8>> = lp.iter().map(|x| x.to_vec()).collect();
        let left = Listpack::from_elements(items[..split].iter().map(|x| &x[..]));
        let right = Listpack::from_elements(items[split..].iter().map(|x| &x[..]));
        self.nodes[k] = QNode::packed(left);
        self.nodes.insert(k + 1, QNode::packed(right));
        if large {
            self.nodes.insert(k + 1, QNode::plain(v.to_vec()));
            self.fix_window(&[k, k + 1, k + 2]);
            return;
        }
        // The new element joins the left part's tail, then neighbours merge where they fit.
        if let Some(lp) = self.nodes[k].lp() {
            lp.push_back(v);
        }
        self.nodes[k].count += 1;
        self.try_merge(k + 1);
        self.try_merge(k);
        if k > 0 {
            self.try_merge(k - 1);
        }
        self.fix_window(&[k, k + 1]);
    }

    /// Merges node `a + 1` into node `a` when the result respects the fill limit.
    fn try_merge(&mut self, a: usize) -> bool {
        if a + 1 >= self.nodes.len() || !self.allow_merge(a, a + 1) {
            return false;
        }
        let Some(mut b) = self.nodes.remove(a + 1) else { return false };
        let extra: Vec<Vec<u8>> = b.lp().map(|lp| lp.iter().map(|x| x.to_vec()).collect()).unwrap_or_default();
        let n = extra.len();
        if let Some(lp) = self.nodes[a].lp() {
            let mut all: Vec<Vec<u8>> = lp.iter().map(|x| x.to_vec()).collect();
            all.extend(extra);
            *lp = Listpack::from_elements(all.iter().map(|x| &x[..]));
        }
        self.nodes[a].count += n;
        true
    }

    /// LINSERT: inserts `v` before/after the first element equal to `pivot`. Returns false
    /// when the pivot is absent.
    pub fn insert_pivot(&mut self, pivot: &[u8], v: &[u8], after: bool) -> bool {
        for k in 0..self.nodes.len() {
            let found = match self.nodes[k].view() {
                NodeView::Packed(lp) => lp.iter().position(|x| x.eq_bytes(pivot)),
                NodeView::Plain(p) => (p.as_ref() == pivot).then_some(0),
            };
            if let Some(off) = found {
                self.insert_near(k, off, v, after);
                return true;
            }
        }
        false
    }

    /// LREM: removes up to |count| elements equal to `v` from the head (count > 0), the tail
    /// (count < 0) or all (0). Returns how many were removed.
    pub fn remove_value(&mut self, v: &[u8], count: isize) -> usize {
        let limit = if count == 0 { usize::MAX } else { count.unsigned_abs() };
        let from_tail = count < 0;
        let mut removed = 0;
        let order: Vec<usize> =
            if from_tail { (0..self.nodes.len()).rev().collect() } else { (0..self.nodes.len()).collect() };
        let mut emptied = Vec::new();
        for k in order {
            if removed >= limit {
                break;
            }
            let mut hits: Vec<usize> = match self.nodes[k].view() {
                NodeView::Packed(lp) => lp.iter().enumerate().filter(|(_, x)| x.eq_bytes(v)).map(|(i, _)| i).collect(),
                NodeView::Plain(p) => {
                    if p.as_ref() == v {
                        vec![0]
                    } else {
                        vec![]
                    }
                }
            };
            if from_tail {
                hits.reverse();
            }
            hits.truncate(limit - removed);
            if hits.is_empty() {
                continue;
            }
            removed += hits.len();
            let node = &mut self.nodes[k];
            if hits.len() == node.count {
                emptied.push(k);
            } else if let Some(lp) = node.lp() {
                hits.sort_unstable();
                for &i in hits.iter().rev() {
                    if let Some(p) = lp.seek(i as isize) {
                        lp.delete(p);
                    }
                }
                node.count -= hits.len();
            }
        }
        emptied.sort_unstable();
        for &k in emptied.iter().rev() {
            self.nodes.remove(k);
        }
        self.len -= removed;
        self.fix_all();
        removed
    }

    /// Deletes `count` elements starting at element `start`.
    pub fn delete_range(&mut self, start: usize, count: usize) {
        let end = start.saturating_add(count).min(self.len);
        if start >= end {
            return;
        }
        let mut acc = 0;
        let mut k = 0;
        while k < self.nodes.len() && acc < end {
            let c = self.nodes[k].count;
            let (a, b) = (start.max(acc), end.min(acc + c));
            if a >= b {
                acc += c;
                k += 1;
                continue;
            }
            if a == acc && b == acc + c {
                self.nodes.remove(k);
                self.len -= c;
                acc += c;
                continue;
            }
            if let Some(lp) = self.nodes[k].lp()
                && let Some(p) = lp.seek((a - acc) as isize)
            {
                lp.delete_range(p, b - a);
            }
            self.nodes[k].count -= b - a;
            self.len -= b - a;
            acc += c;
            k += 1;
        }
        self.fix_all();
    }

    /// LTRIM with normalised bounds: keeps elements `start..end`.
    pub fn trim(&mut self, start: usize, end: usize) {
        let end = end.min(self.len);
        if start >= end {
            self.nodes.clear();
            self.len = 0;
            return;
        }
        self.delete_range(end, self.len - end);
        self.delete_range(0, start);
    }

    /// Visits elements `start..end` (clipped) forwards, or backwards from `end - 1` when `rev`.
    /// `f` returns false to stop.
    pub fn range(&self, start: usize, end: usize, rev: bool, mut f: impl FnMut(LpVal<'_>) -> bool) {
        let end = end.min(self.len);
        if start >= end {
            return;
        }
        let mut spans = Vec::new();
        let mut acc = 0;
        for (k, n) in self.nodes.iter().enumerate() {
            let (a, b) = (start.max(acc), end.min(acc + n.count));
            if a < b {
                spans.push((k, a - acc, b - acc));
            }
            acc += n.count;
            if acc >= end {
                break;
            }
        }
        if rev {
            spans.reverse();
        }
        for (k, a, b) in spans {
            match self.nodes[k].view() {
                NodeView::Plain(p) => {
                    if !f(LpVal::Str(&p)) {
                        return;
                    }
                }
                NodeView::Packed(lp) => {
                    if rev {
                        let mut p = lp.seek(b as isize - 1);
                        for _ in a..b {
                            let Some(q) = p else { break };
                            if !f(lp.get(q)) {
                                return;
                            }
                            p = lp.prev(q);
                        }
                    } else {
                        let mut p = lp.seek(a as isize);
                        for _ in a..b {
                            let Some(q) = p else { break };
                            if !f(lp.get(q)) {
                                return;
                            }
                            p = lp.next(q);
                        }
                    }
                }
            }
        }
    }

    /// All elements as owned bytes, in order (or reversed).
    pub fn to_vec(&self, rev: bool) -> Vec<Vec<u8>> {
        let mut out = Vec::with_capacity(self.len);
        self.range(0, self.len, rev, |v| {
            out.push(v.to_vec());
            true
        });
        out
    }

    /// The nodes as RDB saves them: packed listpack blobs, plain elements, or LZF data of
    /// compressed nodes (saved as LZF strings without recompressing).
    pub fn nodes(&self) -> impl Iterator<Item = &NodeData> {
        self.nodes.iter().map(|n| &n.data)
    }

    pub fn duplicate(&self) -> Quicklist {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::table::Rng;

    fn rand_val(rng: &mut Rng, big: bool) -> Vec<u8> {
        match rng.below(6) {
            0 => rng.below(1000).to_string().into_bytes(),
            1 if big => vec![b'B'; 300 + rng.below(400) as usize],
            2 => format!("v{}", rng.below(20)).into_bytes(),
            _ => format!("value-{}", rng.below(100000)).repeat(1 + rng.below(3) as usize).into_bytes(),
        }
    }

    fn check_invariants(q: &Quicklist) {
        assert_eq!(q.nodes.iter().map(|n| n.count).sum::<usize>(), q.len);
        for (i, n) in q.nodes.iter().enumerate() {
            assert!(n.count > 0);
            match &n.data {
                NodeData::Packed(lp) => {
                    assert_eq!(lp.len(), n.count);
                    assert!(!q.wants_compress(i) || n.incompressible, "node {i} should be compressed");
                }
                NodeData::Plain(_) => assert!(!q.wants_compress(i) || n.incompressible),
                NodeData::Compressed { .. } => assert!(q.wants_compress(i), "node {i} should not be compressed"),
            }
            if !n.is_plain() && q.lim.fill < 0 && n.count > 1 {
                let level = OPTIMIZATION_LEVEL[((-q.lim.fill - 1) as usize).min(4)];
                assert!(n.raw_size() <= level + 64, "node {i} is {} bytes", n.raw_size());
            }
            if !n.is_plain() && q.lim.fill > 0 {
                assert!(n.count <= q.lim.fill as usize);
            }
        }
    }

    #[test]
    fn random_ops_against_vecdeque() {
        let configs = [
            ListLimits { fill: -2, compress_depth: 0, packed_threshold: 1 << 30 },
            ListLimits { fill: 4, compress_depth: 1, packed_threshold: 1 << 30 },
            ListLimits { fill: -1, compress_depth: 2, packed_threshold: 200 },
            ListLimits { fill: 1, compress_depth: 1, packed_threshold: 100 },
            ListLimits { fill: 16, compress_depth: 3, packed_threshold: 500 },
        ];
        for (seed, lim) in configs.into_iter().enumerate() {
            let mut rng = Rng::new(seed as u64 + 10);
            let mut q = Quicklist::new(lim);
            let mut m: VecDeque<Vec<u8>> = VecDeque::new();
            for step in 0..5000 {
                let big = rng.below(10) == 0;
                match rng.below(12) {
                    0..=2 => {
                        let v = rand_val(&mut rng, big);
                        let head = rng.below(2) == 0;
                        q.push(head, &v);
                        if head { m.push_front(v) } else { m.push_back(v) }
                    }
                    3 => {
                        let head = rng.below(2) == 0;
                        let want = if head { m.pop_front() } else { m.pop_back() };
                        assert_eq!(q.pop(head), want);
                    }
                    4 => {
                        let i = rng.below(m.len() as u64 * 2 + 2) as isize - m.len() as isize - 1;
                        let want = if i < 0 {
                            m.len().checked_sub(i.unsigned_abs())
                        } else {
                            Some(i as usize).filter(|&j| j < m.len())
                        };
                        assert_eq!(q.index(i), want.map(|j| m[j].clone()));
                    }
                    5 => {
                        let v = rand_val(&mut rng, big);
                        let i = rng.below(m.len() as u64 + 1) as isize;
                        let ok = q.set(i, &v);
                        assert_eq!(ok, (i as usize) < m.len());
                        if ok {
                            m[i as usize] = v;
                        }
                    }
                    6 | 7 => {
                        let v = rand_val(&mut rng, big);
                        let pivot = rand_val(&mut rng, false);
                        let after = rng.below(2) == 0;
                        let pos = m.iter().position(|x| *x == pivot);
                        assert_eq!(q.insert_pivot(&pivot, &v, after), pos.is_some());
                        if let Some(p) = pos {
                            m.insert(if after { p + 1 } else { p }, v);
                        } else if !m.is_empty() {
                            let j = rng.below(m.len() as u64 + 1) as usize;
                            q.insert_at(j, &v);
                            m.insert(j, v);
                        }
                    }
                    8 => {
                        let v = rand_val(&mut rng, false);
                        let count = rng.below(5) as isize - 2;
                        let mut want = 0;
                        let limit = if count == 0 { usize::MAX } else { count.unsigned_abs() };
                        if count >= 0 {
                            let mut i = 0;
                            while i < m.len() {
                                if m[i] == v && want < limit {
                                    m.remove(i);
                                    want += 1;
                                } else {
                                    i += 1;
                                }
                            }
                        } else {
                            let mut i = m.len();
                            while i > 0 {
                                i -= 1;
                                if m[i] == v && want < limit {
                                    m.remove(i);
                                    want += 1;
                                }
                            }
                        }
                        assert_eq!(q.remove_value(&v, count), want);
                    }
                    9 if step % 50 == 0 => {
                        let a = rng.below(5) as usize;
                        let b = m.len().saturating_sub(rng.below(5) as usize);
                        q.trim(a, b);
                        let keep: VecDeque<_> = m.iter().skip(a).take(b.saturating_sub(a)).cloned().collect();
                        m = keep;
                    }
                    _ => {
                        let a = rng.below(m.len() as u64 + 1) as usize;
                        let b = a + rng.below(40) as usize;
                        let rev = rng.below(2) == 0;
                        let mut got = Vec::new();
                        q.range(a, b, rev, |v| {
                            got.push(v.to_vec());
                            true
                        });
                        let mut want: Vec<_> = m.iter().skip(a).take(b - a).cloned().collect();
                        if rev {
                            want.reverse();
                        }
                        assert_eq!(got, want, "step {step}");
                        let v = rand_val(&mut rng, false);
                        let rank = [1i64, 2, -1, -2][rng.below(4) as usize];
                        let count = rng.below(3) as usize;
                        let maxlen = [0usize, 5, 50][rng.below(3) as usize];
                        let mut idx: Vec<usize> = (0..m.len()).collect();
                        if rank < 0 {
                            idx.reverse();
                        }
                        let budget = if maxlen == 0 { idx.len() } else { maxlen.min(idx.len()) };
                        let hits: Vec<usize> = idx[..budget]
                            .iter()
                            .copied()
                            .filter(|&i| m[i] == v)
                            .skip(rank.unsigned_abs() as usize - 1)
                            .take(if count == 0 { usize::MAX } else { count })
                            .collect();
                        assert_eq!(q.positions(&v, rank, count, maxlen), hits);
                    }
                }
                assert_eq!(q.len(), m.len(), "step {step}");
                if step % 97 == 0 {
                    check_invariants(&q);
                }
            }
            check_invariants(&q);
            assert_eq!(q.to_vec(false), m.iter().cloned().collect::<Vec<_>>());
            let mut r = q.to_vec(true);
            r.reverse();
            assert_eq!(r, m.iter().cloned().collect::<Vec<_>>());
            let mut copy = Quicklist::new(lim);
            for n in q.nodes() {
                copy.append_node(n.clone()).unwrap();
            }
            assert_eq!(copy.to_vec(false), q.to_vec(false));
        }
    }

    #[test]
    fn fill_and_compression() {
        let mut q = Quicklist::new(ListLimits { fill: 128, compress_depth: 1, packed_threshold: 1 << 30 });
        for i in 0..1000 {
            q.push(false, format!("element-{i}").as_bytes());
        }
        assert_eq!(q.node_count(), 8);
        let compressed = q.nodes().filter(|n| matches!(n, NodeData::Compressed { .. })).count();
        assert_eq!(compressed, 6);
        assert_eq!(q.index(500), Some(b"element-500".to_vec()));
        let mut q = Quicklist::new(ListLimits { fill: -2, compress_depth: 0, packed_threshold: 10 });
        q.push(false, b"small");
        q.push(false, b"this one is large");
        q.push(false, b"small2");
        assert_eq!(q.node_count(), 3);
        assert!(matches!(q.nodes().nth(1), Some(NodeData::Plain(_))));
        assert_eq!(q.to_vec(false), vec![b"small".to_vec(), b"this one is large".to_vec(), b"small2".to_vec()]);
        let mut q = Quicklist::new(ListLimits::default());
        for _ in 0..1000 {
            q.push(true, &[b'x'; 100]);
        }
        // 8 KB nodes of ~102-byte entries.
        assert!(q.nodes().all(|n| matches!(n, NodeData::Packed(lp) if lp.bytes() <= 8192)));
        assert_eq!(q.node_count(), 13);
    }
}
