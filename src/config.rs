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

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// The Redis version we claim to be compatible with (used in messages).
pub const REDIS_VERSION: &str = "7.0.15";

const IMMUTABLE: u8 = 1;
const PROTECTED: u8 = 2;
const HIDDEN: u8 = 4;
const MULTI_ARG: u8 = 8;
const SENSITIVE: u8 = 16;

const MEM: u8 = 1;
const PCT: u8 = 2;
const OCT: u8 = 4;

#[derive(Clone, Copy, Debug)]
enum Kind {
    Bool,
    Str,
    Enum(&'static [(&'static str, i64)]),
    Num { min: i128, max: i128, unsigned: bool, fmt: u8 },
    Special,
}

#[derive(Debug)]
struct Param {
    name: &'static str,
    alias: Option<&'static str>,
    kind: Kind,
    flags: u8,
    default: &'static str,
}

const fn p(name: &'static str, alias: Option<&'static str>, kind: Kind, flags: u8, default: &'static str) -> Param {
    Param { name, alias, kind, flags, default }
}

const SUPERVISED_MODE_ENUM: &[(&str, i64)] = &[("upstart", 1), ("systemd", 2), ("auto", 3), ("no", 0)];
const SYSLOG_FACILITY_ENUM: &[(&str, i64)] = &[
    ("user", 1),
    ("local0", 16),
    ("local1", 17),
    ("local2", 18),
    ("local3", 19),
    ("local4", 20),
    ("local5", 21),
    ("local6", 22),
    ("local7", 23),
];
const LOGLEVEL_ENUM: &[(&str, i64)] = &[("debug", 0), ("verbose", 1), ("notice", 2), ("warning", 3)];
const AOF_FSYNC_ENUM: &[(&str, i64)] = &[("everysec", 2), ("always", 1), ("no", 0)];
const SHUTDOWN_ON_SIG_ENUM: &[(&str, i64)] = &[("default", 0), ("save", 1), ("nosave", 2), ("now", 4), ("force", 8)];
const REPL_DISKLESS_LOAD_ENUM: &[(&str, i64)] = &[("disabled", 0), ("on-empty-db", 1), ("swapdb", 2)];
const TLS_AUTH_CLIENTS_ENUM: &[(&str, i64)] = &[("no", 0), ("yes", 1), ("optional", 2)];
const OOM_SCORE_ADJ_ENUM: &[(&str, i64)] = &[("no", 0), ("yes", 1), ("relative", 1), ("absolute", 2)];
const ACL_PUBSUB_DEFAULT_ENUM: &[(&str, i64)] = &[("allchannels", 1), ("resetchannels", 0)];
const SANITIZE_DUMP_PAYLOAD_ENUM: &[(&str, i64)] = &[("no", 0), ("yes", 1), ("clients", 2)];
const PROTECTED_ACTION_ENUM: &[(&str, i64)] = &[("no", 0), ("yes", 1), ("local", 2)];
const CLUSTER_PREFERRED_ENDPOINT_TYPE_ENUM: &[(&str, i64)] = &[("ip", 0), ("hostname", 1), ("unknown-endpoint", 2)];
const PROPAGATION_ERROR_BEHAVIOR_ENUM: &[(&str, i64)] = &[("ignore", 0), ("panic", 1), ("panic-on-replicas", 2)];
const MAXMEMORY_POLICY_ENUM: &[(&str, i64)] = &[
    ("volatile-lru", 1),
    ("volatile-lfu", 258),
    ("volatile-random", 768),
    ("volatile-ttl", 512),
    ("allkeys-lru", 1029),
    ("allkeys-lfu", 1286),
    ("allkeys-random", 1540),
    ("noeviction", 1792),
];

