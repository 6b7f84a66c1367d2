//! COMMAND and its subcommands: the table described from its rows (COMMAND INFO's rows and
//! key specs, COMMAND DOCS, COMMAND LIST filters, COMMAND GETKEYS through the row's key range
//! or keys function).

use super::docs::introspection as doc;
use crate::command::{Command, CommandSpec, Ctx, KeyRef, flags::*, table};
use crate::commands::connection::reply_help as help;
use crate::commands::{docs, is};
use crate::error::{CmdError, CmdResult};
use crate::resp::{Args, Reply};
use crate::util::glob::glob_match;

/// COMMAND's row; it sits in the server family's `SPECS`, where the table lists it.
pub const COMMAND: CommandSpec =
    CommandSpec::new("command", -1, LOADING | STALE, (0, 0, 0), "@slow @connection", command_all)
        .subcommands(COMMAND_SUBS)
        .doc(&doc::COMMAND)
        .tips("nondeterministic_output_order");

const COMMAND_SUBS: &[CommandSpec] = &[
    CommandSpec::new("count", 2, LOADING | STALE, (0, 0, 0), "@slow @connection", command_count)
        .doc(&doc::COMMAND_COUNT),
    CommandSpec::new("info", -2, LOADING | STALE, (0, 0, 0), "@slow @connection", command_info)
        .doc(&doc::COMMAND_INFO)
        .tips("nondeterministic_output_order"),
    CommandSpec::new("docs", -2, LOADING | STALE, (0, 0, 0), "@slow @connection", command_docs)
        .doc(&doc::COMMAND_DOCS)
        .tips("nondeterministic_output_order"),
    CommandSpec::new("list", -2, LOADING | STALE, (0, 0, 0), "@slow @connection", command_list)
        .doc(&doc::COMMAND_LIST)
        .tips("nondeterministic_output_order"),
    CommandSpec::new("getkeys", -4, LOADING | STALE, (0, 0, 0), "@slow @connection", command_getkeys)
        .doc(&doc::COMMAND_GETKEYS),
    CommandSpec::new("getkeysandflags", -4, LOADING | STALE, (0, 0, 0), "@slow @connection", command_getkeys)
        .doc(&doc::COMMAND_GETKEYSANDFLAGS),
    CommandSpec::new("help", 2, LOADING | STALE, (0, 0, 0), "@slow @connection", command_help).doc(&doc::COMMAND_HELP),
];

/// Redis's ACL categories, in the order COMMAND INFO lists them.
const ACL_CATEGORIES: &[&str] = &[
    "keyspace",
    "read",
    "write",
    "set",
    "sortedset",
    "list",
    "hash",
    "string",
    "bitmap",
    "hyperloglog",
    "geo",
    "stream",
    "pubsub",
    "admin",
    "fast",
    "slow",
    "blocking",
    "dangerous",
    "connection",
    "transaction",
    "scripting",
];

/// A command's ACL categories: its declared ones plus those its flags imply (Redis's
/// `setImplicitACLCategories`).
pub fn acl_categories(spec: &CommandSpec) -> Vec<&'static str> {
    let declared: Vec<&str> = spec.group.split_whitespace().map(|w| w.trim_start_matches('@')).collect();
    let has = |c: &str| declared.contains(&c);
    let scripting = has("scripting");
    let fast = has("fast") || spec.has(FAST);
    ACL_CATEGORIES
        .iter()
        .copied()
        .filter(|&c| {
            has(c)
                || match c {
                    "write" => spec.has(WRITE),
                    "read" => spec.has(READONLY) && !scripting,
                    "admin" | "dangerous" => spec.has(ADMIN),
                    "pubsub" => spec.has(PUBSUB),
                    "fast" => spec.has(FAST),
                    "blocking" => spec.has(BLOCKING),
                    "slow" => !fast,
                    _ => false,
                }
        })
        .collect()
}

fn flag_names(spec: &CommandSpec) -> Vec<&'static str> {
    NAMES.iter().filter(|(f, _)| spec.has(*f)).map(|(_, n)| *n).collect()
}

/// Look a command up by its full name ("get", "config|get").
fn lookup_fullname(name: &[u8]) -> Option<&'static Command> {
    let t = table();
    match name.iter().position(|&b| b == b'|') {
        None => t.lookup(name),
        Some(i) => {
            let parent = t.lookup(&name[..i])?;
            t.lookup_sub(parent.spec.name, &name[i + 1..])
        }
    }
}

