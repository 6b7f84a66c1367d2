//! RESP3 replies after HELLO 3, asserted as raw bytes: the forms that differ from RESP2
//! (null, map, set, verbatim) and the ones that must not (bulk, integer, INCRBYFLOAT's bulk).
mod common;
use common::*;

fn resp3_client(s: &Server) -> Client {
    let mut c = s.client();
    assert!(matches!(c.cmd(&["HELLO", "3"]), Resp::Map(_)));
    c
}

/// Each command with the raw reply it must get, in order.
fn expect_raw(c: &mut Client, cases: &[(&[&str], &str)]) {
    for (args, want) in cases {
        let got = c.try_read_raw_after(args);
        assert_eq!(String::from_utf8_lossy(&got), *want, "{args:?}");
    }
}

#[test]
fn strings_and_nulls() {
    let s = Server::start(&[]);
    let mut c = resp3_client(&s);
    expect_raw(
        &mut c,
        &[
            (&["SET", "k", "v"], "+OK\r\n"),
            (&["GET", "k"], "$1\r\nv\r\n"),
            (&["GET", "nokey"], "_\r\n"),
            (&["INCR", "n"], ":1\r\n"),
            (&["GET", "n"], "$1\r\n1\r\n"),
            (&["INCRBYFLOAT", "f", "1.5"], "$3\r\n1.5\r\n"),
            (&["MGET", "k", "nokey"], "*2\r\n$1\r\nv\r\n_\r\n"),
            (&["SET", "k", "w", "GET"], "$1\r\nv\r\n"),
            (&["SET", "k2", "w", "NX", "GET"], "_\r\n"),
            (&["GETDEL", "nokey"], "_\r\n"),
            (&["GETEX", "nokey"], "_\r\n"),
            (&["CLIENT", "GETNAME"], "_\r\n"),
            (&["OBJECT", "ENCODING", "nokey"], "_\r\n"),
            (&["MEMORY", "USAGE", "nokey"], "_\r\n"),
            (&["DEL", "k2"], ":1\r\n"),
        ],
    );
    // A key is left, so RANDOMKEY answers a bulk; FLUSHALL, then it is null.
    assert!(c.cmd(&["RANDOMKEY"]).text().len() == 1);
    expect_raw(&mut c, &[(&["FLUSHALL"], "+OK\r\n"), (&["RANDOMKEY"], "_\r\n"), (&["KEYS", "*"], "*0\r\n")]);
}

#[test]
fn maps_sets_and_verbatim() {
    let s = Server::start(&[]);
    let mut c = resp3_client(&s);
    expect_raw(
        &mut c,
        &[
            (&["CONFIG", "GET", "databases"], "%1\r\n$9\r\ndatabases\r\n$2\r\n16\r\n"),
            (&["CONFIG", "GET", "nosuch"], "%0\r\n"),
            (
                &["CLIENT", "TRACKINGINFO"],
                "%3\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n",
            ),
            (&["COMMAND", "GETKEYSANDFLAGS", "get", "k"], "*1\r\n*2\r\n$1\r\nk\r\n~2\r\n+RO\r\n+access\r\n"),
            (&["SET", "a", "1"], "+OK\r\n"),
            (&["KEYS", "*"], "*1\r\n$1\r\na\r\n"),
        ],
    );
    let info = c.try_read_raw_after(&["INFO", "keyspace"]);
    let text = "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n";
    assert_eq!(String::from_utf8_lossy(&info), format!("={}\r\ntxt:{text}\r\n", text.len() + 4));
    let Resp::Array(rows) = c.cmd(&["COMMAND", "INFO", "get"]) else { panic!("COMMAND INFO") };
    let Resp::Array(row) = &rows[0] else { panic!("row") };
    assert_eq!(row[2], Resp::Set(vec![Resp::Simple("readonly".into()), Resp::Simple("fast".into())]));
    assert_eq!(row[9], Resp::Set(vec![]), "no subcommands: an empty set");
    // COMMAND DOCS is a map of maps.
    let docs = c.cmd(&["COMMAND", "DOCS", "get"]);
    let Resp::Map(entries) = &docs else { panic!("not a map: {docs:?}") };
    assert_eq!(entries[0].0, Resp::bulk("get"));
    assert!(matches!(entries[0].1, Resp::Map(_)));
}

#[test]
fn resp2_forms_stay_the_same() {
    let s = Server::start(&[]);
    let mut c = s.client();
    expect_raw(
        &mut c,
        &[
            (&["GET", "nokey"], "$-1\r\n"),
            (&["CONFIG", "GET", "databases"], "*2\r\n$9\r\ndatabases\r\n$2\r\n16\r\n"),
            (
                &["CLIENT", "TRACKINGINFO"],
                "*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n",
            ),
            (&["COMMAND", "GETKEYSANDFLAGS", "get", "k"], "*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n"),
        ],
    );
    let info = c.try_read_raw_after(&["INFO", "keyspace"]);
    assert_eq!(info, b"$12\r\n# Keyspace\r\n\r\n");
}
