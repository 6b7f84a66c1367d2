//! The persistence engine: the crash-safe snapshot writer, SAVE's and BGSAVE's work, the
//! start-up load, save points (from the cron), the shutdown save and the MISCONF check. Dump
//! files are written to a temporary file in the target directory, fsynced, renamed over the
//! target and the directory fsynced, so a crash at any moment leaves either the old file or
//! the new one. The handlers (SAVE, BGSAVE, LASTSAVE, DEBUG RELOAD) are in
//! `commands/persistence.rs`.

use crate::config::Config;
use crate::database::Keyspace;
use crate::error::CmdError;
use crate::rdb;
use crate::server::{Server, lock, read};
use crate::sys;
use crate::util::now_ms;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

/// Redis retries a failed background save from a save point only after this many seconds.
const BGSAVE_RETRY_DELAY: i64 = 5;

/// Persistence state shared by the commands, the cron and the background save thread.
/// Changes since the last save are `Keyspace::dirty - saved_dirty`: the save thread cannot take
/// the store lock to reset the counter, so it records which value of it the saved data reflects.
pub struct PersistState {
    /// Unix seconds of the last successful save (start-up counts as one, as in Redis).
    pub lastsave: AtomicI64,
    pub saved_dirty: AtomicU64,
    pub bgsave_in_progress: AtomicBool,
    pub bgsave_started: AtomicI64,
    pub last_bgsave_ok: AtomicBool,
    /// Duration of the last background save in seconds, -1 before the first.
    pub last_bgsave_secs: AtomicI64,
    pub last_bgsave_try: AtomicI64,
    pub saves: AtomicU64,
    pub loading: AtomicBool,
    pub load_keys_loaded: AtomicU64,
    pub load_keys_expired: AtomicU64,
    /// Bumped to cancel the running background save (Redis's killRDBChild): a save finishing
    /// under an older epoch neither renames its file nor touches the state.
    pub bgsave_epoch: AtomicU64,
    /// Held around renames into the dump file and changes of the background save state.
    file_lock: Mutex<()>,
    /// Held from snapshot to rename by every save, so saves reach the file in the order their
    /// snapshots were taken. Lock order: store, then this, then `file_lock`.
    save_lock: Mutex<()>,
}

impl Default for PersistState {
    fn default() -> Self {
        PersistState {
            lastsave: AtomicI64::new(now_ms() / 1000),
            saved_dirty: AtomicU64::new(0),
            bgsave_in_progress: AtomicBool::new(false),
            bgsave_started: AtomicI64::new(0),
            last_bgsave_ok: AtomicBool::new(true),
            last_bgsave_secs: AtomicI64::new(-1),
            last_bgsave_try: AtomicI64::new(0),
            saves: AtomicU64::new(0),
            loading: AtomicBool::new(false),
            load_keys_loaded: AtomicU64::new(0),
            load_keys_expired: AtomicU64::new(0),
            bgsave_epoch: AtomicU64::new(0),
            file_lock: Mutex::new(()),
            save_lock: Mutex::new(()),
        }
    }
}

/// The dump file's path. `dir` is the working directory at start-up (main chdirs there) and an
/// absolute path once CONFIG SET has changed it.
pub fn rdb_path(c: &Config) -> PathBuf {
    let d = Path::new(&c.dir);
    if d.is_absolute() { d.join(&c.dbfilename) } else { PathBuf::from(&c.dbfilename) }
}

/// What a save needs from the configuration, read once.
struct SaveConf {
    path: PathBuf,
    compress: bool,
    checksum: bool,
}

fn save_conf(server: &Server) -> SaveConf {
    let c = read(&server.config);
    SaveConf {
        path: rdb_path(&c),
        compress: c.param_bool("rdbcompression").unwrap_or(true),
        checksum: c.param_bool("rdbchecksum").unwrap_or(true),
    }
}

