//! redis-rust: a Redis 7-compatible server. Start-up: configuration, logging, listeners,
//! the background cron, and one thread per accepted client.

use crossbeam_channel::{Receiver, Sender};
use redis_rust::server::ClientInfo;
use redis_rust::server::{self, Server, lock};
use redis_rust::{REDIS_VERSION, VERSION, command, commands, config, connection, persistence, replication, sys};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

/// Client threads need little stack: every buffer lives on the heap.
const CLIENT_STACK: usize = 256 * 1024;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some((text, code)) = config::special_action(&args) {
        println!("{text}");
        std::process::exit(code);
    }
    let config = match config::Config::load(&args) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("\n{msg}");
            std::process::exit(1);
        }
    };
    if let Err(e) = std::env::set_current_dir(&config.dir) {
        eprintln!("Can't chdir to '{}': {e}", config.dir);
        std::process::exit(1);
    }
    init_logging(&config.loglevel);
    for name in &config.unimplemented {
        log::warn!("config directive '{name}' is accepted but not implemented by this server");
    }
    if config.appendonly {
        log::warn!("appendonly yes: this server has no AOF; only RDB snapshots persist data");
    }
    let config = fit_maxclients(config);
    if !command::install_table(commands::FAMILIES) {
        log::error!("the command table was built before its families were installed");
        std::process::exit(1);
    }
    let server = Arc::new(Server::new(config.clone(), command::table().commands.len()));
    if let Err(msg) = persistence::load_at_startup(&server) {
        log::error!("{msg}");
        std::process::exit(1);
    }
    persistence::install_signal_handlers();
    let mut listeners = Vec::new();
    for addr in &config.bind {
        let addr = addr.trim_start_matches('-');
        let target =
            if addr.contains(':') { format!("[{addr}]:{}", config.port) } else { format!("{addr}:{}", config.port) };
        match TcpListener::bind(&target) {
            Ok(l) => {
                sys::set_backlog(&l, config.tcp_backlog as i32);
                listeners.push(l);
            }
            Err(e) => {
                log::error!("Could not create server TCP listening socket {target}: {e}");
                std::process::exit(1);
            }
        }
    }
    log::info!(
        "redis-rust {VERSION} (Redis {REDIS_VERSION} compatible) started, pid={}, port={}",
        std::process::id(),
        config.port
    );
    log::info!("Ready to accept connections tcp");
    replication::init(server.clone());
    let cron = server.clone();
    let _ = std::thread::Builder::new().name("cron".into()).spawn(move || server::cron::run(cron));
    let mut handles = Vec::new();
    let (to_spawner, accepted) = crossbeam_channel::unbounded();
    let s = server.clone();
    if let Err(e) = std::thread::Builder::new().name("spawner".into()).spawn(move || spawn_clients(s, accepted)) {
        log::error!("could not start the client spawner thread: {e}");
        std::process::exit(1);
    }
    for l in listeners {
        let (s, tx) = (server.clone(), to_spawner.clone());
        if let Ok(h) = std::thread::Builder::new().name("accept".into()).spawn(move || accept_loop(s, l, tx)) {
            handles.push(h);
        }
    }
    for h in handles {
        let _ = h.join();
    }
}

/// Descriptors Redis keeps in reserve beyond one per client (listeners, RDB files, logs).
const RESERVED_FDS: u64 = 32;

/// Raise the open-files limit for `maxclients`, or lower `maxclients` to what the limit allows,
/// as Redis does at start-up: accepting a client the process cannot serve helps no one.
fn fit_maxclients(mut config: config::Config) -> config::Config {
    let wanted = config.maxclients as u64 + RESERVED_FDS;
    let limit = sys::raise_open_files_limit(wanted);
    if limit < wanted {
        let fitted = limit.saturating_sub(RESERVED_FDS).max(1);
        log::warn!(
            "You requested maxclients of {} requiring at least {wanted} max file descriptors. \
             Server can't set maximum open files to {wanted} because of OS error; maxclients is now {fitted}.",
            config.maxclients
        );
        config.maxclients = fitted as u32;
    }
    config
}

fn init_logging(level: &str) {
    let filter = match level {
        "debug" => log::LevelFilter::Debug,
        "verbose" => log::LevelFilter::Debug,
        "warning" => log::LevelFilter::Warn,
        "nothing" => log::LevelFilter::Off,
        _ => log::LevelFilter::Info,
    };
    let _ = simple_logger::SimpleLogger::new().with_level(filter).env().init();
}

/// Accept connections and hand them to the spawner. Accepting is kept to a few microseconds
/// so the kernel's accept queue (`tcp-backlog`) never overflows in a storm of new connections:
/// an overflow costs each dropped client a one-second SYN retransmission.
fn accept_loop(server: Arc<Server>, listener: TcpListener, spawner: Sender<(TcpStream, Arc<ClientInfo>)>) {
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                log::warn!("accept failed: {e}");
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        server.stats.connections_received.fetch_add(1, Relaxed);
        if lock(&server.clients).len() >= server.maxclients.load(Relaxed) {
            use std::io::Write;
            server.stats.rejected_connections.fetch_add(1, Relaxed);
            let mut s = stream;
            let _ = s.write_all(b"-ERR max number of clients reached\r\n");
            continue;
        }
        let info = connection::register(&server, &stream);
        if spawner.send((stream, info)).is_err() {
            return;
        }
    }
}

/// Start one thread per accepted client (thread creation is the slow part of accepting).
fn spawn_clients(server: Arc<Server>, accepted: Receiver<(TcpStream, Arc<ClientInfo>)>) {
    for (stream, info) in accepted {
        let s = server.clone();
        let id = info.id;
        let spawned = std::thread::Builder::new()
            .name("client".into())
            .stack_size(CLIENT_STACK)
            .spawn(move || connection::serve(s, stream, info));
        if let Err(e) = spawned {
            log::warn!("could not start a client thread: {e}");
            lock(&server.clients).remove(&id);
        }
    }
}
