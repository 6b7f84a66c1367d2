//! Shared test helpers: start the built server on a free port and talk RESP to it over a
//! plain `TcpStream`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A reply, as the client sees it: RESP2's types, then RESP3's (after HELLO 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resp {
    Simple(String),
    Error(String),
    Int(i64),
    Bulk(Vec<u8>),
    Nil,
    Array(Vec<Resp>),
    NilArray,
    /// RESP3 `_`.
    Null,
    /// RESP3 `,` with the text as sent (`1.5`, `inf`).
    Double(String),
    Bool(bool),
    /// RESP3 `=`: the format (`txt`) and the text.
    Verbatim(String, Vec<u8>),
    BigNumber(String),
    Map(Vec<(Resp, Resp)>),
    Set(Vec<Resp>),
    Push(Vec<Resp>),
}

impl Resp {
    pub fn bulk(s: &str) -> Resp {
        Resp::Bulk(s.as_bytes().to_vec())
    }
    pub fn ok() -> Resp {
        Resp::Simple("OK".into())
    }
    /// The bytes of a bulk or simple string (panics otherwise: it is a test).
    pub fn text(&self) -> String {
        match self {
            Resp::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
            Resp::Simple(s) | Resp::Error(s) => s.clone(),
            other => panic!("not a string reply: {other:?}"),
        }
    }
    pub fn int(&self) -> i64 {
        match self {
            Resp::Int(i) => *i,
            other => panic!("not an integer reply: {other:?}"),
        }
    }
    pub fn array(&self) -> &[Resp] {
        match self {
            Resp::Array(a) => a,
            other => panic!("not an array reply: {other:?}"),
        }
    }
    pub fn is_error(&self) -> bool {
        matches!(self, Resp::Error(_))
    }
}

/// Shorthand for an array of bulk strings.
pub fn bulks(items: &[&str]) -> Resp {
    Resp::Array(items.iter().map(|s| Resp::bulk(s)).collect())
}

pub fn err(s: &str) -> Resp {
    Resp::Error(s.to_string())
}

