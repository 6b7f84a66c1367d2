//! Connection commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO, RESET and CLIENT.
mod common;
use common::*;
use std::time::Duration;

const WRONGPASS: &str = "WRONGPASS invalid username-password pair or user is disabled.";
const NOAUTH: &str = "NOAUTH Authentication required.";
const BAD_NAME: &str = "ERR Client names cannot contain spaces, newlines or special characters.";

/// CLIENT LIST / CLIENT INFO lines as ordered (field, value) pairs.
fn parse_lines(reply: &Resp) -> Vec<Vec<(String, String)>> {
    let text = reply.text();
    assert!(text.is_empty() || text.ends_with('\n'), "{text:?}");
    text.lines()
        .map(|l| {
            l.split(' ')
                .map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap_or_else(|| panic!("bad field {kv:?} in {l:?}"));
                    (k.to_string(), v.to_string())
                })
                .collect()
        })
        .collect()
}

fn field<'a>(line: &'a [(String, String)], k: &str) -> &'a str {
    &line.iter().find(|(key, _)| key == k).unwrap_or_else(|| panic!("no {k} in {line:?}")).1
}

/// The client's own CLIENT INFO line.
fn my_info(c: &mut Client) -> Vec<(String, String)> {
    parse_lines(&c.cmd(&["CLIENT", "INFO"])).remove(0)
}

fn hello_reply(id: i64) -> Resp {
    Resp::Array(vec![
        Resp::bulk("server"),
        Resp::bulk("redis"),
        Resp::bulk("version"),
        Resp::bulk("7.0.15"),
        Resp::bulk("proto"),
        Resp::Int(2),
        Resp::bulk("id"),
        Resp::Int(id),
        Resp::bulk("mode"),
        Resp::bulk("standalone"),
        Resp::bulk("role"),
        Resp::bulk("master"),
        Resp::bulk("modules"),
        Resp::Array(vec![]),
    ])
}

fn ids_listed(c: &mut Client) -> Vec<i64> {
    parse_lines(&c.cmd(&["CLIENT", "LIST"])).iter().map(|l| field(l, "id").parse().unwrap()).collect()
}

#[test]
fn ping_echo_select() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["PING"]), Resp::Simple("PONG".into()));
    assert_eq!(c.cmd(&["ping", "hello"]), Resp::bulk("hello"));
    assert_eq!(c.cmd(&["PING", "a", "b"]), err("ERR wrong number of arguments for 'ping' command"));
    assert_eq!(c.cmd(&["ECHO", "a b\r\n"]), Resp::bulk("a b\r\n"));
    assert_eq!(c.cmd(&["ECHO"]), err("ERR wrong number of arguments for 'echo' command"));
    assert_eq!(c.cmd(&["ECHO", "a", "b"]), err("ERR wrong number of arguments for 'echo' command"));

    assert_eq!(c.cmd(&["SET", "k", "db0"]), Resp::ok());
    assert_eq!(c.cmd(&["SELECT", "15"]), Resp::ok());
    assert_eq!(c.cmd(&["GET", "k"]), Resp::Nil);
    assert_eq!(field(&my_info(&mut c), "db"), "15");
    assert_eq!(c.cmd(&["SELECT", "0"]), Resp::ok());
    assert_eq!(c.cmd(&["GET", "k"]), Resp::bulk("db0"));
    for bad in ["16", "-1", "2147483647", "-2147483648"] {
        assert_eq!(c.cmd(&["SELECT", bad]), err("ERR DB index is out of range"), "{bad}");
    }
    // Beyond a C int Redis refuses the number itself, as MOVE and COPY ... DB do.
    for bad in ["2147483648", "-2147483649", "9223372036854775807"] {
        assert_eq!(
            c.cmd(&["SELECT", bad]),
            err("ERR value is out of range, value must between -2147483648 and 2147483647"),
            "{bad}"
        );
    }
    for bad in ["x", "1.5", "", " 1", "99999999999999999999"] {
        assert_eq!(c.cmd(&["SELECT", bad]), err("ERR value is not an integer or out of range"), "{bad:?}");
    }
    assert_eq!(c.cmd(&["SELECT"]), err("ERR wrong number of arguments for 'select' command"));
    assert_eq!(c.cmd(&["GET", "k"]), Resp::bulk("db0"), "a failed SELECT keeps the database");

    let s4 = Server::start(&["--databases", "4"]);
    let mut c4 = s4.client();
    assert_eq!(c4.cmd(&["SELECT", "3"]), Resp::ok());
    assert_eq!(c4.cmd(&["SELECT", "4"]), err("ERR DB index is out of range"));
}

#[test]
fn quit_closes_after_reply_and_drops_pipelined_commands() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["QUIT"]), Resp::ok());
    assert!(c.is_closed());

    let mut c = s.client();
    let mut batch = Client::encode(&[b"QUIT", b"extra"]);
    batch.extend(Client::encode(&[b"SET", b"foo", b"bar"]));
    c.send_raw(&batch);
    assert_eq!(c.read(), Resp::ok());
    assert!(c.is_closed());
    assert_eq!(s.client().cmd(&["GET", "foo"]), Resp::Nil);
}

#[test]
fn auth_without_a_password_configured() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(
        c.cmd(&["AUTH", "pw"]),
        err("ERR AUTH <password> called without any password configured for the default user. \
             Are you sure your configuration is correct?")
    );
    assert_eq!(c.cmd(&["AUTH", "default", "anything"]), Resp::ok());
    assert_eq!(c.cmd(&["AUTH", "someone", "pw"]), err(WRONGPASS));
    assert_eq!(c.cmd(&["AUTH", "a", "b", "c"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["AUTH"]), err("ERR wrong number of arguments for 'auth' command"));
    assert_eq!(c.cmd(&["PING"]), Resp::Simple("PONG".into()));
}