/// Write `snap` to `path` crash-safely: temp file in the same directory, fsync, rename, fsync
/// the directory. A background save passes its epoch, checked under the rename lock.
fn write_file(state: &PersistState, snap: &rdb::Snapshot, path: &Path, epoch: Option<u64>) -> Result<(), String> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = dir.join(format!("temp-{}-{}.rdb", std::process::id(), COUNTER.fetch_add(1, Relaxed)));
    let result = (|| -> std::io::Result<()> {
        let f = File::create(&tmp)?;
        let mut w = BufWriter::with_capacity(1 << 20, f);
        snap.write_to(&mut w, &[])?;
        w.flush()?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        drop(f);
        let _guard = lock(&state.file_lock);
        if epoch.is_some_and(|e| e != state.bgsave_epoch.load(Relaxed)) {
            return Err(std::io::Error::other(CANCELLED));
        }
        std::fs::rename(&tmp, path)?;
        // The rename is durable only once the directory entry is on disk.
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("Failed saving the DB to {}: {e}", path.display())
    })
}

const CANCELLED: &str = "background save cancelled";

/// Cancel a running background save (FLUSHALL, shutdown): its file is discarded and a new save
/// may start at once.
pub fn kill_bgsave(server: &Server) {
    let st = &server.persist;
    let _guard = lock(&st.file_lock);
    if st.bgsave_in_progress.load(Relaxed) {
        st.bgsave_epoch.fetch_add(1, Relaxed);
        st.bgsave_in_progress.store(false, Relaxed);
        log::warn!("Background saving cancelled");
    }
}

/// Take a snapshot of the store (the only part done under the lock).
/// Called with the store lock held, so the replication position saved with the data is exact
/// and a restarted replica can ask its master to continue from it.
fn take_snapshot(server: &Server, ks: &Keyspace, conf: &SaveConf) -> (rdb::Snapshot, u64) {
    let aux = crate::replication::rdb_aux(server);
    (rdb::snapshot_with(ks, conf.compress).with_options(conf.compress, conf.checksum).with_aux(aux), ks.dirty)
}

/// Record a successful save of the data as of `dirty_at` (any successful save clears a failed
/// background save's error status, as in Redis).
fn saved(state: &PersistState, dirty_at: u64) {
    state.saved_dirty.store(dirty_at, Relaxed);
    state.last_bgsave_ok.store(true, Relaxed);
    state.lastsave.store(now_ms() / 1000, Relaxed);
    state.saves.fetch_add(1, Relaxed);
}

/// Save synchronously with the store lock held only for the snapshot.
fn save_now(server: &Server, ks: &Keyspace) -> Result<(), String> {
    let conf = save_conf(server);
    let _order = lock(&server.persist.save_lock);
    let (snap, dirty) = take_snapshot(server, ks, &conf);
    save_snapshot(server, &snap, dirty, &conf)
}

fn save_snapshot(server: &Server, snap: &rdb::Snapshot, dirty: u64, conf: &SaveConf) -> Result<(), String> {
    let started = Instant::now();
    write_file(&server.persist, snap, &conf.path, None)?;
    saved(&server.persist, dirty);
    log::info!("DB saved on disk ({} keys in {} ms)", snap.keys(), started.elapsed().as_millis());
    Ok(())
}

/// Start a background save: snapshot under the lock, write from a thread. Err when one is
/// already running.
pub fn start_bgsave(server: &Server, ks: &Keyspace) -> Result<(), CmdError> {
    let state = &server.persist;
    let epoch = {
        let _guard = lock(&state.file_lock);
        if state.bgsave_in_progress.swap(true, Relaxed) {
            return Err(CmdError::BgsaveInProgress);
        }
        state.bgsave_epoch.load(Relaxed)
    };
    let conf = save_conf(server);
    let t0 = Instant::now();
    let (snap, dirty) = take_snapshot(server, ks, &conf);
    let pause = t0.elapsed();
    let now = now_ms() / 1000;
    state.bgsave_started.store(now, Relaxed);
    state.last_bgsave_try.store(now, Relaxed);
    log::info!("Background saving started ({} keys, snapshot took {} us)", snap.keys(), pause.as_micros());
    let st = server.persist.clone();
    let spawned = std::thread::Builder::new().name("bgsave".into()).spawn(move || {
        let started = Instant::now();
        let r = {
            let _order = lock(&st.save_lock);
            write_file(&st, &snap, &conf.path, Some(epoch))
        };
        let _guard = lock(&st.file_lock);
        if st.bgsave_epoch.load(Relaxed) != epoch {
            return;
        }
        st.last_bgsave_secs.store(started.elapsed().as_secs() as i64, Relaxed);
        match r {
            Ok(()) => {
                saved(&st, dirty);
                log::info!("Background saving terminated with success");
            }
            Err(e) => {
                st.last_bgsave_ok.store(false, Relaxed);
                log::warn!("Background saving error: {e}");
            }
        }
        st.bgsave_in_progress.store(false, Relaxed);
    });
    if let Err(e) = spawned {
        state.bgsave_in_progress.store(false, Relaxed);
        state.last_bgsave_ok.store(false, Relaxed);
        log::warn!("Can't save in background: {e}");
        return Err(CmdError::err(format!("Can't save in background: {e}")));
    }
    Ok(())
}

