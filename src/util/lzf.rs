//! LZF, the compression Redis uses for RDB strings (liblzf's format): a stream of literal runs
//! (control byte < 32: copy the next ctrl+1 bytes) and back references (length in the top three
//! bits, extended by a byte when 7, and a 13-bit distance).

/// Log2 of the hash table size, as Redis builds liblzf (HLOG 16, VERY_FAST).
const HLOG: u32 = 16;
const MAX_LIT: usize = 32;
const MAX_OFF: usize = 1 << 13;
const MAX_REF: usize = (1 << 8) + (1 << 3);

/// A reusable compressor producing exactly liblzf 3.6's output as Redis configures it (so
/// RDB files and DUMP payloads match Redis byte for byte). The hash table is kept between
/// calls; slots hold `base + position + 1`, so slots of earlier inputs (below `base`) read as
/// empty without clearing the table.
pub struct Compressor {
    htab: Vec<u64>,
    base: u64,
}

impl Default for Compressor {
    fn default() -> Self {
        Self::new()
    }
}

/// liblzf's IDX over the running 32-bit hash of the last bytes.
#[inline]
fn idx(h: u32) -> usize {
    ((h >> (3 * 8 - HLOG)).wrapping_sub(h.wrapping_mul(5)) & ((1 << HLOG) - 1)) as usize
}

impl Compressor {
    pub fn new() -> Self {
        Compressor { htab: vec![0; 1 << HLOG], base: 0 }
    }

    /// Compress `input` into `out` (cleared first). Returns false when the result would not fit
    /// in `max_out` bytes (incompressible input), as liblzf's `lzf_compress` returning 0.
    pub fn compress(&mut self, input: &[u8], out: &mut Vec<u8>, max_out: usize) -> bool {
        out.clear();
        let n = input.len();
        let base = self.base;
        self.base = base + n as u64 + 1;
        if n == 0 {
            return false;
        }
        let htab = &mut self.htab;
        // The candidate at a slot: a position, or None for an empty slot (liblzf's in_data,
        // which never matches).
        let cand = |v: u64| if v > base { Some((v - base - 1) as usize) } else { None };
        let mut lit = 0usize;
        out.push(0);
        let mut ip = 0usize;
        let mut hval: u32 = if n >= 2 { (u32::from(input[0]) << 8) | u32::from(input[1]) } else { 0 };
        while ip + 2 < n {
            hval = (hval << 8) | u32::from(input[ip + 2]);
            let slot = idx(hval);
            let r = cand(htab[slot]);
            htab[slot] = base + ip as u64 + 1;
            let r = match r {
                Some(r) if r > 0 && r < ip && ip - r - 1 < MAX_OFF && input[r..r + 3] == input[ip..ip + 3] => r,
                _ => {
                    if out.len() >= max_out {
                        return false;
                    }
                    lit += 1;
                    out.push(input[ip]);
                    ip += 1;
                    if lit == MAX_LIT {
                        let at = out.len() - lit - 1;
                        out[at] = (lit - 1) as u8;
                        lit = 0;
                        out.push(0);
                    }
                    continue;
                }
            };
            let off = ip - r - 1;
            let maxlen = (n - ip - 2).min(MAX_REF);
            let op = out.len();
            if op + 4 >= max_out && op - usize::from(lit == 0) + 4 >= max_out {
                return false;
            }
            if lit == 0 {
                out.pop();
            } else {
                let at = op - lit - 1;
                out[at] = (lit - 1) as u8;
            }
            // The match length: liblzf compares 16 bytes unchecked when maxlen > 16, then
            // byte by byte up to maxlen.
            let mut len = 2usize;
            let mut done = false;
            if maxlen > 16 {
                for _ in 0..16 {
                    len += 1;
                    if input[r + len] != input[ip + len] {
                        done = true;
                        break;
                    }
                }
            }
            if !done {
                loop {
                    len += 1;
                    if !(len < maxlen && input[r + len] == input[ip + len]) {
                        break;
                    }
                }
            }
            let code = len - 2;
            ip += 1;
            if code < 7 {
                out.push(((off >> 8) as u8) + ((code as u8) << 5));
            } else {
                out.push(((off >> 8) as u8) + (7 << 5));
                out.push((code - 7) as u8);
            }
            out.push(off as u8);
            lit = 0;
            out.push(0);
            ip += code + 1;
            if ip + 2 >= n {
                break;
            }
            ip -= 2;
            hval = (u32::from(input[ip]) << 8) | u32::from(input[ip + 1]);
            hval = (hval << 8) | u32::from(input[ip + 2]);
            htab[idx(hval)] = base + ip as u64 + 1;
            ip += 1;
            hval = (hval << 8) | u32::from(input[ip + 2]);
            htab[idx(hval)] = base + ip as u64 + 1;
            ip += 1;
        }
        if out.len() + 3 > max_out {
            return false;
        }
        while ip < n {
            lit += 1;
            out.push(input[ip]);
            ip += 1;
            if lit == MAX_LIT {
                let at = out.len() - lit - 1;
                out[at] = (lit - 1) as u8;
                lit = 0;
                out.push(0);
            }
        }
        if lit == 0 {
            out.pop();
        } else {
            let at = out.len() - lit - 1;
            out[at] = (lit - 1) as u8;
        }
        !out.is_empty()
    }
}

