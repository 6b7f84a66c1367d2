//! Loading the configuration: the config file (with `include`), stdin and `--name value`
//! options, turned into config lines applied in order as redis-server does.

use super::*;

pub(super) fn fatal(linenum: Option<(usize, &[u8])>, err: &str) -> String {
    let mut s = format!("*** FATAL CONFIG FILE ERROR (Redis {REDIS_VERSION}) ***\n");
    if let Some((n, line)) = linenum {
        s.push_str(&format!("Reading the configuration file, at line {n}\n>>> '{}'\n", String::from_utf8_lossy(line)));
    }
    s.push_str(err);
    s
}

pub(super) fn read_config_file(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("Fatal error, can't open config file '{path}': {}", strerror(&e)))
}

/// Files matching a glob `include` pattern (wildcards in the last path
/// component only), sorted like glob(3).
pub(super) fn glob_files(pattern: &str) -> Vec<String> {
    let (dir, file_pat) = match pattern.rfind('/') {
        Some(i) => (&pattern[..i.max(1)], &pattern[i + 1..]),
        None => (".", pattern),
    };
    let prefix = match pattern.rfind('/') {
        Some(i) => &pattern[..=i],
        None => "",
    };
    let mut out: Vec<String> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.') && glob_match(file_pat.as_bytes(), n.as_bytes(), false))
            .map(|n| format!("{prefix}{n}"))
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

pub(super) struct Loader {
    pub(super) save_loaded: bool,
    pub(super) depth: usize,
    pub(super) unimplemented_seen: HashSet<String>,
}

impl Config {
    /// Builds the configuration like `redis-server` does from its command
    /// line (`args` excludes argv[0]): an optional config file (first
    /// argument not starting with '-'), optionally `-` to read config from
    /// stdin (first or last argument), then `--name value...` options, which
    /// are turned into config lines appended after the file, so they win.
    ///
    /// Errors are the full text Redis prints (without its leading newline),
    /// e.g. "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the
    /// configuration file, at line 2\n>>> 'port \"abc\"'\nargument couldn't
    /// be parsed into an integer".
    pub fn load(args: &[String]) -> Result<Config, String> {
        let mut cfg = Config::default();
        if args.is_empty() {
            return Ok(cfg);
        }
        if let Some((text, _)) = special_action(args) {
            return Err(text);
        }
        let mut j = 0;
        let mut text: Vec<u8> = Vec::new();
        if !args[0].starts_with('-') {
            let abs = std::path::absolute(&args[0])
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|_| args[0].clone());
            cfg.config_file = Some(abs);
            text = read_config_file(&args[0])?;
            j = 1;
        }
        let mut options: Vec<u8> = Vec::new();
        let mut from_stdin = false;
        let mut handled_last = true;
        let n = args.len();
        while j < n {
            let a = &args[j];
            if a == "-" && (j == 0 || j == n - 1) {
                from_stdin = true;
            } else if handled_last && a.starts_with("--") {
                if !options.is_empty() {
                    options.push(b'\n');
                }
                options.extend_from_slice(&a.as_bytes()[2..]);
                options.push(b' ');
                let argc = split_args(a.as_bytes()).map_or(0, |v| v.len());
                if argc == 1 {
                    handled_last = false;
                    let next_is_opt = j + 1 < n && args[j + 1].starts_with("--");
                    if a.eq_ignore_ascii_case("--save") && (next_is_opt || j == n - 1) {
                        options.extend_from_slice(b"\"\"");
                        handled_last = next_is_opt;
                    } else if a.eq_ignore_ascii_case("--sentinel") && next_is_opt {
                        handled_last = true;
                    }
                } else {
                    handled_last = true;
                }
            } else {
                options.extend_from_slice(repr(a.as_bytes()).as_bytes());
                options.push(b' ');
                handled_last = true;
            }
            j += 1;
        }
        if from_stdin {
            use std::io::Read;
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| format!("Error reading config from stdin: {}", strerror(&e)))?;
            text.extend_from_slice(&buf);
        }
        text.push(b'\n');
        text.extend_from_slice(&options);
        let mut loader = Loader { save_loaded: false, depth: 0, unimplemented_seen: HashSet::new() };
        cfg.load_string(&text, &mut loader)?;

        if !cfg.logfile.is_empty() {
            let opened = std::fs::OpenOptions::new().append(true).create(true).open(&cfg.logfile);
            if let Err(e) = opened {
                return Err(fatal(None, &format!("Can't open the log file: {}", strerror(&e))));
            }
        }
        if cfg.param_bool("cluster-enabled") == Some(true) && cfg.replicaof.is_some() {
            return Err(fatal(None, "replicaof directive not allowed in cluster mode"));
        }
        Ok(cfg)
    }

    /// Parses configuration text in redis.conf syntax on top of the current
    /// values (as if it were a config file). Errors as for [`Config::load`].
    pub fn load_from_str(&mut self, text: &str) -> Result<(), String> {
        let mut loader =
            Loader { save_loaded: false, depth: 0, unimplemented_seen: self.unimplemented.iter().cloned().collect() };
        self.load_string(text.as_bytes(), &mut loader)
    }

    fn note_unimplemented(&mut self, name: &str, loader: &mut Loader) {
        if !Config::is_implemented(name) && loader.unimplemented_seen.insert(name.to_string()) {
            self.unimplemented.push(name.to_string());
        }
    }

    fn load_string(&mut self, text: &[u8], loader: &mut Loader) -> Result<(), String> {
        for (i, raw) in text.split(|&c| c == b'\n').enumerate() {
            let linenum = i + 1;
            let line = trim_bytes(raw);
            if line.is_empty() || line[0] == b'#' {
                continue;
            }
            let err = |e: &str| fatal(Some((linenum, line)), e);
            let Some(argv) = split_args(line) else {
                return Err(err("Unbalanced quotes in configuration line"));
            };
            if argv.is_empty() {
                continue;
            }
            let argv: Vec<String> = argv.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect();
            let name = argv[0].to_ascii_lowercase();
            let argc = argv.len();

            if let Some((idx, _)) = lookup(name.as_bytes()) {
                let p = &PARAMS[idx];
                let multi = p.flags & MULTI_ARG != 0;
                if !multi && argc != 2 {
                    return Err(err("wrong number of arguments"));
                }
                let args: Vec<String> = if multi && argc == 2 && !argv[1].is_empty() {
                    split_args(argv[1].as_bytes())
                        .unwrap_or_default()
                        .iter()
                        .map(|a| String::from_utf8_lossy(a).into_owned())
                        .collect()
                } else {
                    argv[1..].to_vec()
                };
                self.set_loading(idx, &args, loader).map_err(|e| err(&e))?;
                self.note_unimplemented(p.name, loader);
                continue;
            }
            if DEPRECATED.iter().any(|(n, lo, hi)| *n == name && *lo <= argc && argc <= *hi) {
                continue;
            }
            match name.as_str() {
                "include" if argc == 2 => {
                    if loader.depth >= MAX_INCLUDE_DEPTH {
                        return Err(err("Too many nested includes"));
                    }
                    let path = &argv[1];
                    let files = if path.contains(['*', '?', '[']) { glob_files(path) } else { vec![path.clone()] };
                    let mut content = Vec::new();
                    for f in files {
                        content.extend_from_slice(&read_config_file(&f)?);
                    }
                    loader.depth += 1;
                    let r = self.load_string(&content, loader);
                    loader.depth -= 1;
                    r?;
                }
                "rename-command" if argc == 3 => self.note_unimplemented("rename-command", loader),
                "user" if argc >= 2 => self.note_unimplemented("user", loader),
                "loadmodule" if argc >= 2 => self.note_unimplemented("loadmodule", loader),
                _ if name.contains('.') => {
                    if argc < 2 {
                        return Err(err("Module config specified without value"));
                    }
                    self.note_unimplemented(&name, loader);
                }
                "sentinel" => {
                    if argc != 1 {
                        return Err(err("sentinel directive while not in sentinel mode"));
                    }
                }
                _ => return Err(err("Bad directive or wrong number of arguments")),
            }
        }
        Ok(())
    }

    /// Sets a parameter while reading a config file (save lines accumulate).
    fn set_loading(&mut self, idx: usize, args: &[String], loader: &mut Loader) -> Result<(), String> {
        let name = PARAMS[idx].name;
        let v = self.parse_value(idx, args)?;
        if name == "save" {
            let reset = args.len() == 1 && args[0].is_empty();
            if !loader.save_loaded || reset {
                loader.save_loaded = true;
                self.save.clear();
            }
            if !v.is_empty() {
                if !self.save.is_empty() {
                    self.save.push(' ');
                }
                self.save.push_str(&v);
            }
            return Ok(());
        }
        self.store(name, v);
        Ok(())
    }

    /// CONFIG GET: every parameter matching any of the glob patterns
    /// (case-insensitive), once each, aliases included. A pattern without
    /// glob characters is an exact (case-insensitive) name lookup and the
    /// reply uses the name as given; hidden parameters only match exactly.
    pub fn get(&self, patterns: &[&[u8]]) -> Vec<(String, String)> {
        let mut seen: HashSet<String> = HashSet::new();
        let mut out = Vec::new();
        for pat in patterns {
            if !pat.iter().any(|c| matches!(c, b'[' | b'*' | b'?')) {
                let key = String::from_utf8_lossy(pat).into_owned();
                if seen.contains(&key.to_ascii_lowercase()) {
                    continue;
                }
                if let Some((idx, _)) = lookup(pat) {
                    seen.insert(key.to_ascii_lowercase());
                    out.push((key, self.value(PARAMS[idx].name)));
                }
                continue;
            }
            for p in PARAMS {
                if p.flags & HIDDEN != 0 {
                    continue;
                }
                for n in std::iter::once(p.name).chain(p.alias) {
                    if !seen.contains(n) && glob_match(pat, n.as_bytes(), true) {
                        seen.insert(n.to_string());
                        out.push((n.to_string(), self.value(p.name)));
                    }
                }
            }
        }
        out
    }

    /// CONFIG SET with one or more (parameter, value) pairs, all or nothing.
    /// The client is treated as non-local for protected configs (`dir`,
    /// `dbfilename`), see [`Config::set_from_client`]. Errors are Redis's
    /// texts without the leading '-', e.g. "ERR Unknown option or number of
    /// arguments for CONFIG SET - 'foo'".
    pub fn set(&mut self, pairs: &[(&[u8], &[u8])]) -> Result<(), String> {
        self.set_from_client(pairs, false)
    }

    /// Like [`Config::set`]; `client_is_local` decides whether protected
    /// configs may be set when `enable-protected-configs` is `local`.
    pub fn set_from_client(&mut self, pairs: &[(&[u8], &[u8])], client_is_local: bool) -> Result<(), String> {
        let protected_ok = match self.value("enable-protected-configs").as_str() {
            "yes" => true,
            "local" => client_is_local,
            _ => false,
        };
        let mut invalid_arg_name: Option<String> = None;
        let mut errstr: Option<String> = None;
        let mut err_arg_name = String::new();
        let mut invalid = false;
        let mut chosen: Vec<(usize, bool, String)> = Vec::new();
        for (name, value) in pairs {
            let Some((idx, alias)) = lookup(name) else {
                if !invalid {
                    invalid_arg_name = Some(String::from_utf8_lossy(name).into_owned());
                    invalid = true;
                }
                continue;
            };
            if invalid {
                continue;
            }
            let p = &PARAMS[idx];
            if p.flags & IMMUTABLE != 0 || (p.flags & PROTECTED != 0 && !protected_ok) {
                errstr = Some(
                    if p.flags & IMMUTABLE != 0 { "can't set immutable config" } else { "can't set protected config" }
                        .into(),
                );
                err_arg_name = String::from_utf8_lossy(name).into_owned();
                invalid = true;
                continue;
            }
            if chosen.iter().any(|(i, a, _)| *i == idx && *a == alias) {
                errstr = Some("duplicate parameter".into());
                err_arg_name = String::from_utf8_lossy(name).into_owned();
                invalid = true;
            }
            chosen.push((idx, alias, String::from_utf8_lossy(value).into_owned()));
        }
        if !invalid {
            let mut next = self.clone();
            for (idx, alias, value) in &chosen {
                let p = &PARAMS[*idx];
                let args: Vec<String> = if p.flags & MULTI_ARG != 0 {
                    if value.is_empty() { Vec::new() } else { value.split(' ').map(String::from).collect() }
                } else {
                    vec![value.clone()]
                };
                match next.parse_value(*idx, &args) {
                    Ok(v) => next.store(p.name, v),
                    Err(e) => {
                        errstr = Some(e);
                        err_arg_name = entry_name(*idx, *alias).to_string();
                        invalid = true;
                        break;
                    }
                }
            }
            if !invalid {
                *self = next;
                return Ok(());
            }
        }
        if let Some(n) = invalid_arg_name {
            Err(format!("ERR Unknown option or number of arguments for CONFIG SET - '{n}'"))
        } else if let Some(e) = errstr {
            Err(format!("ERR CONFIG SET failed (possibly related to argument '{err_arg_name}') - {e}"))
        } else {
            Err(format!("ERR CONFIG SET failed (possibly related to argument '{err_arg_name}')"))
        }
    }

    /// Is the parameter (name or alias) sensitive (its value should be
    /// redacted from logs / slowlog / MONITOR)?
    pub fn is_sensitive(name: &[u8]) -> bool {
        lookup(name).is_some_and(|(i, _)| PARAMS[i].flags & SENSITIVE != 0)
    }

    /// Canonical name of a parameter given its name or alias.
    pub fn canonical_name(name: &[u8]) -> Option<&'static str> {
        lookup(name).map(|(i, _)| PARAMS[i].name)
    }
}

pub(super) fn trim_bytes(b: &[u8]) -> &[u8] {
    let is_trim = |c: &u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let start = b.iter().position(|c| !is_trim(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !is_trim(c)).map_or(start, |e| e + 1);
    &b[start..end]
}
