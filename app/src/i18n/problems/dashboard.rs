//! The words for what the dashboard rules (`domain::dashboard`) find wrong with a dashboard, and
//! for a file or a text that is not one.

use domain::dashboard::DashboardProblem;

use crate::components::dashboard_form::{kind_label, metric_label};
use crate::i18n::Lang;

pub(super) fn text(lang: Lang, problem: &DashboardProblem) -> String {
    match lang {
        Lang::En => english(problem),
        Lang::Zh => chinese(problem),
    }
}

fn english(problem: &DashboardProblem) -> String {
    use DashboardProblem as P;
    match problem {
        P::WrongVersion { version, expected } => {
            format!("version {version} is not {expected}, the one this Warren reads")
        }
        P::NameLength { max } => format!("the name must be 1 to {max} characters"),
        P::TileCount { max } => format!("a dashboard has 1 to {max} tiles"),
        P::UnknownCluster { tile, cluster } => format!("tile {tile}: no cluster named {cluster:?} is configured"),
        P::TitleTooLong { tile, max } => format!("tile {tile}: the title is longer than {max} characters"),
        P::WidthOutOfRange { tile, max } => format!("tile {tile}: the width is 1 to {max} columns"),
        P::ListLength { tile, max } => format!("tile {tile}: the list shows 1 to {max} queues"),
        P::PatternLength { tile, max } => format!("tile {tile}: the name pattern is 1 to {max} characters"),
        P::MetricNotShown { tile, kind, metric } => {
            format!("tile {tile}: a {kind} tile shows no {metric:?} for a threshold to colour")
        }
        P::ThresholdOrder { tile, metric, below } => {
            let side = if *below { "above" } else { "below" };
            format!("tile {tile}: the {metric:?} threshold needs numbers with amber {side} red")
        }
        P::NotAnExport { detail } => format!("the file is not an export of dashboards: {detail}"),
        P::NotADashboard { detail } => format!("the dashboard is not valid JSON of a dashboard: {detail}"),
    }
}

fn chinese(problem: &DashboardProblem) -> String {
    use DashboardProblem as P;
    let t = Lang::Zh.texts();
    let tile_n = |tile: &usize| (t.tile_n)(*tile);
    match problem {
        P::WrongVersion { version, expected } => {
            format!("版本 {version} 不是此 Warren 读取的版本 {expected}")
        }
        P::NameLength { max } => format!("名称须为 1 到 {max} 个字符"),
        P::TileCount { max } => format!("看板须有 1 到 {max} 个磁贴"),
        P::UnknownCluster { tile, cluster } => format!("{}：未配置名为 {cluster:?} 的集群", tile_n(tile)),
        P::TitleTooLong { tile, max } => format!("{}：标题超过 {max} 个字符", tile_n(tile)),
        P::WidthOutOfRange { tile, max } => format!("{}：宽度须为 1 到 {max} 列", tile_n(tile)),
        P::ListLength { tile, max } => format!("{}：列出的队列数须为 1 到 {max}", tile_n(tile)),
        P::PatternLength { tile, max } => format!("{}：名称匹配须为 1 到 {max} 个字符", tile_n(tile)),
        P::MetricNotShown { tile, kind, metric } => {
            let label = Some(kind_label(kind, t)).filter(|l| !l.is_empty()).unwrap_or(kind);
            format!("{}：“{label}”磁贴不显示“{}”，阈值无从着色", tile_n(tile), metric_label(*metric, t))
        }
        P::ThresholdOrder { tile, metric, below } => {
            let side = if *below { "高于" } else { "低于" };
            format!("{}：“{}”阈值须为数字，且琥珀色{side}红色", tile_n(tile), metric_label(*metric, t))
        }
        P::NotAnExport { detail } => format!("该文件不是导出的看板：{detail}"),
        P::NotADashboard { detail } => format!("这不是有效的看板 JSON：{detail}"),
    }
}

#[cfg(test)]
pub(super) fn samples() -> Vec<DashboardProblem> {
    use domain::dashboard::Metric;
    use DashboardProblem as P;
    vec![
        P::WrongVersion { version: 2, expected: 1 },
        P::NameLength { max: 200 },
        P::TileCount { max: 24 },
        P::UnknownCluster { tile: 1, cluster: "nowhere".into() },
        P::TitleTooLong { tile: 2, max: 200 },
        P::WidthOutOfRange { tile: 3, max: 4 },
        P::ListLength { tile: 4, max: 50 },
        P::PatternLength { tile: 5, max: 1024 },
        P::MetricNotShown { tile: 6, kind: "cluster_status".into(), metric: Metric::Ready },
        P::ThresholdOrder { tile: 7, metric: Metric::Consumers, below: true },
        P::NotAnExport { detail: "expected value at line 1 column 1".into() },
        P::NotADashboard { detail: "EOF while parsing a list at line 1 column 44".into() },
    ]
}

#[cfg(test)]
mod tests {
    use domain::dashboard::Metric;

    use super::*;

    #[test]
    fn the_english_words_stay_those_the_tests_look_for() {
        let en = |p: DashboardProblem| text(Lang::En, &p);
        assert_eq!(
            en(DashboardProblem::UnknownCluster { tile: 1, cluster: "nowhere".into() }),
            "tile 1: no cluster named \"nowhere\" is configured"
        );
        assert_eq!(
            en(DashboardProblem::ThresholdOrder { tile: 2, metric: Metric::Ready, below: false }),
            "tile 2: the Ready threshold needs numbers with amber below red"
        );
        assert_eq!(
            en(DashboardProblem::MetricNotShown { tile: 1, kind: "cluster_status".into(), metric: Metric::Ready }),
            "tile 1: a cluster_status tile shows no Ready for a threshold to colour"
        );
        assert!(en(DashboardProblem::NameLength { max: 200 }).starts_with("the name must be"));
        assert!(en(DashboardProblem::NotADashboard { detail: "x".into() }).contains("not valid JSON"));
    }

    #[test]
    fn chinese_names_the_tile_kind_and_metric_in_chinese() {
        let zh = text(
            Lang::Zh,
            &DashboardProblem::MetricNotShown { tile: 1, kind: "cluster_status".into(), metric: Metric::Ready },
        );
        assert_eq!(zh, "磁贴 1：“集群状态”磁贴不显示“就绪”，阈值无从着色");
        let unknown = DashboardProblem::MetricNotShown { tile: 1, kind: "pie".into(), metric: Metric::Ready };
        assert!(text(Lang::Zh, &unknown).contains("“pie”"), "an unknown kind keeps its JSON name");
    }
}
