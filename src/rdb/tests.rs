//! Every encoding a value can have in an RDB file or DUMP payload, hand-built, decoded into the
//! form Redis 7.0 holds under the given thresholds; corrupt values refused with an offset.

// Compiled only for tests (declared `#[cfg(test)]` in rdb.rs); the marker below says so to readers.
#[cfg(test)]
use super::*;
use crate::database::encoding::write_intset;
use crate::database::listpack::Listpack;

fn lim() -> Limits {
    let mut ks = Keyspace::new(1);
    ks.limits.hash.max_listpack_entries = 4;
    ks.limits.zset.max_listpack_entries = 4;
    ks.limits.set_max_intset_entries = 4;
    ks.limits
}

fn rstr(out: &mut Vec<u8>, s: &[u8]) {
    let (b, k) = len_bytes(s.len() as u64);
    out.extend_from_slice(&b[..k]);
    out.extend_from_slice(s);
}

fn rlen(out: &mut Vec<u8>, n: u64) {
    let (b, k) = len_bytes(n);
    out.extend_from_slice(&b[..k]);
}

/// A DUMP payload of RDB type `t` with value `body`.
fn payload(t: u8, body: &[u8]) -> Vec<u8> {
    let mut p = vec![t];
    p.extend_from_slice(body);
    p.extend_from_slice(&(RDB_VERSION as u16).to_le_bytes());
    let crc = crc64(0, &p);
    p.extend_from_slice(&crc.to_le_bytes());
    p
}

fn restore(t: u8, body: &[u8], lim: &Limits) -> Result<Box<Object>, DumpError> {
    match restore_payload(&payload(t, body), lim)? {
        Restored::Obj(o) => Ok(o),
        Restored::Str(_) => panic!("a string"),
    }
}

fn strs(items: &[&str]) -> Vec<Vec<u8>> {
    items.iter().map(|s| s.as_bytes().to_vec()).collect()
}

/// A ziplist of short strings (string-encoded entries, as Redis 2.6+ may write them).
fn ziplist(items: &[&str]) -> Vec<u8> {
    let mut body = Vec::new();
    let (mut prev, mut tail) = (0usize, 10usize);
    for it in items {
        let start = body.len();
        tail = 10 + start;
        body.push(prev as u8);
        body.push(it.len() as u8);
        body.extend_from_slice(it.as_bytes());
        prev = body.len() - start;
    }
    let mut out = Vec::new();
    out.extend_from_slice(&((10 + body.len() + 1) as u32).to_le_bytes());
    out.extend_from_slice(&(tail as u32).to_le_bytes());
    out.extend_from_slice(&(items.len() as u16).to_le_bytes());
    out.extend_from_slice(&body);
    out.push(0xFF);
    out
}

fn zipmap(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut out = vec![pairs.len() as u8];
    for (f, v) in pairs {
        out.push(f.len() as u8);
        out.extend_from_slice(f.as_bytes());
        out.push(v.len() as u8);
        out.push(0);
        out.extend_from_slice(v.as_bytes());
    }
    out.push(0xFF);
    out
}

fn lp(items: &[&str]) -> Vec<u8> {
    Listpack::from_elements(items.iter().map(|s| s.as_bytes())).into_bytes()
}

fn list_of(o: &Object) -> Vec<Vec<u8>> {
    match o {
        Object::List(q) => q.to_vec(false),
        _ => panic!("not a list"),
    }
}

fn sorted_members(o: &Object) -> (&'static str, Vec<Vec<u8>>) {
    match o {
        Object::Set(s) => {
            let mut m: Vec<_> = s.iter().map(|x| x.to_vec()).collect();
            m.sort();
            (s.encoding(), m)
        }
        _ => panic!("not a set"),
    }
}

type Pairs = Vec<(Vec<u8>, Vec<u8>)>;

fn hash_of(o: &Object) -> (&'static str, Pairs) {
    match o {
        Object::Hash(h) => {
            let mut p: Vec<_> = h.iter().map(|(f, v)| (f.to_vec(), v.to_vec())).collect();
            p.sort();
            (h.encoding(), p)
        }
        _ => panic!("not a hash"),
    }
}

fn zset_of(o: &Object) -> (&'static str, Vec<(Vec<u8>, f64)>) {
    match o {
        Object::ZSet(z) => (z.encoding(), z.to_vec(false)),
        _ => panic!("not a zset"),
    }
}

