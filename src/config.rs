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
