//! Server configuration: Redis 7.0-compatible config file / command line
//! parsing, `CONFIG GET` and `CONFIG SET`.
//!
//! Every parameter Redis 7.0.15 knows is described by a static table
//! (`PARAMS`) with its type, bounds, flags and default, so values are
//! validated (and errors worded) exactly like Redis for all of them.  The
//! parameters this server actually uses are mirrored into typed fields of
//! [`Config`]; the rest are kept as canonical strings so `CONFIG GET` shows
//! them, and their names are reported in [`Config::unimplemented`] when a
//! config file or the command line sets them.

mod load;
mod params;
mod values;

use params::*;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
pub use values::*;

/// The Redis version we claim to be compatible with (used in messages).
pub const REDIS_VERSION: &str = "7.0.15";

/// The server configuration.
#[derive(Clone, Debug)]
pub struct Config {
    pub port: u16,
    pub bind: Vec<String>,
    /// Working directory. "." until set; absolute once set by a config
    /// file, the command line or CONFIG SET (main should chdir to it).
    pub dir: String,
    pub dbfilename: String,
    pub replicaof: Option<(String, u16)>,
    pub databases: u32,
    /// One of debug, verbose, notice, warning.
    pub loglevel: String,
    /// `None` when empty (no password).
    pub requirepass: Option<String>,
    pub maxclients: u32,
    /// Save points as Redis shows them: "3600 1 300 100 60 10000" ("" = off).
    pub save: String,
    pub appendonly: bool,
    pub maxmemory: u64,
    pub maxmemory_policy: String,
    pub timeout: u64,
    pub tcp_keepalive: u64,
    pub tcp_backlog: u32,
    pub proto_max_bulk_len: u64,
    pub client_query_buffer_limit: u64,
    pub repl_backlog_size: u64,
    pub repl_ping_replica_period: u64,
    pub repl_timeout: u64,
    /// Clamped to 1..=500 like Redis.
    pub hz: u32,
    /// Not a config parameter (DEBUG SET-ACTIVE-EXPIRE toggles it).
    pub active_expire_enabled: bool,
    /// `busy-spin-us`: microseconds a client thread polls before blocking.
    pub busy_spin_us: u64,
    /// `client-sched-batch`: run client threads under SCHED_BATCH.
    pub client_sched_batch: bool,
    /// no, yes or local.
    pub enable_debug_command: String,
    pub daemonize: bool,
    pub logfile: String,
    pub pidfile: String,
    pub protected_mode: bool,
    /// Absolute path of the config file, if one was given.
    pub config_file: Option<String>,
    /// Known-but-unimplemented directives that were set by the config file
    /// or command line (each once, in order of appearance).
    pub unimplemented: Vec<String>,
    /// Canonical string values of every other parameter, by canonical name.
    other: BTreeMap<&'static str, String>,
}

impl Default for Config {
    fn default() -> Self {
        let mut c = Config {
            port: 6379,
            bind: vec!["127.0.0.1".to_string()],
            dir: ".".to_string(),
            dbfilename: "dump.rdb".to_string(),
            replicaof: None,
            databases: 16,
            loglevel: "notice".to_string(),
            requirepass: None,
            maxclients: 10000,
            save: "3600 1 300 100 60 10000".to_string(),
            appendonly: false,
            maxmemory: 0,
            maxmemory_policy: "noeviction".to_string(),
            timeout: 0,
            tcp_keepalive: 300,
            tcp_backlog: 511,
            proto_max_bulk_len: 512 * 1024 * 1024,
            client_query_buffer_limit: 1024 * 1024 * 1024,
            repl_backlog_size: 1024 * 1024,
            repl_ping_replica_period: 10,
            repl_timeout: 60,
            hz: 10,
            active_expire_enabled: true,
            busy_spin_us: 50,
            client_sched_batch: true,
            enable_debug_command: "no".to_string(),
            daemonize: false,
            logfile: String::new(),
            pidfile: String::new(),
            protected_mode: true,
            config_file: None,
            unimplemented: Vec::new(),
            other: BTreeMap::new(),
        };
        for p in PARAMS {
            c.store(p.name, p.default.to_string());
        }
        c
    }
}

