//! The RESP protocol as clients meet it: pipelining, partial writes, inline commands with
//! Redis's quoting, protocol errors, binary safety. Every test runs against this server and,
//! when it is installed, against real redis-server too, so each asserted reply is Redis's own.
mod common;
use common::*;
use std::io::{ErrorKind, Read, Write};
use std::time::Duration;

/// Run `check` against this server, then against real redis-server when installed.
fn on_both(check: impl Fn(&str, u16)) {
    let ours = Server::start(&[]);
    check("redis-rust", ours.port);
    if let Some(real) = RealRedis::start(&[]) {
        check("redis-server", real.port);
    }
}

/// The server has closed this connection: EOF (or a reset), not merely silence.
fn assert_closed(c: &mut Client, who: &str) {
    c.stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let mut b = [0u8; 64];
    match c.stream.read(&mut b) {
        Ok(0) => {}
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        other => panic!("{who}: connection should be closed, got {other:?}"),
    }
}

#[test]
fn ping_and_echo() {
    on_both(|who, port| {
        let mut c = Client::connect(port);
        assert_eq!(c.cmd(&["PING"]), Resp::Simple("PONG".into()), "{who}");
        assert_eq!(c.cmd(&["ping", "hi"]), Resp::bulk("hi"), "{who}");
        assert_eq!(c.cmd(&["ECHO", "x y"]), Resp::bulk("x y"), "{who}");
        assert_eq!(c.cmd(&["ECHO", ""]), Resp::bulk(""), "{who}");
    });
}

#[test]
fn pipeline_of_10000_commands_in_one_write() {
    on_both(|who, port| {
        let mut c = Client::connect(port);
        let n = 10_000;
        let mut req = Vec::new();
        for i in 0..n {
            let k = format!("pipe:{}", i / 4 % 100);
            let v = format!("value-{i}");
            let cmd: Vec<&[u8]> = match i % 4 {
                0 => vec![b"SET", k.as_bytes(), v.as_bytes()],
                1 => vec![b"GET", k.as_bytes()],
                2 => vec![b"ECHO", v.as_bytes()],
                _ => vec![b"PING"],
            };
            req.extend_from_slice(&Client::encode(&cmd));
        }
        // Write from another thread: the replies must be read while the request is still going out.
        let mut w = c.stream.try_clone().expect("clone");
        let writer = std::thread::spawn(move || w.write_all(&req).expect("write pipeline"));
        for i in 0..n {
            let expected = match i % 4 {
                0 => Resp::ok(),
                1 => Resp::Bulk(format!("value-{}", i - 1).into_bytes()),
                2 => Resp::Bulk(format!("value-{i}").into_bytes()),
                _ => Resp::Simple("PONG".into()),
            };
            assert_eq!(c.read(), expected, "{who}: reply {i}");
        }
        writer.join().expect("writer");
        assert_eq!(c.cmd(&["PING"]), Resp::Simple("PONG".into()), "{who}");
    });
}

#[test]
fn command_sent_one_byte_at_a_time() {
    on_both(|who, port| {
        let mut c = Client::connect(port);
        let mut req = Client::encode(&[b"SET", b"slow:key", b"va\r\nl"]);
        req.extend_from_slice(b"ECHO \"in line\"\r\n");
        req.extend_from_slice(&Client::encode(&[b"GET", b"slow:key"]));
        for b in &req {
            c.stream.write_all(std::slice::from_ref(b)).expect("write");
            c.stream.flush().expect("flush");
        }
        assert_eq!(c.read(), Resp::ok(), "{who}");
        assert_eq!(c.read(), Resp::bulk("in line"), "{who}");
        assert_eq!(c.read(), Resp::bulk("va\r\nl"), "{who}");
    });
}

#[test]
fn commands_split_across_writes_at_every_position() {
    on_both(|who, port| {
        let mut c = Client::connect(port);
        let mut req = Client::encode(&[b"ECHO", b"first"]);
        req.extend_from_slice(&Client::encode(&[b"ECHO", b"second"]));
        for cut in 1..req.len() {
            c.send_raw(&req[..cut]);
            c.stream.flush().expect("flush");
            // Give the server a chance to see the first part on its own.
            std::thread::yield_now();
            c.send_raw(&req[cut..]);
            assert_eq!(c.read(), Resp::bulk("first"), "{who}: cut {cut}");
            assert_eq!(c.read(), Resp::bulk("second"), "{who}: cut {cut}");
        }
    });
}

