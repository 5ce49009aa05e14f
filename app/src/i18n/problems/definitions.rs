//! The words for what the definitions import rules find wrong
//! (`domain::definitions::DefinitionsProblem`).

use domain::definitions::{ArgumentProblem, ArgumentRule, DefinitionsProblem, Reference, SideEffect, SkipReason};

use crate::i18n::Lang;

pub(super) fn text(lang: Lang, problem: &DefinitionsProblem) -> String {
    use DefinitionsProblem as D;
    let zh = lang == Lang::Zh;
    match problem {
        D::NotJson { line, column } if zh => format!("文件不是有效的 JSON（第 {line} 行第 {column} 列）"),
        D::NotJson { line, column } => format!("the file is not valid JSON (line {line}, column {column})"),
        D::NotAnObject if zh => "文件必须是一个 JSON 对象，与定义导出的格式相同".into(),
        D::NotAnObject => "the file must hold a JSON object, as a definitions export does".into(),
        D::NotForVhost { section } if zh => format!("导入到虚拟主机时不能包含 {section}；请改为导入整个 broker"),
        D::NotForVhost { section } => {
            format!("a vhost import cannot hold {section}; import the whole broker instead")
        }
        D::SectionNotList { section } if zh => format!("{section} 必须是列表"),
        D::SectionNotList { section } => format!("{section} must be a list"),
        D::ItemNotObject { section, index } if zh => format!("{section}[{index}] 必须是对象"),
        D::ItemNotObject { section, index } => format!("{section}[{index}] must be an object"),
        D::OtherVhost { section, index, vhost, import_vhost } if zh => {
            format!("{section}[{index}]：属于虚拟主机 {vhost:?}，但本次导入的是虚拟主机 {import_vhost:?}")
        }
        D::OtherVhost { section, index, vhost, import_vhost } => {
            format!("{section}[{index}]: belongs to vhost {vhost:?}, but this import is for vhost {import_vhost:?}")
        }
        D::NoName { section, index } if zh => format!("{section}[{index}]：没有名称"),
        D::NoName { section, index } => format!("{section}[{index}]: has no name"),
        D::Name { section, index, problem } if zh => {
            format!("{section}[{index}]：{}", super::form::text(lang, problem))
        }
        D::Name { section, index, problem } => format!("{section}[{index}]: {}", super::form::text(lang, problem)),
        D::NoDefinition { index } if zh => format!("policies[{index}]：没有 definition 对象"),
        D::NoDefinition { index } => format!("policies[{index}]: has no definition object"),
        D::UnknownApplyTo { index, apply_to } if zh => {
            format!("policies[{index}]：apply-to 的值 {apply_to:?} 不是 RabbitMQ 认识的")
        }
        D::UnknownApplyTo { index, apply_to } => {
            format!("policies[{index}]: apply-to {apply_to:?} is not one RabbitMQ knows")
        }
        D::Policy { index, name, problem } if zh => {
            format!("policies[{index}]：策略 {name:?}：{}", super::policy::text(lang, problem))
        }
        D::Policy { index, name, problem } => {
            format!("policies[{index}]: policy {name:?}: {}", super::policy::text(lang, problem))
        }
        D::NoVhost { section, index } if zh => {
            format!("{section}[{index}]：没有 vhost 字段；整个 broker 的导入需要它（RabbitMQ 会拒绝整个文件）")
        }
        D::NoVhost { section, index } => format!(
            "{section}[{index}]: has no vhost field, which a whole-broker import needs (RabbitMQ refuses the file)"
        ),
        D::Missing { section, index, missing } if zh => {
            format!("{section}[{index}]：{} 既不在 broker 上，也不在文件中", reference(lang, missing))
        }
        D::Missing { section, index, missing } => {
            format!("{section}[{index}]: {} is neither on the broker nor in the file", reference(lang, missing))
        }
        D::Component { index, component, plugin } if plugin.is_empty() && zh => {
            format!("parameters[{index}]：RabbitMQ 没有组件 {component:?}")
        }
        D::Component { index, component, plugin } if plugin.is_empty() => {
            format!("parameters[{index}]: RabbitMQ has no component {component:?}")
        }
        D::Component { index, component, plugin } if zh => format!(
            "parameters[{index}]：组件 {component:?} 需要插件 {plugin}，但它没有在每个运行的节点上启用（RabbitMQ 会报 \"component not found\"）"
        ),
        D::Component { index, component, plugin } => format!(
            "parameters[{index}]: component {component:?} needs the {plugin} plugin, which is not enabled on every running node (RabbitMQ says \"component not found\")"
        ),
        D::Limit { section, index, key } if key.is_empty() && zh => format!("{section}[{index}]：限制必须是对象"),
        D::Limit { section, index, key } if key.is_empty() => format!("{section}[{index}]: limits must be an object"),
        D::Limit { section, index, key } if zh => {
            format!("{section}[{index}]：限制 {key:?} 必须是 RabbitMQ 认识的限制，且值为整数")
        }
        D::Limit { section, index, key } => {
            format!("{section}[{index}]: limit {key:?} must be one RabbitMQ knows, with a whole number")
        }
        D::NoTags { index, name } if zh => {
            format!("users[{index}]：用户 {name:?} 没有 tags（RabbitMQ 报 tags_not_present）；没有标签时请写 \"tags\": []")
        }
        D::NoTags { index, name } => format!(
            "users[{index}]: user {name:?} has no tags (RabbitMQ says tags_not_present); write \"tags\": [] for none"
        ),
        D::BadTags { section, index } if zh => format!("{section}[{index}]：tags 必须是文本列表，或一个以逗号分隔的文本"),
        D::BadTags { section, index } => {
            format!("{section}[{index}]: tags must be a list of texts, or one comma-separated text")
        }
        D::TwoPasswords { index, name } if zh => {
            format!("users[{index}]：用户 {name:?} 同时有 password 和 password_hash；只能保留一个")
        }
        D::TwoPasswords { index, name } => {
            format!("users[{index}]: user {name:?} has both a password and a password_hash; keep one")
        }
        D::Argument { index, name, key, problem } if zh => {
            format!("queues[{index}]：队列 {name:?} 的参数 {key}：{}", argument(lang, problem))
        }
        D::Argument { index, name, key, problem } => {
            format!("queues[{index}]: queue {name:?}, argument {key}: {}", argument(lang, problem))
        }
        D::ExchangeType { index, name, kind } if zh => {
            format!("exchanges[{index}]：交换机 {name:?} 的类型 {kind:?} 不是 RabbitMQ 认识的")
        }
        D::ExchangeType { index, name, kind } => {
            format!("exchanges[{index}]: exchange {name:?} has type {kind:?}, which RabbitMQ does not have")
        }
        D::DestinationType { index, destination_type } if zh => {
            format!("bindings[{index}]：destination_type {destination_type:?} 只能是 queue 或 exchange")
        }
        D::DestinationType { index, destination_type } => {
            format!("bindings[{index}]: destination_type {destination_type:?} must be queue or exchange")
        }
        D::More { count } if zh => format!("另有 {count} 个问题未列出"),
        D::More { count } => format!("and {count} more"),
        D::PartlyApplied { reason, applied } if zh => format!(
            "broker 在导入中途失败：{reason}。失败前已生效（+ 新增，~ 变更），请据此修复：{}",
            applied.join("；")
        ),
        D::PartlyApplied { reason, applied } => format!(
            "the broker failed the import halfway: {reason}. Applied before it failed (+ added, ~ changed), to repair: {}",
            applied.join("; ")
        ),
    }
}