/// A port nothing listens on now and that this test process has not handed out before (tests
/// run in parallel threads: two servers must never be given the same port).
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    loop {
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port");
        let mut given = GIVEN.lock().unwrap_or_else(|p| p.into_inner());
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

/// A fresh temporary directory for one test.
pub fn temp_dir(tag: &str) -> PathBuf {
    static SWEEP: std::sync::Once = std::sync::Once::new();
    SWEEP.call_once(remove_stale_temp_dirs);
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let d = std::env::temp_dir().join(format!("redis-rust-test-{}-{tag}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// Directories left by earlier test processes that have exited (dumps of big datasets add
/// up on a machine that keeps its /tmp); names carry the owning process id.
fn remove_stale_temp_dirs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix("redis-rust-test-") else { continue };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// A running server process, killed when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub dir: PathBuf,
    pub log: PathBuf,
    /// A directory `start` made for this server alone, removed on drop (dumps add up).
    owned_dir: Option<PathBuf>,
}

impl Server {
    /// Start the server with default flags plus `extra`.
    pub fn start(extra: &[&str]) -> Server {
        let dir = temp_dir("srv");
        let mut s = Server::start_in(&dir, extra);
        s.owned_dir = Some(dir);
        s
    }

    pub fn start_in(dir: &Path, extra: &[&str]) -> Server {
        let port = free_port();
        let log = dir.join(format!("server-{port}.log"));
        let logf = std::fs::File::create(&log).expect("log file");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_redis-rust"));
        let port_s = port.to_string();
        let dir_s = dir.to_string_lossy().to_string();
        let mut args: Vec<&str> = vec!["--port", &port_s, "--dir", &dir_s];
        args.extend_from_slice(extra);
        cmd.args(&args).stdout(Stdio::from(logf.try_clone().expect("log"))).stderr(Stdio::from(logf));
        let child = cmd.spawn().expect("spawn server");
        let s = Server { child, port, dir: dir.to_path_buf(), log, owned_dir: None };
        s.wait_ready();
        s
    }

    /// Poll until the port accepts connections (or the process died).
    pub fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(mut probe) = TcpStream::connect(("127.0.0.1", self.port)) {
                // QUIT and read to EOF: the server drops a client from CLIENT LIST before its
                // socket closes, so the probe is never seen by the test's own CLIENT LIST.
                let _ = probe.set_read_timeout(Some(Duration::from_secs(5)));
                let _ = probe.write_all(b"QUIT\r\n");
                let _ = probe.read_to_end(&mut Vec::new());
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("server on port {} did not start; log:\n{}", self.port, self.log_text());
    }

    pub fn client(&self) -> Client {
        Client::connect(self.port)
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Wait for the process to exit on its own; returns its exit code.
    pub fn wait_exit(&mut self, within: Duration) -> Option<i32> {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let status = self.child.try_wait();
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            // Later test binaries sweep the kept directory, so the log goes into the failure output.
            eprintln!(
                "--- redis-rust on port {} (exit status before kill: {status:?}), log:\n{}",
                self.port,
                self.log_text()
            );
        }
        // Kept when the test failed, so its log can be read.
        if let Some(d) = &self.owned_dir
            && !std::thread::panicking()
        {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

/// Connect to a local test server.
pub fn connect_stream(port: u16) -> TcpStream {
    // Now and then (about one run in a hundred of a test binary, on this VM) the kernel answers
    // the SYN with a reset although the server is up and listening: measured with the
    // listener in `ss`, one SYN out, one RST back, no listen overflow or drop, and an
    // immediate retry connects. That is loopback port reuse meeting a stale timewait socket
    // of an earlier connection, not the server: retry refusals briefly, fail on anything else.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => break s,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5))
            }
            Err(e) => panic!("connect to {port}: {e}"),
        }
    }
}

/// A minimal blocking RESP2 client.
pub struct Client {
    pub stream: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Client {
    pub fn connect(port: u16) -> Client {
        let stream = connect_stream(port);
        stream.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
        stream.set_nodelay(true).expect("nodelay");
        let reader = BufReader::new(stream.try_clone().expect("clone"));
        Client { stream, reader }
    }

    /// Encode a command as a RESP multibulk.
    pub fn encode(args: &[&[u8]]) -> Vec<u8> {
        let mut out = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
        out
    }

    pub fn send(&mut self, args: &[&str]) {
        let a: Vec<&[u8]> = args.iter().map(|s| s.as_bytes()).collect();
        self.send_bytes(&a);
    }

    pub fn send_bytes(&mut self, args: &[&[u8]]) {
        self.stream.write_all(&Client::encode(args)).expect("write");
    }

    pub fn send_raw(&mut self, raw: &[u8]) {
        self.stream.write_all(raw).expect("write");
    }

    /// Send a command and read its reply.
    pub fn cmd(&mut self, args: &[&str]) -> Resp {
        self.send(args);
        self.read()
    }

    pub fn cmd_bytes(&mut self, args: &[&[u8]]) -> Resp {
        self.send_bytes(args);
        self.read()
    }

    pub fn read(&mut self) -> Resp {
        self.try_read().expect("read reply")
    }

    pub fn try_read(&mut self) -> std::io::Result<Resp> {
        self.read_value(&mut Vec::new())
    }

    /// Send a command and return its reply's raw bytes.
    pub fn try_read_raw_after(&mut self, args: &[&str]) -> Vec<u8> {
        self.send(args);
        self.try_read_raw().expect("read reply").1
    }

    /// Read one reply and also return its bytes exactly as received.
    pub fn try_read_raw(&mut self) -> std::io::Result<(Resp, Vec<u8>)> {
        let mut raw = Vec::new();
        let r = self.read_value(&mut raw)?;
        Ok((r, raw))
    }

    fn read_value(&mut self, raw: &mut Vec<u8>) -> std::io::Result<Resp> {
        let mut line = Vec::new();
        self.reader.read_until(b'\n', &mut line)?;
        raw.extend_from_slice(&line);
        if line.is_empty() {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection closed"));
        }
        if line.len() < 3 || !line.ends_with(b"\r\n") {
            return Err(std::io::Error::other(format!("bad reply line {:?}", String::from_utf8_lossy(&line))));
        }
        let body = String::from_utf8_lossy(&line[1..line.len() - 2]).into_owned();
        let count = || body.parse::<i64>().map_err(std::io::Error::other);
        Ok(match line[0] {
            b'+' => Resp::Simple(body),
            b'-' => Resp::Error(body),
            b':' => Resp::Int(count()?),
            b'$' | b'=' => {
                let n = count()?;
                if n < 0 {
                    Resp::Nil
                } else {
                    let mut buf = vec![0u8; n as usize + 2];
                    self.reader.read_exact(&mut buf)?;
                    raw.extend_from_slice(&buf);
                    buf.truncate(n as usize);
                    if line[0] == b'=' {
                        if buf.len() < 4 || buf[3] != b':' {
                            return Err(std::io::Error::other("verbatim string without a format"));
                        }
                        let text = buf.split_off(4);
                        Resp::Verbatim(String::from_utf8_lossy(&buf[..3]).into_owned(), text)
                    } else {
                        Resp::Bulk(buf)
                    }
                }
            }
            b'*' | b'~' | b'>' => {
                let n = count()?;
                if n < 0 {
                    Resp::NilArray
                } else {
                    let mut items = Vec::with_capacity(n as usize);
                    for _ in 0..n {
                        items.push(self.read_value(raw)?);
                    }
                    match line[0] {
                        b'*' => Resp::Array(items),
                        b'~' => Resp::Set(items),
                        _ => Resp::Push(items),
                    }
                }
            }
            b'%' => {
                let n = count()?;
                let mut pairs = Vec::with_capacity(n.max(0) as usize);
                for _ in 0..n {
                    let k = self.read_value(raw)?;
                    pairs.push((k, self.read_value(raw)?));
                }
                Resp::Map(pairs)
            }
            b'_' => Resp::Null,
            b',' => Resp::Double(body),
            b'(' => Resp::BigNumber(body),
            b'#' => match &body[..] {
                "t" => Resp::Bool(true),
                "f" => Resp::Bool(false),
                _ => return Err(std::io::Error::other(format!("bad boolean {body:?}"))),
            },
            other => return Err(std::io::Error::other(format!("bad reply type {:?}", other as char))),
        })
    }

    /// True when the server has closed this connection (reads EOF within the timeout).
    pub fn is_closed(&mut self) -> bool {
        self.stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
        let mut b = [0u8; 1];
        match self.reader.read(&mut b) {
            Ok(0) => true,
            // A timeout means the connection is still open; a reset means it was closed.
            Err(e) => !matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
            Ok(_) => false,
        }
    }
}

/// Whether real Redis binaries are available. Tests that need them skip with a printed reason,
/// unless REQUIRE_REDIS=1 (CI), where their absence is a failure.
pub fn have_redis(bin: &str) -> bool {
    let found = Command::new(bin).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
    if !found {
        if std::env::var("REQUIRE_REDIS").as_deref() == Ok("1") {
            panic!("{bin} is required (REQUIRE_REDIS=1) but not installed");
        }
        eprintln!("skipping: {bin} is not installed");
    }
    found
}

/// A real redis-server on a free port (for differential and interop tests).
pub struct RealRedis {
    pub child: Child,
    pub port: u16,
    pub dir: PathBuf,
}

impl RealRedis {
    pub fn start(extra: &[&str]) -> Option<RealRedis> {
        if !have_redis("redis-server") {
            return None;
        }
        let dir = temp_dir("real");
        let port = free_port();
        let port_s = port.to_string();
        let dir_s = dir.to_string_lossy().to_string();
        let mut args =
            vec!["--port", &port_s, "--bind", "127.0.0.1", "--dir", &dir_s, "--save", "", "--appendonly", "no"];
        args.extend_from_slice(extra);
        let child =
            Command::new("redis-server").args(&args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().ok()?;
        let r = RealRedis { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(mut c) = TcpStream::connect(("127.0.0.1", port)) {
                let _ = c.write_all(b"PING\r\n");
                let mut b = [0u8; 7];
                if c.read_exact(&mut b).is_ok() && &b == b"+PONG\r\n" {
                    return Some(r);
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("real redis-server did not start on {port}");
    }

    pub fn client(&self) -> Client {
        Client::connect(self.port)
    }
}

impl Drop for RealRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Poll `f` until it returns true or the deadline passes.
pub fn wait_until(within: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if f() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
