//! RDB files: the snapshot format Redis writes (version 10, as Redis 7.0) and reads (versions
//! 1..=12, i.e. everything up to Redis 7.4). Saving is split in two so the store lock is held only
//! for a copy: [`snapshot`] serialises every entry into one flat buffer under the lock, and
//! [`Snapshot::write_to`] encodes it (integer encodings, LZF, CRC-64) without the lock.
//! Loading reads through a counting, checksumming reader and never trusts a declared length
//! further than the bytes actually read.

mod dump;
mod hash;
mod list;
mod set;
mod zset;

pub use dump::{DumpError, Restored, create_dump_payload, restore_payload};

use crate::database::{Expire, Keyspace, Limits, NewVal, Object, Val};
use crate::util::crc64::crc64;
use crate::util::lzf;
use std::collections::HashMap;
use std::fmt;
use std::io::{self, Read, Write};

/// The version this server writes: what Redis 7.0 writes and loads.
pub const RDB_VERSION: u32 = 10;
/// The newest version this server reads (Redis 7.4).
pub const RDB_MAX_LOAD_VERSION: u32 = 12;

const RDB_6BITLEN: u8 = 0;
const RDB_14BITLEN: u8 = 1;
const RDB_32BITLEN: u8 = 0x80;
const RDB_64BITLEN: u8 = 0x81;
const RDB_ENCVAL: u8 = 3;
const RDB_ENC_INT8: u8 = 0;
const RDB_ENC_INT16: u8 = 1;
const RDB_ENC_INT32: u8 = 2;
const RDB_ENC_LZF: u8 = 3;

const RDB_TYPE_STRING: u8 = 0;
const RDB_TYPE_MODULE_PRE_GA: u8 = 6;
const RDB_TYPE_MODULE_2: u8 = 7;

const OP_SLOT_INFO: u8 = 244;
const OP_FUNCTION2: u8 = 245;
const OP_FUNCTION_PRE_GA: u8 = 246;
const OP_MODULE_AUX: u8 = 247;
const OP_IDLE: u8 = 248;
const OP_FREQ: u8 = 249;
const OP_AUX: u8 = 250;
const OP_RESIZEDB: u8 = 251;
const OP_EXPIRETIME_MS: u8 = 252;
const OP_EXPIRETIME: u8 = 253;
const OP_SELECTDB: u8 = 254;
const OP_EOF: u8 = 255;

/// Strings are read in pieces of at most this size, so a corrupt length cannot make us
/// allocate more than the file actually holds (plus one chunk).
const READ_CHUNK: usize = 64 * 1024;

/// A load failure: what went wrong and the byte offset in the stream where it was noticed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RdbError {
    pub offset: u64,
    pub msg: String,
}

impl fmt::Display for RdbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at offset {}", self.msg, self.offset)
    }
}

impl std::error::Error for RdbError {}

// ---------------------------------------------------------------------------------------------
// Saving
// ---------------------------------------------------------------------------------------------

/// Record tags in the snapshot buffer (not the RDB format: values are stored raw and encoded
/// later, outside the lock).
const SNAP_STR: u8 = 0;
const SNAP_INT: u8 = 1;
/// `tag [expire] keylen key type u64-len value`: a collection's RDB value encoding, made under
/// the lock and written verbatim.
const SNAP_OBJ: u8 = 2;
const SNAP_HAS_EXPIRE: u8 = 0x80;

struct DbSnap {
    index: usize,
    keys: u64,
    expires: u64,
    /// Byte range of this database's records in `Snapshot::buf`.
    start: usize,
    end: usize,
}