fn reference(lang: Lang, reference: &Reference) -> String {
    let (en, zh, name) = match reference {
        Reference::Vhost(name) => ("vhost", "虚拟主机", name),
        Reference::User(name) => ("user", "用户", name),
        Reference::Exchange(name) => ("exchange", "交换机", name),
        Reference::Queue(name) => ("queue", "队列", name),
    };
    format!("{} {name:?}", if lang == Lang::Zh { zh } else { en })
}

fn argument(lang: Lang, problem: &ArgumentProblem) -> String {
    let zh = lang == Lang::Zh;
    match problem {
        ArgumentProblem::NotForType { queue_type } if zh => format!("{queue_type} 类型的队列不接受此参数"),
        ArgumentProblem::NotForType { queue_type } => format!("{queue_type} queues do not take it"),
        ArgumentProblem::Value { rule } => match (rule, zh) {
            (ArgumentRule::AtLeast(min), true) => format!("必须是不小于 {min} 的整数"),
            (ArgumentRule::AtLeast(min), false) => format!("must be a whole number of at least {min}"),
            (ArgumentRule::Between(min, max), true) => format!("必须是 {min} 到 {max} 之间的整数"),
            (ArgumentRule::Between(min, max), false) => format!("must be a whole number from {min} to {max}"),
            (ArgumentRule::Boolean, true) => "必须是 true 或 false".into(),
            (ArgumentRule::Boolean, false) => "must be true or false".into(),
            (ArgumentRule::Text, true) => "必须是文本".into(),
            (ArgumentRule::Text, false) => "must be text".into(),
            (ArgumentRule::WithDeadLetterExchange, true) => {
                "必须是文本，且只能与 x-dead-letter-exchange 一起使用".into()
            }
            (ArgumentRule::WithDeadLetterExchange, false) => {
                "must be text, and only with x-dead-letter-exchange".into()
            }
            (ArgumentRule::OneOf(choices), true) => format!("必须是以下之一：{}", choices.join("、")),
            (ArgumentRule::OneOf(choices), false) => format!("must be one of {}", choices.join(", ")),
            (ArgumentRule::Age, true) => "必须是正整数加单位（Y、M、D、h、m、s），如 7D".into(),
            (ArgumentRule::Age, false) => "must be a positive whole number and a unit (Y, M, D, h, m, s), as 7D".into(),
        },
    }
}

