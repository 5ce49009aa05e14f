//! A cluster as a whole, as an admin changes it: its name, its feature flags, the features it
//! uses that RabbitMQ deprecates, and what stands between it and RabbitMQ 4 (`readiness`).

pub mod readiness;

use serde::{Deserialize, Serialize};

/// Longest cluster name Warren sends: bounded input (the broker takes any binary).
pub const MAX_NAME_BYTES: usize = 255;

/// What the cluster rules find wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClusterProblem {
    NameEmpty,
    NameTooLong {
        max: usize,
    },
    /// A line break, another control character, or an invisible one that reorders or hides text
    /// (bidirectional overrides, zero-width characters): the name shows on pages and in logs.
    NameControl,
    /// The broker has no feature flag of this name.
    FlagUnknown {
        name: String,
    },
    /// An experimental flag is enabled only when the admin says so explicitly: it cannot be
    /// disabled again, and RabbitMQ may not support upgrading a cluster that runs it.
    FlagExperimental {
        name: String,
    },
}

/// The cluster's name, as an admin sets it.
pub fn check_name(name: &str) -> Result<(), ClusterProblem> {
    if name.trim().is_empty() {
        return Err(ClusterProblem::NameEmpty);
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(ClusterProblem::NameTooLong { max: MAX_NAME_BYTES });
    }
    match name.chars().any(|c| c.is_control() || invisible(c)) {
        true => Err(ClusterProblem::NameControl),
        false => Ok(()),
    }
}

/// Format characters that change how text around them shows (Unicode's bidirectional controls,
/// zero-width characters, the byte order mark), listed by hand: std has no Unicode categories.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Longest feature flag name Warren looks up (RabbitMQ's are atoms of a few dozen characters).
pub const MAX_FLAG_NAME_BYTES: usize = 255;

/// A feature flag as the broker lists it. The state and stability stay text: a newer broker
/// may report values this version of Warren does not know.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FeatureFlag {
    pub name: String,
    /// `enabled`, `disabled`, `state_changing` while it is being enabled, or `unavailable`
    /// when a node of the cluster does not know it.
    pub state: String,
    /// `required`, `stable` or `experimental`.
    pub stability: String,
    pub description: String,
}

impl FeatureFlag {
    pub fn enabled(&self) -> bool {
        self.state == "enabled"
    }

    pub fn changing(&self) -> bool {
        self.state == "state_changing"
    }

    /// Stable and not enabled: every one must be before the cluster is upgraded.
    pub fn pending(&self) -> bool {
        self.stability == "stable" && self.state == "disabled"
    }
}

/// What "enable all stable flags" enables, by name: the stable ones still disabled.
pub fn pending_flags(flags: &[FeatureFlag]) -> Vec<String> {
    flags.iter().filter(|f| f.pending()).map(|f| f.name.clone()).collect()
}

/// Enabling `name`, as asked: refused when the broker does not know it, or it is experimental and
/// the admin did not say they mean it.
pub fn check_enable(flags: &[FeatureFlag], name: &str, experimental_confirmed: bool) -> Result<(), ClusterProblem> {
    check_flag_name(name)?;
    match flags.iter().find(|f| f.name == name) {
        None => Err(ClusterProblem::FlagUnknown { name: name.into() }),
        Some(f) if f.stability == "experimental" && !experimental_confirmed => {
            Err(ClusterProblem::FlagExperimental { name: name.into() })
        }
        Some(_) => Ok(()),
    }
}

/// A flag name bounded before anything else looks at it: one too long names no flag.
pub fn check_flag_name(name: &str) -> Result<(), ClusterProblem> {
    match name.len() > MAX_FLAG_NAME_BYTES {
        true => Err(ClusterProblem::FlagUnknown { name: format!("{}…", name.chars().take(40).collect::<String>()) }),
        false => Ok(()),
    }
}

/// A feature RabbitMQ deprecates (4.x and 3.13 list them): how far along its removal is, and
/// whether this cluster uses it now.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DeprecatedFeature {
    pub name: String,
    pub description: String,
    /// `permitted_by_default`, `denied_by_default`, `disconnected` or `removed`.
    pub phase: String,
    pub doc_url: String,
    pub used: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag(name: &str, state: &str, stability: &str) -> FeatureFlag {
        FeatureFlag { name: name.into(), state: state.into(), stability: stability.into(), ..Default::default() }
    }

    #[test]
    fn a_name_is_not_empty_short_and_on_one_line() {
        assert_eq!(check_name("prod 集群 #1/eu"), Ok(()));
        assert_eq!(check_name("  "), Err(ClusterProblem::NameEmpty));
        assert_eq!(check_name(&"n".repeat(256)), Err(ClusterProblem::NameTooLong { max: 255 }));
        assert_eq!(check_name("a\nb"), Err(ClusterProblem::NameControl));
        assert_eq!(check_name("prod\u{202E}ue"), Err(ClusterProblem::NameControl));
        assert_eq!(check_name("prod\u{200B}"), Err(ClusterProblem::NameControl));
    }

    #[test]
    fn enabling_all_takes_the_stable_disabled_flags_only() {
        let flags = [
            flag("a", "disabled", "stable"),
            flag("b", "enabled", "stable"),
            flag("c", "disabled", "experimental"),
            flag("d", "state_changing", "stable"),
            flag("e", "enabled", "required"),
        ];
        assert_eq!(pending_flags(&flags), ["a"]);
    }

    #[test]
    fn an_experimental_flag_needs_an_explicit_yes() {
        let flags = [flag("khepri_db", "disabled", "experimental"), flag("stream_queue", "disabled", "stable")];
        assert_eq!(check_enable(&flags, "stream_queue", false), Ok(()));
        assert_eq!(
            check_enable(&flags, "khepri_db", false),
            Err(ClusterProblem::FlagExperimental { name: "khepri_db".into() })
        );
        assert_eq!(check_enable(&flags, "khepri_db", true), Ok(()));
        assert_eq!(check_enable(&flags, "nope", true), Err(ClusterProblem::FlagUnknown { name: "nope".into() }));
        let long = "f".repeat(300);
        assert_eq!(
            check_enable(&flags, &long, true),
            Err(ClusterProblem::FlagUnknown { name: format!("{}…", &long[..40]) })
        );
    }
}
