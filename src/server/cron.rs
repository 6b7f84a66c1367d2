//! The background cron (Redis's `serverCron`): save points and signals, active expiry,
//! incremental rehashing, table shrinking and the instantaneous metrics.

use super::{Server, now_ms};
use crate::database::Keyspace;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

/// The background cron (Redis's serverCron at `hz`): active expiry, incremental rehashing,
/// table shrinking and the instantaneous metrics.
pub fn run(server: Arc<Server>) {
    let mut last_ops = 0u64;
    let mut last_tick = Instant::now();
    loop {
        let hz = server.hz.load(Relaxed).max(1);
        let period = Duration::from_micros(1_000_000 / hz);
        std::thread::sleep(period);
        crate::persistence::cron(&server);
        if server.active_expire.load(Relaxed) {
            active_expire_cycle(&server, period);
        }
        {
            let mut ks = server.store();
            for db in &mut ks.dbs {
                db.rehash_and_shrink();
            }
        }
        let ops = server.total(|c| &c.commands);
        let secs = last_tick.elapsed().as_secs_f64().max(1e-3);
        // saturating: CONFIG RESETSTAT may have zeroed the counters since the last tick.
        server.stats.instantaneous_ops.store((ops.saturating_sub(last_ops) as f64 / secs) as u64, Relaxed);
        last_ops = ops;
        last_tick = Instant::now();
    }
}

/// Redis 7.0's active expiry: sample 20 keys with a TTL per database, delete the expired
/// ones, repeat while more than 10% of the sample was stale, within 25% of the cron period.
/// The lock is taken per sample so clients are never held up for long.
fn active_expire_cycle(server: &Server, period: Duration) {
    let budget = period / 4;
    let start = Instant::now();
    let ndb = server.databases();
    for i in 0..ndb {
        loop {
            let (sampled, expired) = {
                let mut ks = server.store();
                let r = ks.expire_step(i, now_ms());
                crate::replication::propagate_expired(server, &mut ks);
                r
            };
            if !Keyspace::expire_should_repeat(sampled, expired) || start.elapsed() >= budget {
                break;
            }
        }
        if start.elapsed() >= budget {
            break;
        }
    }
}