/// What the import does besides the file's items, in this language.
pub fn effect(lang: Lang, effect: &SideEffect) -> String {
    match (effect, lang) {
        (SideEffect::FullPermissions { user, vhost }, Lang::Zh) => {
            format!("RabbitMQ 会给导入用户 {user:?} 在新建的虚拟主机 {vhost:?} 上授予全部权限（configure、write、read 均为 .*）")
        }
        (SideEffect::FullPermissions { user, vhost }, Lang::En) => format!(
            "RabbitMQ gives the importing user {user:?} full permissions (.* to configure, write, read) on the new vhost {vhost:?}"
        ),
        (SideEffect::ProtectionDropped { vhost }, Lang::Zh) => format!(
            "虚拟主机 {vhost:?} 的 protected_from_deletion 会被这个版本的 RabbitMQ 静默丢弃（4.1 起才支持）：它仍可被删除"
        ),
        (SideEffect::ProtectionDropped { vhost }, Lang::En) => format!(
            "this RabbitMQ drops protected_from_deletion of vhost {vhost:?} silently (known from 4.1): it can still be deleted"
        ),
    }
}

/// Why the broker passes over an item, in this language.
pub fn skip_reason(lang: Lang, reason: SkipReason) -> &'static str {
    match (reason, lang) {
        (SkipReason::Reserved, Lang::Zh) => "amq. 开头的名称属于 broker，导入时跳过",
        (SkipReason::Reserved, Lang::En) => "amq. names are the broker's own: skipped",
        (SkipReason::DefaultExchange, Lang::Zh) => "默认交换机不会被导入",
        (SkipReason::DefaultExchange, Lang::En) => "the default exchange is never imported",
        (SkipReason::NotDurable, Lang::Zh) => "仲裁队列和流必须持久化且不能自动删除：broker 不会创建它，也不报错",
        (SkipReason::NotDurable, Lang::En) => {
            "quorum queues and streams must be durable, not auto-delete: the broker does not create it, and says nothing"
        }
        (SkipReason::MissingEnd, Lang::Zh) => "源或目标既不在 broker 上也不在文件中：RabbitMQ 3.10 会静默丢弃这个绑定",
        (SkipReason::MissingEnd, Lang::En) => {
            "its source or destination is neither on the broker nor in the file: RabbitMQ 3.10 drops it without a word"
        }
    }
}

