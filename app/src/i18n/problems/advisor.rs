//! The words for what is wrong with a request to mute an advisor finding (`domain::advisor`).

use domain::advisor::MuteProblem;

use crate::i18n::Lang;

pub(super) fn text(lang: Lang, problem: &MuteProblem) -> String {
    use MuteProblem as P;
    match (lang, problem) {
        (Lang::En, P::NoReason) => "say why the finding is intended: the reason is shown to every admin".into(),
        (Lang::En, P::ReasonTooLong { max }) => format!("the reason is longer than {max} characters"),
        (Lang::En, P::ControlCharacters) => "the reason holds a line break or another control character".into(),
        (Lang::En, P::NotFound) => "the advisor does not find this on the cluster now; nothing to mute".into(),
        (Lang::Zh, P::NoReason) => "请说明为什么这是有意为之：每位管理员都会看到这个原因".into(),
        (Lang::Zh, P::ReasonTooLong { max }) => format!("原因超过 {max} 个字符"),
        (Lang::Zh, P::ControlCharacters) => "原因含有换行或其他控制字符".into(),
        (Lang::Zh, P::NotFound) => "顾问当前在集群上没有发现这一项，无需静默".into(),
    }
}

#[cfg(test)]
pub(super) fn samples() -> Vec<MuteProblem> {
    use MuteProblem as P;
    vec![P::NoReason, P::ReasonTooLong { max: 500 }, P::ControlCharacters, P::NotFound]
}