#[test]
fn auth_flow_with_requirepass() {
    let s = Server::start(&["--requirepass", "secret"]);
    let mut c = s.client();
    for cmd in [&["PING"][..], &["GET", "k"], &["CLIENT", "ID"], &["SELECT", "1"], &["ECHO", "x"]] {
        assert_eq!(c.cmd(cmd), err(NOAUTH), "{cmd:?}");
    }
    // Lookup and arity errors come before the authentication check, as in Redis.
    assert_eq!(c.cmd(&["NOSUCH"]), err("ERR unknown command 'NOSUCH', with args beginning with: "));
    assert_eq!(c.cmd(&["GET"]), err("ERR wrong number of arguments for 'get' command"));
    assert_eq!(c.cmd(&["AUTH", "wrong"]), err(WRONGPASS));
    assert_eq!(c.cmd(&["AUTH", "default", "wrong"]), err(WRONGPASS));
    assert_eq!(c.cmd(&["AUTH", "admin", "secret"]), err(WRONGPASS));
    assert_eq!(c.cmd(&["AUTH", "secret", "x", "y"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["PING"]), err(NOAUTH));
    assert_eq!(c.cmd(&["AUTH", "secret"]), Resp::ok());
    assert_eq!(c.cmd(&["SET", "k", "v"]), Resp::ok());
    assert_eq!(c.cmd(&["GET", "k"]), Resp::bulk("v"));
    // A failed attempt does not take away an earlier success.
    assert_eq!(c.cmd(&["AUTH", "wrong"]), err(WRONGPASS));
    assert_eq!(c.cmd(&["PING"]), Resp::Simple("PONG".into()));

    let mut c2 = s.client();
    assert_eq!(c2.cmd(&["AUTH", "default", "secret"]), Resp::ok());
    assert_eq!(c2.cmd(&["GET", "k"]), Resp::bulk("v"));

    // QUIT needs no authentication.
    let mut c3 = s.client();
    assert_eq!(c3.cmd(&["QUIT"]), Resp::ok());
    assert!(c3.is_closed());
}

#[test]
fn unauthenticated_requests_are_size_limited() {
    let s = Server::start(&["--requirepass", "secret"]);
    let mut c = s.client();
    c.send_raw(b"*100\r\n");
    assert_eq!(c.read(), err("ERR Protocol error: unauthenticated multibulk length"));
    assert!(c.is_closed());

    let mut c = s.client();
    c.send_raw(b"*1\r\n$100000000\r\n");
    assert_eq!(c.read(), err("ERR Protocol error: unauthenticated bulk length"));
    assert!(c.is_closed());

    // Once authenticated, the limits are gone.
    let mut c = s.client();
    assert_eq!(c.cmd(&["AUTH", "secret"]), Resp::ok());
    let big = "x".repeat(20000);
    assert_eq!(c.cmd(&["ECHO", &big]), Resp::bulk(&big));
}

#[test]
fn hello_protocol_2_and_errors() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let id = c.cmd(&["CLIENT", "ID"]).int();
    assert_eq!(c.cmd(&["HELLO"]), hello_reply(id));
    assert_eq!(c.cmd(&["HELLO", "2"]), hello_reply(id));
    assert_eq!(c.cmd(&["hello", "2", "setname", "conn-a"]), hello_reply(id));
    assert_eq!(c.cmd(&["CLIENT", "GETNAME"]), Resp::bulk("conn-a"));
    assert_eq!(c.cmd(&["HELLO", "2", "SETNAME", "a", "SETNAME", "b"]), hello_reply(id));
    assert_eq!(c.cmd(&["CLIENT", "GETNAME"]), Resp::bulk("b"));
    assert_eq!(c.cmd(&["HELLO", "2", "AUTH", "default", "any", "SETNAME", "c"]), hello_reply(id));
    assert_eq!(c.cmd(&["CLIENT", "GETNAME"]), Resp::bulk("c"));

    for v in ["1", "4", "0", "-1"] {
        assert_eq!(c.cmd(&["HELLO", v]), err("NOPROTO unsupported protocol version"), "{v}");
    }
    for v in ["abc", "2.0", "99999999999999999999"] {
        assert_eq!(c.cmd(&["HELLO", v]), err("ERR Protocol version is not an integer or out of range"), "{v}");
    }
    assert_eq!(c.cmd(&["HELLO", "2", "foo"]), err("ERR Syntax error in HELLO option 'foo'"));
    assert_eq!(c.cmd(&["HELLO", "2", "AUTH", "default"]), err("ERR Syntax error in HELLO option 'AUTH'"));
    assert_eq!(c.cmd(&["HELLO", "2", "SETNAME"]), err("ERR Syntax error in HELLO option 'SETNAME'"));
    assert_eq!(c.cmd(&["HELLO", "2", "AUTH", "bob", "pw"]), err(WRONGPASS));
    assert_eq!(c.cmd(&["HELLO", "2", "SETNAME", "a b"]), err(BAD_NAME));
    assert_eq!(c.cmd(&["CLIENT", "GETNAME"]), Resp::bulk("c"));
    // Refused versions leave the connection on RESP2.
    assert_eq!(field(&my_info(&mut c), "resp"), "2");
}