/// Every configuration parameter of Redis 7.0.15 (plus our own
/// `busy-spin-us`), in the order of Redis's `static_configs` table.
/// Defaults are the values `CONFIG GET` shows on a default server, except
/// `bind` (redis.conf's `127.0.0.1`), `port` and `dir`.
static PARAMS: &[Param] = &[
    p("rdbchecksum", None, Kind::Bool, IMMUTABLE, "yes"),
    p("daemonize", None, Kind::Bool, IMMUTABLE, "no"),
    p("io-threads-do-reads", None, Kind::Bool, IMMUTABLE, "no"),
    p("always-show-logo", None, Kind::Bool, IMMUTABLE, "no"),
    p("protected-mode", None, Kind::Bool, 0, "yes"),
    p("rdbcompression", None, Kind::Bool, 0, "yes"),
    p("rdb-del-sync-files", None, Kind::Bool, 0, "no"),
    p("activerehashing", None, Kind::Bool, 0, "yes"),
    p("stop-writes-on-bgsave-error", None, Kind::Bool, 0, "yes"),
    p("set-proc-title", None, Kind::Bool, IMMUTABLE, "yes"),
    p("dynamic-hz", None, Kind::Bool, 0, "yes"),
    p("lazyfree-lazy-eviction", None, Kind::Bool, 0, "no"),
    p("lazyfree-lazy-expire", None, Kind::Bool, 0, "no"),
    p("lazyfree-lazy-server-del", None, Kind::Bool, 0, "no"),
    p("lazyfree-lazy-user-del", None, Kind::Bool, 0, "no"),
    p("lazyfree-lazy-user-flush", None, Kind::Bool, 0, "no"),
    p("repl-disable-tcp-nodelay", None, Kind::Bool, 0, "no"),
    p("repl-diskless-sync", None, Kind::Bool, 0, "yes"),
    p("aof-rewrite-incremental-fsync", None, Kind::Bool, 0, "yes"),
    p("no-appendfsync-on-rewrite", None, Kind::Bool, 0, "no"),
    p("cluster-require-full-coverage", None, Kind::Bool, 0, "yes"),
    p("rdb-save-incremental-fsync", None, Kind::Bool, 0, "yes"),
    p("aof-load-truncated", None, Kind::Bool, 0, "yes"),
    p("aof-use-rdb-preamble", None, Kind::Bool, 0, "yes"),
    p("aof-timestamp-enabled", None, Kind::Bool, 0, "no"),
    p("cluster-replica-no-failover", Some("cluster-slave-no-failover"), Kind::Bool, 0, "no"),
    p("replica-lazy-flush", Some("slave-lazy-flush"), Kind::Bool, 0, "no"),
    p("replica-serve-stale-data", Some("slave-serve-stale-data"), Kind::Bool, 0, "yes"),
    p("replica-read-only", Some("slave-read-only"), Kind::Bool, 0, "yes"),
    p("replica-ignore-maxmemory", Some("slave-ignore-maxmemory"), Kind::Bool, 0, "yes"),
    p("jemalloc-bg-thread", None, Kind::Bool, 0, "yes"),
    p("activedefrag", None, Kind::Bool, 0, "no"),
    p("syslog-enabled", None, Kind::Bool, IMMUTABLE, "no"),
    p("cluster-enabled", None, Kind::Bool, IMMUTABLE, "no"),
    p("appendonly", None, Kind::Bool, 0, "no"),
    p("cluster-allow-reads-when-down", None, Kind::Bool, 0, "no"),
    p("cluster-allow-pubsubshard-when-down", None, Kind::Bool, 0, "yes"),
    p("crash-log-enabled", None, Kind::Bool, 0, "yes"),
    p("crash-memcheck-enabled", None, Kind::Bool, 0, "yes"),
    p("use-exit-on-panic", None, Kind::Bool, HIDDEN, "no"),
    p("disable-thp", None, Kind::Bool, IMMUTABLE, "yes"),
    p("cluster-allow-replica-migration", None, Kind::Bool, 0, "yes"),
    p("replica-announced", None, Kind::Bool, 0, "yes"),
    p("latency-tracking", None, Kind::Bool, 0, "yes"),
    p("aof-disable-auto-gc", None, Kind::Bool, 0, "no"),
    p("replica-ignore-disk-write-errors", None, Kind::Bool, 0, "no"),
    p("aclfile", None, Kind::Str, IMMUTABLE, ""),
    p("unixsocket", None, Kind::Str, IMMUTABLE, ""),
    p("pidfile", None, Kind::Str, IMMUTABLE, ""),
    p("replica-announce-ip", Some("slave-announce-ip"), Kind::Str, 0, ""),
    p("masteruser", None, Kind::Str, SENSITIVE, ""),
    p("cluster-announce-ip", None, Kind::Str, 0, ""),
    p("cluster-config-file", None, Kind::Str, IMMUTABLE, "nodes.conf"),
    p("cluster-announce-hostname", None, Kind::Str, 0, ""),
    p("syslog-ident", None, Kind::Str, IMMUTABLE, "redis"),
    p("dbfilename", None, Kind::Str, PROTECTED, "dump.rdb"),
    p("appendfilename", None, Kind::Str, IMMUTABLE, "appendonly.aof"),
    p("appenddirname", None, Kind::Str, IMMUTABLE, "appendonlydir"),
    p("server_cpulist", None, Kind::Str, IMMUTABLE, ""),
    p("bio_cpulist", None, Kind::Str, IMMUTABLE, ""),
    p("aof_rewrite_cpulist", None, Kind::Str, IMMUTABLE, ""),
    p("bgsave_cpulist", None, Kind::Str, IMMUTABLE, ""),
    p("ignore-warnings", None, Kind::Str, 0, ""),
    p("proc-title-template", None, Kind::Str, 0, "{title} {listen-addr} {server-mode}"),
    p("bind-source-addr", None, Kind::Str, 0, ""),
    p("logfile", None, Kind::Str, IMMUTABLE, ""),
    p("masterauth", None, Kind::Str, SENSITIVE, ""),
    p("requirepass", None, Kind::Str, SENSITIVE, ""),
    p("supervised", None, Kind::Enum(SUPERVISED_MODE_ENUM), IMMUTABLE, "no"),
    p("syslog-facility", None, Kind::Enum(SYSLOG_FACILITY_ENUM), IMMUTABLE, "local0"),
    p("repl-diskless-load", None, Kind::Enum(REPL_DISKLESS_LOAD_ENUM), 0, "disabled"),
    p("loglevel", None, Kind::Enum(LOGLEVEL_ENUM), 0, "notice"),
    p("maxmemory-policy", None, Kind::Enum(MAXMEMORY_POLICY_ENUM), 0, "noeviction"),
    p("appendfsync", None, Kind::Enum(AOF_FSYNC_ENUM), 0, "everysec"),
    p("oom-score-adj", None, Kind::Enum(OOM_SCORE_ADJ_ENUM), 0, "no"),
    p("acl-pubsub-default", None, Kind::Enum(ACL_PUBSUB_DEFAULT_ENUM), 0, "resetchannels"),
    p("sanitize-dump-payload", None, Kind::Enum(SANITIZE_DUMP_PAYLOAD_ENUM), 0, "no"),
    p("enable-protected-configs", None, Kind::Enum(PROTECTED_ACTION_ENUM), IMMUTABLE, "no"),
    p("enable-debug-command", None, Kind::Enum(PROTECTED_ACTION_ENUM), IMMUTABLE, "no"),
    p("enable-module-command", None, Kind::Enum(PROTECTED_ACTION_ENUM), IMMUTABLE, "no"),
    p("cluster-preferred-endpoint-type", None, Kind::Enum(CLUSTER_PREFERRED_ENDPOINT_TYPE_ENUM), 0, "ip"),
    p("propagation-error-behavior", None, Kind::Enum(PROPAGATION_ERROR_BEHAVIOR_ENUM), 0, "ignore"),
    p("shutdown-on-sigint", None, Kind::Enum(SHUTDOWN_ON_SIG_ENUM), MULTI_ARG, "default"),
    p("shutdown-on-sigterm", None, Kind::Enum(SHUTDOWN_ON_SIG_ENUM), MULTI_ARG, "default"),
    p("databases", None, Kind::Num { min: 1, max: 2147483647, unsigned: false, fmt: 0 }, IMMUTABLE, "16"),
    p("port", None, Kind::Num { min: 0, max: 65535, unsigned: false, fmt: 0 }, 0, "6379"),
    p("io-threads", None, Kind::Num { min: 1, max: 128, unsigned: false, fmt: 0 }, IMMUTABLE, "1"),
    p("auto-aof-rewrite-percentage", None, Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 }, 0, "100"),
    p(
        "cluster-replica-validity-factor",
        Some("cluster-slave-validity-factor"),
        Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 },
        0,
        "10",
    ),
    p(
        "list-max-listpack-size",
        Some("list-max-ziplist-size"),
        Kind::Num { min: -2147483648, max: 2147483647, unsigned: false, fmt: 0 },
        0,
        "-2",
    ),
    p("tcp-keepalive", None, Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 }, 0, "300"),
    p("cluster-migration-barrier", None, Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 }, 0, "1"),
    p("active-defrag-cycle-min", None, Kind::Num { min: 1, max: 99, unsigned: false, fmt: 0 }, 0, "1"),
    p("active-defrag-cycle-max", None, Kind::Num { min: 1, max: 99, unsigned: false, fmt: 0 }, 0, "25"),
    p("active-defrag-threshold-lower", None, Kind::Num { min: 0, max: 1000, unsigned: false, fmt: 0 }, 0, "10"),
    p("active-defrag-threshold-upper", None, Kind::Num { min: 0, max: 1000, unsigned: false, fmt: 0 }, 0, "100"),
    p("lfu-log-factor", None, Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 }, 0, "10"),
    p("lfu-decay-time", None, Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 }, 0, "1"),
    p(
        "replica-priority",
        Some("slave-priority"),
        Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 },
        0,
        "100",
    ),
    p("repl-diskless-sync-delay", None, Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 }, 0, "5"),
    p("maxmemory-samples", None, Kind::Num { min: 1, max: 2147483647, unsigned: false, fmt: 0 }, 0, "5"),
    p("maxmemory-eviction-tenacity", None, Kind::Num { min: 0, max: 100, unsigned: false, fmt: 0 }, 0, "10"),
    p("timeout", None, Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 }, 0, "0"),
    p(
        "replica-announce-port",
        Some("slave-announce-port"),
        Kind::Num { min: 0, max: 65535, unsigned: false, fmt: 0 },
        0,
        "0",
    ),
    p("tcp-backlog", None, Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 }, IMMUTABLE, "511"),
    p("cluster-port", None, Kind::Num { min: 0, max: 65535, unsigned: false, fmt: 0 }, IMMUTABLE, "0"),
    p("cluster-announce-bus-port", None, Kind::Num { min: 0, max: 65535, unsigned: false, fmt: 0 }, 0, "0"),
    p("cluster-announce-port", None, Kind::Num { min: 0, max: 65535, unsigned: false, fmt: 0 }, 0, "0"),
    p("cluster-announce-tls-port", None, Kind::Num { min: 0, max: 65535, unsigned: false, fmt: 0 }, 0, "0"),
    p("repl-timeout", None, Kind::Num { min: 1, max: 2147483647, unsigned: false, fmt: 0 }, 0, "60"),
    p(
        "repl-ping-replica-period",
        Some("repl-ping-slave-period"),
        Kind::Num { min: 1, max: 2147483647, unsigned: false, fmt: 0 },
        0,
        "10",
    ),
    p("list-compress-depth", None, Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 }, 0, "0"),
    p(
        "rdb-key-save-delay",
        None,
        Kind::Num { min: -2147483648, max: 2147483647, unsigned: false, fmt: 0 },
        HIDDEN,
        "0",
    ),
    p("key-load-delay", None, Kind::Num { min: -2147483648, max: 2147483647, unsigned: false, fmt: 0 }, HIDDEN, "0"),
    p("active-expire-effort", None, Kind::Num { min: 1, max: 10, unsigned: false, fmt: 0 }, 0, "1"),
    p("hz", None, Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 }, 0, "10"),
    p(
        "min-replicas-to-write",
        Some("min-slaves-to-write"),
        Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 },
        0,
        "0",
    ),
    p(
        "min-replicas-max-lag",
        Some("min-slaves-max-lag"),
        Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 },
        0,
        "10",
    ),
    p("watchdog-period", None, Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 }, HIDDEN, "0"),
    p("shutdown-timeout", None, Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 }, 0, "10"),
    p("repl-diskless-sync-max-replicas", None, Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 }, 0, "0"),
    p("maxclients", None, Kind::Num { min: 1, max: 4294967295, unsigned: true, fmt: 0 }, 0, "10000"),
    p("unixsocketperm", None, Kind::Num { min: 0, max: 511, unsigned: true, fmt: OCT }, IMMUTABLE, "0"),
    p("socket-mark-id", None, Kind::Num { min: 0, max: 4294967295, unsigned: true, fmt: 0 }, IMMUTABLE, "0"),
    p(
        "active-defrag-max-scan-fields",
        None,
        Kind::Num { min: 1, max: 9223372036854775807, unsigned: false, fmt: 0 },
        0,
        "1000",
    ),
    p("slowlog-max-len", None, Kind::Num { min: 0, max: 9223372036854775807, unsigned: false, fmt: 0 }, 0, "128"),
    p("acllog-max-len", None, Kind::Num { min: 0, max: 9223372036854775807, unsigned: false, fmt: 0 }, 0, "128"),
    p(
        "busy-reply-threshold",
        Some("lua-time-limit"),
        Kind::Num { min: 0, max: 9223372036854775807, unsigned: false, fmt: 0 },
        0,
        "5000",
    ),
    p(
        "cluster-node-timeout",
        None,
        Kind::Num { min: 0, max: 9223372036854775807, unsigned: false, fmt: 0 },
        0,
        "15000",
    ),
    p(
        "slowlog-log-slower-than",
        None,
        Kind::Num { min: -1, max: 9223372036854775807, unsigned: false, fmt: 0 },
        0,
        "10000",
    ),
    p(
        "latency-monitor-threshold",
        None,
        Kind::Num { min: 0, max: 9223372036854775807, unsigned: false, fmt: 0 },
        0,
        "0",
    ),
    p(
        "proto-max-bulk-len",
        None,
        Kind::Num { min: 1048576, max: 9223372036854775807, unsigned: false, fmt: MEM },
        0,
        "536870912",
    ),
    p(
        "stream-node-max-entries",
        None,
        Kind::Num { min: 0, max: 9223372036854775807, unsigned: false, fmt: 0 },
        0,
        "100",
    ),
    p(
        "repl-backlog-size",
        None,
        Kind::Num { min: 1, max: 9223372036854775807, unsigned: false, fmt: MEM },
        0,
        "1048576",
    ),
    p("maxmemory", None, Kind::Num { min: 0, max: 18446744073709551615, unsigned: true, fmt: MEM }, 0, "0"),
    p(
        "cluster-link-sendbuf-limit",
        None,
        Kind::Num { min: 0, max: 18446744073709551615, unsigned: true, fmt: MEM },
        0,
        "0",
    ),
    p(
        "hash-max-listpack-entries",
        Some("hash-max-ziplist-entries"),
        Kind::Num { min: 0, max: 9223372036854775807, unsigned: true, fmt: 0 },
        0,
        "512",
    ),
    p("set-max-intset-entries", None, Kind::Num { min: 0, max: 9223372036854775807, unsigned: true, fmt: 0 }, 0, "512"),
    p(
        "zset-max-listpack-entries",
        Some("zset-max-ziplist-entries"),
        Kind::Num { min: 0, max: 9223372036854775807, unsigned: true, fmt: 0 },
        0,
        "128",
    ),
    p(
        "active-defrag-ignore-bytes",
        None,
        Kind::Num { min: 1, max: 9223372036854775807, unsigned: true, fmt: MEM },
        0,
        "104857600",
    ),
    p(
        "hash-max-listpack-value",
        Some("hash-max-ziplist-value"),
        Kind::Num { min: 0, max: 9223372036854775807, unsigned: true, fmt: MEM },
        0,
        "64",
    ),
    p(
        "stream-node-max-bytes",
        None,
        Kind::Num { min: 0, max: 9223372036854775807, unsigned: true, fmt: MEM },
        0,
        "4096",
    ),
    p(
        "zset-max-listpack-value",
        Some("zset-max-ziplist-value"),
        Kind::Num { min: 0, max: 9223372036854775807, unsigned: true, fmt: MEM },
        0,
        "64",
    ),
    p(
        "hll-sparse-max-bytes",
        None,
        Kind::Num { min: 0, max: 9223372036854775807, unsigned: true, fmt: MEM },
        0,
        "3000",
    ),
    p(
        "tracking-table-max-keys",
        None,
        Kind::Num { min: 0, max: 9223372036854775807, unsigned: true, fmt: 0 },
        0,
        "1000000",
    ),
    p(
        "client-query-buffer-limit",
        None,
        Kind::Num { min: 1048576, max: 9223372036854775807, unsigned: true, fmt: MEM },
        0,
        "1073741824",
    ),
    p(
        "maxmemory-clients",
        None,
        Kind::Num { min: -100, max: 9223372036854775807, unsigned: false, fmt: MEM | PCT },
        0,
        "0",
    ),
    p("repl-backlog-ttl", None, Kind::Num { min: 0, max: 9223372036854775807, unsigned: false, fmt: 0 }, 0, "3600"),
    p(
        "auto-aof-rewrite-min-size",
        None,
        Kind::Num { min: 0, max: 9223372036854775807, unsigned: false, fmt: MEM },
        0,
        "67108864",
    ),
    p(
        "loading-process-events-interval-bytes",
        None,
        Kind::Num { min: 1024, max: 2147483647, unsigned: false, fmt: 0 },
        HIDDEN,
        "2097152",
    ),
    p("tls-port", None, Kind::Num { min: 0, max: 65535, unsigned: false, fmt: 0 }, 0, "0"),
    p("tls-session-cache-size", None, Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 }, 0, "20480"),
    p("tls-session-cache-timeout", None, Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 }, 0, "300"),
    p("tls-cluster", None, Kind::Bool, 0, "no"),
    p("tls-replication", None, Kind::Bool, 0, "no"),
    p("tls-auth-clients", None, Kind::Enum(TLS_AUTH_CLIENTS_ENUM), 0, "yes"),
    p("tls-prefer-server-ciphers", None, Kind::Bool, 0, "no"),
    p("tls-session-caching", None, Kind::Bool, 0, "yes"),
    p("tls-cert-file", None, Kind::Str, 0, ""),
    p("tls-key-file", None, Kind::Str, 0, ""),
    p("tls-key-file-pass", None, Kind::Str, 0, ""),
    p("tls-client-cert-file", None, Kind::Str, 0, ""),
    p("tls-client-key-file", None, Kind::Str, 0, ""),
    p("tls-client-key-file-pass", None, Kind::Str, 0, ""),
    p("tls-dh-params-file", None, Kind::Str, 0, ""),
    p("tls-ca-cert-file", None, Kind::Str, 0, ""),
    p("tls-ca-cert-dir", None, Kind::Str, 0, ""),
    p("tls-protocols", None, Kind::Str, 0, ""),
    p("tls-ciphers", None, Kind::Str, 0, ""),
    p("tls-ciphersuites", None, Kind::Str, 0, ""),
    p("dir", None, Kind::Special, PROTECTED, "."),
    p("save", None, Kind::Special, MULTI_ARG, "3600 1 300 100 60 10000"),
    p(
        "client-output-buffer-limit",
        None,
        Kind::Special,
        MULTI_ARG,
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
    ),
    p("oom-score-adj-values", None, Kind::Special, MULTI_ARG, "0 200 800"),
    p("notify-keyspace-events", None, Kind::Special, 0, ""),
    p("bind", None, Kind::Special, MULTI_ARG, "127.0.0.1"),
    p("replicaof", Some("slaveof"), Kind::Special, IMMUTABLE | MULTI_ARG, ""),
    p("latency-tracking-info-percentiles", None, Kind::Special, MULTI_ARG, "50 99 99.9"),
    // Our own parameter: how long (microseconds) a client thread polls for
    // more input before blocking.
    p("busy-spin-us", None, Kind::Num { min: 0, max: 2147483647, unsigned: false, fmt: 0 }, 0, "50"),
    // Ours too: client threads run as SCHED_BATCH (a woken client thread does not preempt
    // the running one). Read when a client connects.
    p("client-sched-batch", None, Kind::Bool, 0, "yes"),
];

