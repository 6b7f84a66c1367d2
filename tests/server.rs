//! Server commands: DBSIZE, FLUSHDB/FLUSHALL, TIME, LASTSAVE, SHUTDOWN, DEBUG, FUNCTION,
//! MEMORY USAGE, CONFIG and INFO.
mod common;
use common::*;
use std::collections::HashMap;
use std::time::{Duration, Instant};

fn info_map(c: &mut Client, section: &str) -> HashMap<String, String> {
    let text = c.cmd(&["INFO", section]).text();
    text.split("\r\n")
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn field(c: &mut Client, section: &str, name: &str) -> String {
    info_map(c, section).remove(name).unwrap_or_else(|| panic!("no {name} in INFO {section}"))
}

fn num(c: &mut Client, section: &str, name: &str) -> i64 {
    field(c, section, name).parse().expect("integer field")
}

fn headers(text: &str) -> Vec<String> {
    text.split("\r\n").filter(|l| l.starts_with("# ")).map(|l| l[2..].to_string()).collect()
}

#[test]
fn dbsize_and_flushes() {
    // No save points: with them FLUSHALL also saves (and resets the change count), as in Redis 7.0.
    let s = Server::start(&["--save", ""]);
    let mut c = s.client();
    for k in ["a", "b", "c"] {
        assert_eq!(c.cmd(&["SET", k, "v"]), Resp::ok());
    }
    assert_eq!(c.cmd(&["DBSIZE"]), Resp::Int(3));
    assert_eq!(c.cmd(&["SELECT", "1"]), Resp::ok());
    assert_eq!(c.cmd(&["SET", "x", "1"]), Resp::ok());
    assert_eq!(c.cmd(&["DBSIZE"]), Resp::Int(1));
    assert_eq!(c.cmd(&["DBSIZE", "x"]), err("ERR wrong number of arguments for 'dbsize' command"));
    // FLUSHDB only touches the selected database.
    assert_eq!(c.cmd(&["FLUSHDB", "sync"]), Resp::ok());
    assert_eq!(c.cmd(&["DBSIZE"]), Resp::Int(0));
    assert_eq!(c.cmd(&["SELECT", "0"]), Resp::ok());
    assert_eq!(c.cmd(&["DBSIZE"]), Resp::Int(3));
    for bad in
        [&["FLUSHDB", "now"][..], &["FLUSHDB", "ASYNC", "SYNC"], &["FLUSHALL", "x"], &["FLUSHALL", "async", "async"]]
    {
        assert_eq!(c.cmd(bad), err("ERR syntax error"), "{bad:?}");
    }
    assert_eq!(c.cmd(&["DBSIZE"]), Resp::Int(3));
    let dirty = num(&mut c, "persistence", "rdb_changes_since_last_save");
    assert_eq!(c.cmd(&["SELECT", "2"]), Resp::ok());
    assert_eq!(c.cmd(&["SET", "y", "1"]), Resp::ok());
    assert_eq!(c.cmd(&["FLUSHALL", "ASYNC"]), Resp::ok());
    assert_eq!(c.cmd(&["DBSIZE"]), Resp::Int(0));
    assert_eq!(c.cmd(&["SELECT", "0"]), Resp::ok());
    assert_eq!(c.cmd(&["DBSIZE"]), Resp::Int(0));
    // The SET plus the four removed keys count as changes.
    assert_eq!(num(&mut c, "persistence", "rdb_changes_since_last_save"), dirty + 5);
    assert_eq!(c.cmd(&["FLUSHALL"]), Resp::ok());
    assert_eq!(c.cmd(&["FLUSHDB"]), Resp::ok());
}

#[test]
fn time_and_lastsave() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let r = c.cmd(&["TIME"]);
    let parts = r.array();
    assert_eq!(parts.len(), 2);
    let secs: i64 = parts[0].text().parse().expect("seconds");
    let micros: i64 = parts[1].text().parse().expect("micros");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64;
    assert!((secs - now).abs() <= 2, "{secs} vs {now}");
    assert!((0..1_000_000).contains(&micros));
    assert_eq!(c.cmd(&["TIME", "x"]), err("ERR wrong number of arguments for 'time' command"));
    let last = c.cmd(&["LASTSAVE"]).int();
    assert!(last <= now && last >= now - 30, "{last} vs {now}");
    assert_eq!(num(&mut c, "persistence", "rdb_last_save_time"), last);
    assert_eq!(c.cmd(&["LASTSAVE", "x"]), err("ERR wrong number of arguments for 'lastsave' command"));
}

