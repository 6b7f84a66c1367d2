//! Every libc call std does not expose, each behind a safe wrapper: a non-blocking readiness
//! probe, `sched_yield`, `sched_setscheduler` (SCHED_BATCH client threads), re-issuing `listen`
//! with Redis's backlog, the open-files limit, SIGTERM/SIGINT handlers, and the memory and CPU
//! figures INFO reports (`mallinfo2`, `getrusage`, `sysconf`).

use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicI32, Ordering::Relaxed};

unsafe extern "C" {
    fn recv(fd: i32, buf: *mut u8, len: usize, flags: i32) -> isize;
    fn sched_yield() -> i32;
    fn sched_setscheduler(pid: i32, policy: i32, param: *const i32) -> i32;
    fn listen(fd: i32, backlog: i32) -> i32;
    fn getrlimit(resource: i32, rlim: *mut RLimit) -> i32;
    fn setrlimit(resource: i32, rlim: *const RLimit) -> i32;
    #[link_name = "shutdown"]
    fn c_shutdown(fd: i32, how: i32) -> i32;
    fn signal(signum: i32, handler: extern "C" fn(i32)) -> usize;
    fn mallinfo2() -> MallInfo2;
    fn getrusage(who: i32, usage: *mut Rusage) -> i32;
    fn sysconf(name: i32) -> i64;
}

const SHUT_RDWR: i32 = 2;
const RLIMIT_NOFILE: i32 = 7;

#[repr(C)]
struct RLimit {
    cur: u64,
    max: u64,
}

/// Make room for `wanted` descriptors, raising the soft limit up to the hard one as Redis does;
/// returns how many the process may open.
pub fn raise_open_files_limit(wanted: u64) -> u64 {
    let mut r = RLimit { cur: 0, max: 0 };
    // SAFETY: `r` is a valid, writable rlimit struct.
    if unsafe { getrlimit(RLIMIT_NOFILE, &mut r) } != 0 {
        return wanted;
    }
    if r.cur >= wanted {
        return r.cur;
    }
    let target = RLimit { cur: wanted.min(r.max), max: r.max };
    // SAFETY: `target` is a valid rlimit struct that is only read.
    if unsafe { setrlimit(RLIMIT_NOFILE, &target) } == 0 {
        return target.cur;
    }
    r.cur
}

/// Shut a socket down by descriptor (CLIENT KILL): the owning thread's blocked read returns.
pub fn shutdown(fd: i32) {
    // SAFETY: shutdown() on a descriptor has no memory effects; the caller guarantees the
    // descriptor is still the client's socket (see `ClientInfo::sock`).
    unsafe {
        c_shutdown(fd, SHUT_RDWR);
    }
}

const MSG_PEEK: i32 = 0x2;
const MSG_DONTWAIT: i32 = 0x40;

pub fn raw_fd(s: &TcpStream) -> i32 {
    s.as_raw_fd()
}

/// True when the socket has bytes to read (or is closed) right now, without consuming them.
pub fn readable_now(s: &TcpStream) -> bool {
    let mut b = 0u8;
    // SAFETY: one valid writable byte; the fd is owned by `s` for the duration of the call.
    let n = unsafe { recv(s.as_raw_fd(), &mut b, 1, MSG_PEEK | MSG_DONTWAIT) };
    // n == 0 is EOF: let the blocking read see it. n < 0 is EAGAIN (or an error the read reports).
    n >= 0
}

/// True when the peer has closed the connection (an orderly EOF is waiting to be read), without
/// consuming anything: a blocked client's thread checks it while it waits for a key.
pub fn peer_closed(s: &TcpStream) -> bool {
    let mut b = 0u8;
    // SAFETY: one valid writable byte; the fd is owned by `s` for the duration of the call.
    let n = unsafe { recv(s.as_raw_fd(), &mut b, 1, MSG_PEEK | MSG_DONTWAIT) };
    n == 0
}

pub fn yield_now() {
    // SAFETY: sched_yield has no arguments and no memory effects.
    unsafe {
        sched_yield();
    }
}