/// Parameters that this server implements (typed fields of [`Config`] or
/// string parameters that the server reads). Anything else from the table
/// is accepted but reported in [`Config::unimplemented`].
const IMPLEMENTED: &[&str] = &[
    "port",
    "bind",
    "dir",
    "dbfilename",
    "replicaof",
    "databases",
    "loglevel",
    "requirepass",
    "maxclients",
    "save",
    "rdbcompression",
    "rdbchecksum",
    "stop-writes-on-bgsave-error",
    "shutdown-on-sigterm",
    "shutdown-on-sigint",
    "appendonly",
    "maxmemory",
    "maxmemory-policy",
    "timeout",
    "tcp-keepalive",
    "tcp-backlog",
    "proto-max-bulk-len",
    "client-query-buffer-limit",
    "repl-backlog-size",
    "repl-ping-replica-period",
    "repl-timeout",
    "hz",
    "busy-spin-us",
    "client-sched-batch",
    "enable-debug-command",
    "daemonize",
    "logfile",
    "pidfile",
    "protected-mode",
    "lazyfree-lazy-eviction",
    "lazyfree-lazy-expire",
    "lazyfree-lazy-server-del",
    "lazyfree-lazy-user-del",
    "lazyfree-lazy-user-flush",
];

/// Directives Redis 7.0 silently ignores (name, min argc, max argc).
const DEPRECATED: &[(&str, usize, usize)] =
    &[("list-max-ziplist-entries", 2, 2), ("list-max-ziplist-value", 2, 2), ("lua-replicate-commands", 2, 2)];

