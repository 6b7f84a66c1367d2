//! Misbehaving and demanding clients: huge declared sizes with no data behind them, clients
//! that vanish mid-command or mid-reply, and many concurrent writers on shared keys.
mod common;
use common::*;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

/// Resident memory of a process in KB, from /proc/<pid>/status.
fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

fn pong() -> Resp {
    Resp::Simple("PONG".into())
}

#[test]
fn huge_declared_sizes_do_not_allocate() {
    let s = Server::start(&[]);
    let mut other = s.client();
    assert_eq!(other.cmd(&["SET", "k", "v"]), Resp::ok());
    let before = rss_kb(s.pid());
    let mut liars = Vec::new();
    // A command claiming 2^31-1 arguments, one of them sent.
    let mut c = s.client();
    c.send_raw(b"*2147483647\r\n$3\r\nSET\r\n");
    liars.push(c);
    // A 512 MB bulk (the largest allowed) with nothing behind it.
    let mut c = s.client();
    c.send_raw(b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$536870912\r\n");
    liars.push(c);
    // The same with a few KB of the payload actually sent.
    for _ in 0..4 {
        let mut c = s.client();
        let mut req = b"*2\r\n$4\r\nECHO\r\n$536870912\r\n".to_vec();
        req.extend(vec![b'z'; 64 * 1024]);
        c.send_raw(&req);
        liars.push(c);
    }
    // The server keeps serving others, and its memory stays far below what was declared.
    let deadline = Instant::now() + Duration::from_millis(300);
    while Instant::now() < deadline {
        assert_eq!(other.cmd(&["PING"]), pong());
        let now = rss_kb(s.pid());
        assert!(now < before + 64 * 1024, "RSS grew from {before} KB to {now} KB");
    }
    let mut fresh = s.client();
    assert_eq!(fresh.cmd(&["GET", "k"]), Resp::bulk("v"));
    // The liars are still connected, waiting for their data: nothing was executed.
    assert_eq!(fresh.cmd(&["EXISTS", "x"]), Resp::Int(0));
    drop(liars);
    assert_eq!(fresh.cmd(&["PING"]), pong());
}

#[test]
fn client_vanishing_mid_command_is_forgotten() {
    let s = Server::start(&[]);
    let mut other = s.client();
    for partial in [
        &b"*3\r\n$3\r\nSET\r\n$4\r\ngone\r\n$10\r\nabc"[..],
        b"*3\r\n$3\r\nSET\r\n$4\r\ngone",
        b"*3\r\n",
        b"SET gone inline-without-newline",
        b"*3\r\n$3\r\nSET\r\n$4\r\ngone\r\n$100000000\r\n",
    ] {
        let mut c = s.client();
        c.send_raw(partial);
        assert_eq!(other.cmd(&["PING"]), pong());
        drop(c);
        assert_eq!(other.cmd(&["GET", "gone"]), Resp::Nil);
    }
    // A client that sent a few MB of a big bulk and then died.
    let mut c = s.client();
    let mut req = b"*3\r\n$3\r\nSET\r\n$4\r\ngone\r\n$100000000\r\n".to_vec();
    req.extend(vec![b'x'; 4 * 1024 * 1024]);
    c.send_raw(&req);
    drop(c);
    assert_eq!(other.cmd(&["GET", "gone"]), Resp::Nil);
    assert_eq!(other.cmd(&["PING"]), pong());
}

#[test]
fn client_vanishing_while_its_replies_are_written() {
    let s = Server::start(&[]);
    let mut setup = s.client();
    let big = vec![b'b'; 4 * 1024 * 1024];
    assert_eq!(setup.cmd_bytes(&[b"SET", b"big", &big]), Resp::ok());
    for _ in 0..5 {
        let mut c = s.client();
        let mut req = Vec::new();
        for _ in 0..8 {
            req.extend_from_slice(&Client::encode(&[b"GET", b"big"]));
        }
        c.send_raw(&req);
        // Gone before reading 32 MB of replies.
        drop(c);
    }
    assert_eq!(setup.cmd(&["PING"]), pong());
    assert_eq!(setup.cmd(&["GET", "big"]), Resp::Bulk(big));
}

#[test]
fn many_connections_open_and_close() {
    let s = Server::start(&[]);
    for i in 0..300 {
        let mut c = s.client();
        if i % 3 == 0 {
            assert_eq!(c.cmd(&["PING"]), pong());
        }
    }
    let mut c = s.client();
    assert_eq!(c.cmd(&["PING"]), pong());
}

/// 200 clients INCR a shared counter and their own one N times each: no update is lost.
#[test]
fn concurrent_incr_loses_nothing() {
    let run = |who: &str, port: u16| {
        const CLIENTS: usize = 200;
        const N: usize = 200;
        let barrier = Arc::new(Barrier::new(CLIENTS));
        let threads: Vec<_> = (0..CLIENTS)
            .map(|i| {
                let barrier = barrier.clone();
                std::thread::spawn(move || {
                    let mut c = Client::connect(port);
                    let own = format!("own:{i}");
                    barrier.wait();
                    for _ in 0..N {
                        for key in ["shared", own.as_str()] {
                            let r = c.cmd(&["INCR", key]);
                            if !matches!(r, Resp::Int(_)) {
                                return Err(format!("INCR {key} -> {r:?}"));
                            }
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        // Join every thread before judging, so one failure reports once.
        let results: Vec<_> = threads.into_iter().map(|t| t.join().expect("client thread")).collect();
        if let Some(Err(e)) = results.iter().find(|r| r.is_err()) {
            panic!("{who}: {e}");
        }
        let mut c = Client::connect(port);
        assert_eq!(c.cmd(&["GET", "shared"]), Resp::bulk(&(CLIENTS * N).to_string()), "{who}");
        for i in 0..CLIENTS {
            assert_eq!(c.cmd(&["GET", &format!("own:{i}")]), Resp::bulk(&N.to_string()), "{who}: own:{i}");
        }
    };
    let ours = Server::start(&[]);
    run("redis-rust", ours.port);
    if let Some(real) = RealRedis::start(&[]) {
        run("redis-server", real.port);
    }
}

/// Pipelined writers on many connections at once: each sees its own replies, in order.
#[test]
fn concurrent_pipelines_keep_their_order() {
    let s = Server::start(&[]);
    let port = s.port;
    let threads: Vec<_> = (0..32)
        .map(|t| {
            std::thread::spawn(move || {
                let mut c = Client::connect(port);
                let mut req = Vec::new();
                for i in 0..500 {
                    let v = format!("{t}-{i}");
                    req.extend_from_slice(&Client::encode(&[b"ECHO", v.as_bytes()]));
                }
                c.send_raw(&req);
                for i in 0..500 {
                    assert_eq!(c.read(), Resp::bulk(&format!("{t}-{i}")));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("pipeline thread");
    }
}

/// A pipelined batch keeps the keyspace locked from its first data command on; commands whose
/// handlers lock it themselves (INFO, SAVE, ...) once hung the connection and, holding the
/// lock, the whole server. Every command here follows key lookups in the same write.
#[test]
fn slow_commands_pipelined_after_key_commands_answer() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let cmds: &[&[&str]] = &[
        &["INFO"],
        &["INFO", "keyspace"],
        &["INFO", "persistence"],
        &["DBSIZE"],
        &["CONFIG", "GET", "hz"],
        &["SAVE"],
        &["LASTSAVE"],
        &["KEYS", "*"],
        &["SCAN", "0"],
        &["RANDOMKEY"],
        &["CLIENT", "LIST"],
        &["COMMAND", "COUNT"],
        &["ROLE"],
        &["REPLICAOF", "NO", "ONE"],
        &["WAIT", "0", "0"],
        &["MSET", "a", "1", "b", "2"],
        &["DEL", "a"],
        &["FLUSHDB"],
        &["TIME"],
    ];
    let mut req = Vec::new();
    for cmd in cmds {
        for key in ["k1", "k2", "k3"] {
            req.extend_from_slice(&Client::encode(&[b"SET", key.as_bytes(), b"v"]));
        }
        let args: Vec<&[u8]> = cmd.iter().map(|a| a.as_bytes()).collect();
        req.extend_from_slice(&Client::encode(&args));
    }
    c.send_raw(&req);
    for cmd in cmds {
        for _ in 0..3 {
            assert_eq!(c.read(), Resp::ok(), "{cmd:?}");
        }
        assert!(!c.read().is_error(), "{cmd:?}");
    }
    let mut other = s.client();
    assert_eq!(other.cmd(&["GET", "k1"]), Resp::bulk("v"));
}
