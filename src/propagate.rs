//! What a command hands to the engines that record the write stream (replication now, the
//! AOF later): a list of `(db, argv)` commands per call, fed through the `Sink` trait.

use crate::resp::Args;

/// The arguments of one propagated command, borrowed from wherever they already are.
#[derive(Clone, Copy)]
pub enum PropArgs<'a> {
    /// The command as the client sent it.
    Args(Args<'a>),
    /// A rewrite built by the handler.
    Owned(&'a [Vec<u8>]),
    /// A fixed command (MULTI, EXEC, PING).
    Static(&'a [&'static [u8]]),
    /// `DEL key`: a key that expired or was evicted.
    Del(&'a [u8]),
}

impl<'a> PropArgs<'a> {
    pub fn len(&self) -> usize {
        match self {
            PropArgs::Args(a) => a.len(),
            PropArgs::Owned(v) => v.len(),
            PropArgs::Static(v) => v.len(),
            PropArgs::Del(_) => 2,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Argument `i` (`i < len()`).
    pub fn get(&self, i: usize) -> &'a [u8] {
        match *self {
            PropArgs::Args(a) => a.get(i),
            PropArgs::Owned(v) => &v[i],
            PropArgs::Static(v) => v[i],
            PropArgs::Del(k) => {
                if i == 0 {
                    b"DEL"
                } else {
                    k
                }
            }
        }
    }

    /// Append the command as a RESP multibulk.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(b'*');
        crate::resp::push_int(out, self.len() as i64);
        out.extend_from_slice(b"\r\n");
        for i in 0..self.len() {
            let a = self.get(i);
            out.push(b'$');
            crate::resp::push_int(out, a.len() as i64);
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
    }
}

/// One command of the write stream: its database (None for database-independent commands such
/// as EXEC and PING, which need no SELECT before them) and its arguments.
#[derive(Clone, Copy)]
pub struct Propagated<'a> {
    pub db: Option<usize>,
    pub args: PropArgs<'a>,
}

impl<'a> Propagated<'a> {
    pub fn new(db: Option<usize>, args: PropArgs<'a>) -> Self {
        Propagated { db, args }
    }
}

/// An engine that records writes. `feed` is called under the store lock, so the stream's order
/// is the order writes were applied; a sink must never block on a slow consumer there.
pub trait Sink: Sync {
    /// Whether the sink records anything now (lock-free; checked on every write).
    fn active(&self) -> bool;
    /// Record one call's commands, in order; returns the stream offset after them if the sink
    /// has one (replication's, for WAIT).
    fn feed(&self, cmds: &[Propagated<'_>]) -> Option<u64>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_every_kind_as_a_multibulk() {
        let mut out = Vec::new();
        PropArgs::Del(b"k").encode(&mut out);
        PropArgs::Static(&[b"MULTI"]).encode(&mut out);
        let owned = vec![b"SET".to_vec(), b"a".to_vec(), b"".to_vec()];
        PropArgs::Owned(&owned).encode(&mut out);
        assert_eq!(out, b"*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$0\r\n\r\n");
    }
}