#[test]
fn hello_3_switches_pipelined_commands_to_resp3() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let id = c.cmd(&["CLIENT", "ID"]).int();
    let mut batch = Client::encode(&[b"HELLO", b"4"]);
    batch.extend(Client::encode(&[b"GET", b"nokey"]));
    batch.extend(Client::encode(&[b"HELLO", b"3"]));
    batch.extend(Client::encode(&[b"GET", b"nokey"]));
    batch.extend(Client::encode(&[b"HELLO", b"3", b"SETNAME", b"x"]));
    batch.extend(Client::encode(&[b"CLIENT", b"GETNAME"]));
    batch.extend(Client::encode(&[b"HELLO", b"2"]));
    batch.extend(Client::encode(&[b"GET", b"nokey"]));
    c.send_raw(&batch);
    assert_eq!(c.read(), err("NOPROTO unsupported protocol version"));
    assert_eq!(c.read(), Resp::Nil);
    let hello3 = |id: i64| {
        Resp::Map(vec![
            (Resp::bulk("server"), Resp::bulk("redis")),
            (Resp::bulk("version"), Resp::bulk("7.0.15")),
            (Resp::bulk("proto"), Resp::Int(3)),
            (Resp::bulk("id"), Resp::Int(id)),
            (Resp::bulk("mode"), Resp::bulk("standalone")),
            (Resp::bulk("role"), Resp::bulk("master")),
            (Resp::bulk("modules"), Resp::Array(vec![])),
        ])
    };
    assert_eq!(c.read(), hello3(id));
    assert_eq!(c.try_read_raw().unwrap().1, b"_\r\n");
    assert_eq!(c.read(), hello3(id));
    assert_eq!(c.read(), Resp::bulk("x"));
    assert_eq!(c.read(), hello_reply(id));
    assert_eq!(c.try_read_raw().unwrap().1, b"$-1\r\n");
}

#[test]
fn hello_3_reply_bytes_and_resp_field() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let id = c.cmd(&["CLIENT", "ID"]).int();
    c.send(&["HELLO", "3"]);
    let want = format!(
        "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n\
         $2\r\nid\r\n:{id}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n\
         $7\r\nmodules\r\n*0\r\n"
    );
    assert_eq!(String::from_utf8(c.try_read_raw().unwrap().1).unwrap(), want);
    // CLIENT INFO is verbatim text in RESP3 and says resp=3; another client sees it too.
    let info = c.cmd(&["CLIENT", "INFO"]);
    let Resp::Verbatim(format, text) = &info else { panic!("not verbatim: {info:?}") };
    assert_eq!(format, "txt");
    assert!(String::from_utf8_lossy(text).trim_end().ends_with(" resp=3"), "{info:?}");
    let mut other = s.client();
    let list = other.cmd(&["CLIENT", "LIST"]).text();
    let line = list.lines().find(|l| l.starts_with(&format!("id={id} "))).unwrap();
    assert!(line.ends_with(" resp=3"), "{line}");
    // RESET goes back to RESP2.
    assert_eq!(c.cmd(&["RESET"]), Resp::Simple("RESET".into()));
    assert_eq!(c.try_read_raw_after(&["GET", "nokey"]), b"$-1\r\n");
    assert_eq!(field(&my_info(&mut c), "resp"), "2");
}

#[test]
fn hello_with_requirepass() {
    let s = Server::start(&["--requirepass", "secret"]);
    let mut c = s.client();
    let noauth_hello = "NOAUTH HELLO must be called with the client already authenticated, otherwise the \
                        HELLO AUTH <user> <pass> option can be used to authenticate the client and select \
                        the RESP protocol version at the same time";
    assert_eq!(c.cmd(&["HELLO"]), err(noauth_hello));
    // Options before the authentication check take effect, as in Redis.
    assert_eq!(c.cmd(&["HELLO", "2", "SETNAME", "early"]), err(noauth_hello));
    assert_eq!(c.cmd(&["HELLO", "2", "AUTH", "default", "wrong"]), err(WRONGPASS));
    assert_eq!(c.cmd(&["PING"]), err(NOAUTH));
    // Authenticated by the AUTH option even though SETNAME then fails.
    assert_eq!(c.cmd(&["HELLO", "2", "AUTH", "default", "secret", "SETNAME", "a b"]), err(BAD_NAME));
    assert_eq!(c.cmd(&["CLIENT", "GETNAME"]), Resp::bulk("early"));

    let mut c2 = s.client();
    let reply = c2.cmd(&["HELLO", "2", "AUTH", "default", "secret"]);
    let id = c2.cmd(&["CLIENT", "ID"]).int();
    assert_eq!(reply, hello_reply(id));
    assert_eq!(c2.cmd(&["HELLO"]), hello_reply(id));

    // HELLO 3 AUTH user pass SETNAME name: authenticated, named and in RESP3 at once; a
    // failed HELLO 3 leaves the protocol as it was.
    let mut c3 = s.client();
    assert_eq!(c3.cmd(&["HELLO", "3", "AUTH", "default", "wrong"]), err(WRONGPASS));
    assert_eq!(c3.cmd(&["HELLO", "3"]), err(noauth_hello));
    assert_eq!(c3.try_read_raw_after(&["PING"]), format!("-{NOAUTH}\r\n").into_bytes());
    let reply = c3.cmd(&["HELLO", "3", "AUTH", "default", "secret", "SETNAME", "three"]);
    let Resp::Map(pairs) = &reply else { panic!("not a map: {reply:?}") };
    assert_eq!(pairs[2], (Resp::bulk("proto"), Resp::Int(3)));
    assert_eq!(c3.cmd(&["CLIENT", "GETNAME"]), Resp::bulk("three"));
    assert_eq!(c3.try_read_raw_after(&["GET", "nokey"]), b"_\r\n");
}

