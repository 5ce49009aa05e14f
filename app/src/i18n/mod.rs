//! Every user-visible string, in English and Simplified Chinese.
//!
//! Written by hand rather than with an i18n crate: one struct per language means a missing
//! translation is a compile error, and the table costs no parsing at start-up or in the WASM.

mod en;
mod findings;
pub mod problems;
mod zh;

pub use en::EN;
pub use zh::ZH;

use leptos::prelude::*;

use domain::snapshot::SnapshotPart;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub const COOKIE: &'static str = "warren_lang";

    /// The `lang` attribute of `<html>`; the hydrating client reads it back from there.
    pub fn html_tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("zh") {
            Some(Lang::Zh)
        } else if tag.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks the language from a `Cookie` header first, then from `Accept-Language`.
    pub fn negotiate(cookie_header: Option<&str>, accept_language: Option<&str>) -> Lang {
        let from_cookie = cookie_header.and_then(|cookies| {
            cookies.split(';').find_map(|pair| {
                let (key, value) = pair.trim().split_once('=')?;
                (key == Self::COOKIE).then(|| Lang::from_tag(value)).flatten()
            })
        });
        let from_header = || {
            accept_language.and_then(|header| {
                header.split(',').find_map(|item| Lang::from_tag(item.split(';').next().unwrap_or("")))
            })
        };
        from_cookie.or_else(from_header).unwrap_or(Lang::En)
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }
}

impl Texts {
    pub fn value_kind(&self, kind: domain::ops::ValueKind) -> &'static str {
        match kind {
            domain::ops::ValueKind::Text => self.kind_text,
            domain::ops::ValueKind::Number => self.kind_number,
            domain::ops::ValueKind::Boolean => self.kind_boolean,
        }
    }

    pub fn ack_mode_name(&self, mode: domain::ops::AckMode) -> &'static str {
        match mode {
            domain::ops::AckMode::Requeue => self.ack_requeue,
            domain::ops::AckMode::Ack => self.ack_ack,
            domain::ops::AckMode::Reject => self.ack_reject,
        }
    }
}

/// The current language, provided by `App`.
pub fn use_lang() -> RwSignal<Lang> {
    expect_context::<RwSignal<Lang>>()
}

/// Each node that reports a network partition, with the nodes it cannot reach.
pub type Partitions = [(String, Vec<String>)];

/// The texts of the current language, reactive.
pub fn use_texts() -> Signal<&'static Texts> {
    let lang = use_lang();
    Signal::derive(move || lang.get().texts())
}

/// A page's own word table in the current language, reactive: pages fetched on demand keep
/// their words apart from `Texts`, which every page downloads.
pub fn use_table<T: Send + Sync>(en: &'static T, zh: &'static T) -> Signal<&'static T> {
    let lang = use_lang();
    Signal::derive(move || match lang.get() {
        Lang::En => en,
        Lang::Zh => zh,
    })
}