const CONFIG_BINDADDR_MAX: usize = 16;
const CONFIG_MIN_HZ: u32 = 1;
const CONFIG_MAX_HZ: u32 = 500;
const MAX_INCLUDE_DEPTH: usize = 64;

/// Finds a parameter by name or alias (case-insensitive). Returns the table
/// index and whether the alias was used.
fn lookup(name: &[u8]) -> Option<(usize, bool)> {
    for (i, p) in PARAMS.iter().enumerate() {
        if p.name.as_bytes().eq_ignore_ascii_case(name) {
            return Some((i, false));
        }
        if p.alias.is_some_and(|a| a.as_bytes().eq_ignore_ascii_case(name)) {
            return Some((i, true));
        }
    }
    None
}

fn entry_name(idx: usize, alias: bool) -> &'static str {
    let p = &PARAMS[idx];
    if alias { p.alias.unwrap_or(p.name) } else { p.name }
}

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

fn parse_enum(p: &Param, values: &[(&str, i64)], args: &[String]) -> Result<String, String> {
    let bitflags = p.flags & MULTI_ARG != 0;
    let mut val: Option<i64> = None;
    if !args.is_empty() && (bitflags || args.len() == 1) {
        let mut acc = 0;
        let mut ok = true;
        for a in args {
            let mut matched = false;
            for (n, v) in values {
                if n.eq_ignore_ascii_case(a) {
                    acc |= v;
                    matched = true;
                }
            }
            if !matched {
                ok = false;
                break;
            }
        }
        if ok {
            val = Some(acc);
        }
    }
    let Some(val) = val else {
        let names: Vec<&str> = values.iter().map(|(n, _)| *n).collect();
        return Err(format!("argument(s) must be one of the following: {}", names.join(", ")));
    };
    if p.name.starts_with("shutdown-on-sig") && val & 1 != 0 && val & 2 != 0 {
        return Err("shutdown options SAVE and NOSAVE can't be used simultaneously".into());
    }
    // Name(s) for the value, like Redis's configEnumGetName().
    let mut names: Vec<&str> = Vec::new();
    let mut unmatched = val;
    for (n, v) in values {
        if *v == val {
            return Ok(n.to_string());
        }
        if bitflags && *v != 0 && *v == (unmatched & v) {
            names.push(n);
            unmatched &= !v;
        }
    }
    if names.is_empty() || unmatched != 0 {
        return Ok("unknown".into());
    }
    Ok(names.join(" "))
}

