//! Configuration: a TOML file plus a few environment overrides.
//!
//! `WARREN_CONFIG` names the file (default `warren.toml` in the working directory, if present);
//! `WARREN_LISTEN` and `WARREN_DATA_DIR` override the file. With no file at all Warren watches one
//! cluster, `local`, at `http://127.0.0.1:15672` as guest/guest.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use ipnet::IpNet;
use serde::Deserialize;

use url::Url;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("config file {path} is invalid: {reason}")]
    Parse { path: PathBuf, reason: String },
    #[error("{0}")]
    Invalid(String),
}

/// A secret that never shows up in `Debug` output, logs or error messages.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
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

/// How long the audit log is kept (`[audit]` in the file); pruned every few minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditConfig {
    /// Entries older than this many days are deleted; 1 to 3650.
    pub retention_days: u32,
    /// At most this many entries are kept, the newest; 1,000 to 100,000,000.
    pub max_rows: u64,
}

impl AuditConfig {
    pub const RETENTION_DAYS: std::ops::RangeInclusive<u32> = 1..=3650;
    pub const MAX_ROWS: std::ops::RangeInclusive<u64> = 1_000..=100_000_000;
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig { retention_days: 365, max_rows: 1_000_000 }
    }
}

/// How long the recorded backlog history is kept (`[history]`).
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryConfig {
    /// How long every sample is kept.
    pub fine_retention: Duration,
    /// How long the one-minute points are kept.
    pub coarse_retention: Duration,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        HistoryConfig { fine_retention: Duration::from_secs(3600), coarse_retention: Duration::from_secs(7 * 86400) }
    }
}

/// Sessions and sign-in limits (`[auth]` in the file).
#[derive(Debug, Clone, PartialEq)]
pub struct AuthConfig {
    /// A session unused this long ends.
    pub session_idle: Duration,
    /// A session ends this long after sign-in, used or not.
    pub session_max: Duration,
    /// `None`: cookies are Secure when the request came over TLS (as a proxy's
    /// `X-Forwarded-Proto: https` says); `Some` forces it either way.
    pub secure_cookies: Option<bool>,
    pub failure_window: Duration,
    pub failures_per_account: usize,
    pub failures_per_address: usize,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Reverse proxies whose `X-Forwarded-For` is believed (see `client_address`); empty: none,
    /// the connection's own address is the client's.
    pub trusted_proxies: Vec<IpNet>,
    /// Live streams (server-sent events) one identity may hold open at once.
    pub live_streams_per_identity: usize,
    /// Live streams the whole server holds open at once.
    pub live_streams_total: usize,
}

impl AuthConfig {
    pub const LIVE_STREAMS_PER_IDENTITY: std::ops::RangeInclusive<usize> = 1..=10_000;
    pub const LIVE_STREAMS_TOTAL: std::ops::RangeInclusive<usize> = 1..=100_000;

    /// True when `addr` is one of the trusted proxies.
    pub fn is_trusted_proxy(&self, addr: IpAddr) -> bool {
        let addr = addr.to_canonical();
        self.trusted_proxies.iter().any(|net| net.contains(&addr))
    }

    /// The client's address: `peer` (the connection's other end) unless `peer` is a trusted
    /// proxy that sent `X-Forwarded-For` (several headers joined with `,`). Then its addresses
    /// are walked from the right, each appended by the proxy in front of the previous one, past
    /// the trusted proxies; the first untrusted one is the client. Addresses left of it were
    /// written by the client itself and are never believed. An entry that is not an address
    /// stops the walk at the last trusted one examined.
    pub fn client_address(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        let peer = peer.to_canonical();
        let Some(forwarded_for) = forwarded_for else { return peer };
        if !self.is_trusted_proxy(peer) {
            return peer;
        }
        let mut last = peer;
        for entry in forwarded_for.rsplit(',') {
            let Some(addr) = parse_forwarded_address(entry) else { return last };
            if !self.is_trusted_proxy(addr) {
                return addr;
            }
            last = addr;
        }
        last
    }
}

