//! RESP2: an incremental request parser (multibulk and inline) and the reply writer.
//!
//! The parser never allocates per command: it records argument positions as spans into the
//! caller's buffer, and it can resume a half-received command where it stopped, so a 512 MB
//! bulk or a million-argument command is parsed in one pass however it is split.

pub use crate::util::num::{fmt_double, fmt_i64, parse_i64, push_int};

/// Longest line Redis accepts for an inline request or a `*`/`$` length line.
pub const INLINE_MAX: usize = 64 * 1024;
/// Default `proto-max-bulk-len`.
pub const DEFAULT_MAX_BULK: usize = 512 * 1024 * 1024;

/// A protocol error: the client is answered with this text and then closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtoError(pub String);

/// Outcome of one `Parser::parse` call.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// A whole command: `consumed` bytes from the start of the buffer. `inline` commands keep
    /// their unescaped arguments in `Parser::inline_buf` rather than in the input buffer.
    Command {
        consumed: usize,
        inline: bool,
    },
    /// An empty request (`*0`, `*-1` or a blank inline line): skip `consumed` bytes.
    Empty {
        consumed: usize,
    },
    /// More input is needed; call again with the same buffer extended.
    Incomplete,
    Error(ProtoError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At a command boundary.
    Start,
    /// Inside a multibulk: arguments still expected, and the length of the bulk whose header
    /// has been read (if any).
    Multi { remaining: usize, bulk: Option<usize> },
}

/// Resumable request parser. `pos` and the spans are offsets into the buffer passed to
/// `parse`, which must keep its start fixed until a command completes.
pub struct Parser {
    state: State,
    pos: usize,
    pub spans: Vec<(usize, usize)>,
    pub inline_buf: Vec<u8>,
    pub max_bulk: usize,
    /// Before AUTH, Redis caps requests at 10 arguments and 16 KB bulks.
    pub unauthenticated: bool,
}

impl Default for Parser {
    fn default() -> Self {
        Self::new()
    }
}

impl Parser {
    pub fn new() -> Self {
        Parser {
            state: State::Start,
            pos: 0,
            spans: Vec::with_capacity(8),
            inline_buf: Vec::new(),
            max_bulk: DEFAULT_MAX_BULK,
            unauthenticated: false,
        }
    }

    /// The arguments of the command just parsed from `buf`: inline commands keep their
    /// unescaped arguments in the parser's own buffer.
    pub fn args<'a>(&'a self, buf: &'a [u8], inline: bool) -> Args<'a> {
        if inline { Args::new(&self.inline_buf, &self.spans) } else { Args::new(buf, &self.spans) }
    }

    /// True when no partial command is held.
    pub fn at_boundary(&self) -> bool {
        self.state == State::Start
    }

    /// Bytes of a partly parsed command that are already accounted for; the rest of the
    /// buffer after this point has not been looked at yet.
    pub fn pending_bulk(&self) -> Option<usize> {
        match self.state {
            State::Multi { bulk: Some(n), .. } => Some(n),
            _ => None,
        }
    }

    fn reset(&mut self) {
        self.state = State::Start;
        self.pos = 0;
    }

    /// Parse the next command from `buf` (which starts at the command's first byte).
    pub fn parse(&mut self, buf: &[u8]) -> Parsed {
        if self.state == State::Start {
            self.spans.clear();
            self.pos = 0;
            if buf.is_empty() {
                return Parsed::Incomplete;
            }
            if buf[0] != b'*' {
                return self.parse_inline(buf);
            }
            if let Some(done) = self.parse_whole(buf) {
                return done;
            }
            self.spans.clear();
            let Some(cr) = memchr(b'\r', &buf[1..]).map(|i| i + 1) else {
                return self.too_long(buf.len(), "Protocol error: too big mbulk count string");
            };
            if cr + 1 >= buf.len() {
                return Parsed::Incomplete;
            }
            let count = match parse_i64(&buf[1..cr]) {
                Some(n) if n <= i32::MAX as i64 => n,
                _ => return proto_err("Protocol error: invalid multibulk length"),
            };
            if count > 10 && self.unauthenticated {
                return proto_err("Protocol error: unauthenticated multibulk length");
            }
            self.pos = cr + 2;
            if count <= 0 {
                let consumed = self.pos;
                self.reset();
                return Parsed::Empty { consumed };
            }
            self.state = State::Multi { remaining: count as usize, bulk: None };
        }
        self.parse_multibulk(buf)
    }