fn parse_numeric(s: &str, min: i128, max: i128, unsigned: bool, fmt: u8) -> Result<String, String> {
    let mut parsed: Option<i64> = None;
    if fmt & MEM != 0 {
        parsed = parse_memory(s).map(|v| v as i64);
    }
    if parsed.is_none() && fmt & PCT != 0 && s.len() > 1 && s.ends_with('%') {
        parsed = string2ll(&s.as_bytes()[..s.len() - 1]).filter(|v| *v >= 0).map(|v| -v);
    }
    if parsed.is_none() && fmt & OCT != 0 {
        parsed = parse_octal(s);
    }
    if parsed.is_none() && fmt == 0 {
        parsed = string2ll(s.as_bytes());
    }
    let Some(ll) = parsed else {
        return Err(if fmt & MEM != 0 && fmt & PCT != 0 {
            "argument must be a memory or percent value"
        } else if fmt & MEM != 0 {
            "argument must be a memory value"
        } else if fmt & OCT != 0 {
            "argument couldn't be parsed as an octal number"
        } else {
            "argument couldn't be parsed into an integer"
        }
        .into());
    };
    if unsigned {
        let ull = ll as u64 as i128;
        if ull > max || ull < min {
            return Err(if fmt & OCT != 0 {
                format!("argument must be between {min:o} and {max:o} inclusive")
            } else {
                format!("argument must be between {min} and {max} inclusive")
            });
        }
        return Ok(if fmt & OCT != 0 { format!("{ull:o}") } else { ull.to_string() });
    }
    if fmt & PCT != 0 && ll < 0 {
        if (ll as i128) < min {
            return Err(format!("percentage argument must be less or equal to {}", -min));
        }
        return Ok(format!("{}%", -(ll as i128)));
    }
    if (ll as i128) > max || (ll as i128) < min {
        return Err(format!("argument must be between {min} and {max} inclusive"));
    }
    Ok(ll.to_string())
}

/// strtoll(s, &end, 8) with the checks Redis applies (no overflow, no junk).
fn parse_octal(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && is_c_space(b[i]) {
        i += 1;
    }
    let neg = i < b.len() && b[i] == b'-';
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let start = i;
    let mut v: i64 = 0;
    while i < b.len() && (b'0'..=b'7').contains(&b[i]) {
        v = v.checked_mul(8)?.checked_add((b[i] - b'0') as i64)?;
        i += 1;
    }
    if i == start {
        // No digits: endptr is the start of the string.
        return if b.is_empty() { Some(0) } else { None };
    }
    if i != b.len() {
        return None;
    }
    Some(if neg { -v } else { v })
}

fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// C's strtol(s, &end, 10): returns the value (saturated) and the unparsed
/// rest. With no digits the rest is the whole input.
fn c_strtol(b: &[u8]) -> (i64, &[u8]) {
    let mut i = 0;
    while i < b.len() && is_c_space(b[i]) {
        i += 1;
    }
    let neg = i < b.len() && b[i] == b'-';
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let start = i;
    let mut v: i128 = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        v = (v * 10 + (b[i] - b'0') as i128).min(i64::MAX as i128 + 1);
        i += 1;
    }
    if i == start {
        return (0, b);
    }
    let v = if neg { -v } else { v };
    (v.clamp(i64::MIN as i128, i64::MAX as i128) as i64, &b[i..])
}

/// Redis's string2ll(): strict base-10 parsing (no spaces, no '+', no
/// leading zeros, no "-0", no overflow).
pub fn string2ll(s: &[u8]) -> Option<i64> {
    crate::util::num::parse_i64(s)
}

/// Like Redis's string2d(): the whole string must be a valid double.
fn parse_c_double(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    if b.is_empty() || is_c_space(b[0]) {
        return None;
    }
    let v: f64 = s.parse().ok()?;
    if v.is_nan() { None } else { Some(v) }
}

fn trim_double(s: &str) -> String {
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s.to_string() }
}

fn keyspace_events_canonical(s: &str) -> Option<String> {
    const K: u32 = 1;
    const E: u32 = 2;
    const M: u32 = 1 << 11;
    const ORDER: &[(u8, u32)] = &[
        (b'g', 1 << 2),
        (b'$', 1 << 3),
        (b'l', 1 << 4),
        (b's', 1 << 5),
        (b'h', 1 << 6),
        (b'z', 1 << 7),
        (b'x', 1 << 8),
        (b'e', 1 << 9),
        (b't', 1 << 10),
        (b'd', 1 << 13),
        (b'n', 1 << 14),
    ];
    let all: u32 = ORDER.iter().filter(|(c, _)| *c != b'n').map(|(_, f)| f).sum();
    let mut flags = 0u32;
    for c in s.bytes() {
        flags |= match c {
            b'A' => all,
            b'K' => K,
            b'E' => E,
            b'm' => M,
            _ => ORDER.iter().find(|(ch, _)| *ch == c)?.1,
        };
    }
    let mut out = String::new();
    if flags & all == all {
        // Like Redis, 'n' is not shown when 'A' is.
        out.push('A');
    } else {
        for (c, f) in ORDER {
            if flags & f != 0 {
                out.push(*c as char);
            }
        }
    }
    if flags & K != 0 {
        out.push('K');
    }
    if flags & E != 0 {
        out.push('E');
    }
    if flags & M != 0 {
        out.push('m');
    }
    Some(out)
}

/// Redis's memtoull(): a non-negative integer with an optional unit
/// (b, k, kb, m, mb, g, gb; case-insensitive). k/m/g are powers of 1000,
/// kb/mb/gb powers of 1024. Like Redis, an empty number counts as 0 and an
/// overflowing one saturates before the (wrapping) multiplication.
pub fn parse_memory(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.first() == Some(&b'-') {
        return None;
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let unit = &s[digits..];
    let mul: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    if digits >= 128 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in &b[..digits] {
        v = v.saturating_mul(10).saturating_add((c - b'0') as u64);
    }
    Some(v.wrapping_mul(mul))
}

/// Redis's sdssplitargs(): splits a line into arguments, handling
/// "double quotes" (with \n \r \t \b \a \\ \" \xHH escapes) and 'single
/// quotes' (with \'). A closing quote must be followed by a space or the
/// end of the line. Returns None on unbalanced quotes. A NUL byte ends the
/// input, as in C.
pub fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    let end = line.iter().position(|&c| c == 0).unwrap_or(line.len());
    crate::resp::split_args(&line[..end])
}