/// A point-in-time copy of the keyspace taken under the store lock (must be fast: it is the
/// pause BGSAVE and a replica's full sync impose on clients), written out later without the lock.
///
/// The copy is one flat buffer of records `tag [expire i64] keylen key (len bytes | i64)` with
/// LEB128 lengths: a memcpy per entry and no per-key allocation.
pub struct Snapshot {
    dbs: Vec<DbSnap>,
    buf: Vec<u8>,
    used_mem: usize,
    compress: bool,
    checksum: bool,
    /// Aux fields captured with the data (repl-id/repl-offset must match the snapshot's moment).
    aux: Vec<(&'static str, String)>,
}

fn put_varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

/// Entries are gathered in batches before being copied: the gathering loop is tight enough for
/// the CPU to overlap the cache misses of many entries, which the copying loop alone does not.
const SNAP_BATCH: usize = 256;

/// Copy every database of `ks`. Expired-but-not-yet-reclaimed keys are copied too: the file
/// records their expiry and a master loading it drops them, as Redis does.
pub fn snapshot(ks: &Keyspace) -> Snapshot {
    snapshot_with(ks, true)
}

/// [`snapshot`] with `rdbcompression` given: collections are encoded during the copy, so their
/// strings are LZF-compressed (or not) then.
pub fn snapshot_with(ks: &Keyspace, compress: bool) -> Snapshot {
    let mut lzf = compress.then(lzf::Compressor::new);
    let mut scratch = Vec::new();
    let used_mem: usize = ks.dbs.iter().map(|d| d.mem_usage()).sum();
    let mut buf = Vec::with_capacity(used_mem);
    let mut dbs = Vec::new();
    for (index, db) in ks.dbs.iter().enumerate() {
        if db.is_empty() {
            continue;
        }
        let start = buf.len();
        let (mut keys, mut expires) = (0u64, 0u64);
        let mut it = db.iter();
        let mut batch = Vec::with_capacity(SNAP_BATCH);
        loop {
            batch.clear();
            batch.extend(it.by_ref().take(SNAP_BATCH));
            if batch.is_empty() {
                break;
            }
            for e in &batch {
                let exp = e.expire();
                let key = e.key();
                let flag = if exp.is_some() { SNAP_HAS_EXPIRE } else { 0 };
                match e.value() {
                    Val::Str(s) => {
                        buf.push(SNAP_STR | flag);
                        if let Some(at) = exp {
                            buf.extend_from_slice(&at.to_le_bytes());
                        }
                        put_varint(&mut buf, key.len() as u64);
                        buf.extend_from_slice(key);
                        put_varint(&mut buf, s.len() as u64);
                        buf.extend_from_slice(s);
                    }
                    Val::Int(i) => {
                        buf.push(SNAP_INT | flag);
                        if let Some(at) = exp {
                            buf.extend_from_slice(&at.to_le_bytes());
                        }
                        put_varint(&mut buf, key.len() as u64);
                        buf.extend_from_slice(key);
                        buf.extend_from_slice(&i.to_le_bytes());
                    }
                    Val::Obj(o) => {
                        buf.push(SNAP_OBJ | flag);
                        if let Some(at) = exp {
                            buf.extend_from_slice(&at.to_le_bytes());
                        }
                        put_varint(&mut buf, key.len() as u64);
                        buf.extend_from_slice(key);
                        let at = buf.len();
                        buf.extend_from_slice(&[0u8; 9]);
                        let mut e = Enc { out: &mut buf, lzf: lzf.as_mut(), scratch: &mut scratch };
                        let t = save_object(o, &mut e);
                        let n = (buf.len() - at - 9) as u64;
                        buf[at] = t;
                        buf[at + 1..at + 9].copy_from_slice(&n.to_le_bytes());
                    }
                }
                keys += 1;
                expires += u64::from(exp.is_some());
            }
        }
        dbs.push(DbSnap { index, keys, expires, start, end: buf.len() });
    }
    Snapshot { dbs, buf, used_mem, compress, checksum: true, aux: Vec::new() }
}

/// Writes the RDB value encoding of `o` (without the type byte) and returns its RDB type.
fn save_object(o: &Object, e: &mut Enc<'_>) -> u8 {
    match o {
        Object::List(l) => list::save(l, e),
        Object::Hash(h) => hash::save(h, e),
        Object::Set(s) => set::save(s, e),
        Object::ZSet(z) => zset::save(z, e),
    }
}

/// The RDB length encoding of `n`: (bytes, how many).
fn len_bytes(n: u64) -> ([u8; 9], usize) {
    let mut b = [0u8; 9];
    if n < 1 << 6 {
        b[0] = (RDB_6BITLEN << 6) | n as u8;
        (b, 1)
    } else if n < 1 << 14 {
        b[0] = (RDB_14BITLEN << 6) | (n >> 8) as u8;
        b[1] = n as u8;
        (b, 2)
    } else if n <= u64::from(u32::MAX) {
        b[0] = RDB_32BITLEN;
        b[1..5].copy_from_slice(&(n as u32).to_be_bytes());
        (b, 5)
    } else {
        b[0] = RDB_64BITLEN;
        b[1..9].copy_from_slice(&n.to_be_bytes());
        (b, 9)
    }
}

/// Encodes RDB values into a byte buffer (a snapshot record, a DUMP payload): lengths, strings
/// as `rdbSaveRawString` (int-encoded, LZF-compressed when a compressor is given, or verbatim),
/// LZF blobs and binary doubles.
struct Enc<'a> {
    out: &'a mut Vec<u8>,
    lzf: Option<&'a mut lzf::Compressor>,
    scratch: &'a mut Vec<u8>,
}

