//! Sets in RDB: saved as Redis 7.0 does (intset blob, or a count then the members); loaded from
//! the plain set, the intset and Redis 7.2's listpack set, into the form 7.0 holds under the
//! current `set-max-intset-entries`.

use std::io::Read;

use super::{Enc, RdbError, RdbReader, corrupt};
use crate::database::Object;
use crate::database::encoding::{set_from_intset, set_from_listpack};
use crate::database::intset::Intset;
use crate::database::set::Set;

pub const RDB_TYPE_SET: u8 = 2;
pub const RDB_TYPE_SET_INTSET: u8 = 11;
pub const RDB_TYPE_SET_LISTPACK: u8 = 20;

pub(super) fn save(s: &Set, e: &mut Enc<'_>) -> u8 {
    match s {
        Set::Intset(is) => {
            e.string(is.as_bytes());
            RDB_TYPE_SET_INTSET
        }
        Set::Table(_) => {
            e.len(s.len() as u64);
            for m in s.iter() {
                e.element(m);
            }
            RDB_TYPE_SET
        }
    }
}

/// A set of RDB type `t`; None when empty (the key is skipped).
pub(super) fn load<R: Read>(r: &mut RdbReader<R>, t: u8, max_intset: usize) -> Result<Option<Object>, RdbError> {
    match t {
        RDB_TYPE_SET => {
            let n = r.len("a set length")?;
            if n == 0 {
                return Ok(None);
            }
            // As setTypeCreate for a known size: an intset only when it may stay one.
            let mut s = if n > max_intset as u64 { Set::new_table() } else { Set::Intset(Intset::new()) };
            let mut m = Vec::new();
            for _ in 0..n {
                let at = r.offset;
                r.string_into(&mut m, "a set member")?;
                if !s.add(&m, max_intset) {
                    return Err(corrupt(at, t, "duplicate set member"));
                }
            }
            Ok(Some(Object::Set(s)))
        }
        _ => {
            let at = r.offset;
            let blob = r.string(if t == RDB_TYPE_SET_INTSET { "an intset" } else { "a listpack" })?;
            if is_empty_blob(&blob, t) {
                return Ok(None);
            }
            let s = if t == RDB_TYPE_SET_INTSET {
                set_from_intset(&blob, max_intset)
            } else {
                set_from_listpack(&blob, max_intset)
            };
            s.map(|s| Some(Object::Set(s))).map_err(|e| corrupt(at, t, e.0))
        }
    }
}

/// An intset or listpack blob that is well formed but holds nothing (skipped, as Redis does).
fn is_empty_blob(blob: &[u8], t: u8) -> bool {
    if t == RDB_TYPE_SET_INTSET {
        blob.len() == 8 && blob[4..8] == [0, 0, 0, 0] && matches!(blob[0], 2 | 4 | 8) && blob[1..4] == [0, 0, 0]
    } else {
        super::empty_listpack(blob)
    }
}