#[test]
fn every_list_encoding_loads() {
    let l = lim();
    let mut plain = Vec::new();
    rlen(&mut plain, 3);
    for s in ["a", "bb", "12"] {
        rstr(&mut plain, s.as_bytes());
    }
    assert_eq!(list_of(&restore(1, &plain, &l).expect("plain")), strs(&["a", "bb", "12"]));
    let mut zl = Vec::new();
    rstr(&mut zl, &ziplist(&["x", "y", "7"]));
    assert_eq!(list_of(&restore(10, &zl, &l).expect("ziplist")), strs(&["x", "y", "7"]));
    // Quicklist of ziplists: an empty node is skipped.
    let mut q = Vec::new();
    rlen(&mut q, 3);
    rstr(&mut q, &ziplist(&["a", "b"]));
    rstr(&mut q, &ziplist(&[]));
    rstr(&mut q, &ziplist(&["c"]));
    assert_eq!(list_of(&restore(14, &q, &l).expect("quicklist")), strs(&["a", "b", "c"]));
    // Quicklist 2: a packed node then a plain node.
    let mut q2 = Vec::new();
    rlen(&mut q2, 2);
    rlen(&mut q2, 2);
    rstr(&mut q2, &lp(&["p", "q"]));
    rlen(&mut q2, 1);
    rstr(&mut q2, b"a big plain element");
    assert_eq!(list_of(&restore(18, &q2, &l).expect("quicklist2")), strs(&["p", "q", "a big plain element"]));
    let mut bad = Vec::new();
    rlen(&mut bad, 1);
    rlen(&mut bad, 3);
    rstr(&mut bad, &lp(&["p"]));
    assert!(matches!(restore(18, &bad, &l), Err(DumpError::BadFormat(_))));
}

#[test]
fn every_set_encoding_loads_under_the_thresholds() {
    let l = lim();
    let plain = |members: &[&str]| {
        let mut b = Vec::new();
        rlen(&mut b, members.len() as u64);
        for m in members {
            rstr(&mut b, m.as_bytes());
        }
        b
    };
    let o = restore(2, &plain(&["3", "1", "2"]), &l).expect("ints");
    assert_eq!(sorted_members(&o), ("intset", strs(&["1", "2", "3"])));
    let o = restore(2, &plain(&["1", "2", "3", "4", "5"]), &l).expect("over the limit");
    assert_eq!(sorted_members(&o).0, "hashtable");
    let o = restore(2, &plain(&["1", "x"]), &l).expect("mixed");
    assert_eq!(sorted_members(&o), ("hashtable", strs(&["1", "x"])));
    assert!(matches!(restore(2, &plain(&["a", "a"]), &l), Err(DumpError::BadFormat(m)) if m.contains("duplicate")));
    let mut is = Vec::new();
    rstr(&mut is, &write_intset([5, -3, 70000]));
    let o = restore(11, &is, &l).expect("intset");
    assert_eq!(sorted_members(&o), ("intset", strs(&["-3", "5", "70000"])));
    let mut big = Vec::new();
    rstr(&mut big, &write_intset(1..=6));
    assert_eq!(sorted_members(&restore(11, &big, &l).expect("big intset")).0, "hashtable");
    // Out of order intset.
    let mut raw = write_intset([1, 2]);
    raw.swap(8, 10);
    let mut bad = Vec::new();
    rstr(&mut bad, &raw);
    assert!(matches!(restore(11, &bad, &l), Err(DumpError::BadFormat(m)) if m.contains("sorted")));
    // Redis 7.2's listpack set becomes what 7.0 holds.
    let mut ls = Vec::new();
    rstr(&mut ls, &lp(&["1", "2"]));
    assert_eq!(sorted_members(&restore(20, &ls, &l).expect("lp set")), ("intset", strs(&["1", "2"])));
    let mut ls = Vec::new();
    rstr(&mut ls, &lp(&["a", "2"]));
    assert_eq!(sorted_members(&restore(20, &ls, &l).expect("lp set")), ("hashtable", strs(&["2", "a"])));
}