/// SAVE's first half, run with the store locked: the snapshot, with the save order held until
/// `write` finishes so saves reach the file in the order their snapshots were taken. The
/// caller may release the store lock before writing.
pub fn snapshot_for_save<'a>(server: &'a Server, ks: &Keyspace) -> PendingSave<'a> {
    let conf = save_conf(server);
    let order = lock(&server.persist.save_lock);
    let (snap, dirty) = take_snapshot(server, ks, &conf);
    PendingSave { snap, dirty, conf, _order: order }
}

/// A snapshot waiting to be written by SAVE (see `snapshot_for_save`).
pub struct PendingSave<'a> {
    snap: rdb::Snapshot,
    dirty: u64,
    conf: SaveConf,
    _order: MutexGuard<'a, ()>,
}

impl PendingSave<'_> {
    /// Write the snapshot crash-safely and record the save.
    pub fn write(self, server: &Server) -> Result<(), String> {
        save_snapshot(server, &self.snap, self.dirty, &self.conf)
    }
}

/// How DEBUG RELOAD reloads: MERGE, NOFLUSH and NOSAVE turn off their defaults.
pub struct ReloadOpts {
    pub merge: bool,
    pub flush: bool,
    pub save: bool,
}

/// DEBUG RELOAD's work: save, empty the keyspace, load the file back. The caller holds the
/// store lock throughout, so no client sees the empty keyspace.
pub fn reload(server: &Server, ks: &mut Keyspace, now: i64, opts: ReloadOpts) -> Result<(), CmdError> {
    let ReloadOpts { merge, flush, save } = opts;
    let conf = save_conf(server);
    let _order = lock(&server.persist.save_lock);
    if save {
        let (snap, dirty) = take_snapshot(server, ks, &conf);
        if let Err(e) = save_snapshot(server, &snap, dirty, &conf) {
            log::warn!("{e}");
            return Err(CmdError::Msg("ERR".into()));
        }
    }
    let keep_expired = ks.is_replica_mode();
    let mut fresh = Keyspace::new(ks.dbs.len());
    fresh.limits = ks.limits;
    if !flush {
        // Load over a copy of the current data so an error leaves the keyspace untouched.
        let snap = rdb::snapshot(ks);
        let mut buf = Vec::new();
        let copied = snap
            .write_to(&mut buf, &[])
            .map_err(|e| e.to_string())
            .and_then(|()| rdb::load_into(&mut fresh, &mut &buf[..], i64::MIN, true).map_err(|e| e.to_string()));
        if let Err(e) = copied {
            return Err(CmdError::err(format!("Error copying the dataset: {e}")));
        }
    }
    match load_file(&mut fresh, &conf.path, now, keep_expired, merge) {
        Ok(stats) => {
            for (old, new) in ks.dbs.iter_mut().zip(fresh.dbs.iter_mut()) {
                old.swap_data(new);
            }
            server.persist.load_keys_loaded.store(stats.1.loaded, Relaxed);
            server.persist.load_keys_expired.store(stats.1.expired, Relaxed);
            log::info!("DB reloaded by DEBUG RELOAD");
            Ok(())
        }
        Err(e) => {
            log::warn!("{e}");
            Err(CmdError::err("Error trying to load the RDB dump"))
        }
    }
}

