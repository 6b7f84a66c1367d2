//! Test-only: bytes per element of the collection types, measured with a counting allocator
//! (requested bytes, and the same requests rounded to glibc malloc chunks). Run with
//! `cargo test --lib memtest -- --nocapture` to see the figures.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ON: Cell<bool> = const { Cell::new(false) };
    static REQ: Cell<isize> = const { Cell::new(0) };
    static CHUNK: Cell<isize> = const { Cell::new(0) };
}

fn chunk(size: usize) -> isize {
    ((size + 8 + 15) & !15).max(32) as isize
}

fn account(size: usize, sign: isize) {
    let _ = ON.try_with(|on| {
        if on.get() {
            let _ = REQ.try_with(|r| r.set(r.get() + sign * size as isize));
            let _ = CHUNK.try_with(|c| c.set(c.get() + sign * chunk(size)));
        }
    });
}

// SAFETY: every call is forwarded to `System` unchanged; the bookkeeping only touches
// thread-local cells without destructors.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        account(l.size(), 1);
        // SAFETY: forwarded contract.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        account(l.size(), -1);
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        account(l.size(), -1);
        account(new, 1);
        // SAFETY: forwarded contract.
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes (requested, chunk-rounded) allocated on this thread while `f` runs and keeps alive
/// what it returns.
pub fn measure<T>(f: impl FnOnce() -> T) -> (T, isize, isize) {
    let r0 = REQ.with(|r| r.get());
    let c0 = CHUNK.with(|c| c.get());
    ON.with(|o| o.set(true));
    let v = f();
    ON.with(|o| o.set(false));
    (v, REQ.with(|r| r.get()) - r0, CHUNK.with(|c| c.get()) - c0)
}

/// Prints and returns the chunk-rounded bytes per element.
pub fn report(name: &str, elements: usize, req: isize, chunk: isize) -> f64 {
    let per = chunk as f64 / elements as f64;
    println!(
        "MEM {name}: {elements} elements, {:.1} B/elem requested, {per:.1} B/elem with malloc chunks",
        req as f64 / elements as f64
    );
    per
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::hash::{Hash, HashLimits};
    use crate::database::object::Object;
    use crate::database::set::Set;
    use crate::database::zset::{ZSet, ZsetLimits};

    #[test]
    fn list_bytes_per_element() {
        use crate::database::quicklist::{ListLimits, Quicklist};
        let (ls, req, ch) = measure(|| {
            let mut v = Vec::with_capacity(10_000);
            for k in 0..10_000 {
                let mut q = Quicklist::new(ListLimits::default());
                for i in 0..100 {
                    q.push(false, format!("item:{k}:{i}").as_bytes());
                }
                v.push(Box::new(Object::List(Box::new(q))));
            }
            v
        });
        let per = report("10k lists of 100 short strings (boxed Object)", 1_000_000, req, ch);
        assert!(per < 24.0, "{per}");
        let mu: usize = ls.iter().map(|q| q.mem_usage()).sum();
        assert!(ls.iter().all(|o| o.type_name() == "list"));
        assert!(mu as f64 * 1.5 > ch as f64 && (mu as f64) < ch as f64 * 1.5, "mem_usage {mu} vs {ch}");
        let (q, req, ch) = measure(|| {
            let mut q = Quicklist::new(ListLimits::default());
            for i in 0..1_000_000 {
                q.push(false, format!("item:{i}").as_bytes());
            }
            q
        });
        report("one list of 1M short strings", 1_000_000, req, ch);
        drop(q);
    }

    #[test]
    fn zset_bytes_per_element() {
        let lim = ZsetLimits::default();
        let n = 200_000;
        let (z, req, ch) = measure(|| {
            let mut z = ZSet::new();
            for i in 0..n {
                z.insert(format!("member:{i}").as_bytes(), (i * 7 % 1000) as f64 + 0.5, &lim);
            }
            z
        });
        let per = report("zset 200k (member:N, scores)", n, req, ch);
        assert!(per < 100.0, "{per}");
        let mu = z.mem_usage() as f64;
        assert!(mu * 1.5 > ch as f64 && mu < ch as f64 * 1.5, "mem_usage {mu} vs {ch}");
        let (zs, req, ch) = measure(|| {
            (0..100)
                .map(|_| {
                    let mut z = ZSet::new();
                    for i in 0..10_000 {
                        z.insert(format!("m{i}").as_bytes(), i as f64, &lim);
                    }
                    z
                })
                .collect::<Vec<_>>()
        });
        report("100 zsets of 10k", 1_000_000, req, ch);
        drop(zs);
    }

    #[test]
    fn hash_and_set_bytes_per_element() {
        let n = 200_000;
        let lim = HashLimits::default();
        let (h, req, ch) = measure(|| {
            let mut h = Hash::new();
            for i in 0..n {
                h.set(format!("field:{i}").as_bytes(), format!("v{i}").as_bytes(), &lim);
            }
            h
        });
        let per = report("hash 200k (field:N -> vN)", n, req, ch);
        assert!(per < 64.0, "{per}");
        let mu = h.mem_usage() as f64;
        assert!(mu * 1.5 > ch as f64 && mu < ch as f64 * 1.5, "mem_usage {mu} vs {ch}");

        let (hs, req, ch) = measure(|| {
            (0..10_000)
                .map(|k| {
                    let mut h = Hash::new();
                    for i in 0..10 {
                        h.set(format!("f{i}").as_bytes(), format!("{k}").as_bytes(), &lim);
                    }
                    Box::new(Object::Hash(h))
                })
                .collect::<Vec<_>>()
        });
        report("10k hashes of 10 fields (listpack, boxed Object)", 100_000, req, ch);
        drop(hs);

        let (s, req, ch) = measure(|| {
            let mut s = Set::new_table();
            for i in 0..n {
                s.add(format!("member:{i}").as_bytes(), 512);
            }
            s
        });
        let per = report("set 200k (member:N)", n, req, ch);
        assert!(per < 56.0, "{per}");
        let mu = s.mem_usage() as f64;
        assert!(mu * 1.5 > ch as f64 && mu < ch as f64 * 1.5, "mem_usage {mu} vs {ch}");

        let (ss, req, ch) = measure(|| {
            (0..10_000)
                .map(|k| {
                    let mut s = Set::for_member(b"1");
                    for i in 0..10 {
                        s.add((k * 10 + i).to_string().as_bytes(), 512);
                    }
                    Box::new(Object::Set(s))
                })
                .collect::<Vec<_>>()
        });
        report("10k sets of 10 integers (intset, boxed Object)", 100_000, req, ch);
        drop(ss);
    }
}