    /// The common case in one pass: a whole, well-formed multibulk with plain decimal lengths
    /// already in the buffer. Anything else (incomplete, malformed, limits to enforce) returns
    /// None and goes through the general, resumable path.
    fn parse_whole(&mut self, buf: &[u8]) -> Option<Parsed> {
        if self.unauthenticated {
            return None;
        }
        let (count, mut pos) = read_len_line(buf, 1)?;
        if count == 0 || count > i32::MAX as usize {
            return None;
        }
        for _ in 0..count {
            if *buf.get(pos)? != b'$' {
                return None;
            }
            let (len, start) = read_len_line(buf, pos + 1)?;
            if len > self.max_bulk {
                return None;
            }
            let end = start.checked_add(len)?;
            if end.checked_add(2)? > buf.len() {
                return None;
            }
            self.spans.push((start, end));
            pos = end + 2;
        }
        Some(Parsed::Command { consumed: pos, inline: false })
    }

    fn too_long(&mut self, unparsed: usize, msg: &str) -> Parsed {
        if unparsed > INLINE_MAX { proto_err(msg) } else { Parsed::Incomplete }
    }

    fn parse_multibulk(&mut self, buf: &[u8]) -> Parsed {
        let State::Multi { mut remaining, mut bulk } = self.state else {
            return Parsed::Incomplete;
        };
        while remaining > 0 {
            let len = match bulk {
                Some(len) => len,
                None => {
                    let rest = &buf[self.pos..];
                    let Some(cr) = memchr(b'\r', rest) else {
                        self.state = State::Multi { remaining, bulk };
                        return self.too_long(rest.len(), "Protocol error: too big bulk count string");
                    };
                    if cr + 1 >= rest.len() {
                        break;
                    }
                    if rest[0] != b'$' {
                        let got = rest[0] as char;
                        return proto_err(&format!("Protocol error: expected '$', got '{got}'"));
                    }
                    let len = match parse_i64(&rest[1..cr]) {
                        Some(n) if n >= 0 && (n as u64) <= self.max_bulk as u64 => n as usize,
                        _ => return proto_err("Protocol error: invalid bulk length"),
                    };
                    if len > 16384 && self.unauthenticated {
                        return proto_err("Protocol error: unauthenticated bulk length");
                    }
                    self.pos += cr + 2;
                    bulk = Some(len);
                    len
                }
            };
            // Redis skips the two bytes after a bulk without checking they are CRLF.
            if buf.len() - self.pos < len + 2 {
                break;
            }
            self.spans.push((self.pos, self.pos + len));
            self.pos += len + 2;
            bulk = None;
            remaining -= 1;
        }
        if remaining > 0 {
            self.state = State::Multi { remaining, bulk };
            return Parsed::Incomplete;
        }
        let consumed = self.pos;
        self.reset();
        Parsed::Command { consumed, inline: false }
    }

    fn parse_inline(&mut self, buf: &[u8]) -> Parsed {
        let Some(nl) = memchr(b'\n', buf) else {
            return self.too_long(buf.len(), "Protocol error: too big inline request");
        };
        let mut end = nl;
        if end > 0 && buf[end - 1] == b'\r' {
            end -= 1;
        }
        self.inline_buf.clear();
        if !split_args_into(&buf[..end], &mut self.inline_buf, &mut self.spans) {
            return proto_err("Protocol error: unbalanced quotes in request");
        }
        let consumed = nl + 1;
        self.reset();
        if self.spans.is_empty() { Parsed::Empty { consumed } } else { Parsed::Command { consumed, inline: true } }
    }
}

/// A canonical non-negative decimal (no sign, no leading zero) followed by CRLF, starting at
/// `pos`: returns the number and the position after the CRLF.
fn read_len_line(buf: &[u8], pos: usize) -> Option<(usize, usize)> {
    let mut i = pos;
    let mut n: usize = 0;
    match *buf.get(i)? {
        b'0' => i += 1,
        b'1'..=b'9' => {
            while let Some(&c) = buf.get(i) {
                if !c.is_ascii_digit() {
                    break;
                }
                if i - pos >= 18 {
                    return None;
                }
                n = n * 10 + (c - b'0') as usize;
                i += 1;
            }
        }
        _ => return None,
    }
    if buf.get(i) == Some(&b'\r') && buf.get(i + 1) == Some(&b'\n') { Some((n, i + 2)) } else { None }
}

