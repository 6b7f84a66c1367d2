//! Redis's glob matcher (`stringmatchlen`): `*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\x`, with
//! its quirks (unclosed brackets, a trailing backslash, signed-char ranges) kept on purpose.
//!
//! Redis recurses once per `*` but gives up as soon as the rest of the pattern fails at every
//! position after an inner `*`; that is exactly the classic matcher that remembers only the
//! last `*`, so this one is iterative: no stack growth for patterns with many stars, and
//! linear work per star position.

/// Whether `s` matches the glob `pattern` (ASCII case-insensitively when `nocase`).
pub fn glob_match(pattern: &[u8], s: &[u8], nocase: bool) -> bool {
    let plen = pattern.len();
    let slen = s.len();
    // Redis patterns are NUL-terminated sds strings and the C code peeks one byte past the
    // end in a few places; reading a 0 there reproduces it.
    let at = |i: usize| pattern.get(i).copied().unwrap_or(0);
    let (mut p, mut i) = (0usize, 0usize);
    // After a `*`: where the rest of the pattern starts and the string position it was last
    // tried at.
    let mut star: Option<(usize, usize)> = None;
    loop {
        let matched = loop {
            if p >= plen || i >= slen {
                break p >= plen && i >= slen;
            }
            if pattern[p] == b'*' {
                while p < plen && at(p + 1) == b'*' {
                    p += 1;
                }
                if plen - p == 1 {
                    return true;
                }
                p += 1;
                star = Some((p, i));
                continue;
            }
            match match_one(pattern, p, s[i], nocase) {
                Some(last) => p = last + 1,
                None => break false,
            }
            i += 1;
            if i == slen {
                while at(p) == b'*' {
                    p += 1;
                }
                break p >= plen;
            }
        };
        if matched {
            return true;
        }
        match star {
            Some((sp, si)) if si + 1 < slen => {
                star = Some((sp, si + 1));
                p = sp;
                i = si + 1;
            }
            _ => return false,
        }
    }
}