#[test]
fn every_byte_round_trips_in_keys_and_values() {
    on_both(|who, port| {
        let mut c = Client::connect(port);
        let all: Vec<u8> = (0..=255u8).collect();
        assert_eq!(c.cmd_bytes(&[b"SET", &all, &all]), Resp::ok(), "{who}");
        assert_eq!(c.cmd_bytes(&[b"GET", &all]), Resp::Bulk(all.clone()), "{who}");
        // One key per byte value, pipelined, each holding a value built around that byte.
        let mut req = Vec::new();
        for b in 0..=255u8 {
            let key = [b];
            let val = [b'<', b, b'\r', b'\n', b, b'>'];
            req.extend_from_slice(&Client::encode(&[b"SET", &key, &val]));
        }
        c.send_raw(&req);
        for b in 0..=255u8 {
            assert_eq!(c.read(), Resp::ok(), "{who}: SET byte {b}");
        }
        for b in 0..=255u8 {
            let val = vec![b'<', b, b'\r', b'\n', b, b'>'];
            assert_eq!(c.cmd_bytes(&[b"GET", &[b]]), Resp::Bulk(val), "{who}: GET byte {b}");
        }
        // Values that look like RESP framing are just bytes.
        for v in [&b"\r\n"[..], b"$5\r\n", b"*1\r\n$4\r\nPING\r\n", b"\0\0\0", b"", b"\r", b"\n"] {
            assert_eq!(c.cmd_bytes(&[b"SET", b"framing", v]), Resp::ok(), "{who}");
            assert_eq!(c.cmd_bytes(&[b"GET", b"framing"]), Resp::Bulk(v.to_vec()), "{who}: {v:?}");
        }
        assert_eq!(c.cmd_bytes(&[b"SET", b"", b"empty key"]), Resp::ok(), "{who}");
        assert_eq!(c.cmd_bytes(&[b"GET", b""]), Resp::bulk("empty key"), "{who}");
    });
}

#[test]
fn big_value_round_trip() {
    on_both(|who, port| {
        let mut c = Client::connect(port);
        let big: Vec<u8> = (0..10 * 1024 * 1024).map(|i: usize| (i % 251) as u8).collect();
        assert_eq!(c.cmd_bytes(&[b"SET", b"big", &big]), Resp::ok(), "{who}");
        assert_eq!(c.cmd_bytes(&[b"GET", b"big"]), Resp::Bulk(big), "{who}");
        assert_eq!(c.cmd(&["PING"]), Resp::Simple("PONG".into()), "{who}");
    });
}

#[test]
fn inline_commands_and_quoting() {
    on_both(|who, port| {
        let mut c = Client::connect(port);
        let cases: &[(&[u8], &[u8])] = &[
            (b"ECHO plain\r\n", b"plain"),
            (b"echo plain\n", b"plain"),
            (b"   ECHO    spaced   \r\n", b"spaced"),
            (b"ECHO\t\"a\\tb\"\r\n", b"a\tb"),
            (b"ECHO \"\\n\\r\\t\\b\\a\\\\\\\"\"\r\n", b"\n\r\t\x08\x07\\\""),
            (b"ECHO \"\\x41\\x4a\\x00\\xff\"\r\n", b"AJ\x00\xff"),
            // Not a valid \x escape: the backslash drops and the rest is literal.
            (b"ECHO \"\\xzz\\q\"\r\n", b"xzzq"),
            (b"ECHO 'it\\'s'\r\n", b"it's"),
            // Inside single quotes only \' is an escape.
            (b"ECHO 'a\\nb \"c\"'\r\n", b"a\\nb \"c\""),
            (b"ECHO \"\"\r\n", b""),
            (b"ECHO ''\r\n", b""),
            // A quoted part may follow unquoted text in the same argument.
            (b"ECHO a\"b c\"\r\n", b"ab c"),
        ];
        for (req, want) in cases {
            c.send_raw(req);
            assert_eq!(c.read(), Resp::Bulk(want.to_vec()), "{who}: {:?}", String::from_utf8_lossy(req));
        }
        c.send_raw(b"SET \"inline key\" 'inline value'\r\n");
        assert_eq!(c.read(), Resp::ok(), "{who}");
        assert_eq!(c.cmd(&["GET", "inline key"]), Resp::bulk("inline value"), "{who}");
        // Inline and multibulk requests mix freely in one write.
        let mut mixed = b"PING\r\n".to_vec();
        mixed.extend_from_slice(&Client::encode(&[b"ECHO", b"multi"]));
        mixed.extend_from_slice(b"ECHO inline\r\n");
        c.send_raw(&mixed);
        assert_eq!(c.read(), Resp::Simple("PONG".into()), "{who}");
        assert_eq!(c.read(), Resp::bulk("multi"), "{who}");
        assert_eq!(c.read(), Resp::bulk("inline"), "{who}");
        // A long inline line is fine as long as its newline arrives.
        let mut long = b"ECHO ".to_vec();
        long.extend(std::iter::repeat_n(b'a', 70 * 1024));
        long.extend_from_slice(b"\r\n");
        c.send_raw(&long);
        assert_eq!(c.read(), Resp::Bulk(vec![b'a'; 70 * 1024]), "{who}");
    });
}

