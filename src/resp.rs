//! RESP: an incremental request parser (multibulk and inline) and the reply writer, which
//! speaks RESP2 or RESP3 as the client chose with HELLO.
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

/// The kind of an aggregate whose length is written after its elements (`begin_deferred`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    Array,
    /// `n` counts key-value pairs; RESP2 sends a flat array of `2n` elements.
    Map,
    Set,
    Push,
}

/// An aggregate header left open by `begin_deferred`, closed by `end_deferred`.
#[must_use]
pub struct Deferred {
    at: usize,
    kind: Aggregate,
}

/// Room kept for a deferred header: a type byte, a count up to 10 digits, CRLF.
const DEFERRED_ROOM: usize = 13;

/// Reply writer: appends replies to the connection's output buffer in the client's protocol
/// (RESP2 until HELLO 3). Handlers say what a value is (map, set, double, null, boolean,
/// verbatim text); the writer picks the RESP3 type or the RESP2 form Redis 7.0 sends for it.
pub struct Reply {
    buf: Vec<u8>,
    resp3: bool,
}

impl Default for Reply {
    fn default() -> Self {
        Reply::new()
    }
}

impl Reply {
    pub fn new() -> Self {
        Reply { buf: Vec::new(), resp3: false }
    }

    /// Switch the protocol (HELLO, RESET): 3 is RESP3, anything else RESP2.
    pub fn set_protocol(&mut self, proto: u8) {
        self.resp3 = proto == 3;
    }
    pub fn protocol(&self) -> u8 {
        if self.resp3 { 3 } else { 2 }
    }
    pub fn is_resp3(&self) -> bool {
        self.resp3
    }

    // ---- the buffer, for the connection: its size, a mark to drop a reply back to, the bytes.
    pub fn len(&self) -> usize {
        self.buf.len()
    }
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
    /// Drop everything written after `mark` (a `len()` taken earlier).
    pub fn truncate(&mut self, mark: usize) {
        self.buf.truncate(mark);
    }
    pub fn clear(&mut self) {
        self.buf.clear();
    }
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }
    /// The bytes written so far, leaving the buffer empty.
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }
    pub fn shrink_to(&mut self, min: usize) {
        self.buf.shrink_to(min);
    }

    // ---- simple types, the same in both protocols.
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
    pub fn array(&mut self, n: usize) {
        self.header(b'*', n);
    }

    // ---- types RESP3 has and RESP2 approximates.
    /// A missing value: RESP2's null bulk `$-1`, RESP3's `_`.
    pub fn null(&mut self) {
        self.buf.extend_from_slice(if self.resp3 { b"_\r\n" } else { b"$-1\r\n" });
    }
    /// A missing value where Redis's RESP2 form is the null array `*-1` (BLPOP's timeout,
    /// EXEC of an aborted transaction); RESP3's `_` as for any null.
    pub fn null_array(&mut self) {
        self.buf.extend_from_slice(if self.resp3 { b"_\r\n" } else { b"*-1\r\n" });
    }
    /// A map of `n` key-value pairs: RESP3 `%n`, RESP2 a flat array of `2n` elements.
    pub fn map(&mut self, n: usize) {
        if self.resp3 { self.header(b'%', n) } else { self.header(b'*', n * 2) }
    }
    /// A set of `n` elements: RESP3 `~n`, RESP2 an array.
    pub fn set(&mut self, n: usize) {
        self.header(if self.resp3 { b'~' } else { b'*' }, n);
    }
    /// An out-of-band message (pub/sub, invalidation) of `n` elements: RESP3 `>n`, RESP2 an
    /// array.
    pub fn push(&mut self, n: usize) {
        self.header(if self.resp3 { b'>' } else { b'*' }, n);
    }
    /// A double in Redis 7.0's `%.17g` form: RESP3 `,1.5`, RESP2 a bulk string.
    pub fn double(&mut self, d: f64) {
        let s = fmt_g17(d);
        if self.resp3 {
            self.buf.push(b',');
            self.buf.extend_from_slice(s.as_bytes());
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(s.as_bytes());
        }
    }
    /// A boolean: RESP3 `#t`/`#f`, RESP2 the integers 1 and 0.
    pub fn bool(&mut self, b: bool) {
        let s: &[u8] = match (self.resp3, b) {
            (true, true) => b"#t\r\n",
            (true, false) => b"#f\r\n",
            (false, true) => b":1\r\n",
            (false, false) => b":0\r\n",
        };
        self.buf.extend_from_slice(s);
    }
    /// Text meant for humans (INFO, CLIENT LIST): RESP3 verbatim `=len\r\nfmt:text`, with a
    /// three-letter format such as `txt`; RESP2 a bulk string of the text.
    pub fn verbatim(&mut self, fmt: &str, text: &[u8]) {
        if !self.resp3 {
            return self.bulk(text);
        }
        debug_assert_eq!(fmt.len(), 3, "verbatim formats are three bytes");
        self.buf.push(b'=');
        push_int(&mut self.buf, (text.len() + 4) as i64);
        self.buf.extend_from_slice(b"\r\n");
        self.buf.extend_from_slice(fmt.as_bytes());
        self.buf.push(b':');
        self.buf.extend_from_slice(text);
        self.buf.extend_from_slice(b"\r\n");
    }
    /// A big number given as its decimal digits: RESP3 `(digits`, RESP2 a bulk string.
    pub fn big_number(&mut self, digits: &str) {
        if self.resp3 {
            self.buf.push(b'(');
            self.buf.extend_from_slice(digits.as_bytes());
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(digits.as_bytes());
        }
    }

    // ---- scored pairs (WITHSCORES): RESP2 a flat member, score, member, score... array;
    // RESP3 an array of [member, double] pairs.
    /// The header of a reply of `n` scored pairs.
    pub fn scored_array(&mut self, n: usize) {
        self.array(if self.resp3 { n } else { n * 2 });
    }
    /// One member with its score, after `scored_array`.
    pub fn scored(&mut self, member: &[u8], score: f64) {
        if self.resp3 {
            self.buf.extend_from_slice(b"*2\r\n");
        }
        self.bulk(member);
        self.double(score);
    }

    // ---- aggregates whose length is known only after their elements are written.
    /// Open an aggregate of `kind`; `end_deferred` writes its header once the count is known.
    pub fn begin_deferred(&mut self, kind: Aggregate) -> Deferred {
        let at = self.buf.len();
        self.buf.extend_from_slice(&[b' '; DEFERRED_ROOM]);
        Deferred { at, kind }
    }
    /// Close an aggregate of `n` elements (`n` pairs for a map).
    pub fn end_deferred(&mut self, d: Deferred, n: usize) {
        let (ty, count) = match (d.kind, self.resp3) {
            (Aggregate::Map, false) => (b'*', n * 2),
            (Aggregate::Map, true) => (b'%', n),
            (Aggregate::Set, true) => (b'~', n),
            (Aggregate::Push, true) => (b'>', n),
            (_, _) => (b'*', n),
        };
        let mut head = [0u8; DEFERRED_ROOM + 8];
        head[0] = ty;
        let mut tmp = [0u8; 20];
        let digits = fmt_i64(count as i64, &mut tmp);
        let len = 1 + digits.len() + 2;
        head[1..1 + digits.len()].copy_from_slice(digits);
        head[1 + digits.len()..len].copy_from_slice(b"\r\n");
        self.buf.splice(d.at..d.at + DEFERRED_ROOM, head[..len].iter().copied());
    }

    /// Bytes already encoded (a replica's `+FULLRESYNC` line).
    pub fn raw(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    fn header(&mut self, ty: u8, n: usize) {
        self.buf.push(ty);
        push_int(&mut self.buf, n as i64);
        self.buf.extend_from_slice(b"\r\n");
    }
}

