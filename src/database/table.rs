//! The keyspace of one database: a chained hash table from byte-string keys to values, modelled on
//! Redis's `dict` (power-of-two bucket arrays, incremental rehashing, reverse-binary SCAN cursor).
//!
//! Memory layout. A bucket slot is one nullable pointer (8 bytes). Every entry is a single heap
//! allocation (alignment 8) laid out as
//!
//! ```text
//! 0      next: Option<NonNull<u8>>          (8 bytes, aligned)
//! 8      tag byte: bits 0..2 = type (str / int / obj), bit 2 = has expiry
//! 9..    varint key length, then (strings only) varint string length
//!        [expire: i64 absolute unix ms, volatile index: u64]   (only when the expiry bit is set)
//!        key bytes
//!        payload: string bytes | i64 | `*mut O` from `Box::into_raw`
//! ```
//!
//! Everything after `next` is byte-packed and accessed with unaligned reads/writes, so a 12-byte key
//! with a 10-byte string costs 8 + 3 + 12 + 10 = 33 requested bytes, a 48-byte glibc chunk.
//!
//! Module invariant used by every `// SAFETY:` comment below: an [`Entry`] value only ever points to
//! a live allocation made by [`Entry::create`], fully initialised according to the layout above, and
//! owned by exactly one table (reachable from exactly one bucket chain, and from `volatile` at the
//! index stored in the entry iff its expiry bit is set). Entries are freed only through
//! [`Entry::free`] after being unlinked from both.

use std::alloc::{self, Layout};
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::marker::PhantomData;
use std::mem;
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

// ---------------------------------------------------------------------------------------------
// Public value types
// ---------------------------------------------------------------------------------------------

/// A borrowed view of a stored value.
pub enum Val<'a, O> {
    Str(&'a [u8]),
    Int(i64),
    Obj(&'a O),
}

impl<O> Clone for Val<'_, O> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<O> Copy for Val<'_, O> {}

impl<O: fmt::Debug> fmt::Debug for Val<'_, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::Str(s) => f.debug_tuple("Str").field(&String::from_utf8_lossy(s)).finish(),
            Val::Int(i) => f.debug_tuple("Int").field(i).finish(),
            Val::Obj(o) => f.debug_tuple("Obj").field(o).finish(),
        }
    }
}

/// A value to store.
#[derive(Debug)]
pub enum NewVal<'a, O> {
    Str(&'a [u8]),
    Int(i64),
    Obj(Box<O>),
}

/// A value removed from the table.
#[derive(Debug)]
pub enum OwnedVal<O> {
    Str(Vec<u8>),
    Int(i64),
    Obj(Box<O>),
}

/// What `set` does with the key's time to live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expire {
    /// Remove any expiry.
    Clear,
    /// Keep the existing expiry (none for a new key).
    Keep,
    /// Expire at this absolute unix time in milliseconds.
    At(i64),
}

/// What a lookup does with a key whose time to live has passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnExpired {
    /// Remove it (a master, or a server that replicates nobody).
    Delete,
    /// Report it missing but keep it (a replica: its master's DEL removes it).
    Hide,
    /// Treat it as live (a replica applying its master's stream).
    Keep,
}

/// The outcome of `Table::lookup`.
pub enum Lookup<'a, O> {
    Live(EntryRef<'a, O>),
    /// The key existed but its time had passed (it was removed or hidden, per `OnExpired`).
    Expired,
    Missing,
}

/// A borrowed entry of the table.
pub struct EntryRef<'a, O> {
    e: Entry,
    _m: PhantomData<&'a O>,
}

impl<O> Clone for EntryRef<'_, O> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<O> Copy for EntryRef<'_, O> {}

// SAFETY: an `EntryRef<'a, O>` is equivalent to `(&'a [u8], &'a O, i64)` borrowed from a table that
// cannot be mutated during `'a`; sharing or sending it is sound exactly when `&O` may be shared.
unsafe impl<O: Sync> Send for EntryRef<'_, O> {}
// SAFETY: see the `Send` impl above.
unsafe impl<O: Sync> Sync for EntryRef<'_, O> {}

impl<'a, O> EntryRef<'a, O> {
    fn new(e: Entry) -> Self {
        EntryRef { e, _m: PhantomData }
    }

    /// The key bytes.
    pub fn key(&self) -> &'a [u8] {
        self.e.key()
    }

    /// The value.
    pub fn value(&self) -> Val<'a, O> {
        self.e.value()
    }

    /// The absolute expiry time in unix milliseconds, if any.
    pub fn expire(&self) -> Option<i64> {
        self.e.expire()
    }
}

impl<O: fmt::Debug> fmt::Debug for EntryRef<'_, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntryRef")
            .field("key", &String::from_utf8_lossy(self.key()))
            .field("value", &self.value())
            .field("expire", &self.expire())
            .finish()
    }
}

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

/// Some entropy from std only: a randomly keyed SipHash over the time, a stack address and a counter.
fn entropy() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    h.write_u128(nanos);
    let local = 0u8;
    h.write_usize(ptr::addr_of!(local).addr());
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.finish()
}

/// Small fast PRNG (splitmix64).
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    pub fn from_entropy() -> Self {
        Rng::new(entropy())
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform-ish value in `0..n` (multiply-shift); returns 0 when `n == 0`.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

// ---------------------------------------------------------------------------------------------
// Hashing
// ---------------------------------------------------------------------------------------------

const P0: u64 = 0xa076_1d64_78bd_642f;
const P1: u64 = 0xe703_7ed1_a0b4_28db;
const P2: u64 = 0x8ebc_6af0_9c88_c6e3;

#[inline]
fn fold_mul(a: u64, b: u64) -> u64 {
    let r = u128::from(a) * u128::from(b);
    (r as u64) ^ ((r >> 64) as u64)
}

#[inline]
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Little-endian load of up to 8 bytes, zero padded.
#[inline]
fn load(b: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    let n = b.len().min(8);
    buf[..n].copy_from_slice(&b[..n]);
    u64::from_le_bytes(buf)
}

/// wyhash-like: 16 bytes per folded 64x64->128 multiply with secret keys, then an fmix64 avalanche
/// (keys often differ only in their last bytes and the bucket index takes the low bits).
fn hash_bytes(k0: u64, k1: u64, key: &[u8]) -> u64 {
    let mut h = k0 ^ (key.len() as u64).wrapping_mul(P0);
    let mut chunks = key.chunks_exact(16);
    for c in &mut chunks {
        h = fold_mul(load(&c[..8]) ^ k1, load(&c[8..]) ^ h ^ P1);
    }
    let rem = chunks.remainder();
    let (a, b) = if rem.len() > 8 { (load(&rem[..8]), load(&rem[8..])) } else { (load(rem), 0) };
    h = fold_mul(a ^ k1 ^ P2, b ^ h ^ P1);
    fmix64(h ^ k0)
}

// ---------------------------------------------------------------------------------------------
// Entry encoding
// ---------------------------------------------------------------------------------------------

type Slot = Option<NonNull<u8>>;

const TAG_STR: u8 = 0;
const TAG_INT: u8 = 1;
const TAG_OBJ: u8 = 2;
const TYPE_MASK: u8 = 3;
const HAS_EXPIRE: u8 = 4;

const NEXT_SIZE: usize = mem::size_of::<Slot>();
const ENTRY_ALIGN: usize = mem::align_of::<Slot>();
/// Expire time (i64) + index into `volatile` (u64).
const EXPIRE_SIZE: usize = 16;
/// Payload of Int (i64) and Obj (pointer) entries.
const WORD: usize = 8;
const _: () = assert!(mem::size_of::<usize>() == WORD && mem::size_of::<Slot>() == WORD);
/// Maximum header: tag + two 10-byte varints.
const MAX_HEADER: usize = 21;
const MIN_BUCKETS: usize = 4;

fn varint_len(v: usize) -> usize {
    let bits = usize::BITS - (v | 1).leading_zeros();
    (bits as usize).div_ceil(7)
}

fn put_varint(buf: &mut [u8; MAX_HEADER], pos: &mut usize, mut v: usize) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            buf[*pos] = b;
            *pos += 1;
            return;
        }
        buf[*pos] = b | 0x80;
        *pos += 1;
    }
}