/// Largest expansion LZF allows: a 3-byte back reference yields at most 264 bytes.
pub const MAX_RATIO: usize = 89;

/// Decompress `input`, which must expand to exactly `expected` bytes.
pub fn decompress(input: &[u8], expected: usize) -> Result<Vec<u8>, &'static str> {
    if expected > input.len().saturating_mul(MAX_RATIO) {
        return Err("LZF declared length is impossible for its compressed size");
    }
    let mut out: Vec<u8> = Vec::with_capacity(expected);
    let mut ip = 0usize;
    while ip < input.len() {
        let ctrl = input[ip] as usize;
        ip += 1;
        if ctrl < 32 {
            let run = ctrl + 1;
            let src = input.get(ip..ip + run).ok_or("LZF literal run past the end of the input")?;
            if out.len() + run > expected {
                return Err("LZF output longer than declared");
            }
            out.extend_from_slice(src);
            ip += run;
        } else {
            let mut len = ctrl >> 5;
            if len == 7 {
                len += *input.get(ip).ok_or("LZF back reference truncated")? as usize;
                ip += 1;
            }
            len += 2;
            let lo = *input.get(ip).ok_or("LZF back reference truncated")? as usize;
            ip += 1;
            let back = ((ctrl & 0x1f) << 8) + lo + 1;
            if back > out.len() {
                return Err("LZF back reference before the start of the output");
            }
            if out.len() + len > expected {
                return Err("LZF output longer than declared");
            }
            let start = out.len() - back;
            // Overlapping copies repeat the pattern, so copy byte by byte when they overlap.
            if back >= len {
                out.extend_from_within(start..start + len);
            } else {
                for i in 0..len {
                    let b = out[start + i];
                    out.push(b);
                }
            }
        }
    }
    if out.len() != expected {
        return Err("LZF output shorter than declared");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(data: &[u8]) -> Option<usize> {
        let mut c = Compressor::new();
        let mut out = Vec::new();
        if !c.compress(data, &mut out, data.len().saturating_sub(4)) {
            return None;
        }
        assert_eq!(decompress(&out, data.len()).expect("decompress"), data);
        Some(out.len())
    }

    #[test]
    fn compressible_inputs_shrink_and_round_trip() {
        assert!(round_trip(&[b'a'; 2000]).expect("compressible") < 100);
        let pattern: Vec<u8> = b"0123456789abcdef".iter().cycle().take(2048).copied().collect();
        assert!(round_trip(&pattern).expect("compressible") < 200);
        let xyz: Vec<u8> = b"xyz".iter().cycle().take(66000).copied().collect();
        assert!(round_trip(&xyz).is_some());
        let text = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(30);
        assert!(round_trip(&text).is_some());
    }

    #[test]
    fn incompressible_input_is_refused() {
        let mut x = 0x1234_5678u32;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        assert_eq!(round_trip(&noise), None);
    }

    #[test]
    fn many_lengths_round_trip_with_a_reused_table() {
        let mut c = Compressor::new();
        let mut out = Vec::new();
        for n in 0..600usize {
            let data: Vec<u8> = (0..n).map(|i| (i % 7 + (i / 50) % 3) as u8).collect();
            if c.compress(&data, &mut out, n + 64) {
                assert_eq!(decompress(&out, n).expect("decompress"), data, "len {n}");
            }
        }
    }

    #[test]
    fn corrupt_inputs_are_errors() {
        assert!(decompress(&[0x05, b'a'], 6).is_err());
        assert!(decompress(&[0x00, b'a', 0x20, 0x05], 4).is_err());
        assert!(decompress(&[0x00, b'a', 0xe0], 20).is_err());
        assert!(decompress(&[0x00, b'a'], 2).is_err());
        assert!(decompress(&[0x00, b'a'], 1_000_000).is_err());
        assert_eq!(decompress(&[0x00, b'a', 0x20, 0x00], 4).expect("valid"), b"aaaa");
    }
}
