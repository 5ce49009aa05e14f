//! The words for what the policy rules find wrong (`domain::policy::PolicyProblem`).

use domain::policy::PolicyProblem;

use crate::i18n::Lang;

pub(super) fn text(lang: Lang, problem: &PolicyProblem) -> String {
    use PolicyProblem as P;
    let zh = lang == Lang::Zh;
    match problem {
        P::Name(form) => super::form::text(lang, form),
        P::PatternEmpty if zh => "匹配模式为空；使用 .* 可匹配所有对象".into(),
        P::PatternEmpty => "the pattern is empty; use .* to match everything".into(),
        P::PatternNotRegex { detail } if zh => format!("匹配模式不是 Warren 能检查的正则表达式：{detail}"),
        P::PatternNotRegex { detail } => format!("the pattern is not a regular expression Warren can check: {detail}"),
        P::OperatorOnExchanges if zh => "运维策略只能应用于队列".into(),
        P::OperatorOnExchanges => "operator policies apply to queues only".into(),
        P::ApplyToTooNew { apply_to, since } if zh => {
            format!("应用于 {} 需要 RabbitMQ {since} 或更高版本", apply_to.as_str())
        }
        P::ApplyToTooNew { apply_to, since } => format!("apply-to {} needs RabbitMQ {since} or later", apply_to.as_str()),
        P::DefinitionEmpty if zh => "定义为空：请至少添加一个键".into(),
        P::DefinitionEmpty => "the definition is empty: add at least one key".into(),
        P::UnknownKey { key } if zh => format!("未知的策略键 {key:?}"),
        P::UnknownKey { key } => format!("unknown policy key {key:?}"),
        P::KeyTwice { key } if zh => format!("{key} 出现了两次"),
        P::KeyTwice { key } => format!("{key} is given twice"),
        P::QueueKeyOnExchanges { key } if zh => format!("{key} 作用于队列，但此策略只应用于交换机"),
        P::QueueKeyOnExchanges { key } => {
            format!("{key} applies to queues, but this policy applies to exchanges only")
        }
        P::ExchangeKeyOnQueues { key } if zh => format!("{key} 作用于交换机，但此策略只应用于队列"),
        P::ExchangeKeyOnQueues { key } => {
            format!("{key} applies to exchanges, but this policy applies to queues only")
        }
        P::NotForOperator { key } if zh => format!("运维策略不能设置 {key}"),
        P::NotForOperator { key } => format!("{key} cannot be set by an operator policy"),
        P::MirroringRemoved { key, removed, running } if zh => {
            format!("{key}：经典镜像队列（ha-*）已在 RabbitMQ {removed} 中移除，请改用仲裁队列（此 broker 运行的是 {running}）")
        }
        P::MirroringRemoved { key, removed, running } => format!(
            "{key}: classic mirrored queues (ha-*) were removed in RabbitMQ {removed}; use quorum queues (this broker runs {running})"
        ),
        P::KeyRemoved { key, removed, running } if zh => {
            format!("{key}：已在 RabbitMQ {removed} 中移除（此 broker 运行的是 {running}）")
        }
        P::KeyRemoved { key, removed, running } => {
            format!("{key}: removed in RabbitMQ {removed} (this broker runs {running})")
        }
        P::KeyTooNew { key, since, running } if zh => {
            format!("{key} 需要 RabbitMQ {since} 或更高版本（此 broker 运行的是 {running}）")
        }
        P::KeyTooNew { key, since, running } => {
            format!("{key} needs RabbitMQ {since} or later (this broker runs {running})")
        }
        P::KeyNoEffect { key, since } if zh => format!("自 RabbitMQ {since} 起，{key} 已不再起作用"),
        P::KeyNoEffect { key, since } => format!("{key} has had no effect since RabbitMQ {since}"),
        P::KeyDeprecated { key, since, instead } if zh => {
            format!("{key} 自 RabbitMQ {since} 起已弃用：请改用 {instead}")
        }
        P::KeyDeprecated { key, since, instead } => format!("{key} is deprecated since RabbitMQ {since}: use {instead}"),
        P::NeedsFederation { key } if zh => format!("{key} 需要启用联邦（federation）插件"),
        P::NeedsFederation { key } => format!("{key} needs the federation plugin"),
        P::NotWholeNumber { key } if zh => format!("{key} 必须是整数"),
        P::NotWholeNumber { key } => format!("{key} must be a whole number"),
        P::TooSmall { key, min, got } if zh => format!("{key} 不能小于 {min}（当前为 {got}）"),
        P::TooSmall { key, min, got } => format!("{key} must be at least {min} (got {got})"),
        P::OutOfRange { key, min, max, got } if zh => format!("{key} 必须在 {min} 到 {max} 之间（当前为 {got}）"),
        P::OutOfRange { key, min, max, got } => format!("{key} must be from {min} to {max} (got {got})"),
        P::NeedsValue { key } if zh => format!("{key} 需要一个值"),
        P::NeedsValue { key } => format!("{key} needs a value"),
        P::NotAChoice { key, choices } if zh => format!("{key} 必须是以下之一：{}", choices.join(", ")),
        P::NotAChoice { key, choices } => format!("{key} must be one of: {}", choices.join(", ")),
        P::NotAnAge { key } if zh => format!("{key} 应为数字加单位：Y、M、D、h、m 或 s（例如 7D）"),
        P::NotAnAge { key } => format!("{key} is a number and a unit: Y, M, D, h, m or s (for example 7D)"),
        P::BadHaParams { key } if zh => format!("{key} 应为数量（用于 ha-mode exactly）或节点名称的 JSON 列表"),
        P::BadHaParams { key } => format!("{key} is a count (for ha-mode exactly) or a JSON list of node names"),
    }
}

