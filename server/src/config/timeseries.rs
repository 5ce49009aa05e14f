//! How long the recorded backlog history is kept: `HistoryConfig` and the `[history]` section
//! it is read from.

use std::time::Duration;

use serde::Deserialize;

use super::ConfigError;

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

/// `[history]`: how long the recorded backlog history is kept.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct FileHistory {
    /// Every sample (one per refresh); default 60.
    fine_retention_minutes: Option<f64>,
    /// One-minute points (min, max, last); default 7.
    coarse_retention_days: Option<f64>,
}

impl FileHistory {
    pub(super) fn resolve(self) -> Result<HistoryConfig, ConfigError> {
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