impl Enc<'_> {
    fn byte(&mut self, b: u8) {
        self.out.push(b);
    }
    fn len(&mut self, n: u64) {
        let (b, k) = len_bytes(n);
        self.out.extend_from_slice(&b[..k]);
    }
    /// An integer as Redis saves an integer-encoded string: INT8/16/32 when it fits, otherwise
    /// its decimal digits.
    fn int(&mut self, v: i64) {
        if let Ok(b) = i8::try_from(v) {
            self.out.extend_from_slice(&[(RDB_ENCVAL << 6) | RDB_ENC_INT8, b as u8]);
        } else if let Ok(s) = i16::try_from(v) {
            let b = s.to_le_bytes();
            self.out.extend_from_slice(&[(RDB_ENCVAL << 6) | RDB_ENC_INT16, b[0], b[1]]);
        } else if let Ok(i) = i32::try_from(v) {
            let b = i.to_le_bytes();
            self.out.extend_from_slice(&[(RDB_ENCVAL << 6) | RDB_ENC_INT32, b[0], b[1], b[2], b[3]]);
        } else {
            let mut tmp = [0u8; 20];
            let digits = crate::util::num::fmt_i64(v, &mut tmp);
            self.len(digits.len() as u64);
            self.out.extend_from_slice(digits);
        }
    }
    /// A string as `rdbSaveRawString`: short canonical integers int-encoded, longer strings
    /// LZF-compressed when that saves at least 4 bytes, otherwise verbatim.
    fn string(&mut self, s: &[u8]) {
        if s.len() <= 11
            && let Some(v) = int_encodable(s)
        {
            return self.int(v);
        }
        if s.len() > 20
            && let Some(c) = self.lzf.as_mut()
            && c.compress(s, self.scratch, s.len() - 4)
        {
            let z = std::mem::take(self.scratch);
            self.lzf_blob(&z, s.len());
            *self.scratch = z;
            return;
        }
        self.len(s.len() as u64);
        self.out.extend_from_slice(s);
    }
    /// A listpack-style element (a string or an integer) as a string.
    fn element(&mut self, v: crate::database::listpack::LpVal<'_>) {
        match v {
            crate::database::listpack::LpVal::Str(s) => self.string(s),
            crate::database::listpack::LpVal::Int(i) => self.int(i),
        }
    }
    /// Already-compressed data as an LZF string (`rdbSaveLzfBlob`).
    fn lzf_blob(&mut self, z: &[u8], raw_len: usize) {
        self.byte((RDB_ENCVAL << 6) | RDB_ENC_LZF);
        self.len(z.len() as u64);
        self.len(raw_len as u64);
        self.out.extend_from_slice(z);
    }
    /// A double as 8 little-endian bytes (`rdbSaveBinaryDoubleValue`).
    fn binary_double(&mut self, x: f64) {
        self.out.extend_from_slice(&x.to_le_bytes());
    }
}

/// A cursor over the snapshot buffer. The buffer is produced by `snapshot` in this module, so
/// running off its end is a bug; it is reported as an I/O error rather than a panic.
struct SnapReader<'a> {
    buf: &'a [u8],
    pos: usize,
}

fn corrupt_snapshot() -> io::Error {
    io::Error::other("internal error: malformed snapshot buffer")
}

impl<'a> SnapReader<'a> {
    fn byte(&mut self) -> io::Result<u8> {
        let b = *self.buf.get(self.pos).ok_or_else(corrupt_snapshot)?;
        self.pos += 1;
        Ok(b)
    }
    fn i64(&mut self) -> io::Result<i64> {
        let s = self.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(i64::from_le_bytes(a))
    }
    fn varint(&mut self) -> io::Result<usize> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v as usize);
            }
            shift += 7;
            if shift > 63 {
                return Err(corrupt_snapshot());
            }
        }
    }
    fn bytes(&mut self, n: usize) -> io::Result<&'a [u8]> {
        let s = self.buf.get(self.pos..self.pos + n).ok_or_else(corrupt_snapshot)?;
        self.pos += n;
        Ok(s)
    }
}

/// Buffers output, keeps the running CRC-64 and counts bytes.
struct RdbWriter<'w, W: Write> {
    w: &'w mut W,
    buf: Vec<u8>,
    crc: u64,
    checksum: bool,
    lzf: Option<lzf::Compressor>,
    scratch: Vec<u8>,
}

const WRITE_BUF: usize = 256 * 1024;

impl<W: Write> RdbWriter<'_, W> {
    fn flush_buf(&mut self) -> io::Result<()> {
        if self.checksum {
            self.crc = crc64(self.crc, &self.buf);
        }
        self.w.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }
    #[inline]
    fn raw(&mut self, data: &[u8]) -> io::Result<()> {
        if self.buf.len() + data.len() > WRITE_BUF {
            self.flush_buf()?;
            if data.len() > WRITE_BUF {
                if self.checksum {
                    self.crc = crc64(self.crc, data);
                }
                return self.w.write_all(data);
            }
        }
        self.buf.extend_from_slice(data);
        Ok(())
    }
    fn byte(&mut self, b: u8) -> io::Result<()> {
        self.raw(&[b])
    }
    fn len(&mut self, n: u64) -> io::Result<()> {
        let (b, k) = len_bytes(n);
        self.raw(&b[..k])
    }
    /// Runs an encoder on the output buffer (flushing it first when it is full).
    fn encode(&mut self, f: impl FnOnce(&mut Enc<'_>)) -> io::Result<()> {
        if self.buf.len() >= WRITE_BUF {
            self.flush_buf()?;
        }
        let mut e = Enc { out: &mut self.buf, lzf: self.lzf.as_mut(), scratch: &mut self.scratch };
        f(&mut e);
        Ok(())
    }
    fn int(&mut self, v: i64) -> io::Result<()> {
        self.encode(|e| e.int(v))
    }
    fn string(&mut self, s: &[u8]) -> io::Result<()> {
        self.encode(|e| e.string(s))
    }
}