fn parse_or<T: std::str::FromStr>(v: &str, old: T) -> T {
    v.parse().unwrap_or(old)
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// Text of an I/O error like C's strerror() (without Rust's "(os error N)").
fn strerror(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

impl Config {
    /// Stores an already validated canonical value.
    fn store(&mut self, name: &'static str, v: String) {
        match name {
            "port" => self.port = parse_or(&v, self.port),
            "bind" => self.bind = v.split(' ').filter(|s| !s.is_empty()).map(String::from).collect(),
            "dir" => self.dir = v,
            "dbfilename" => self.dbfilename = v,
            "replicaof" => {
                self.replicaof = v.rsplit_once(' ').and_then(|(h, p)| p.parse().ok().map(|p| (h.to_string(), p)))
            }
            "databases" => self.databases = parse_or(&v, self.databases),
            "loglevel" => self.loglevel = v,
            "requirepass" => self.requirepass = if v.is_empty() { None } else { Some(v) },
            "maxclients" => self.maxclients = parse_or(&v, self.maxclients),
            "save" => self.save = v,
            "appendonly" => self.appendonly = v == "yes",
            "maxmemory" => self.maxmemory = parse_or(&v, self.maxmemory),
            "maxmemory-policy" => self.maxmemory_policy = v,
            "timeout" => self.timeout = parse_or(&v, self.timeout),
            "tcp-keepalive" => self.tcp_keepalive = parse_or(&v, self.tcp_keepalive),
            "tcp-backlog" => self.tcp_backlog = parse_or(&v, self.tcp_backlog),
            "proto-max-bulk-len" => self.proto_max_bulk_len = parse_or(&v, self.proto_max_bulk_len),
            "client-query-buffer-limit" => {
                self.client_query_buffer_limit = parse_or(&v, self.client_query_buffer_limit)
            }
            "repl-backlog-size" => self.repl_backlog_size = parse_or(&v, self.repl_backlog_size),
            "repl-ping-replica-period" => self.repl_ping_replica_period = parse_or(&v, self.repl_ping_replica_period),
            "repl-timeout" => self.repl_timeout = parse_or(&v, self.repl_timeout),
            "hz" => self.hz = parse_or(&v, self.hz).clamp(CONFIG_MIN_HZ, CONFIG_MAX_HZ),
            "busy-spin-us" => self.busy_spin_us = parse_or(&v, self.busy_spin_us),
            "client-sched-batch" => self.client_sched_batch = v == "yes",
            "enable-debug-command" => self.enable_debug_command = v,
            "daemonize" => self.daemonize = v == "yes",
            "logfile" => self.logfile = v,
            "pidfile" => self.pidfile = v,
            "protected-mode" => self.protected_mode = v == "yes",
            _ => {
                self.other.insert(name, v);
            }
        }
    }

    /// Current value of a parameter, formatted as CONFIG GET shows it.
    fn value(&self, name: &'static str) -> String {
        match name {
            "port" => self.port.to_string(),
            "bind" => self.bind.join(" "),
            "dir" => absolute_dir(&self.dir),
            "dbfilename" => self.dbfilename.clone(),
            "replicaof" => match &self.replicaof {
                Some((h, p)) => format!("{h} {p}"),
                None => String::new(),
            },
            "databases" => self.databases.to_string(),
            "loglevel" => self.loglevel.clone(),
            "requirepass" => self.requirepass.clone().unwrap_or_default(),
            "maxclients" => self.maxclients.to_string(),
            "save" => self.save.clone(),
            "appendonly" => yes_no(self.appendonly),
            "maxmemory" => self.maxmemory.to_string(),
            "maxmemory-policy" => self.maxmemory_policy.clone(),
            "timeout" => self.timeout.to_string(),
            "tcp-keepalive" => self.tcp_keepalive.to_string(),
            "tcp-backlog" => self.tcp_backlog.to_string(),
            "proto-max-bulk-len" => self.proto_max_bulk_len.to_string(),
            "client-query-buffer-limit" => self.client_query_buffer_limit.to_string(),
            "repl-backlog-size" => self.repl_backlog_size.to_string(),
            "repl-ping-replica-period" => self.repl_ping_replica_period.to_string(),
            "repl-timeout" => self.repl_timeout.to_string(),
            "hz" => self.hz.to_string(),
            "busy-spin-us" => self.busy_spin_us.to_string(),
            "client-sched-batch" => yes_no(self.client_sched_batch),
            "enable-debug-command" => self.enable_debug_command.clone(),
            "daemonize" => yes_no(self.daemonize),
            "logfile" => self.logfile.clone(),
            "pidfile" => self.pidfile.clone(),
            "protected-mode" => yes_no(self.protected_mode),
            _ => self.other.get(name).cloned().unwrap_or_default(),
        }
    }

    /// The value of any known parameter (name or alias, case-insensitive),
    /// formatted as CONFIG GET would show it.
    pub fn param(&self, name: &str) -> Option<String> {
        lookup(name.as_bytes()).map(|(i, _)| self.value(PARAMS[i].name))
    }

    /// A yes/no parameter as a bool (None if unknown or not a boolean).
    pub fn param_bool(&self, name: &str) -> Option<bool> {
        match self.param(name)?.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        }
    }

    /// Save points parsed from `save`: (seconds, changes) pairs.
    pub fn save_params(&self) -> Vec<(i64, i64)> {
        let v: Vec<i64> = self.save.split(' ').filter_map(|s| s.parse().ok()).collect();
        v.chunks_exact(2).map(|c| (c[0], c[1])).collect()
    }

    /// Is `name` (canonical) one of the parameters this server implements?
    pub fn is_implemented(name: &str) -> bool {
        IMPLEMENTED.iter().any(|n| n.eq_ignore_ascii_case(name))
    }

    /// Validates `args` for the parameter at `idx` and returns the new
    /// canonical value.
    fn parse_value(&self, idx: usize, args: &[String]) -> Result<String, String> {
        let p = &PARAMS[idx];
        let first = args.first().cloned().unwrap_or_default();
        match p.kind {
            Kind::Bool => match first.to_ascii_lowercase().as_str() {
                "yes" => Ok("yes".into()),
                "no" => Ok("no".into()),
                _ => Err("argument must be 'yes' or 'no'".into()),
            },
            Kind::Str => {
                let v = &first;
                let is_base = !v.contains('/') && !v.contains('\\');
                match p.name {
                    "dbfilename" if !is_base => {
                        return Err("dbfilename can't be a path, just a filename".into());
                    }
                    "appendfilename" | "appenddirname" => {
                        let what = if p.name == "appendfilename" {
                            ("appendfilename", "filename")
                        } else {
                            ("appenddirname", "dirname")
                        };
                        if v.is_empty() {
                            return Err(format!("{} can't be empty", what.0));
                        }
                        if !is_base {
                            return Err(format!("{} can't be a path, just a {}", what.0, what.1));
                        }
                    }
                    "cluster-announce-hostname" => {
                        if v.len() >= 256 {
                            return Err("Hostnames must be less than 256 characters".into());
                        }
                        if !v.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.') {
                            return Err("Hostnames may only contain alphanumeric characters, hyphens or dots".into());
                        }
                    }
                    _ => {}
                }
                Ok(v.clone())
            }
            Kind::Enum(values) => parse_enum(p, values, args),
            Kind::Num { min, max, unsigned, fmt } => parse_numeric(&first, min, max, unsigned, fmt),
            Kind::Special => self.parse_special(p.name, args),
        }
    }

    fn parse_special(&self, name: &str, args: &[String]) -> Result<String, String> {
        let empty_single = args.len() == 1 && args[0].is_empty();
        match name {
            "dir" => {
                if args.len() != 1 {
                    return Err("wrong number of arguments".into());
                }
                let target = Path::new(&self.dir).join(&args[0]);
                match std::fs::canonicalize(&target) {
                    Ok(abs) if abs.is_dir() => Ok(abs.to_string_lossy().into_owned()),
                    Ok(_) => Err("Not a directory".into()),
                    Err(e) => Err(strerror(&e)),
                }
            }
            "save" => {
                let args: &[String] = if empty_single { &[] } else { args };
                if args.len() % 2 == 1 {
                    return Err("Invalid save parameters".into());
                }
                let mut out = Vec::new();
                for (j, a) in args.iter().enumerate() {
                    let (v, rest) = c_strtol(a.as_bytes());
                    if !rest.is_empty() || (j % 2 == 0 && v < 1) || (j % 2 == 1 && v < 0) {
                        return Err("Invalid save parameters".into());
                    }
                    out.push(if j % 2 == 1 { (v as i32).to_string() } else { v.to_string() });
                }
                Ok(out.join(" "))
            }
            "bind" => {
                if args.len() > CONFIG_BINDADDR_MAX {
                    return Err("Too many bind addresses specified.".into());
                }
                if empty_single {
                    return Ok(String::new());
                }
                Ok(args.join(" "))
            }
            "replicaof" => {
                let split;
                let args = if args.len() == 1 {
                    // Extension: HOST:PORT in one argument.
                    match args[0].rsplit_once(':') {
                        Some((h, p)) if !h.is_empty() => {
                            split = [h.to_string(), p.to_string()];
                            &split[..]
                        }
                        _ => args,
                    }
                } else {
                    args
                };
                if args.len() != 2 {
                    return Err("wrong number of arguments".into());
                }
                if args[0].eq_ignore_ascii_case("no") && args[1].eq_ignore_ascii_case("one") {
                    return Ok(String::new());
                }
                let (port, rest) = c_strtol(args[1].as_bytes());
                if !(0..=65535).contains(&port) || !rest.is_empty() {
                    return Err("Invalid master port".into());
                }
                Ok(format!("{} {}", args[0], port))
            }
            "client-output-buffer-limit" => {
                if !args.len().is_multiple_of(4) {
                    return Err("Wrong number of arguments in buffer limit configuration.".into());
                }
                let cur = self.value("client-output-buffer-limit");
                let mut classes: Vec<Vec<String>> = cur
                    .split(' ')
                    .collect::<Vec<_>>()
                    .chunks(4)
                    .map(|c| c.iter().map(|s| s.to_string()).collect())
                    .collect();
                let mut updates = Vec::new();
                for c in args.chunks(4) {
                    let class = match c[0].to_ascii_lowercase().as_str() {
                        "normal" => 0,
                        "slave" | "replica" => 1,
                        "pubsub" => 2,
                        _ => {
                            return Err("Invalid client class specified in buffer limit configuration.".into());
                        }
                    };
                    let hard = parse_memory(&c[1]);
                    let soft = parse_memory(&c[2]);
                    let (secs, rest) = c_strtol(c[3].as_bytes());
                    let secs = secs as i32;
                    match (hard, soft) {
                        (Some(h), Some(s)) if secs >= 0 && rest.is_empty() => updates.push((class, h, s, secs)),
                        _ => {
                            return Err(
                                "Error in hard, soft or soft_seconds setting in buffer limit configuration.".into()
                            );
                        }
                    }
                }
                for (class, h, s, secs) in updates {
                    if let Some(c) = classes.get_mut(class) {
                        *c = vec![c[0].clone(), h.to_string(), s.to_string(), secs.to_string()];
                    }
                }
                Ok(classes.iter().map(|c| c.join(" ")).collect::<Vec<_>>().join(" "))
            }
            "oom-score-adj-values" => {
                if args.len() != 3 {
                    return Err("wrong number of arguments".into());
                }
                let mut out = Vec::new();
                for a in args {
                    let (v, rest) = c_strtol(a.as_bytes());
                    if !rest.is_empty() || !(-2000..=2000).contains(&v) {
                        return Err("Invalid oom-score-adj-values, elements must be between -2000 and 2000.".into());
                    }
                    out.push(v.to_string());
                }
                Ok(out.join(" "))
            }
            "notify-keyspace-events" => {
                if args.len() != 1 {
                    return Err("wrong number of arguments".into());
                }
                keyspace_events_canonical(&args[0])
                    .ok_or_else(|| "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".into())
            }
            "latency-tracking-info-percentiles" => {
                let args: &[String] = if empty_single { &[] } else { args };
                let mut out = Vec::new();
                for a in args {
                    let v = parse_c_double(a).ok_or("Invalid latency-tracking-info-percentiles parameters")?;
                    if !(0.0..=100.0).contains(&v) {
                        return Err(
                            "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]".into()
                        );
                    }
                    out.push(trim_double(&format!("{v:.6}")));
                }
                Ok(out.join(" "))
            }
            _ => Err("unknown special config".into()),
        }
    }
}