/// One `X-Forwarded-For` entry: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]` or
/// `[2001:db8::1]:5678`.
fn parse_forwarded_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let addr = entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| entry.strip_prefix('[')?.strip_suffix(']')?.parse::<IpAddr>().ok())?;
    Some(addr.to_canonical())
}

/// A `trusted_proxies` entry: a network (`10.0.0.0/8`) or one address (a /32 or /128).
fn parse_trusted_proxy(entry: &str) -> Result<IpNet, ConfigError> {
    let text = entry.trim();
    let net = if text.contains('/') {
        text.parse::<IpNet>().ok().map(|net| net.trunc())
    } else {
        text.parse::<IpAddr>().ok().map(|addr| IpNet::from(addr.to_canonical()))
    };
    net.ok_or_else(|| {
        ConfigError::Invalid(format!(
            "auth.trusted_proxies: {entry:?} is neither an IP address nor a network like 10.0.0.0/8"
        ))
    })
}

impl Default for AuthConfig {
    fn default() -> Self {
        // Idle 8 h like the management UI's own session timeout; a working day at most.
        AuthConfig {
            session_idle: Duration::from_secs(8 * 3600),
            session_max: Duration::from_secs(12 * 3600),
            secure_cookies: None,
            failure_window: Duration::from_secs(15 * 60),
            failures_per_account: 5,
            failures_per_address: 20,
            body_limit: 1 << 20,
            trusted_proxies: Vec::new(),
            live_streams_per_identity: 32,
            live_streams_total: 2048,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ClusterConfig {
    pub name: String,
    /// Management API base URLs, one per node, each ending in `/`.
    pub urls: Vec<Url>,
    pub username: String,
    pub password: Secret,
    /// For requests about one object (a queue's consumers and samples).
    pub timeout: Duration,
    /// For the poller's whole-cluster lists, which take seconds at tens of thousands of queues.
    pub list_timeout: Duration,
    pub connect_timeout: Duration,
    /// How often the poller refreshes the cluster's snapshot.
    pub refresh_interval: Duration,
    pub tls: TlsConfig,
    /// Lets this cluster's RabbitMQ users sign in to Warren with their own credentials.
    pub broker_sign_in: bool,
    /// Where charts read long history instead of Warren's own store.
    pub prometheus: Option<PrometheusConfig>,
}

/// `[cluster.prometheus]`: a Prometheus that scrapes this cluster's `rabbitmq_prometheus`
/// plugin at `/metrics/detailed` (queue_coarse_metrics, queue_consumer_count,
/// channel_queue_metrics, channel_queue_exchange_metrics).
#[derive(Debug, Clone, PartialEq)]
pub struct PrometheusConfig {
    /// The Prometheus server, ending in `/`.
    pub url: Url,
    /// Label matchers that pick this cluster's targets, e.g. `job="rabbitmq-prod"`; empty when
    /// the Prometheus scrapes only this cluster.
    pub selector: String,
    /// Prometheus' scrape interval for the broker: the finest step a chart asks for.
    pub scrape_interval: Duration,
    pub timeout: Duration,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FilePrometheus {
    url: String,
    #[serde(default)]
    selector: String,
    #[serde(default = "default_scrape_interval_secs")]
    scrape_interval_secs: u64,
    #[serde(default = "default_timeout_secs")]
    timeout_secs: f64,
}

fn default_scrape_interval_secs() -> u64 {
    15
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// PEM file with extra CA certificates, added to the system roots.
    pub ca_file: Option<PathBuf>,
    /// Skips certificate checks. Only for lab brokers with self-signed certificates.
    #[serde(default)]
    pub insecure_skip_verify: bool,
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

/// `[audit]`: how long the audit log is kept.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileAudit {
    retention_days: Option<u32>,
    max_rows: Option<u64>,
}

impl FileAudit {
    fn resolve(self) -> Result<AuditConfig, ConfigError> {
        let d = AuditConfig::default();
        let retention_days = match self.retention_days {
            None => d.retention_days,
            Some(v) if AuditConfig::RETENTION_DAYS.contains(&v) => v,
            Some(_) => {
                return Err(ConfigError::Invalid(format!(
                    "audit.retention_days must be between {} and {}",
                    AuditConfig::RETENTION_DAYS.start(),
                    AuditConfig::RETENTION_DAYS.end()
                )))
            }
        };
        let max_rows = match self.max_rows {
            None => d.max_rows,
            Some(v) if AuditConfig::MAX_ROWS.contains(&v) => v,
            Some(_) => {
                return Err(ConfigError::Invalid(format!(
                    "audit.max_rows must be between {} and {}",
                    AuditConfig::MAX_ROWS.start(),
                    AuditConfig::MAX_ROWS.end()
                )))
            }
        };
        Ok(AuditConfig { retention_days, max_rows })
    }
}

/// `[history]`: how long the recorded backlog history is kept.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileHistory {
    /// Every sample (one per refresh); default 60.
    fine_retention_minutes: Option<f64>,
    /// One-minute points (min, max, last); default 7.
    coarse_retention_days: Option<f64>,
}

impl FileHistory {
    fn resolve(self) -> Result<HistoryConfig, ConfigError> {
        let d = HistoryConfig::default();
        let span = |value: Option<f64>, unit: f64, key: &str, (min, max): (f64, f64), default: Duration| match value {
            None => Ok(default),
            Some(v) if v.is_finite() && v * unit >= min && v * unit <= max => Ok(Duration::from_secs_f64(v * unit)),
            Some(_) => Err(ConfigError::Invalid(format!("history.{key} is out of range"))),
        };
        let fine =
            span(self.fine_retention_minutes, 60.0, "fine_retention_minutes", (600.0, 86400.0), d.fine_retention)?;
        let coarse = span(
            self.coarse_retention_days,
            86400.0,
            "coarse_retention_days",
            (3600.0, 400.0 * 86400.0),
            d.coarse_retention,
        )?;
        if coarse < fine {
            return Err(ConfigError::Invalid("history: the coarse retention is shorter than the fine one".into()));
        }
        Ok(HistoryConfig { fine_retention: fine, coarse_retention: coarse })
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileAuth {
    session_idle_minutes: Option<f64>,
    session_max_hours: Option<f64>,
    secure_cookies: Option<bool>,
    sign_in_failure_window_minutes: Option<f64>,
    sign_in_failures_per_account: Option<usize>,
    sign_in_failures_per_address: Option<usize>,
    body_limit_kib: Option<usize>,
    trusted_proxies: Option<Vec<String>>,
    live_streams_per_identity: Option<usize>,
    live_streams_total: Option<usize>,
}

impl FileAuth {
    fn resolve(self) -> Result<AuthConfig, ConfigError> {
        let d = AuthConfig::default();
        let span = |value: Option<f64>, unit: f64, key: &str, default: Duration| match value {
            None => Ok(default),
            Some(v) if v.is_finite() && v > 0.0 && v * unit <= 366.0 * 86400.0 => Ok(Duration::from_secs_f64(v * unit)),
            Some(_) => Err(ConfigError::Invalid(format!("auth.{key} must be positive and at most a year"))),
        };
        let count = |value: Option<usize>, key: &str, default: usize| match value {
            None => Ok(default),
            Some(v) if v >= 1 => Ok(v),
            Some(_) => Err(ConfigError::Invalid(format!("auth.{key} must be at least 1"))),
        };
        let bounded =
            |value: Option<usize>, key: &str, range: std::ops::RangeInclusive<usize>, default: usize| match value {
                None => Ok(default),
                Some(v) if range.contains(&v) => Ok(v),
                Some(_) => Err(ConfigError::Invalid(format!(
                    "auth.{key} must be between {} and {}",
                    range.start(),
                    range.end()
                ))),
            };
        let trusted_proxies: Vec<IpNet> = match &self.trusted_proxies {
            None => Vec::new(),
            Some(entries) => entries.iter().map(|e| parse_trusted_proxy(e)).collect::<Result<_, _>>()?,
        };
        Ok(AuthConfig {
            session_idle: span(self.session_idle_minutes, 60.0, "session_idle_minutes", d.session_idle)?,
            session_max: span(self.session_max_hours, 3600.0, "session_max_hours", d.session_max)?,
            secure_cookies: self.secure_cookies,
            failure_window: span(
                self.sign_in_failure_window_minutes,
                60.0,
                "sign_in_failure_window_minutes",
                d.failure_window,
            )?,
            failures_per_account: count(
                self.sign_in_failures_per_account,
                "sign_in_failures_per_account",
                d.failures_per_account,
            )?,
            failures_per_address: count(
                self.sign_in_failures_per_address,
                "sign_in_failures_per_address",
                d.failures_per_address,
            )?,
            body_limit: count(self.body_limit_kib, "body_limit_kib", d.body_limit / 1024)? * 1024,
            trusted_proxies,
            live_streams_per_identity: bounded(
                self.live_streams_per_identity,
                "live_streams_per_identity",
                AuthConfig::LIVE_STREAMS_PER_IDENTITY,
                d.live_streams_per_identity,
            )?,
            live_streams_total: bounded(
                self.live_streams_total,
                "live_streams_total",
                AuthConfig::LIVE_STREAMS_TOTAL,
                d.live_streams_total,
            )?,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCluster {
    name: String,
    urls: Vec<String>,
    username: String,
    password: Option<String>,
    password_env: Option<String>,
    password_file: Option<PathBuf>,
    #[serde(default = "default_timeout_secs")]
    timeout_secs: f64,
    #[serde(default = "default_connect_timeout_secs")]
    connect_timeout_secs: f64,
    #[serde(default = "default_list_timeout_secs")]
    list_timeout_secs: f64,
    #[serde(default = "default_refresh_interval_secs")]
    refresh_interval_secs: f64,
    #[serde(default)]
    tls: TlsConfig,
    #[serde(default)]
    broker_sign_in: bool,
    prometheus: Option<FilePrometheus>,
}

fn default_timeout_secs() -> f64 {
    5.0
}
fn default_connect_timeout_secs() -> f64 {
    2.0
}
fn default_list_timeout_secs() -> f64 {
    60.0
}
fn default_refresh_interval_secs() -> f64 {
    5.0
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

fn local_default() -> ClusterConfig {
    ClusterConfig {
        name: "local".into(),
        urls: vec![Url::parse("http://127.0.0.1:15672/").expect("a valid URL")],
        username: "guest".into(),
        password: Secret::new("guest"),
        timeout: Duration::from_secs_f64(default_timeout_secs()),
        list_timeout: Duration::from_secs_f64(default_list_timeout_secs()),
        connect_timeout: Duration::from_secs_f64(default_connect_timeout_secs()),
        refresh_interval: Duration::from_secs_f64(default_refresh_interval_secs()),
        tls: TlsConfig::default(),
        broker_sign_in: false,
        prometheus: None,
    }
}

fn resolve_cluster(c: FileCluster, env: &impl Fn(&str) -> Option<String>) -> Result<ClusterConfig, ConfigError> {
    let invalid = |what: String| ConfigError::Invalid(format!("cluster {:?}: {what}", c.name));
    if c.name == "." || c.name == ".." {
        // `/c/../queues` would be a dot segment: browsers and proxies fold it away.
        return Err(invalid("name must not be \".\" or \"..\", which URLs would treat as a path step".into()));
    }
    let name_ok = c.name.chars().next().is_some_and(|ch| ch.is_ascii_alphanumeric())
        && c.name.chars().all(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(ch));
    if !name_ok {
        return Err(invalid(
            "name must be ASCII letters, digits, '-', '_' or '.', starting with a letter or digit".into(),
        ));
    }
    if c.urls.is_empty() {
        return Err(invalid("needs at least one URL in `urls`".into()));
    }
    let urls = c.urls.iter().map(|u| parse_node_url(u).map_err(&invalid)).collect::<Result<Vec<_>, _>>()?;
    let password = match (&c.password, &c.password_env, &c.password_file) {
        (Some(p), None, None) => Secret::new(p.clone()),
        (None, Some(var), None) => {
            Secret::new(env(var).ok_or_else(|| invalid(format!("environment variable {var} is not set")))?)
        }
        (None, None, Some(path)) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| invalid(format!("cannot read password_file {}: {e}", path.display())))?;
            Secret::new(text.trim_end_matches(['\r', '\n']))
        }
        _ => return Err(invalid("set exactly one of password, password_env, password_file".into())),
    };
    let seconds = |value: f64, key: &str, min: f64, max: f64| {
        (value.is_finite() && value >= min && value <= max)
            .then(|| Duration::from_secs_f64(value))
            .ok_or_else(|| invalid(format!("{key} must be between {min} and {max} seconds")))
    };
    let prometheus = match c.prometheus {
        None => None,
        Some(p) => Some(PrometheusConfig {
            url: parse_node_url(&p.url).map_err(|e| invalid(format!("prometheus: {e}")))?,
            // Matchers go inside `{…}` of every query: a brace would end them early.
            selector: if p.selector.contains(['{', '}']) {
                return Err(invalid(
                    "prometheus.selector is label matchers without braces, like job=\"rabbitmq\"".into(),
                ));
            } else {
                p.selector.trim().trim_matches(',').trim().to_string()
            },
            // Whole seconds: Prometheus durations in the queries are written in seconds.
            scrape_interval: seconds(p.scrape_interval_secs as f64, "prometheus.scrape_interval_secs", 1.0, 3600.0)?,
            timeout: seconds(p.timeout_secs, "prometheus.timeout_secs", 0.1, 300.0)?,
        }),
    };
    Ok(ClusterConfig {
        prometheus,
        timeout: seconds(c.timeout_secs, "timeout_secs", 0.1, 300.0)?,
        list_timeout: seconds(c.list_timeout_secs, "list_timeout_secs", 0.1, 600.0)?,
        connect_timeout: seconds(c.connect_timeout_secs, "connect_timeout_secs", 0.1, 300.0)?,
        // Below a second the broker's own stats (5 s samples) would not move between refreshes.
        refresh_interval: seconds(c.refresh_interval_secs, "refresh_interval_secs", 1.0, 3600.0)?,
        name: c.name,
        urls,
        username: c.username,
        password,
        tls: c.tls,
        broker_sign_in: c.broker_sign_in,
    })
}

/// A node's management base URL. Credentials belong in `username`/`password`, never in the URL,
/// where they would end up in logs.
fn parse_node_url(text: &str) -> Result<Url, String> {
    let mut url = Url::parse(text).map_err(|e| format!("URL {text:?}: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("URL {text:?}: only http and https are supported"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "URL {}: put credentials in username/password, not in the URL",
            url.host_str().unwrap_or("?")
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("URL {text:?}: must not have a query or fragment"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(toml: &str, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
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

    fn rand_suffix() -> u128 {
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
        let braces = "[[cluster]]\nname = \"a\"\nurls = [\"http://h:15672\"]\nusername = \"u\"\npassword = \"p\"\n\
                      [cluster.prometheus]\nurl = \"http://prom:9090\"\nselector = '{job=\"x\"}'\n";
        assert!(load(braces, &[]).unwrap_err().to_string().contains("without braces"));
    }

    #[test]
    fn password_file_is_read_and_trimmed() {
        let pw = std::env::temp_dir().join(format!("warren-pw-{}", rand_suffix()));
        std::fs::write(&pw, "from-file\n").unwrap();
        let toml = format!(
            "[[cluster]]\nname = \"a\"\nurls = [\"http://h:15672\"]\nusername = \"u\"\npassword_file = {:?}\n",
            pw.display().to_string()
        );
        let config = load(&toml, &[]).unwrap();
        std::fs::remove_file(&pw).unwrap();
        assert_eq!(config.clusters[0].password.expose(), "from-file");
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
    fn secrets_never_print() {
        let config = load(
            "[[cluster]]\nname = \"a\"\nurls = [\"http://h:15672\"]\nusername = \"u\"\npassword = \"hunter2\"\n",
            &[],
        )
        .unwrap();
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    #[test]
    fn auth_and_audit_defaults() {
        let config = Config::load_with(|_| None).unwrap();
        assert_eq!(config.audit, AuditConfig { retention_days: 365, max_rows: 1_000_000 });
        assert_eq!(config.auth, AuthConfig::default());
        assert!(config.auth.trusted_proxies.is_empty());
        assert_eq!((config.auth.live_streams_per_identity, config.auth.live_streams_total), (32, 2048));
    }

    #[test]
    fn auth_and_audit_sections() {
        let config = load(
            "[auth]\ntrusted_proxies = [\"127.0.0.1\", \"10.1.2.3/8\", \"::1\", \"fd00::/8\"]\n\
             live_streams_per_identity = 4\nlive_streams_total = 100\n\
             [audit]\nretention_days = 30\nmax_rows = 5000\n",
            &[],
        )
        .unwrap();
        let nets: Vec<String> = config.auth.trusted_proxies.iter().map(ToString::to_string).collect();
        assert_eq!(nets, ["127.0.0.1/32", "10.0.0.0/8", "::1/128", "fd00::/8"]);
        assert_eq!((config.auth.live_streams_per_identity, config.auth.live_streams_total), (4, 100));
        assert_eq!(config.audit, AuditConfig { retention_days: 30, max_rows: 5000 });
    }

    #[test]
    fn client_address_believes_only_trusted_proxies() {
        let auth = AuthConfig {
            trusted_proxies: vec!["10.0.0.0/8".parse().unwrap(), "127.0.0.1/32".parse().unwrap()],
            ..AuthConfig::default()
        };
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // Not from a proxy: the header is the client's own claim.
        assert_eq!(auth.client_address(ip("203.0.113.9"), Some("1.1.1.1")), ip("203.0.113.9"));
        // From a proxy without the header.
        assert_eq!(auth.client_address(ip("10.0.0.5"), None), ip("10.0.0.5"));
        // The proxy appended the real client; a spoofed left-most entry never wins.
        assert_eq!(auth.client_address(ip("10.0.0.5"), Some("6.6.6.6, 198.51.100.7")), ip("198.51.100.7"));
        // Two proxies in a row: skip the inner one.
        assert_eq!(auth.client_address(ip("127.0.0.1"), Some("6.6.6.6,198.51.100.7, 10.2.3.4")), ip("198.51.100.7"));
        // A spoofed trusted-looking address left of the real client is still not reached.
        assert_eq!(auth.client_address(ip("10.0.0.5"), Some("10.9.9.9, 198.51.100.7")), ip("198.51.100.7"));
        // Ports and brackets are understood; IPv4-mapped peers count as IPv4.
        assert_eq!(auth.client_address(ip("::ffff:10.0.0.5"), Some("198.51.100.7:4711")), ip("198.51.100.7"));
        assert_eq!(auth.client_address(ip("10.0.0.5"), Some("[2001:db8::7]:443")), ip("2001:db8::7"));
        // Garbage stops the walk at the last trusted address seen.
        assert_eq!(auth.client_address(ip("10.0.0.5"), Some("198.51.100.7, junk")), ip("10.0.0.5"));
        assert_eq!(auth.client_address(ip("10.0.0.5"), Some("junk, 10.0.0.9")), ip("10.0.0.9"));
        assert_eq!(auth.client_address(ip("10.0.0.5"), Some("")), ip("10.0.0.5"));
        // Everything trusted: the left-most proxy is the best there is.
        assert_eq!(auth.client_address(ip("10.0.0.5"), Some("10.0.0.7, 10.0.0.6")), ip("10.0.0.7"));
        // No trusted proxies configured: the peer, whatever the header says.
        assert_eq!(AuthConfig::default().client_address(ip("127.0.0.1"), Some("1.1.1.1")), ip("127.0.0.1"));
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
        ];
        for (toml, expected) in cases {
            let err = load(toml, &[]).expect_err(toml).to_string();
            assert!(err.contains(expected), "{toml:?}: {err}");
        }
    }
}