#[test]
fn reset_restores_a_fresh_connection() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["SET", "k", "v"]), Resp::ok());
    assert_eq!(c.cmd(&["SELECT", "5"]), Resp::ok());
    assert_eq!(c.cmd(&["CLIENT", "SETNAME", "named"]), Resp::ok());
    assert_eq!(c.cmd(&["CLIENT", "NO-EVICT", "on"]), Resp::ok());
    assert_eq!(c.cmd(&["CLIENT", "NO-TOUCH", "on"]), Resp::ok());
    assert_eq!(field(&my_info(&mut c), "flags"), "eT");
    assert_eq!(c.cmd(&["RESET"]), Resp::Simple("RESET".into()));
    assert_eq!(c.cmd(&["CLIENT", "GETNAME"]), Resp::Nil);
    assert_eq!(c.cmd(&["GET", "k"]), Resp::bulk("v"));
    let info = my_info(&mut c);
    assert_eq!(field(&info, "db"), "0");
    assert_eq!(field(&info, "name"), "");
    // Redis 7.0 keeps NO-EVICT across RESET; NO-TOUCH (7.2) is cleared as 7.2 does.
    assert_eq!(field(&info, "flags"), "e");
    assert_eq!(c.cmd(&["RESET", "x"]), err("ERR wrong number of arguments for 'reset' command"));

    // CLIENT REPLY OFF is undone too: RESET's own reply arrives.
    c.send(&["CLIENT", "REPLY", "OFF"]);
    assert_eq!(c.cmd(&["RESET"]), Resp::Simple("RESET".into()));
    assert_eq!(c.cmd(&["PING"]), Resp::Simple("PONG".into()));
}

#[test]
fn reset_drops_authentication() {
    let s = Server::start(&["--requirepass", "secret"]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["RESET"]), Resp::Simple("RESET".into()), "RESET needs no authentication");
    assert_eq!(c.cmd(&["AUTH", "secret"]), Resp::ok());
    assert_eq!(c.cmd(&["SELECT", "2"]), Resp::ok());
    assert_eq!(c.cmd(&["RESET"]), Resp::Simple("RESET".into()));
    assert_eq!(c.cmd(&["PING"]), err(NOAUTH));
    assert_eq!(c.cmd(&["AUTH", "default", "secret"]), Resp::ok());
    assert_eq!(field(&my_info(&mut c), "db"), "0");
}

#[test]
fn client_id_setname_getname() {
    let s = Server::start(&[]);
    let mut a = s.client();
    let mut b = s.client();
    let ida = a.cmd(&["CLIENT", "ID"]).int();
    let idb = b.cmd(&["client", "id"]).int();
    assert!(ida > 0 && idb > 0 && ida != idb, "{ida} {idb}");
    assert_eq!(a.cmd(&["CLIENT", "ID"]).int(), ida, "an id is for the connection's life");
    assert_eq!(field(&my_info(&mut a), "id"), ida.to_string());
    assert_eq!(a.cmd(&["CLIENT", "ID", "x"]), err("ERR wrong number of arguments for 'client|id' command"));

    assert_eq!(a.cmd(&["CLIENT", "GETNAME"]), Resp::Nil);
    assert_eq!(a.cmd(&["CLIENT", "SETNAME", "first"]), Resp::ok());
    assert_eq!(a.cmd(&["CLIENT", "GETNAME"]), Resp::bulk("first"));
    assert_eq!(a.cmd(&["CLIENT", "SETNAME", "sec~ond!"]), Resp::ok());
    assert_eq!(a.cmd(&["CLIENT", "GETNAME"]), Resp::bulk("sec~ond!"));
    for bad in [&b"a b"[..], b"a\nb", b"tab\t", "\u{e9}".as_bytes(), b"\x7f", b"nul\0"] {
        assert_eq!(a.cmd_bytes(&[b"CLIENT", b"SETNAME", bad]), err(BAD_NAME), "{bad:?}");
    }
    assert_eq!(a.cmd(&["CLIENT", "GETNAME"]), Resp::bulk("sec~ond!"), "a rejected name keeps the old one");
    let lines = parse_lines(&b.cmd(&["CLIENT", "LIST"]));
    let line_a = lines.iter().find(|l| field(l, "id") == ida.to_string()).unwrap();
    assert_eq!(field(line_a, "name"), "sec~ond!");
    assert_eq!(a.cmd(&["CLIENT", "SETNAME", ""]), Resp::ok());
    assert_eq!(a.cmd(&["CLIENT", "GETNAME"]), Resp::Nil);
    assert_eq!(a.cmd(&["CLIENT", "SETNAME"]), err("ERR wrong number of arguments for 'client|setname' command"));
    assert_eq!(
        a.cmd(&["CLIENT", "SETNAME", "a", "b"]),
        err("ERR wrong number of arguments for 'client|setname' command")
    );
    assert_eq!(a.cmd(&["CLIENT", "GETNAME", "x"]), err("ERR wrong number of arguments for 'client|getname' command"));
}