#[test]
fn shutdown_options_and_exit() {
    let mut s = Server::start(&[]);
    let mut c = s.client();
    for bad in [
        &["SHUTDOWN", "foo"][..],
        &["SHUTDOWN", "NOSAVE", "SAVE"],
        &["SHUTDOWN", "ABORT", "NOW"],
        &["SHUTDOWN", "now", "force", "bogus"],
    ] {
        assert_eq!(c.cmd(bad), err("ERR syntax error"), "{bad:?}");
    }
    assert_eq!(c.cmd(&["SHUTDOWN", "abort"]), err("ERR No shutdown in progress."));
    assert_eq!(c.cmd(&["PING"]), Resp::Simple("PONG".into()));
    c.send(&["SHUTDOWN", "NOSAVE", "NOW"]);
    assert!(c.try_read().is_err(), "SHUTDOWN must close the connection without a reply");
    assert_eq!(s.wait_exit(Duration::from_secs(5)), Some(0));
    assert!(s.log_text().contains("User requested shutdown"), "{}", s.log_text());
}

#[test]
fn plain_shutdown_exits() {
    let mut s = Server::start(&[]);
    let mut c = s.client();
    c.send(&["shutdown"]);
    assert!(c.try_read().is_err());
    assert_eq!(s.wait_exit(Duration::from_secs(5)), Some(0));
}