#[test]
fn every_hash_encoding_loads_under_the_thresholds() {
    let l = lim();
    let pairs = |p: &[(&str, &str)]| p.iter().map(|(f, v)| (f.as_bytes().to_vec(), v.as_bytes().to_vec())).collect();
    let plain = |p: &[(&str, &str)]| {
        let mut b = Vec::new();
        rlen(&mut b, p.len() as u64);
        for (f, v) in p {
            rstr(&mut b, f.as_bytes());
            rstr(&mut b, v.as_bytes());
        }
        b
    };
    let small = [("a", "1"), ("b", "2")];
    assert_eq!(hash_of(&restore(4, &plain(&small), &l).expect("hash")), ("listpack", pairs(&small)));
    let long = "v".repeat(65);
    let o = restore(4, &plain(&[("a", &long)]), &l).expect("long value");
    assert_eq!(hash_of(&o), ("hashtable", pairs(&[("a", &long)])));
    let many = [("a", "1"), ("b", "2"), ("c", "3"), ("d", "4"), ("e", "5")];
    assert_eq!(hash_of(&restore(4, &plain(&many), &l).expect("many")).0, "hashtable");
    assert!(matches!(restore(4, &plain(&[("a", "1"), ("a", "2")]), &l), Err(DumpError::BadFormat(_))));
    let mut zm = Vec::new();
    rstr(&mut zm, &zipmap(&small));
    assert_eq!(hash_of(&restore(9, &zm, &l).expect("zipmap")), ("listpack", pairs(&small)));
    let mut zl = Vec::new();
    rstr(&mut zl, &ziplist(&["a", "1", "b", "2"]));
    assert_eq!(hash_of(&restore(13, &zl, &l).expect("ziplist")), ("listpack", pairs(&small)));
    let mut hl = Vec::new();
    rstr(&mut hl, &lp(&["a", "1", "b", "2", "c", "3", "d", "4", "e", "5"]));
    assert_eq!(hash_of(&restore(16, &hl, &l).expect("listpack")), ("hashtable", pairs(&many)));
    let mut odd = Vec::new();
    rstr(&mut odd, &lp(&["a", "1", "b"]));
    assert!(matches!(restore(16, &odd, &l), Err(DumpError::BadFormat(_))));
}

#[test]
fn every_zset_encoding_loads_under_the_thresholds() {
    let l = lim();
    let mut z3 = Vec::new();
    rlen(&mut z3, 3);
    for (m, s) in [("a", &b"1.5"[..]), ("b", b""), ("c", b"-2")] {
        rstr(&mut z3, m.as_bytes());
        if s.is_empty() {
            z3.push(254);
        } else {
            z3.push(s.len() as u8);
            z3.extend_from_slice(s);
        }
    }
    let want = vec![(b"c".to_vec(), -2.0), (b"a".to_vec(), 1.5), (b"b".to_vec(), f64::INFINITY)];
    assert_eq!(zset_of(&restore(3, &z3, &l).expect("zset")), ("listpack", want.clone()));
    let z2 = |items: &[(&str, f64)]| {
        let mut b = Vec::new();
        rlen(&mut b, items.len() as u64);
        for (m, s) in items {
            rstr(&mut b, m.as_bytes());
            b.extend_from_slice(&s.to_le_bytes());
        }
        b
    };
    let o = restore(5, &z2(&[("b", f64::INFINITY), ("a", 1.5), ("c", -2.0)]), &l).expect("zset2");
    assert_eq!(zset_of(&o), ("listpack", want));
    let five: Vec<(String, f64)> = (0..5).map(|i| (format!("m{i}"), f64::from(i))).collect();
    let five_ref: Vec<(&str, f64)> = five.iter().map(|(m, s)| (m.as_str(), *s)).collect();
    assert_eq!(zset_of(&restore(5, &z2(&five_ref), &l).expect("big")).0, "skiplist");
    let long = "m".repeat(65);
    assert_eq!(zset_of(&restore(5, &z2(&[(&long, 1.0)]), &l).expect("long")).0, "skiplist");
    assert!(
        matches!(restore(5, &z2(&[("a", f64::NAN)]), &l), Err(DumpError::BadFormat(m)) if m.contains("NaN")),
        "NaN score"
    );
    let mut nan3 = Vec::new();
    rlen(&mut nan3, 1);
    rstr(&mut nan3, b"a");
    nan3.push(253);
    assert!(matches!(restore(3, &nan3, &l), Err(DumpError::BadFormat(_))));
    assert!(matches!(restore(5, &z2(&[("a", 1.0), ("a", 2.0)]), &l), Err(DumpError::BadFormat(_))));
    let mut zl = Vec::new();
    rstr(&mut zl, &ziplist(&["a", "1", "b", "2"]));
    let o = restore(12, &zl, &l).expect("ziplist zset");
    assert_eq!(zset_of(&o), ("listpack", vec![(b"a".to_vec(), 1.0), (b"b".to_vec(), 2.0)]));
    let mut bad = Vec::new();
    rstr(&mut bad, &lp(&["a", "notanumber"]));
    assert!(matches!(restore(17, &bad, &l), Err(DumpError::BadFormat(_))));
}