/// Match the pattern element at `p` (not a `*`) against the byte `c`; on success, the index
/// of the element's last pattern byte.
fn match_one(pattern: &[u8], p: usize, c: u8, nocase: bool) -> Option<usize> {
    let plen = pattern.len();
    let at = |i: usize| pattern.get(i).copied().unwrap_or(0);
    let eq = |a: u8, b: u8| if nocase { a.eq_ignore_ascii_case(&b) } else { a == b };
    match pattern[p] {
        b'?' => Some(p),
        b'[' => {
            let mut q = p + 1;
            let not = at(q) == b'^';
            if not {
                q += 1;
            }
            let mut hit = false;
            loop {
                let rem = plen - q.min(plen);
                if at(q) == b'\\' && rem >= 2 {
                    q += 1;
                    // Redis compares escaped class members case-sensitively even in nocase mode.
                    if pattern[q] == c {
                        hit = true;
                    }
                } else if at(q) == b']' {
                    break;
                } else if rem == 0 {
                    // Unclosed class: it ends at the pattern's last byte.
                    q -= 1;
                    break;
                } else if rem >= 3 && pattern[q + 1] == b'-' {
                    // C's `char` is signed, so bytes above 0x7f sort below ASCII in ranges.
                    let signed = |b: u8| {
                        let b = if nocase { b.to_ascii_lowercase() } else { b };
                        b as i8 as i32
                    };
                    let (mut lo, mut hi) = (signed(pattern[q]), signed(pattern[q + 2]));
                    if lo > hi {
                        std::mem::swap(&mut lo, &mut hi);
                    }
                    let cv = signed(c);
                    q += 2;
                    if cv >= lo && cv <= hi {
                        hit = true;
                    }
                } else if eq(pattern[q], c) {
                    hit = true;
                }
                q += 1;
            }
            if hit != not { Some(q) } else { None }
        }
        b'\\' if plen - p >= 2 => eq(pattern[p + 1], c).then_some(p + 1),
        other => eq(other, c).then_some(p),
    }
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    fn m(p: &str, s: &str) -> bool {
        glob_match(p.as_bytes(), s.as_bytes(), false)
    }
    fn mi(p: &str, s: &str) -> bool {
        glob_match(p.as_bytes(), s.as_bytes(), true)
    }

    #[test]
    fn literals_and_question_marks() {
        assert!(m("hello", "hello"));
        assert!(!m("hello", "hell"));
        assert!(!m("hell", "hello"));
        assert!(m("h?llo", "hallo"));
        assert!(!m("h?llo", "hllo"));
        assert!(m("???", "abc"));
        assert!(!m("???", "ab"));
        assert!(!m("?", ""));
        assert!(m("", ""));
        assert!(!m("", "a"));
        assert!(!m("a", ""));
    }

    #[test]
    fn stars() {
        assert!(m("*", "anything"));
        assert!(m("*", "x"));
        assert!(m("h*llo", "hllo"));
        assert!(m("h*llo", "heeeello"));
        assert!(m("a*", "a"));
        assert!(m("a**", "a"));
        assert!(m("*a", "a"));
        assert!(m("*a*", "bab"));
        assert!(!m("*a*", "bbb"));
        assert!(m("a*b*c", "aXbYc"));
        assert!(m("a*b*c", "abbbc"));
        assert!(!m("a*b*c", "acb"));
        assert!(m("*.txt", "file.txt"));
        assert!(!m("*.txt", "file.txt.bak"));
        assert!(m("a*a*a", "aaa"));
        assert!(m("*ab", "aab"));
        assert!(m("*aab", "aaab"));
        assert!(m("a*?", "ab"));
        assert!(!m("a*?", "a"));
        assert!(m("*?*", "z"));
        assert!(m("foo*bar", "foobarbar"));
    }

    #[test]
    fn star_never_matches_the_empty_string_on_its_own() {
        // Redis's loop never runs for an empty string, so only the empty pattern matches it;
        // KEYS and SCAN special-case a bare "*" before calling the matcher.
        assert!(!m("*", ""));
        assert!(!m("**", ""));
        assert!(m("", ""));
    }

    #[test]
    fn classes() {
        assert!(m("h[ae]llo", "hello"));
        assert!(m("h[ae]llo", "hallo"));
        assert!(!m("h[ae]llo", "hillo"));
        assert!(m("h[^e]llo", "hallo"));
        assert!(!m("h[^e]llo", "hello"));
        assert!(m("h[a-b]llo", "hbllo"));
        assert!(!m("h[a-b]llo", "hcllo"));
        assert!(m("[z-a]", "m"), "reversed ranges are swapped");
        assert!(m("[^a-c]", "d"));
        assert!(!m("[^a-c]", "b"));
        // "c-]" is a range from 'c' to ']', so a trailing dash is not a member (a Redis quirk).
        assert!(!m("[abc-]", "-"));
        assert!(m("[abc-]", "a"));
        assert!(m("[-a]", "-"));
        assert!(!m("[]", "]"), "']' right after '[' closes an empty class");
        // An empty class never matches, so nothing after it matters.
        for s in ["a", "]", "]a", "a]", ""] {
            assert!(!m("[]a]", s));
            assert!(!m("[]]", s));
        }
        assert!(m("[^]", "x"), "a negated empty class matches any byte");
        assert!(m("x[a-c-e]y", "xby"));
        assert!(m("[\\]]", "]"), "escaped ']' inside a class");
        assert!(m("[\\-]", "-"));
        assert!(m("[\\^a]", "^"));
        assert!(!m("[\\a]", "\\"));
    }

    #[test]
    fn range_reaching_the_closing_bracket() {
        // "[a-]" is the range 'a'..']' (0x61..0x5d, swapped), then the class is unclosed.
        assert!(m("[a-]", "_"));
        assert!(m("[a-]", "a"));
        assert!(m("[a-]", "]"));
        assert!(!m("[a-]", "b"));
        assert!(!m("[a-]", "Z"));
    }

    #[test]
    fn unclosed_classes() {
        assert!(!m("[", "a"));
        assert!(!m("[", "["));
        assert!(m("[^", "x"), "an unclosed negated empty class matches any byte");
        assert!(!m("[^", "xy"));
        assert!(m("[abc", "b"));
        assert!(!m("[abc", "d"));
        assert!(!m("[abc", "bz"), "the class swallows the rest of the pattern");
        assert!(m("a[bc", "ab"));
        assert!(m("[a\\", "\\"), "a trailing backslash inside a class is literal");
        assert!(m("[a\\", "a"));
        assert!(!m("[a\\", "b"));
        assert!(m("*[ab", "xxb"));
    }

    #[test]
    fn backslashes() {
        assert!(m("\\*", "*"));
        assert!(!m("\\*", "a"));
        assert!(m("\\?", "?"));
        assert!(!m("\\?", "x"));
        assert!(m("\\[a]", "[a]"));
        assert!(m("a\\\\b", "a\\b"));
        assert!(m("\\a", "a"));
        assert!(m("a\\", "a\\"), "a trailing backslash matches itself");
        assert!(!m("a\\", "a"));
        assert!(m("\\", "\\"));
        assert!(m("*\\*", "abc*"));
        assert!(!m("*\\*", "abc"));
    }

    #[test]
    fn nocase() {
        assert!(mi("HELLO", "hello"));
        assert!(mi("h?LLo", "HeLlO"));
        assert!(mi("[A-C]x", "bX"));
        assert!(mi("[a-c]", "B"));
        assert!(mi("[ABC]", "b"));
        assert!(!m("[ABC]", "b"));
        assert!(!m("HELLO", "hello"));
        assert!(mi("\\H", "h"));
        assert!(!mi("[\\H]", "h"), "escaped class members stay case-sensitive");
        assert!(mi("*WORLD", "hello world"));
    }

    #[test]
    fn binary_and_high_bytes() {
        assert!(glob_match(b"a\0b", b"a\0b", false));
        assert!(glob_match(b"a?b", b"a\0b", false));
        assert!(glob_match(b"*\xff", b"\x00\xff", false));
        assert!(glob_match(b"[\x80-\xff]", b"\x90", false));
        // Signed chars: 'a'..0xff is really -1..97, which holds 'A' but not 0x90.
        assert!(glob_match(b"[a-\xff]", b"A", false));
        assert!(!glob_match(b"[a-\xff]", b"\x90", false));
        assert!(!glob_match(b"[a-\xff]", b"b", false));
    }

    #[test]
    fn pathological_patterns_are_fast_and_stackless() {
        let s = "a".repeat(50_000);
        let mut p = "a*".repeat(20_000);
        p.push('b');
        let t = std::time::Instant::now();
        assert!(!m(&p, &s));
        assert!(t.elapsed().as_secs() < 5);
        let p2 = "*".repeat(100_000) + "a";
        assert!(m(&p2, &s));
        assert!(m(&"*a".repeat(1000), &"a".repeat(1000)));
        assert!(!m(&"*a".repeat(1001), &"a".repeat(1000)));
    }

    /// A direct port of the recursive C algorithm, to cross-check the iterative one.
    fn reference(p: &[u8], s: &[u8], nocase: bool, skip: &mut bool) -> bool {
        let at = |i: usize| p.get(i).copied().unwrap_or(0);
        let (mut pi, mut si) = (0usize, 0usize);
        while pi < p.len() && si < s.len() {
            if p[pi] == b'*' {
                while pi < p.len() && at(pi + 1) == b'*' {
                    pi += 1;
                }
                if p.len() - pi == 1 {
                    return true;
                }
                while si < s.len() {
                    if reference(&p[pi + 1..], &s[si..], nocase, skip) {
                        return true;
                    }
                    if *skip {
                        return false;
                    }
                    si += 1;
                }
                *skip = true;
                return false;
            }
            match super::match_one(p, pi, s[si], nocase) {
                Some(last) => pi = last + 1,
                None => return false,
            }
            si += 1;
            if si == s.len() {
                while at(pi) == b'*' {
                    pi += 1;
                }
                break;
            }
        }
        pi >= p.len() && si >= s.len()
    }

    #[test]
    fn agrees_with_the_recursive_algorithm() {
        let alphabet = b"ab*?[]^-\\";
        let strings: &[&[u8]] = &[b"", b"a", b"b", b"ab", b"ba", b"aab", b"abab", b"*", b"[", b"-", b"\\", b"a*b"];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 7) as usize;
            let pat: Vec<u8> =
                (0..len).map(|k| alphabet[((seed >> (8 + 5 * k)) % alphabet.len() as u64) as usize]).collect();
            for s in strings {
                let mut skip = false;
                assert_eq!(
                    glob_match(&pat, s, false),
                    reference(&pat, s, false, &mut skip),
                    "pattern {:?} string {:?}",
                    String::from_utf8_lossy(&pat),
                    String::from_utf8_lossy(s)
                );
            }
        }
    }
}
