//! Configuration: a TOML file plus a few environment overrides.
//!
//! `WARREN_CONFIG` names the file (default `warren.toml` in the working directory, if present);
//! `WARREN_LISTEN` and `WARREN_DATA_DIR` override the file. With no file at all Warren watches one
//! cluster, `local`, at `http://127.0.0.1:15672` as guest/guest.
//!
//! - `mod.rs`: `Config`, loading it (file, environment) and the errors
//! - `clusters.rs`: `[[cluster]]`: `ClusterConfig`, `TlsConfig`, `PrometheusConfig`
//! - `auth.rs`: `[auth]` and `[audit]`: `AuthConfig` (sessions, trusted proxies), `AuditConfig`
//! - `timeseries.rs`: `[history]`: `HistoryConfig`, how long the backlog time series is kept
//! - `secret.rs`: `Secret`, which never prints

pub mod auth;
pub mod clusters;
pub mod secret;
pub mod timeseries;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use auth::{AuditConfig, AuthConfig, FileAudit, FileAuth};
use clusters::{local_default, resolve_cluster, ClusterConfig, FileCluster};
use timeseries::{FileHistory, HistoryConfig};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("config file {path} is invalid: {reason}")]
    Parse { path: PathBuf, reason: String },
    #[error("{0}")]
    Invalid(String),
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `None`: the address cargo-leptos or `LEPTOS_SITE_ADDR` gives (127.0.0.1:3000 by default).
    pub listen: Option<SocketAddr>,
    pub data_dir: PathBuf,
    pub clusters: Vec<ClusterConfig>,
    pub auth: AuthConfig,
    pub history: HistoryConfig,
    pub audit: AuditConfig,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    #[serde(default, rename = "cluster")]
    clusters: Vec<FileCluster>,
    #[serde(default)]
    auth: FileAuth,
    #[serde(default)]
    history: FileHistory,
    #[serde(default)]
    audit: FileAudit,
}

pub const DEFAULT_CONFIG_FILE: &str = "warren.toml";

impl Config {
    /// Loads from the process environment and the file it names.
    pub fn load() -> Result<Self, ConfigError> {
        Self::load_with(|key| std::env::var(key).ok())
    }