/// C's `printf("%.17g")` of a double, the form Redis 7.0 replies with (ZSCORE of 0.1 is
/// `0.10000000000000001`): 17 significant digits, trailing zeros dropped, exponent form
/// below 1e-4 and from 1e17 on.
pub fn fmt_g17(d: f64) -> String {
    if d.is_nan() {
        return "nan".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if d == 0.0 {
        return if d.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    // The exponent %g decides on is that of the value rounded to 17 digits.
    let sci = format!("{d:.16e}");
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let trim = |s: &str| -> String {
        if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s.to_string() }
    };
    if !(-4..17).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim(mant), exp.unsigned_abs())
    } else {
        trim(&format!("{d:.*}", (16 - exp) as usize))
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
        let at = r.begin_deferred(Aggregate::Array);
        r.bulk(b"x");
        r.end_deferred(at, 1);
        assert_eq!(r.bytes(), b":-42\r\n$2\r\nhi\r\n$-1\r\n*1\r\n$1\r\nx\r\n");
    }

    /// Encode with `f` in RESP2 and in RESP3.
    fn both(f: impl Fn(&mut Reply)) -> (String, String) {
        let mut r2 = Reply::new();
        f(&mut r2);
        let mut r3 = Reply::new();
        r3.set_protocol(3);
        f(&mut r3);
        (String::from_utf8_lossy(r2.bytes()).into_owned(), String::from_utf8_lossy(r3.bytes()).into_owned())
    }

    #[test]
    fn replies_in_both_protocols() {
        type Case<'a> = (&'a dyn Fn(&mut Reply), &'a str, &'a str);
        let cases: &[Case] = &[
            (&|r| r.null(), "$-1\r\n", "_\r\n"),
            (&|r| r.null_array(), "*-1\r\n", "_\r\n"),
            (&|r| r.map(2), "*4\r\n", "%2\r\n"),
            (&|r| r.set(3), "*3\r\n", "~3\r\n"),
            (&|r| r.push(3), "*3\r\n", ">3\r\n"),
            (&|r| r.array(0), "*0\r\n", "*0\r\n"),
            (&|r| r.bool(true), ":1\r\n", "#t\r\n"),
            (&|r| r.bool(false), ":0\r\n", "#f\r\n"),
            (&|r| r.double(1.5), "$3\r\n1.5\r\n", ",1.5\r\n"),
            (&|r| r.double(0.1), "$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n"),
            (&|r| r.double(f64::INFINITY), "$3\r\ninf\r\n", ",inf\r\n"),
            (&|r| r.double(f64::NEG_INFINITY), "$4\r\n-inf\r\n", ",-inf\r\n"),
            (&|r| r.verbatim("txt", b"a\r\nb"), "$4\r\na\r\nb\r\n", "=8\r\ntxt:a\r\nb\r\n"),
            (
                &|r| r.big_number("123456789012345678901234567890"),
                "$30\r\n123456789012345678901234567890\r\n",
                "(123456789012345678901234567890\r\n",
            ),
            (&|r| r.ok(), "+OK\r\n", "+OK\r\n"),
            (&|r| r.error("ERR a\nb"), "-ERR a b\r\n", "-ERR a b\r\n"),
            (&|r| r.int(-7), ":-7\r\n", ":-7\r\n"),
            (&|r| r.bulk(b""), "$0\r\n\r\n", "$0\r\n\r\n"),
            (&|r| r.bulk_int(42), "$2\r\n42\r\n", "$2\r\n42\r\n"),
            (
                &|r| {
                    r.scored_array(2);
                    r.scored(b"a", 1.0);
                    r.scored(b"b", 2.5);
                },
                "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n",
                "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n",
            ),
        ];
        for (i, (f, want2, want3)) in cases.iter().enumerate() {
            let (got2, got3) = both(f);
            assert_eq!((got2.as_str(), got3.as_str()), (*want2, *want3), "case {i}");
        }
    }

    #[test]
    fn deferred_aggregates_carry_their_kind() {
        let fill = |kind: Aggregate| {
            move |r: &mut Reply| {
                r.int(0);
                let d = r.begin_deferred(kind);
                for i in 0..12 {
                    r.int(i);
                }
                r.end_deferred(d, if kind == Aggregate::Map { 6 } else { 12 });
                r.int(1);
            }
        };
        let body: String = (0..12).map(|i| format!(":{i}\r\n")).collect();
        for (kind, h2, h3) in [
            (Aggregate::Array, "*12", "*12"),
            (Aggregate::Map, "*12", "%6"),
            (Aggregate::Set, "*12", "~12"),
            (Aggregate::Push, "*12", ">12"),
        ] {
            let (got2, got3) = both(fill(kind));
            assert_eq!(got2, format!(":0\r\n{h2}\r\n{body}:1\r\n"), "{kind:?}");
            assert_eq!(got3, format!(":0\r\n{h3}\r\n{body}:1\r\n"), "{kind:?}");
        }
        // An empty deferred map, and truncation back to a mark.
        let (got2, got3) = both(|r| {
            let d = r.begin_deferred(Aggregate::Map);
            r.end_deferred(d, 0);
            let mark = r.len();
            r.bulk(b"dropped");
            r.truncate(mark);
        });
        assert_eq!((got2.as_str(), got3.as_str()), ("*0\r\n", "%0\r\n"));
    }

    #[test]
    fn protocol_switches_and_take() {
        let mut r = Reply::new();
        assert_eq!(r.protocol(), 2);
        r.set_protocol(3);
        assert!(r.is_resp3());
        r.null();
        r.set_protocol(2);
        r.null();
        assert_eq!(r.take(), b"_\r\n$-1\r\n");
        assert!(r.is_empty());
    }

    #[test]
    fn g17_like_printf() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (-2.5, "-2.5"),
            (0.1, "0.10000000000000001"),
            (1e20, "1e+20"),
            (1e16, "10000000000000000"),
            (1e17, "1e+17"),
            (123456789.125, "123456789.125"),
            (0.0001, "0.0001"),
            (0.00001, "1.0000000000000001e-05"),
            (1.5e-300, "1.5000000000000001e-300"),
            (f64::MAX, "1.7976931348623157e+308"),
            (3.0e100, "2.9999999999999999e+100"),
        ];
        for (d, want) in cases {
            assert_eq!(fmt_g17(*d), *want, "{d:e}");
        }
    }
}
