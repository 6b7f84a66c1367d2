//! DUMP and RESTORE payloads: a value's RDB encoding (type byte and value), the 2-byte RDB
//! version (little endian) and the CRC-64 of all that (little endian), as Redis 7.0's
//! `createDumpPayload` / `verifyDumpPayload`.

use super::{Enc, Loaded, RDB_TYPE_STRING, RDB_VERSION, RdbReader, load_value, save_object};
use crate::database::{Limits, Object, Val};
use crate::util::crc64::crc64;
use crate::util::lzf;

/// Why a payload was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DumpError {
    /// Too short, a newer RDB version, or a wrong checksum.
    VersionOrChecksum,
    /// The value does not decode (the reason, for the log).
    BadFormat(String),
}

/// A restored value.
pub enum Restored {
    Str(Vec<u8>),
    Obj(Box<Object>),
}

/// The DUMP payload of a value; `compress` is `rdbcompression`.
pub fn create_dump_payload(v: Val<'_, Object>, compress: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut lzf = compress.then(lzf::Compressor::new);
    let mut scratch = Vec::new();
    out.push(RDB_TYPE_STRING);
    let mut e = Enc { out: &mut out, lzf: lzf.as_mut(), scratch: &mut scratch };
    match v {
        Val::Str(s) => e.string(s),
        Val::Int(i) => e.int(i),
        Val::Obj(o) => {
            let t = save_object(o, &mut e);
            out[0] = t;
        }
    }
    out.extend_from_slice(&(RDB_VERSION as u16).to_le_bytes());
    let crc = crc64(0, &out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Checks the version and checksum of a payload and decodes its value (under the current
/// collection thresholds).
pub fn restore_payload(p: &[u8], lim: &Limits) -> Result<Restored, DumpError> {
    if p.len() < 10 {
        return Err(DumpError::VersionOrChecksum);
    }
    let (body, footer) = p.split_at(p.len() - 10);
    let version = u16::from_le_bytes([footer[0], footer[1]]);
    if u32::from(version) > RDB_VERSION {
        return Err(DumpError::VersionOrChecksum);
    }
    let mut crc = [0u8; 8];
    crc.copy_from_slice(&footer[2..]);
    if crc64(0, &p[..p.len() - 8]) != u64::from_le_bytes(crc) {
        return Err(DumpError::VersionOrChecksum);
    }
    let mut src = body;
    let mut r = RdbReader { r: &mut src, offset: 0, crc: 0 };
    let bad = |e: super::RdbError| DumpError::BadFormat(e.to_string());
    let t = r.u8("the value type").map_err(bad)?;
    let mut scratch = Vec::new();
    match load_value(&mut r, t, 0, &mut scratch, lim).map_err(bad)? {
        Loaded::Str(s) => Ok(Restored::Str(s.to_vec())),
        Loaded::Obj(o) => Ok(Restored::Obj(o)),
        Loaded::Empty => Err(DumpError::BadFormat("an empty collection".into())),
    }
}