/// Unreachable in practice: an entry's parts are a key and a value that are already in memory,
/// so their sizes cannot add up past `isize::MAX` on a 64-bit address space. Kept as a panic
/// (caught by the dispatcher and answered with an error) rather than an unchecked overflow.
#[cold]
fn capacity_overflow() -> ! {
    panic!("table entry size overflow")
}

/// A value being written into an entry; `Obj` carries an owned box as a raw pointer.
enum RawVal<'a, O> {
    Str(&'a [u8]),
    Int(i64),
    Obj(NonNull<O>),
}

/// Size/layout of an entry computed from what it will hold.
fn entry_layout(key_len: usize, tag: u8, str_len: usize, expire: bool) -> Layout {
    let mut fixed = NEXT_SIZE + 1 + varint_len(key_len);
    let payload = if tag == TAG_STR {
        fixed += varint_len(str_len);
        str_len
    } else {
        WORD
    };
    if expire {
        fixed += EXPIRE_SIZE;
    }
    let size = fixed.checked_add(key_len).and_then(|s| s.checked_add(payload)).unwrap_or_else(|| capacity_overflow());
    match Layout::from_size_align(size, ENTRY_ALIGN) {
        Ok(l) => l,
        Err(_) => capacity_overflow(),
    }
}

fn layout_for<O>(key_len: usize, val: &RawVal<'_, O>, expire: bool) -> Layout {
    match val {
        RawVal::Str(s) => entry_layout(key_len, TAG_STR, s.len(), expire),
        RawVal::Int(_) => entry_layout(key_len, TAG_INT, 0, expire),
        RawVal::Obj(_) => entry_layout(key_len, TAG_OBJ, 0, expire),
    }
}

/// Decoded header of an entry.
#[derive(Clone, Copy)]
struct Hdr {
    tag: u8,
    expire: bool,
    key_len: usize,
    str_len: usize,
    /// Offset of the expire time (meaningful only when `expire`).
    exp_off: usize,
    key_off: usize,
    val_off: usize,
}

impl Hdr {
    fn layout(&self) -> Layout {
        entry_layout(self.key_len, self.tag, self.str_len, self.expire)
    }
}

/// Pointer to a live entry (see the module invariant at the top of the file).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Entry(NonNull<u8>);

impl Entry {
    /// Allocates and fully initialises an entry (`next` = None, volatile index 0).
    fn create<O>(key: &[u8], val: &RawVal<'_, O>, exp: Option<i64>) -> Entry {
        let layout = layout_for(key.len(), val, exp.is_some());
        // SAFETY: the layout's size is at least NEXT_SIZE + 1 + 1 > 0.
        let p = unsafe { alloc::alloc(layout) };
        let Some(p) = NonNull::new(p) else { alloc::handle_alloc_error(layout) };
        let e = Entry(p);
        e.set_next(None);
        e.write_body(key, val, exp, 0);
        e
    }

    /// Frees the allocation (not the Obj box it may point to).
    ///
    /// # Safety
    /// `layout` must be this entry's layout, the entry must be unlinked from every chain and from
    /// `volatile`, and no copy of this `Entry` (nor borrowed slice of it) may be used afterwards.
    unsafe fn free(self, layout: Layout) {
        // SAFETY: per the caller contract, the pointer came from `alloc::alloc(layout)`.
        unsafe { alloc::dealloc(self.0.as_ptr(), layout) }
    }

    fn next(self) -> Slot {
        // SAFETY: offset 0 of a live entry holds an initialised `Slot`; the allocation's alignment is
        // ENTRY_ALIGN = align_of::<Slot>().
        unsafe { ptr::read(self.0.as_ptr().cast::<Slot>()) }
    }

    fn set_next(self, s: Slot) {
        // SAFETY: as in `next`; the table has exclusive access to the entries it owns.
        unsafe { ptr::write(self.0.as_ptr().cast::<Slot>(), s) }
    }

    fn byte(self, off: usize) -> u8 {
        // SAFETY: callers only read header offsets, which lie inside the initialised allocation.
        unsafe { *self.0.as_ptr().add(off) }
    }

    fn read<T: Copy>(self, off: usize) -> T {
        // SAFETY: callers pass an offset computed from the decoded header at which an initialised
        // `T` was written with `write`; `read_unaligned` has no alignment requirement.
        unsafe { ptr::read_unaligned(self.0.as_ptr().add(off).cast::<T>()) }
    }

    fn write<T>(self, off: usize, v: T) {
        // SAFETY: callers pass an offset computed from the same layout arithmetic used to size the
        // allocation, so `off + size_of::<T>()` is in bounds; no alignment is required.
        unsafe { ptr::write_unaligned(self.0.as_ptr().add(off).cast::<T>(), v) }
    }

    fn put(self, off: usize, b: &[u8]) {
        // SAFETY: `off + b.len()` is within the allocation (same layout arithmetic as `write`); the
        // source is never this entry's own memory (callers copy from a caller slice or another entry).
        unsafe { ptr::copy_nonoverlapping(b.as_ptr(), self.0.as_ptr().add(off), b.len()) }
    }

    fn slice<'a>(self, off: usize, len: usize) -> &'a [u8] {
        // SAFETY: `off..off+len` is an initialised region of the live entry; the caller ties `'a` to a
        // borrow of the owning table, which cannot free or mutate the entry while it lasts.
        unsafe { std::slice::from_raw_parts(self.0.as_ptr().add(off), len) }
    }