fn subcommands_of(cmd: &Command) -> Vec<&'static Command> {
    let t = table();
    cmd.spec.subcommands.iter().filter_map(|s| t.lookup_sub(cmd.spec.name, s.name.as_bytes())).collect()
}

/// The key-spec flag sets of a command with fixed key positions.
fn key_specs(cmd: &Command) -> Vec<Vec<&'static str>> {
    if cmd.spec.keys.0 <= 0 { Vec::new() } else { docs::key_flags(cmd) }
}

fn write_key_specs(out: &mut Reply, cmd: &Command) {
    let specs = key_specs(cmd);
    let (first, last, step) = cmd.spec.keys;
    out.set(specs.len());
    let one = specs.len() == 1;
    let note = Some(cmd.spec.key_note).filter(|n| !n.is_empty());
    for (i, fl) in specs.iter().enumerate() {
        out.map(3 + usize::from(note.is_some()));
        if let Some(n) = note {
            out.bulk_str("notes");
            out.bulk_str(n);
        }
        out.bulk_str("flags");
        out.set(fl.len());
        for f in fl {
            out.simple(f);
        }
        out.bulk_str("begin_search");
        out.map(2);
        out.bulk_str("type");
        out.bulk_str("index");
        out.bulk_str("spec");
        out.map(1);
        out.bulk_str("index");
        out.int(if one { first as i64 } else { (first + i as i32 * step.max(1)) as i64 });
        out.bulk_str("find_keys");
        out.map(2);
        out.bulk_str("type");
        out.bulk_str("range");
        out.bulk_str("spec");
        out.map(3);
        out.bulk_str("lastkey");
        // Of several specs, only a last one over "the rest" (SINTERSTORE's sources) has a range.
        out.int(if !one && (i + 1 < specs.len() || last >= 0) {
            0
        } else if last < 0 {
            last as i64
        } else {
            (last - first) as i64
        });
        out.bulk_str("keystep");
        out.int(if one { step as i64 } else { 1 });
        out.bulk_str("limit");
        out.int(0);
    }
}

/// One row of COMMAND / COMMAND INFO.
fn write_info(out: &mut Reply, cmd: &Command) {
    let spec = cmd.spec;
    out.array(10);
    out.bulk_str(&cmd.fullname);
    out.int(spec.arity as i64);
    let fl = flag_names(spec);
    out.set(fl.len());
    for f in fl {
        out.simple(f);
    }
    out.int(spec.keys.0 as i64);
    out.int(spec.keys.1 as i64);
    out.int(spec.keys.2 as i64);
    let cats = acl_categories(spec);
    out.set(cats.len());
    for c in cats {
        out.simple(&format!("@{c}"));
    }
    let tips = docs::tips(cmd);
    out.set(tips.len());
    for t in tips {
        out.bulk_str(t);
    }
    write_key_specs(out, cmd);
    let subs = subcommands_of(cmd);
    // Redis answers an empty set for a command without subcommands, an array otherwise.
    if subs.is_empty() {
        out.set(0);
    } else {
        out.array(subs.len());
    }
    for s in subs {
        write_info(out, s);
    }
}

/// COMMAND: every command's row.
fn command_all(ctx: &mut Ctx, _args: Args) -> CmdResult {
    let cmds: Vec<&Command> = table().top_level().collect();
    ctx.out.array(cmds.len());
    for c in cmds {
        write_info(ctx.out, c);
    }
    Ok(())
}

/// COMMAND COUNT
fn command_count(ctx: &mut Ctx, _args: Args) -> CmdResult {
    ctx.out.int(table().top_level().count() as i64);
    Ok(())
}

/// COMMAND INFO [command-name ...]: nil for unknown names.
fn command_info(ctx: &mut Ctx, args: Args) -> CmdResult {
    if args.len() == 2 {
        return command_all(ctx, args);
    }
    ctx.out.array(args.len() - 2);
    for name in args.iter().skip(2) {
        match lookup_fullname(name) {
            Some(c) => write_info(ctx.out, c),
            None => ctx.out.null(),
        }
    }
    Ok(())
}

/// COMMAND DOCS [command-name ...]: a map of name to documentation; unknown names are skipped.
fn command_docs(ctx: &mut Ctx, args: Args) -> CmdResult {
    let cmds: Vec<&Command> = if args.len() == 2 {
        table().top_level().collect()
    } else {
        args.iter().skip(2).filter_map(lookup_fullname).collect()
    };
    ctx.out.map(cmds.len());
    for c in cmds {
        ctx.out.bulk_str(&c.fullname);
        docs::write_doc(ctx.out, c);
    }
    Ok(())
}