fn absolute_dir(dir: &str) -> String {
    match std::fs::canonicalize(dir) {
        Ok(p) => p.to_string_lossy().into_owned(),
        Err(_) => dir.to_string(),
    }
}

pub use crate::util::glob::glob_match;

/// Usage text (like `redis-server --help`), rendered with clap.
pub fn usage() -> String {
    let mut cmd = clap::Command::new("redis-server")
        .disable_help_flag(true)
        .disable_version_flag(true)
        .override_usage(
            "./redis-server [/path/to/redis.conf] [options] [-]\n       \
             ./redis-server - (read config from stdin)\n       \
             ./redis-server -v or --version\n       \
             ./redis-server -h or --help",
        )
        .after_help(
            "Examples:\n       \
             ./redis-server (run the server with default conf)\n       \
             echo 'maxmemory 128mb' | ./redis-server -\n       \
             ./redis-server /etc/redis/6379.conf\n       \
             ./redis-server --port 7777\n       \
             ./redis-server --port 7777 --replicaof 127.0.0.1 8888\n       \
             ./redis-server /etc/myredis.conf --loglevel verbose -\n       \
             ./redis-server /etc/myredis.conf --loglevel verbose",
        );
    cmd.render_help().to_string()
}

/// Version line (like `redis-server --version`).
pub fn version() -> String {
    format!("Redis server v={REDIS_VERSION} sha=00000000:0 malloc=libc bits={} build=0", usize::BITS)
}

