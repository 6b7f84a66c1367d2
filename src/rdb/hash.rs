//! Hashes in RDB: saved as Redis 7.0 does (listpack blob, or a count then field, value
//! strings); loaded from the plain hash, zipmap, ziplist and listpack encodings into the form
//! 7.0 holds under the current `hash-max-listpack-*`.

use std::io::Read;

use super::{Enc, RdbError, RdbReader, corrupt};
use crate::database::Object;
use crate::database::encoding::{hash_from_listpack, hash_from_ziplist, hash_from_zipmap};
use crate::database::hash::{Hash, HashLimits};

pub const RDB_TYPE_HASH: u8 = 4;
pub const RDB_TYPE_HASH_ZIPMAP: u8 = 9;
pub const RDB_TYPE_HASH_ZIPLIST: u8 = 13;
pub const RDB_TYPE_HASH_LISTPACK: u8 = 16;

pub(super) fn save(h: &Hash, e: &mut Enc<'_>) -> u8 {
    match h {
        Hash::Listpack(lp) => {
            e.string(lp.as_bytes());
            RDB_TYPE_HASH_LISTPACK
        }
        Hash::Table(_) => {
            e.len(h.len() as u64);
            for (f, v) in h.iter() {
                e.element(f);
                e.element(v);
            }
            RDB_TYPE_HASH
        }
    }
}

/// A hash of RDB type `t`; None when empty (the key is skipped).
pub(super) fn load<R: Read>(r: &mut RdbReader<R>, t: u8, lim: &HashLimits) -> Result<Option<Object>, RdbError> {
    if t == RDB_TYPE_HASH {
        let n = r.len("a hash length")?;
        if n == 0 {
            return Ok(None);
        }
        let mut h = Hash::new();
        if n > lim.max_listpack_entries as u64 {
            h.convert();
        }
        let (mut f, mut v) = (Vec::new(), Vec::new());
        for _ in 0..n {
            let at = r.offset;
            r.string_into(&mut f, "a hash field")?;
            r.string_into(&mut v, "a hash value")?;
            if !h.set(&f, &v, lim) {
                return Err(corrupt(at, t, "duplicate hash field"));
            }
        }
        return Ok(Some(Object::Hash(h)));
    }
    let at = r.offset;
    let blob = r.string("a hash blob")?;
    let h = match t {
        RDB_TYPE_HASH_ZIPMAP => {
            if blob.len() == 2 && blob[1] == 0xFF {
                return Ok(None);
            }
            hash_from_zipmap(&blob, lim)
        }
        RDB_TYPE_HASH_ZIPLIST => {
            if super::empty_ziplist(&blob) {
                return Ok(None);
            }
            hash_from_ziplist(&blob, lim)
        }
        _ => {
            if super::empty_listpack(&blob) {
                return Ok(None);
            }
            hash_from_listpack(&blob, lim)
        }
    };
    h.map(|h| Some(Object::Hash(h))).map_err(|e| corrupt(at, t, e.0))
}
