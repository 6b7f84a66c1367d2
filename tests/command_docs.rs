//! COMMAND and its subcommands: the table as clients (redis-cli, client libraries) read it.
mod common;
use common::*;

fn s(x: &str) -> Resp {
    Resp::Simple(x.into())
}

fn b(x: &str) -> Resp {
    Resp::bulk(x)
}

fn arr(items: Vec<Resp>) -> Resp {
    Resp::Array(items)
}

/// The fields of a RESP2 map reply.
fn map_of(r: &Resp) -> Vec<(String, Resp)> {
    r.array().chunks(2).map(|p| (p[0].text(), p[1].clone())).collect()
}

fn get(m: &[(String, Resp)], key: &str) -> Option<Resp> {
    m.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

fn get_info_row() -> Resp {
    arr(vec![
        b("get"),
        Resp::Int(2),
        arr(vec![s("readonly"), s("fast")]),
        Resp::Int(1),
        Resp::Int(1),
        Resp::Int(1),
        arr(vec![s("@read"), s("@string"), s("@fast")]),
        arr(vec![]),
        arr(vec![arr(vec![
            b("flags"),
            arr(vec![s("RO"), s("access")]),
            b("begin_search"),
            arr(vec![b("type"), b("index"), b("spec"), arr(vec![b("index"), Resp::Int(1)])]),
            b("find_keys"),
            arr(vec![
                b("type"),
                b("range"),
                b("spec"),
                arr(vec![b("lastkey"), Resp::Int(0), b("keystep"), Resp::Int(1), b("limit"), Resp::Int(0)]),
            ]),
        ])]),
        arr(vec![]),
    ])
}

#[test]
fn command_info_matches_redis_shape() {
    let srv = Server::start(&[]);
    let mut c = srv.client();
    assert_eq!(c.cmd(&["COMMAND", "INFO", "get"]), arr(vec![get_info_row()]));
    assert_eq!(c.cmd(&["command", "info", "GET", "nosuchcommand"]), arr(vec![get_info_row(), Resp::Nil]));
    let cfg = c.cmd(&["COMMAND", "INFO", "config|get"]);
    let row = cfg.array()[0].array();
    assert_eq!(row[0], b("config|get"));
    assert_eq!(row[1], Resp::Int(-3));
    assert_eq!(row[2], arr(vec![s("admin"), s("noscript"), s("loading"), s("stale")]));
    assert_eq!(row[6], arr(vec![s("@admin"), s("@slow"), s("@dangerous")]));
    // A container: no flags of its own, @slow only, and its subcommands nested.
    let config = c.cmd(&["COMMAND", "INFO", "config"]);
    let row = config.array()[0].array();
    assert_eq!((row[1].clone(), row[2].clone(), row[6].clone()), (Resp::Int(-2), arr(vec![]), arr(vec![s("@slow")])));
    let subs: Vec<String> = row[9].array().iter().map(|r| r.array()[0].text()).collect();
    for sub in ["config|get", "config|set", "config|resetstat", "config|rewrite", "config|help"] {
        assert!(subs.contains(&sub.to_string()), "{sub} in {subs:?}");
    }
    let set = c.cmd(&["COMMAND", "INFO", "config|set"]);
    assert_eq!(set.array()[0].array()[7], arr(vec![b("request_policy:all_nodes"), b("response_policy:all_succeeded")]));
    assert_eq!(c.cmd(&["COMMAND", "INFO", "config|nosuch"]), arr(vec![Resp::Nil]));
}

#[test]
fn command_count_and_all_rows() {
    let srv = Server::start(&[]);
    let mut c = srv.client();
    let all = c.cmd(&["COMMAND"]);
    let n = c.cmd(&["COMMAND", "COUNT"]).int();
    assert_eq!(all.array().len() as i64, n);
    assert!(n >= 15);
    assert_eq!(c.cmd(&["COMMAND", "INFO"]).array().len() as i64, n);
    for row in all.array() {
        let r = row.array();
        assert_eq!(r.len(), 10, "{row:?}");
        assert!(matches!(r[1], Resp::Int(a) if a != 0));
        assert!(!r[6].array().is_empty(), "{row:?} has no ACL category");
    }
    let names: Vec<String> = all.array().iter().map(|r| r.array()[0].text()).collect();
    for want in
        ["get", "set", "info", "config", "command", "dbsize", "flushall", "time", "lastsave", "shutdown", "debug"]
    {
        assert!(names.contains(&want.to_string()), "{want}");
    }
    assert_eq!(c.cmd(&["COMMAND", "COUNT", "x"]), err("ERR wrong number of arguments for 'command|count' command"));
    assert_eq!(c.cmd(&["COMMAND", "foo"]), err("ERR unknown subcommand 'foo'. Try COMMAND HELP."));
    assert_eq!(
        c.cmd(&["COMMAND", "HELP"]).array()[0],
        s("COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
    );
}

/// Remove `notes` fields from key specs, wherever they are.
fn strip_notes(r: &mut Resp) {
    if let Resp::Array(items) = r {
        if let Some(i) = items.iter().position(|x| *x == b("notes"))
            && i % 2 == 0
            && i + 1 < items.len()
        {
            items.drain(i..i + 2);
        }
        items.iter_mut().for_each(strip_notes);
    }
}

#[test]
fn command_info_equals_real_redis() {
    let Some(real) = RealRedis::start(&[]) else { return };
    let srv = Server::start(&[]);
    let (mut ours, mut theirs) = (srv.client(), real.client());
    for name in [
        "get",
        "set",
        "dbsize",
        "flushall",
        "flushdb",
        "time",
        "lastsave",
        "shutdown",
        "debug",
        "info",
        "config|get",
        "config|set",
        "config|resetstat",
        "config|rewrite",
        "memory|usage",
        "command|docs",
    ] {
        let (mut a, mut b) = (ours.cmd(&["COMMAND", "INFO", name]), theirs.cmd(&["COMMAND", "INFO", name]));
        // Key-spec notes are prose, worded differently.
        strip_notes(&mut a);
        strip_notes(&mut b);
        assert_eq!(a, b, "COMMAND INFO {name}");
    }
    for args in [&["COMMAND", "GETKEYS", "set", "a", "b"][..], &["COMMAND", "GETKEYSANDFLAGS", "set", "a", "b", "GET"]]
    {
        assert_eq!(ours.cmd(args), theirs.cmd(args), "{args:?}");
    }
    // COMMAND DOCS: same fields in the same order (our wording differs).
    let keys = |r: Resp| -> Vec<String> { map_of(&r.array()[1]).into_iter().map(|(k, _)| k).collect() };
    for name in ["get", "set", "config", "info", "flushall"] {
        let mut theirs_keys = keys(theirs.cmd(&["COMMAND", "DOCS", name]));
        theirs_keys.retain(|f| f != "history");
        assert_eq!(keys(ours.cmd(&["COMMAND", "DOCS", name])), theirs_keys, "DOCS fields of {name}");
    }
}

#[test]
fn command_docs_entries() {
    let srv = Server::start(&[]);
    let mut c = srv.client();
    let r = c.cmd(&["COMMAND", "DOCS", "get"]);
    let top = r.array();
    assert_eq!(top.len(), 2);
    assert_eq!(top[0], b("get"));
    let doc = map_of(&top[1]);
    let fields: Vec<&str> = doc.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(fields, ["summary", "since", "group", "complexity", "arguments"]);
    assert!(!get(&doc, "summary").expect("summary").text().is_empty());
    assert_eq!(get(&doc, "since"), Some(b("1.0.0")));
    assert_eq!(get(&doc, "group"), Some(b("string")));
    assert_eq!(
        get(&doc, "arguments"),
        Some(arr(vec![arr(vec![b("name"), b("key"), b("type"), b("key"), b("key_spec_index"), Resp::Int(0)])]))
    );
    // SET: options as one-of groups of tokens.
    let set = c.cmd(&["COMMAND", "DOCS", "SET"]);
    let args = get(&map_of(&set.array()[1]), "arguments").expect("arguments");
    let cond = map_of(&args.array()[2]);
    assert_eq!(get(&cond, "name"), Some(b("condition")));
    assert_eq!(get(&cond, "type"), Some(b("oneof")));
    assert_eq!(get(&cond, "flags"), Some(arr(vec![s("optional")])));
    let nx = map_of(&get(&cond, "arguments").expect("nx/xx").array()[0]);
    assert_eq!(nx, vec![("name".into(), b("nx")), ("type".into(), b("pure-token")), ("token".into(), b("NX"))]);
    let exp = map_of(&args.array()[4]);
    let ex = map_of(&get(&exp, "arguments").expect("expiry").array()[0]);
    assert_eq!(get(&ex, "type"), Some(b("integer")));
    assert_eq!(get(&ex, "token"), Some(b("EX")));
    // Several at once, unknown names skipped, subcommands nested.
    let many = c.cmd(&["COMMAND", "DOCS", "nosuch", "config", "ping"]);
    let names: Vec<String> = map_of(&many).into_iter().map(|(k, _)| k).collect();
    assert_eq!(names, ["config", "ping"]);
    let config = map_of(&map_of(&many)[0].1);
    let subs = map_of(&get(&config, "subcommands").expect("subcommands"));
    assert!(subs.iter().any(|(k, _)| k == "config|get"));
    assert_eq!(c.cmd(&["COMMAND", "DOCS", "nosuch"]), arr(vec![]));
    let sub = c.cmd(&["COMMAND", "DOCS", "config|set"]);
    assert_eq!(map_of(&sub)[0].0, "config|set");
}

#[test]
fn every_command_has_docs() {
    let srv = Server::start(&[]);
    let mut c = srv.client();
    let all = c.cmd(&["COMMAND", "DOCS"]);
    let n = c.cmd(&["COMMAND", "COUNT"]).int() as usize;
    let docs = map_of(&all);
    assert_eq!(docs.len(), n);
    for (name, doc) in &docs {
        let m = map_of(doc);
        for f in ["summary", "since", "group", "complexity"] {
            let v = get(&m, f).unwrap_or_else(|| panic!("{name} lacks {f}"));
            assert!(!v.text().is_empty(), "{name}: empty {f}");
        }
        let since = get(&m, "since").expect("since").text();
        assert_eq!(since.split('.').count(), 3, "{name}: since {since}");
    }
}

#[test]
fn command_list_filters() {
    let srv = Server::start(&[]);
    let mut c = srv.client();
    let all: Vec<String> = c.cmd(&["COMMAND", "LIST"]).array().iter().map(|r| r.text()).collect();
    for want in ["get", "config", "config|get", "command|docs", "memory|usage"] {
        assert!(all.contains(&want.to_string()), "{want}");
    }
    let by_pattern: Vec<String> =
        c.cmd(&["COMMAND", "LIST", "FILTERBY", "PATTERN", "config|*"]).array().iter().map(|r| r.text()).collect();
    assert!(by_pattern.contains(&"config|get".to_string()) && by_pattern.iter().all(|n| n.starts_with("config|")));
    let admin: Vec<String> =
        c.cmd(&["COMMAND", "LIST", "filterby", "aclcat", "ADMIN"]).array().iter().map(|r| r.text()).collect();
    assert!(admin.contains(&"shutdown".to_string()) && admin.contains(&"config|set".to_string()));
    assert!(!admin.contains(&"get".to_string()));
    assert_eq!(c.cmd(&["COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuchcat"]), arr(vec![]));
    assert_eq!(c.cmd(&["COMMAND", "LIST", "FILTERBY", "MODULE", "x"]), arr(vec![]));
    for bad in [
        &["COMMAND", "LIST", "FILTERBY"][..],
        &["COMMAND", "LIST", "bad_arg"],
        &["COMMAND", "LIST", "FILTERBY", "ACLCAT"],
        &["COMMAND", "LIST", "FILTERBY", "COLOR", "red"],
        &["COMMAND", "LIST", "FILTERBY", "ACLCAT", "admin", "extra"],
    ] {
        assert_eq!(c.cmd(bad), err("ERR syntax error"), "{bad:?}");
    }
}

#[test]
fn command_getkeys() {
    let srv = Server::start(&[]);
    let mut c = srv.client();
    assert_eq!(c.cmd(&["COMMAND", "GETKEYS", "get", "key"]), bulks(&["key"]));
    assert_eq!(c.cmd(&["COMMAND", "GETKEYS", "SET", "k", "v", "EX", "10"]), bulks(&["k"]));
    assert_eq!(c.cmd(&["COMMAND", "GETKEYS", "del", "a", "b", "c"]), bulks(&["a", "b", "c"]));
    assert_eq!(c.cmd(&["COMMAND", "GETKEYS", "memory", "usage", "key"]), bulks(&["key"]));
    assert_eq!(
        c.cmd(&["COMMAND", "GETKEYSANDFLAGS", "set", "k1", "v1"]),
        arr(vec![arr(vec![b("k1"), arr(vec![s("OW"), s("update")])])])
    );
    assert_eq!(
        c.cmd(&["COMMAND", "GETKEYSANDFLAGS", "set", "k1", "v1", "get"]),
        arr(vec![arr(vec![b("k1"), arr(vec![s("RW"), s("access"), s("update")])])])
    );
    assert_eq!(c.cmd(&["COMMAND", "GETKEYS", "nosuch", "a"]), err("ERR Invalid command specified"));
    assert_eq!(c.cmd(&["COMMAND", "GETKEYS", "config", "nosuch"]), err("ERR Invalid command specified"));
    assert_eq!(c.cmd(&["COMMAND", "GETKEYS", "ping", "a"]), err("ERR The command has no key arguments"));
    assert_eq!(c.cmd(&["COMMAND", "GETKEYS", "config", "get", "a"]), err("ERR The command has no key arguments"));
    assert_eq!(
        c.cmd(&["COMMAND", "GETKEYS", "get", "a", "b"]),
        err("ERR Invalid number of arguments specified for command")
    );
    assert_eq!(
        c.cmd(&["COMMAND", "GETKEYS", "set", "a"]),
        err("ERR Invalid number of arguments specified for command")
    );
    assert_eq!(
        c.cmd(&["COMMAND", "GETKEYS", "get"]),
        err("ERR wrong number of arguments for 'command|getkeys' command")
    );
}

#[test]
fn redis_cli_reads_docs() {
    if !have_redis("redis-cli") {
        return;
    }
    let srv = Server::start(&[]);
    let port = srv.port.to_string();
    let out =
        std::process::Command::new("redis-cli").args(["-p", &port, "COMMAND", "DOCS", "get"]).output().expect("run");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("summary") && text.contains("since") && text.contains("arguments"), "{text}");
    let out = std::process::Command::new("redis-cli").args(["-p", &port, "COMMAND"]).output().expect("run");
    assert!(out.status.success() && !String::from_utf8_lossy(&out.stdout).contains("ERR"));
}