/// The value if `s` is an integer Redis would int-encode: canonical decimal within 32 bits.
fn int_encodable(s: &[u8]) -> Option<i64> {
    let first = *s.first()?;
    if !(first.is_ascii_digit() || first == b'-') {
        return None;
    }
    let v = crate::util::num::parse_i64(s)?;
    let mut tmp = [0u8; 20];
    if crate::util::num::fmt_i64(v, &mut tmp) != s || i32::try_from(v).is_err() {
        return None;
    }
    Some(v)
}

impl Snapshot {
    /// `rdbcompression` and `rdbchecksum` (both on by default, as in Redis).
    /// Attach aux fields taken at the same moment as the data (the replication position).
    pub fn with_aux(mut self, aux: Vec<(&'static str, String)>) -> Self {
        self.aux = aux;
        self
    }

    pub fn with_options(mut self, compress: bool, checksum: bool) -> Self {
        self.compress = compress;
        self.checksum = checksum;
        self
    }

    /// Number of keys in the snapshot.
    pub fn keys(&self) -> u64 {
        self.dbs.iter().map(|d| d.keys).sum()
    }

    /// Write a complete RDB version-10 file (header, aux fields incl. the given extra ones such as
    /// repl-id/repl-offset, every db, EOF, CRC64) to `w`.
    pub fn write_to<W: Write>(&self, w: &mut W, extra_aux: &[(&str, String)]) -> io::Result<()> {
        let mut out = RdbWriter {
            w,
            buf: Vec::with_capacity(WRITE_BUF),
            crc: 0,
            checksum: self.checksum,
            lzf: self.compress.then(lzf::Compressor::new),
            scratch: Vec::new(),
        };
        out.raw(format!("REDIS{RDB_VERSION:04}").as_bytes())?;
        let ctime = crate::util::now_ms() / 1000;
        let aux: [(&str, String); 4] = [
            ("redis-ver", crate::REDIS_VERSION.to_string()),
            ("redis-bits", (usize::BITS).to_string()),
            ("ctime", ctime.to_string()),
            ("used-mem", self.used_mem.to_string()),
        ];
        for (k, v) in aux
            .iter()
            .chain(self.aux.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>().iter())
            .chain(extra_aux.iter())
        {
            out.byte(OP_AUX)?;
            out.string(k.as_bytes())?;
            out.string(v.as_bytes())?;
        }
        out.byte(OP_AUX)?;
        out.string(b"aof-base")?;
        out.string(b"0")?;
        for db in &self.dbs {
            out.byte(OP_SELECTDB)?;
            out.len(db.index as u64)?;
            out.byte(OP_RESIZEDB)?;
            out.len(db.keys)?;
            out.len(db.expires)?;
            let mut r = SnapReader { buf: self.buf.get(db.start..db.end).ok_or_else(corrupt_snapshot)?, pos: 0 };
            while r.pos < r.buf.len() {
                let tag = r.byte()?;
                if tag & SNAP_HAS_EXPIRE != 0 {
                    let at = r.i64()?;
                    out.byte(OP_EXPIRETIME_MS)?;
                    out.raw(&at.to_le_bytes())?;
                }
                let klen = r.varint()?;
                let key = r.bytes(klen)?;
                if tag & !SNAP_HAS_EXPIRE == SNAP_OBJ {
                    let t = r.byte()?;
                    let n = r.i64()? as usize;
                    let v = r.bytes(n)?;
                    out.byte(t)?;
                    out.string(key)?;
                    out.raw(v)?;
                    continue;
                }
                out.byte(RDB_TYPE_STRING)?;
                out.string(key)?;
                match tag & !SNAP_HAS_EXPIRE {
                    SNAP_STR => {
                        let vlen = r.varint()?;
                        let v = r.bytes(vlen)?;
                        out.string(v)?;
                    }
                    SNAP_INT => {
                        let v = r.i64()?;
                        out.int(v)?;
                    }
                    _ => return Err(corrupt_snapshot()),
                }
            }
        }
        out.byte(OP_EOF)?;
        out.flush_buf()?;
        let crc = if self.checksum { out.crc } else { 0 };
        out.w.write_all(&crc.to_le_bytes())?;
        out.w.flush()
    }
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/// Reads exactly the bytes asked for (so a socket positioned after the RDB payload is left
/// there), counting the offset and the running CRC-64.
struct RdbReader<'r, R: Read> {
    r: &'r mut R,
    offset: u64,
    crc: u64,
}

impl<R: Read> RdbReader<'_, R> {
    fn err(&self, msg: impl Into<String>) -> RdbError {
        RdbError { offset: self.offset, msg: msg.into() }
    }