    fn varint(self, off: &mut usize) -> usize {
        let mut v = 0usize;
        let mut shift = 0;
        loop {
            let b = self.byte(*off);
            *off += 1;
            v |= usize::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return v;
            }
            shift += 7;
        }
    }

    fn hdr(self) -> Hdr {
        let tag_byte = self.byte(NEXT_SIZE);
        let tag = tag_byte & TYPE_MASK;
        let expire = tag_byte & HAS_EXPIRE != 0;
        let mut off = NEXT_SIZE + 1;
        let key_len = self.varint(&mut off);
        let str_len = if tag == TAG_STR { self.varint(&mut off) } else { 0 };
        let exp_off = off;
        if expire {
            off += EXPIRE_SIZE;
        }
        Hdr { tag, expire, key_len, str_len, exp_off, key_off: off, val_off: off + key_len }
    }

    fn layout(self) -> Layout {
        self.hdr().layout()
    }

    /// Writes everything but `next`. The allocation must have `layout_for(key.len(), val, exp)`.
    fn write_body<O>(self, key: &[u8], val: &RawVal<'_, O>, exp: Option<i64>, vidx: usize) {
        let mut hdr = [0u8; MAX_HEADER];
        let tag = match val {
            RawVal::Str(_) => TAG_STR,
            RawVal::Int(_) => TAG_INT,
            RawVal::Obj(_) => TAG_OBJ,
        };
        hdr[0] = tag | if exp.is_some() { HAS_EXPIRE } else { 0 };
        let mut n = 1;
        put_varint(&mut hdr, &mut n, key.len());
        if let RawVal::Str(s) = val {
            put_varint(&mut hdr, &mut n, s.len());
        }
        self.put(NEXT_SIZE, &hdr[..n]);
        let mut off = NEXT_SIZE + n;
        if let Some(t) = exp {
            self.write::<i64>(off, t);
            self.write::<u64>(off + 8, vidx as u64);
            off += EXPIRE_SIZE;
        }
        self.put(off, key);
        off += key.len();
        match val {
            RawVal::Str(s) => self.put(off, s),
            RawVal::Int(i) => self.write::<i64>(off, *i),
            RawVal::Obj(p) => self.write::<*mut O>(off, p.as_ptr()),
        }
    }

    fn key<'a>(self) -> &'a [u8] {
        let h = self.hdr();
        self.slice(h.key_off, h.key_len)
    }

    fn has_expire(self) -> bool {
        self.byte(NEXT_SIZE) & HAS_EXPIRE != 0
    }

    fn expire(self) -> Option<i64> {
        let h = self.hdr();
        h.expire.then(|| self.read::<i64>(h.exp_off))
    }

    fn set_expire_time(self, t: i64) {
        let h = self.hdr();
        debug_assert!(h.expire);
        self.write::<i64>(h.exp_off, t);
    }

    fn vidx(self) -> usize {
        let h = self.hdr();
        debug_assert!(h.expire);
        self.read::<u64>(h.exp_off + 8) as usize
    }

    fn set_vidx(self, i: usize) {
        let h = self.hdr();
        debug_assert!(h.expire);
        self.write::<u64>(h.exp_off + 8, i as u64);
    }

    fn obj<O>(self) -> Option<NonNull<O>> {
        let h = self.hdr();
        if h.tag == TAG_OBJ { NonNull::new(self.read::<*mut O>(h.val_off)) } else { None }
    }

    fn raw_val<'a, O>(self) -> RawVal<'a, O> {
        let h = self.hdr();
        match h.tag {
            TAG_STR => RawVal::Str(self.slice(h.val_off, h.str_len)),
            TAG_INT => RawVal::Int(self.read::<i64>(h.val_off)),
            _ => RawVal::Obj(NonNull::new(self.read::<*mut O>(h.val_off)).unwrap_or_else(NonNull::dangling)),
        }
    }

    fn value<'a, O>(self) -> Val<'a, O> {
        match self.raw_val::<O>() {
            RawVal::Str(s) => Val::Str(s),
            RawVal::Int(i) => Val::Int(i),
            // SAFETY: the pointer came from `Box::leak` and the entry owns the box until the entry is
            // freed; `'a` is tied by the caller to a shared borrow of the table.
            RawVal::Obj(p) => Val::Obj(unsafe { &*p.as_ptr() }),
        }
    }
}

