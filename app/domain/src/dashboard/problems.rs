//! What a dashboard spec may not be: its problems, each naming the tile it is in.

use serde::{Deserialize, Serialize};

use super::*;

/// What `DashboardSpec::problems` finds wrong, as data; worded in `app::i18n::problems`. `tile`
/// is the tile's number as the editor shows it, from 1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DashboardProblem {
    /// The spec is of another `version` than the `expected` one this Warren reads.
    WrongVersion {
        version: u32,
        expected: u32,
    },
    /// The name is empty or longer than `max` characters.
    NameLength {
        max: usize,
    },
    /// No tiles, or more than `max`.
    TileCount {
        max: usize,
    },
    UnknownCluster {
        tile: usize,
        cluster: String,
    },
    TitleTooLong {
        tile: usize,
        max: usize,
    },
    /// A width outside 1 to `max` grid columns.
    WidthOutOfRange {
        tile: usize,
        max: u8,
    },
    /// A list of queues of 0 or more than `max`.
    ListLength {
        tile: usize,
        max: u8,
    },
    /// A queue name pattern that is empty or longer than `max` bytes.
    PatternLength {
        tile: usize,
        max: usize,
    },
    /// A threshold on a number a tile of this `kind` (its JSON name) does not show.
    MetricNotShown {
        tile: usize,
        kind: String,
        metric: Metric,
    },
    /// A threshold's limits are not numbers, or amber is past red.
    ThresholdOrder {
        tile: usize,
        metric: Metric,
        below: bool,
    },
    /// An imported file is not a list of dashboard specs; `detail` is the JSON reader's.
    NotAnExport {
        detail: String,
    },
    /// The editor's JSON is not a dashboard spec; `detail` is the JSON reader's.
    NotADashboard {
        detail: String,
    },
}

impl DashboardSpec {
    /// Every problem, each naming the tile it is in; `clusters` are the configured ones.
    pub fn problems(&self, clusters: &[String]) -> Vec<DashboardProblem> {
        let mut out = Vec::new();
        if self.version != SPEC_VERSION {
            out.push(DashboardProblem::WrongVersion { version: self.version, expected: SPEC_VERSION });
        }
        if self.name.trim().is_empty() || self.name.chars().count() > MAX_TEXT {
            out.push(DashboardProblem::NameLength { max: MAX_TEXT });
        }
        if self.tiles.is_empty() || self.tiles.len() > MAX_TILES {
            out.push(DashboardProblem::TileCount { max: MAX_TILES });
        }
        for (i, tile) in self.tiles.iter().enumerate() {
            let n = i + 1;
            if !clusters.contains(&tile.cluster) {
                out.push(DashboardProblem::UnknownCluster { tile: n, cluster: tile.cluster.clone() });
            }
            if tile.title.chars().count() > MAX_TEXT {
                out.push(DashboardProblem::TitleTooLong { tile: n, max: MAX_TEXT });
            }
            if !(1..=MAX_WIDTH).contains(&tile.width) {
                out.push(DashboardProblem::WidthOutOfRange { tile: n, max: MAX_WIDTH });
            }
            match &tile.kind {
                TileKind::TopQueues { limit, .. } | TileKind::NoConsumers { limit, .. }
                    if !(1..=MAX_LIST).contains(limit) =>
                {
                    out.push(DashboardProblem::ListLength { tile: n, max: MAX_LIST });
                }
                _ => {}
            }
            if let TileKind::Backlog { queues, .. }
            | TileKind::TopQueues { queues, .. }
            | TileKind::NoConsumers { queues, .. } = &tile.kind
            {
                if queues.pattern.as_ref().is_some_and(|p| p.is_empty() || p.len() > MAX_PATTERN) {
                    out.push(DashboardProblem::PatternLength { tile: n, max: MAX_PATTERN });
                }
            }
            for t in &tile.thresholds {
                if !tile.kind.metrics().contains(&t.metric) {
                    out.push(DashboardProblem::MetricNotShown {
                        tile: n,
                        kind: tile.kind.name().into(),
                        metric: t.metric,
                    });
                }
                let finite = [t.amber, t.red].iter().flatten().all(|v| v.is_finite());
                let ordered = match (t.amber, t.red) {
                    (Some(amber), Some(red)) => {
                        if t.below {
                            amber >= red
                        } else {
                            amber <= red
                        }
                    }
                    _ => true,
                };
                if !finite || !ordered {
                    out.push(DashboardProblem::ThresholdOrder { tile: n, metric: t.metric, below: t.below });
                }
            }
        }
        out
    }
}