    fn fill(&mut self, buf: &mut [u8], what: &str) -> Result<(), RdbError> {
        let mut done = 0;
        while done < buf.len() {
            match self.r.read(&mut buf[done..]) {
                Ok(0) => {
                    self.offset += done as u64;
                    return Err(self.err(format!("Unexpected end of file reading {what}")));
                }
                Ok(n) => done += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.offset += done as u64;
                    return Err(self.err(format!("I/O error reading {what}: {e}")));
                }
            }
        }
        self.crc = crc64(self.crc, buf);
        self.offset += buf.len() as u64;
        Ok(())
    }

    fn u8(&mut self, what: &str) -> Result<u8, RdbError> {
        let mut b = [0u8; 1];
        self.fill(&mut b, what)?;
        Ok(b[0])
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], RdbError> {
        let mut b = [0u8; N];
        self.fill(&mut b, what)?;
        Ok(b)
    }

    /// A length, or the encoding marker of a specially encoded string (`Err(enc)` inside Ok).
    fn len_or_enc(&mut self, what: &str) -> Result<Result<u64, u8>, RdbError> {
        let b = self.u8(what)?;
        Ok(match b >> 6 {
            0 => Ok(u64::from(b & 0x3f)),
            1 => Ok((u64::from(b & 0x3f) << 8) | u64::from(self.u8(what)?)),
            RDB_ENCVAL => Err(b & 0x3f),
            _ if b == RDB_32BITLEN => Ok(u64::from(u32::from_be_bytes(self.array(what)?))),
            _ if b == RDB_64BITLEN => Ok(u64::from_be_bytes(self.array(what)?)),
            _ => return Err(self.err(format!("Unknown length encoding {b} in {what}"))),
        })
    }

    fn len(&mut self, what: &str) -> Result<u64, RdbError> {
        match self.len_or_enc(what)? {
            Ok(n) => Ok(n),
            Err(_) => Err(self.err(format!("Unexpected encoded string where a length was expected ({what})"))),
        }
    }

    /// `n` bytes into `v` (replacing its content), read in bounded chunks so a corrupt `n`
    /// fails at end of file rather than allocating it up front.
    fn bytes_into(&mut self, n: u64, v: &mut Vec<u8>, what: &str) -> Result<(), RdbError> {
        let n = usize::try_from(n).map_err(|_| self.err(format!("Impossible length {n} for {what}")))?;
        v.clear();
        while v.len() < n {
            let take = (n - v.len()).min(READ_CHUNK);
            let at = v.len();
            v.resize(at + take, 0);
            self.fill(&mut v[at..], what)?;
        }
        Ok(())
    }

    fn bytes(&mut self, n: u64, what: &str) -> Result<Vec<u8>, RdbError> {
        let mut v = Vec::new();
        self.bytes_into(n, &mut v, what)?;
        Ok(v)
    }

    fn string(&mut self, what: &str) -> Result<Vec<u8>, RdbError> {
        let mut v = Vec::new();
        self.string_into(&mut v, what)?;
        Ok(v)
    }

    /// A string in any encoding (plain, INT8/16/32, LZF) into `out`, whose allocation is reused
    /// from one key to the next.
    fn string_into(&mut self, out: &mut Vec<u8>, what: &str) -> Result<(), RdbError> {
        let int = match self.len_or_enc(what)? {
            Ok(n) => return self.bytes_into(n, out, what),
            Err(RDB_ENC_INT8) => i64::from(self.u8(what)? as i8),
            Err(RDB_ENC_INT16) => i64::from(i16::from_le_bytes(self.array(what)?)),
            Err(RDB_ENC_INT32) => i64::from(i32::from_le_bytes(self.array(what)?)),
            Err(RDB_ENC_LZF) => {
                let clen = self.len(what)?;
                let len = self.len(what)?;
                let at = self.offset;
                if clen == 0 || len > clen.saturating_mul(lzf::MAX_RATIO as u64) {
                    return Err(self.err(format!("Impossible LZF lengths ({clen} compressed, {len} plain) in {what}")));
                }
                let data = self.bytes(clen, what)?;
                *out = lzf::decompress(&data, len as usize)
                    .map_err(|m| RdbError { offset: at, msg: format!("Invalid LZF data in {what}: {m}") })?;
                return Ok(());
            }
            Err(enc) => return Err(self.err(format!("Unknown string encoding {enc} in {what}"))),
        };
        let mut tmp = [0u8; 20];
        out.clear();
        out.extend_from_slice(crate::util::num::fmt_i64(int, &mut tmp));
        Ok(())
    }
}