/// A quick look at the next complete multibulk command in `buf` without parsing it for real:
/// its second argument (the key of most commands), if any, and its length in bytes. `None` if
/// `buf` does not start with a complete, well-formed multibulk of at most 64 arguments; the
/// real parser decides what such input means.
pub fn peek_key(buf: &[u8]) -> Option<(Option<&[u8]>, usize)> {
    if buf.first() != Some(&b'*') {
        return None;
    }
    let (argc, mut pos) = read_len_line(buf, 1)?;
    if argc == 0 || argc > 64 {
        return None;
    }
    let mut key = None;
    for i in 0..argc {
        if buf.get(pos) != Some(&b'$') {
            return None;
        }
        let (len, start) = read_len_line(buf, pos + 1)?;
        let end = start.checked_add(len)?;
        if buf.get(end..end + 2) != Some(b"\r\n".as_slice()) {
            return None;
        }
        if i == 1 {
            key = Some(&buf[start..end]);
        }
        pos = end + 2;
    }
    Some((key, pos))
}

fn proto_err(msg: &str) -> Parsed {
    Parsed::Error(ProtoError(msg.to_string()))
}

pub fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

/// C's isspace(): sdssplitargs separates arguments with it.
fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn hex_val(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Redis's `sdssplitargs`, writing unescaped arguments into `out` and their spans into
/// `spans`. Returns false on unbalanced quotes (or a closing quote not followed by a space).
pub fn split_args_into(line: &[u8], out: &mut Vec<u8>, spans: &mut Vec<(usize, usize)>) -> bool {
    let mut i = 0;
    let n = line.len();
    loop {
        while i < n && is_c_space(line[i]) {
            i += 1;
        }
        if i >= n {
            return true;
        }
        let start = out.len();
        let (mut inq, mut insq, mut done) = (false, false, false);
        while !done {
            let c = line.get(i).copied();
            if inq {
                match c {
                    None => return false,
                    Some(b'\\')
                        if line.get(i + 1) == Some(&b'x')
                            && line.get(i + 2).and_then(|&c| hex_val(c)).is_some()
                            && line.get(i + 3).and_then(|&c| hex_val(c)).is_some() =>
                    {
                        let hi = hex_val(line[i + 2]).unwrap_or(0);
                        let lo = hex_val(line[i + 3]).unwrap_or(0);
                        out.push(hi * 16 + lo);
                        i += 3;
                    }
                    Some(b'\\') if i + 1 < n => {
                        i += 1;
                        out.push(match line[i] {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => 8,
                            b'a' => 7,
                            other => other,
                        });
                    }
                    Some(b'"') => {
                        if line.get(i + 1).is_some_and(|&c| !is_c_space(c)) {
                            return false;
                        }
                        done = true;
                    }
                    Some(c) => out.push(c),
                }
            } else if insq {
                match c {
                    None => return false,
                    Some(b'\\') if line.get(i + 1) == Some(&b'\'') => {
                        i += 1;
                        out.push(b'\'');
                    }
                    Some(b'\'') => {
                        if line.get(i + 1).is_some_and(|&c| !is_c_space(c)) {
                            return false;
                        }
                        done = true;
                    }
                    Some(c) => out.push(c),
                }
            } else {
                match c {
                    None | Some(b' ' | b'\n' | b'\r' | b'\t' | 0) => done = true,
                    Some(b'"') => inq = true,
                    Some(b'\'') => insq = true,
                    Some(c) => out.push(c),
                }
            }
            if i < n {
                i += 1;
            }
        }
        spans.push((start, out.len()));
    }
}

/// Split a line like Redis's `sdssplitargs` into owned arguments; None on unbalanced quotes.
pub fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let mut spans = Vec::new();
    if !split_args_into(line, &mut out, &mut spans) {
        return None;
    }
    Some(spans.iter().map(|&(s, e)| out[s..e].to_vec()).collect())
}

/// A command's arguments, borrowed from the input buffer; `args[0]` is the command name.
#[derive(Clone, Copy)]
pub struct Args<'a> {
    buf: &'a [u8],
    spans: &'a [(usize, usize)],
}

impl<'a> Args<'a> {
    pub fn new(buf: &'a [u8], spans: &'a [(usize, usize)]) -> Self {
        Args { buf, spans }
    }
    pub fn len(&self) -> usize {
        self.spans.len()
    }
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
    pub fn get(&self, i: usize) -> &'a [u8] {
        let (s, e) = self.spans[i];
        &self.buf[s..e]
    }
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let buf = self.buf;
        self.spans.iter().map(move |&(s, e)| &buf[s..e])
    }
    /// The arguments from `from` on, as a new view.
    pub fn slice(&self, from: usize) -> Args<'a> {
        Args { buf: self.buf, spans: &self.spans[from.min(self.spans.len())..] }
    }
}