/// Reclaims and drops an Obj box that an entry owned.
///
/// # Safety
/// `p` must come from `Box::leak` and no entry may still refer to it.
unsafe fn drop_obj<O>(p: NonNull<O>) {
    // SAFETY: per the contract, we hold the only pointer to a leaked box.
    drop(unsafe { Box::from_raw(p.as_ptr()) })
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

/// Where the pointer to an entry is stored.
#[derive(Clone, Copy)]
enum Link {
    Bucket(usize, usize),
    After(Entry),
}

struct Found {
    table: usize,
    link: Link,
    e: Entry,
}

/// A prefetch hint for the cache line at `p`; never faults, whatever `p` is.
#[inline]
fn prefetch(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: PREFETCHT0 is a hint: it does not access memory architecturally and cannot fault.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

fn no_buckets() -> Box<[Slot]> {
    Box::new([])
}

fn buckets(n: usize) -> Box<[Slot]> {
    vec![None; n].into_boxed_slice()
}

/// The keyspace hash table.
pub struct Table<O> {
    /// `ht[1]` is non-empty only while rehashing from `ht[0]` into it.
    ht: [Box<[Slot]>; 2],
    used: [usize; 2],
    /// Next bucket of `ht[0]` to migrate; `Some` iff rehashing. Buckets below it are empty.
    rehash_idx: Option<usize>,
    k0: u64,
    k1: u64,
    /// Entries that have an expiry; each stores its index here.
    volatile: Vec<Entry>,
    /// Sum of the requested sizes of all entry allocations.
    entry_bytes: usize,
    _owns: PhantomData<Box<O>>,
}

// SAFETY: the table exclusively owns every entry allocation and every boxed `O`; no pointer to
// them escapes except through borrows of the table. Moving the table to another thread moves
// ownership of the `O` values, so it is sound when `O: Send`.
unsafe impl<O: Send> Send for Table<O> {}
// SAFETY: through `&Table` only shared reads happen (entries and `&O`), so sharing is sound when
// `O: Sync`.
unsafe impl<O: Sync> Sync for Table<O> {}

impl<O> Default for Table<O> {
    fn default() -> Self {
        Self::new()
    }
}

impl<O> Drop for Table<O> {
    fn drop(&mut self) {
        self.clear();
    }
}

impl<O> Table<O> {
    pub fn new() -> Self {
        Table {
            ht: [no_buckets(), no_buckets()],
            used: [0, 0],
            rehash_idx: None,
            k0: entropy(),
            k1: entropy(),
            volatile: Vec::new(),
            entry_bytes: 0,
            _owns: PhantomData,
        }
    }

    pub fn len(&self) -> usize {
        self.used[0] + self.used[1]
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many keys have an expiry.
    pub fn volatile_len(&self) -> usize {
        self.volatile.len()
    }

    pub fn bucket_count(&self) -> usize {
        self.ht[0].len() + self.ht[1].len()
    }

    /// Approximate bytes: bucket arrays, entry allocations (requested sizes) and the volatile index.
    /// Does not include the contents of `Obj` values or malloc overhead.
    pub fn mem_usage(&self) -> usize {
        self.bucket_count() * mem::size_of::<Slot>()
            + self.entry_bytes
            + self.volatile.capacity() * mem::size_of::<Entry>()
    }

    fn hash(&self, key: &[u8]) -> u64 {
        hash_bytes(self.k0, self.k1, key)
    }

    fn tables(&self) -> usize {
        if self.rehash_idx.is_some() { 2 } else { 1 }
    }

    fn find(&self, key: &[u8], h: u64) -> Option<Found> {
        for table in 0..self.tables() {
            let ht = &self.ht[table];
            if ht.is_empty() {
                continue;
            }
            let b = (h as usize) & (ht.len() - 1);
            let mut link = Link::Bucket(table, b);
            let mut cur = ht[b];
            while let Some(p) = cur {
                let e = Entry(p);
                if e.key() == key {
                    return Some(Found { table, link, e });
                }
                link = Link::After(e);
                cur = e.next();
            }
        }
        None
    }

    fn set_link(&mut self, link: Link, v: Slot) {
        match link {
            Link::Bucket(t, b) => self.ht[t][b] = v,
            Link::After(prev) => prev.set_next(v),
        }
    }

    /// The bucket slots `key` hashes to: one, or one per table while rehashing.
    fn home_slots(&self, key: &[u8]) -> impl Iterator<Item = &Slot> {
        let h = if self.is_empty() { 0 } else { self.hash(key) };
        self.ht[..self.tables()].iter().filter(|ht| !ht.is_empty()).map(move |ht| &ht[(h as usize) & (ht.len() - 1)])
    }

    /// Start loading the bucket slot(s) `key` hashes to: the first of a lookup's two cache
    /// misses. A hint only; it reads nothing through the slot.
    pub fn prefetch_slot(&self, key: &[u8]) {
        for slot in self.home_slots(key) {
            prefetch(slot as *const Slot as *const u8);
        }
    }

    /// Start loading the first entry of `key`'s bucket (the second miss); cheap once
    /// `prefetch_slot` has brought the slot in.
    pub fn prefetch_entry(&self, key: &[u8]) {
        for p in self.home_slots(key).flatten() {
            prefetch(p.as_ptr());
        }
    }

    pub fn get(&self, key: &[u8]) -> Option<EntryRef<'_, O>> {
        if self.is_empty() {
            return None;
        }
        self.find(key, self.hash(key)).map(|f| EntryRef::new(f.e))
    }

    /// Look `key` up once and apply lazy expiry: an entry whose time is at or before `now` is
    /// removed (`Delete`), reported as expired but left in place (`Hide`, a replica waiting for
    /// its master's DEL) or returned as live (`Keep`, the master's own writes on a replica).
    pub fn lookup(&mut self, key: &[u8], now: i64, on_expired: OnExpired) -> Lookup<'_, O> {
        if self.is_empty() {
            return Lookup::Missing;
        }
        let h = self.hash(key);
        let Some(f) = self.find(key, h) else {
            return Lookup::Missing;
        };
        if f.e.expire().is_none_or(|at| at > now) {
            return Lookup::Live(EntryRef::new(f.e));
        }
        match on_expired {
            OnExpired::Keep => Lookup::Live(EntryRef::new(f.e)),
            OnExpired::Hide => Lookup::Expired,
            OnExpired::Delete => {
                self.unlink_found(&f);
                Self::free_entry(f.e);
                Lookup::Expired
            }
        }
    }

    /// The object stored at `key`; None if absent or not an `Obj`.
    pub fn obj_mut(&mut self, key: &[u8]) -> Option<&mut O> {
        self.tick();
        if self.is_empty() {
            return None;
        }
        let f = self.find(key, self.hash(key))?;
        let p = f.e.obj::<O>()?;
        // SAFETY: the box is owned by the entry, which the table owns; `&mut self` guarantees no
        // other borrow of it exists for the returned lifetime.
        Some(unsafe { &mut *p.as_ptr() })
    }

    // -- volatile index maintenance -----------------------------------------------------------

    fn vol_push(&mut self, e: Entry) {
        e.set_vidx(self.volatile.len());
        self.volatile.push(e);
    }

    fn vol_remove(&mut self, e: Entry) {
        let i = e.vidx();
        debug_assert_eq!(self.volatile.get(i), Some(&e));
        self.volatile.swap_remove(i);
        if let Some(&moved) = self.volatile.get(i) {
            moved.set_vidx(i);
        }
    }

    fn vol_replace(&mut self, old: Entry, new: Entry) {
        let i = old.vidx();
        debug_assert_eq!(self.volatile.get(i), Some(&old));
        new.set_vidx(i);
        self.volatile[i] = new;
    }

    // -- resizing ---------------------------------------------------------------------------------

    /// One incremental rehash step, done by mutating operations.
    fn tick(&mut self) {
        if self.rehash_idx.is_some() {
            self.rehash_step(1);
        }
    }

    fn resize(&mut self, target: usize) {
        let size = target.max(MIN_BUCKETS).next_power_of_two();
        if self.rehash_idx.is_some() || size == self.ht[0].len() {
            return;
        }
        let fresh = buckets(size);
        if self.used[0] == 0 {
            // Nothing to migrate (the old array, if any, is all empty).
            self.ht[0] = fresh;
        } else {
            self.ht[1] = fresh;
            self.rehash_idx = Some(0);
        }
    }

    fn expand_if_needed(&mut self) {
        if self.rehash_idx.is_some() {
            return;
        }
        let size = self.ht[0].len();
        if size == 0 {
            self.resize(MIN_BUCKETS);
        } else if self.used[0] >= size {
            self.resize(self.used[0] + 1);
        }
    }

    /// Starts shrinking when fewer than 10% of the buckets are used (never below 4 buckets).
    pub fn try_shrink(&mut self) {
        if self.rehash_idx.is_some() {
            return;
        }
        let size = self.ht[0].len();
        if size > MIN_BUCKETS && self.used[0] * 10 < size {
            self.resize(self.used[0]);
        }
    }

    /// Migrates up to `buckets` non-empty buckets (visiting at most 10x as many empty ones).
    /// Returns true while a rehash is still in progress.
    pub fn rehash_step(&mut self, buckets: usize) -> bool {
        let Some(mut idx) = self.rehash_idx else {
            return false;
        };
        let mut empty_visits = buckets.saturating_mul(10);
        let mut n = buckets;
        let mask1 = self.ht[1].len() - 1;
        while n > 0 && self.used[0] != 0 {
            n -= 1;
            // used[0] != 0 guarantees a non-empty bucket at or after idx.
            while self.ht[0][idx].is_none() {
                idx += 1;
                empty_visits -= 1;
                if empty_visits == 0 {
                    self.rehash_idx = Some(idx);
                    return true;
                }
            }
            let mut cur = self.ht[0][idx].take();
            while let Some(p) = cur {
                let e = Entry(p);
                cur = e.next();
                let b = (self.hash(e.key()) as usize) & mask1;
                e.set_next(self.ht[1][b]);
                self.ht[1][b] = Some(p);
                self.used[0] -= 1;
                self.used[1] += 1;
            }
            idx += 1;
        }
        if self.used[0] == 0 {
            self.ht[0] = mem::replace(&mut self.ht[1], no_buckets());
            self.used = [self.used[1], 0];
            self.rehash_idx = None;
            false
        } else {
            self.rehash_idx = Some(idx);
            true
        }
    }

    // -- mutation -------------------------------------------------------------------------------

    fn link_new(&mut self, h: u64, e: Entry) {
        let t = self.tables() - 1;
        let b = (h as usize) & (self.ht[t].len() - 1);
        e.set_next(self.ht[t][b]);
        self.ht[t][b] = Some(e.0);
        self.used[t] += 1;
    }

    /// Insert or replace. Returns true when the key existed before.
    pub fn set(&mut self, key: &[u8], val: NewVal<'_, O>, expire: Expire) -> bool {
        self.tick();
        let h = self.hash(key);
        let raw = match val {
            NewVal::Str(s) => RawVal::Str(s),
            NewVal::Int(i) => RawVal::Int(i),
            NewVal::Obj(b) => RawVal::Obj(NonNull::from(Box::leak(b))),
        };
        if let Some(f) = self.find(key, h) {
            self.replace(&f, key, &raw, expire);
            return true;
        }
        let exp = match expire {
            Expire::At(t) => Some(t),
            Expire::Clear | Expire::Keep => None,
        };
        self.expand_if_needed();
        let e = Entry::create(key, &raw, exp);
        self.entry_bytes += e.layout().size();
        if exp.is_some() {
            self.vol_push(e);
        }
        self.link_new(h, e);
        false
    }

    fn replace(&mut self, f: &Found, key: &[u8], raw: &RawVal<'_, O>, expire: Expire) {
        let old = f.e;
        let old_exp = old.expire();
        let new_exp = match expire {
            Expire::Clear => None,
            Expire::Keep => old_exp,
            Expire::At(t) => Some(t),
        };
        let old_obj = old.obj::<O>();
        let old_layout = old.layout();
        let new_layout = layout_for(key.len(), raw, new_exp.is_some());
        if new_layout.size() == old_layout.size() {
            // Same allocation size: rewrite in place (keeps `next`).
            let vidx = match (old_exp.is_some(), new_exp.is_some()) {
                (true, true) => old.vidx(),
                (true, false) => {
                    self.vol_remove(old);
                    0
                }
                (false, _) => 0,
            };
            old.write_body(key, raw, new_exp, vidx);
            if old_exp.is_none() && new_exp.is_some() {
                self.vol_push(old);
            }
        } else {
            self.move_to_new(f, key, raw, new_exp);
            // SAFETY: `move_to_new` unlinked `old` from its chain and from `volatile`; `key` and `raw`
            // do not borrow from it (they come from the caller).
            unsafe { old.free(old_layout) };
        }
        if let Some(p) = old_obj {
            // SAFETY: the old entry no longer refers to the box (rewritten or freed above); the table
            // is consistent, so a panicking `O::drop` cannot leave it half-updated.
            unsafe { drop_obj(p) };
        }
    }

    /// Builds a new allocation for `f.e` holding `key`/`raw`/`exp`, links it in place of the old one
    /// and fixes the volatile index. The old entry is left allocated (the caller frees it, since `key`
    /// or `raw` may borrow from it).
    fn move_to_new(&mut self, f: &Found, key: &[u8], raw: &RawVal<'_, O>, exp: Option<i64>) {
        let old = f.e;
        let new = Entry::create(key, raw, exp);
        new.set_next(old.next());
        self.set_link(f.link, Some(new.0));
        match (old.has_expire(), exp.is_some()) {
            (true, true) => self.vol_replace(old, new),
            (true, false) => self.vol_remove(old),
            (false, true) => self.vol_push(new),
            (false, false) => {}
        }
        self.entry_bytes = self.entry_bytes - old.layout().size() + new.layout().size();
    }

    /// Sets (`Some`) or removes (`None`) the key's expiry. Returns false when the key is absent.
    pub fn set_expire(&mut self, key: &[u8], expire: Option<i64>) -> bool {
        self.tick();
        if self.is_empty() {
            return false;
        }
        let Some(f) = self.find(key, self.hash(key)) else {
            return false;
        };
        let old = f.e;
        match (old.has_expire(), expire) {
            (false, None) => {}
            (true, Some(t)) => old.set_expire_time(t),
            (_, exp) => {
                // The size changes by EXPIRE_SIZE: move key and value (the Obj box pointer moves,
                // ownership included) into a new allocation.
                let old_layout = old.layout();
                let raw = old.raw_val::<O>();
                self.move_to_new(&f, old.key(), &raw, exp);
                // SAFETY: `old` is unlinked from its chain and from `volatile`; the borrowed key and
                // string slices are not used after this point, and the Obj box now belongs to the
                // new entry (freeing the allocation does not drop it).
                unsafe { old.free(old_layout) };
            }
        }
        true
    }

    /// Unlinks the entry for `key` from the table (accounting included) without freeing it.
    fn detach(&mut self, key: &[u8]) -> Option<Entry> {
        self.tick();
        if self.is_empty() {
            return None;
        }
        let f = self.find(key, self.hash(key))?;
        self.unlink_found(&f);
        Some(f.e)
    }

    /// Unlinks a found entry from its chain and from `volatile`, fixing the accounting.
    fn unlink_found(&mut self, f: &Found) {
        let e = f.e;
        self.set_link(f.link, e.next());
        self.used[f.table] -= 1;
        if e.has_expire() {
            self.vol_remove(e);
        }
        self.entry_bytes -= e.layout().size();
    }

    /// Frees an entry already unlinked by `unlink_found`, with its object.
    fn free_entry(e: Entry) {
        let obj = e.obj::<O>();
        // SAFETY: the caller unlinked the entry from its chain and from `volatile`, so this
        // was its last reference.
        unsafe { e.free(e.layout()) };
        if let Some(p) = obj {
            // SAFETY: the freed entry was the box's only owner.
            unsafe { drop_obj(p) };
        }
    }

    pub fn remove(&mut self, key: &[u8]) -> bool {
        let Some(e) = self.detach(key) else {
            return false;
        };
        Self::free_entry(e);
        true
    }

    pub fn take(&mut self, key: &[u8]) -> Option<(OwnedVal<O>, Option<i64>)> {
        let e = self.detach(key)?;
        let exp = e.expire();
        let val = match e.raw_val::<O>() {
            RawVal::Str(s) => OwnedVal::Str(s.to_vec()),
            RawVal::Int(i) => OwnedVal::Int(i),
            // SAFETY: the pointer came from `Box::leak`; the entry is freed below without touching
            // the box, so ownership passes to the returned value.
            RawVal::Obj(p) => OwnedVal::Obj(unsafe { Box::from_raw(p.as_ptr()) }),
        };
        // SAFETY: `detach` unlinked the entry; the string was copied out above.
        unsafe { e.free(e.layout()) };
        Some((val, exp))
    }

    /// Removes every key, freeing every entry and Obj (bucket arrays are released too).
    pub fn clear(&mut self) {
        // Detach everything first so a panicking `O::drop` leaves an empty, consistent table (the
        // remaining entries would then leak, never double free).
        let tables = [mem::replace(&mut self.ht[0], no_buckets()), mem::replace(&mut self.ht[1], no_buckets())];
        self.used = [0, 0];
        self.rehash_idx = None;
        self.volatile = Vec::new();
        self.entry_bytes = 0;
        for t in &tables {
            for &slot in t.iter() {
                let mut cur = slot;
                while let Some(p) = cur {
                    let e = Entry(p);
                    cur = e.next();
                    let obj = e.obj::<O>();
                    // SAFETY: the entry was reachable only from the detached arrays, and `cur` has
                    // already been read from it.
                    unsafe { e.free(e.layout()) };
                    if let Some(o) = obj {
                        // SAFETY: the freed entry was the box's only owner.
                        unsafe { drop_obj(o) };
                    }
                }
            }
        }
    }

    // -- reading --------------------------------------------------------------------------------

    pub fn iter(&self) -> impl Iterator<Item = EntryRef<'_, O>> {
        Iter { table: self, t: 0, b: 0, cur: None }
    }

    fn emit(&self, head: Slot, f: &mut impl FnMut(EntryRef<'_, O>)) {
        let mut cur = head;
        while let Some(p) = cur {
            let e = Entry(p);
            cur = e.next();
            f(EntryRef::new(e));
        }
    }

    /// Visit the bucket(s) for `cursor`, calling f for each entry; returns the next cursor (0 = done).
    ///
    /// Reverse-binary cursor as in Redis's `dictScan`: every key present for the whole scan is
    /// returned at least once, even if the table grows or shrinks between calls.
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(EntryRef<'_, O>)) -> u64 {
        if self.is_empty() {
            return 0;
        }
        let mut v = cursor;
        if self.rehash_idx.is_none() {
            let t = &self.ht[0];
            let m0 = (t.len() - 1) as u64;
            self.emit(t[(v & m0) as usize], &mut f);
            v |= !m0;
            v = v.reverse_bits().wrapping_add(1).reverse_bits();
        } else {
            let (small, big) = if self.ht[0].len() <= self.ht[1].len() {
                (&self.ht[0], &self.ht[1])
            } else {
                (&self.ht[1], &self.ht[0])
            };
            let m0 = (small.len() - 1) as u64;
            let m1 = (big.len() - 1) as u64;
            self.emit(small[(v & m0) as usize], &mut f);
            // Visit every bucket of the bigger table that expands the smaller table's bucket.
            loop {
                self.emit(big[(v & m1) as usize], &mut f);
                v |= !m1;
                v = v.reverse_bits().wrapping_add(1).reverse_bits();
                if v & (m0 ^ m1) == 0 {
                    break;
                }
            }
        }
        v
    }

    /// A random entry, every entry about equally likely (Redis's fair random key): a random
    /// non-empty bucket, then a random slot of `FAIR_CHAIN` that is kept only if the chain has
    /// an entry there. Picking any element of the first bucket found would favour entries
    /// alone in their bucket (a two-entry chain halves each one's chance).
    pub fn random(&self, rng: &mut Rng) -> Option<EntryRef<'_, O>> {
        if self.is_empty() {
            return None;
        }
        for _ in 0..FAIR_TRIES {
            let head = self.random_bucket(rng);
            let n = chain_len(head);
            if n > FAIR_CHAIN {
                // A chain longer than the window: any of its elements (rare at load <= 1).
                return Some(EntryRef::new(chain_at(head, rng.below(n as u64) as usize)));
            }
            let slot = rng.below(FAIR_CHAIN as u64) as usize;
            if slot < n {
                return Some(EntryRef::new(chain_at(head, slot)));
            }
        }
        let head = self.random_bucket(rng);
        Some(EntryRef::new(chain_at(head, rng.below(chain_len(head) as u64) as usize)))
    }

    /// The first entry of a random non-empty bucket (the table is not empty).
    fn random_bucket(&self, rng: &mut Rng) -> Entry {
        let head = match self.rehash_idx {
            Some(ri) => {
                // Buckets of ht[0] below `ri` are empty.
                let s0 = self.ht[0].len();
                let span = (s0 + self.ht[1].len() - ri) as u64;
                loop {
                    let b = ri + rng.below(span) as usize;
                    let slot = if b < s0 { self.ht[0][b] } else { self.ht[1][b - s0] };
                    if let Some(p) = slot {
                        break p;
                    }
                }
            }
            None => {
                let m = self.ht[0].len() - 1;
                loop {
                    if let Some(p) = self.ht[0][(rng.next_u64() as usize) & m] {
                        break p;
                    }
                }
            }
        };
        Entry(head)
    }

    /// Up to `n` random entries that have an expiry (may repeat), for the active expiry cycle.
    pub fn sample_volatile(&self, n: usize, rng: &mut Rng, mut f: impl FnMut(EntryRef<'_, O>)) {
        if self.volatile.is_empty() {
            return;
        }
        let len = self.volatile.len() as u64;
        for _ in 0..n {
            f(EntryRef::new(self.volatile[rng.below(len) as usize]));
        }
    }
}

/// The chain window of the fair random pick, and the picks it tries before settling.
const FAIR_CHAIN: usize = 8;
const FAIR_TRIES: usize = 64;

fn chain_len(head: Entry) -> usize {
    let mut n = 1;
    let mut cur = head.next();
    while let Some(p) = cur {
        n += 1;
        cur = Entry(p).next();
    }
    n
}

fn chain_at(head: Entry, i: usize) -> Entry {
    let mut e = head;
    for _ in 0..i {
        match e.next() {
            Some(p) => e = Entry(p),
            None => break,
        }
    }
    e
}

struct Iter<'a, O> {
    table: &'a Table<O>,
    t: usize,
    b: usize,
    cur: Slot,
}

