//! Wall-screen dashboards: a named set of tiles, each showing one thing about one cluster, with
//! colour thresholds. Shared by the editor, the kiosk page and the server that fills the tiles,
//! so all three agree on what a valid dashboard is.

use serde::{Deserialize, Serialize};

use crate::backlog::Range;

mod problems;
mod tile_data;

pub use problems::DashboardProblem;
pub use tile_data::{TileData, TileQueue, Warning};

/// The version of the JSON an export holds; an import of another version is refused.
pub const SPEC_VERSION: u32 = 1;
pub const MAX_TILES: usize = 24;
/// Widest tile, in grid columns.
pub const MAX_WIDTH: u8 = 4;
const MAX_LIST: u8 = 50;
const MAX_TEXT: usize = 200;
/// Longest queue name pattern, in bytes.
const MAX_PATTERN: usize = 1024;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub id: i64,
    /// Goes up with every save: a kiosk showing an older one redraws its layout.
    pub rev: u64,
    pub spec: DashboardSpec,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DashboardSpec {
    pub version: u32,
    /// Unique; what the screen shows at the top.
    pub name: String,
    pub tiles: Vec<Tile>,
}

/// (Unknown keys are refused by `TileKind`, which sees every key `Tile` does not take: serde
/// cannot deny them on a struct with a flattened field.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tile {
    /// Empty: a title made from the kind and its target.
    #[serde(default)]
    pub title: String,
    pub cluster: String,
    #[serde(flatten)]
    pub kind: TileKind,
    #[serde(default)]
    pub thresholds: Vec<Threshold>,
    /// Grid columns spanned, 1 to 4: the most important numbers get the most room.
    #[serde(default = "one")]
    pub width: u8,
}

fn one() -> u8 {
    1
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TileKind {
    /// Nodes up out of all, and any memory or disk alarm. (Braces on the field-less kinds: only
    /// struct variants refuse keys they do not know.)
    ClusterStatus {},
    /// Ready, unacked and rates, of one vhost or the whole cluster.
    Totals {
        #[serde(default)]
        vhost: Option<String>,
    },
    /// The summed backlog of a set of queues over a range.
    Backlog { queues: QueueSet, range: Range },
    /// The queues with the largest backlog, or the largest growth over a range.
    TopQueues { queues: QueueSet, by: TopBy, limit: u8 },
    /// Queues holding messages that nobody consumes.
    NoConsumers { queues: QueueSet, limit: u8 },
    /// What could lose messages on this cluster, when there is anything.
    Warnings {},
}

/// Queues picked by vhost, by exact names, by a name pattern (a regex), or all of them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueSet {
    #[serde(default)]
    pub vhost: Option<String>,
    #[serde(default)]
    pub names: Vec<String>,
    #[serde(default)]
    pub pattern: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TopBy {
    Backlog,
    Growth(Range),
}

/// What a threshold looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Ready,
    Unacked,
    Backlog,
    PublishRate,
    DeliverRate,
    Consumers,
    NodesDown,
    Alarms,
}

impl Metric {
    /// The queues' numbers first (a totals tile has all six), then the cluster's.
    pub const ALL: [Metric; 8] = [
        Metric::Ready,
        Metric::Unacked,
        Metric::Backlog,
        Metric::PublishRate,
        Metric::DeliverRate,
        Metric::Consumers,
        Metric::NodesDown,
        Metric::Alarms,
    ];
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    pub metric: Metric,
    #[serde(default)]
    pub amber: Option<f64>,
    #[serde(default)]
    pub red: Option<f64>,
    /// Lower is worse (too few consumers, a rate that stopped): amber and red are floors.
    #[serde(default)]
    pub below: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    #[default]
    Ok,
    Amber,
    Red,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Amber => "amber",
            Level::Red => "red",
        }
    }
}

impl Threshold {
    pub fn level(&self, value: f64) -> Level {
        let past = |limit: Option<f64>| limit.is_some_and(|l| if self.below { value < l } else { value > l });
        if past(self.red) {
            Level::Red
        } else if past(self.amber) {
            Level::Amber
        } else {
            Level::Ok
        }
    }
}

