//! The RESP protocol as clients meet it: pipelining, partial writes, inline commands,
//! protocol errors, binary safety.
mod common;
use common::*;

#[test]
fn ping_and_echo() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["PING"]), Resp::Simple("PONG".into()));
    assert_eq!(c.cmd(&["ping", "hi"]), Resp::bulk("hi"));
    assert_eq!(c.cmd(&["ECHO", "x y"]), Resp::bulk("x y"));
}
