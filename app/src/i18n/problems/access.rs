//! The words for what the access rules (`domain::access`) find wrong: users, vhosts,
//! permissions, limits.

use domain::access::{AccessProblem, PermissionField};

use crate::i18n::Lang;

pub(super) fn text(lang: Lang, problem: &AccessProblem) -> String {
    match lang {
        Lang::En => english(problem),
        Lang::Zh => chinese(problem),
    }
}

fn english(problem: &AccessProblem) -> String {
    use AccessProblem as P;
    match problem {
        P::PasswordMissing => "choose how the user signs in: a password, a password hash, or no password".into(),
        P::PasswordEmpty => "the password is empty; RabbitMQ would store it and then refuse every sign-in".into(),
        P::TextTooLong { max } => format!("a password, hash, description or regex is longer than {max} bytes"),
        P::HashInvalid => {
            "the password hash is not base64 of a salt and a digest (as rabbitmqctl hash_password prints it)".into()
        }
        P::TagInvalid { tag } => format!("tag {tag:?}: use letters, digits, \"_\", \"-\" and \".\" only"),
        P::TooManyTags { max } => format!("at most {max} tags"),
        P::ConfirmMismatch { expected } => format!("type {expected:?} exactly to confirm"),
        P::LimitNotFor { key } => format!("{} is not a limit of this kind of object", key.as_str()),
        P::LimitOutOfRange { max } => format!("a limit is a whole number from 0 to {max}; clear it for no limit"),
        P::RegexInvalid { field, detail } => {
            format!("the {} regex is not a valid regular expression: {detail}", field_en(*field))
        }
        P::DefaultQueueTypeUnsupported { version } => {
            format!("RabbitMQ {version} keeps no default queue type for a vhost (3.11 and later do)")
        }
        P::OwnAccount => {
            "Warren signs in to this cluster with this user: deleting it, or removing its administrator tag, would cut Warren off".into()
        }
    }
}

fn chinese(problem: &AccessProblem) -> String {
    use AccessProblem as P;
    match problem {
        P::PasswordMissing => "请选择用户的登录方式：密码、密码哈希或不设密码".into(),
        P::PasswordEmpty => "密码为空；RabbitMQ 会保存它，但之后拒绝所有登录".into(),
        P::TextTooLong { max } => format!("密码、哈希、描述或正则表达式超过 {max} 字节"),
        P::HashInvalid => "密码哈希不是盐值加摘要的 base64（即 rabbitmqctl hash_password 的输出）".into(),
        P::TagInvalid { tag } => format!("标签 {tag:?}：只能使用字母、数字、\"_\"、\"-\" 和 \".\""),
        P::TooManyTags { max } => format!("最多 {max} 个标签"),
        P::ConfirmMismatch { expected } => format!("请准确输入 {expected:?} 以确认"),
        P::LimitNotFor { key } => format!("{} 不是这类对象的限制", key.as_str()),
        P::LimitOutOfRange { max } => format!("限制是 0 到 {max} 的整数；不限制请清除"),
        P::RegexInvalid { field, detail } => format!("{}权限的正则表达式无效：{detail}", field_zh(*field)),
        P::DefaultQueueTypeUnsupported { version } => {
            format!("RabbitMQ {version} 不保存虚拟主机的默认队列类型（3.11 及以后才支持）")
        }
        P::OwnAccount => "Warren 用这个用户连接本集群：删除它或去掉它的 administrator 标签会使 Warren 失去连接".into(),
    }
}

fn field_en(field: PermissionField) -> &'static str {
    match field {
        PermissionField::Configure => "configure",
        PermissionField::Write => "write",
        PermissionField::Read => "read",
    }
}

fn field_zh(field: PermissionField) -> &'static str {
    match field {
        PermissionField::Configure => "配置",
        PermissionField::Write => "写",
        PermissionField::Read => "读",
    }
}

#[cfg(test)]
pub(super) fn samples() -> Vec<AccessProblem> {
    use domain::access::LimitKey;
    use AccessProblem as P;
    vec![
        P::PasswordMissing,
        P::PasswordEmpty,
        P::TextTooLong { max: 1024 },
        P::HashInvalid,
        P::TagInvalid { tag: "b c".into() },
        P::TooManyTags { max: 16 },
        P::ConfirmMismatch { expected: "prod".into() },
        P::LimitNotFor { key: LimitKey::MaxChannels },
        P::LimitOutOfRange { max: 1_000_000_000 },
        P::RegexInvalid { field: PermissionField::Configure, detail: "unclosed character class".into() },
        P::DefaultQueueTypeUnsupported { version: "3.10".into() },
        P::OwnAccount,
    ]
}