/// If `args` (without argv[0]) asks for help or the version, returns the
/// text to print and the exit code (Redis exits 1 after usage, 0 after
/// the version). Main should call this before [`Config::load`].
pub fn special_action(args: &[String]) -> Option<(String, i32)> {
    match args.first().map(String::as_str) {
        Some("-v") | Some("--version") => Some((version(), 0)),
        Some("-h") | Some("--help") => Some((usage(), 1)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn tmpdir(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("cfgtest-{}-{tag}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn get1(c: &Config, name: &str) -> String {
        let r = c.get(&[name.as_bytes()]);
        assert_eq!(r.len(), 1, "{name}: {r:?}");
        r[0].1.clone()
    }

    fn set(c: &mut Config, pairs: &[(&str, &str)]) -> Result<(), String> {
        let p: Vec<(&[u8], &[u8])> = pairs.iter().map(|(a, b)| (a.as_bytes(), b.as_bytes())).collect();
        c.set(&p)
    }

    #[test]
    fn defaults() {
        let c = Config::load(&[]).unwrap();
        assert_eq!(c.port, 6379);
        assert_eq!(c.bind, vec!["127.0.0.1"]);
        assert_eq!(c.databases, 16);
        assert_eq!(c.save, "3600 1 300 100 60 10000");
        assert_eq!(c.save_params(), vec![(3600, 1), (300, 100), (60, 10000)]);
        assert_eq!(c.proto_max_bulk_len, 512 << 20);
        assert_eq!(c.client_query_buffer_limit, 1 << 30);
        assert_eq!(c.busy_spin_us, 50);
        assert!(c.active_expire_enabled && c.protected_mode && !c.appendonly);
        assert_eq!(get1(&c, "maxmemory"), "0");
        assert_eq!(get1(&c, "appendonly"), "no");
        assert_eq!(get1(&c, "save"), "3600 1 300 100 60 10000");
        assert_eq!(
            get1(&c, "client-output-buffer-limit"),
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
        );
        let dir = get1(&c, "dir");
        assert!(dir.starts_with('/'), "{dir}");
        // 192 visible params in Redis 7.0.15 (with aliases) + busy-spin-us + client-sched-batch.
        assert_eq!(c.get(&[b"*"]).len(), 194);
        assert!(c.client_sched_batch);
        assert!(c.unimplemented.is_empty());
    }

    #[test]
    fn split_args_like_redis() {
        let s = |l: &str| {
            split_args(l.as_bytes()).map(|v| v.into_iter().map(|a| String::from_utf8(a).unwrap()).collect::<Vec<_>>())
        };
        assert_eq!(s("set a b").unwrap(), vec!["set", "a", "b"]);
        assert_eq!(s("  a   b  ").unwrap(), vec!["a", "b"]);
        assert_eq!(s("").unwrap(), Vec::<String>::new());
        assert_eq!(s("\"a b\" 'c d'").unwrap(), vec!["a b", "c d"]);
        assert_eq!(s(r#""\n\r\t\\\"\x41\q""#).unwrap(), vec!["\n\r\t\\\"Aq"]);
        assert_eq!(split_args(br#""\x4""#).unwrap(), vec![b"x4".to_vec()]);
        assert_eq!(s(r"'it\'s' '\n'").unwrap(), vec!["it's", "\\n"]);
        assert_eq!(s("\"\"").unwrap(), vec![""]);
        assert_eq!(s("a\"b c\"").unwrap(), vec!["ab c"]);
        assert!(s("\"abc").is_none());
        assert!(s("'abc").is_none());
        assert!(s("\"a\"b").is_none());
        assert!(s("'a'b").is_none());
        assert!(s("\"abc\\").is_none());
        assert_eq!(s("\"a\"\tb").unwrap(), vec!["a", "b"]);
        assert_eq!(split_args(b"a\0b c").unwrap(), vec![b"a".to_vec()]);
        assert_eq!(split_args(b"\"\\x00\"").unwrap(), vec![vec![0u8]]);
    }

    #[test]
    fn memory_units() {
        assert_eq!(parse_memory("0"), Some(0));
        assert_eq!(parse_memory("100"), Some(100));
        assert_eq!(parse_memory("100b"), Some(100));
        assert_eq!(parse_memory("1k"), Some(1000));
        assert_eq!(parse_memory("1kb"), Some(1024));
        assert_eq!(parse_memory("1KB"), Some(1024));
        assert_eq!(parse_memory("100mb"), Some(100 << 20));
        assert_eq!(parse_memory("2m"), Some(2_000_000));
        assert_eq!(parse_memory("1g"), Some(1_000_000_000));
        assert_eq!(parse_memory("1Gb"), Some(1 << 30));
        assert_eq!(parse_memory(""), Some(0));
        assert_eq!(parse_memory("-1"), None);
        assert_eq!(parse_memory("1xb"), None);
        assert_eq!(parse_memory("1 mb"), None);
        assert_eq!(parse_memory("1.5gb"), None);
        assert_eq!(parse_memory("99999999999999999999"), Some(u64::MAX));
    }

    #[test]
    fn string2ll_strict() {
        assert_eq!(string2ll(b"0"), Some(0));
        assert_eq!(string2ll(b"-5"), Some(-5));
        assert_eq!(string2ll(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(string2ll(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [&b""[..], b"-0", b"+5", b" 5", b"5 ", b"05", b"9223372036854775808", b"-", b"1a"] {
            assert_eq!(string2ll(bad), None, "{:?}", bad);
        }
    }

    #[test]
    fn config_file_with_comments_quotes_include() {
        let d = tmpdir("file");
        let inc = d.join("inc.conf");
        std::fs::write(&inc, "maxclients 77\nsave 10 1\n").unwrap();
        let main = d.join("main.conf");
        std::fs::write(
            &main,
            format!(
                "# comment\n\n  PORT 7001  \nbind 127.0.0.1 ::1\nrequirepass \"p w\\x21\"\n\
                 dbfilename 'my.rdb'\nsave 100 1\ninclude {}\nsave 200 2\nloglevel warning\n\
                 maxmemory 1gb\nhash-max-ziplist-entries 100\nport 7002\n\
                 list-max-ziplist-entries 5\nlazyfree-lazy-user-del yes\n\
                 replicaof 10.0.0.1 6380\nrename-command FLUSHALL \"\"\n",
                inc.display()
            ),
        )
        .unwrap();
        let c = Config::load(&args(&[main.to_str().unwrap()])).unwrap();
        assert_eq!(c.port, 7002);
        assert_eq!(c.bind, vec!["127.0.0.1", "::1"]);
        assert_eq!(c.requirepass.as_deref(), Some("p w!"));
        assert_eq!(c.dbfilename, "my.rdb");
        assert_eq!(c.maxclients, 77);
        assert_eq!(c.save, "100 1 10 1 200 2");
        assert_eq!(c.loglevel, "warning");
        assert_eq!(c.maxmemory, 1 << 30);
        assert_eq!(c.replicaof, Some(("10.0.0.1".to_string(), 6380)));
        assert_eq!(get1(&c, "slaveof"), "10.0.0.1 6380");
        assert_eq!(get1(&c, "hash-max-listpack-entries"), "100");
        assert_eq!(c.param_bool("lazyfree-lazy-user-del"), Some(true));
        assert_eq!(c.unimplemented, vec!["rename-command"], "hash-max-ziplist-entries is implemented now");
        assert_eq!(c.config_file.as_deref(), main.to_str());

        // save "" resets, later lines accumulate again.
        std::fs::write(&main, "save 1 1\nsave \"\"\nsave 5 5\n").unwrap();
        let c = Config::load(&args(&[main.to_str().unwrap()])).unwrap();
        assert_eq!(c.save, "5 5");
        std::fs::write(&main, "save \"\"\n").unwrap();
        let c = Config::load(&args(&[main.to_str().unwrap()])).unwrap();
        assert_eq!(c.save, "");
        // A file without save keeps the default.
        std::fs::write(&main, "port 1\n").unwrap();
        let c = Config::load(&args(&[main.to_str().unwrap()])).unwrap();
        assert_eq!(c.save, "3600 1 300 100 60 10000");

        // Glob include.
        std::fs::create_dir_all(d.join("conf.d")).unwrap();
        std::fs::write(d.join("conf.d/a.conf"), "port 9001\n").unwrap();
        std::fs::write(d.join("conf.d/b.conf"), "timeout 9\n").unwrap();
        std::fs::write(&main, format!("include {}/conf.d/*.conf\n", d.display())).unwrap();
        let c = Config::load(&args(&[main.to_str().unwrap()])).unwrap();
        assert_eq!((c.port, c.timeout), (9001, 9));
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn flags_override_file() {
        let d = tmpdir("flags");
        let main = d.join("r.conf");
        std::fs::write(&main, "port 7001\nloglevel debug\nsave 1 1\n").unwrap();
        let m = main.to_str().unwrap();
        let c = Config::load(&args(&[m, "--port", "7005", "--bind", "0.0.0.0", "::", "--save", "60", "100"])).unwrap();
        assert_eq!(c.port, 7005);
        assert_eq!(c.loglevel, "debug");
        assert_eq!(c.bind, vec!["0.0.0.0", "::"]);
        assert_eq!(c.save, "1 1 60 100");
        let c = Config::load(&args(&["--save", "--port", "1"])).unwrap();
        assert_eq!((c.save.as_str(), c.port), ("", 1));
        let c = Config::load(&args(&["--port", "1", "--save"])).unwrap();
        assert_eq!(c.save, "");
        let c = Config::load(&args(&["--save", ""])).unwrap();
        assert_eq!(c.save, "");
        let c = Config::load(&args(&["--port 7777", "--databases", "4", "--maxmemory", "100mb"])).unwrap();
        assert_eq!((c.port, c.databases, c.maxmemory), (7777, 4, 100 << 20));
        let c =
            Config::load(&args(&["--requirepass", "a \"b\"", "--appendonly", "yes", "--busy-spin-us", "0"])).unwrap();
        assert_eq!(c.requirepass.as_deref(), Some("a \"b\""));
        assert!(c.appendonly);
        assert_eq!(c.busy_spin_us, 0);
        let c = Config::load(&args(&["--dir", d.to_str().unwrap(), "--dbfilename", "x.rdb"])).unwrap();
        assert_eq!(c.dir, std::fs::canonicalize(&d).unwrap().to_str().unwrap());
        assert_eq!(c.dbfilename, "x.rdb");
        let c = Config::load(&args(&["--maxmemory-policy", "allkeys-lru", "--activerehashing", "no"])).unwrap();
        assert_eq!(c.maxmemory_policy, "allkeys-lru");
        assert_eq!(c.unimplemented, vec!["activerehashing"]);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn replicaof_forms() {
        for a in [
            args(&["--replicaof", "h1 1234"]),
            args(&["--replicaof", "h1", "1234"]),
            args(&["--replicaof", "h1:1234"]),
            args(&["--slaveof", "h1", "1234"]),
            args(&["--replicaof h1 1234"]),
        ] {
            let c = Config::load(&a).unwrap();
            assert_eq!(c.replicaof, Some(("h1".to_string(), 1234)), "{a:?}");
        }
        let c = Config::load(&args(&["--replicaof", "h1", "1", "--replicaof", "no", "one"])).unwrap();
        assert_eq!(c.replicaof, None);
        let e = Config::load(&args(&["--replicaof", "h1", "x"])).unwrap_err();
        assert!(e.ends_with("Invalid master port"), "{e}");
        let e = Config::load(&args(&["--replicaof", "h1"])).unwrap_err();
        assert!(e.ends_with("wrong number of arguments"), "{e}");
        let e = Config::load(&args(&["--replicaof", "h1:99999"])).unwrap_err();
        assert!(e.ends_with("Invalid master port"), "{e}");
    }

    #[test]
    fn load_errors() {
        let e = Config::load(&args(&["--port", "abc"])).unwrap_err();
        assert_eq!(
            e,
            "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n\
             >>> 'port \"abc\"'\nargument couldn't be parsed into an integer"
        );
        let e = Config::load(&args(&["--port", "70000"])).unwrap_err();
        assert!(e.ends_with("argument must be between 0 and 65535 inclusive"), "{e}");
        let e = Config::load(&args(&["--loglevel", "bad"])).unwrap_err();
        assert!(e.ends_with("argument(s) must be one of the following: debug, verbose, notice, warning"));
        let e = Config::load(&args(&["--databases", "0"])).unwrap_err();
        assert!(e.ends_with(">>> 'databases \"0\"'\nargument must be between 1 and 2147483647 inclusive"));
        let e = Config::load(&args(&["--maxmemory", "1xb"])).unwrap_err();
        assert!(e.ends_with("argument must be a memory value"));
        let e = Config::load(&args(&["--foo", "1"])).unwrap_err();
        assert!(e.ends_with(">>> 'foo \"1\"'\nBad directive or wrong number of arguments"), "{e}");
        let e = Config::load(&args(&["--port"])).unwrap_err();
        assert!(e.ends_with(">>> 'port'\nwrong number of arguments"), "{e}");
        let e = Config::load(&args(&["--port", "1", "2"])).unwrap_err();
        assert!(e.ends_with("wrong number of arguments"), "{e}");
        let e = Config::load(&args(&["--appendonly", "maybe"])).unwrap_err();
        assert!(e.ends_with("argument must be 'yes' or 'no'"));
        let e = Config::load(&args(&["--dir", "/nonexistent/x"])).unwrap_err();
        assert!(e.ends_with("No such file or directory"), "{e}");

        let d = tmpdir("errs");
        let f = d.join("bad.conf");
        std::fs::write(&f, "port 7000\n# c\n\n  port abc  \n").unwrap();
        let e = Config::load(&args(&[f.to_str().unwrap()])).unwrap_err();
        assert_eq!(
            e,
            "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 4\n\
             >>> 'port abc'\nargument couldn't be parsed into an integer"
        );
        std::fs::write(&f, "port \"abc\n").unwrap();
        let e = Config::load(&args(&[f.to_str().unwrap()])).unwrap_err();
        assert!(e.ends_with("at line 1\n>>> 'port \"abc'\nUnbalanced quotes in configuration line"), "{e}");
        std::fs::write(&f, "foo bar\n").unwrap();
        let e = Config::load(&args(&[f.to_str().unwrap(), "--port", "1"])).unwrap_err();
        assert!(e.ends_with("at line 1\n>>> 'foo bar'\nBad directive or wrong number of arguments"));
        // Command-line options come after the file and a newline.
        std::fs::write(&f, "port 1\n").unwrap();
        let e = Config::load(&args(&[f.to_str().unwrap(), "--port", "x"])).unwrap_err();
        assert!(e.contains("at line 3\n"), "{e}");
        let e = Config::load(&args(&["/nonexistent.conf"])).unwrap_err();
        assert_eq!(e, "Fatal error, can't open config file '/nonexistent.conf': No such file or directory");
        std::fs::write(&f, "include /nonexistent.conf\n").unwrap();
        assert!(Config::load(&args(&[f.to_str().unwrap()])).unwrap_err().contains("can't open config file"));
        std::fs::remove_dir_all(&d).unwrap();

        assert_eq!(special_action(&args(&["-v"])).map(|x| x.1), Some(0));
        let (h, code) = special_action(&args(&["--help"])).unwrap();
        assert!(h.contains("redis-server") && code == 1);
        assert!(special_action(&args(&["--port", "1"])).is_none());
    }

    #[test]
    fn config_get_patterns_and_aliases() {
        let c = Config::default();
        let names = |pats: &[&str]| {
            let p: Vec<&[u8]> = pats.iter().map(|s| s.as_bytes()).collect();
            let mut v: Vec<String> = c.get(&p).into_iter().map(|(k, _)| k).collect();
            v.sort();
            v
        };
        assert_eq!(
            names(&["MAXMEM*"]),
            vec![
                "maxmemory",
                "maxmemory-clients",
                "maxmemory-eviction-tenacity",
                "maxmemory-policy",
                "maxmemory-samples"
            ]
        );
        assert_eq!(names(&["*slaveof*"]), vec!["slaveof"]);
        assert_eq!(names(&["replicaof", "slaveof"]), vec!["replicaof", "slaveof"]);
        assert_eq!(names(&["PORT", "Port", "port"]), vec!["PORT"]);
        assert_eq!(names(&["Por*", "port"]), vec!["port"]);
        assert_eq!(names(&["*repl-ping*"]), vec!["repl-ping-replica-period", "repl-ping-slave-period"]);
        assert_eq!(names(&["masterauth"]), vec!["masterauth"]);
        assert_eq!(names(&["nosuch"]), Vec::<String>::new());
        assert_eq!(names(&["watchdog-period"]), vec!["watchdog-period"]);
        assert_eq!(names(&["watchdog*"]), Vec::<String>::new());
        assert_eq!(names(&["ma?clients", "maxclient[sx]"]), vec!["maxclients"]);
        assert_eq!(c.get(&[b"bind"]), vec![("bind".to_string(), "127.0.0.1".to_string())]);
        assert_eq!(c.get(&[b"*"]).len(), c.get(&[b"*", b"*"]).len());
    }

    #[test]
    fn config_set_values_and_errors() {
        let mut c = Config::default();
        set(&mut c, &[("maxmemory", "1GB")]).unwrap();
        assert_eq!((c.maxmemory, get1(&c, "maxmemory")), (1 << 30, "1073741824".to_string()));
        set(&mut c, &[("Port", "6400"), ("loglevel", "VERBOSE")]).unwrap();
        assert_eq!((c.port, c.loglevel.as_str()), (6400, "verbose"));
        set(&mut c, &[("appendonly", "YES")]).unwrap();
        assert_eq!(get1(&c, "appendonly"), "yes");
        set(&mut c, &[("save", "")]).unwrap();
        assert_eq!(c.save, "");
        set(&mut c, &[("save", "10 1 20 2")]).unwrap();
        assert_eq!(c.save_params(), vec![(10, 1), (20, 2)]);
        set(&mut c, &[("requirepass", "s3cret")]).unwrap();
        assert_eq!(c.requirepass.as_deref(), Some("s3cret"));
        set(&mut c, &[("requirepass", "")]).unwrap();
        assert_eq!(c.requirepass, None);
        set(&mut c, &[("bind", "0.0.0.0 ::")]).unwrap();
        assert_eq!(c.bind, vec!["0.0.0.0", "::"]);
        set(&mut c, &[("maxmemory-clients", "10%")]).unwrap();
        assert_eq!(get1(&c, "maxmemory-clients"), "10%");
        set(&mut c, &[("notify-keyspace-events", "KEA")]).unwrap();
        assert_eq!(get1(&c, "notify-keyspace-events"), "AKE");
        set(&mut c, &[("notify-keyspace-events", "Ex$")]).unwrap();
        assert_eq!(get1(&c, "notify-keyspace-events"), "$xE");
        set(&mut c, &[("client-output-buffer-limit", "pubsub 64mb 16mb 90")]).unwrap();
        assert_eq!(
            get1(&c, "client-output-buffer-limit"),
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 67108864 16777216 90"
        );
        set(&mut c, &[("oom-score-adj", "relative")]).unwrap();
        assert_eq!(get1(&c, "oom-score-adj"), "yes");
        set(&mut c, &[("shutdown-on-sigterm", "now save")]).unwrap();
        assert_eq!(get1(&c, "shutdown-on-sigterm"), "save now");
        set(&mut c, &[("latency-tracking-info-percentiles", "50 99.9 100")]).unwrap();
        assert_eq!(get1(&c, "latency-tracking-info-percentiles"), "50 99.9 100");
        set(&mut c, &[("hz", "1000")]).unwrap();
        assert_eq!(c.hz, 500);
        set(&mut c, &[("slave-read-only", "no")]).unwrap();
        assert_eq!(get1(&c, "replica-read-only"), "no");
        set(&mut c, &[("maxmemory", "99999999999999999999")]).unwrap();
        assert_eq!(c.maxmemory, u64::MAX);

        let err = |c: &mut Config, pairs: &[(&str, &str)]| set(c, pairs).unwrap_err();
        let f = |a: &str, m: &str| format!("ERR CONFIG SET failed (possibly related to argument '{a}') - {m}");
        assert_eq!(err(&mut c, &[("foo", "bar")]), "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
        assert_eq!(err(&mut c, &[("port", "abc")]), f("port", "argument couldn't be parsed into an integer"));
        assert_eq!(err(&mut c, &[("timeout", "-0")]), f("timeout", "argument couldn't be parsed into an integer"));
        assert_eq!(err(&mut c, &[("timeout", "+5")]), f("timeout", "argument couldn't be parsed into an integer"));
        assert_eq!(
            err(&mut c, &[("timeout", "99999999999")]),
            f("timeout", "argument must be between 0 and 2147483647 inclusive")
        );
        assert_eq!(err(&mut c, &[("databases", "3")]), f("databases", "can't set immutable config"));
        assert_eq!(err(&mut c, &[("daemonize", "yes")]), f("daemonize", "can't set immutable config"));
        assert_eq!(err(&mut c, &[("slaveof", "a 1")]), f("slaveof", "can't set immutable config"));
        assert_eq!(err(&mut c, &[("maxmemory", "1xb")]), f("maxmemory", "argument must be a memory value"));
        assert_eq!(
            err(&mut c, &[("loglevel", "bad")]),
            f("loglevel", "argument(s) must be one of the following: debug, verbose, notice, warning")
        );
        assert_eq!(err(&mut c, &[("dir", "/tmp")]), f("dir", "can't set protected config"));
        assert_eq!(err(&mut c, &[("appendonly", "maybe")]), f("appendonly", "argument must be 'yes' or 'no'"));
        assert_eq!(err(&mut c, &[("port", "1"), ("port", "2")]), f("port", "duplicate parameter"));
        assert_eq!(err(&mut c, &[("port", "1"), ("PORT", "2")]), f("PORT", "duplicate parameter"));
        assert_eq!(err(&mut c, &[("save", "1 2 3")]), f("save", "Invalid save parameters"));
        assert_eq!(err(&mut c, &[("save", "  100 5  ")]), f("save", "Invalid save parameters"));
        assert_eq!(
            err(&mut c, &[("maxclients", "0")]),
            f("maxclients", "argument must be between 1 and 4294967295 inclusive")
        );
        assert_eq!(err(&mut c, &[("hz", "-1")]), f("hz", "argument must be between 0 and 2147483647 inclusive"));
        assert_eq!(
            err(&mut c, &[("maxmemory-clients", "200%")]),
            f("maxmemory-clients", "percentage argument must be less or equal to 100")
        );
        assert_eq!(
            err(&mut c, &[("maxmemory-clients", "-5")]),
            f("maxmemory-clients", "argument must be a memory or percent value")
        );
        assert_eq!(
            err(&mut c, &[("proto-max-bulk-len", "10")]),
            f("proto-max-bulk-len", "argument must be between 1048576 and 9223372036854775807 inclusive")
        );
        assert_eq!(
            err(&mut c, &[("notify-keyspace-events", "Q")]),
            f("notify-keyspace-events", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
        );
        assert_eq!(
            err(&mut c, &[("oom-score-adj-values", "1 2")]),
            f("oom-score-adj-values", "wrong number of arguments")
        );
        assert_eq!(
            err(&mut c, &[("repl-ping-slave-period", "x")]),
            f("repl-ping-slave-period", "argument couldn't be parsed into an integer")
        );
        assert_eq!(
            err(&mut c, &[("shutdown-on-sigint", "save nosave")]),
            f("shutdown-on-sigint", "shutdown options SAVE and NOSAVE can't be used simultaneously")
        );
        // Unknown option wins over an earlier error kind only if it came first.
        assert_eq!(
            err(&mut c, &[("timeout", "1"), ("foo", "2")]),
            "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"
        );
        assert_eq!(err(&mut c, &[("databases", "1"), ("foo", "2")]), f("databases", "can't set immutable config"));
    }

    #[test]
    fn config_set_is_atomic() {
        let mut c = Config::default();
        let e = set(&mut c, &[("port", "7000"), ("maxmemory", "10mb"), ("timeout", "x")]).unwrap_err();
        assert!(e.contains("'timeout'"));
        assert_eq!((c.port, c.maxmemory), (6379, 0));
        set(&mut c, &[("port", "7000"), ("maxmemory", "10mb"), ("timeout", "5")]).unwrap();
        assert_eq!((c.port, c.maxmemory, c.timeout), (7000, 10 << 20, 5));
    }

    #[test]
    fn protected_configs() {
        let d = tmpdir("prot");
        let mut c = Config::load(&args(&["--enable-protected-configs", "local"])).unwrap();
        let pairs: &[(&[u8], &[u8])] = &[(b"dir", d.to_str().unwrap().as_bytes())];
        assert!(c.set_from_client(pairs, false).is_err());
        c.set_from_client(pairs, true).unwrap();
        assert_eq!(get1(&c, "dir"), std::fs::canonicalize(&d).unwrap().to_str().unwrap());
        assert_eq!(
            c.set_from_client(&[(b"dbfilename", b"a/b")], true).unwrap_err(),
            "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename"
        );
        assert!(Config::is_sensitive(b"requirepass") && !Config::is_sensitive(b"port"));
        assert_eq!(Config::canonical_name(b"SLAVEOF"), Some("replicaof"));
        std::fs::remove_dir_all(&d).unwrap();
    }
}
