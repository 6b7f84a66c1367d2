//! STUB of the RDB module (the real one arrives from the rdb branch with the same API): it
//! writes a valid empty RDB v10 and loads only files without keys, returning their aux fields.

use std::collections::HashMap;
use std::io::{Read, Write};

/// A point-in-time copy of the keyspace, taken under the store lock.
pub struct Snapshot {
    _keys: usize,
}

/// Take a snapshot of `ks` (the stub records nothing: it always writes an empty dataset).
pub fn snapshot(ks: &crate::database::Keyspace) -> Snapshot {
    Snapshot { _keys: ks.dbs.iter().map(|d| d.len()).sum() }
}

fn write_len(out: &mut Vec<u8>, n: usize) {
    if n < 64 {
        out.push(n as u8);
    } else if n < 16384 {
        out.push(0x40 | (n >> 8) as u8);
        out.push(n as u8);
    } else {
        out.push(0x80);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

impl Snapshot {
    /// Write the snapshot as an RDB file, with `extra_aux` as additional aux fields.
    pub fn write_to<W: Write>(&self, w: &mut W, extra_aux: &[(&str, String)]) -> std::io::Result<()> {
        let mut out = b"REDIS0010".to_vec();
        for (k, v) in extra_aux {
            out.push(0xFA);
            write_len(&mut out, k.len());
            out.extend_from_slice(k.as_bytes());
            write_len(&mut out, v.len());
            out.extend_from_slice(v.as_bytes());
        }
        out.push(0xFF);
        out.extend_from_slice(&[0u8; 8]);
        w.write_all(&out)
    }
}

#[derive(Debug)]
pub struct RdbError {
    pub offset: u64,
    pub msg: String,
}

impl std::fmt::Display for RdbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at offset {}", self.msg, self.offset)
    }
}

struct Input<'a, R: Read> {
    r: &'a mut R,
    offset: u64,
}

impl<R: Read> Input<'_, R> {
    fn err(&self, msg: &str) -> RdbError {
        RdbError { offset: self.offset, msg: msg.to_string() }
    }
    fn bytes(&mut self, n: usize) -> Result<Vec<u8>, RdbError> {
        let mut v = Vec::new();
        let got = (&mut *self.r).take(n as u64).read_to_end(&mut v).map_err(|e| self.err(&e.to_string()))?;
        if got != n {
            return Err(self.err("unexpected end of file"));
        }
        self.offset += n as u64;
        Ok(v)
    }
    fn byte(&mut self) -> Result<u8, RdbError> {
        Ok(self.bytes(1)?[0])
    }
    /// A length, or Err(encoding) for the special string encodings.
    fn len(&mut self) -> Result<Result<u64, u8>, RdbError> {
        let b = self.byte()?;
        Ok(match b >> 6 {
            0 => Ok((b & 0x3f) as u64),
            1 => Ok((((b & 0x3f) as u64) << 8) | self.byte()? as u64),
            2 if b == 0x80 => Ok(u32::from_be_bytes(self.arr()?) as u64),
            2 if b == 0x81 => Ok(u64::from_be_bytes(self.arr()?)),
            3 => Err(b & 0x3f),
            _ => return Err(self.err("bad length encoding")),
        })
    }
    fn arr<const N: usize>(&mut self) -> Result<[u8; N], RdbError> {
        let v = self.bytes(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(&v);
        Ok(a)
    }
    fn string(&mut self) -> Result<Vec<u8>, RdbError> {
        match self.len()? {
            Ok(n) if n <= 1 << 20 => self.bytes(n as usize),
            Ok(_) => Err(self.err("aux field too long")),
            Err(0) => Ok((self.byte()? as i8).to_string().into_bytes()),
            Err(1) => Ok(i16::from_le_bytes(self.arr()?).to_string().into_bytes()),
            Err(2) => Ok(i32::from_le_bytes(self.arr()?).to_string().into_bytes()),
            Err(_) => Err(self.err("unsupported string encoding in the stub loader")),
        }
    }
}

/// Load an RDB into `ks`. The stub accepts only files without keys.
pub fn load_into<R: Read>(
    _ks: &mut crate::database::Keyspace,
    r: &mut R,
    _now_ms: i64,
    _keep_expired: bool,
) -> Result<HashMap<String, Vec<u8>>, RdbError> {
    let mut inp = Input { r, offset: 0 };
    let magic = inp.bytes(9)?;
    if &magic[..5] != b"REDIS" {
        return Err(inp.err("wrong signature trying to load DB"));
    }
    let mut aux = HashMap::new();
    loop {
        match inp.byte()? {
            0xFA => {
                let k = inp.string()?;
                let v = inp.string()?;
                aux.insert(String::from_utf8_lossy(&k).into_owned(), v);
            }
            0xFF => {
                let _checksum = inp.bytes(8);
                return Ok(aux);
            }
            t => return Err(inp.err(&format!("type {t} not supported by the stub RDB loader"))),
        }
    }
}
