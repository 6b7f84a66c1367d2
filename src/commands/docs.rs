//! COMMAND DOCS rendering: each row carries its `Doc` (the data lives per family in
//! `commands/docs/<family>.rs`, referenced from the rows); this file parses a doc's argument
//! syntax and writes the reply. Texts are our own wording.
//!
//! Arguments are written in a small syntax close to the usage lines of the manual, parsed once:
//! `name` (a string), `name:type` (type one of key, string, integer, double, pattern, unix-time),
//! `TOKEN` (a pure token), `TOKEN name` (a value introduced by a token), `[...]` optional,
//! `(...)` a group, `a|b` one of, a trailing `...` repeats, and `label=` names a group.

pub mod connection;
pub mod dump;
pub mod hashes;
pub mod introspection;
pub mod keys;
pub mod lists;
pub mod persistence;
pub mod server;
pub mod sets;
pub mod strings;
pub mod zsets;

use crate::command::{Command, Doc, flags};
use crate::resp::Reply;

const fn d(
    group: &'static str,
    since: &'static str,
    complexity: &'static str,
    summary: &'static str,
    args: &'static str,
) -> Doc {
    Doc { group, since, complexity, summary, args, deprecated: "" }
}

const fn dep(
    group: &'static str,
    since: &'static str,
    summary: &'static str,
    args: &'static str,
    deprecated: &'static str,
) -> Doc {
    Doc { group, since, complexity: "O(1)", summary, args, deprecated }
}

const O1: &str = "O(1)";
const SUB: &str = "Depends on subcommand.";

/// The tips COMMAND INFO reports for a command.
pub fn tips(cmd: &Command) -> Vec<&'static str> {
    let t = cmd.spec.tips;
    if t.is_empty() { Vec::new() } else { t.split(' ').collect() }
}

/// Access flags of each key spec: from the row, or implied by the command flags.
pub fn key_flags(cmd: &Command) -> Vec<Vec<&'static str>> {
    let sets = cmd.spec.key_specs;
    if !sets.is_empty() {
        return sets.split(';').map(|s| s.split(' ').collect()).collect();
    }
    let guess: &[&str] = if cmd.spec.has(flags::WRITE) {
        &["RW", "update"]
    } else if cmd.spec.has(flags::READONLY) {
        &["RO", "access"]
    } else {
        &["RW", "access", "update"]
    };
    vec![guess.to_vec()]
}

/// The docs group Redis would file a command without an entry under, from its ACL categories.
fn guess_group(cmd: &Command) -> &'static str {
    let g = cmd.spec.group;
    const MAP: &[(&str, &str)] = &[
        ("@string", "string"),
        ("@list", "list"),
        ("@hash", "hash"),
        ("@sortedset", "sorted_set"),
        ("@set", "set"),
        ("@stream", "stream"),
        ("@bitmap", "bitmap"),
        ("@hyperloglog", "hyperloglog"),
        ("@geo", "geo"),
        ("@pubsub", "pubsub"),
        ("@scripting", "scripting"),
        ("@transaction", "transactions"),
        ("@connection", "connection"),
        ("@keyspace", "generic"),
    ];
    MAP.iter().find(|(cat, _)| g.split(' ').any(|w| w == *cat)).map(|(_, grp)| *grp).unwrap_or("server")
}

// ---------------------------------------------------------------------------------------------
// The argument syntax.

#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub name: String,
    pub kind: &'static str,
    pub token: Option<String>,
    pub optional: bool,
    pub multiple: bool,
    pub multiple_token: bool,
    pub args: Vec<Arg>,
}

