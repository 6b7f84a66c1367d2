//! Lists in RDB: saved as Redis 7.0 does (QUICKLIST_2: per node a container tag, then the
//! listpack blob, the plain element, or the node's LZF data as an LZF string); loaded from
//! every list encoding Redis ever wrote (plain list, ziplist, quicklist of ziplists, quicklist
//! of listpacks).

use std::io::Read;

use super::{Enc, RdbError, RdbReader, corrupt};
use crate::database::Object;
use crate::database::encoding::{list_from_ziplist, list_node_from_ziplist};
use crate::database::listpack::Listpack;
use crate::database::quicklist::{ListLimits, NodeData, Quicklist};

pub const RDB_TYPE_LIST: u8 = 1;
pub const RDB_TYPE_LIST_ZIPLIST: u8 = 10;
pub const RDB_TYPE_LIST_QUICKLIST: u8 = 14;
pub const RDB_TYPE_LIST_QUICKLIST_2: u8 = 18;

const CONTAINER_PLAIN: u64 = 1;
const CONTAINER_PACKED: u64 = 2;

pub(super) fn save(l: &Quicklist, e: &mut Enc<'_>) -> u8 {
    e.len(l.node_count() as u64);
    for node in l.nodes() {
        match node {
            NodeData::Packed(lp) => {
                e.len(CONTAINER_PACKED);
                e.string(lp.as_bytes());
            }
            NodeData::Plain(v) => {
                e.len(CONTAINER_PLAIN);
                e.string(v);
            }
            NodeData::Compressed { lzf, raw, plain } => {
                e.len(if *plain { CONTAINER_PLAIN } else { CONTAINER_PACKED });
                e.lzf_blob(lzf, *raw);
            }
        }
    }
    RDB_TYPE_LIST_QUICKLIST_2
}

/// A list of RDB type `t`; None when it holds no element (the key is skipped).
pub(super) fn load<R: Read>(r: &mut RdbReader<R>, t: u8, lim: &ListLimits) -> Result<Option<Object>, RdbError> {
    let mut q = Quicklist::new(*lim);
    match t {
        RDB_TYPE_LIST => {
            let n = r.len("a list length")?;
            let mut v = Vec::new();
            for _ in 0..n {
                r.string_into(&mut v, "a list element")?;
                q.push(false, &v);
            }
        }
        RDB_TYPE_LIST_ZIPLIST => {
            let at = r.offset;
            let blob = r.string("a ziplist")?;
            q = list_from_ziplist(&blob, *lim).map_err(|e| corrupt(at, t, e.0))?;
        }
        _ => {
            let nodes = r.len("a quicklist node count")?;
            for _ in 0..nodes {
                let container = if t == RDB_TYPE_LIST_QUICKLIST_2 {
                    let at = r.offset;
                    let c = r.len("a quicklist container")?;
                    if c != CONTAINER_PLAIN && c != CONTAINER_PACKED {
                        return Err(corrupt(at, t, "unknown quicklist node container"));
                    }
                    c
                } else {
                    CONTAINER_PACKED
                };
                let at = r.offset;
                let blob = r.string("a quicklist node")?;
                let data = if container == CONTAINER_PLAIN {
                    NodeData::Plain(blob)
                } else if t == RDB_TYPE_LIST_QUICKLIST_2 {
                    NodeData::Packed(Listpack::from_blob(blob).map_err(|e| corrupt(at, t, e.0))?)
                } else {
                    list_node_from_ziplist(&blob).map_err(|e| corrupt(at, t, e.0))?
                };
                q.append_node(data).map_err(|e| corrupt(at, t, e.0))?;
            }
        }
    }
    Ok((!q.is_empty()).then(|| Object::List(Box::new(q))))
}