#[test]
fn debug_subcommands() {
    // Redis 7 refuses DEBUG unless enable-debug-command allows it.
    let refused = Server::start(&[]);
    assert!(refused.client().cmd(&["DEBUG", "LOG", "x"]).text().starts_with("ERR DEBUG command not allowed."));
    let s = Server::start(&["--enable-debug-command", "yes"]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["DEBUG", "LOG", "hello from the test"]), Resp::ok());
    assert!(wait_until(Duration::from_secs(2), || s.log_text().contains("hello from the test")));
    assert_eq!(c.cmd(&["DEBUG", "sleep", "0"]), Resp::ok());
    assert_eq!(c.cmd(&["DEBUG", "sleep", "abc"]), Resp::ok());
    // DEBUG SLEEP holds the whole keyspace, like Redis's single thread.
    let mut other = s.client();
    c.send(&["DEBUG", "SLEEP", "0.2"]);
    std::thread::sleep(Duration::from_millis(30));
    let t = Instant::now();
    assert_eq!(other.cmd(&["DBSIZE"]), Resp::Int(0));
    assert!(t.elapsed() >= Duration::from_millis(100), "{:?}", t.elapsed());
    assert_eq!(c.read(), Resp::ok());
    assert_eq!(c.cmd(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"]), Resp::ok());
    assert_eq!(c.cmd(&["DEBUG", "set-active-expire", "1"]), Resp::ok());
    assert_eq!(c.cmd(&["DEBUG", "OBJECT", "nokey"]), err("ERR no such key"));
    c.cmd(&["SET", "s", "hello"]);
    c.cmd(&["SET", "n", "12345"]);
    c.cmd(&["SET", "big", &"x".repeat(100)]);
    let line = c.cmd(&["DEBUG", "OBJECT", "s"]);
    let text = line.text();
    assert!(matches!(line, Resp::Simple(_)));
    assert!(
        text.starts_with("Value at:0x") && text.contains(" refcount:1 encoding:embstr serializedlength:6 lru:"),
        "{text}"
    );
    assert!(text.ends_with("lru_seconds_idle:0"), "{text}");
    assert!(c.cmd(&["DEBUG", "OBJECT", "n"]).text().contains("encoding:int"));
    assert!(c.cmd(&["DEBUG", "OBJECT", "big"]).text().contains("encoding:raw"));
    for (args, sub) in [
        (&["DEBUG", "nonsense"][..], "nonsense"),
        (&["DEBUG", "log"], "log"),
        (&["DEBUG", "LOG", "a", "b"], "LOG"),
        (&["DEBUG", "SET-ACTIVE-EXPIRE"], "SET-ACTIVE-EXPIRE"),
        (&["DEBUG", "object"], "object"),
    ] {
        assert_eq!(
            c.cmd(args),
            err(&format!("ERR unknown subcommand or wrong number of arguments for '{sub}'. Try DEBUG HELP."))
        );
    }
    assert_eq!(c.cmd(&["DEBUG"]), err("ERR wrong number of arguments for 'debug' command"));
    let help = c.cmd(&["DEBUG", "HELP"]);
    assert_eq!(help.array()[0], Resp::Simple("DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:".into()));
}

#[test]
fn function_stubs() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["FUNCTION", "FLUSH"]), Resp::ok());
    assert_eq!(c.cmd(&["FUNCTION", "flush", "async"]), Resp::ok());
    assert_eq!(c.cmd(&["FUNCTION", "FLUSH", "SYNC"]), Resp::ok());
    assert_eq!(c.cmd(&["FUNCTION", "FLUSH", "now"]), err("ERR FUNCTION FLUSH only supports SYNC|ASYNC option"));
    assert_eq!(
        c.cmd(&["FUNCTION", "FLUSH", "a", "b"]),
        err("ERR unknown subcommand or wrong number of arguments for 'FLUSH'. Try FUNCTION HELP.")
    );
    assert_eq!(c.cmd(&["FUNCTION", "LIST"]), Resp::Array(vec![]));
    assert_eq!(c.cmd(&["FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "x*"]), Resp::Array(vec![]));
    assert_eq!(c.cmd(&["FUNCTION", "LIST", "LIBRARYNAME"]), err("ERR library name argument was not given"));
    assert_eq!(c.cmd(&["FUNCTION", "LIST", "foo"]), err("ERR Unknown argument foo"));
    assert_eq!(c.cmd(&["FUNCTION", "LIST", "withcode", "withcode"]), err("ERR Unknown argument withcode"));
    assert_eq!(c.cmd(&["FUNCTION"]), err("ERR wrong number of arguments for 'function' command"));
    assert_eq!(c.cmd(&["FUNCTION", "nope"]), err("ERR unknown subcommand 'nope'. Try FUNCTION HELP."));
    assert!(c.cmd(&["FUNCTION", "HELP"]).array().len() > 2);
}

#[test]
fn memory_usage() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["MEMORY", "USAGE", "missing"]), Resp::Nil);
    c.cmd(&["SET", "k", "v"]);
    c.cmd(&["SET", "long", &"z".repeat(1000)]);
    let small = c.cmd(&["MEMORY", "USAGE", "k"]).int();
    let large = c.cmd(&["memory", "usage", "long", "SAMPLES", "5"]).int();
    assert!(small > 2 && small < 200, "{small}");
    assert!(large > 1000 && large < 1200, "{large}");
    assert_eq!(c.cmd(&["MEMORY", "USAGE", "k", "SAMPLES", "0"]).int(), small);
    assert_eq!(c.cmd(&["MEMORY", "USAGE", "k", "SAMPLES"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["MEMORY", "USAGE", "k", "SAMPLES", "-1"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["MEMORY", "USAGE", "k", "FOO", "1"]), err("ERR syntax error"));
    assert_eq!(c.cmd(&["MEMORY", "USAGE", "k", "SAMPLES", "x"]), err("ERR value is not an integer or out of range"));
    assert_eq!(c.cmd(&["MEMORY", "USAGE"]), err("ERR wrong number of arguments for 'memory|usage' command"));
    assert_eq!(c.cmd(&["MEMORY", "foo"]), err("ERR unknown subcommand 'foo'. Try MEMORY HELP."));
}

#[test]
fn config_get_set_round_trip() {
    let s = Server::start(&[]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["CONFIG", "GET", "hz"]), bulks(&["hz", "10"]));
    assert_eq!(c.cmd(&["CONFIG", "SET", "hz", "25"]), Resp::ok());
    // An exact name is echoed as the client typed it, as Redis does.
    assert_eq!(c.cmd(&["config", "get", "HZ"]), bulks(&["HZ", "25"]));
    // The hot copy the server runs on follows.
    assert_eq!(field(&mut c, "server", "hz"), "25");
    assert_eq!(c.cmd(&["CONFIG", "SET", "hz", "11", "maxclients", "77"]), Resp::ok());
    let got = c.cmd(&["CONFIG", "GET", "maxclients", "hz", "nosuchparam"]);
    let mut pairs: Vec<(String, String)> = got.array().chunks(2).map(|p| (p[0].text(), p[1].text())).collect();
    pairs.sort();
    assert_eq!(pairs, vec![("hz".into(), "11".into()), ("maxclients".into(), "77".into())]);
    assert_eq!(field(&mut c, "clients", "maxclients"), "77");
    assert_eq!(c.cmd(&["CONFIG", "GET", "nosuch*"]), Resp::Array(vec![]));
    assert_eq!(c.cmd(&["CONFIG", "SET", "hz", "1", "maxclients"]), err("ERR syntax error"));
    assert_eq!(
        c.cmd(&["CONFIG", "SET", "foo", "bar"]),
        err("ERR Unknown option or number of arguments for CONFIG SET - 'foo'")
    );
    // All or nothing: a bad pair leaves the good one unapplied.
    assert!(c.cmd(&["CONFIG", "SET", "hz", "12", "foo", "bar"]).is_error());
    assert_eq!(c.cmd(&["CONFIG", "GET", "hz"]), bulks(&["hz", "11"]));
    assert_eq!(c.cmd(&["CONFIG", "SET", "hz"]), err("ERR wrong number of arguments for 'config|set' command"));
    assert_eq!(c.cmd(&["CONFIG", "GET"]), err("ERR wrong number of arguments for 'config|get' command"));
    assert_eq!(c.cmd(&["CONFIG", "REWRITE"]), err("ERR The server is running without a config file"));
    assert_eq!(c.cmd(&["CONFIG", "REWRITE", "x"]), err("ERR wrong number of arguments for 'config|rewrite' command"));
    assert_eq!(c.cmd(&["CONFIG", "bogus"]), err("ERR unknown subcommand 'bogus'. Try CONFIG HELP."));
    assert_eq!(c.cmd(&["CONFIG"]), err("ERR wrong number of arguments for 'config' command"));
    let help = c.cmd(&["CONFIG", "HELP"]);
    assert_eq!(help.array()[0], Resp::Simple("CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:".into()));
}