#[test]
fn lying_blobs_are_refused_not_panics() {
    let l = lim();
    let good = lp(&["a", "1", "b", "2"]);
    for i in 0..good.len() {
        for bit in 0..8 {
            let mut m = good.clone();
            m[i] ^= 1 << bit;
            for t in [16u8, 17, 20] {
                let mut b = Vec::new();
                rstr(&mut b, &m);
                let _ = restore(t, &b, &l);
            }
            let mut q = Vec::new();
            rlen(&mut q, 1);
            rlen(&mut q, 2);
            rstr(&mut q, &m);
            let _ = restore(18, &q, &l);
        }
    }
    let zl = ziplist(&["a", "1"]);
    for i in 0..zl.len() {
        let mut m = zl.clone();
        m[i] = m[i].wrapping_add(3);
        for t in [10u8, 12, 13] {
            let mut b = Vec::new();
            rstr(&mut b, &m);
            let _ = restore(t, &b, &l);
        }
    }
}

/// A file holding `key` of type `t` with `body`.
fn file_with(t: u8, body: &[u8]) -> Vec<u8> {
    let mut f = b"REDIS0010".to_vec();
    f.extend_from_slice(&[OP_SELECTDB, 0, t]);
    rstr(&mut f, b"k");
    f.extend_from_slice(body);
    f.push(OP_EOF);
    let crc = crc64(0, &f);
    f.extend_from_slice(&crc.to_le_bytes());
    f
}

#[test]
fn hash_field_ttls_are_refused_naming_type_and_offset() {
    for t in 22u8..=25 {
        let mut ks = Keyspace::new(1);
        let e = load_into(&mut ks, &mut &file_with(t, b"\x00")[..], 0, false).expect_err("refused");
        assert_eq!(e.offset, 11, "{e}");
        assert!(e.msg.contains(&format!("RDB value type {t}")) && e.msg.contains("hash"), "{e}");
    }
}

#[test]
fn corrupt_values_in_files_name_the_offset_and_empty_ones_are_skipped() {
    let mut ks = Keyspace::new(1);
    let mut b = Vec::new();
    rstr(&mut b, &[1, 2, 3]);
    let e = load_into(&mut ks, &mut &file_with(16, &b)[..], 0, false).expect_err("refused");
    assert_eq!(e.offset, 14, "{e}");
    assert!(e.msg.contains("Corrupt hash listpack value"), "{e}");
    let mut empty = Vec::new();
    rlen(&mut empty, 0);
    let mut ks = Keyspace::new(1);
    load_into(&mut ks, &mut &file_with(2, &empty)[..], 0, false).expect("loads");
    assert_eq!(ks.dbs[0].len(), 0);
}

#[test]
fn saved_collections_load_back_identically() {
    let l = lim();
    let mut ks = Keyspace::new(1);
    ks.limits = l;
    let mut big = Vec::new();
    rlen(&mut big, 300);
    for i in 0..300 {
        rstr(&mut big, format!("element-{i}-{}", "x".repeat(i % 40)).as_bytes());
    }
    let values = [
        restore(1, &big, &l).expect("list"),
        restore(
            2,
            &{
                let mut b = Vec::new();
                rlen(&mut b, 6);
                for m in ["1", "2", "a", "b", "c", "d"] {
                    rstr(&mut b, m.as_bytes());
                }
                b
            },
            &l,
        )
        .expect("set"),
    ];
    for (i, v) in values.into_iter().enumerate() {
        let p = create_dump_payload(Val::Obj(&v), true);
        let back = match restore_payload(&p, &l).expect("restore") {
            Restored::Obj(o) => o,
            Restored::Str(_) => panic!("string"),
        };
        assert_eq!(back.type_name(), v.type_name(), "{i}");
        assert_eq!(back.encoding(), v.encoding(), "{i}");
        match (&*back, &*v) {
            (Object::List(a), Object::List(b)) => assert_eq!(a.to_vec(false), b.to_vec(false)),
            (Object::Set(_), Object::Set(_)) => assert_eq!(sorted_members(&back), sorted_members(&v)),
            _ => panic!("types"),
        }
        ks.dbs[0].load(format!("k{i}").as_bytes(), NewVal::Obj(v), Expire::Clear);
    }
    let mut file = Vec::new();
    snapshot(&ks).write_to(&mut file, &[]).expect("write");
    let mut again = Keyspace::new(1);
    load_into(&mut again, &mut &file[..], 0, false).expect("load");
    assert_eq!(again.dbs[0].len(), 2);
}