impl Arg {
    fn new(name: String, kind: &'static str) -> Arg {
        Arg { name, kind, token: None, optional: false, multiple: false, multiple_token: false, args: Vec::new() }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open(char),
    Close(char),
    Bar,
    Dots,
    Word(String),
}

fn lex(s: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Tok>| {
        if !word.is_empty() {
            out.push(Tok::Word(std::mem::take(word)));
        }
    };
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' | '(' => {
                flush(&mut word, &mut out);
                out.push(Tok::Open(c));
            }
            ']' | ')' => {
                flush(&mut word, &mut out);
                out.push(Tok::Close(c));
            }
            '|' => {
                flush(&mut word, &mut out);
                out.push(Tok::Bar);
            }
            '.' if chars.peek() == Some(&'.') => {
                while chars.peek() == Some(&'.') {
                    chars.next();
                }
                flush(&mut word, &mut out);
                out.push(Tok::Dots);
            }
            c if c.is_whitespace() => flush(&mut word, &mut out),
            c => word.push(c),
        }
    }
    flush(&mut word, &mut out);
    out
}

const TYPES: &[&str] = &["key", "string", "integer", "double", "pattern", "unix-time"];

fn is_token(w: &str) -> bool {
    w.chars().any(|c| c.is_ascii_uppercase()) && !w.chars().any(|c| c.is_ascii_lowercase())
}

/// A value word: `name` or `name:type`; a bare `key` is a key.
fn value_arg(w: &str) -> Arg {
    if let Some((name, ty)) = w.rsplit_once(':')
        && let Some(kind) = TYPES.iter().find(|t| **t == ty)
    {
        return Arg::new(name.to_string(), kind);
    }
    Arg::new(w.to_string(), if w == "key" { "key" } else { "string" })
}

struct ArgParser {
    toks: Vec<Tok>,
    pos: usize,
}

impl ArgParser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    /// Items up to a `|`, a closing bracket or the end.
    fn seq(&mut self) -> Vec<Arg> {
        let mut items = Vec::new();
        while let Some(t) = self.peek() {
            if matches!(t, Tok::Bar | Tok::Close(_)) {
                break;
            }
            match self.item() {
                Some(a) => items.push(a),
                None => break,
            }
        }
        items
    }

    fn item(&mut self) -> Option<Arg> {
        let mut label = None;
        let mut arg = match self.next()? {
            Tok::Word(w) if w.ends_with('=') && matches!(self.peek(), Some(Tok::Open(_))) => {
                label = Some(w.trim_end_matches('=').to_string());
                let Some(Tok::Open(c)) = self.next() else { return None };
                self.group(c)
            }
            Tok::Word(w) if is_token(&w) => match self.peek() {
                Some(Tok::Word(v)) if !is_token(v) && !v.ends_with('=') => {
                    let v = v.clone();
                    self.pos += 1;
                    let mut a = value_arg(&v);
                    a.token = Some(w);
                    if matches!(self.peek(), Some(Tok::Dots)) {
                        self.pos += 1;
                        a.multiple = true;
                    }
                    a
                }
                Some(Tok::Open('(')) => {
                    self.pos += 1;
                    let mut g = self.group('(');
                    g.token = Some(w);
                    g
                }
                Some(Tok::Word(v)) if v.ends_with('=') => {
                    let v = v.clone();
                    self.pos += 1;
                    let Some(Tok::Open(c)) = self.next() else { return None };
                    let mut g = self.group(c);
                    g.name = v.trim_end_matches('=').to_string();
                    g.token = Some(w);
                    g
                }
                _ => {
                    let mut a = Arg::new(w.to_ascii_lowercase(), "pure-token");
                    a.token = Some(w);
                    a
                }
            },
            Tok::Word(w) => value_arg(&w),
            Tok::Open(c) => self.group(c),
            _ => return None,
        };
        if matches!(self.peek(), Some(Tok::Dots)) {
            self.pos += 1;
            arg.multiple = true;
            arg.multiple_token = arg.token.is_some() && arg.kind != "pure-token";
        }
        if let Some(l) = label {
            arg.name = l;
        }
        Some(arg)
    }

    /// After an opening bracket: alternatives up to the matching close.
    fn group(&mut self, open: char) -> Arg {
        let mut alts = vec![self.seq()];
        while matches!(self.peek(), Some(Tok::Bar)) {
            self.pos += 1;
            alts.push(self.seq());
        }
        if matches!(self.peek(), Some(Tok::Close(_))) {
            self.pos += 1;
        }
        let mut arg = if alts.len() > 1 {
            let args: Vec<Arg> = alts.into_iter().map(block_of).collect();
            let name = args.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join("_");
            let mut a = Arg::new(name, "oneof");
            a.args = args;
            a
        } else {
            let seq = alts.pop().unwrap_or_default();
            block_of(seq)
        };
        if open == '[' {
            arg.optional = true;
        }
        arg
    }
}

