//! Sorted sets in RDB: saved as Redis 7.0 does (listpack blob, or ZSET_2: a count then member
//! strings with binary double scores, highest first); loaded from the string-score zset, zset2,
//! ziplist and listpack encodings into the form 7.0 holds under the current
//! `zset-max-listpack-*`.

use std::io::Read;

use super::{Enc, RdbError, RdbReader, corrupt};
use crate::database::Object;
use crate::database::encoding::{zset_from_listpack, zset_from_ziplist};
use crate::database::listpack::LpVal;
use crate::database::zset::{ZSet, ZsetLimits};

pub const RDB_TYPE_ZSET: u8 = 3;
pub const RDB_TYPE_ZSET_2: u8 = 5;
pub const RDB_TYPE_ZSET_ZIPLIST: u8 = 12;
pub const RDB_TYPE_ZSET_LISTPACK: u8 = 17;

pub(super) fn save(z: &ZSet, e: &mut Enc<'_>) -> u8 {
    if let Some(lp) = z.listpack() {
        e.string(lp.as_bytes());
        return RDB_TYPE_ZSET_LISTPACK;
    }
    e.len(z.len() as u64);
    // From the greatest to the smallest, as Redis (a loader inserting at the head is fast).
    z.visit(0, z.len(), true, |m, s| {
        match m {
            LpVal::Str(b) => e.string(b),
            LpVal::Int(i) => e.int(i),
        }
        e.binary_double(s);
        true
    });
    RDB_TYPE_ZSET_2
}

/// A score saved as a string (`rdbLoadDoubleValue`): a length byte (253 nan, 254 +inf,
/// 255 -inf) then that many characters.
fn string_score<R: Read>(r: &mut RdbReader<R>) -> Result<f64, RdbError> {
    let n = r.u8("a zset score")?;
    Ok(match n {
        253 => f64::NAN,
        254 => f64::INFINITY,
        255 => f64::NEG_INFINITY,
        _ => {
            let b = r.bytes(u64::from(n), "a zset score")?;
            std::str::from_utf8(&b).ok().and_then(|s| s.trim().parse::<f64>().ok()).unwrap_or(f64::NAN)
        }
    })
}

/// A zset of RDB type `t`; None when empty (the key is skipped).
pub(super) fn load<R: Read>(r: &mut RdbReader<R>, t: u8, lim: &ZsetLimits) -> Result<Option<Object>, RdbError> {
    if t == RDB_TYPE_ZSET || t == RDB_TYPE_ZSET_2 {
        let n = r.len("a zset length")?;
        if n == 0 {
            return Ok(None);
        }
        // Loaded into the tree form, then converted when small enough (as Redis 7.0).
        let mut z = ZSet::with_hint(usize::MAX, usize::MAX, lim);
        let mut m = Vec::new();
        for _ in 0..n {
            let at = r.offset;
            r.string_into(&mut m, "a zset member")?;
            let score =
                if t == RDB_TYPE_ZSET_2 { f64::from_le_bytes(r.array("a zset score")?) } else { string_score(r)? };
            if score.is_nan() {
                return Err(corrupt(at, t, "zset with a NaN score"));
            }
            if z.insert(&m, score, lim).is_some() {
                return Err(corrupt(at, t, "duplicate zset member"));
            }
        }
        z.shrink_if_small(lim);
        return Ok(Some(Object::ZSet(z)));
    }
    let at = r.offset;
    let blob = r.string("a zset blob")?;
    let z = if t == RDB_TYPE_ZSET_ZIPLIST {
        if super::empty_ziplist(&blob) {
            return Ok(None);
        }
        zset_from_ziplist(&blob, lim)
    } else {
        if super::empty_listpack(&blob) {
            return Ok(None);
        }
        zset_from_listpack(&blob, lim)
    };
    z.map(|z| Some(Object::ZSet(z))).map_err(|e| corrupt(at, t, e.0))
}
