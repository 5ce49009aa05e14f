//! The words for what the write forms' rules (`domain::ops`) find wrong: names, typed rows, test
//! messages, Get, queue arguments, exchanges.

use domain::ops::problem::{FormProblem, ObjectKind, Table};

use crate::i18n::Lang;

pub(super) fn text(lang: Lang, problem: &FormProblem) -> String {
    match lang {
        Lang::En => english(problem),
        Lang::Zh => chinese(problem),
    }
}

fn english(problem: &FormProblem) -> String {
    use FormProblem as P;
    let what = |kind: &ObjectKind| object_en(*kind);
    let table = |table: &Table| match table {
        Table::Headers => "headers",
        Table::Arguments => "arguments",
    };
    match problem {
        P::NameEmpty { kind } => format!("the {} name is empty", what(kind)),
        P::NameTooLong { kind, bytes, max } => {
            format!("the {} name is {bytes} bytes long; RabbitMQ allows {max}", what(kind))
        }
        P::NameUnaddressable { kind, name } => {
            let article = if kind == &ObjectKind::AlternateExchange { "an" } else { "a" };
            format!("{article} {} cannot be named {name:?}: the management API cannot address it", what(kind))
        }
        P::NameControlCharacter { kind } => {
            format!("the {} name contains a control character (line feed, tab, NUL…)", what(kind))
        }
        P::NameReserved { kind } => {
            format!("names starting with \"amq.\" are reserved by RabbitMQ; choose another {} name", what(kind))
        }
        P::ValueWithoutKey { table: t, value } => format!("{}: a value {value:?} has no name", table(t)),
        P::KeyTwice { table: t, key } => format!("{}: {key:?} is given twice", table(t)),
        P::ValueNotBoolean { table: t, key, value } => {
            format!("{}: {key}: {value:?} is not true or false", table(t))
        }
        P::ValueNotNumber { table: t, key, value } => format!("{}: {key}: {value:?} is not a number", table(t)),
        P::PayloadNotBase64 => "the payload is not valid base64".into(),
        P::PayloadTooLarge { bytes, max } => {
            format!("the payload is {bytes} bytes; test messages may have at most {max}")
        }
        P::PriorityInvalid => "priority must be a whole number from 0 to 255".into(),
        P::ExpirationInvalid => "expiration is a number of milliseconds (0 to 4294967295)".into(),
        P::TimestampInvalid => "timestamp is seconds since 1970 (a whole number)".into(),
        P::RoutingKeyTooLong { max } => format!("the routing key is longer than {max} bytes"),
        P::CopiesOutOfRange { max } => format!("copies must be from 1 to {max}"),
        P::TemplateNameLength { max } => format!("a template name of 1-{max} characters is needed"),
        P::ReasonTooLong { max } => format!("the reason is longer than {max} characters"),
        P::CountOutOfRange { max } => format!("count must be from 1 to {max}"),
        P::QueueTypeArgument => "x-queue-type is set by the queue type field".into(),
        P::ArgumentNotForType { key, queue_type } => {
            format!("{key} does not apply to {} queues", queue_type.as_str())
        }
        P::ArgumentNotWholeNumber { key } => format!("{key} must be a whole number"),
        P::ArgumentTooSmall { key, min, got } => format!("{key} must be at least {min} (got {got})"),
        P::ArgumentTooLarge { key, max } => format!("{key} must be at most {max}"),
        P::ArgumentNotBoolean { key } => format!("{key} must be true or false"),
        P::ArgumentNotText { key } => format!("{key} must be text"),
        P::ArgumentNotAChoice { key, choices } => format!("{key} must be one of {}", choices.join(", ")),
        P::AlwaysDurable { queue_type } => {
            format!("{} queues are always durable and never auto-delete", queue_type.as_str())
        }
        P::NoExchangeType => "choose an exchange type".into(),
        P::MoveToItself => "messages cannot be moved into the queue they are in; choose another queue".into(),
    }
}