impl std::ops::Index<usize> for Args<'_> {
    type Output = [u8];
    fn index(&self, i: usize) -> &[u8] {
        self.get(i)
    }
}

/// Reply writer: appends RESP2 replies to the connection's output buffer.
#[derive(Default)]
pub struct Reply {
    pub buf: Vec<u8>,
}

impl Reply {
    pub fn ok(&mut self) {
        self.buf.extend_from_slice(b"+OK\r\n");
    }
    pub fn simple(&mut self, s: &str) {
        self.buf.push(b'+');
        self.buf.extend_from_slice(s.as_bytes());
        self.buf.extend_from_slice(b"\r\n");
    }
    /// An error reply; `msg` carries its code (`ERR ...`, `WRONGTYPE ...`). CR and LF would
    /// break the framing, so they become spaces as in Redis.
    pub fn error(&mut self, msg: &str) {
        self.buf.push(b'-');
        self.buf.extend(msg.bytes().map(|b| if b == b'\r' || b == b'\n' { b' ' } else { b }));
        self.buf.extend_from_slice(b"\r\n");
    }
    pub fn int(&mut self, n: i64) {
        self.buf.push(b':');
        push_int(&mut self.buf, n);
        self.buf.extend_from_slice(b"\r\n");
    }
    pub fn bulk(&mut self, b: &[u8]) {
        self.buf.push(b'$');
        push_int(&mut self.buf, b.len() as i64);
        self.buf.extend_from_slice(b"\r\n");
        self.buf.extend_from_slice(b);
        self.buf.extend_from_slice(b"\r\n");
    }
    pub fn bulk_str(&mut self, s: &str) {
        self.bulk(s.as_bytes());
    }
    /// A bulk holding an integer's decimal form (GET of an int-encoded string).
    pub fn bulk_int(&mut self, n: i64) {
        let mut tmp = [0u8; 20];
        let s = fmt_i64(n, &mut tmp);
        self.bulk(s);
    }
    pub fn null(&mut self) {
        self.buf.extend_from_slice(b"$-1\r\n");
    }
    pub fn null_array(&mut self) {
        self.buf.extend_from_slice(b"*-1\r\n");
    }
    pub fn array(&mut self, n: usize) {
        self.buf.push(b'*');
        push_int(&mut self.buf, n as i64);
        self.buf.extend_from_slice(b"\r\n");
    }
    /// RESP2 has no map type: a map is an array of 2n alternating keys and values.
    pub fn map(&mut self, n: usize) {
        self.array(n * 2);
    }
    /// RESP2 doubles are bulk strings in Redis's `%.17g`-style shortest form.
    pub fn double(&mut self, d: f64) {
        let s = fmt_double(d);
        self.bulk(s.as_bytes());
    }
    /// Start an array whose length is not known yet; `end_array` patches the count.
    pub fn begin_deferred(&mut self) -> usize {
        let at = self.buf.len();
        self.buf.extend_from_slice(b"*0000000000\r\n");
        at
    }
    pub fn end_deferred(&mut self, at: usize, n: usize) {
        let mut head = Vec::with_capacity(16);
        head.push(b'*');
        push_int(&mut head, n as i64);
        head.extend_from_slice(b"\r\n");
        self.buf.splice(at..at + 13, head);
    }
    pub fn raw(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }
}

#[cfg(test)]
mod peek_tests {
    use super::peek_key;