/// The worst level any threshold on `metric` gives `value`.
pub fn level_of(thresholds: &[Threshold], metric: Metric, value: f64) -> Level {
    thresholds.iter().filter(|t| t.metric == metric).map(|t| t.level(value)).max().unwrap_or_default()
}

impl TileKind {
    /// The `kind` of each tile in the JSON, in the order the editor offers them.
    pub const NAMES: [&'static str; 6] =
        ["cluster_status", "totals", "backlog", "top_queues", "no_consumers", "warnings"];

    pub fn name(&self) -> &'static str {
        match self {
            TileKind::ClusterStatus {} => "cluster_status",
            TileKind::Totals { .. } => "totals",
            TileKind::Backlog { .. } => "backlog",
            TileKind::TopQueues { .. } => "top_queues",
            TileKind::NoConsumers { .. } => "no_consumers",
            TileKind::Warnings {} => "warnings",
        }
    }

    /// A tile of the kind called `name` that keeps what it can of this one (its vhost or queue
    /// set, range and list length), so changing a tile's kind in the editor loses little; its
    /// thresholds are `kept_thresholds`.
    pub fn converted(&self, name: &str) -> Option<TileKind> {
        let queues = match self {
            TileKind::Backlog { queues, .. }
            | TileKind::TopQueues { queues, .. }
            | TileKind::NoConsumers { queues, .. } => queues.clone(),
            TileKind::Totals { vhost } => QueueSet { vhost: vhost.clone(), ..Default::default() },
            _ => QueueSet::default(),
        };
        let range = match self {
            TileKind::Backlog { range, .. } | TileKind::TopQueues { by: TopBy::Growth(range), .. } => *range,
            _ => Range::Hour,
        };
        let limit = match self {
            TileKind::TopQueues { limit, .. } | TileKind::NoConsumers { limit, .. } => *limit,
            _ => 8,
        };
        Some(match name {
            "cluster_status" => TileKind::ClusterStatus {},
            "totals" => TileKind::Totals { vhost: queues.vhost },
            "backlog" => TileKind::Backlog { queues, range },
            "top_queues" => TileKind::TopQueues { queues, by: TopBy::Backlog, limit },
            "no_consumers" => TileKind::NoConsumers { queues, limit },
            "warnings" => TileKind::Warnings {},
            _ => return None,
        })
    }

    /// The thresholds of a tile of another kind that fit this one, or this kind's defaults if
    /// none does.
    pub fn kept_thresholds(&self, thresholds: &[Threshold]) -> Vec<Threshold> {
        let fitting: Vec<Threshold> =
            thresholds.iter().filter(|t| self.metrics().contains(&t.metric)).cloned().collect();
        if fitting.is_empty() {
            self.default_thresholds()
        } else {
            fitting
        }
    }