/// FLUSHALL's persistence side, as Redis 7.0: cancel a running background save and, when save
/// points are configured, save the (now empty) dataset at once, which leaves
/// rdb_changes_since_last_save at 0. Call with the store locked, after emptying it and counting
/// the change (`ctx.dirty`), so that without save points the change stays counted.
pub fn flushall_save(server: &Server, ks: &Keyspace) {
    kill_bgsave(server);
    if read(&server.config).save_params().is_empty() {
        return;
    }
    let conf = save_conf(server);
    let _order = lock(&server.persist.save_lock);
    let (snap, dirty) = take_snapshot(server, ks, &conf);
    if let Err(e) = save_snapshot(server, &snap, dirty, &conf) {
        log::warn!("{e}");
    }
}

/// Load `path` into `ks`. With `merge`, keys already present are replaced (DEBUG RELOAD MERGE).
fn load_file(
    ks: &mut Keyspace,
    path: &Path,
    now: i64,
    keep_expired: bool,
    merge: bool,
) -> Result<(std::collections::HashMap<String, Vec<u8>>, rdb::LoadStats), String> {
    let f = File::open(path).map_err(|e| format!("Can't open the RDB file {}: {e}", path.display()))?;
    let mut r = BufReader::with_capacity(1 << 20, f);
    let lim = ks.limits;
    let into = if merge { Keyspace::new(ks.dbs.len()) } else { std::mem::replace(ks, Keyspace::new(0)) };
    let mut target = into;
    target.limits = lim;
    let result = rdb::load_with_stats(&mut target, &mut r, now, keep_expired);
    if merge {
        for (dst, src) in ks.dbs.iter_mut().zip(target.dbs.iter()) {
            for e in src.iter() {
                let exp = e.expire().map_or(crate::database::Expire::Clear, crate::database::Expire::At);
                match e.value() {
                    crate::database::Val::Str(s) => {
                        dst.load(e.key(), crate::database::NewVal::Str(s), exp);
                    }
                    crate::database::Val::Int(i) => {
                        dst.load(e.key(), crate::database::NewVal::Int(i), exp);
                    }
                    crate::database::Val::Obj(o) => {
                        dst.load(e.key(), crate::database::NewVal::Obj(o.duplicate()), exp);
                    }
                }
            }
        }
    } else {
        *ks = target;
    }
    result.map_err(|e| format!("Error loading the RDB file {}: {e}", path.display()))
}

