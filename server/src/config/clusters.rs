//! The watched clusters (`[[cluster]]`): `ClusterConfig` with its TLS and Prometheus settings,
//! read and checked from the file (names, node URLs, one password source), or the local default.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use url::Url;

use super::secret::Secret;
use super::ConfigError;

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
    /// Queues whose messages must be processed in order (matched on the queue's name, as a
    /// policy's pattern is): the advisor flags those with several consumers. Off when unset.
    pub ordered_queues: Option<regex::Regex>,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileCluster {
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
    ordered_queues: Option<String>,
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

pub(super) fn local_default() -> ClusterConfig {
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
        ordered_queues: None,
    }
}

pub(super) fn resolve_cluster(
    c: FileCluster,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<ClusterConfig, ConfigError> {
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
    let ordered_queues = match &c.ordered_queues {
        None => None,
        Some(pattern) => Some(
            regex::RegexBuilder::new(pattern)
                .size_limit(1 << 20)
                .build()
                .map_err(|e| invalid(format!("ordered_queues is not a valid pattern: {e}")))?,
        ),
    };
    Ok(ClusterConfig {
        prometheus,
        ordered_queues,
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
    use crate::config::tests::{load, rand_suffix};

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
}
