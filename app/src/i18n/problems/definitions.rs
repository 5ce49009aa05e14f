//! The words for what the definitions import rules find wrong
//! (`domain::definitions::DefinitionsProblem`).

use domain::definitions::DefinitionsProblem;

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
        D::Redeclared { section, id, fields } if zh => format!(
            "{} 已存在，但 {} 不同：RabbitMQ 无法重新声明它；请先删除它，或修改文件",
            item(lang, section, id),
            fields.join("、")
        ),
        D::Redeclared { section, id, fields } => format!(
            "{} exists with other {}: RabbitMQ cannot redeclare it; delete it first or change the file",
            item(lang, section, id),
            fields.join(", ")
        ),
    }
}

/// An item of a section, as the preview names it: `queue "/" / "orders"`.
fn item(lang: Lang, section: &str, id: &[String]) -> String {
    let kind = match (lang, section) {
        (Lang::En, "policies") => "policy",
        (Lang::En, other) => other.trim_end_matches('s'),
        (Lang::Zh, "users") => "用户",
        (Lang::Zh, "vhosts") => "虚拟主机",
        (Lang::Zh, "permissions") => "权限",
        (Lang::Zh, "topic_permissions") => "主题权限",
        (Lang::Zh, "parameters") => "参数",
        (Lang::Zh, "global_parameters") => "全局参数",
        (Lang::Zh, "policies") => "策略",
        (Lang::Zh, "queues") => "队列",
        (Lang::Zh, "exchanges") => "交换机",
        (Lang::Zh, "bindings") => "绑定",
        (Lang::Zh, other) => other,
    };
    format!("{kind} {}", id.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>().join(" / "))
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
        D::Redeclared { section: s("queues"), id: vec![s("/"), s("orders")], fields: vec![s("durable")] },
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
        assert!(all.contains(
            &r#"queue "/" / "orders" exists with other durable: RabbitMQ cannot redeclare it; delete it first or change the file"#
                .to_string()
        ));
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
        let redeclared = DefinitionsProblem::Redeclared {
            section: "exchanges".into(),
            id: vec!["/".into(), "events".into()],
            fields: vec!["type".into(), "durable".into()],
        };
        assert!(text(Lang::Zh, &redeclared).starts_with("交换机 \"/\" / \"events\" 已存在，但 type、durable 不同"));
        assert!(text(Lang::En, &redeclared).starts_with("exchange \"/\" / \"events\" exists with other type, durable:"));
    }
}
