//! The table of every parameter Redis 7.0.15 knows: name, alias, type, bounds, flags and
//! default, plus the lists of those this server implements and the deprecated directives.

pub(super) const IMMUTABLE: u8 = 1;
pub(super) const PROTECTED: u8 = 2;
pub(super) const HIDDEN: u8 = 4;
pub(super) const MULTI_ARG: u8 = 8;
pub(super) const SENSITIVE: u8 = 16;

pub(super) const MEM: u8 = 1;
pub(super) const PCT: u8 = 2;
pub(super) const OCT: u8 = 4;

#[derive(Clone, Copy, Debug)]
pub(super) enum Kind {
    Bool,
    Str,
    Enum(&'static [(&'static str, i64)]),
    Num { min: i128, max: i128, unsigned: bool, fmt: u8 },
    Special,
}

#[derive(Debug)]
pub(super) struct Param {
    pub(super) name: &'static str,
    pub(super) alias: Option<&'static str>,
    pub(super) kind: Kind,
    pub(super) flags: u8,
    pub(super) default: &'static str,
}

pub(super) const fn p(
    name: &'static str,
    alias: Option<&'static str>,
    kind: Kind,
    flags: u8,
    default: &'static str,
) -> Param {
    Param { name, alias, kind, flags, default }
}

pub(super) const SUPERVISED_MODE_ENUM: &[(&str, i64)] = &[("upstart", 1), ("systemd", 2), ("auto", 3), ("no", 0)];
pub(super) const SYSLOG_FACILITY_ENUM: &[(&str, i64)] = &[
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
pub(super) const LOGLEVEL_ENUM: &[(&str, i64)] = &[("debug", 0), ("verbose", 1), ("notice", 2), ("warning", 3)];
pub(super) const AOF_FSYNC_ENUM: &[(&str, i64)] = &[("everysec", 2), ("always", 1), ("no", 0)];
pub(super) const SHUTDOWN_ON_SIG_ENUM: &[(&str, i64)] =
    &[("default", 0), ("save", 1), ("nosave", 2), ("now", 4), ("force", 8)];
pub(super) const REPL_DISKLESS_LOAD_ENUM: &[(&str, i64)] = &[("disabled", 0), ("on-empty-db", 1), ("swapdb", 2)];
pub(super) const TLS_AUTH_CLIENTS_ENUM: &[(&str, i64)] = &[("no", 0), ("yes", 1), ("optional", 2)];
pub(super) const OOM_SCORE_ADJ_ENUM: &[(&str, i64)] = &[("no", 0), ("yes", 1), ("relative", 1), ("absolute", 2)];
pub(super) const ACL_PUBSUB_DEFAULT_ENUM: &[(&str, i64)] = &[("allchannels", 1), ("resetchannels", 0)];
pub(super) const SANITIZE_DUMP_PAYLOAD_ENUM: &[(&str, i64)] = &[("no", 0), ("yes", 1), ("clients", 2)];
pub(super) const PROTECTED_ACTION_ENUM: &[(&str, i64)] = &[("no", 0), ("yes", 1), ("local", 2)];
pub(super) const CLUSTER_PREFERRED_ENDPOINT_TYPE_ENUM: &[(&str, i64)] =
    &[("ip", 0), ("hostname", 1), ("unknown-endpoint", 2)];
pub(super) const PROPAGATION_ERROR_BEHAVIOR_ENUM: &[(&str, i64)] =
    &[("ignore", 0), ("panic", 1), ("panic-on-replicas", 2)];
pub(super) const MAXMEMORY_POLICY_ENUM: &[(&str, i64)] = &[
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
pub(super) static PARAMS: &[Param] = &[
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
        "128",
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
pub(super) const IMPLEMENTED: &[&str] = &[
    "hash-max-listpack-entries",
    "hash-max-listpack-value",
    "set-max-intset-entries",
    "zset-max-listpack-entries",
    "zset-max-listpack-value",
    "list-max-listpack-size",
    "list-compress-depth",
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
pub(super) const DEPRECATED: &[(&str, usize, usize)] =
    &[("list-max-ziplist-entries", 2, 2), ("list-max-ziplist-value", 2, 2), ("lua-replicate-commands", 2, 2)];

pub(super) const CONFIG_BINDADDR_MAX: usize = 16;
pub(super) const CONFIG_MIN_HZ: u32 = 1;
pub(super) const CONFIG_MAX_HZ: u32 = 500;
pub(super) const MAX_INCLUDE_DEPTH: usize = 64;

/// Finds a parameter by name or alias (case-insensitive). Returns the table
/// index and whether the alias was used.
pub(super) fn lookup(name: &[u8]) -> Option<(usize, bool)> {
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

pub(super) fn entry_name(idx: usize, alias: bool) -> &'static str {
    let p = &PARAMS[idx];
    if alias { p.alias.unwrap_or(p.name) } else { p.name }
}