/// Redis's sdscatrepr(): a quoted, escaped representation of `s`.
pub fn repr(s: &[u8]) -> String {
    let mut out = String::from("\"");
    for &c in s {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            7 => out.push_str("\\a"),
            8 => out.push_str("\\b"),
            c if c.is_ascii_graphic() || c == b' ' => out.push(c as char),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push('"');
    out
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

fn fatal(linenum: Option<(usize, &[u8])>, err: &str) -> String {
    let mut s = format!("*** FATAL CONFIG FILE ERROR (Redis {REDIS_VERSION}) ***\n");
    if let Some((n, line)) = linenum {
        s.push_str(&format!("Reading the configuration file, at line {n}\n>>> '{}'\n", String::from_utf8_lossy(line)));
    }
    s.push_str(err);
    s
}

fn read_config_file(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("Fatal error, can't open config file '{path}': {}", strerror(&e)))
}

/// Files matching a glob `include` pattern (wildcards in the last path
/// component only), sorted like glob(3).
fn glob_files(pattern: &str) -> Vec<String> {
    let (dir, file_pat) = match pattern.rfind('/') {
        Some(i) => (&pattern[..i.max(1)], &pattern[i + 1..]),
        None => (".", pattern),
    };
    let prefix = match pattern.rfind('/') {
        Some(i) => &pattern[..=i],
        None => "",
    };
    let mut out: Vec<String> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.') && glob_match(file_pat.as_bytes(), n.as_bytes(), false))
            .map(|n| format!("{prefix}{n}"))
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

struct Loader {
    save_loaded: bool,
    depth: usize,
    unimplemented_seen: HashSet<String>,
}

impl Config {
    /// Builds the configuration like `redis-server` does from its command
    /// line (`args` excludes argv[0]): an optional config file (first
    /// argument not starting with '-'), optionally `-` to read config from
    /// stdin (first or last argument), then `--name value...` options, which
    /// are turned into config lines appended after the file, so they win.
    ///
    /// Errors are the full text Redis prints (without its leading newline),
    /// e.g. "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the
    /// configuration file, at line 2\n>>> 'port \"abc\"'\nargument couldn't
    /// be parsed into an integer".
    pub fn load(args: &[String]) -> Result<Config, String> {
        let mut cfg = Config::default();
        if args.is_empty() {
            return Ok(cfg);
        }
        if let Some((text, _)) = special_action(args) {
            return Err(text);
        }
        let mut j = 0;
        let mut text: Vec<u8> = Vec::new();
        if !args[0].starts_with('-') {
            let abs = std::path::absolute(&args[0])
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|_| args[0].clone());
            cfg.config_file = Some(abs);
            text = read_config_file(&args[0])?;
            j = 1;
        }
        let mut options: Vec<u8> = Vec::new();
        let mut from_stdin = false;
        let mut handled_last = true;
        let n = args.len();
        while j < n {
            let a = &args[j];
            if a == "-" && (j == 0 || j == n - 1) {
                from_stdin = true;
            } else if handled_last && a.starts_with("--") {
                if !options.is_empty() {
                    options.push(b'\n');
                }
                options.extend_from_slice(&a.as_bytes()[2..]);
                options.push(b' ');
                let argc = split_args(a.as_bytes()).map_or(0, |v| v.len());
                if argc == 1 {
                    handled_last = false;
                    let next_is_opt = j + 1 < n && args[j + 1].starts_with("--");
                    if a.eq_ignore_ascii_case("--save") && (next_is_opt || j == n - 1) {
                        options.extend_from_slice(b"\"\"");
                        handled_last = next_is_opt;
                    } else if a.eq_ignore_ascii_case("--sentinel") && next_is_opt {
                        handled_last = true;
                    }
                } else {
                    handled_last = true;
                }
            } else {
                options.extend_from_slice(repr(a.as_bytes()).as_bytes());
                options.push(b' ');
                handled_last = true;
            }
            j += 1;
        }
        if from_stdin {
            use std::io::Read;
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| format!("Error reading config from stdin: {}", strerror(&e)))?;
            text.extend_from_slice(&buf);
        }
        text.push(b'\n');
        text.extend_from_slice(&options);
        let mut loader = Loader { save_loaded: false, depth: 0, unimplemented_seen: HashSet::new() };
        cfg.load_string(&text, &mut loader)?;

        if !cfg.logfile.is_empty() {
            let opened = std::fs::OpenOptions::new().append(true).create(true).open(&cfg.logfile);
            if let Err(e) = opened {
                return Err(fatal(None, &format!("Can't open the log file: {}", strerror(&e))));
            }
        }
        if cfg.param_bool("cluster-enabled") == Some(true) && cfg.replicaof.is_some() {
            return Err(fatal(None, "replicaof directive not allowed in cluster mode"));
        }
        Ok(cfg)
    }

    /// Parses configuration text in redis.conf syntax on top of the current
    /// values (as if it were a config file). Errors as for [`Config::load`].
    pub fn load_from_str(&mut self, text: &str) -> Result<(), String> {
        let mut loader =
            Loader { save_loaded: false, depth: 0, unimplemented_seen: self.unimplemented.iter().cloned().collect() };
        self.load_string(text.as_bytes(), &mut loader)
    }

    fn note_unimplemented(&mut self, name: &str, loader: &mut Loader) {
        if !Config::is_implemented(name) && loader.unimplemented_seen.insert(name.to_string()) {
            self.unimplemented.push(name.to_string());
        }
    }

    fn load_string(&mut self, text: &[u8], loader: &mut Loader) -> Result<(), String> {
        for (i, raw) in text.split(|&c| c == b'\n').enumerate() {
            let linenum = i + 1;
            let line = trim_bytes(raw);
            if line.is_empty() || line[0] == b'#' {
                continue;
            }
            let err = |e: &str| fatal(Some((linenum, line)), e);
            let Some(argv) = split_args(line) else {
                return Err(err("Unbalanced quotes in configuration line"));
            };
            if argv.is_empty() {
                continue;
            }
            let argv: Vec<String> = argv.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect();
            let name = argv[0].to_ascii_lowercase();
            let argc = argv.len();

            if let Some((idx, _)) = lookup(name.as_bytes()) {
                let p = &PARAMS[idx];
                let multi = p.flags & MULTI_ARG != 0;
                if !multi && argc != 2 {
                    return Err(err("wrong number of arguments"));
                }
                let args: Vec<String> = if multi && argc == 2 && !argv[1].is_empty() {
                    split_args(argv[1].as_bytes())
                        .unwrap_or_default()
                        .iter()
                        .map(|a| String::from_utf8_lossy(a).into_owned())
                        .collect()
                } else {
                    argv[1..].to_vec()
                };
                self.set_loading(idx, &args, loader).map_err(|e| err(&e))?;
                self.note_unimplemented(p.name, loader);
                continue;
            }
            if DEPRECATED.iter().any(|(n, lo, hi)| *n == name && *lo <= argc && argc <= *hi) {
                continue;
            }
            match name.as_str() {
                "include" if argc == 2 => {
                    if loader.depth >= MAX_INCLUDE_DEPTH {
                        return Err(err("Too many nested includes"));
                    }
                    let path = &argv[1];
                    let files = if path.contains(['*', '?', '[']) { glob_files(path) } else { vec![path.clone()] };
                    let mut content = Vec::new();
                    for f in files {
                        content.extend_from_slice(&read_config_file(&f)?);
                    }
                    loader.depth += 1;
                    let r = self.load_string(&content, loader);
                    loader.depth -= 1;
                    r?;
                }
                "rename-command" if argc == 3 => self.note_unimplemented("rename-command", loader),
                "user" if argc >= 2 => self.note_unimplemented("user", loader),
                "loadmodule" if argc >= 2 => self.note_unimplemented("loadmodule", loader),
                _ if name.contains('.') => {
                    if argc < 2 {
                        return Err(err("Module config specified without value"));
                    }
                    self.note_unimplemented(&name, loader);
                }
                "sentinel" => {
                    if argc != 1 {
                        return Err(err("sentinel directive while not in sentinel mode"));
                    }
                }
                _ => return Err(err("Bad directive or wrong number of arguments")),
            }
        }
        Ok(())
    }

    /// Sets a parameter while reading a config file (save lines accumulate).
    fn set_loading(&mut self, idx: usize, args: &[String], loader: &mut Loader) -> Result<(), String> {
        let name = PARAMS[idx].name;
        let v = self.parse_value(idx, args)?;
        if name == "save" {
            let reset = args.len() == 1 && args[0].is_empty();
            if !loader.save_loaded || reset {
                loader.save_loaded = true;
                self.save.clear();
            }
            if !v.is_empty() {
                if !self.save.is_empty() {
                    self.save.push(' ');
                }
                self.save.push_str(&v);
            }
            return Ok(());
        }
        self.store(name, v);
        Ok(())
    }

    /// CONFIG GET: every parameter matching any of the glob patterns
    /// (case-insensitive), once each, aliases included. A pattern without
    /// glob characters is an exact (case-insensitive) name lookup and the
    /// reply uses the name as given; hidden parameters only match exactly.
    pub fn get(&self, patterns: &[&[u8]]) -> Vec<(String, String)> {
        let mut seen: HashSet<String> = HashSet::new();
        let mut out = Vec::new();
        for pat in patterns {
            if !pat.iter().any(|c| matches!(c, b'[' | b'*' | b'?')) {
                let key = String::from_utf8_lossy(pat).into_owned();
                if seen.contains(&key.to_ascii_lowercase()) {
                    continue;
                }
                if let Some((idx, _)) = lookup(pat) {
                    seen.insert(key.to_ascii_lowercase());
                    out.push((key, self.value(PARAMS[idx].name)));
                }
                continue;
            }
            for p in PARAMS {
                if p.flags & HIDDEN != 0 {
                    continue;
                }
                for n in std::iter::once(p.name).chain(p.alias) {
                    if !seen.contains(n) && glob_match(pat, n.as_bytes(), true) {
                        seen.insert(n.to_string());
                        out.push((n.to_string(), self.value(p.name)));
                    }
                }
            }
        }
        out
    }

    /// CONFIG SET with one or more (parameter, value) pairs, all or nothing.
    /// The client is treated as non-local for protected configs (`dir`,
    /// `dbfilename`), see [`Config::set_from_client`]. Errors are Redis's
    /// texts without the leading '-', e.g. "ERR Unknown option or number of
    /// arguments for CONFIG SET - 'foo'".
    pub fn set(&mut self, pairs: &[(&[u8], &[u8])]) -> Result<(), String> {
        self.set_from_client(pairs, false)
    }

    /// Like [`Config::set`]; `client_is_local` decides whether protected
    /// configs may be set when `enable-protected-configs` is `local`.
    pub fn set_from_client(&mut self, pairs: &[(&[u8], &[u8])], client_is_local: bool) -> Result<(), String> {
        let protected_ok = match self.value("enable-protected-configs").as_str() {
            "yes" => true,
            "local" => client_is_local,
            _ => false,
        };
        let mut invalid_arg_name: Option<String> = None;
        let mut errstr: Option<String> = None;
        let mut err_arg_name = String::new();
        let mut invalid = false;
        let mut chosen: Vec<(usize, bool, String)> = Vec::new();
        for (name, value) in pairs {
            let Some((idx, alias)) = lookup(name) else {
                if !invalid {
                    invalid_arg_name = Some(String::from_utf8_lossy(name).into_owned());
                    invalid = true;
                }
                continue;
            };
            if invalid {
                continue;
            }
            let p = &PARAMS[idx];
            if p.flags & IMMUTABLE != 0 || (p.flags & PROTECTED != 0 && !protected_ok) {
                errstr = Some(
                    if p.flags & IMMUTABLE != 0 { "can't set immutable config" } else { "can't set protected config" }
                        .into(),
                );
                err_arg_name = String::from_utf8_lossy(name).into_owned();
                invalid = true;
                continue;
            }
            if chosen.iter().any(|(i, a, _)| *i == idx && *a == alias) {
                errstr = Some("duplicate parameter".into());
                err_arg_name = String::from_utf8_lossy(name).into_owned();
                invalid = true;
            }
            chosen.push((idx, alias, String::from_utf8_lossy(value).into_owned()));
        }
        if !invalid {
            let mut next = self.clone();
            for (idx, alias, value) in &chosen {
                let p = &PARAMS[*idx];
                let args: Vec<String> = if p.flags & MULTI_ARG != 0 {
                    if value.is_empty() { Vec::new() } else { value.split(' ').map(String::from).collect() }
                } else {
                    vec![value.clone()]
                };
                match next.parse_value(*idx, &args) {
                    Ok(v) => next.store(p.name, v),
                    Err(e) => {
                        errstr = Some(e);
                        err_arg_name = entry_name(*idx, *alias).to_string();
                        invalid = true;
                        break;
                    }
                }
            }
            if !invalid {
                *self = next;
                return Ok(());
            }
        }
        if let Some(n) = invalid_arg_name {
            Err(format!("ERR Unknown option or number of arguments for CONFIG SET - '{n}'"))
        } else if let Some(e) = errstr {
            Err(format!("ERR CONFIG SET failed (possibly related to argument '{err_arg_name}') - {e}"))
        } else {
            Err(format!("ERR CONFIG SET failed (possibly related to argument '{err_arg_name}')"))
        }
    }

    /// Is the parameter (name or alias) sensitive (its value should be
    /// redacted from logs / slowlog / MONITOR)?
    pub fn is_sensitive(name: &[u8]) -> bool {
        lookup(name).is_some_and(|(i, _)| PARAMS[i].flags & SENSITIVE != 0)
    }

    /// Canonical name of a parameter given its name or alias.
    pub fn canonical_name(name: &[u8]) -> Option<&'static str> {
        lookup(name).map(|(i, _)| PARAMS[i].name)
    }
}

fn trim_bytes(b: &[u8]) -> &[u8] {
    let is_trim = |c: &u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let start = b.iter().position(|c| !is_trim(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !is_trim(c)).map_or(start, |e| e + 1);
    &b[start..end]
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
        assert_eq!(c.unimplemented, vec!["hash-max-listpack-entries", "rename-command"]);
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