/// std listens with a backlog of 128; re-issuing listen() on the bound socket raises it, so a
/// storm of new connections is not met with SYN retries.
pub fn set_backlog(l: &TcpListener, backlog: i32) {
    // SAFETY: the fd is a listening socket owned by `l`.
    let r = unsafe { listen(l.as_raw_fd(), backlog) };
    if r != 0 {
        log::warn!("could not raise the listen backlog to {backlog}");
    }
}

const SCHED_BATCH: i32 = 3;

/// Mark the calling thread SCHED_BATCH: when woken it waits for the running task to block or
/// use up its slice instead of preempting it.
pub fn set_batch_policy() -> bool {
    let prio = 0i32;
    // SAFETY: pid 0 is the calling thread; `prio` is a valid sched_param (one int) that is only read.
    unsafe { sched_setscheduler(0, SCHED_BATCH, &prio) == 0 }
}

pub const SIGINT: i32 = 2;
pub const SIGTERM: i32 = 15;

/// The signal number received (SIGTERM/SIGINT), 0 when none. Set by the handler, polled by the cron.
static SIGNAL: AtomicI32 = AtomicI32::new(0);

/// Only async-signal-safe work here: an atomic store.
extern "C" fn on_signal(sig: i32) {
    SIGNAL.store(sig, Relaxed);
}

/// Route SIGTERM and SIGINT to a flag read by `take_shutdown_signal`.
pub fn catch_shutdown_signals() {
    for sig in [SIGTERM, SIGINT] {
        // SAFETY: `on_signal` only performs an atomic store, which is async-signal-safe; glibc's
        // `signal` installs it with BSD semantics (not reset after delivery, syscalls restarted).
        unsafe {
            signal(sig, on_signal);
        }
    }
}

/// The SIGTERM or SIGINT received since the last call, if any.
pub fn take_shutdown_signal() -> Option<i32> {
    match SIGNAL.swap(0, Relaxed) {
        0 => None,
        sig => Some(sig),
    }
}

/// glibc's `struct mallinfo2`; only two fields are read, the rest give the layout.
#[repr(C)]
#[allow(dead_code)]
struct MallInfo2 {
    arena: usize,
    ordblks: usize,
    smblks: usize,
    hblks: usize,
    hblkhd: usize,
    usmblks: usize,
    fsmblks: usize,
    uordblks: usize,
    fordblks: usize,
    keepcost: usize,
}

#[repr(C)]
#[derive(Default)]
struct Timeval {
    sec: i64,
    usec: i64,
}

#[repr(C)]
#[derive(Default)]
#[allow(dead_code)]
struct Rusage {
    utime: Timeval,
    stime: Timeval,
    rest: [i64; 14],
}

const RUSAGE_SELF: i32 = 0;
const RUSAGE_CHILDREN: i32 = -1;
const SC_PAGESIZE: i32 = 30;

/// Bytes handed out by malloc and not freed yet.
pub fn malloc_in_use() -> usize {
    // SAFETY: mallinfo2 takes no arguments and returns a plain struct by value.
    let m = unsafe { mallinfo2() };
    m.uordblks + m.hblkhd
}

/// The memory page size (at least 4096).
pub fn page_size() -> usize {
    // SAFETY: sysconf only reads a system constant.
    unsafe { sysconf(SC_PAGESIZE) }.max(4096) as usize
}

/// (system, user) CPU seconds of this process, or of its waited-for children.
pub fn cpu_times(children: bool) -> (f64, f64) {
    let who = if children { RUSAGE_CHILDREN } else { RUSAGE_SELF };
    let mut r = Rusage::default();
    // SAFETY: `r` is a writable struct laid out like `struct rusage` on 64-bit Linux.
    if unsafe { getrusage(who, &mut r) } != 0 {
        return (0.0, 0.0);
    }
    let t = |tv: &Timeval| tv.sec as f64 + tv.usec as f64 / 1e6;
    (t(&r.stime), t(&r.utime))
}
