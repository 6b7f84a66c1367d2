//! Placeholder configuration (replaced by the full config module).

#[derive(Clone, Debug)]
pub struct Config {
    pub port: u16,
    pub bind: Vec<String>,
    pub dir: String,
    pub dbfilename: String,
    pub replicaof: Option<(String, u16)>,
    pub databases: usize,
    pub loglevel: String,
    pub requirepass: String,
    pub maxclients: u64,
    pub tcp_backlog: u64,
    pub proto_max_bulk_len: u64,
    pub hz: u64,
    pub active_expire_enabled: bool,
    pub busy_spin_us: u64,
    pub unimplemented: Vec<String>,
}

impl Config {
    pub fn load(args: &[String]) -> Result<Config, String> {
        let mut c = Config {
            port: 6379,
            bind: vec!["127.0.0.1".into()],
            dir: ".".into(),
            dbfilename: "dump.rdb".into(),
            replicaof: None,
            databases: 16,
            loglevel: "notice".into(),
            requirepass: String::new(),
            maxclients: 10000,
            tcp_backlog: 511,
            proto_max_bulk_len: 512 * 1024 * 1024,
            hz: 10,
            active_expire_enabled: true,
            busy_spin_us: 50,
            unimplemented: vec![],
        };
        let mut i = 0;
        while i < args.len() {
            let v = args.get(i + 1).cloned().unwrap_or_default();
            match args[i].as_str() {
                "--port" => c.port = v.parse().map_err(|_| format!("bad port {v}"))?,
                "--requirepass" => c.requirepass = v,
                "--databases" => c.databases = v.parse().map_err(|_| "bad databases".to_string())?,
                _ => {}
            }
            i += 2;
        }
        Ok(c)
    }
}

// TEMPORARY stubs for CONFIG GET/SET (branch `srv`): the real config module replaces them at
// merge with the same signatures.
impl Config {
    fn stub_pairs(&self) -> Vec<(String, String)> {
        vec![
            ("port".into(), self.port.to_string()),
            ("bind".into(), self.bind.join(" ")),
            ("dir".into(), self.dir.clone()),
            ("dbfilename".into(), self.dbfilename.clone()),
            ("databases".into(), self.databases.to_string()),
            ("loglevel".into(), self.loglevel.clone()),
            ("requirepass".into(), self.requirepass.clone()),
            ("maxclients".into(), self.maxclients.to_string()),
            ("tcp-backlog".into(), self.tcp_backlog.to_string()),
            ("proto-max-bulk-len".into(), self.proto_max_bulk_len.to_string()),
            ("hz".into(), self.hz.to_string()),
            ("maxmemory".into(), "0".into()),
            ("save".into(), String::new()),
            ("appendonly".into(), "no".into()),
        ]
    }

    /// Parameters matching any of the glob `patterns` (case-insensitive), each once.
    pub fn get(&self, patterns: &[&[u8]]) -> Vec<(String, String)> {
        self.stub_pairs()
            .into_iter()
            .filter(|(name, _)| patterns.iter().any(|p| crate::commands::server::glob_match(p, name.as_bytes(), true)))
            .collect()
    }

    /// Apply all pairs or none; the error is the full reply text without '-'.
    pub fn set(&mut self, pairs: &[(&[u8], &[u8])]) -> Result<(), String> {
        let mut next = self.clone();
        for (i, (name, value)) in pairs.iter().enumerate() {
            let name = String::from_utf8_lossy(name).to_ascii_lowercase();
            if pairs[..i].iter().any(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes())) {
                return Err(format!(
                    "ERR CONFIG SET failed (possibly related to argument '{name}') - duplicate parameter"
                ));
            }
            let v = String::from_utf8_lossy(value).into_owned();
            let bad = || {
                format!(
                    "ERR CONFIG SET failed (possibly related to argument '{name}') - argument couldn't be parsed into an integer"
                )
            };
            match name.as_str() {
                "hz" => next.hz = v.parse().map_err(|_| bad())?,
                "maxclients" => next.maxclients = v.parse().map_err(|_| bad())?,
                "requirepass" => next.requirepass = v,
                "loglevel" => next.loglevel = v,
                "proto-max-bulk-len" => next.proto_max_bulk_len = v.parse().map_err(|_| bad())?,
                "maxmemory" | "save" | "appendonly" => {}
                _ => return Err(format!("ERR Unknown option or number of arguments for CONFIG SET - '{name}'")),
            }
        }
        *self = next;
        Ok(())
    }
}