#[test]
fn unbalanced_quotes_close_the_connection() {
    for req in [&b"ECHO \"abc\r\n"[..], b"ECHO 'abc\r\n", b"ECHO \"a\"b\r\n", b"ECHO 'a'b\r\n", b"ECHO \"abc\\\"\r\n"] {
        on_both(|who, port| {
            let mut c = Client::connect(port);
            c.send_raw(req);
            let what = String::from_utf8_lossy(req);
            assert_eq!(c.read(), err("ERR Protocol error: unbalanced quotes in request"), "{who}: {what:?}");
            assert_closed(&mut c, who);
        });
    }
}

#[test]
fn empty_requests_are_ignored() {
    on_both(|who, port| {
        let mut c = Client::connect(port);
        c.send_raw(b"*0\r\n*-1\r\n\r\n   \r\n\n*0\r\nPING\r\n*0\r\n");
        assert_eq!(c.read(), Resp::Simple("PONG".into()), "{who}");
        assert_eq!(c.cmd(&["ECHO", "next"]), Resp::bulk("next"), "{who}");
    });
}

/// Each malformed request gets Redis's exact error, then only that client is closed.
#[test]
fn protocol_errors_close_only_the_offending_client() {
    let mut inline_too_big = vec![b'a'; 64 * 1024 + 1];
    inline_too_big[0] = b'x';
    let mut mbulk_too_big = b"*".to_vec();
    mbulk_too_big.extend(vec![b'1'; 64 * 1024 + 1]);
    let mut bulk_too_big = b"*1\r\n$".to_vec();
    bulk_too_big.extend(vec![b'1'; 64 * 1024 + 1]);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"*abc\r\n".to_vec(), "ERR Protocol error: invalid multibulk length"),
        (b"*\r\n".to_vec(), "ERR Protocol error: invalid multibulk length"),
        (b"*+1\r\n".to_vec(), "ERR Protocol error: invalid multibulk length"),
        (b"*2147483648\r\n".to_vec(), "ERR Protocol error: invalid multibulk length"),
        (b"*1\r\n+foo\r\n".to_vec(), "ERR Protocol error: expected '$', got '+'"),
        (b"*2\r\n$4\r\nECHO\r\n:1\r\n".to_vec(), "ERR Protocol error: expected '$', got ':'"),
        (b"*1\r\n$-5\r\n".to_vec(), "ERR Protocol error: invalid bulk length"),
        (b"*1\r\n$-1\r\n".to_vec(), "ERR Protocol error: invalid bulk length"),
        (b"*1\r\n$\r\n".to_vec(), "ERR Protocol error: invalid bulk length"),
        (b"*1\r\n$03\r\n".to_vec(), "ERR Protocol error: invalid bulk length"),
        (b"*1\r\n$abc\r\n".to_vec(), "ERR Protocol error: invalid bulk length"),
        (b"*1\r\n$536870913\r\n".to_vec(), "ERR Protocol error: invalid bulk length"),
        (inline_too_big, "ERR Protocol error: too big inline request"),
        (mbulk_too_big, "ERR Protocol error: too big mbulk count string"),
        (bulk_too_big, "ERR Protocol error: too big bulk count string"),
    ];
    on_both(|who, port| {
        let mut other = Client::connect(port);
        assert_eq!(other.cmd(&["SET", "survivor", "yes"]), Resp::ok(), "{who}");
        for (req, msg) in &cases {
            let what = String::from_utf8_lossy(&req[..req.len().min(20)]).into_owned();
            let mut bad = Client::connect(port);
            // A valid command before the bad one in the same write is still answered.
            let mut data = Client::encode(&[b"PING"]);
            data.extend_from_slice(req);
            bad.send_raw(&data);
            assert_eq!(bad.read(), Resp::Simple("PONG".into()), "{who}: {what:?}");
            assert_eq!(bad.read(), err(msg), "{who}: {what:?}");
            assert_closed(&mut bad, who);
            assert_eq!(other.cmd(&["GET", "survivor"]), Resp::bulk("yes"), "{who} after {what:?}");
        }
    });
}