#[test]
fn client_list_and_info_format() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let id = c.cmd(&["CLIENT", "ID"]).int();
    let mut other = s.client();
    let other_id = other.cmd(&["CLIENT", "ID"]).int();
    assert_eq!(other.cmd(&["SELECT", "3"]), Resp::ok());

    let keys = [
        "id",
        "addr",
        "laddr",
        "fd",
        "name",
        "age",
        "idle",
        "flags",
        "db",
        "sub",
        "psub",
        "ssub",
        "multi",
        "qbuf",
        "qbuf-free",
        "argv-mem",
        "multi-mem",
        "rbs",
        "rbp",
        "obl",
        "oll",
        "omem",
        "tot-mem",
        "events",
        "cmd",
        "user",
        "redir",
        "resp",
    ];
    let lines = parse_lines(&c.cmd(&["CLIENT", "LIST"]));
    assert_eq!(lines.len(), 2);
    // Ordered by id, each in Redis 7.0's field order.
    assert_eq!(field(&lines[0], "id"), id.to_string());
    assert_eq!(field(&lines[1], "id"), other_id.to_string());
    for l in &lines {
        assert_eq!(l.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), keys);
    }
    let me = &lines[0];
    assert_eq!(field(me, "addr"), c.stream.local_addr().unwrap().to_string());
    assert_eq!(field(me, "laddr"), format!("127.0.0.1:{}", s.port));
    assert!(field(me, "fd").parse::<i32>().unwrap() > 2);
    assert!(field(me, "age").parse::<u64>().unwrap() < 5);
    assert!(field(me, "idle").parse::<u64>().unwrap() <= 1);
    for (k, v) in [
        ("name", ""),
        ("flags", "N"),
        ("db", "0"),
        ("sub", "0"),
        ("psub", "0"),
        ("ssub", "0"),
        ("multi", "-1"),
        // The request being served: "*2\r\n$6\r\nCLIENT\r\n$4\r\nLIST\r\n".
        ("qbuf", "26"),
        ("argv-mem", "10"),
        ("multi-mem", "0"),
        ("obl", "0"),
        ("oll", "0"),
        ("omem", "0"),
        ("events", "r"),
        ("cmd", "client|list"),
        ("user", "default"),
        ("redir", "-1"),
        ("resp", "2"),
    ] {
        assert_eq!(field(me, k), v, "{k}");
    }
    let them = &lines[1];
    assert_eq!(field(them, "db"), "3");
    assert_eq!(field(them, "cmd"), "select");
    assert_eq!(field(them, "qbuf"), "0", "an idle client has nothing buffered");
    assert_eq!(field(them, "argv-mem"), "0");

    let info = my_info(&mut c);
    assert_eq!(info.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), keys);
    assert_eq!(field(&info, "cmd"), "client|info");
    assert_eq!(field(&info, "qbuf"), "26");
    assert_eq!(c.cmd(&["CLIENT", "INFO", "x"]), err("ERR wrong number of arguments for 'client|info' command"));

    // The last command's full name, subcommands included; unknown commands leave it.
    assert_eq!(other.cmd(&["CLIENT", "GETNAME"]), Resp::Nil);
    let lines = parse_lines(&c.cmd(&["CLIENT", "LIST", "ID", &other_id.to_string()]));
    assert_eq!(field(&lines[0], "cmd"), "client|getname");
    assert_eq!(other.cmd(&["ECHO", "x"]), Resp::bulk("x"));
    let lines = parse_lines(&c.cmd(&["CLIENT", "LIST", "ID", &other_id.to_string()]));
    assert_eq!(field(&lines[0], "cmd"), "echo");

    // Idle time counts from the last request.
    assert!(wait_until(Duration::from_secs(3), || {
        let lines = parse_lines(&c.cmd(&["CLIENT", "LIST", "ID", &other_id.to_string()]));
        field(&lines[0], "idle") != "0"
    }));
}

#[test]
fn client_list_filters() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let mut others: Vec<Client> = (0..3).map(|_| s.client()).collect();
    let ids: Vec<i64> = others.iter_mut().map(|o| o.cmd(&["CLIENT", "ID"]).int()).collect();
    let my_id = c.cmd(&["CLIENT", "ID"]).int();
    let mut all = vec![my_id];
    all.extend(&ids);
    all.sort();
    // The harness's readiness probe may still be closing: wait for it to leave the list.
    assert!(wait_until(Duration::from_secs(5), || ids_listed(&mut c) == all), "{:?} vs {all:?}", ids_listed(&mut c));
    assert_eq!(parse_lines(&c.cmd(&["CLIENT", "LIST", "TYPE", "normal"])).len(), 4);
    assert_eq!(parse_lines(&c.cmd(&["CLIENT", "LIST", "type", "NORMAL"])).len(), 4);
    for empty in ["pubsub", "master", "replica", "slave"] {
        assert_eq!(c.cmd(&["CLIENT", "LIST", "TYPE", empty]), Resp::bulk(""), "{empty}");
    }
    assert_eq!(c.cmd(&["CLIENT", "LIST", "TYPE", "foo"]), err("ERR Unknown client type 'foo'"));

    // IDs in the order asked, unknown ones left out.
    let (a, b) = (ids[2].to_string(), ids[0].to_string());
    let listed = parse_lines(&c.cmd(&["CLIENT", "LIST", "ID", &a, "999999", &b, "-3", "0"]));
    let got: Vec<&str> = listed.iter().map(|l| field(l, "id")).collect();
    assert_eq!(got, [a.as_str(), b.as_str()]);
    assert_eq!(c.cmd(&["CLIENT", "LIST", "ID", "999999"]), Resp::bulk(""));
    assert_eq!(c.cmd(&["CLIENT", "LIST", "ID", &a, "abc"]), err("ERR Invalid client ID"));

    for bad in [
        &["CLIENT", "LIST", "x"][..],
        &["CLIENT", "LIST", "TYPE"],
        &["CLIENT", "LIST", "ID"],
        &["CLIENT", "LIST", "TYPE", "normal", "x"],
    ] {
        assert_eq!(c.cmd(bad), err("ERR syntax error"), "{bad:?}");
    }
}