/// Redis's names for the RDB value types, for error messages.
pub fn type_name(t: u8) -> Option<&'static str> {
    Some(match t {
        0 => "string",
        1 => "list",
        2 => "set",
        3 => "zset",
        4 => "hash",
        5 => "zset v2",
        6 => "module pre-GA",
        7 => "module v2",
        9 => "hash zipmap",
        10 => "list ziplist",
        11 => "set intset",
        12 => "zset ziplist",
        13 => "hash ziplist",
        14 => "list quicklist",
        15 => "stream",
        16 => "hash listpack",
        17 => "zset listpack",
        18 => "list quicklist v2",
        19 => "stream v2",
        20 => "set listpack",
        21 => "stream v3",
        22 => "hash with field TTLs pre-GA",
        23 => "hash listpack with field TTLs pre-GA",
        24 => "hash with field TTLs",
        25 => "hash listpack with field TTLs",
        _ => return None,
    })
}

/// A module's 9-character name from its 64-bit type id (Redis's `moduleTypeNameByID`).
fn module_name(id: u64) -> String {
    const CSET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut id = id >> 10;
    let mut name = [0u8; 9];
    for j in 0..9 {
        name[8 - j] = CSET[(id & 63) as usize];
        id >>= 6;
    }
    String::from_utf8_lossy(&name).into_owned()
}

/// A loaded value, ready to store (strings borrow the loader's reusable buffer).
enum Loaded<'a> {
    Str(&'a [u8]),
    Obj(Box<Object>),
    /// An empty collection: Redis skips such keys (with a warning) rather than failing.
    Empty,
}

const RDB_TYPE_STREAM_LISTPACKS: u8 = 15;
const RDB_TYPE_STREAM_LISTPACKS_2: u8 = 19;
const RDB_TYPE_STREAM_LISTPACKS_3: u8 = 21;

/// A well-formed listpack with no element.
fn empty_listpack(b: &[u8]) -> bool {
    b == [7, 0, 0, 0, 0, 0, 0xFF]
}

/// A well-formed ziplist with no entry.
fn empty_ziplist(b: &[u8]) -> bool {
    b == [11, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0xFF]
}

/// A corrupt-value error at `offset` (where the value's data starts).
fn corrupt(offset: u64, t: u8, why: &str) -> RdbError {
    RdbError { offset, msg: format!("Corrupt {} value (RDB type {t}): {why}", type_name(t).unwrap_or("unknown")) }
}

/// Read one value of RDB type `t`. Each type is one function; those this server cannot hold
/// are a clear error naming the type and the offset.
fn load_value<'a, R: Read>(
    r: &mut RdbReader<R>,
    t: u8,
    type_offset: u64,
    scratch: &'a mut Vec<u8>,
    lim: &Limits,
) -> Result<Loaded<'a>, RdbError> {
    let obj = match t {
        RDB_TYPE_STRING => return load_string(r, scratch),
        list::RDB_TYPE_LIST
        | list::RDB_TYPE_LIST_ZIPLIST
        | list::RDB_TYPE_LIST_QUICKLIST
        | list::RDB_TYPE_LIST_QUICKLIST_2 => list::load(r, t, &lim.list)?,
        set::RDB_TYPE_SET | set::RDB_TYPE_SET_INTSET | set::RDB_TYPE_SET_LISTPACK => {
            set::load(r, t, lim.set_max_intset_entries)?
        }
        hash::RDB_TYPE_HASH
        | hash::RDB_TYPE_HASH_ZIPMAP
        | hash::RDB_TYPE_HASH_ZIPLIST
        | hash::RDB_TYPE_HASH_LISTPACK => hash::load(r, t, &lim.hash)?,
        zset::RDB_TYPE_ZSET | zset::RDB_TYPE_ZSET_2 | zset::RDB_TYPE_ZSET_ZIPLIST | zset::RDB_TYPE_ZSET_LISTPACK => {
            zset::load(r, t, &lim.zset)?
        }
        22..=25 => {
            return Err(RdbError {
                offset: type_offset,
                msg: format!(
                    "RDB value type {t} ({}) is not supported by this server (hash field expiration is Redis 7.4's)",
                    type_name(t).unwrap_or("hash with field TTLs")
                ),
            });
        }
        RDB_TYPE_MODULE_PRE_GA | RDB_TYPE_MODULE_2 => {
            let id = r.len("module type id")?;
            return Err(RdbError {
                offset: type_offset,
                msg: format!(
                    "RDB value type {t} (module value of module '{}') is not supported by this server",
                    module_name(id)
                ),
            });
        }
        RDB_TYPE_STREAM_LISTPACKS | RDB_TYPE_STREAM_LISTPACKS_2 | RDB_TYPE_STREAM_LISTPACKS_3 => {
            return Err(RdbError {
                offset: type_offset,
                msg: format!(
                    "RDB value type {t} ({}) is not supported yet by this server",
                    type_name(t).unwrap_or("stream")
                ),
            });
        }
        _ => {
            return Err(RdbError {
                offset: type_offset,
                msg: match type_name(t) {
                    Some(name) => format!("RDB value type {t} ({name}) is not supported yet by this server"),
                    None => format!("Unknown RDB value type {t}"),
                },
            });
        }
    };
    Ok(obj.map_or(Loaded::Empty, |o| Loaded::Obj(Box::new(o))))
}