    /// Loads with `env` standing in for the environment, so tests need not touch the process's.
    pub fn load_with(env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let file = match env("WARREN_CONFIG") {
            Some(path) => Some(read_file(Path::new(&path))?),
            None if Path::new(DEFAULT_CONFIG_FILE).exists() => Some(read_file(Path::new(DEFAULT_CONFIG_FILE))?),
            None => None,
        };
        let file = file.unwrap_or_default();
        let listen = match env("WARREN_LISTEN") {
            Some(addr) => Some(addr.parse().map_err(|e| ConfigError::Invalid(format!("WARREN_LISTEN={addr:?}: {e}")))?),
            None => file.listen,
        };
        let data_dir =
            env("WARREN_DATA_DIR").map(PathBuf::from).or(file.data_dir).unwrap_or_else(|| PathBuf::from("data"));
        let clusters = if file.clusters.is_empty() {
            vec![local_default()]
        } else {
            file.clusters.into_iter().map(|c| resolve_cluster(c, &env)).collect::<Result<_, _>>()?
        };
        let mut names: Vec<&str> = clusters.iter().map(|c| c.name.as_str()).collect();
        names.sort_unstable();
        if let Some(pair) = names.windows(2).find(|w| w[0] == w[1]) {
            return Err(ConfigError::Invalid(format!("cluster name {:?} is used twice", pair[0])));
        }
        let auth = file.auth.resolve()?;
        let history = file.history.resolve()?;
        let audit = file.audit.resolve()?;
        Ok(Config { listen, data_dir, clusters, auth, history, audit })
    }
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.into(), source })?;
    // toml's own message quotes the offending line, which may hold a password: keep only the
    // message and the line number.
    toml::from_str(&text).map_err(|e| {
        let line = e.span().map(|span| text[..span.start].matches('\n').count() + 1);
        let reason = match line {
            Some(line) => format!("line {line}: {}", e.message()),
            None => e.message().to_string(),
        };
        ConfigError::Parse { path: path.into(), reason }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::time::Duration;

    pub(super) fn load(toml: &str, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let dir = std::env::temp_dir().join(format!("warren-config-{}-{}", std::process::id(), rand_suffix()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("warren.toml");
        std::fs::write(&path, toml).unwrap();
        let mut vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        vars.insert("WARREN_CONFIG".into(), path.display().to_string());
        let result = Config::load_with(|k| vars.get(k).cloned());
        std::fs::remove_dir_all(&dir).unwrap();
        result
    }

    pub(super) fn rand_suffix() -> u128 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    }

    #[test]
    fn no_file_means_local_guest() {
        let config = Config::load_with(|_| None).unwrap();
        assert_eq!(config.clusters.len(), 1);
        let local = &config.clusters[0];
        assert_eq!(local.name, "local");
        assert_eq!(local.urls[0].as_str(), "http://127.0.0.1:15672/");
        assert_eq!((local.username.as_str(), local.password.expose()), ("guest", "guest"));
        assert_eq!(config.listen, None);
    }

    #[test]
    fn full_file_with_env_overrides() {
        let config = load(
            r#"
            listen = "0.0.0.0:8080"
            data_dir = "/var/lib/warren"
            [[cluster]]
            name = "prod-eu"
            urls = ["http://n1:15672", "https://n2:15671/rabbitmq"]
            username = "warren"
            password_env = "PROD_PW"
            timeout_secs = 2.5
            refresh_interval_secs = 10
            ordered_queues = '^orders\.'
            [cluster.tls]
            insecure_skip_verify = true
            [cluster.prometheus]
            url = "http://prom:9090"
            selector = ', job="rabbitmq-prod", '
            [[cluster]]
            name = "lab"
            urls = ["http://lab:15672/"]
            username = "guest"
            password = "guest"
            "#,
            &[("PROD_PW", "s3cret"), ("WARREN_LISTEN", "127.0.0.1:4000")],
        )
        .unwrap();
        assert_eq!(config.listen, Some("127.0.0.1:4000".parse().unwrap()));
        assert_eq!(config.data_dir, PathBuf::from("/var/lib/warren"));
        let prod = &config.clusters[0];
        assert_eq!(prod.urls[1].as_str(), "https://n2:15671/rabbitmq/");
        assert_eq!(prod.password.expose(), "s3cret");
        assert_eq!(prod.timeout, Duration::from_millis(2500));
        assert_eq!(prod.refresh_interval, Duration::from_secs(10));
        assert_eq!(config.clusters[1].refresh_interval, Duration::from_secs(5));
        assert!(prod.tls.insecure_skip_verify);
        assert_eq!(config.clusters[1].connect_timeout, Duration::from_secs(2));
        let prometheus = prod.prometheus.as_ref().unwrap();
        assert_eq!(
            (prometheus.url.as_str(), prometheus.selector.as_str()),
            ("http://prom:9090/", r#"job="rabbitmq-prod""#)
        );
        assert_eq!(prometheus.scrape_interval, Duration::from_secs(15));
        assert_eq!(config.clusters[1].prometheus, None);
        let ordered = prod.ordered_queues.as_ref().unwrap();
        assert!(ordered.is_match("orders.eu") && !ordered.is_match("ordersX"));
        assert!(config.clusters[1].ordered_queues.is_none());
        let braces = "[[cluster]]\nname = \"a\"\nurls = [\"http://h:15672\"]\nusername = \"u\"\npassword = \"p\"\n\
                      [cluster.prometheus]\nurl = \"http://prom:9090\"\nselector = '{job=\"x\"}'\n";
        assert!(load(braces, &[]).unwrap_err().to_string().contains("without braces"));
    }

    #[test]
    fn parse_errors_do_not_echo_the_line() {
        // A typo next to a password, or an unclosed quote, must not print the password.
        for bad in ["[[cluster]]\nname = \"a\"\npasswrod = \"hunter2\"\n", "[[cluster]]\npassword = \"hunter2\n"] {
            let err = load(bad, &[]).unwrap_err().to_string();
            assert!(!err.contains("hunter2") && err.contains("line"), "{err}");
        }
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        let cases = [
            ("[[cluster]]\nname = \"a\"\nurls = [\"http://u:p@h:15672\"]\nusername = \"u\"\npassword = \"p\"\n", "not in the URL"),
            ("[[cluster]]\nname = \"a\"\nurls = []\nusername = \"u\"\npassword = \"p\"\n", "at least one URL"),
            ("[[cluster]]\nname = \"a/b\"\nurls = [\"http://h\"]\nusername = \"u\"\npassword = \"p\"\n", "name must be"),
            ("[[cluster]]\nname = \"a\"\nurls = [\"http://h\"]\nusername = \"u\"\n", "exactly one of"),
            ("[[cluster]]\nname = \"a\"\nurls = [\"http://h\"]\nusername = \"u\"\npassword_env = \"NOPE\"\n", "NOPE is not set"),
            ("[[cluster]]\nname = \"a\"\nurls = [\"ftp://h\"]\nusername = \"u\"\npassword = \"p\"\n", "only http"),
            ("[[cluster]]\nname = \"a\"\nurls = [\"http://h\"]\nusername = \"u\"\npassword = \"p\"\ntimeout_secs = -1\n", "timeout_secs"),
            ("[[cluster]]\nname = \"a\"\nurls = [\"http://h\"]\nusername = \"u\"\npassword = \"p\"\nrefresh_interval_secs = 0.2\n", "refresh_interval_secs"),
            ("[[cluster]]\nname = \"a\"\nurls = [\"http://h\"]\nusername = \"u\"\npassword = \"p\"\n[[cluster]]\nname = \"a\"\nurls = [\"http://h\"]\nusername = \"u\"\npassword = \"p\"\n", "used twice"),
            ("lisen = \"1.2.3.4:5\"\n", "unknown field"),
            ("[[cluster]]\nname = \".\"\nurls = [\"http://h\"]\nusername = \"u\"\npassword = \"p\"\n", "must not be \".\""),
            ("[[cluster]]\nname = \"..\"\nurls = [\"http://h\"]\nusername = \"u\"\npassword = \"p\"\n", "must not be \".\""),
            ("[auth]\ntrusted_proxies = [\"10.0.0.1\", \"proxy.local\"]\n", "\"proxy.local\""),
            ("[auth]\ntrusted_proxies = [\"10.0.0.0/33\"]\n", "\"10.0.0.0/33\""),
            ("[auth]\nlive_streams_per_identity = 0\n", "live_streams_per_identity must be between 1 and 10000"),
            ("[auth]\nlive_streams_total = 100001\n", "live_streams_total must be between 1 and 100000"),
            ("[audit]\nretention_days = 0\n", "audit.retention_days must be between 1 and 3650"),
            ("[audit]\nretention_days = 3651\n", "audit.retention_days"),
            ("[audit]\nmax_rows = 999\n", "audit.max_rows must be between 1000 and 100000000"),
            ("[audit]\nretention = 30\n", "unknown field"),
            ("[[cluster]]\nname = \"a\"\nurls = [\"http://h\"]\nusername = \"u\"\npassword = \"p\"\nordered_queues = \"(\"\n", "ordered_queues is not a valid pattern"),
        ];
        for (toml, expected) in cases {
            let err = load(toml, &[]).expect_err(toml).to_string();
            assert!(err.contains(expected), "{toml:?}: {err}");
        }
    }
}