pub struct Texts {
    pub switch_language: &'static str,
    pub overview: &'static str,
    pub queues: &'static str,
    pub exchanges: &'static str,
    pub bindings: &'static str,
    pub cluster: &'static str,
    pub vhost: &'static str,
    pub all_vhosts: &'static str,
    pub loading: &'static str,
    pub none: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub version: &'static str,
    // Overview
    pub messages: &'static str,
    pub ready: &'static str,
    pub unacked: &'static str,
    pub total: &'static str,
    pub publish_rate: &'static str,
    pub deliver_rate: &'static str,
    pub connections: &'static str,
    pub connection: &'static str,
    pub user: &'static str,
    pub client_address: &'static str,
    pub protocol: &'static str,
    pub tls: &'static str,
    pub heartbeat: &'static str,
    pub connected_at: &'static str,
    pub sent: &'static str,
    pub received: &'static str,
    pub client_properties: &'static str,
    pub channel_mode: &'static str,
    pub mode_confirm: &'static str,
    pub mode_transactional: &'static str,
    pub mode_neither: &'static str,
    pub mode_neither_hint: &'static str,
    pub unconfirmed: &'static str,
    pub no_channels: &'static str,
    pub exclusive_consumer: &'static str,
    pub ack_manual: &'static str,
    pub ack_auto: &'static str,
    /// Why auto-ack loses messages, as a tooltip on the flagged cell.
    pub ack_auto_hint: &'static str,
    pub unlimited: &'static str,
    pub unlimited_prefetch_hint: &'static str,
    /// The prefetch a channel's consumers share (`global` QoS, RabbitMQ 3).
    pub prefetch_shared: fn(u64) -> String,
    pub confirm_rate: &'static str,
    pub ack_rate: &'static str,
    pub redeliver_rate: &'static str,
    pub publishes_to: &'static str,
    pub publishes_unrecorded: &'static str,
    pub no_consumers: &'static str,
    pub close_connection: &'static str,
    pub close: &'static str,
    pub close_reason: &'static str,
    pub close_reason_hint: &'static str,
    pub connection_closed: &'static str,
    pub channels: &'static str,
    pub consumers: &'static str,
    /// The broker's users (not Warren's): a cluster's navigation.
    pub broker_users: &'static str,
    pub vhosts: &'static str,
    pub cluster_settings: &'static str,
    pub upgrade_check: &'static str,
    pub advisor: &'static str,
    /// (red, amber) findings of the advisor.
    pub advice_counts: fn(u32, u32) -> String,
    /// On an object's page: how many advisor findings concern it.
    pub object_findings: fn(usize) -> String,
    /// A list row's mark, in words.
    pub advice_row: fn(domain::advisor::Severity) -> &'static str,
    /// The link from an object's findings to the advisor page, which explains them.
    pub finding_details: &'static str,
    /// (who muted it)
    pub finding_muted: fn(&str) -> String,
    /// Every page of a cluster that uses deprecated features, with their names.
    pub deprecated_banner: fn(&[String]) -> String,
    pub deprecated_banner_link: &'static str,
    pub shovels: &'static str,
    pub federation: &'static str,
    pub no_shovels: &'static str,
    pub shovel_unreported: &'static str,
    pub no_links: &'static str,
    pub moved: &'static str,
    pub moved_hint: &'static str,
    pub since: &'static str,
    pub upstream: &'static str,
    pub uri: &'static str,
    pub error: &'static str,
    pub delete_shovel: &'static str,
    pub move_messages: &'static str,
    pub move_to: &'static str,
    pub move_hint: &'static str,
    pub nodes: &'static str,
    pub node_type: &'static str,
    pub run_queue: &'static str,
    pub limit: &'static str,
    pub erlang_processes: &'static str,
    pub processors: &'static str,
    pub listeners: &'static str,
    pub plugins: &'static str,
    pub feature_flags: &'static str,
    /// A node page's line on the cluster's flags: how many are enabled, which stable ones are not.
    pub flags_summary: fn(usize, &[String]) -> String,
    pub stability: &'static str,
    pub description: &'static str,
    pub no_clusters: &'static str,
    pub health_unreachable: &'static str,
    pub health_partitioned: &'static str,
    pub health_nodes_down: &'static str,
    pub health_alarm: &'static str,
    pub health_healthy: &'static str,
    pub change_last_hour: &'static str,
    /// A node's network partition: the nodes it cannot reach.
    pub partitioned_from: fn(&str) -> String,
    /// The banner on every page of a cluster whose nodes disagree: each node's partitions, and whether
    /// the nodes see each other differently.
    pub split_banner: fn(&Partitions, bool) -> String,
    /// How the nodes that answered see one node: those that see it running, those that see it stopped.
    pub seen_differently: fn(&str, &str) -> String,
    pub node: &'static str,
    pub running: &'static str,
    pub stopped: &'static str,
    pub memory: &'static str,
    pub disk_free: &'static str,
    pub file_descriptors: &'static str,
    pub sockets: &'static str,
    pub uptime: &'static str,
    pub alarms: &'static str,
    pub memory_alarm: &'static str,
    pub disk_alarm: &'static str,
    pub no_alarm: &'static str,
    pub queued_messages: &'static str,
    pub minutes_ago: &'static str,
    // Lists
    pub name: &'static str,
    pub kind: &'static str,
    pub features: &'static str,
    pub state: &'static str,
    pub incoming: &'static str,
    pub deliver: &'static str,
    pub policy: &'static str,
    pub filter_placeholder: &'static str,
    pub regex: &'static str,
    pub apply: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub page_of: fn(u32, u32) -> String,
    pub matched_of: fn(u64, u64) -> String,
    pub nothing_matches: &'static str,
    pub durable: &'static str,
    pub auto_delete: &'static str,
    pub exclusive: &'static str,
    pub internal: &'static str,
    pub arguments: &'static str,
    pub durable_short: &'static str,
    pub auto_delete_short: &'static str,
    pub exclusive_short: &'static str,
    pub internal_short: &'static str,
    pub arguments_short: &'static str,
    // Details
    pub properties: &'static str,
    pub operator_policy: &'static str,
    pub effective_policy: &'static str,
    pub consumer_tag: &'static str,
    pub channel: &'static str,
    pub ack_required: &'static str,
    pub prefetch: &'static str,
    pub active: &'static str,
    pub source: &'static str,
    pub destination: &'static str,
    pub routing_key: &'static str,
    pub publish_in: &'static str,
    pub publish_out: &'static str,
    pub bindings_out: &'static str,
    pub bindings_in: &'static str,
    pub default_exchange: &'static str,
    pub queue: &'static str,
    pub exchange: &'static str,
    // Faults
    pub fault_unreachable: &'static str,
    pub fault_timeout: &'static str,
    pub fault_unauthorized: &'static str,
    pub fault_bad_reply: &'static str,
    pub fault_retrying: &'static str,
    pub loading_cluster: &'static str,
    // Live updates
    pub live: &'static str,
    pub reconnecting: &'static str,
    pub stale_for: fn(u64) -> String,
    pub updated_ago: fn(u64) -> String,
    /// (interval s, configured interval s, last refresh ms)
    pub slow_refresh: fn(u64, u64, u64) -> String,
    /// A node that does not answer (its address, empty for non-admins), and for how many seconds.
    pub node_unreachable: fn(&str, Option<u64>) -> String,
    /// Parts of the snapshot kept from an earlier refresh, and how many seconds old they are.
    pub held_parts: fn(&[SnapshotPart], Option<u64>) -> String,
    pub error_unknown_cluster: &'static str,
    pub error_not_found: &'static str,
    pub error_bad_request: &'static str,
    pub error_conflict: &'static str,
    pub error_transport: &'static str,
    pub page_not_found: &'static str,
    pub error_sign_in: &'static str,
    pub error_forbidden: &'static str,
    pub error_csrf: &'static str,
    pub error_throttled: &'static str,
    pub error_busy: &'static str,
    pub error_internal: &'static str,
    pub sign_in: &'static str,
    pub sign_out: &'static str,
    pub sign_in_with: &'static str,
    pub warren_account: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub sign_in_failed: &'static str,
    pub sign_in_throttled: &'static str,
    pub sign_in_expired_form: &'static str,
    pub sign_in_broker_down: &'static str,
    pub sign_in_bad_screen_token: &'static str,
    pub setup_title: &'static str,
    pub setup_hint: &'static str,
    pub setup_mismatch: &'static str,
    pub setup_weak: &'static str,
    pub setup_bad_name: &'static str,
    pub setup_done: &'static str,
    pub setup_bad_code: &'static str,
    pub confirm_password: &'static str,
    pub setup_create: &'static str,
    pub admin: &'static str,
    pub screen_tokens: &'static str,
    pub screen_tokens_hint: &'static str,
    pub label: &'static str,
    pub all_clusters: &'static str,
    pub create_token: &'static str,
    pub token_shown_once: &'static str,
    pub kiosk_url: &'static str,
    pub created: &'static str,
    pub last_used: &'static str,
    pub revoked: &'static str,
    pub revoke: &'static str,
    pub confirm_revoke: &'static str,
    pub users: &'static str,
    pub users_hint: &'static str,
    pub role: &'static str,
    pub all: &'static str,
    pub audit_log: &'static str,
    pub actor: &'static str,
    pub action: &'static str,
    pub outcome: &'static str,
    pub filter: &'static str,
    pub export_csv: &'static str,
    pub export_json: &'static str,
    pub when: &'static str,
    pub object: &'static str,
    pub client: &'static str,
    pub limited_to_vhosts: &'static str,
    pub broker_user_of: fn(&str) -> String,
    pub route_preview: &'static str,
    pub headers_json: &'static str,
    pub bad_headers: &'static str,
    pub unroutable: &'static str,
    pub route_steps: &'static str,
    pub route_alternate: &'static str,
    pub route_no_match: &'static str,
    pub route_missing: &'static str,
    pub route_unknown_type: &'static str,
    pub routed_to: fn(usize) -> String,
    pub ack_mode: &'static str,
    pub ack_requeue: &'static str,
    pub ack_ack: &'static str,
    pub ack_reject: &'static str,
    pub add_binding: &'static str,
    pub add_exchange: &'static str,
    pub add_queue: &'static str,
    pub add_row: &'static str,
    pub added: &'static str,
    pub alternate_exchange: &'static str,
    pub always_base64: &'static str,
    pub apply_to: &'static str,
    pub binding_added: &'static str,
    pub cancel: &'static str,
    pub changed: &'static str,
    pub confirm: &'static str,
    pub confirm_import: &'static str,
    pub copies: &'static str,
    pub count: &'static str,
    pub create: &'static str,
    pub created_ok: &'static str,
    pub danger_zone: &'static str,
    pub definition: &'static str,
    pub definitions: &'static str,
    pub definitions_json: &'static str,
    pub delete: &'static str,
    pub delete_exchange: &'static str,
    pub delete_queue: &'static str,
    pub edit: &'static str,
    pub edit_policy: &'static str,
    pub export: &'static str,
    pub export_broker: &'static str,
    pub export_hint: &'static str,
    pub file: &'static str,
    pub get_messages: &'static str,
    pub get_removes: &'static str,
    pub headers: &'static str,
    pub import: &'static str,
    pub import_hint: &'static str,
    pub import_into: &'static str,
    pub import_nothing: &'static str,
    pub key: &'static str,
    pub kind_text: &'static str,
    pub kind_number: &'static str,
    pub kind_boolean: &'static str,
    pub only_if_empty: &'static str,
    pub only_if_unused: &'static str,
    pub operator_policies: &'static str,
    pub pattern: &'static str,
    pub payload: &'static str,
    pub payload_is_base64: &'static str,
    pub persistent: &'static str,
    pub policies: &'static str,
    pub policy_saved: &'static str,
    pub preview: &'static str,
    pub priority: &'static str,
    pub publish: &'static str,
    pub publish_message: &'static str,
    pub purge: &'static str,
    pub purged: &'static str,
    pub remove: &'static str,
    pub save_policy: &'static str,
    pub save_template: &'static str,
    pub section: &'static str,
    pub template: &'static str,
    pub template_name: &'static str,
    pub template_saved: &'static str,
    pub truncate_at: &'static str,
    pub unbind: &'static str,
    /// Queues and exchanges on the broker with other properties, which an import leaves alone.
    pub import_kept: &'static str,
    pub import_skipped: &'static str,
    pub unchanged: &'static str,
    pub user_policies: &'static str,
    pub value: &'static str,
    pub whole_broker: &'static str,
    pub working: &'static str,
    pub error_rejected: &'static str,
    pub hint_inequivalent: &'static str,
    pub hint_precondition: &'static str,
    pub hint_access: &'static str,
    pub broker_version: fn(&str) -> String,
    pub confirm_delete: fn(&str) -> String,
    pub confirm_purge: fn(&str) -> String,
    pub confirm_close: fn(&str) -> String,
    pub close_all_of: fn(&str) -> String,
    pub confirm_close_all: fn(&str) -> String,
    pub connections_closed: fn(u64) -> String,
    /// The plugin's name.
    pub plugin_off: fn(&str) -> String,
    pub confirm_delete_shovel: fn(&str) -> String,
    /// From, to.
    pub confirm_move: fn(&str, &str) -> String,
    /// Messages, the shovel's name.
    pub move_started: fn(u64, &str) -> String,
    pub confirm_unbind: fn(&str) -> String,
    pub export_vhost: fn(&str) -> String,
    pub got_messages: fn(usize) -> String,
    pub import_ignored: fn(&str) -> String,
    pub imported: fn(usize) -> String,
    pub hours_ago: &'static str,
    pub days_ago: &'static str,
    pub backlog_history: &'static str,
    pub history_empty: &'static str,
    pub history_from_prometheus: &'static str,
    pub history_prometheus_down: &'static str,
    pub peak: &'static str,
    pub forecast_unknown: &'static str,
    pub forecast_steady: &'static str,
    pub forecast_growing: &'static str,
    pub top_growing: &'static str,
    pub nothing_grew: &'static str,
    pub backlog_then: &'static str,
    pub backlog_now: &'static str,
    pub growth: &'static str,
    pub net_rate: fn(f64) -> String,
    pub empties_in: fn(&str) -> String,
    pub full_in: fn(&str, &str) -> String,
    pub policy_matches: fn(u64, u64, u64) -> String,
    pub policy_skips: fn(&str, &str) -> String,
    pub published: fn(u32, u32) -> String,
    pub kiosk_reconnecting: &'static str,
    pub kiosk_unreachable: fn(&str) -> String,
    pub kiosk_last_data: fn(u64) -> String,
    pub kiosk_nodes_up: &'static str,
    pub kiosk_no_alarms: &'static str,
    pub kiosk_all_vhosts: &'static str,
    pub kiosk_all_queues: &'static str,
    pub kiosk_title_status: &'static str,
    pub kiosk_title_totals: fn(&str) -> String,
    pub kiosk_title_backlog: fn(&str, &str) -> String,
    pub kiosk_title_top_backlog: &'static str,
    pub kiosk_title_top_growth: fn(&str) -> String,
    pub kiosk_title_no_consumers: &'static str,
    pub kiosk_title_warnings: &'static str,
    pub kiosk_all_consumed: &'static str,
    pub kiosk_no_queues: &'static str,
    pub kiosk_no_risks: &'static str,
    pub dashboards: &'static str,
    pub dashboards_hint: &'static str,
    pub new_dashboard: &'static str,
    pub no_dashboards: &'static str,
    pub deleted: &'static str,
    pub tiles: &'static str,
    pub kiosk_link: &'static str,
    pub edit_dashboard: fn(i64) -> String,
    pub dashboard_json: &'static str,
    pub dashboard_json_hint: &'static str,
    pub save: &'static str,
    pub open_kiosk: &'static str,
    pub confirm_delete_dashboard: &'static str,
    pub dashboard_saved: fn(i64, u64) -> String,
    pub import_dashboards: &'static str,
    pub import_dashboards_hint: &'static str,
    pub dashboards_imported: fn(usize) -> String,
    pub kiosk_links_for_token: &'static str,
    pub edit_as_form: &'static str,
    pub edit_as_json: &'static str,
    pub tile_kinds: [&'static str; 6],
    pub tile_n: fn(usize) -> String,
    pub tile_title: &'static str,
    pub tile_width: &'static str,
    pub queue_names: &'static str,
    pub name_pattern: &'static str,
    pub tile_range: &'static str,
    pub rank_by: &'static str,
    pub rank_backlog: &'static str,
    pub rank_growth: &'static str,
    pub list_length: &'static str,
    pub thresholds: &'static str,
    pub metric: &'static str,
    pub amber: &'static str,
    pub red: &'static str,
    pub lower_is_worse: &'static str,
    pub no_thresholds: &'static str,
    pub add_threshold: &'static str,
    pub add_tile: &'static str,
    pub move_up: &'static str,
    pub move_down: &'static str,
    pub metric_backlog: &'static str,
    pub metric_nodes_down: &'static str,
    pub fix_before_saving: &'static str,
    /// Between the sentences of a list of problems.
    pub list_separator: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_wins_over_accept_language() {
        assert_eq!(Lang::negotiate(Some("a=1; warren_lang=zh-CN"), Some("en-US,en;q=0.9")), Lang::Zh);
        assert_eq!(Lang::negotiate(Some("warren_lang=en"), Some("zh-CN")), Lang::En);
    }

    #[test]
    fn accept_language_then_english() {
        assert_eq!(Lang::negotiate(None, Some("fr-FR, zh-CN;q=0.8")), Lang::Zh);
        assert_eq!(Lang::negotiate(Some("warren_lang=xx"), Some("de")), Lang::En);
        assert_eq!(Lang::negotiate(None, None), Lang::En);
    }
}
