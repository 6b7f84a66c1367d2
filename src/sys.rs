//! The few libc calls std does not expose: a non-blocking readiness probe, `sched_yield`,
//! `sched_setscheduler` (SCHED_BATCH client threads),
//! re-issuing `listen` with Redis's backlog, and the process id.

use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;

unsafe extern "C" {
    fn recv(fd: i32, buf: *mut u8, len: usize, flags: i32) -> isize;
    fn sched_yield() -> i32;
    fn sched_setscheduler(pid: i32, policy: i32, param: *const i32) -> i32;
    fn listen(fd: i32, backlog: i32) -> i32;
    fn getrlimit(resource: i32, rlim: *mut RLimit) -> i32;
    fn setrlimit(resource: i32, rlim: *const RLimit) -> i32;
    #[link_name = "shutdown"]
    fn c_shutdown(fd: i32, how: i32) -> i32;
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