fn load_string<'a, R: Read>(r: &mut RdbReader<R>, scratch: &'a mut Vec<u8>) -> Result<Loaded<'a>, RdbError> {
    r.string_into(scratch, "a string value")?;
    Ok(Loaded::Str(scratch))
}

/// What a load found besides the keys.
#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadStats {
    pub loaded: u64,
    pub expired: u64,
}

/// Load an RDB stream into `ks` (which the caller has emptied). `keep_expired`: a replica loading its
/// master's snapshot keeps already-expired keys. Returns the aux fields (e.g. "repl-id", "repl-offset").
pub fn load_into<R: Read>(
    ks: &mut Keyspace,
    r: &mut R,
    now_ms: i64,
    keep_expired: bool,
) -> Result<HashMap<String, Vec<u8>>, RdbError> {
    load_with_stats(ks, r, now_ms, keep_expired).map(|(aux, _)| aux)
}

/// [`load_into`], also returning how many keys were loaded and dropped as expired.
pub fn load_with_stats<R: Read>(
    ks: &mut Keyspace,
    r: &mut R,
    now_ms: i64,
    keep_expired: bool,
) -> Result<(HashMap<String, Vec<u8>>, LoadStats), RdbError> {
    let mut r = RdbReader { r, offset: 0, crc: 0 };
    let header: [u8; 9] = r.array("the header")?;
    if &header[..5] != b"REDIS" {
        return Err(RdbError { offset: 0, msg: "Wrong signature trying to load DB from file".into() });
    }
    // atoi(): the leading digits, 0 when there are none.
    let version = header[5..].iter().take_while(|b| b.is_ascii_digit()).fold(0u32, |v, b| v * 10 + u32::from(b - b'0'));
    if !(1..=RDB_MAX_LOAD_VERSION).contains(&version) {
        return Err(RdbError { offset: 5, msg: format!("Can't handle RDB format version {version}") });
    }
    let mut aux = HashMap::new();
    let mut stats = LoadStats::default();
    let mut db = 0usize;
    let mut expire: Option<i64> = None;
    let mut warned_functions = false;
    let (mut key, mut scratch) = (Vec::new(), Vec::new());
    loop {
        let op_offset = r.offset;
        let op = r.u8("an opcode")?;
        match op {
            OP_EXPIRETIME => {
                let secs = i32::from_le_bytes(r.array("an expire time")?);
                expire = Some(i64::from(secs) * 1000);
            }
            OP_EXPIRETIME_MS => expire = Some(i64::from_le_bytes(r.array("an expire time")?)),
            OP_FREQ => {
                r.u8("an LFU frequency")?;
            }
            OP_IDLE => {
                r.len("an LRU idle time")?;
            }
            OP_EOF => break,
            OP_SELECTDB => {
                let n = r.len("a database number")?;
                if n >= ks.dbs.len() as u64 {
                    return Err(RdbError {
                        offset: op_offset,
                        msg: format!(
                            "Data file was created with a Redis server configured to handle more than {} databases (it selects db {n})",
                            ks.dbs.len()
                        ),
                    });
                }
                db = n as usize;
            }
            OP_RESIZEDB => {
                // Only a hint; never allocate from a number the file merely declares.
                r.len("a database size hint")?;
                r.len("an expires size hint")?;
            }
            OP_SLOT_INFO => {
                for what in ["a slot id", "a slot size", "a slot expires size"] {
                    r.len(what)?;
                }
            }
            OP_AUX => {
                let k = r.string("an aux field name")?;
                let v = r.string("an aux field value")?;
                let name = String::from_utf8_lossy(&k).into_owned();
                match name.as_str() {
                    "redis-ver" => log::info!("Loading RDB produced by version {}", String::from_utf8_lossy(&v)),
                    n if n.starts_with('%') => log::info!("RDB '{n}': {}", String::from_utf8_lossy(&v)),
                    _ => {}
                }
                aux.insert(name, v);
            }
            OP_MODULE_AUX => {
                let id = r.len("a module id")?;
                return Err(RdbError {
                    offset: op_offset,
                    msg: format!(
                        "The RDB file contains AUX module data I can't load: no matching module '{}'",
                        module_name(id)
                    ),
                });
            }
            OP_FUNCTION2 | OP_FUNCTION_PRE_GA => {
                if op == OP_FUNCTION2 {
                    r.string("a function library")?;
                } else {
                    r.string("a function library name")?;
                    r.string("a function engine name")?;
                    if r.len("a function description flag")? != 0 {
                        r.string("a function description")?;
                    }
                    r.string("a function library")?;
                }
                if !warned_functions {
                    warned_functions = true;
                    log::warn!("The RDB file contains function libraries: functions are not supported, skipped");
                }
            }
            t => {
                r.string_into(&mut key, "a key")?;
                let lim = ks.limits;
                let val = load_value(&mut r, t, op_offset, &mut scratch, &lim)?;
                let at = expire.take();
                if let Loaded::Empty = val {
                    log::warn!("rdbLoadObject skipping empty key: {}", String::from_utf8_lossy(&key));
                    continue;
                }
                if !keep_expired && at.is_some_and(|at| at < now_ms) {
                    stats.expired += 1;
                    continue;
                }
                let exp = at.map_or(Expire::Clear, Expire::At);
                let existed = match val {
                    Loaded::Str(s) => ks.dbs[db].load(&key, crate::database::str_value(s), exp),
                    Loaded::Obj(o) => ks.dbs[db].load(&key, NewVal::Obj(o), exp),
                    Loaded::Empty => false,
                };
                if existed {
                    return Err(RdbError {
                        offset: op_offset,
                        msg: format!("RDB has duplicated key '{}' in DB {db}", String::from_utf8_lossy(&key)),
                    });
                }
                stats.loaded += 1;
            }
        }
    }
    if version >= 5 {
        let expected = r.crc;
        let at = r.offset;
        let got = u64::from_le_bytes(r.array("the checksum")?);
        if got == 0 {
            log::warn!("RDB file was saved with checksum disabled: no check performed.");
        } else if got != expected {
            return Err(RdbError {
                offset: at,
                msg: format!("Wrong RDB checksum expected: ({expected:x}) but got ({got:x})"),
            });
        }
    }
    Ok((aux, stats))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn len_bytes(n: u64) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = RdbWriter { w: &mut out, buf: Vec::new(), crc: 0, checksum: true, lzf: None, scratch: Vec::new() };
        w.len(n).expect("len");
        w.flush_buf().expect("flush");
        out
    }

    fn read_len(b: &[u8]) -> (u64, u64) {
        let mut s = b;
        let mut r = RdbReader { r: &mut s, offset: 0, crc: 0 };
        let n = r.len("test").expect("len");
        (n, r.offset)
    }

    #[test]
    fn length_encodings() {
        let cases: &[(u64, &[u8])] = &[
            (0, &[0x00]),
            (63, &[0x3f]),
            (64, &[0x40, 0x40]),
            (16383, &[0x7f, 0xff]),
            (16384, &[0x80, 0x00, 0x00, 0x40, 0x00]),
            (u64::from(u32::MAX), &[0x80, 0xff, 0xff, 0xff, 0xff]),
            (1 << 32, &[0x81, 0, 0, 0, 1, 0, 0, 0, 0]),
        ];
        for &(n, enc) in cases {
            assert_eq!(len_bytes(n), enc, "encoding {n}");
            assert_eq!(read_len(enc), (n, enc.len() as u64), "decoding {n}");
        }
    }

    #[test]
    fn integer_strings() {
        let mut out = Vec::new();
        let mut w = RdbWriter { w: &mut out, buf: Vec::new(), crc: 0, checksum: true, lzf: None, scratch: Vec::new() };
        for s in ["0", "-128", "127", "128", "-32768", "32767", "2000000000", "-2147483648", "2147483648", "007", "+5"]
        {
            w.string(s.as_bytes()).expect("string");
        }
        w.flush_buf().expect("flush");
        assert_eq!(&out[..13], &[0xc0, 0x00, 0xc0, 0x80, 0xc0, 0x7f, 0xc1, 0x80, 0x00, 0xc1, 0x00, 0x80, 0xc1][..]);
        let mut s = &out[..];
        let mut r = RdbReader { r: &mut s, offset: 0, crc: 0 };
        for want in
            ["0", "-128", "127", "128", "-32768", "32767", "2000000000", "-2147483648", "2147483648", "007", "+5"]
        {
            assert_eq!(r.string("test").expect("string"), want.as_bytes());
        }
    }

    #[test]
    fn huge_declared_lengths_fail_without_allocating() {
        let data = [0x81u8, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, b'x'];
        let mut s = &data[..];
        let mut r = RdbReader { r: &mut s, offset: 0, crc: 0 };
        let e = r.string("test").expect_err("must fail");
        assert!(e.msg.contains("Unexpected end of file"), "{e}");
        let lzf = [0xc3u8, 0x02, 0x81, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
        let mut s = &lzf[..];
        let mut r = RdbReader { r: &mut s, offset: 0, crc: 0 };
        assert!(r.string("test").expect_err("must fail").msg.contains("Impossible LZF"));
    }

    #[test]
    fn module_names() {
        // "MyType123" encoded as Redis does, with encoding version 5 in the low 10 bits.
        let cset = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut id = 0u64;
        for c in b"MyType123" {
            id = (id << 6) | cset.iter().position(|x| x == c).expect("in set") as u64;
        }
        assert_eq!(module_name((id << 10) | 5), "MyType123");
    }
}

#[cfg(test)]
#[path = "rdb/tests.rs"]
mod collection_tests;