/// One problem of every variant, for the tests.
#[cfg(test)]
pub(super) fn samples() -> Vec<PolicyProblem> {
    use domain::ops::{FormProblem, ObjectKind};
    use domain::policy::{ApplyTo, Version};
    use PolicyProblem as P;
    let key = |k: &str| k.to_string();
    let (v310, v312, v4) = (Version(3, 10), Version(3, 12), Version(4, 0));
    vec![
        P::Name(FormProblem::NameEmpty { kind: ObjectKind::Policy }),
        P::PatternEmpty,
        P::PatternNotRegex { detail: "unclosed group".into() },
        P::OperatorOnExchanges,
        P::ApplyToTooNew { apply_to: ApplyTo::Streams, since: v312 },
        P::DefinitionEmpty,
        P::UnknownKey { key: key("colour") },
        P::KeyTwice { key: key("max-length") },
        P::QueueKeyOnExchanges { key: key("message-ttl") },
        P::ExchangeKeyOnQueues { key: key("alternate-exchange") },
        P::NotForOperator { key: key("dead-letter-exchange") },
        P::MirroringRemoved { key: key("ha-mode"), removed: v4, running: v4 },
        P::KeyRemoved { key: key("some-key"), removed: v4, running: Version(4, 1) },
        P::KeyTooNew { key: key("consumer-timeout"), since: v312, running: v310 },
        P::KeyNoEffect { key: key("queue-mode"), since: v312 },
        P::KeyDeprecated { key: key("queue-master-locator"), since: v4, instead: key("queue-leader-locator") },
        P::NeedsFederation { key: key("federation-upstream") },
        P::NotWholeNumber { key: key("message-ttl") },
        P::TooSmall { key: key("message-ttl"), min: 0, got: -1 },
        P::OutOfRange { key: key("queue-version"), min: 1, max: 2, got: 3 },
        P::NeedsValue { key: key("dead-letter-exchange") },
        P::NotAChoice { key: key("overflow"), choices: vec![key("drop-head"), key("reject-publish")] },
        P::NotAnAge { key: key("max-age") },
        P::BadHaParams { key: key("ha-params") },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_keeps_the_words_scripts_and_tests_look_for() {
        let en = |p: &PolicyProblem| text(Lang::En, p);
        let all: Vec<String> = samples().iter().map(en).collect();
        assert!(all.contains(&r#"unknown policy key "colour""#.to_string()));
        assert!(all.contains(&"message-ttl must be at least 0 (got -1)".to_string()));
        assert!(all.contains(&"the pattern is empty; use .* to match everything".to_string()));
        assert!(all.iter().any(|t| t.starts_with("ha-mode: ") && t.contains("removed in RabbitMQ 4.0")));
        assert!(all.iter().any(|t| t.starts_with("the pattern is not a regular expression")));
        assert!(all.contains(&"overflow must be one of: drop-head, reject-publish".to_string()));
    }

    #[test]
    fn chinese_uses_rabbitmq_terms() {
        let zh = |p: PolicyProblem| text(Lang::Zh, &p);
        assert!(zh(PolicyProblem::OperatorOnExchanges).contains("运维策略"));
        assert!(zh(PolicyProblem::QueueKeyOnExchanges { key: "message-ttl".into() }).contains("交换机"));
        let ha = zh(PolicyProblem::MirroringRemoved {
            key: "ha-mode".into(),
            removed: domain::policy::Version(4, 0),
            running: domain::policy::Version(4, 0),
        });
        assert!(ha.contains("镜像队列") && ha.contains("仲裁队列") && ha.contains("4.0"), "{ha}");
    }
}