enum ListFilter<'a> {
    None,
    Module,
    AclCat(String),
    Pattern(&'a [u8]),
}

/// COMMAND LIST [FILTERBY MODULE name|ACLCAT category|PATTERN pattern]
fn command_list(ctx: &mut Ctx, args: Args) -> CmdResult {
    let mut filter = ListFilter::None;
    let mut i = 2;
    while i < args.len() {
        if is(&args[i], "filterby") && args.len() - 1 - i == 2 {
            let (kind, arg) = (&args[i + 1], &args[i + 2]);
            filter = if is(kind, "module") {
                ListFilter::Module
            } else if is(kind, "aclcat") {
                ListFilter::AclCat(String::from_utf8_lossy(arg).to_ascii_lowercase())
            } else if is(kind, "pattern") {
                ListFilter::Pattern(arg)
            } else {
                return Err(CmdError::Syntax);
            };
            i += 3;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let names: Vec<&str> = table()
        .commands
        .iter()
        .filter(|c| match &filter {
            ListFilter::None => true,
            ListFilter::Module => false,
            ListFilter::AclCat(cat) => acl_categories(c.spec).contains(&cat.as_str()),
            ListFilter::Pattern(p) => glob_match(p, c.fullname.as_bytes(), true),
        })
        .map(|c| c.fullname.as_str())
        .collect();
    ctx.out.array(names.len());
    for n in names {
        ctx.out.bulk_str(n);
    }
    Ok(())
}

/// COMMAND GETKEYS / GETKEYSANDFLAGS command [arg ...]: the keys by the command's key positions.
fn command_getkeys(ctx: &mut Ctx, args: Args) -> CmdResult {
    let with_flags = is(&args[1], "getkeysandflags");
    let full = args.slice(2);
    let t = table();
    let mut cmd = t.lookup(&full[0]);
    if let Some(c) = cmd
        && !c.spec.subcommands.is_empty()
        && full.len() >= 2
    {
        cmd = t.lookup_sub(c.spec.name, &full[1]);
    }
    let cmd = cmd.ok_or_else(|| CmdError::err("Invalid command specified"))?;
    if cmd.spec.keys.0 <= 0 && cmd.spec.keys_fn.is_none() {
        return Err(CmdError::err("The command has no key arguments"));
    }
    if !cmd.spec.arity_ok(full.len()) {
        return Err(CmdError::err("Invalid number of arguments specified for command"));
    }
    let keys = match cmd.spec.keys_fn {
        Some(f) => f(&full),
        None => range_keys(cmd.spec.keys, full.len()),
    };
    if keys.is_empty() {
        return Err(CmdError::err("Invalid arguments specified for command"));
    }
    // The row's flags also serve movable-key commands, which COMMAND INFO shows no range for.
    let specs = docs::key_flags(cmd);
    ctx.out.array(keys.len());
    for k in keys {
        if with_flags {
            ctx.out.array(2);
            ctx.out.bulk(&full[k.pos]);
            let fl = match k.flags {
                Some(f) => f.split(' ').collect(),
                None => specs.get(k.spec.min(specs.len().saturating_sub(1))).cloned().unwrap_or_default(),
            };
            ctx.out.set(fl.len());
            for f in fl {
                ctx.out.simple(f);
            }
        } else {
            ctx.out.bulk(&full[k.pos]);
        }
    }
    Ok(())
}

/// The keys a (first, last, step) range names in `argc` arguments; the nth key belongs to the
/// nth key spec (the last one when there are fewer).
fn range_keys((first, last, step): (i32, i32, i32), argc: usize) -> Vec<KeyRef> {
    let argc = argc as i32;
    let last = if last < 0 { argc + last } else { last };
    let step = step.max(1);
    (first.max(1)..=last.min(argc - 1))
        .step_by(step as usize)
        .enumerate()
        .map(|(n, p)| KeyRef::new(p as usize, n))
        .collect()
}

/// COMMAND HELP
fn command_help(ctx: &mut Ctx, _args: Args) -> CmdResult {
    help(
        ctx.out,
        "COMMAND",
        &[
            "(no subcommand)",
            "    Describe every command.",
            "COUNT",
            "    Return the number of commands.",
            "LIST",
            "    List the names of the commands.",
            "INFO [<command-name> ...]",
            "    Describe the given commands, or all of them.",
            "DOCS [<command-name> ...]",
            "    Return the documentation of the given commands, or of all of them.",
            "GETKEYS <full-command>",
            "    Extract the keys from a complete command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Extract the keys and their access flags from a complete command.",
        ],
    );
    Ok(())
}