/// Our own two scheduling parameters: readable, settable, validated, and clients connected
/// before and after a change keep being served.
#[test]
fn config_client_scheduling_parameters() {
    let s = Server::start(&["--busy-spin-us", "0"]);
    let mut c = s.client();
    assert_eq!(c.cmd(&["CONFIG", "GET", "client-sched-batch"]), bulks(&["client-sched-batch", "yes"]));
    assert_eq!(c.cmd(&["CONFIG", "GET", "busy-spin-us"]), bulks(&["busy-spin-us", "0"]));
    assert_eq!(
        c.cmd(&["CONFIG", "SET", "client-sched-batch", "maybe"]),
        err(
            "ERR CONFIG SET failed (possibly related to argument 'client-sched-batch') - argument must be 'yes' or 'no'"
        )
    );
    assert_eq!(c.cmd(&["CONFIG", "SET", "client-sched-batch", "no", "busy-spin-us", "20"]), Resp::ok());
    assert_eq!(c.cmd(&["CONFIG", "GET", "client-sched-batch"]), bulks(&["client-sched-batch", "no"]));
    let mut later = s.client();
    for i in 0..50 {
        assert_eq!(later.cmd(&["INCR", "n"]), Resp::Int(2 * i + 1));
        assert_eq!(c.cmd(&["INCR", "n"]), Resp::Int(2 * i + 2));
    }
}

