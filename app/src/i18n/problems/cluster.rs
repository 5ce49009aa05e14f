//! The words for what the cluster rules (`domain::cluster`) find wrong: its name, its feature flags.

use domain::cluster::ClusterProblem;

use crate::i18n::Lang;

pub(super) fn text(lang: Lang, problem: &ClusterProblem) -> String {
    use ClusterProblem as P;
    match (lang, problem) {
        (Lang::En, P::NameEmpty) => "the cluster name is empty".into(),
        (Lang::En, P::NameTooLong { max }) => format!("the cluster name is longer than {max} bytes"),
        (Lang::En, P::NameControl) => "the cluster name holds a line break or another control character".into(),
        (Lang::En, P::FlagUnknown { name }) => format!("the broker has no feature flag named {name:?}"),
        (Lang::En, P::FlagExperimental { name }) => format!(
            "{name} is experimental: it cannot be disabled once enabled, and RabbitMQ may not upgrade a cluster that runs it; confirm that you mean it"
        ),
        (Lang::Zh, P::NameEmpty) => "集群名称为空".into(),
        (Lang::Zh, P::NameTooLong { max }) => format!("集群名称超过 {max} 字节"),
        (Lang::Zh, P::NameControl) => "集群名称含有换行或其他控制字符".into(),
        (Lang::Zh, P::FlagUnknown { name }) => format!("该 Broker 没有名为 {name:?} 的特性开关"),
        (Lang::Zh, P::FlagExperimental { name }) => {
            format!("{name} 是实验性特性开关：启用后无法关闭，RabbitMQ 也可能无法升级启用了它的集群；请确认确实要启用")
        }
    }
}

#[cfg(test)]
pub(super) fn samples() -> Vec<ClusterProblem> {
    use ClusterProblem as P;
    vec![
        P::NameEmpty,
        P::NameTooLong { max: 255 },
        P::NameControl,
        P::FlagUnknown { name: "nope".into() },
        P::FlagExperimental { name: "khepri_db".into() },
    ]
}
