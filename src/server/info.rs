//! INFO: Redis's `# Section` report with CRLF line endings and Redis's field names.
//!
//! Memory figures come from glibc's `mallinfo2()` and /proc when INFO runs, so nothing is
//! counted per allocation on the hot path.

use crate::command::table;
use crate::server::{Server, lock, read};
use std::fmt::Write as _;
use std::sync::atomic::Ordering::Relaxed;

/// Bytes handed out by malloc and not freed yet.
pub fn used_memory() -> usize {
    crate::sys::malloc_in_use()
}

fn rss() -> usize {
    let page = crate::sys::page_size();
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|v| v.parse::<usize>().ok()))
        .map_or(0, |pages| pages * page)
}

fn total_system_memory() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<u64>().ok()))
        })
        .map_or(0, |kb| kb * 1024)
}

/// Redis's `bytesToHuman`.
pub fn human(n: u64) -> String {
    let d = n as f64;
    const UNITS: &[(f64, &str)] = &[
        (1024.0, "K"),
        (1024.0 * 1024.0, "M"),
        (1024.0 * 1024.0 * 1024.0, "G"),
        (1024.0 * 1024.0 * 1024.0 * 1024.0, "T"),
        (1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0, "P"),
    ];
    if d < 1024.0 {
        return format!("{n}B");
    }
    for (i, (unit, name)) in UNITS.iter().enumerate() {
        if i + 1 == UNITS.len() || d < unit * 1024.0 {
            return format!("{:.2}{name}", d / unit);
        }
    }
    format!("{n}B")
}

fn os_name() -> String {
    let read = |p: &str| std::fs::read_to_string(p).map(|s| s.trim().to_string()).unwrap_or_default();
    format!("{} {} {}", read("/proc/sys/kernel/ostype"), read("/proc/sys/kernel/osrelease"), std::env::consts::ARCH)
}

const DEFAULT_SECTIONS: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "module_list",
    "errorstats",
    "cluster",
    "keyspace",
];

/// Which sections a list of INFO arguments selects (Redis's `genInfoSectionDict`).
struct Selection {
    all: bool,
    names: Vec<String>,
}

impl Selection {
    fn new(args: &[&[u8]]) -> Selection {
        let mut sel = Selection { all: false, names: Vec::new() };
        if args.is_empty() {
            sel.names = DEFAULT_SECTIONS.iter().map(|s| s.to_string()).collect();
        }
        for a in args {
            let a = String::from_utf8_lossy(a).to_ascii_lowercase();
            match a.as_str() {
                "default" => sel.names.extend(DEFAULT_SECTIONS.iter().map(|s| s.to_string())),
                // Without modules, "everything" adds nothing to "all".
                "all" | "everything" => sel.all = true,
                _ => sel.names.push(a),
            }
        }
        sel
    }
    fn wants(&self, names: &[&str]) -> bool {
        self.all || names.iter().any(|n| self.names.iter().any(|s| s == n))
    }
}

/// Appends `name:value` lines; `w!(out, "field", value)`.
macro_rules! w {
    ($out:expr, $name:expr, $val:expr) => {
        let _ = write!($out, "{}:{}\r\n", $name, $val);
    };
}

