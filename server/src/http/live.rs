//! Live updates over Server-Sent Events: `GET /live/{cluster}/{view}?{the page's query}`.
//!
//! Each stream sends its view's data (`Result<Fresh<T>, AppError>` as JSON, the same value the
//! page's server function returns) after every refresh of the cluster's snapshot. Streams of the
//! same view share one rendering per snapshot, so a wall of screens costs one render, not one
//! per screen, and never a broker request.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::api::Backend;
use app::auth::{Access, IdentityKind};
use app::error::AppError;
use app::model::ListQuery;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use domain::dashboard::TileKind;
use futures_util::stream;
use serde::Serialize;
use tokio::sync::{watch, OnceCell};

use crate::auth::Auth;
use crate::cluster::feed::{Feed, FeedState};
use crate::metrics::LiveClientGuard;
use crate::service::access::Principal;
use crate::service::clusters::Clusters;

/// What a live stream shows: one per page.
#[derive(Clone, Debug, PartialEq)]
pub enum View {
    Overview,
    Queues(ListQuery),
    Queue {
        vhost: String,
        name: String,
    },
    Exchanges(ListQuery),
    Exchange {
        vhost: String,
        name: String,
    },
    Bindings(ListQuery),
    Connections(ListQuery),
    Connection {
        vhost: String,
        name: String,
    },
    Node(String),
    Channels(ListQuery),
    Channel {
        vhost: String,
        name: String,
    },
    Consumers(ListQuery),
    /// The shovels' and federation links' status, of one vhost or all.
    Shovels(Option<String>),
    Federation(Option<String>),
    Advisor,
    /// A kiosk's tiles on this cluster, as JSON in the `tiles` parameter.
    Tiles(Vec<TileKind>),
}

impl View {
    /// Reads a view from the URL: the stream's name (a section's, see `app::sections`, or a
    /// kiosk's `tiles`) and the page's own query string.
    pub fn parse(name: &str, params: &HashMap<String, String>) -> Option<View> {
        if name != "tiles" && app::sections::streaming(name).is_none() {
            return None;
        }
        let list = || ListQuery::from_pairs(|key| params.get(key).cloned());
        let object = || Some((params.get("vhost")?.clone(), params.get("name")?.clone()));
        Some(match name {
            "overview" => View::Overview,
            "queues" => View::Queues(list()),
            "exchanges" => View::Exchanges(list()),
            "bindings" => View::Bindings(list()),
            "connections" => View::Connections(list()),
            "connection" => object().map(|(vhost, name)| View::Connection { vhost, name })?,
            "node" => View::Node(params.get("name")?.clone()),
            "channels" => View::Channels(list()),
            "channel" => object().map(|(vhost, name)| View::Channel { vhost, name })?,
            "consumers" => View::Consumers(list()),
            "shovels" => View::Shovels(params.get("vhost").cloned()),
            "federation" => View::Federation(params.get("vhost").cloned()),
            "advisor" => View::Advisor,
            "queue" => object().map(|(vhost, name)| View::Queue { vhost, name })?,
            "exchange" => object().map(|(vhost, name)| View::Exchange { vhost, name })?,
            "tiles" => {
                let kinds: Vec<TileKind> = serde_json::from_str(params.get("tiles")?).ok()?;
                // As many as a dashboard may hold: a stream is no way around that limit.
                (kinds.len() <= domain::dashboard::MAX_TILES).then_some(View::Tiles(kinds))?
            }
            _ => return None,
        })
    }

    /// Identifies the view among a cluster's streams; equal keys share a rendering.
    fn key(&self) -> String {
        format!("{self:?}")
    }

    async fn render(&self, clusters: &Clusters, who: &dyn Access, cluster: &str) -> String {
        fn json<T: Serialize>(value: Result<T, AppError>) -> String {
            serde_json::to_string(&value).unwrap_or_else(|e| {
                tracing::error!(%e, "a live view could not be encoded");
                r#"{"Err":{"Transport":"the server could not encode this view"}}"#.into()
            })
        }
        match self {
            View::Overview => json(clusters.overview(who, cluster).await),
            View::Queues(query) => json(clusters.queues(who, cluster, query).await),
            View::Queue { vhost, name } => json(clusters.queue(who, cluster, vhost, name).await),
            View::Exchanges(query) => json(clusters.exchanges(who, cluster, query).await),
            View::Exchange { vhost, name } => json(clusters.exchange(who, cluster, vhost, name).await),
            View::Bindings(query) => json(clusters.bindings(who, cluster, query).await),
            View::Connections(query) => json(clusters.connections(who, cluster, query).await),
            View::Connection { vhost, name } => json(clusters.connection(who, cluster, vhost, name).await),
            View::Node(name) => json(clusters.node(who, cluster, name).await),
            View::Channels(query) => json(clusters.channels(who, cluster, query).await),
            View::Channel { vhost, name } => json(clusters.channel(who, cluster, vhost, name).await),
            View::Consumers(query) => json(clusters.consumers(who, cluster, query).await),
            View::Shovels(vhost) => json(clusters.shovels(who, cluster, vhost.clone()).await),
            View::Federation(vhost) => json(clusters.federation_links(who, cluster, vhost.clone()).await),
            View::Tiles(kinds) => json(clusters.tiles(who, cluster, kinds).await),
            View::Advisor => json(clusters.advice(who, cluster, None).await),
        }
    }
}