fn chinese(problem: &FormProblem) -> String {
    use FormProblem as P;
    let what = |kind: &ObjectKind| object_zh(*kind);
    let table = |table: &Table| match table {
        Table::Headers => "消息头",
        Table::Arguments => "参数",
    };
    match problem {
        P::NameEmpty { kind } => format!("{}名称为空", what(kind)),
        P::NameTooLong { kind, bytes, max } => {
            format!("{}名称长 {bytes} 字节；RabbitMQ 最多允许 {max} 字节", what(kind))
        }
        P::NameUnaddressable { kind, name } => {
            format!("{}不能命名为 {name:?}：管理 API 无法访问这样的名称", what(kind))
        }
        P::NameControlCharacter { kind } => format!("{}名称包含控制字符（换行、制表符、NUL…）", what(kind)),
        P::NameReserved { kind } => {
            format!("以 \"amq.\" 开头的名称由 RabbitMQ 保留；请为{}另选一个名称", what(kind))
        }
        P::ValueWithoutKey { table: t, value } => format!("{}：值 {value:?} 没有名称", table(t)),
        P::KeyTwice { table: t, key } => format!("{}：{key:?} 出现了两次", table(t)),
        P::ValueNotBoolean { table: t, key, value } => {
            format!("{}：{key}：{value:?} 不是 true 或 false", table(t))
        }
        P::ValueNotNumber { table: t, key, value } => format!("{}：{key}：{value:?} 不是数字", table(t)),
        P::PayloadNotBase64 => "消息体不是有效的 base64".into(),
        P::PayloadTooLarge { bytes, max } => format!("消息体为 {bytes} 字节；测试消息最多 {max} 字节"),
        P::PriorityInvalid => "优先级（priority）必须是 0 到 255 之间的整数".into(),
        P::ExpirationInvalid => "过期时间（expiration）是毫秒数（0 到 4294967295）".into(),
        P::TimestampInvalid => "时间戳（timestamp）是自 1970 年起的秒数（整数）".into(),
        P::RoutingKeyTooLong { max } => format!("路由键超过 {max} 字节"),
        P::CopiesOutOfRange { max } => format!("份数必须在 1 到 {max} 之间"),
        P::TemplateNameLength { max } => format!("模板名称须为 1 到 {max} 个字符"),
        P::ReasonTooLong { max } => format!("原因不能超过 {max} 个字符"),
        P::CountOutOfRange { max } => format!("数量必须在 1 到 {max} 之间"),
        P::QueueTypeArgument => "x-queue-type 由队列类型字段设置".into(),
        P::ArgumentNotForType { key, queue_type } => format!("{key} 不适用于 {} 队列", queue_type.as_str()),
        P::ArgumentNotWholeNumber { key } => format!("{key} 必须是整数"),
        P::ArgumentTooSmall { key, min, got } => format!("{key} 不能小于 {min}（当前为 {got}）"),
        P::ArgumentTooLarge { key, max } => format!("{key} 不能大于 {max}"),
        P::ArgumentNotBoolean { key } => format!("{key} 必须是 true 或 false"),
        P::ArgumentNotText { key } => format!("{key} 必须是文本"),
        P::ArgumentNotAChoice { key, choices } => format!("{key} 必须是以下之一：{}", choices.join("、")),
        P::AlwaysDurable { queue_type } => {
            format!("{} 队列总是持久化的，且不会自动删除", queue_type.as_str())
        }
        P::NoExchangeType => "请选择交换机类型".into(),
        P::MoveToItself => "不能把消息移动到它们所在的队列；请选择另一个队列".into(),
    }
}

fn object_en(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Vhost => "vhost",
        ObjectKind::Queue => "queue",
        ObjectKind::Exchange => "exchange",
        ObjectKind::SourceExchange => "source exchange",
        ObjectKind::DestinationExchange => "destination exchange",
        ObjectKind::AlternateExchange => "alternate exchange",
        ObjectKind::Policy => "policy",
        ObjectKind::User => "user",
        ObjectKind::Connection => "connection",
        ObjectKind::DestinationQueue => "destination queue",
        ObjectKind::Shovel => "shovel",
    }
}

fn object_zh(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Vhost => "虚拟主机",
        ObjectKind::Queue => "队列",
        ObjectKind::Exchange => "交换机",
        ObjectKind::SourceExchange => "源交换机",
        ObjectKind::DestinationExchange => "目标交换机",
        ObjectKind::AlternateExchange => "备用交换机",
        ObjectKind::Policy => "策略",
        ObjectKind::User => "用户",
        ObjectKind::Connection => "连接",
        ObjectKind::DestinationQueue => "目标队列",
        ObjectKind::Shovel => "Shovel",
    }
}