#[test]
fn config_resetstat_clears_counters() {
    let s = Server::start(&[]);
    let mut c = s.client();
    c.cmd(&["SET", "k", "v"]);
    c.cmd(&["GET", "k"]);
    c.cmd(&["GET", "nokey"]);
    c.cmd(&["NOSUCHCOMMAND"]);
    assert!(num(&mut c, "stats", "total_commands_processed") >= 3);
    assert_eq!(num(&mut c, "stats", "keyspace_hits"), 1);
    assert!(c.cmd(&["INFO", "errorstats"]).text().contains("errorstat_ERR:count=1"));
    assert_eq!(c.cmd(&["CONFIG", "RESETSTAT"]), Resp::ok());
    let stats = info_map(&mut c, "stats");
    // The RESETSTAT itself is counted once it returns, as in Redis; INFO only after its reply.
    assert_eq!(stats["total_commands_processed"], "1");
    assert_eq!(stats["keyspace_hits"], "0");
    assert_eq!(stats["keyspace_misses"], "0");
    assert_eq!(stats["total_error_replies"], "0");
    assert_eq!(stats["total_connections_received"], "0");
    let all = c.cmd(&["INFO", "commandstats", "errorstats"]).text();
    assert!(!all.contains("cmdstat_get") && !all.contains("errorstat_"), "{all}");
    assert!(all.contains("cmdstat_info:calls=1,"), "{all}");
    assert!(all.contains("cmdstat_config|resetstat:calls=1,"), "{all}");
    assert_eq!(
        c.cmd(&["CONFIG", "RESETSTAT", "x"]),
        err("ERR wrong number of arguments for 'config|resetstat' command")
    );
    let text = c.cmd(&["INFO", "commandstats"]).text();
    let line = text.lines().find(|l| l.starts_with("cmdstat_config|resetstat:")).expect("resetstat stats");
    assert!(
        line.starts_with("cmdstat_config|resetstat:calls=1,") && line.ends_with(",rejected_calls=1,failed_calls=0"),
        "{line}"
    );
}

#[test]
fn info_sections() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let default = c.cmd(&["INFO"]).text();
    let expected = [
        "Server",
        "Clients",
        "Memory",
        "Persistence",
        "Stats",
        "Replication",
        "CPU",
        "Modules",
        "Errorstats",
        "Cluster",
        "Keyspace",
    ];
    assert_eq!(headers(&default), expected);
    assert!(default.ends_with("\r\n") && !default.contains("\n\n") && !default.replace("\r\n", "").contains('\n'));
    assert_eq!(headers(&c.cmd(&["INFO", "default"]).text()), expected);
    assert!(!default.contains("rejected_calls"));
    let all = headers(&c.cmd(&["INFO", "all"]).text());
    assert!(all.contains(&"Commandstats".to_string()) && all.contains(&"Latencystats".to_string()));
    assert_eq!(headers(&c.cmd(&["INFO", "everything"]).text()), all);
    assert_eq!(headers(&c.cmd(&["INFO", "CPU"]).text()), ["CPU"]);
    assert_eq!(headers(&c.cmd(&["INFO", "keyspace", "server", "nosuch"]).text()), ["Server", "Keyspace"]);
    assert_eq!(headers(&c.cmd(&["INFO", "cpu", "default"]).text()), expected);
    assert_eq!(c.cmd(&["INFO", "nosuchsection"]), Resp::bulk(""));
    // Sections are not repeated when named twice.
    let twice = c.cmd(&["INFO", "cpu", "all"]).text();
    assert_eq!(twice.matches("used_cpu_user_children").count(), 1);
}