/// The renderings of one cluster's views for its current snapshot version, one per view and
/// per scope (viewers limited to the same vhosts share one).
#[derive(Default)]
struct ViewCache(Mutex<(u64, Renderings)>);

/// What the live streams share: their places (bounded) and every cluster's `ViewCache`, kept
/// here beside them rather than in the cluster state below.
pub struct Live {
    slots: Arc<StreamSlots>,
    views: HashMap<String, ViewCache>,
}

impl Live {
    pub fn new(clusters: &[String], per_identity: usize, total: usize) -> Arc<Self> {
        let views = clusters.iter().map(|c| (c.clone(), ViewCache::default())).collect();
        Arc::new(Live { slots: StreamSlots::new(per_identity, total), views })
    }
}

/// Each view's rendering (JSON) for one snapshot version, made once however many streams ask.
type Renderings = HashMap<String, Arc<OnceCell<Arc<str>>>>;

impl ViewCache {
    async fn get(&self, version: u64, view: &View, clusters: &Clusters, who: &dyn Access, cluster: &str) -> Arc<str> {
        let cell = {
            let mut cache = self.0.lock().expect("view cache lock");
            if cache.0 != version {
                *cache = (version, HashMap::new());
            }
            cache.1.entry(format!("{}|{}", who.scope_key(cluster), view.key())).or_default().clone()
        };
        cell.get_or_init(|| async { Arc::from(view.render(clusters, who, cluster).await) }).await.clone()
    }
}

/// Bounds the live streams held open, per identity and in all, so no identity, however
/// read-only, can take every connection the server has.
struct StreamSlots {
    per_identity: usize,
    total: usize,
    /// Open streams per identity, and their sum.
    open: Mutex<(HashMap<String, usize>, usize)>,
}

/// One open stream's place; given back when the stream ends.
struct Slot {
    slots: Arc<StreamSlots>,
    identity: String,
}

impl StreamSlots {
    fn new(per_identity: usize, total: usize) -> Arc<Self> {
        Arc::new(Self { per_identity, total, open: Mutex::default() })
    }

    fn take(self: &Arc<Self>, identity: String) -> Result<Slot, AppError> {
        let mut open = self.open.lock().expect("stream slots lock");
        if open.1 >= self.total {
            return Err(AppError::Busy(format!("the server holds {} live streams, its limit", self.total)));
        }
        let mine = open.0.entry(identity.clone()).or_default();
        if *mine >= self.per_identity {
            return Err(AppError::Busy(format!("you have {} live streams open, the limit; close a page", mine)));
        }
        *mine += 1;
        open.1 += 1;
        Ok(Slot { slots: self.clone(), identity })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().expect("stream slots lock");
        if let Some(mine) = open.0.get_mut(&self.identity) {
            *mine -= 1;
            if *mine == 0 {
                open.0.remove(&self.identity);
            }
        }
        open.1 -= 1;
    }
}

/// Whose streams count together: a person's, or one screen's. Many wall screens share a
/// token, so each screen session (or bearer) has its own count, kept as a digest.
fn stream_owner(who: &Principal, headers: &HeaderMap) -> String {
    if who.kind != IdentityKind::Screen {
        return format!("{}:{}", who.source(), who.name);
    }
    let credential = [header::COOKIE, header::AUTHORIZATION]
        .iter()
        .filter_map(|name| headers.get(name).and_then(|v| v.to_str().ok()))
        .collect::<Vec<_>>()
        .join("\n");
    let digest = crate::crypto::digest(&credential);
    format!("screen:{}", digest.iter().take(12).map(|b| format!("{b:02x}")).collect::<String>())
}

/// What a stream's identity may see; a change (a demoted user, a narrowed scope) ends the stream.
fn access_key(who: &Principal) -> String {
    format!("{:?}|{:?}|{:?}|{:?}", who.kind, who.role, who.clusters, who.vhosts.as_pattern())
}