#[test]
fn killed_client_is_disconnected_while_others_carry_on() {
    let s = Server::start(&[]);
    let mut admin = s.client();
    let mut victim = s.client();
    let mut bystander = s.client();
    let vid = victim.cmd(&["CLIENT", "ID"]).int();
    assert_eq!(bystander.cmd(&["SET", "k", "1"]), Resp::ok());

    assert_eq!(admin.cmd(&["CLIENT", "KILL", "ID", &vid.to_string()]), Resp::Int(1));
    assert!(victim.is_closed());
    // Unlisted at once, not when its thread gets round to exiting.
    assert!(!ids_listed(&mut admin).contains(&vid));
    assert_eq!(bystander.cmd(&["GET", "k"]), Resp::bulk("1"));
    assert_eq!(admin.cmd(&["PING"]), Resp::Simple("PONG".into()));
    assert_eq!(admin.cmd(&["CLIENT", "KILL", "ID", &vid.to_string()]), Resp::Int(0));
}

#[test]
fn client_kill_old_form() {
    let s = Server::start(&[]);
    let mut admin = s.client();
    let mut victim = s.client();
    assert_eq!(victim.cmd(&["PING"]), Resp::Simple("PONG".into()));
    let addr = victim.stream.local_addr().unwrap().to_string();
    assert_eq!(admin.cmd(&["CLIENT", "KILL", &addr]), Resp::ok());
    assert!(victim.is_closed());
    assert_eq!(admin.cmd(&["CLIENT", "KILL", &addr]), err("ERR No such client"));
    assert_eq!(admin.cmd(&["CLIENT", "KILL", "1.2.3.4:5"]), err("ERR No such client"));
    assert_eq!(admin.cmd(&["CLIENT", "KILL", "id"]), err("ERR No such client"));
    assert_eq!(admin.cmd(&["CLIENT", "KILL"]), err("ERR wrong number of arguments for 'client|kill' command"));

    // The old form may kill the caller: it still gets its +OK first.
    let me = admin.stream.local_addr().unwrap().to_string();
    assert_eq!(admin.cmd(&["CLIENT", "KILL", &me]), Resp::ok());
    assert!(admin.is_closed());
}

#[test]
fn client_kill_filters() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let my_addr = c.stream.local_addr().unwrap().to_string();

    let mut v = s.client();
    assert_eq!(v.cmd(&["PING"]), Resp::Simple("PONG".into()));
    let addr = v.stream.local_addr().unwrap().to_string();
    assert_eq!(c.cmd(&["CLIENT", "KILL", "ADDR", "1.2.3.4:5"]), Resp::Int(0));
    assert_eq!(c.cmd(&["client", "kill", "addr", &addr]), Resp::Int(1));
    assert!(v.is_closed());

    // SKIPME defaults to yes in the new form: the caller's own address is not killed.
    assert_eq!(c.cmd(&["CLIENT", "KILL", "ADDR", &my_addr]), Resp::Int(0));

    let mut v = s.client();
    let vid = v.cmd(&["CLIENT", "ID"]).int().to_string();
    // Filters combine with AND.
    assert_eq!(c.cmd(&["CLIENT", "KILL", "ID", &vid, "TYPE", "pubsub"]), Resp::Int(0));
    assert_eq!(c.cmd(&["CLIENT", "KILL", "ID", &vid, "ADDR", &my_addr]), Resp::Int(0));
    assert_eq!(c.cmd(&["CLIENT", "KILL", "ID", &vid, "TYPE", "normal", "USER", "default"]), Resp::Int(1));
    assert!(v.is_closed());

    let mut vs: Vec<Client> = (0..3).map(|_| s.client()).collect();
    for v in vs.iter_mut() {
        assert_eq!(v.cmd(&["PING"]), Resp::Simple("PONG".into()));
    }
    let laddr = format!("127.0.0.1:{}", s.port);
    assert_eq!(c.cmd(&["CLIENT", "KILL", "LADDR", "127.0.0.1:1"]), Resp::Int(0));
    assert_eq!(c.cmd(&["CLIENT", "KILL", "LADDR", &laddr]), Resp::Int(3));
    for v in vs.iter_mut() {
        assert!(v.is_closed());
    }
    assert_eq!(ids_listed(&mut c).len(), 1);

    let mut vs: Vec<Client> = (0..2).map(|_| s.client()).collect();
    for v in vs.iter_mut() {
        assert_eq!(v.cmd(&["PING"]), Resp::Simple("PONG".into()));
    }
    assert_eq!(c.cmd(&["CLIENT", "KILL", "SKIPME", "yes"]), Resp::Int(2));
    for v in vs.iter_mut() {
        assert!(v.is_closed());
    }
    assert_eq!(c.cmd(&["CLIENT", "KILL", "TYPE", "master"]), Resp::Int(0));
    assert_eq!(c.cmd(&["CLIENT", "KILL", "TYPE", "replica"]), Resp::Int(0));

    // SKIPME no: the caller is counted and closed after its reply.
    let mut v = s.client();
    assert_eq!(v.cmd(&["PING"]), Resp::Simple("PONG".into()));
    assert_eq!(c.cmd(&["CLIENT", "KILL", "SKIPME", "no"]), Resp::Int(2));
    assert!(v.is_closed());
    assert!(c.is_closed());
    let mut fresh = s.client();
    assert!(wait_until(Duration::from_secs(2), || ids_listed(&mut fresh).len() == 1));
}