impl<'a, O> Iterator for Iter<'a, O> {
    type Item = EntryRef<'a, O>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(p) = self.cur {
                let e = Entry(p);
                self.cur = e.next();
                return Some(EntryRef::new(e));
            }
            let ht = &self.table.ht[self.t];
            if self.b < ht.len() {
                self.cur = ht[self.b];
                self.b += 1;
            } else if self.t == 0 {
                self.t = 1;
                self.b = 0;
            } else {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::collections::{HashMap, HashSet};
    use std::rc::Rc;

    struct Obj {
        id: u64,
        drops: Rc<Cell<u64>>,
    }

    impl Drop for Obj {
        fn drop(&mut self) {
            self.drops.set(self.drops.get() + 1);
        }
    }

    #[derive(Clone, Debug, PartialEq)]
    enum MVal {
        Str(Vec<u8>),
        Int(i64),
        Obj(u64),
    }

    fn mval(v: Val<'_, Obj>) -> MVal {
        match v {
            Val::Str(s) => MVal::Str(s.to_vec()),
            Val::Int(i) => MVal::Int(i),
            Val::Obj(o) => MVal::Obj(o.id),
        }
    }

    /// Checks every structural invariant of the table.
    fn check_invariants<O>(t: &Table<O>) {
        let mut bytes = 0;
        let mut vol = 0;
        if t.rehash_idx.is_none() {
            assert!(t.ht[1].is_empty());
            assert_eq!(t.used[1], 0);
        }
        for ti in 0..2 {
            let ht = &t.ht[ti];
            assert!(ht.is_empty() || ht.len().is_power_of_two());
            let mut n = 0;
            for (b, &slot) in ht.iter().enumerate() {
                if ti == 0
                    && let Some(ri) = t.rehash_idx
                {
                    assert!(b >= ri || slot.is_none(), "entry below rehash_idx");
                }
                let mut cur = slot;
                while let Some(p) = cur {
                    let e = Entry(p);
                    n += 1;
                    assert_eq!((t.hash(e.key()) as usize) & (ht.len() - 1), b);
                    if e.has_expire() {
                        vol += 1;
                        assert_eq!(t.volatile[e.vidx()], e);
                    }
                    bytes += e.layout().size();
                    cur = e.next();
                }
            }
            assert_eq!(n, t.used[ti]);
        }
        assert_eq!(vol, t.volatile.len());
        assert_eq!(bytes, t.entry_bytes);
    }

    fn key_for(rng: &mut Rng, pool: u64) -> Vec<u8> {
        match rng.below(100) {
            0 => Vec::new(),
            1 => {
                let mut k = vec![b'L'; 200];
                k.extend_from_slice(&rng.below(8).to_le_bytes());
                k
            }
            2 if rng.below(10) == 0 => {
                let mut k = vec![b'H'; 20_000];
                k.push(rng.below(3) as u8);
                k
            }
            _ => format!("key:{}", rng.below(pool)).into_bytes(),
        }
    }

    fn str_for(rng: &mut Rng) -> Vec<u8> {
        let len = match rng.below(50) {
            0 => 0,
            1 => 127 + rng.below(3) as usize,
            2 => 16_383 + rng.below(3) as usize,
            _ => rng.below(24) as usize,
        };
        (0..len).map(|_| rng.next_u64() as u8).collect()
    }

    #[test]
    fn model() {
        let mut rng = Rng::new(0x5eed);
        let drops = Rc::new(Cell::new(0u64));
        let mut created = 0u64;
        let mut next_id = 0u64;
        let mut t: Table<Obj> = Table::new();
        let mut m: HashMap<Vec<u8>, (MVal, Option<i64>)> = HashMap::new();
        let mut pool = 16u64;
        for batch in 0..400 {
            if batch % 40 == 0 {
                // Vary the key-space size so the table grows and shrinks repeatedly.
                pool = [16, 3000, 200, 8000, 50][(batch / 40) % 5];
            }
            for _ in 0..200 {
                let key = key_for(&mut rng, pool);
                match rng.below(100) {
                    0..=44 => {
                        let sbuf;
                        let (nv, mv) = match rng.below(3) {
                            0 => {
                                sbuf = str_for(&mut rng);
                                (NewVal::Str(&sbuf), MVal::Str(sbuf.clone()))
                            }
                            1 => {
                                let i = rng.next_u64() as i64 >> rng.below(64);
                                (NewVal::Int(i), MVal::Int(i))
                            }
                            _ => {
                                next_id += 1;
                                created += 1;
                                let o = Obj { id: next_id, drops: drops.clone() };
                                (NewVal::Obj(Box::new(o)), MVal::Obj(next_id))
                            }
                        };
                        let old = m.get(&key).and_then(|(_, e)| *e);
                        let (exp, mexp) = match rng.below(3) {
                            0 => (Expire::Clear, None),
                            1 => (Expire::Keep, old),
                            _ => {
                                let at = rng.next_u64() as i64;
                                (Expire::At(at), Some(at))
                            }
                        };
                        let existed = t.set(&key, nv, exp);
                        assert_eq!(existed, m.insert(key, (mv, mexp)).is_some());
                    }
                    45..=54 => {
                        let e = if rng.below(2) == 0 { None } else { Some(rng.next_u64() as i64) };
                        let r = t.set_expire(&key, e);
                        match m.get_mut(&key) {
                            Some(v) => {
                                assert!(r);
                                v.1 = e;
                            }
                            None => assert!(!r),
                        }
                    }
                    55..=69 => assert_eq!(t.remove(&key), m.remove(&key).is_some()),
                    70..=79 => {
                        let got = t.take(&key).map(|(v, e)| {
                            let v = match v {
                                OwnedVal::Str(s) => MVal::Str(s),
                                OwnedVal::Int(i) => MVal::Int(i),
                                OwnedVal::Obj(o) => MVal::Obj(o.id),
                            };
                            (v, e)
                        });
                        assert_eq!(got, m.remove(&key));
                    }
                    80..=84 => {
                        let got = t.obj_mut(&key).map(|o| {
                            next_id += 1;
                            o.id = next_id;
                            next_id
                        });
                        match m.get_mut(&key) {
                            Some((MVal::Obj(id), _)) => {
                                *id = got.expect("obj");
                            }
                            _ => assert!(got.is_none()),
                        }
                    }
                    85..=89 => t.try_shrink(),
                    90..=94 => {
                        t.rehash_step(rng.below(4) as usize);
                    }
                    95..=98 => {
                        let e = t.get(&key).map(|e| (mval(e.value()), e.expire()));
                        assert_eq!(e.as_ref(), m.get(&key));
                    }
                    _ => {
                        if rng.below(20) == 0 {
                            t.clear();
                            m.clear();
                        }
                    }
                }
            }
            check_invariants(&t);
            assert_eq!(t.len(), m.len());
            assert_eq!(t.volatile_len(), m.values().filter(|(_, e)| e.is_some()).count());
            let live_objs = m.values().filter(|(v, _)| matches!(v, MVal::Obj(_))).count();
            assert_eq!(created - drops.get(), live_objs as u64);
            for (k, v) in &m {
                let e = t.get(k).expect("present");
                assert_eq!(e.key(), &k[..]);
                assert_eq!(&(mval(e.value()), e.expire()), v);
            }
            let mut seen = HashSet::new();
            for e in t.iter() {
                assert!(seen.insert(e.key().to_vec()), "iter repeated a key");
                assert_eq!(m.get(e.key()), Some(&(mval(e.value()), e.expire())));
            }
            assert_eq!(seen.len(), m.len());
            assert!(t.mem_usage() >= t.bucket_count() * 8);
        }
        drop(t);
        assert_eq!(created, drops.get());
    }

    fn fill(t: &mut Table<Obj>, prefix: &str, range: std::ops::Range<u32>) {
        for i in range {
            t.set(format!("{prefix}{i}").as_bytes(), NewVal::Int(i64::from(i)), Expire::Clear);
        }
    }

    #[test]
    fn scan_survives_grow_and_shrink() {
        let mut rng = Rng::new(7);
        let (mut grows, mut shrinks, mut mid_rehash) = (0, 0, 0);
        for round in 0..100 {
            let mut t: Table<Obj> = Table::new();
            let base = 20 + rng.below(300) as u32;
            fill(&mut t, "base", 0..base);
            let mut extra = 0u32;
            let mut seen: HashSet<Vec<u8>> = HashSet::new();
            let mut cursor = 0;
            let mut calls = 0;
            loop {
                cursor = t.scan(cursor, |e| {
                    seen.insert(e.key().to_vec());
                });
                calls += 1;
                assert!(calls < 100_000, "scan does not terminate");
                if cursor == 0 {
                    break;
                }
                let before = t.bucket_count();
                match rng.below(40) {
                    0 => {
                        // Grow (possibly by several powers of two), leaving a rehash in progress.
                        let n = rng.below(if round % 2 == 0 { 3000 } else { 300 }) as u32;
                        fill(&mut t, "x", extra..extra + n);
                        extra += n;
                    }
                    1 => {
                        // Remove all extra keys and start (or finish) a shrink.
                        for i in 0..extra {
                            t.remove(format!("x{i}").as_bytes());
                        }
                        extra = 0;
                        t.try_shrink();
                        if rng.below(2) == 0 {
                            while t.rehash_step(100) {}
                            t.try_shrink();
                        }
                    }
                    2..=5 => {
                        t.rehash_step(rng.below(8) as usize);
                    }
                    6 => t.try_shrink(),
                    _ => {}
                }
                if calls % 16 == 0 {
                    check_invariants(&t);
                }
                let now = t.bucket_count();
                grows += usize::from(now > before);
                shrinks += usize::from(now < before);
                mid_rehash += usize::from(t.rehash_idx.is_some());
            }
            for i in 0..base {
                assert!(seen.contains(format!("base{i}").as_bytes()), "round {round}: key base{i} missed");
            }
        }
        println!("bucket-count increases {grows}, decreases {shrinks}, calls mid-rehash {mid_rehash}");
        assert!(grows > 100 && shrinks > 100 && mid_rehash > 1000);
    }

    #[test]
    fn scan_stable_table_visits_each_key_once() {
        let mut t: Table<Obj> = Table::new();
        fill(&mut t, "k", 0..1000);
        // Also while a rehash is in progress.
        for finish in [false, true] {
            if finish {
                while t.rehash_step(10) {}
            }
            let mut count: HashMap<Vec<u8>, usize> = HashMap::new();
            let mut cursor = 0;
            loop {
                cursor = t.scan(cursor, |e| *count.entry(e.key().to_vec()).or_default() += 1);
                if cursor == 0 {
                    break;
                }
            }
            assert_eq!(count.len(), 1000);
            if finish {
                assert!(count.values().all(|&c| c == 1));
            }
        }
        let empty: Table<Obj> = Table::new();
        assert_eq!(empty.scan(0, |_| panic!("empty")), 0);
    }

    /// The home slots the prefetch hints use are the buckets `find` searches: one table, or
    /// both while rehashing; none for a table that never had a key.
    #[test]
    fn home_slots_follow_the_tables() {
        let mut t: Table<Obj> = Table::new();
        assert_eq!(t.home_slots(b"k1").count(), 0);
        t.prefetch_slot(b"k1");
        t.prefetch_entry(b"k1");
        fill(&mut t, "k", 0..64);
        assert_eq!(t.home_slots(b"k1").count(), 1);
        assert_eq!(t.home_slots(b"k1").flatten().count(), 1, "k1's bucket holds an entry");
        fill(&mut t, "k", 64..65);
        assert!(t.rehash_idx.is_some());
        assert_eq!(t.home_slots(b"k1").count(), 2);
        for i in 0..65 {
            let k = format!("k{i}");
            t.prefetch_slot(k.as_bytes());
            t.prefetch_entry(k.as_bytes());
            assert!(t.home_slots(k.as_bytes()).flatten().count() >= 1, "{k}");
        }
    }

    #[test]
    fn random_covers_all_keys() {
        let mut rng = Rng::new(1);
        let mut t: Table<Obj> = Table::new();
        assert!(t.random(&mut rng).is_none());
        fill(&mut t, "k", 0..64);
        // 64 keys in 64 buckets; the next insert starts a rehash to 128.
        fill(&mut t, "k", 64..65);
        assert!(t.rehash_idx.is_some());
        for phase in 0..2 {
            let mut seen = HashSet::new();
            for _ in 0..20_000 {
                seen.insert(t.random(&mut rng).expect("non-empty").key().to_vec());
            }
            assert_eq!(seen.len(), 65, "phase {phase}");
            while t.rehash_step(1) {}
        }
        for i in 0..65 {
            t.remove(format!("k{i}").as_bytes());
        }
        assert!(t.random(&mut rng).is_none());
    }

    #[test]
    fn random_is_fair_whatever_the_chains() {
        let mut rng = Rng::new(3);
        let mut t: Table<Obj> = Table::new();
        // 48 keys in 64 buckets: some alone in their bucket, some sharing one.
        fill(&mut t, "k", 0..48);
        let mut counts = std::collections::HashMap::new();
        let picks = 96_000;
        for _ in 0..picks {
            *counts.entry(t.random(&mut rng).expect("non-empty").key().to_vec()).or_insert(0u32) += 1;
        }
        let expected = picks / 48;
        for (k, n) in counts {
            assert!(
                n.abs_diff(expected) < expected / 5,
                "{} picked {n} times, expected ~{expected}",
                String::from_utf8_lossy(&k)
            );
        }
    }

    #[test]
    fn sample_volatile_only_returns_volatile_keys() {
        let mut rng = Rng::new(2);
        let mut t: Table<Obj> = Table::new();
        fill(&mut t, "p", 0..100);
        let mut calls = 0;
        t.sample_volatile(10, &mut rng, |_| calls += 1);
        assert_eq!(calls, 0);
        for i in 0..10 {
            assert!(t.set_expire(format!("p{i}").as_bytes(), Some(1000 + i)));
        }
        assert!(!t.set_expire(b"nope", Some(1)));
        assert_eq!(t.volatile_len(), 10);
        let mut seen = HashSet::new();
        t.sample_volatile(5000, &mut rng, |e| {
            calls += 1;
            assert_eq!(e.expire(), Some(1000 + i64::from(e.key()[1] - b'0')));
            seen.insert(e.key().to_vec());
        });
        assert_eq!(calls, 5000);
        assert_eq!(seen.len(), 10);
        // Persist half, remove some, and check the index stays consistent.
        for i in 0..5 {
            assert!(t.set_expire(format!("p{i}").as_bytes(), None));
        }
        t.remove(b"p7");
        t.take(b"p9");
        check_invariants(&t);
        assert_eq!(t.volatile_len(), 3);
        let mut seen = HashSet::new();
        t.sample_volatile(1000, &mut rng, |e| {
            seen.insert(e.key().to_vec());
        });
        let want: HashSet<Vec<u8>> = [b"p5".to_vec(), b"p6".to_vec(), b"p8".to_vec()].into();
        assert_eq!(seen, want);
    }

    #[test]
    fn drops_every_object_once() {
        let drops = Rc::new(Cell::new(0u64));
        let obj = |id| NewVal::Obj(Box::new(Obj { id, drops: drops.clone() }));
        let mut t: Table<Obj> = Table::new();
        for i in 0..1000u64 {
            let exp = if i % 3 == 0 { Expire::At(i as i64) } else { Expire::Clear };
            t.set(format!("o{i}").as_bytes(), obj(i), exp);
        }
        // Replace with Obj (same size, reused allocation), Int and Str.
        t.set(b"o1", obj(5000), Expire::Keep);
        t.set(b"o2", NewVal::Int(3), Expire::Keep);
        t.set(b"o3", NewVal::Str(b"a string value"), Expire::Keep);
        assert_eq!(drops.get(), 3);
        assert!(t.remove(b"o4"));
        assert_eq!(drops.get(), 4);
        let (v, e) = t.take(b"o6").expect("present");
        assert_eq!(e, Some(6));
        assert_eq!(drops.get(), 4);
        drop(v);
        assert_eq!(drops.get(), 5);
        // Moving an Obj to a new allocation (set_expire) must not drop it.
        assert!(t.set_expire(b"o5", Some(9)));
        assert!(t.set_expire(b"o9", None));
        assert_eq!(drops.get(), 5);
        assert!(matches!(t.get(b"o5").map(|e| e.value()), Some(Val::Obj(o)) if o.id == 5));
        check_invariants(&t);
        t.clear();
        assert_eq!(drops.get(), 1001);
        assert!(t.is_empty() && t.get(b"o7").is_none());
        for i in 0..100u64 {
            t.set(format!("o{i}").as_bytes(), obj(i), Expire::Clear);
        }
        drop(t);
        assert_eq!(drops.get(), 1101);
    }

    #[test]
    fn reuses_allocation_for_same_size() {
        let mut t: Table<Obj> = Table::new();
        t.set(b"counter", NewVal::Int(1), Expire::At(77));
        let p1 = t.get(b"counter").map(|e| e.key().as_ptr());
        assert!(t.set(b"counter", NewVal::Int(2), Expire::Keep));
        let e = t.get(b"counter").expect("present");
        assert_eq!(Some(e.key().as_ptr()), p1);
        assert!(matches!(e.value(), Val::Int(2)));
        assert_eq!(e.expire(), Some(77));
        assert!(t.set(b"counter", NewVal::Int(3), Expire::Clear));
        assert_eq!(t.get(b"counter").and_then(|e| e.expire()), None);
        assert_eq!(t.volatile_len(), 0);
        check_invariants(&t);
    }

    #[test]
    fn lengths_and_varint_boundaries() {
        let mut t: Table<Obj> = Table::new();
        let lens = [0usize, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 3_000_000];
        for (i, &kl) in lens.iter().enumerate() {
            let key = vec![i as u8; kl];
            for &vl in &lens {
                let mut val = vec![kl as u8; vl];
                if let Some(b) = val.last_mut() {
                    *b = 0xaa;
                }
                t.set(&key, NewVal::Str(&val), Expire::At(vl as i64));
                let e = t.get(&key).expect("present");
                assert_eq!(e.key(), &key[..]);
                assert!(matches!(e.value(), Val::Str(s) if s == &val[..]));
                assert_eq!(e.expire(), Some(vl as i64));
            }
        }
        assert_eq!(t.len(), lens.len());
        check_invariants(&t);
        assert!(t.get(b"").is_some());
        assert!(t.remove(b""));
        assert!(t.get(b"").is_none());
        t.set(b"", NewVal::Str(b""), Expire::Clear);
        assert!(matches!(t.get(b"").map(|e| e.value()), Some(Val::Str(b""))));
    }

    #[test]
    fn shrink_and_counts() {
        let mut t: Table<Obj> = Table::new();
        assert_eq!(t.bucket_count(), 0);
        fill(&mut t, "k", 0..10_000);
        while t.rehash_step(100) {}
        assert_eq!(t.bucket_count(), 16_384);
        for i in 0..9_990 {
            t.remove(format!("k{i}").as_bytes());
        }
        t.try_shrink();
        while t.rehash_step(100) {}
        assert_eq!(t.bucket_count(), 16);
        for i in 9_990..10_000 {
            t.remove(format!("k{i}").as_bytes());
        }
        t.try_shrink();
        assert_eq!(t.bucket_count(), 4);
        t.try_shrink();
        assert_eq!(t.bucket_count(), 4);
        check_invariants(&t);
    }

    #[test]
    fn hash_spreads_sequential_keys() {
        let t: Table<Obj> = Table::new();
        let mask = 1023usize;
        let mut counts = vec![0u32; mask + 1];
        for i in 0..100_000 {
            counts[(t.hash(format!("key:{i:08}").as_bytes()) as usize) & mask] += 1;
        }
        // ~97.7 per bucket; a poor low-bit mix would leave many buckets empty or overfull.
        assert!(counts.iter().all(|&c| (40..200).contains(&c)), "{counts:?}");
        let t2: Table<Obj> = Table::new();
        assert_ne!(t.hash(b"abc"), t2.hash(b"abc"), "per-table seed");
    }

    #[test]
    fn send_and_sync() {
        fn assert_send<T: Send>() {}
        fn assert_sync<T: Sync>() {}
        assert_send::<Table<Vec<u8>>>();
        assert_sync::<Table<Vec<u8>>>();
    }
}