    #[test]
    fn peek_key_finds_the_second_argument_and_the_command_length() {
        let cmd = b"*3\r\n$3\r\nSET\r\n$3\r\nk:1\r\n$1\r\nv\r\n*1\r\n$4\r\nPING\r\n";
        let (key, len) = peek_key(cmd).unwrap();
        assert_eq!((key, len), (Some(&b"k:1"[..]), 29));
        assert_eq!(peek_key(&cmd[len..]), Some((None, 14)));
        // Incomplete, inline, malformed or oversized input is left to the real parser.
        for bad in
            [&cmd[..28], b"GET k\r\n", b"*2\r\n$3\r\nGET\r\n$1\r\nkk\r\n", b"*0\r\n", b"*65\r\n", b"*1\r\n$-1\r\n"]
        {
            assert_eq!(peek_key(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args_of(p: &Parser, buf: &[u8], inline: bool) -> Vec<Vec<u8>> {
        let b = if inline { &p.inline_buf[..] } else { buf };
        p.spans.iter().map(|&(s, e)| b[s..e].to_vec()).collect()
    }

    #[test]
    fn multibulk_whole_and_split_at_every_byte() {
        let req = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nv\0\r\nx\r\n";
        let mut p = Parser::new();
        assert_eq!(p.parse(req), Parsed::Command { consumed: req.len(), inline: false });
        assert_eq!(args_of(&p, req, false), vec![b"SET".to_vec(), b"k".to_vec(), b"v\0\r\nx".to_vec()]);
        for cut in 0..req.len() {
            let mut p = Parser::new();
            let r = p.parse(&req[..cut]);
            assert_eq!(r, Parsed::Incomplete, "cut at {cut}");
            assert_eq!(p.parse(req), Parsed::Command { consumed: req.len(), inline: false });
            assert_eq!(args_of(&p, req, false)[2], b"v\0\r\nx".to_vec());
        }
    }

    #[test]
    fn byte_at_a_time_resumes() {
        let req = b"*2\r\n$4\r\nECHO\r\n$11\r\nhello world\r\n";
        let mut p = Parser::new();
        for n in 1..req.len() {
            assert_eq!(p.parse(&req[..n]), Parsed::Incomplete);
        }
        assert!(matches!(p.parse(req), Parsed::Command { .. }));
    }

    #[test]
    fn protocol_errors_have_redis_texts() {
        let cases: &[(&[u8], &str)] = &[
            (b"*abc\r\n", "Protocol error: invalid multibulk length"),
            (b"*3000000000\r\n", "Protocol error: invalid multibulk length"),
            (b"*1\r\n+foo\r\n", "Protocol error: expected '$', got '+'"),
            (b"*1\r\n$-5\r\n", "Protocol error: invalid bulk length"),
            (b"*1\r\n$536870913\r\n", "Protocol error: invalid bulk length"),
            (b"\"unbalanced\n", "Protocol error: unbalanced quotes in request"),
        ];
        for (req, msg) in cases {
            let mut p = Parser::new();
            assert_eq!(p.parse(req), Parsed::Error(ProtoError(msg.to_string())), "{:?}", String::from_utf8_lossy(req));
        }
        let long = vec![b'a'; INLINE_MAX + 1];
        assert_eq!(
            Parser::new().parse(&long),
            Parsed::Error(ProtoError("Protocol error: too big inline request".into()))
        );
        let mut long_mb = b"*1\r\n$".to_vec();
        long_mb.extend(vec![b'1'; INLINE_MAX + 1]);
        assert_eq!(
            Parser::new().parse(&long_mb),
            Parsed::Error(ProtoError("Protocol error: too big bulk count string".into()))
        );
    }

    #[test]
    fn huge_declared_sizes_do_not_allocate() {
        let mut p = Parser::new();
        assert_eq!(p.parse(b"*2147483647\r\n$536870912\r\nab"), Parsed::Incomplete);
        assert!(p.spans.capacity() < 1024);
    }

    #[test]
    fn empty_requests() {
        assert_eq!(Parser::new().parse(b"*0\r\n"), Parsed::Empty { consumed: 4 });
        assert_eq!(Parser::new().parse(b"*-1\r\n"), Parsed::Empty { consumed: 5 });
        assert_eq!(Parser::new().parse(b"\r\n"), Parsed::Empty { consumed: 2 });
        assert_eq!(Parser::new().parse(b"   \n"), Parsed::Empty { consumed: 4 });
    }

    #[test]
    fn inline_quoting() {
        let req = b"set \"a\\x41\\n\" 'it\\'s' plain\r\n";
        let mut p = Parser::new();
        assert_eq!(p.parse(req), Parsed::Command { consumed: req.len(), inline: true });
        assert_eq!(
            args_of(&p, req, true),
            vec![b"set".to_vec(), b"aA\n".to_vec(), b"it's".to_vec(), b"plain".to_vec()]
        );
        assert_eq!(split_args(b"\"a\"b"), None);
        assert_eq!(split_args(b"'abc"), None);
        assert_eq!(split_args(b"  "), Some(vec![]));
    }

    #[test]
    fn replies() {
        let mut r = Reply::default();
        r.int(-42);
        r.bulk(b"hi");
        r.null();
        let at = r.begin_deferred();
        r.bulk(b"x");
        r.end_deferred(at, 1);
        assert_eq!(r.buf, b":-42\r\n$2\r\nhi\r\n$-1\r\n*1\r\n$1\r\nx\r\n");
    }
}