#[test]
fn client_kill_errors() {
    let s = Server::start(&[]);
    let mut c = s.client();
    for id in ["0", "-1", "abc", "99999999999999999999"] {
        assert_eq!(c.cmd(&["CLIENT", "KILL", "ID", id]), err("ERR client-id should be greater than 0"), "{id}");
    }
    assert_eq!(c.cmd(&["CLIENT", "KILL", "ID", "10", "wrong_arg"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["CLIENT", "KILL", "ID", "1", "SKIPME"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["CLIENT", "KILL", "a", "b", "c"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["CLIENT", "KILL", "foo", "bar"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["CLIENT", "KILL", "TYPE", "wrong_type"]), err("ERR Unknown client type 'wrong_type'"));
    assert_eq!(c.cmd(&["CLIENT", "KILL", "USER", "wrong_user"]), err("ERR No such user 'wrong_user'"));
    assert_eq!(c.cmd(&["CLIENT", "KILL", "SKIPME", "yes_or_no"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["PING"]), Resp::Simple("PONG".into()), "no error kills anyone");
}

#[test]
fn client_reply_off_on_skip() {
    let s = Server::start(&[]);
    let mut c = s.client();
    c.send(&["CLIENT", "REPLY", "OFF"]);
    c.send(&["PING", "silenced"]);
    c.send(&["NOSUCHCOMMAND"]);
    c.send(&["SET", "k", "v"]);
    assert_eq!(c.cmd(&["CLIENT", "REPLY", "ON"]), Resp::ok());
    assert_eq!(c.cmd(&["GET", "k"]), Resp::bulk("v"), "commands still run while silenced");

    c.send(&["CLIENT", "REPLY", "SKIP"]);
    c.send(&["PING", "skipped"]);
    assert_eq!(c.cmd(&["PING", "shown"]), Resp::bulk("shown"));

    // SKIP then ON: ON's own reply is sent.
    c.send(&["CLIENT", "REPLY", "SKIP"]);
    assert_eq!(c.cmd(&["CLIENT", "REPLY", "ON"]), Resp::ok());
    assert_eq!(c.cmd(&["PING"]), Resp::Simple("PONG".into()));

    // SKIP twice skips one command each; SKIP while OFF changes nothing.
    c.send(&["CLIENT", "REPLY", "SKIP"]);
    c.send(&["CLIENT", "REPLY", "SKIP"]);
    c.send(&["PING", "skipped"]);
    assert_eq!(c.cmd(&["PING", "after"]), Resp::bulk("after"));
    c.send(&["CLIENT", "REPLY", "OFF"]);
    c.send(&["CLIENT", "REPLY", "SKIP"]);
    c.send(&["PING", "off"]);
    assert_eq!(c.cmd(&["CLIENT", "REPLY", "ON"]), Resp::ok());
    assert_eq!(c.cmd(&["PING", "on"]), Resp::bulk("on"));

    // The whole sequence pipelined in one write behaves the same.
    let mut batch = Vec::new();
    for cmd in [&[&b"CLIENT"[..], b"REPLY", b"SKIP"][..], &[b"PING", b"a"], &[b"PING", b"b"]] {
        batch.extend(Client::encode(cmd));
    }
    c.send_raw(&batch);
    assert_eq!(c.read(), Resp::bulk("b"));

    assert_eq!(c.cmd(&["CLIENT", "REPLY", "maybe"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["CLIENT", "REPLY"]), err("ERR wrong number of arguments for 'client|reply' command"));
}

#[test]
fn client_no_evict_no_touch_setinfo() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["CLIENT", "NO-EVICT", "on"]), Resp::ok());
    assert_eq!(field(&my_info(&mut c), "flags"), "e");
    assert_eq!(c.cmd(&["CLIENT", "NO-TOUCH", "ON"]), Resp::ok());
    assert_eq!(field(&my_info(&mut c), "flags"), "eT");
    assert_eq!(c.cmd(&["CLIENT", "NO-EVICT", "OFF"]), Resp::ok());
    assert_eq!(field(&my_info(&mut c), "flags"), "T");
    assert_eq!(c.cmd(&["CLIENT", "NO-TOUCH", "off"]), Resp::ok());
    assert_eq!(field(&my_info(&mut c), "flags"), "N");
    for sub in ["NO-EVICT", "NO-TOUCH"] {
        assert_eq!(c.cmd(&["CLIENT", sub, "maybe"]), err("ERR syntax error"));
        let lower = sub.to_lowercase();
        assert_eq!(
            c.cmd(&["CLIENT", sub]),
            err(&format!("ERR wrong number of arguments for 'client|{lower}' command"))
        );
    }

    assert_eq!(c.cmd(&["CLIENT", "SETINFO", "LIB-NAME", "redis-py"]), Resp::ok());
    assert_eq!(c.cmd(&["CLIENT", "SETINFO", "lib-ver", "5.0.1"]), Resp::ok());
    assert_eq!(c.cmd(&["CLIENT", "SETINFO", "lib-ver", ""]), Resp::ok());
    assert_eq!(c.cmd(&["CLIENT", "SETINFO", "lib-foo", "x"]), err("ERR Unrecognized option 'lib-foo'"));
    assert_eq!(
        c.cmd(&["CLIENT", "SETINFO", "LIB-NAME", "a b"]),
        err("ERR LIB-NAME cannot contain spaces, newlines or special characters.")
    );
    assert_eq!(
        c.cmd(&["CLIENT", "SETINFO", "lib-ver", "1\n"]),
        err("ERR lib-ver cannot contain spaces, newlines or special characters.")
    );
    assert_eq!(
        c.cmd(&["CLIENT", "SETINFO", "lib-name"]),
        err("ERR wrong number of arguments for 'client|setinfo' command")
    );
}

#[test]
fn client_pause_unblock_tracking_stubs() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["CLIENT", "PAUSE", "10"]), Resp::ok());
    assert_eq!(c.cmd(&["CLIENT", "PAUSE", "0", "WRITE"]), Resp::ok());
    assert_eq!(c.cmd(&["CLIENT", "PAUSE", "10", "all"]), Resp::ok());
    assert_eq!(c.cmd(&["CLIENT", "UNPAUSE"]), Resp::ok());
    assert_eq!(c.cmd(&["CLIENT", "PAUSE", "abc"]), err("ERR timeout is not an integer or out of range"));
    assert_eq!(c.cmd(&["CLIENT", "PAUSE", "-1"]), err("ERR timeout is negative"));
    assert_eq!(c.cmd(&["CLIENT", "PAUSE", "abc", "foo"]), err("ERR CLIENT PAUSE mode must be WRITE or ALL"));
    assert_eq!(
        c.cmd(&["CLIENT", "PAUSE", "1", "all", "x"]),
        err("ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.")
    );
    assert_eq!(c.cmd(&["CLIENT", "PAUSE"]), err("ERR wrong number of arguments for 'client|pause' command"));
    assert_eq!(c.cmd(&["CLIENT", "UNPAUSE", "x"]), err("ERR wrong number of arguments for 'client|unpause' command"));

    assert_eq!(c.cmd(&["CLIENT", "UNBLOCK", "99"]), Resp::Int(0));
    assert_eq!(c.cmd(&["CLIENT", "UNBLOCK", "1", "ERROR"]), Resp::Int(0));
    assert_eq!(c.cmd(&["CLIENT", "UNBLOCK", "1", "timeout"]), Resp::Int(0));
    assert_eq!(c.cmd(&["CLIENT", "UNBLOCK", "abc"]), err("ERR value is not an integer or out of range"));
    assert_eq!(c.cmd(&["CLIENT", "UNBLOCK", "1", "foo"]), err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"));
    assert_eq!(
        c.cmd(&["CLIENT", "UNBLOCK", "1", "error", "x"]),
        err("ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.")
    );

    assert_eq!(c.cmd(&["CLIENT", "GETREDIR"]), Resp::Int(-1));
    assert_eq!(
        c.cmd(&["CLIENT", "TRACKINGINFO"]),
        Resp::Array(vec![
            Resp::bulk("flags"),
            bulks(&["off"]),
            Resp::bulk("redirect"),
            Resp::Int(-1),
            Resp::bulk("prefixes"),
            Resp::Array(vec![]),
        ])
    );
    assert_eq!(
        c.cmd(&["CLIENT", "CACHING", "yes"]),
        err(
            "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled"
        )
    );
}

#[test]
fn client_container_help_and_errors() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let help = c.cmd(&["CLIENT", "HELP"]);
    let lines: Vec<String> = help.array().iter().map(|l| l.text()).collect();
    assert!(matches!(help.array()[0], Resp::Simple(_)));
    assert_eq!(lines[0], "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    assert_eq!(lines[lines.len() - 2..], ["HELP", "    Prints this help."]);
    for sub in ["ID", "INFO", "KILL <ip:port>", "LIST [options ...]", "SETNAME <name>", "REPLY (ON|OFF|SKIP)"] {
        assert!(lines.iter().any(|l| l == sub), "{sub} missing from {lines:?}");
    }
    assert_eq!(c.cmd(&["CLIENT", "HELP", "x"]), err("ERR wrong number of arguments for 'client|help' command"));
    assert_eq!(c.cmd(&["CLIENT"]), err("ERR wrong number of arguments for 'client' command"));
    assert_eq!(c.cmd(&["CLIENT", "foo"]), err("ERR unknown subcommand 'foo'. Try CLIENT HELP."));
    assert_eq!(c.cmd(&["client", "TRACKING", "on"]), err("ERR unknown subcommand 'TRACKING'. Try CLIENT HELP."));
}

/// The same requests to real Redis 7.0 and to this server give the same replies.
#[test]
fn matches_real_redis() {
    let Some(real) = RealRedis::start(&[]) else { return };
    let s = Server::start(&[]);
    let cases: &[&[&str]] = &[
        &["PING", "a", "b"],
        &["SELECT", "16"],
        &["SELECT", "x"],
        &["AUTH", "x"],
        &["AUTH", "default", "x"],
        &["AUTH", "bob", "x"],
        &["HELLO", "4"],
        &["HELLO", "x"],
        &["HELLO", "2", "AUTH", "default"],
        &["HELLO", "2", "SETNAME", "a b"],
        &["CLIENT"],
        &["CLIENT", "nope"],
        &["CLIENT", "LIST", "TYPE", "x"],
        &["CLIENT", "LIST", "ID", "x"],
        &["CLIENT", "LIST", "TYPE", "pubsub"],
        &["CLIENT", "KILL", "1.2.3.4:1"],
        &["CLIENT", "KILL", "ID", "0"],
        &["CLIENT", "KILL", "ID", "99999"],
        &["CLIENT", "KILL", "USER", "nobody"],
        &["CLIENT", "KILL", "TYPE", "x"],
        &["CLIENT", "KILL", "SKIPME", "x"],
        &["CLIENT", "SETNAME", "a\tb"],
        &["CLIENT", "SETNAME", "ok-name"],
        &["CLIENT", "GETNAME"],
        &["CLIENT", "NO-EVICT", "x"],
        &["CLIENT", "PAUSE", "-5"],
        &["CLIENT", "PAUSE", "5", "x"],
        &["CLIENT", "UNBLOCK", "x"],
        &["CLIENT", "GETREDIR"],
        &["CLIENT", "TRACKINGINFO"],
        &["CLIENT", "CACHING", "no"],
        &["CLIENT", "REPLY", "x"],
        &["RESET"],
        &["CLIENT", "GETNAME"],
    ];
    let mut a = real.client();
    let mut b = s.client();
    for case in cases {
        assert_eq!(b.cmd(case), a.cmd(case), "{case:?}");
    }
}
