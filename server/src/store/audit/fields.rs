//! What is stored of an entry: every text bounded (`MAX_*_CHARS`) and free of control and
//! line-breaking characters, so nobody can bloat the log or forge lines in it.

use app::auth::Actor;

use super::Target;

/// Longest stored actor name, source, action, cluster and vhost, in characters. Longer text is
/// cut and ends in "…" (which counts in the limit).
pub const MAX_NAME_CHARS: usize = 256;
/// Longest stored object description.
pub const MAX_OBJECT_CHARS: usize = 1024;
/// Longest stored detail.
pub const MAX_DETAIL_CHARS: usize = 2048;
/// Longest stored browser name (User-Agent).
pub const MAX_USER_AGENT_CHARS: usize = 512;
/// Longest stored client address.
pub const MAX_CLIENT_ADDR_CHARS: usize = 64;

/// An entry as stored: every text bounded and cleaned.
#[derive(Clone, Debug)]
pub(super) struct Stored {
    pub(super) actor: String,
    pub(super) source: String,
    pub(super) role: Option<&'static str>,
    pub(super) cluster: Option<String>,
    pub(super) vhost: Option<String>,
    pub(super) action: String,
    pub(super) object: Option<String>,
    pub(super) detail: Option<String>,
    pub(super) client_addr: Option<String>,
    pub(super) user_agent: Option<String>,
}

impl Stored {
    pub(super) fn new(actor: &Actor, action: &str, target: &Target, detail: Option<&str>) -> Self {
        let opt = |value: Option<&str>, max: usize| value.map(|v| bounded(v, max));
        Stored {
            actor: bounded(&actor.name, MAX_NAME_CHARS),
            source: bounded(&actor.source, MAX_NAME_CHARS),
            role: actor.role.map(|r| r.as_str()),
            cluster: opt(target.cluster.as_deref(), MAX_NAME_CHARS),
            vhost: opt(target.vhost.as_deref(), MAX_NAME_CHARS),
            action: bounded(action, MAX_NAME_CHARS),
            object: opt(target.object.as_deref(), MAX_OBJECT_CHARS),
            detail: opt(detail, MAX_DETAIL_CHARS),
            client_addr: opt(actor.client_addr.as_deref(), MAX_CLIENT_ADDR_CHARS),
            user_agent: opt(actor.user_agent.as_deref(), MAX_USER_AGENT_CHARS),
        }
    }
}

/// `text` cut to at most `max` characters (the last of them "…" when cut; `max` ≥ 1), with
/// every control character — C0 (NUL, tab, CR, LF…), DEL, C1 — and every character that
/// reorders or breaks lines on display (bidi embeddings, overrides and isolates; U+2028/9)
/// replaced by a space.
pub fn bounded(text: &str, max: usize) -> String {
    let max = max.max(1);
    let (kept, cut) = match text.char_indices().nth(max) {
        None => (text, false),
        Some(_) => {
            let end = text.char_indices().nth(max - 1).map_or(text.len(), |(i, _)| i);
            (&text[..end], true)
        }
    };
    let mut out: String = kept.chars().map(|ch| if is_unsafe_char(ch) { ' ' } else { ch }).collect();
    if cut {
        out.push('…');
    }
    out
}

fn is_unsafe_char(ch: char) -> bool {
    ch.is_control() || matches!(ch, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::audit::tests::{all, open};
    use crate::store::audit::Outcome;
    use app::auth::AuditQuery;

    #[tokio::test]
    async fn stored_text_is_bounded_and_cleaned() {
        let (_dir, audit) = open();
        let huge = Actor {
            name: "é".repeat(200_000),
            source: "anonymous".into(),
            user_agent: Some("ua\r\nX-Forged: 1".into()),
            client_addr: Some("9".repeat(1000)),
            ..Default::default()
        };
        let target =
            Target { object: Some("o".repeat(5000)), vhost: Some("a\0b\tc\u{202E}d".into()), ..Default::default() };
        audit.record(&huge, "sign_in\nforged line", target, Outcome::Denied, Some("d".repeat(10_000))).await;
        let entry = audit.page(&AuditQuery::default(), &all("x")).await.unwrap().entries.remove(0);
        assert_eq!(entry.actor.chars().count(), MAX_NAME_CHARS);
        assert!(entry.actor.ends_with("é…"), "{}", entry.actor);
        assert_eq!(entry.action, "sign_in forged line");
        assert_eq!(entry.vhost.as_deref(), Some("a b c d"));
        assert_eq!(entry.user_agent.as_deref(), Some("ua  X-Forged: 1"));
        assert_eq!(entry.object.unwrap().chars().count(), MAX_OBJECT_CHARS);
        assert_eq!(entry.detail.unwrap().chars().count(), MAX_DETAIL_CHARS);
        assert_eq!(entry.client_addr.unwrap().chars().count(), MAX_CLIENT_ADDR_CHARS);

        assert_eq!(bounded("short", 5), "short");
        assert_eq!(bounded("longer", 5), "long…");
        assert_eq!(bounded("", 3), "");
    }
}
