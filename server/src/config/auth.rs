//! Sessions, sign-in limits and trusted proxies (`[auth]`), and how long the audit log is kept
//! (`[audit]`): `AuthConfig`, `AuditConfig` and the sections they are read from.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use ipnet::IpNet;
use serde::Deserialize;

use super::ConfigError;

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

/// `[audit]`: how long the audit log is kept.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct FileAudit {
    retention_days: Option<u32>,
    max_rows: Option<u64>,
}

impl FileAudit {
    pub(super) fn resolve(self) -> Result<AuditConfig, ConfigError> {
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

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct FileAuth {
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
    pub(super) fn resolve(self) -> Result<AuthConfig, ConfigError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::load;
    use crate::config::Config;

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
}