#[test]
fn info_fields() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let server = info_map(&mut c, "server");
    assert_eq!(server["redis_version"], "7.0.15");
    assert_eq!(server["redis_rust_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(server["redis_mode"], "standalone");
    assert_eq!(server["arch_bits"], "64");
    assert_eq!(server["tcp_port"], s.port.to_string());
    assert_eq!(server["process_id"], s.pid().to_string());
    assert_eq!(server["run_id"].len(), 40);
    assert!(server["os"].starts_with("Linux "), "{}", server["os"]);
    assert!(server["executable"].ends_with("redis-rust"));
    assert!(server["uptime_in_seconds"].parse::<u64>().is_ok());
    let us: i64 = server["server_time_usec"].parse().expect("usec");
    assert!(us > 1_600_000_000_000_000);
    let mem = info_map(&mut c, "memory");
    let used: u64 = mem["used_memory"].parse().expect("used_memory");
    let rss: u64 = mem["used_memory_rss"].parse().expect("rss");
    assert!(used > 0 && rss > 0);
    assert!(mem["used_memory_peak"].parse::<u64>().expect("peak") >= used);
    assert!(mem["used_memory_human"].ends_with(['B', 'K', 'M', 'G']));
    assert_eq!(mem["mem_allocator"], "libc");
    assert_eq!(mem["maxmemory"], "0");
    let repl = info_map(&mut c, "replication");
    assert_eq!(repl["role"], "master");
    assert_eq!(repl["connected_slaves"], "0");
    assert!(repl["master_replid"].len() == 40 && repl["master_replid"].bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(repl["master_replid"], info_map(&mut c, "replication")["master_replid"]);
    assert_ne!(repl["master_replid"], server["run_id"]);
    let cpu = info_map(&mut c, "cpu");
    assert!(cpu["used_cpu_user"].parse::<f64>().is_ok() && cpu["used_cpu_sys"].parse::<f64>().is_ok());
    assert_eq!(field(&mut c, "cluster", "cluster_enabled"), "0");
    let p = info_map(&mut c, "persistence");
    assert_eq!(
        (p["loading"].as_str(), p["aof_enabled"].as_str(), p["rdb_last_bgsave_status"].as_str()),
        ("0", "0", "ok")
    );
}

#[test]
fn info_counters_move() {
    let s = Server::start(&[]);
    let mut c = s.client();
    let mut other = s.client();
    other.cmd(&["PING"]);
    assert_eq!(field(&mut c, "clients", "connected_clients"), "2");
    assert!(num(&mut c, "stats", "total_connections_received") >= 2);
    let before = num(&mut c, "stats", "total_commands_processed");
    c.cmd(&["PING"]);
    c.cmd(&["PING"]);
    // The two PINGs and the first INFO.
    assert_eq!(num(&mut c, "stats", "total_commands_processed"), before + 3);
    assert!(!c.cmd(&["INFO", "keyspace"]).text().contains("db0:"));
    c.cmd(&["SET", "k", "v"]);
    other.cmd(&["SELECT", "3"]);
    other.cmd(&["SET", "a", "1"]);
    other.cmd(&["SET", "b", "1"]);
    let ks = c.cmd(&["INFO", "keyspace"]).text();
    assert!(ks.contains("db0:keys=1,expires=0,avg_ttl=0\r\n"), "{ks}");
    assert!(ks.contains("db3:keys=2,expires=0,avg_ttl=0\r\n"), "{ks}");
    c.cmd(&["GET", "k"]);
    c.cmd(&["GET", "k"]);
    c.cmd(&["GET", "nope"]);
    let stats = info_map(&mut c, "stats");
    assert_eq!((stats["keyspace_hits"].as_str(), stats["keyspace_misses"].as_str()), ("2", "1"));
    assert!(stats["total_net_input_bytes"].parse::<u64>().expect("in") > 0);
    assert!(stats["total_net_output_bytes"].parse::<u64>().expect("out") > 0);
    assert_eq!(stats["expired_keys"], "0");
    assert!(num(&mut c, "persistence", "rdb_changes_since_last_save") >= 3);
    // Errors and command statistics.
    c.cmd(&["GET"]);
    c.cmd(&["NOSUCH"]);
    c.cmd(&["CONFIG", "SET", "foo", "bar"]);
    let text = c.cmd(&["INFO", "errorstats", "commandstats"]).text();
    assert!(text.contains("errorstat_ERR:count=3\r\n"), "{text}");
    let get = text.lines().find(|l| l.starts_with("cmdstat_get:")).expect("cmdstat_get");
    assert!(get.starts_with("cmdstat_get:calls=3,usec="), "{get}");
    assert!(get.contains(",usec_per_call=") && get.ends_with(",rejected_calls=1,failed_calls=0"), "{get}");
    assert!(text.contains("cmdstat_config|set:calls=1,") && text.contains("failed_calls=1"), "{text}");
    assert_eq!(num(&mut c, "stats", "total_error_replies"), 3);
    drop(other);
    assert!(wait_until(Duration::from_secs(2), || field(&mut c, "clients", "connected_clients") == "1"));
}

#[test]
fn help_replies_end_as_redis_does() {
    let s = Server::start(&["--enable-debug-command", "yes"]);
    let mut c = s.client();
    for cmd in ["DEBUG", "CONFIG", "COMMAND", "MEMORY", "FUNCTION", "OBJECT", "CLIENT"] {
        let help = c.cmd(&[cmd, "HELP"]);
        let lines = help.array();
        assert_eq!(lines[0], Resp::Simple(format!("{cmd} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")));
        assert_eq!(
            lines[lines.len() - 2..],
            [Resp::Simple("HELP".into()), Resp::Simple("    Prints this help.".into())],
            "{cmd}"
        );
    }
}
