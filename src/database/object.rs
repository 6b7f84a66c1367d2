//! The collection values a key can hold, to replace the empty `Object` of `database.rs` at merge.
//! TYPE and OBJECT ENCODING names are Redis 7.0's.

use crate::database::hash::Hash;
use crate::database::quicklist::Quicklist;
use crate::database::set::Set;
use crate::database::zset::ZSet;

/// The encoding thresholds of every collection type (`hash-max-listpack-*`,
/// `set-max-intset-entries`, `zset-max-listpack-*`, `list-max-listpack-size`,
/// `list-compress-depth` and DEBUG QUICKLIST-PACKED-THRESHOLD), kept in the keyspace so a command
/// reads them under the lock it already holds.
#[derive(Clone, Copy, Debug, Default)]
pub struct Limits {
    pub hash: crate::database::hash::HashLimits,
    pub zset: crate::database::zset::ZsetLimits,
    pub set_max_intset_entries: usize,
    pub list: crate::database::quicklist::ListLimits,
}

pub enum Object {
    List(Box<Quicklist>),
    Hash(Hash),
    Set(Set),
    ZSet(ZSet),
}

impl Object {
    /// TYPE's name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Object::List(_) => "list",
            Object::Hash(_) => "hash",
            Object::Set(_) => "set",
            Object::ZSet(_) => "zset",
        }
    }

    /// OBJECT ENCODING's name: quicklist; listpack or hashtable; intset or hashtable (7.0 has
    /// no listpack sets); listpack or skiplist.
    pub fn encoding(&self) -> &'static str {
        match self {
            Object::List(l) => l.encoding(),
            Object::Hash(h) => h.encoding(),
            Object::Set(s) => s.encoding(),
            Object::ZSet(z) => z.encoding(),
        }
    }

    /// An independent deep copy (COPY).
    pub fn duplicate(&self) -> Box<Object> {
        Box::new(match self {
            Object::List(l) => Object::List(Box::new(l.duplicate())),
            Object::Hash(h) => Object::Hash(h.duplicate()),
            Object::Set(s) => Object::Set(s.duplicate()),
            Object::ZSet(z) => Object::ZSet(z.duplicate()),
        })
    }

    /// Approximate bytes used by the value (MEMORY USAGE), the box included.
    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<Object>()
            + match self {
                Object::List(l) => l.mem_usage(),
                Object::Hash(h) => h.mem_usage() - std::mem::size_of::<Hash>(),
                Object::Set(s) => s.mem_usage() - std::mem::size_of::<Set>(),
                Object::ZSet(z) => z.mem_usage() - std::mem::size_of::<ZSet>(),
            }
    }

    /// Number of elements (LLEN, HLEN, SCARD, ZCARD).
    pub fn len(&self) -> usize {
        match self {
            Object::List(l) => l.len(),
            Object::Hash(h) => h.len(),
            Object::Set(s) => s.len(),
            Object::ZSet(z) => z.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::hash::HashLimits;
    use crate::database::quicklist::ListLimits;
    use crate::database::zset::ZsetLimits;

    #[test]
    fn send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Object>();
    }

    #[test]
    fn sizes() {
        println!(
            "Object {} Hash {} Set {} ZSet {} Listpack {} Quicklist {}",
            std::mem::size_of::<Object>(),
            std::mem::size_of::<Hash>(),
            std::mem::size_of::<Set>(),
            std::mem::size_of::<ZSet>(),
            std::mem::size_of::<crate::database::listpack::Listpack>(),
            std::mem::size_of::<Quicklist>()
        );
    }

    #[test]
    fn names_and_copies() {
        let mut l = Quicklist::new(ListLimits::default());
        l.push(false, b"a");
        let mut h = Hash::new();
        h.set(b"f", b"v", &HashLimits::default());
        let mut s = Set::for_member(b"1");
        s.add(b"1", 512);
        let mut z = ZSet::new();
        z.insert(b"m", 1.0, &ZsetLimits::default());
        let objs = [Object::List(Box::new(l)), Object::Hash(h), Object::Set(s), Object::ZSet(z)];
        let names: Vec<_> = objs.iter().map(|o| (o.type_name(), o.encoding())).collect();
        assert_eq!(names, vec![("list", "quicklist"), ("hash", "listpack"), ("set", "intset"), ("zset", "listpack")]);
        for o in &objs {
            let d = o.duplicate();
            assert_eq!(d.type_name(), o.type_name());
            assert_eq!(d.len(), 1);
            assert!(o.mem_usage() > 0);
        }
        assert!(std::mem::size_of::<Object>() <= 32, "{}", std::mem::size_of::<Object>());
    }
}