/// One argument stands for itself; several make a block named after them.
fn block_of(mut seq: Vec<Arg>) -> Arg {
    if seq.len() == 1 {
        return seq.pop().unwrap_or_else(|| Arg::new(String::new(), "block"));
    }
    let name = seq.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join("_");
    let mut a = Arg::new(name, "block");
    a.args = seq;
    a
}

/// Parse an argument line of the syntax above.
pub fn parse_args(s: &str) -> Vec<Arg> {
    let mut p = ArgParser { toks: lex(s), pos: 0 };
    let mut out = Vec::new();
    while p.pos < p.toks.len() {
        let mut items = p.seq();
        out.append(&mut items);
        // A stray `|` or `]` at top level: skip it rather than loop.
        if p.pos < p.toks.len() {
            p.pos += 1;
        }
    }
    out
}

fn write_arg(out: &mut Reply, a: &Arg) {
    let mut fields = 2;
    let flags: Vec<&str> = [(a.optional, "optional"), (a.multiple, "multiple"), (a.multiple_token, "multiple_token")]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, n)| *n)
        .collect();
    fields += usize::from(a.kind == "key") + usize::from(a.token.is_some());
    fields += usize::from(!flags.is_empty()) + usize::from(!a.args.is_empty());
    out.map(fields);
    out.bulk_str("name");
    out.bulk_str(&a.name);
    out.bulk_str("type");
    out.bulk_str(a.kind);
    if a.kind == "key" {
        out.bulk_str("key_spec_index");
        out.int(0);
    }
    if let Some(t) = &a.token {
        out.bulk_str("token");
        out.bulk_str(t);
    }
    if !flags.is_empty() {
        out.bulk_str("flags");
        out.set(flags.len());
        for f in flags {
            out.simple(f);
        }
    }
    if !a.args.is_empty() {
        out.bulk_str("arguments");
        out.array(a.args.len());
        for sub in &a.args {
            write_arg(out, sub);
        }
    }
}