#[cfg(test)]
pub(super) fn samples() -> Vec<FormProblem> {
    use domain::ops::queue::QueueType;
    use FormProblem as P;
    let key = || "x-message-ttl".to_string();
    vec![
        P::NameEmpty { kind: ObjectKind::Vhost },
        P::NameTooLong { kind: ObjectKind::Queue, bytes: 300, max: 255 },
        P::NameUnaddressable { kind: ObjectKind::AlternateExchange, name: "..".into() },
        P::NameControlCharacter { kind: ObjectKind::Policy },
        P::NameReserved { kind: ObjectKind::Exchange },
        P::ValueWithoutKey { table: Table::Headers, value: "orphan".into() },
        P::KeyTwice { table: Table::Arguments, key: "x-match".into() },
        P::ValueNotBoolean { table: Table::Headers, key: "retry".into(), value: "yes".into() },
        P::ValueNotNumber { table: Table::Arguments, key: key(), value: "12abc".into() },
        P::PayloadNotBase64,
        P::PayloadTooLarge { bytes: 600_000, max: 524_288 },
        P::PriorityInvalid,
        P::ExpirationInvalid,
        P::TimestampInvalid,
        P::RoutingKeyTooLong { max: 255 },
        P::CopiesOutOfRange { max: 1000 },
        P::TemplateNameLength { max: 100 },
        P::ReasonTooLong { max: 200 },
        P::CountOutOfRange { max: 100 },
        P::QueueTypeArgument,
        P::ArgumentNotForType { key: "x-delivery-limit".into(), queue_type: QueueType::Classic },
        P::ArgumentNotWholeNumber { key: key() },
        P::ArgumentTooSmall { key: key(), min: 0, got: -5 },
        P::ArgumentTooLarge { key: "x-max-priority".into(), max: 255 },
        P::ArgumentNotBoolean { key: "x-single-active-consumer".into() },
        P::ArgumentNotText { key: "x-overflow".into() },
        P::ArgumentNotAChoice { key: "x-overflow".into(), choices: vec!["drop-head".into(), "reject-publish".into()] },
        P::AlwaysDurable { queue_type: QueueType::Quorum },
        P::NoExchangeType,
        P::MoveToItself,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_object_is_named_in_both_languages() {
        for kind in ObjectKind::ALL {
            let empty = FormProblem::NameEmpty { kind };
            assert!(text(Lang::En, &empty).contains(object_en(kind)), "{kind:?}");
            assert!(text(Lang::Zh, &empty).contains(object_zh(kind)), "{kind:?}");
        }
    }

    #[test]
    fn the_english_words_stay_those_api_clients_and_tests_know() {
        use domain::ops::queue::QueueType;
        let en = |p: FormProblem| text(Lang::En, &p);
        assert_eq!(en(FormProblem::NameEmpty { kind: ObjectKind::Vhost }), "the vhost name is empty");
        assert_eq!(
            en(FormProblem::NameUnaddressable { kind: ObjectKind::Queue, name: "..".into() }),
            "a queue cannot be named \"..\": the management API cannot address it"
        );
        assert_eq!(
            en(FormProblem::NameReserved { kind: ObjectKind::Queue }),
            "names starting with \"amq.\" are reserved by RabbitMQ; choose another queue name"
        );
        assert_eq!(
            en(FormProblem::ArgumentTooSmall { key: "x-message-ttl".into(), min: 0, got: -5 }),
            "x-message-ttl must be at least 0 (got -5)"
        );
        assert_eq!(
            en(FormProblem::ValueNotNumber { table: Table::Headers, key: "n".into(), value: "x".into() }),
            "headers: n: \"x\" is not a number"
        );
        assert_eq!(
            en(FormProblem::PayloadTooLarge { bytes: 9, max: 8 }),
            "the payload is 9 bytes; test messages may have at most 8"
        );
        assert_eq!(en(FormProblem::CopiesOutOfRange { max: 1000 }), "copies must be from 1 to 1000");
        assert_eq!(
            en(FormProblem::AlwaysDurable { queue_type: QueueType::Stream }),
            "stream queues are always durable and never auto-delete"
        );
    }
}