/// The INFO text for the given section arguments.
pub fn generate(server: &Server, ks: &crate::database::Keyspace, args: &[&[u8]]) -> String {
    let sel = Selection::new(args);
    let mut out = String::with_capacity(4096);
    let section = |out: &mut String, title: &str| {
        if !out.is_empty() {
            out.push_str("\r\n");
        }
        let _ = write!(out, "# {title}\r\n");
    };
    let now_us = crate::server::now_us();
    let uptime = server.uptime_secs();
    let (databases_stats, expired) = {
        let per_db: Vec<(usize, usize, usize)> =
            ks.dbs.iter().enumerate().map(|(i, d)| (i, d.len(), d.volatile_len())).collect();
        let hits: u64 = ks.dbs.iter().map(|d| d.hits).sum();
        let misses: u64 = ks.dbs.iter().map(|d| d.misses).sum();
        ((per_db, hits, misses), ks.expired_total())
    };
    let (per_db, hits, misses) = databases_stats;
    let (maxclients, hz, port) =
        (server.maxclients.load(Relaxed), server.hz.load(Relaxed), server.tcp_port.load(Relaxed));
    let maxmemory: u64 =
        read(&server.config).get(&[b"maxmemory"]).into_iter().next().and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let maxmemory_policy = read(&server.config)
        .get(&[b"maxmemory-policy"])
        .into_iter()
        .next()
        .map(|(_, v)| v)
        .unwrap_or_else(|| "noeviction".into());

    if sel.wants(&["server"]) {
        section(&mut out, "Server");
        w!(out, "redis_version", crate::REDIS_VERSION);
        w!(out, "redis_rust_version", crate::VERSION);
        w!(out, "redis_git_sha1", "00000000");
        w!(out, "redis_git_dirty", 0);
        w!(out, "redis_build_id", "0");
        w!(out, "redis_mode", "standalone");
        w!(out, "os", os_name());
        w!(out, "arch_bits", usize::BITS);
        w!(out, "monotonic_clock", "POSIX clock_gettime");
        w!(out, "multiplexing_api", "threads");
        w!(out, "atomicvar_api", "c11-builtin");
        w!(out, "gcc_version", "0.0.0");
        w!(out, "process_id", std::process::id());
        w!(out, "process_supervised", "no");
        w!(out, "run_id", server.run_id);
        w!(out, "tcp_port", port);
        w!(out, "server_time_usec", now_us);
        w!(out, "uptime_in_seconds", uptime);
        w!(out, "uptime_in_days", uptime / 86400);
        w!(out, "hz", hz);
        w!(out, "configured_hz", hz);
        w!(out, "lru_clock", (now_us / 1_000_000) & ((1 << 24) - 1));
        let exe = std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_default();
        w!(out, "executable", exe);
        w!(out, "config_file", read(&server.config).config_file.clone().unwrap_or_default());
        w!(out, "io_threads_active", 0);
    }

    if sel.wants(&["clients"]) {
        section(&mut out, "Clients");
        w!(out, "connected_clients", lock(&server.clients).len());
        w!(out, "cluster_connections", 0);
        w!(out, "maxclients", maxclients);
        w!(out, "client_recent_max_input_buffer", 0);
        w!(out, "client_recent_max_output_buffer", 0);
        w!(out, "blocked_clients", server.blocked.len());
        w!(out, "tracking_clients", 0);
        w!(out, "clients_in_timeout_table", 0);
    }

    if sel.wants(&["memory"]) {
        let used = used_memory();
        let peak = server.stat_peak_memory.fetch_max(used, Relaxed).max(used);
        let rss = rss();
        let total = total_system_memory();
        section(&mut out, "Memory");
        w!(out, "used_memory", used);
        w!(out, "used_memory_human", human(used as u64));
        w!(out, "used_memory_rss", rss);
        w!(out, "used_memory_rss_human", human(rss as u64));
        w!(out, "used_memory_peak", peak);
        w!(out, "used_memory_peak_human", human(peak as u64));
        w!(out, "used_memory_peak_perc", format!("{:.2}%", used as f64 * 100.0 / peak.max(1) as f64));
        w!(out, "used_memory_overhead", 0);
        w!(out, "used_memory_startup", 0);
        w!(out, "used_memory_dataset", used);
        w!(out, "used_memory_dataset_perc", "100.00%");
        w!(out, "allocator_allocated", used);
        w!(out, "allocator_active", used);
        w!(out, "allocator_resident", rss);
        w!(out, "total_system_memory", total);
        w!(out, "total_system_memory_human", human(total));
        w!(out, "used_memory_lua", 0);
        w!(out, "used_memory_vm_eval", 0);
        w!(out, "used_memory_lua_human", "0B");
        w!(out, "used_memory_scripts_eval", 0);
        w!(out, "number_of_cached_scripts", 0);
        w!(out, "number_of_functions", 0);
        w!(out, "number_of_libraries", 0);
        w!(out, "used_memory_vm_functions", 0);
        w!(out, "used_memory_vm_total", 0);
        w!(out, "used_memory_vm_total_human", "0B");
        w!(out, "used_memory_functions", 0);
        w!(out, "used_memory_scripts", 0);
        w!(out, "used_memory_scripts_human", "0B");
        w!(out, "maxmemory", maxmemory);
        w!(out, "maxmemory_human", human(maxmemory));
        w!(out, "maxmemory_policy", maxmemory_policy);
        let frag = rss as f64 / used.max(1) as f64;
        w!(out, "allocator_frag_ratio", "1.00");
        w!(out, "allocator_frag_bytes", 0);
        w!(out, "allocator_rss_ratio", format!("{frag:.2}"));
        w!(out, "allocator_rss_bytes", rss.saturating_sub(used));
        w!(out, "rss_overhead_ratio", "1.00");
        w!(out, "rss_overhead_bytes", 0);
        w!(out, "mem_fragmentation_ratio", format!("{frag:.2}"));
        w!(out, "mem_fragmentation_bytes", rss as i64 - used as i64);
        w!(out, "mem_not_counted_for_evict", 0);
        w!(out, "mem_replication_backlog", 0);
        w!(out, "mem_total_replication_buffers", 0);
        w!(out, "mem_clients_slaves", 0);
        w!(out, "mem_clients_normal", 0);
        w!(out, "mem_cluster_links", 0);
        w!(out, "mem_aof_buffer", 0);
        w!(out, "mem_allocator", "libc");
        w!(out, "active_defrag_running", 0);
        w!(out, "lazyfree_pending_objects", 0);
        w!(out, "lazyfreed_objects", 0);
    }

    if sel.wants(&["persistence"]) {
        section(&mut out, "Persistence");
        for (k, v) in crate::persistence::info_persistence_fields(server, ks.dirty) {
            w!(out, k, v);
        }
    }

    if sel.wants(&["stats"]) {
        let s = &server.stats;
        let g = |a: &std::sync::atomic::AtomicU64| a.load(Relaxed);
        section(&mut out, "Stats");
        w!(out, "total_connections_received", g(&s.connections_received));
        w!(out, "total_commands_processed", server.total(|c| &c.commands));
        w!(out, "instantaneous_ops_per_sec", g(&s.instantaneous_ops));
        w!(out, "total_net_input_bytes", server.total(|c| &c.net_in));
        w!(out, "total_net_output_bytes", server.total(|c| &c.net_out));
        w!(out, "total_net_repl_input_bytes", 0);
        w!(out, "total_net_repl_output_bytes", 0);
        // The cron keeps these in hundredths of a kbps.
        w!(out, "instantaneous_input_kbps", format!("{:.2}", g(&s.instantaneous_input_kbps) as f64 / 100.0));
        w!(out, "instantaneous_output_kbps", format!("{:.2}", g(&s.instantaneous_output_kbps) as f64 / 100.0));
        w!(out, "instantaneous_input_repl_kbps", "0.00");
        w!(out, "instantaneous_output_repl_kbps", "0.00");
        w!(out, "rejected_connections", g(&s.rejected_connections));
        let (full, partial_ok, partial_err) = crate::replication::sync_stats(server);
        w!(out, "sync_full", full);
        w!(out, "sync_partial_ok", partial_ok);
        w!(out, "sync_partial_err", partial_err);
        w!(out, "expired_keys", expired);
        w!(out, "expired_stale_perc", format!("{:.2}", g(&s.expired_stale_perc) as f64 / 100.0));
        w!(out, "expired_time_cap_reached_count", 0);
        w!(out, "expire_cycle_cpu_milliseconds", g(&s.expire_cycle_cpu_ms));
        for k in ["evicted_keys", "evicted_clients", "total_eviction_exceeded_time", "current_eviction_exceeded_time"] {
            w!(out, k, 0);
        }
        w!(out, "keyspace_hits", hits);
        w!(out, "keyspace_misses", misses);
        for k in [
            "pubsub_channels",
            "pubsub_patterns",
            "pubsubshard_channels",
            "latest_fork_usec",
            "total_forks",
            "migrate_cached_sockets",
            "slave_expires_tracked_keys",
            "active_defrag_hits",
            "active_defrag_misses",
            "active_defrag_key_hits",
            "active_defrag_key_misses",
            "total_active_defrag_time",
            "current_active_defrag_time",
            "tracking_total_keys",
            "tracking_total_items",
            "tracking_total_prefixes",
        ] {
            w!(out, k, 0);
        }
        w!(out, "unexpected_error_replies", g(&s.unexpected_error_replies));
        w!(out, "total_error_replies", g(&s.total_error_replies));
        w!(out, "dump_payload_sanitizations", 0);
        w!(out, "total_reads_processed", server.total(|c| &c.commands));
        w!(out, "total_writes_processed", server.total(|c| &c.commands));
        for k in [
            "io_threaded_reads_processed",
            "io_threaded_writes_processed",
            "reply_buffer_shrinks",
            "reply_buffer_expands",
        ] {
            w!(out, k, 0);
        }
    }

    if sel.wants(&["replication"]) {
        section(&mut out, "Replication");
        out.push_str(&crate::server::info_replication(server));
        out.push_str("\r\n");
    }

    if sel.wants(&["cpu"]) {
        let (sys, user) = crate::sys::cpu_times(false);
        let (csys, cuser) = crate::sys::cpu_times(true);
        section(&mut out, "CPU");
        w!(out, "used_cpu_sys", format!("{sys:.6}"));
        w!(out, "used_cpu_user", format!("{user:.6}"));
        w!(out, "used_cpu_sys_children", format!("{csys:.6}"));
        w!(out, "used_cpu_user_children", format!("{cuser:.6}"));
        // Every thread serves clients; there is no single main thread to single out.
        w!(out, "used_cpu_sys_main_thread", format!("{sys:.6}"));
        w!(out, "used_cpu_user_main_thread", format!("{user:.6}"));
    }

    if sel.wants(&["module_list", "modules"]) {
        section(&mut out, "Modules");
    }

    if sel.wants(&["commandstats"]) {
        section(&mut out, "Commandstats");
        for c in &table().commands {
            let (calls, usec, rejected, failed) = server.cmd_totals(c.id);
            if calls == 0 && rejected == 0 && failed == 0 {
                continue;
            }
            let per = if calls == 0 { 0.0 } else { usec as f64 / calls as f64 };
            let _ = write!(
                out,
                "cmdstat_{}:calls={calls},usec={usec},usec_per_call={per:.2},rejected_calls={rejected},failed_calls={failed}\r\n",
                c.fullname
            );
        }
    }

    if sel.wants(&["errorstats"]) {
        section(&mut out, "Errorstats");
        for (code, n) in lock(&server.stats.errors).iter() {
            let _ = write!(out, "errorstat_{code}:count={n}\r\n");
        }
    }

    if sel.wants(&["latencystats"]) {
        // Latency percentiles are not tracked: the section is empty, as with tracking off.
        section(&mut out, "Latencystats");
    }

    if sel.wants(&["cluster"]) {
        section(&mut out, "Cluster");
        w!(out, "cluster_enabled", 0);
    }

    if sel.wants(&["keyspace"]) {
        section(&mut out, "Keyspace");
        for (i, keys, expires) in per_db {
            if keys > 0 || expires > 0 {
                let _ = write!(out, "db{i}:keys={keys},expires={expires},avg_ttl=0\r\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_sizes() {
        assert_eq!(human(0), "0B");
        assert_eq!(human(1023), "1023B");
        assert_eq!(human(1024), "1.00K");
        assert_eq!(human(1_114_064), "1.06M");
        assert_eq!(human(25_276_502_016), "23.54G");
    }

    #[test]
    fn allocator_figures_are_live() {
        // black_box: in release builds the optimiser may otherwise elide the allocation.
        let v = std::hint::black_box(vec![1u8; 4 << 20]);
        assert!(used_memory() >= 4 << 20, "{}", used_memory());
        assert_eq!(v[v.len() - 1], 1);
        assert!(rss() > 0);
    }
}