#[test]
fn bulk_is_taken_by_length_without_checking_its_terminator() {
    on_both(|who, port| {
        let mut c = Client::connect(port);
        // Redis skips the two bytes after a bulk's payload whatever they are.
        c.send_raw(b"*1\r\n$4\r\nPINGxx*2\r\n$4\r\nECHO\r\n$2\r\nok\r\n");
        assert_eq!(c.read(), Resp::Simple("PONG".into()), "{who}");
        assert_eq!(c.read(), Resp::bulk("ok"), "{who}");
    });
}

#[test]
fn unknown_command_and_wrong_arity_texts() {
    on_both(|who, port| {
        let mut c = Client::connect(port);
        assert_eq!(
            c.cmd(&["foo", "a", "b"]),
            err("ERR unknown command 'foo', with args beginning with: 'a' 'b' "),
            "{who}"
        );
        assert_eq!(c.cmd(&["foo"]), err("ERR unknown command 'foo', with args beginning with: "), "{who}");
        assert_eq!(c.cmd(&[""]), err("ERR unknown command '', with args beginning with: "), "{who}");
        // The name keeps its case; names and the argument list are cut at 128 characters.
        let long_name = "X".repeat(200);
        let a = "a".repeat(100);
        let b = "b".repeat(100);
        let want =
            format!("ERR unknown command '{}', with args beginning with: '{a}' '{}' ", "X".repeat(128), &b[..25]);
        assert_eq!(c.cmd(&[&long_name, &a, &b, "c"]), err(&want), "{who}");
        let many: Vec<String> = (0..40).map(|i| format!("arg{i}")).collect();
        let mut args = vec!["NoSuch"];
        args.extend(many.iter().map(|s| s.as_str()));
        let listed: String = many[..17].iter().map(|s| format!("'{s}' ")).collect();
        let want = format!("ERR unknown command 'NoSuch', with args beginning with: {listed}'ar' ");
        assert_eq!(c.cmd(&args), err(&want), "{who}");
        assert_eq!(c.cmd(&["GET"]), err("ERR wrong number of arguments for 'get' command"), "{who}");
        assert_eq!(c.cmd(&["get", "a", "b"]), err("ERR wrong number of arguments for 'get' command"), "{who}");
        assert_eq!(c.cmd(&["SET", "k"]), err("ERR wrong number of arguments for 'set' command"), "{who}");
        assert_eq!(c.cmd(&["ECHO"]), err("ERR wrong number of arguments for 'echo' command"), "{who}");
        assert_eq!(c.cmd(&["DEL"]), err("ERR wrong number of arguments for 'del' command"), "{who}");
        assert_eq!(c.cmd(&["SELECT"]), err("ERR wrong number of arguments for 'select' command"), "{who}");
        assert_eq!(c.cmd(&["DBSIZE", "x"]), err("ERR wrong number of arguments for 'dbsize' command"), "{who}");
        // Inline requests get the same texts.
        c.send_raw(b"get\r\n");
        assert_eq!(c.read(), err("ERR wrong number of arguments for 'get' command"), "{who}");
        c.send_raw(b"foo a b\r\n");
        assert_eq!(c.read(), err("ERR unknown command 'foo', with args beginning with: 'a' 'b' "), "{who}");
        // Errors never close the connection.
        assert_eq!(c.cmd(&["PING"]), Resp::Simple("PONG".into()), "{who}");
    });
}

#[test]
fn subcommand_errors() {
    on_both(|who, port| {
        let mut c = Client::connect(port);
        assert_eq!(c.cmd(&["CONFIG", "GET"]), err("ERR wrong number of arguments for 'config|get' command"), "{who}");
        assert_eq!(c.cmd(&["CONFIG"]), err("ERR wrong number of arguments for 'config' command"), "{who}");
        assert_eq!(c.cmd(&["CONFIG", "FOO"]), err("ERR unknown subcommand 'FOO'. Try CONFIG HELP."), "{who}");
        assert_eq!(c.cmd(&["client", "nope"]), err("ERR unknown subcommand 'nope'. Try CLIENT HELP."), "{who}");
    });
}

#[test]
fn quit_answers_then_closes() {
    on_both(|who, port| {
        let mut c = Client::connect(port);
        // Commands pipelined after QUIT are never executed.
        c.send_raw(b"PING\r\nQUIT\r\nSET after quit\r\n");
        assert_eq!(c.read(), Resp::Simple("PONG".into()), "{who}");
        assert_eq!(c.read(), Resp::ok(), "{who}");
        assert_closed(&mut c, who);
        let mut d = Client::connect(port);
        assert_eq!(d.cmd(&["GET", "after"]), Resp::Nil, "{who}");
    });
}
