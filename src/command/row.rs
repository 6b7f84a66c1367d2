//! What a command's row carries besides its handler: its documentation (COMMAND DOCS), tips
//! and key specs (COMMAND INFO), and for commands whose keys the fixed (first, last, step)
//! range cannot locate, a keys function (COMMAND GETKEYS, later ACL and blocking).

use crate::resp::Args;
use crate::util::num::parse_i64;

/// One command's documentation, as COMMAND DOCS reports it. `args` is written in the small
/// syntax `commands/docs.rs` parses (close to the manual's usage lines).
pub struct Doc {
    pub group: &'static str,
    pub since: &'static str,
    pub complexity: &'static str,
    pub summary: &'static str,
    pub args: &'static str,
    /// "since|replacement" for deprecated commands, else "".
    pub deprecated: &'static str,
}

/// One key found in a command's arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyRef {
    /// Position in the full argument vector (the command name is 0).
    pub pos: usize,
    /// The key spec it belongs to (index into the row's key specs).
    pub spec: usize,
    /// Access flags when they depend on the arguments (SET with GET), else those of the spec.
    pub flags: Option<&'static str>,
}

impl KeyRef {
    pub const fn new(pos: usize, spec: usize) -> KeyRef {
        KeyRef { pos, spec, flags: None }
    }
}

/// A keys function (Redis's `getkeys_proc`): the keys of a full command (name included). An
/// empty list means the arguments hold no valid keys ("Invalid arguments specified").
pub type KeysFn = fn(&Args<'_>) -> Vec<KeyRef>;

/// The "numkeys" layout of EVAL, FCALL, LMPOP, ZMPOP, ZUNION, ZINTER, SINTERCARD ...: the
/// argument at `at` counts the keys that follow it, which belong to key spec `spec`. A count
/// that is not a positive integer or runs past the arguments gives no keys, as in Redis. For
/// ZUNIONSTORE-style commands the caller adds the destination key in front.
pub fn numkeys_at(argv: &Args<'_>, at: usize, spec: usize) -> Vec<KeyRef> {
    let Some(n) = (at < argv.len()).then(|| parse_i64(&argv[at])).flatten() else { return Vec::new() };
    let first = at + 1;
    match usize::try_from(n) {
        Ok(n) if n > 0 && n <= argv.len() - first => (first..first + n).map(|p| KeyRef::new(p, spec)).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_args<R>(words: &[&str], f: impl FnOnce(&Args<'_>) -> R) -> R {
        let buf: Vec<u8> = words.concat().into_bytes();
        let mut spans = Vec::new();
        let mut at = 0;
        for w in words {
            spans.push((at, at + w.len()));
            at += w.len();
        }
        f(&Args::new(&buf, &spans))
    }

    fn positions(refs: &[KeyRef]) -> Vec<usize> {
        refs.iter().map(|k| k.pos).collect()
    }

    #[test]
    fn numkeys_layouts() {
        // EVAL script numkeys key [key ...] arg [arg ...]
        let eval = with_args(&["EVAL", "return 1", "2", "a", "b", "x"], |a| numkeys_at(a, 2, 0));
        assert_eq!(positions(&eval), vec![3, 4]);
        // LMPOP numkeys key [key ...] LEFT|RIGHT
        let lmpop = with_args(&["LMPOP", "2", "a", "b", "LEFT"], |a| numkeys_at(a, 1, 0));
        assert_eq!(positions(&lmpop), vec![2, 3]);
        // ZUNIONSTORE destination numkeys key [key ...]: the destination is spec 0, the sources spec 1.
        let zunion = with_args(&["ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2"], |a| {
            let mut keys = vec![KeyRef::new(1, 0)];
            keys.extend(numkeys_at(a, 2, 1));
            keys
        });
        assert_eq!(zunion, vec![KeyRef::new(1, 0), KeyRef::new(3, 1), KeyRef::new(4, 1)]);
    }

    #[test]
    fn bad_counts_give_no_keys() {
        for n in ["0", "-1", "3", "x", "01", ""] {
            assert!(with_args(&["EVAL", "s", n, "a", "b"], |a| numkeys_at(a, 2, 0)).is_empty(), "numkeys {n:?}");
        }
        assert!(with_args(&["EVAL", "s"], |a| numkeys_at(a, 2, 0)).is_empty());
        // The count may use up every remaining argument.
        assert_eq!(with_args(&["EVAL", "s", "2", "a", "b"], |a| numkeys_at(a, 2, 0)).len(), 2);
    }
}