struct Stream {
    clusters: Arc<Clusters>,
    live: Arc<Live>,
    auth: Arc<Auth>,
    /// The request's credentials, checked again before every event: a stream ends with its session.
    headers: HeaderMap,
    who: Arc<Principal>,
    feed: Arc<Feed>,
    view: View,
    updates: watch::Receiver<FeedState>,
    first: bool,
    ended: bool,
    _counted: LiveClientGuard,
    _slot: Slot,
}

pub async fn stream(
    State(clusters): State<Arc<Clusters>>,
    State(auth): State<Arc<Auth>>,
    State(live): State<Arc<Live>>,
    Extension(who): Extension<Arc<Principal>>,
    headers: HeaderMap,
    Path((cluster, section)): Path<(String, String)>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let feed = match clusters.visible_feed(&*who, &cluster) {
        Ok(feed) => feed.clone(),
        Err(error) => return crate::auth::error_response(error),
    };
    let Some(view) = View::parse(&section, &params) else {
        return crate::auth::error_response(AppError::NotFound(format!("no live view {section:?}")));
    };
    let slot = match live.slots.take(stream_owner(&who, &headers)) {
        Ok(slot) => slot,
        Err(error) => return crate::auth::error_response(error),
    };
    let shutdown = clusters.shutdown_token().clone();
    let state = Stream {
        _counted: clusters.metrics().live_client(&cluster),
        updates: feed.subscribe(),
        clusters: clusters.clone(),
        live,
        auth,
        headers,
        who,
        feed,
        view,
        first: true,
        ended: false,
        _slot: slot,
    };
    let events = stream::unfold(state, |mut s| async move {
        if s.ended || (!s.first && s.updates.changed().await.is_err()) {
            return None;
        }
        s.first = false;
        // A session that expired, signed out or had its token revoked gets one last event saying
        // so; so does one whose role or scope changed since the stream began (the page reloads
        // and sees what it may now see). A screen's stream counts as the screen being in use.
        let screen = s.who.kind == IdentityKind::Screen;
        let now = match s.auth.identify(&s.headers, screen).await {
            Ok(Some(now)) if access_key(&now) == access_key(&s.who) => None,
            Ok(Some(_)) => Some(AppError::Forbidden("your access changed; reload the page".into())),
            _ => Some(AppError::SignInRequired),
        };
        if let Some(error) = now {
            s.ended = true;
            let goodbye = serde_json::to_string(&Err::<(), _>(error)).unwrap_or_default();
            return Some((Ok::<_, Infallible>(Event::default().data(goodbye)), s));
        }
        let version = s.updates.borrow_and_update().version;
        // Made for every configured cluster when the router was built.
        let cache = s.live.views.get(s.feed.name())?;
        let data = cache.get(version, &s.view, &s.clusters, &*s.who, s.feed.name()).await;
        Some((Ok::<_, Infallible>(Event::default().data(&*data)), s))
    });
    // Ends the stream on shutdown, so a graceful stop does not wait for every screen to leave.
    let events = futures_util::StreamExt::take_until(events, shutdown.cancelled_owned());
    let sse = Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)));
    // Reverse proxies (nginx) buffer responses unless told not to.
    ([(header::CACHE_CONTROL, "no-cache"), (header::HeaderName::from_static("x-accel-buffering"), "no")], sse)
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn every_live_section_has_a_view_and_nothing_else_streams() {
        let object = params(&[("vhost", "/"), ("name", "a")]);
        for section in app::sections::SECTIONS {
            if let Some(name) = section.live {
                assert!(View::parse(name, &object).is_some(), "section {:?} streams {name:?}", section.path);
            }
        }
        for name in ["policies", "definitions", "admin", ""] {
            assert!(View::parse(name, &object).is_none(), "{name:?}");
        }
    }

    #[test]
    fn views_parse_from_the_page_query() {
        let view = View::parse("queues", &params(&[("vhost", "/"), ("q", "^a"), ("re", "1"), ("sort", "ready")]));
        let Some(View::Queues(q)) = view else { panic!("{view:?}") };
        assert_eq!((q.vhost.as_deref(), q.filter.as_str(), q.regex, q.sort.as_str()), (Some("/"), "^a", true, "ready"));
        assert_eq!(
            View::parse("queue", &params(&[("vhost", "prod/eu"), ("name", "订单 #1%")])),
            Some(View::Queue { vhost: "prod/eu".into(), name: "订单 #1%".into() })
        );
        assert_eq!(View::parse("queue", &params(&[("vhost", "/")])), None);
        assert_eq!(View::parse("secrets", &params(&[])), None);
        assert_eq!(View::parse("overview", &params(&[])), Some(View::Overview));
    }
}