    /// The numbers a tile of this kind shows, which are what its thresholds can colour.
    pub fn metrics(&self) -> &'static [Metric] {
        match self {
            TileKind::ClusterStatus {} => &[Metric::NodesDown, Metric::Alarms],
            // A backlog tile's newest point carries the rates and consumers too.
            TileKind::Totals { .. } | TileKind::Backlog { .. } => &Metric::ALL[..6],
            TileKind::TopQueues { .. } | TileKind::NoConsumers { .. } => {
                &[Metric::Ready, Metric::Unacked, Metric::Backlog, Metric::Consumers]
            }
            TileKind::Warnings {} => &[],
        }
    }

    /// Thresholds a new tile of this kind starts with: a backlog of 10,000 is worth a look,
    /// 100,000 an alarm; a node down or an alarm is red at once.
    pub fn default_thresholds(&self) -> Vec<Threshold> {
        let above = |metric, amber, red| Threshold { metric, amber: Some(amber), red: Some(red), below: false };
        match self {
            TileKind::ClusterStatus {} => vec![above(Metric::NodesDown, 0.0, 0.0), above(Metric::Alarms, 0.0, 0.0)],
            TileKind::Totals { .. } | TileKind::Backlog { .. } | TileKind::TopQueues { .. } => {
                vec![above(Metric::Ready, 10_000.0, 100_000.0)]
            }
            TileKind::NoConsumers { .. } => vec![above(Metric::Backlog, 0.0, 10_000.0)],
            TileKind::Warnings {} => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: &str) -> DashboardSpec {
        serde_json::from_str(json).unwrap()
    }

    const TEAM: &str = r#"{"version": 1, "name": "Orders team", "tiles": [
        {"cluster": "prod", "kind": "cluster_status"},
        {"cluster": "prod", "kind": "totals", "vhost": "orders", "width": 2,
         "thresholds": [{"metric": "ready", "amber": 10000, "red": 100000}]},
        {"cluster": "prod", "kind": "backlog", "queues": {"vhost": "orders", "pattern": "^orders\\."}, "range": "Hour"},
        {"cluster": "prod", "kind": "top_queues", "queues": {}, "by": {"growth": "Day"}, "limit": 5},
        {"cluster": "prod", "kind": "no_consumers", "queues": {"vhost": "orders"}, "limit": 10,
         "thresholds": [{"metric": "consumers", "amber": 2, "red": 1, "below": true}]},
        {"cluster": "prod", "kind": "warnings"}
    ]}"#;

    #[test]
    fn a_team_dashboard_reads_and_round_trips() {
        let s = spec(TEAM);
        assert!(s.problems(&["prod".into()]).is_empty(), "{:?}", s.problems(&["prod".into()]));
        assert_eq!(s.tiles[1].width, 2);
        assert_eq!(s.tiles[0].width, 1, "width defaults to one column");
        assert!(matches!(s.tiles[3].kind, TileKind::TopQueues { by: TopBy::Growth(Range::Day), limit: 5, .. }));
        let again: DashboardSpec = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(again, s);
    }

    #[test]
    fn bad_dashboards_say_what_is_wrong_in_which_tile() {
        let s = spec(TEAM);
        let problems = s.problems(&["staging".into()]);
        assert_eq!(problems.len(), 6, "every tile names an unknown cluster: {problems:?}");
        assert_eq!(problems[0], DashboardProblem::UnknownCluster { tile: 1, cluster: "prod".into() });

        let mut s = spec(TEAM);
        s.version = 2;
        s.tiles[1].thresholds[0].amber = Some(200_000.0);
        s.tiles[3].kind = TileKind::TopQueues { queues: QueueSet::default(), by: TopBy::Backlog, limit: 0 };
        s.tiles[5].width = 9;
        assert_eq!(
            s.problems(&["prod".into()]),
            [
                DashboardProblem::WrongVersion { version: 2, expected: SPEC_VERSION },
                DashboardProblem::ThresholdOrder { tile: 2, metric: Metric::Ready, below: false },
                DashboardProblem::ListLength { tile: 4, max: MAX_LIST },
                DashboardProblem::WidthOutOfRange { tile: 6, max: MAX_WIDTH },
            ]
        );

        assert!(serde_json::from_str::<DashboardSpec>(r#"{"version":1,"name":"x","tiles":[],"extra":1}"#).is_err());
        assert!(serde_json::from_str::<DashboardSpec>(
            r#"{"version":1,"name":"x","tiles":[{"cluster":"prod","kind":"pie_chart"}]}"#
        )
        .is_err());
        assert!(serde_json::from_str::<DashboardSpec>(
            r#"{"version":1,"name":"x","tiles":[{"cluster":"prod","kind":"warnings","colour":"red"}]}"#
        )
        .is_err());
    }

    #[test]
    fn names_titles_tile_counts_patterns_and_threshold_numbers_are_bounded() {
        let prod = ["prod".to_string()];
        let mut s = spec(TEAM);
        s.name = " ".into();
        s.tiles[0].title = "t".repeat(MAX_TEXT + 1);
        s.tiles[2].kind = TileKind::Backlog {
            queues: QueueSet { pattern: Some(String::new()), ..Default::default() },
            range: Range::Hour,
        };
        s.tiles[4].thresholds[0].red = Some(f64::NAN);
        assert_eq!(
            s.problems(&prod),
            [
                DashboardProblem::NameLength { max: MAX_TEXT },
                DashboardProblem::TitleTooLong { tile: 1, max: MAX_TEXT },
                DashboardProblem::PatternLength { tile: 3, max: MAX_PATTERN },
                DashboardProblem::ThresholdOrder { tile: 5, metric: Metric::Consumers, below: true },
            ]
        );
        s.name = "n".repeat(MAX_TEXT);
        s.tiles.clear();
        assert_eq!(s.problems(&prod), [DashboardProblem::TileCount { max: MAX_TILES }]);
        s.tiles = vec![spec(TEAM).tiles[0].clone(); MAX_TILES + 1];
        assert_eq!(s.problems(&prod), [DashboardProblem::TileCount { max: MAX_TILES }]);
        s.tiles.pop();
        assert!(s.problems(&prod).is_empty());
    }

    #[test]
    fn changing_a_tiles_kind_keeps_its_queues_and_a_threshold_must_fit_the_kind() {
        let s = spec(TEAM);
        let backlog = &s.tiles[2].kind;
        let Some(TileKind::TopQueues { queues, by: TopBy::Backlog, limit: 8 }) = backlog.converted("top_queues") else {
            panic!("a backlog tile becomes a top list")
        };
        assert_eq!(queues.pattern.as_deref(), Some("^orders\\."));
        assert_eq!(backlog.converted("totals"), Some(TileKind::Totals { vhost: Some("orders".into()) }));
        assert!(matches!(s.tiles[3].kind.converted("backlog"), Some(TileKind::Backlog { range: Range::Day, .. })));
        assert_eq!(backlog.converted("pie_chart"), None);
        let consumers = &s.tiles[4].thresholds;
        assert_eq!(
            TileKind::Totals { vhost: None }.kept_thresholds(consumers),
            *consumers,
            "a consumer floor fits totals"
        );
        assert_eq!(
            TileKind::ClusterStatus {}.kept_thresholds(consumers),
            TileKind::ClusterStatus {}.default_thresholds()
        );
        for name in TileKind::NAMES {
            assert_eq!(backlog.converted(name).map(|k| k.name()), Some(name));
        }

        let mut s = spec(TEAM);
        s.tiles[0].thresholds = vec![Threshold { metric: Metric::Ready, amber: Some(1.0), red: None, below: false }];
        assert_eq!(
            s.problems(&["prod".into()]),
            [DashboardProblem::MetricNotShown { tile: 1, kind: "cluster_status".into(), metric: Metric::Ready }]
        );
    }

    #[test]
    fn thresholds_colour_values() {
        let ready = Threshold { metric: Metric::Ready, amber: Some(10_000.0), red: Some(100_000.0), below: false };
        assert_eq!(
            [9_999.0, 10_000.0, 10_001.0, 100_001.0].map(|v| ready.level(v)),
            [Level::Ok, Level::Ok, Level::Amber, Level::Red]
        );
        let consumers = Threshold { metric: Metric::Consumers, amber: Some(2.0), red: Some(1.0), below: true };
        assert_eq!([3.0, 1.0, 0.0].map(|v| consumers.level(v)), [Level::Ok, Level::Amber, Level::Red]);
        let nodes = TileKind::ClusterStatus {}.default_thresholds();
        assert_eq!(level_of(&nodes, Metric::NodesDown, 1.0), Level::Red);
        assert_eq!(level_of(&nodes, Metric::NodesDown, 0.0), Level::Ok);
        assert_eq!(level_of(&nodes, Metric::Ready, 1e9), Level::Ok, "no threshold on ready here");
    }
}