/// Write one command's documentation map (without its name), subcommands included.
pub fn write_doc(out: &mut Reply, cmd: &Command) {
    let t = crate::command::table();
    let subs: Vec<&Command> = if cmd.spec.subcommands.is_empty() {
        Vec::new()
    } else {
        cmd.spec.subcommands.iter().filter_map(|s| t.lookup_sub(cmd.spec.name, s.name.as_bytes())).collect()
    };
    let doc = cmd.spec.doc;
    let args = doc.map(|d| parse_args(d.args)).unwrap_or_default();
    let (dep_since, replaced) = doc.and_then(|d| d.deprecated.split_once('|')).unwrap_or(("", ""));
    let mut fields = 4 + usize::from(!args.is_empty()) + usize::from(!subs.is_empty());
    if !dep_since.is_empty() {
        fields += 3;
    }
    out.map(fields);
    out.bulk_str("summary");
    match doc {
        Some(d) => out.bulk_str(d.summary),
        None => out.bulk_str(&format!("The {} command", cmd.fullname.to_uppercase().replace('|', " "))),
    }
    out.bulk_str("since");
    out.bulk_str(doc.map(|d| d.since).unwrap_or("1.0.0"));
    out.bulk_str("group");
    out.bulk_str(doc.map(|d| d.group).unwrap_or_else(|| guess_group(cmd)));
    out.bulk_str("complexity");
    out.bulk_str(doc.map(|d| d.complexity).unwrap_or(if subs.is_empty() { "O(1)" } else { SUB }));
    if !dep_since.is_empty() {
        out.bulk_str("doc_flags");
        out.set(1);
        out.simple("deprecated");
        out.bulk_str("deprecated_since");
        out.bulk_str(dep_since);
        out.bulk_str("replaced_by");
        out.bulk_str(replaced);
    }
    if !args.is_empty() {
        out.bulk_str("arguments");
        out.array(args.len());
        for a in &args {
            write_arg(out, a);
        }
    }
    if !subs.is_empty() {
        out.bulk_str("subcommands");
        out.map(subs.len());
        for s in subs {
            out.bulk_str(&s.fullname);
            write_doc(out, s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{install_table, table};

    /// The row of a command by full name ("config|get").
    fn row(full: &str) -> Option<&'static Command> {
        assert!(install_table(crate::commands::FAMILIES));
        match full.split_once('|') {
            None => table().lookup(full.as_bytes()),
            Some((parent, sub)) => table().lookup_sub(table().lookup(parent.as_bytes())?.spec.name, sub.as_bytes()),
        }
    }

    fn doc(full: &str) -> Option<&'static Doc> {
        row(full).and_then(|c| c.spec.doc)
    }

    #[test]
    fn set_arguments() {
        let a = parse_args(doc("set").map(|d| d.args).unwrap_or(""));
        assert_eq!(a.len(), 5);
        assert_eq!((a[0].name.as_str(), a[0].kind), ("key", "key"));
        assert_eq!((a[2].name.as_str(), a[2].kind, a[2].optional), ("condition", "oneof", true));
        assert_eq!(a[2].args[0].token.as_deref(), Some("NX"));
        assert_eq!(a[3].kind, "pure-token");
        let exp = &a[4];
        assert_eq!((exp.name.as_str(), exp.args.len()), ("expiration", 5));
        assert_eq!(
            (exp.args[0].name.as_str(), exp.args[0].kind, exp.args[0].token.as_deref()),
            ("seconds", "integer", Some("EX"))
        );
        assert_eq!(exp.args[4].kind, "pure-token");
    }

    #[test]
    fn blocks_multiples_and_tokens() {
        let a = parse_args("key_value=(key value)...");
        assert_eq!((a[0].name.as_str(), a[0].kind, a[0].multiple, a[0].args.len()), ("key_value", "block", true, 2));
        let a = parse_args("[PREFIX prefix]... [ID client-id:integer...] ip:port");
        assert!(a[0].optional && a[0].multiple && a[0].multiple_token);
        assert!(a[1].optional && a[1].multiple && !a[1].multiple_token);
        assert_eq!((a[2].name.as_str(), a[2].kind), ("ip:port", "string"));
        let a = parse_args("[TYPE (NORMAL|MASTER)]");
        assert_eq!((a[0].kind, a[0].token.as_deref(), a[0].optional), ("oneof", Some("TYPE"), true));
    }

    #[test]
    fn string_key_connection_and_server_commands_are_documented() {
        let names = "set get getex getdel getset setnx setex psetex mset msetnx mget append strlen incr decr incrby \
            decrby incrbyfloat getrange setrange lcs substr del unlink exists type keys scan randomkey rename renamenx \
            copy move expire pexpire expireat pexpireat ttl pttl expiretime pexpiretime persist touch object ping echo \
            quit select auth hello reset client client|list client|kill client|id client|setname client|getname \
            dbsize flushdb flushall time lastsave shutdown debug info config config|get config|set command \
            command|docs command|info memory|usage function|list function|flush";
        for n in names.split_whitespace() {
            assert!(doc(n).is_some(), "no doc entry for {n}");
        }
    }

    #[test]
    fn every_entry_parses_without_leftovers() {
        assert!(row("get").is_some());
        for c in &table().commands {
            let Some(d) = c.spec.doc else { continue };
            let args = parse_args(d.args);
            fn check(a: &Arg, name: &str) {
                assert!(!a.name.is_empty(), "{name}: unnamed argument");
                a.args.iter().for_each(|s| check(s, name));
            }
            args.iter().for_each(|a| check(a, &c.fullname));
            assert!(!d.summary.is_empty() && !d.since.is_empty());
        }
    }
}