/// One problem of every variant, for the tests.
#[cfg(test)]
pub(super) fn samples() -> Vec<DefinitionsProblem> {
    use domain::ops::{FormProblem, ObjectKind};
    use domain::policy::PolicyProblem;
    use DefinitionsProblem as D;
    let s = |t: &str| t.to_string();
    vec![
        D::NotJson { line: 1, column: 2 },
        D::NotAnObject,
        D::NotForVhost { section: s("users") },
        D::SectionNotList { section: s("queues") },
        D::ItemNotObject { section: s("exchanges"), index: 3 },
        D::OtherVhost { section: s("queues"), index: 0, vhost: s("other"), import_vhost: s("/") },
        D::NoName { section: s("users"), index: 1 },
        D::Name { section: s("queues"), index: 2, problem: FormProblem::NameEmpty { kind: ObjectKind::Queue } },
        D::NoDefinition { index: 0 },
        D::UnknownApplyTo { index: 0, apply_to: s("topics") },
        D::Policy { index: 4, name: s("p"), problem: PolicyProblem::UnknownKey { key: s("colour") } },
        D::NoVhost { section: s("queues"), index: 0 },
        D::Missing { section: s("bindings"), index: 1, missing: Reference::Queue(s("gone")) },
        D::Component { index: 0, component: s("federation-upstream"), plugin: s("rabbitmq_federation") },
        D::Component { index: 0, component: s("colour"), plugin: s("") },
        D::Limit { section: s("users"), index: 0, key: s("max-connections") },
        D::Limit { section: s("users"), index: 0, key: s("") },
        D::NoTags { index: 0, name: s("u") },
        D::TwoPasswords { index: 0, name: s("u") },
        D::BadTags { section: s("vhosts"), index: 2 },
        D::Argument {
            index: 0,
            name: s("s"),
            key: s("x-max-length"),
            problem: ArgumentProblem::NotForType { queue_type: s("stream") },
        },
        D::Argument {
            index: 0,
            name: s("q"),
            key: s("x-max-age"),
            problem: ArgumentProblem::Value { rule: ArgumentRule::Age },
        },
        D::ExchangeType { index: 0, name: s("x"), kind: s("nope") },
        D::DestinationType { index: 0, destination_type: s("topic") },
        D::More { count: 3 },
        D::PartlyApplied { reason: s("boom"), applied: vec![s("+ user \"u\"")] },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_keeps_the_words_scripts_and_tests_look_for() {
        let all: Vec<String> = samples().iter().map(|p| text(Lang::En, p)).collect();
        assert!(all.contains(&"the file is not valid JSON (line 1, column 2)".to_string()));
        assert!(all.contains(&r#"policies[4]: policy "p": unknown policy key "colour""#.to_string()));
        assert!(
            all.contains(&r#"queues[0]: queue "s", argument x-max-length: stream queues do not take it"#.to_string())
        );
    }

    #[test]
    fn nested_problems_are_worded_in_the_same_language() {
        let policy = DefinitionsProblem::Policy {
            index: 0,
            name: "p".into(),
            problem: domain::policy::PolicyProblem::OperatorOnExchanges,
        };
        let zh = text(Lang::Zh, &policy);
        assert!(zh.starts_with("policies[0]：策略 \"p\"：") && zh.contains("运维策略"), "{zh}");
        let argument = DefinitionsProblem::Argument {
            index: 1,
            name: "q".into(),
            key: "x-overflow".into(),
            problem: ArgumentProblem::Value {
                rule: ArgumentRule::OneOf(vec!["drop-head".into(), "reject-publish".into()]),
            },
        };
        assert_eq!(
            text(Lang::Zh, &argument),
            "queues[1]：队列 \"q\" 的参数 x-overflow：必须是以下之一：drop-head、reject-publish"
        );
        assert_eq!(
            text(Lang::En, &argument),
            "queues[1]: queue \"q\", argument x-overflow: must be one of drop-head, reject-publish"
        );
    }
}