/// Load the dump file at start-up, if it exists, into a fresh keyspace swapped in only on
/// success. Err is the one log line to print before exiting non-zero.
pub fn load_at_startup(server: &Server) -> Result<(), String> {
    let (path, keep_expired) = {
        let c = read(&server.config);
        (rdb_path(&c), c.replicaof.is_some())
    };
    if !path.exists() {
        return Ok(());
    }
    let started = Instant::now();
    server.persist.loading.store(true, Relaxed);
    let mut fresh = Keyspace::new(server.databases());
    fresh.limits = server.collection_limits();
    let result = load_file(&mut fresh, &path, now_ms(), keep_expired, false);
    server.persist.loading.store(false, Relaxed);
    let (aux, stats) = result?;
    // The replication position saved with the data (a replica continues from it).
    crate::replication::restore_from_aux(server, &aux);
    {
        let mut ks = server.store();
        for (old, new) in ks.dbs.iter_mut().zip(fresh.dbs.iter_mut()) {
            old.swap_data(new);
        }
    }
    server.persist.load_keys_loaded.store(stats.loaded, Relaxed);
    server.persist.load_keys_expired.store(stats.expired, Relaxed);
    log::info!(
        "Done loading RDB, keys loaded: {}, keys expired: {}. DB loaded from disk: {:.3} seconds",
        stats.loaded,
        stats.expired,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The save SHUTDOWN and SIGTERM/SIGINT perform: `force` Some(true) = SAVE, Some(false) =
/// NOSAVE, None = save when save points are configured.
pub fn shutdown_save(server: &Server, ks: &Keyspace, force: Option<bool>) -> Result<(), String> {
    let wanted = match force {
        Some(f) => f,
        None => !read(&server.config).save_params().is_empty(),
    };
    // A background save still running would otherwise rename an older snapshot over this one.
    kill_bgsave(server);
    if !wanted {
        return Ok(());
    }
    log::info!("Saving the final RDB snapshot before exiting.");
    let r = save_now(server, ks);
    if let Err(e) = &r {
        log::warn!("Error trying to save the DB, can't exit. ({e})");
    }
    r
}

/// Redis's MISCONF refusal: with `stop-writes-on-bgsave-error yes` and save points configured,
/// write commands (and PING) are refused while the last background save failed. For the
/// dispatcher, which calls it for write commands and PING from ordinary clients.
pub fn misconf_error(server: &Server) -> Option<CmdError> {
    if server.persist.last_bgsave_ok.load(Relaxed) {
        return None;
    }
    let c = read(&server.config);
    if c.param_bool("stop-writes-on-bgsave-error") == Some(false) || c.save_params().is_empty() {
        return None;
    }
    Some(CmdError::Msg(
        "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. \
         Commands that may modify the data set are disabled, because this instance is configured to report errors \
         during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs \
         for details about the RDB error."
            .into(),
    ))
}

/// INFO's persistence section, in Redis's order.
pub fn info_persistence_fields(server: &Server, dirty: u64) -> Vec<(&'static str, String)> {
    let st = &server.persist;
    let in_progress = st.bgsave_in_progress.load(Relaxed);
    let current = if in_progress { now_ms() / 1000 - st.bgsave_started.load(Relaxed) } else { -1 };
    let loading = st.loading.load(Relaxed);
    vec![
        ("loading", u8::from(loading).to_string()),
        ("async_loading", "0".into()),
        ("current_cow_peak", "0".into()),
        ("current_cow_size", "0".into()),
        ("current_cow_size_age", "0".into()),
        ("current_fork_perc", "0.00".into()),
        ("current_save_keys_processed", "0".into()),
        ("current_save_keys_total", "0".into()),
        ("rdb_changes_since_last_save", dirty.saturating_sub(st.saved_dirty.load(Relaxed)).to_string()),
        ("rdb_bgsave_in_progress", u8::from(in_progress).to_string()),
        ("rdb_last_save_time", st.lastsave.load(Relaxed).to_string()),
        ("rdb_last_bgsave_status", if st.last_bgsave_ok.load(Relaxed) { "ok" } else { "err" }.into()),
        ("rdb_last_bgsave_time_sec", st.last_bgsave_secs.load(Relaxed).to_string()),
        ("rdb_current_bgsave_time_sec", current.to_string()),
        ("rdb_saves", st.saves.load(Relaxed).to_string()),
        ("rdb_last_cow_size", "0".into()),
        ("rdb_last_load_keys_expired", st.load_keys_expired.load(Relaxed).to_string()),
        ("rdb_last_load_keys_loaded", st.load_keys_loaded.load(Relaxed).to_string()),
        ("aof_enabled", "0".into()),
        ("aof_rewrite_in_progress", "0".into()),
        ("aof_rewrite_scheduled", "0".into()),
        ("aof_last_rewrite_time_sec", "-1".into()),
        ("aof_current_rewrite_time_sec", "-1".into()),
        ("aof_last_bgrewrite_status", "ok".into()),
        ("aof_rewrites", "0".into()),
        ("aof_rewrites_consecutive_failures", "0".into()),
        ("aof_last_write_status", "ok".into()),
        ("aof_last_cow_size", "0".into()),
        ("module_fork_in_progress", "0".into()),
        ("module_fork_last_cow_size", "0".into()),
    ]
}

// ---------------------------------------------------------------------------------------------
// Signals and the cron
// ---------------------------------------------------------------------------------------------

/// Route SIGTERM and SIGINT to a flag the cron polls (std has no signal API).
pub fn install_signal_handlers() {
    sys::catch_shutdown_signals();
}

/// SIGTERM/SIGINT as Redis handles them, honouring `shutdown-on-sigterm`/`shutdown-on-sigint`
/// (`save`, `nosave`, `force`): save if wanted, then exit 0; a failed save keeps the server
/// running unless `force` is set.
fn on_shutdown_signal(server: &Server, sigint: bool) {
    let (name, param) = if sigint { ("SIGINT", "shutdown-on-sigint") } else { ("SIGTERM", "shutdown-on-sigterm") };
    log::warn!("Received {name} scheduling shutdown...");
    let mode = read(&server.config).param(param).unwrap_or_default();
    let has = |w: &str| mode.split_whitespace().any(|m| m.eq_ignore_ascii_case(w));
    let force = if has("nosave") {
        Some(false)
    } else if has("save") {
        Some(true)
    } else {
        None
    };
    let saved = shutdown_save(server, &server.store(), force);
    if saved.is_ok() || has("force") {
        log::warn!("redis-rust is now ready to exit, bye bye...");
        std::process::exit(0);
    }
}

/// Called by the cron every tick: act on a pending signal, start the BGSAVE a save point asks for.
pub fn cron(server: &Arc<Server>) {
    if let Some(sig) = sys::take_shutdown_signal() {
        on_shutdown_signal(server, sig == sys::SIGINT);
    }
    let st = &server.persist;
    if st.bgsave_in_progress.load(Relaxed) {
        return;
    }
    let params = read(&server.config).save_params();
    if params.is_empty() {
        return;
    }
    let now = now_ms() / 1000;
    let ks = server.store();
    let changes = ks.dirty.saturating_sub(st.saved_dirty.load(Relaxed));
    let since = now - st.lastsave.load(Relaxed);
    let may_retry = st.last_bgsave_ok.load(Relaxed) || now - st.last_bgsave_try.load(Relaxed) > BGSAVE_RETRY_DELAY;
    if let Some((secs, n)) = params.iter().find(|&&(secs, n)| changes >= n as u64 && since > secs && may_retry) {
        log::info!("{n} changes in {secs} seconds. Saving...");
        let _ = start_bgsave(server, &ks);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(args: &[&str]) -> Server {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        Server::new(Config::load(&args).expect("config"), 0)
    }

    #[test]
    fn misconf_only_after_a_failed_bgsave_with_save_points() {
        let s = server(&[]);
        assert!(misconf_error(&s).is_none());
        s.persist.last_bgsave_ok.store(false, Relaxed);
        let e = misconf_error(&s).expect("refused").to_string();
        assert!(e.starts_with("MISCONF Redis is configured to save RDB snapshots"), "{e}");
        assert!(e.ends_with("Please check the Redis logs for details about the RDB error."), "{e}");
        let no_save = server(&["--save", ""]);
        no_save.persist.last_bgsave_ok.store(false, Relaxed);
        assert!(misconf_error(&no_save).is_none());
        let off = server(&["--stop-writes-on-bgsave-error", "no"]);
        off.persist.last_bgsave_ok.store(false, Relaxed);
        assert!(misconf_error(&off).is_none());
        saved(&off.persist, 0);
        assert!(off.persist.last_bgsave_ok.load(Relaxed));
    }

    #[test]
    fn info_fields_in_redis_order() {
        let s = server(&["--save", ""]);
        s.store().dirty = 7;
        let f = info_persistence_fields(&s, s.store().dirty);
        let names: Vec<&str> = f.iter().map(|(k, _)| *k).collect();
        assert_eq!(names[0], "loading");
        let get = |k: &str| f.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()).expect(k);
        assert_eq!(get("rdb_changes_since_last_save"), "7");
        assert_eq!(get("rdb_bgsave_in_progress"), "0");
        assert_eq!(get("rdb_last_bgsave_status"), "ok");
        assert_eq!(get("rdb_last_bgsave_time_sec"), "-1");
        assert_eq!(get("rdb_current_bgsave_time_sec"), "-1");
        saved(&s.persist, 5);
        let f = info_persistence_fields(&s, s.store().dirty);
        assert!(f.contains(&("rdb_changes_since_last_save", "2".to_string())));
        assert!(f.contains(&("rdb_saves", "1".to_string())));
    }
}
