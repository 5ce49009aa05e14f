//! Live pages. A page's first view comes from its server function, rendered on the server; then
//! the page's live stream (`/live/{cluster}/{view}`, Server-Sent Events) replaces the data after
//! every refresh of the server's snapshot, in place, without reloading. The stream reconnects by
//! itself, with backoff, after the server or the network goes away.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::components::advice::note_advice;
use crate::components::fault::{ErrorView, Loading};
use crate::error::AppError;
use crate::i18n::use_texts;
use crate::model::{Fresh, Freshness};

/// The cluster named in the URL (`/c/:cluster/...`).
pub fn use_cluster() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("cluster").unwrap_or_default())
}

/// Wall-clock milliseconds, ticking once a second in the browser, so "stale for N s" counts up
/// between events. Never read during server rendering.
#[derive(Clone, Copy)]
pub struct Clock(RwSignal<f64>);

impl Clock {
    /// Now, in ms since the epoch (0 on the server and until hydration), tracked.
    pub fn get(&self) -> f64 {
        self.0.get()
    }
}

pub fn provide_clock() {
    let now = RwSignal::new(0.0);
    provide_context(Clock(now));
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        now.set(js_sys::Date::now());
        let _ = set_interval_with_handle(move || now.set(js_sys::Date::now()), std::time::Duration::from_secs(1));
    });
}

/// A counter that goes up every `period` in the browser, for as long as the component lives:
/// a resource that reads it re-fetches on each tick.
pub fn use_ticker(period: impl Fn() -> std::time::Duration + Send + Sync + 'static) -> ReadSignal<u64> {
    let (tick, set_tick) = signal(0u64);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(move || set_tick.update(|t| *t += 1), period()) {
            on_cleanup(move || handle.clear());
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (period, set_tick);
    tick
}

/// A stream's newest value and the browser time it arrived; `None` before the first.
type Latest<T> = Option<(Result<Fresh<T>, AppError>, f64)>;

/// The newest value a live stream brought (with the browser time it arrived) and the stream's state.
pub struct Live<T: Send + Sync + 'static> {
    latest: RwSignal<Latest<T>>,
    /// True from a stream error until the next event arrives.
    reconnecting: RwSignal<bool>,
}

impl<T: Send + Sync + 'static> Clone for Live<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Live<T> {}

impl<T: Send + Sync + 'static> Live<T> {
    /// Reads the newest value and the browser time it arrived (`None` before the first), tracked.
    pub fn with_latest<R>(&self, read: impl FnOnce(Option<&(Result<Fresh<T>, AppError>, f64)>) -> R) -> R {
        self.latest.with(|latest| read(latest.as_ref()))
    }

    /// True from a stream error until the next event arrives, tracked.
    pub fn reconnecting(&self) -> bool {
        self.reconnecting.get()
    }
}

/// Follows the live stream at `url` for as long as the calling component lives; a new URL (another
/// page of the list, another filter) closes the old stream and opens the new one.
pub fn use_live<T>(url: impl Fn() -> String + Send + Sync + 'static) -> Live<T>
where
    T: DeserializeOwned + Send + Sync + 'static,
{
    let live = Live { latest: RwSignal::new(None), reconnecting: RwSignal::new(false) };
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let url = url();
        live.latest.set(None);
        let stream = send_wrapper::SendWrapper::new(stream::open(url, live));
        on_cleanup(move || drop(stream));
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
    live
}

/// Renders a page's data: the server-rendered first value, then each value the live stream
/// brings, with a live/stale indicator. A broker fault shows as a banner above the last data.
pub fn with_live<T, V>(
    first: Resource<Result<Fresh<T>, AppError>>,
    live: Live<T>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=Loading>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    let first = first.await;
                    let current = Memo::new(move |_| {
                        live.latest.get().map(|(value, at)| (value, Some(at))).unwrap_or_else(|| (first.clone(), None))
                    });
                    // Split so that a refresh that changed nothing re-renders only the indicator.
                    let data = Memo::new(move |_| current.get().0.map(|fresh| fresh.data));
                    let status = Memo::new(move |_| {
                        let (value, received_at) = current.get();
                        value.ok().map(|fresh| (fresh.freshness, received_at))
                    });
                    view! {
                        <LiveStatus status reconnecting=live.reconnecting/>
                        {move || status.get().and_then(|(f, _)| f.error).map(|error| view! { <ErrorView error/> })}
                        {move || match data.get() {
                            Ok(data) => render(data).into_any(),
                            Err(error) => view! { <ErrorView error/> }.into_any(),
                        }}
                    }
                })
            }}
        </Transition>
    }
}

/// "● Live", "Stale for 42 s" or "Reconnecting…", plus a warning while the broker is slower than
/// the refresh interval, and one for each node that does not answer.
#[component]
fn LiveStatus(status: Memo<Option<(Freshness, Option<f64>)>>, reconnecting: RwSignal<bool>) -> impl IntoView {
    let t = use_texts();
    // Here rather than in `with_live`, which each page's data type copies.
    Effect::new(move |_| note_advice(status.with(|s| s.as_ref().and_then(|(f, _)| f.advice))));
    let clock = expect_context::<Clock>();
    let age_ms = move || {
        status.get().map(|(f, received_at)| match received_at {
            Some(at) => f.age_ms + (clock.0.get() - at).max(0.0) as u64,
            None => f.age_ms,
        })
    };
    let state = move || match (status.get(), age_ms()) {
        (Some((f, _)), Some(age)) if f.is_stale(age) => "stale",
        _ if reconnecting.get() => "reconnecting",
        _ => "live",
    };
    let label = move || {
        let t = t.get();
        match state() {
            "stale" => (t.stale_for)(age_ms().unwrap_or(0) / 1000),
            "reconnecting" => t.reconnecting.to_string(),
            _ => t.live.to_string(),
        }
    };
    let title = move || age_ms().map(|age| (t.get().updated_ago)(age / 1000)).unwrap_or_default();
    let slow = move || {
        status.get().filter(|(f, _)| f.is_slow()).map(|(f, _)| {
            let text = (t.get().slow_refresh)(f.interval_ms / 1000, f.configured_interval_ms / 1000, f.refresh_ms);
            view! { <span class="slow" data-testid="slow-refresh">{text}</span> }
        })
    };
    let unreachable = move || {
        let now = clock.0.get();
        let faults = status.get().map(|(f, _)| f.unreachable).unwrap_or_default();
        faults
            .into_iter()
            .map(|fault| {
                // The clock is 0 until hydration: no duration rather than a wrong one.
                let secs = (now > 0.0).then(|| ((now - fault.since_ms as f64).max(0.0) / 1000.0) as u64);
                let text = (t.get().node_unreachable)(&fault.node, secs);
                view! { <span class="slow" data-testid="node-unreachable">{text}</span> }
            })
            .collect_view()
    };
    let held = move || {
        let now = clock.0.get();
        let held = status.get().map(|(f, _)| f.held).unwrap_or_default();
        let oldest = held.iter().map(|h| h.since_ms).min()?;
        let parts: Vec<_> = held.iter().map(|h| h.part).collect();
        let secs = (now > 0.0).then(|| ((now - oldest as f64).max(0.0) / 1000.0) as u64);
        Some(view! { <span class="slow" data-testid="held-parts">{(t.get().held_parts)(&parts, secs)}</span> })
    };
    let split = move || {
        let split = status.get().and_then(|(f, _)| f.split)?;
        Some(
            view! { <span class="split" role="alert" data-testid="partition">{(t.get().split_banner)(&split.partitions, split.views_differ)}</span> },
        )
    };
    view! {
        <div class="live-bar">
            <span class="live-status" data-testid="live-status" data-state=state title=title role="status">
                {label}
            </span>
            {split}
            {slow}
            {unreachable}
            {held}
        </div>
    }
}

/// The browser side of a stream: an `EventSource`, replaced by a new one after an error, waiting
/// 1 s, 2 s, 4 s … up to 30 s with jitter, so that screens do not all come back at the same instant
/// after a server restart.
#[cfg(feature = "hydrate")]
mod stream {
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::time::Duration;

    use leptos::prelude::*;
    use serde::de::DeserializeOwned;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{Event, EventSource, MessageEvent};

    use super::Live;
    use crate::error::AppError;
    use crate::model::Fresh;

    const FIRST_RETRY_MS: f64 = 1_000.0;
    const LAST_RETRY_MS: f64 = 30_000.0;

    struct Connector {
        url: String,
        source: Option<EventSource>,
        handlers: Vec<Closure<dyn FnMut(Event)>>,
        retry_ms: f64,
        closed: bool,
    }

    /// Closes the stream when dropped.
    pub struct Handle(Rc<RefCell<Connector>>);

    impl Drop for Handle {
        fn drop(&mut self) {
            let mut connector = self.0.borrow_mut();
            connector.closed = true;
            if let Some(source) = connector.source.take() {
                source.close();
            }
        }
    }

    pub fn open<T: DeserializeOwned + Send + Sync + 'static>(url: String, live: Live<T>) -> Handle {
        let connector = Rc::new(RefCell::new(Connector {
            url,
            source: None,
            handlers: Vec::new(),
            retry_ms: FIRST_RETRY_MS,
            closed: false,
        }));
        connect(&connector, live);
        Handle(connector)
    }

    fn connect<T: DeserializeOwned + Send + Sync + 'static>(connector: &Rc<RefCell<Connector>>, live: Live<T>) {
        let url = connector.borrow().url.clone();
        let source = match EventSource::new(&url) {
            Ok(source) => source,
            Err(_) => return retry(connector, live),
        };
        let weak = Rc::downgrade(connector);
        let on_message = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            let Some(text) = event.dyn_ref::<MessageEvent>().and_then(|m| m.data().as_string()) else { return };
            match serde_json::from_str::<Result<Fresh<T>, AppError>>(&text) {
                Ok(value) => {
                    live.latest.set(Some((value, js_sys::Date::now())));
                    live.reconnecting.set(false);
                    if let Some(connector) = weak.upgrade() {
                        connector.borrow_mut().retry_ms = FIRST_RETRY_MS;
                    }
                }
                Err(error) => leptos::logging::warn!("live update not understood: {error}"),
            }
        });
        let weak = Rc::downgrade(connector);
        let on_error = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            // EventSource would retry by itself at a fixed pace; close it and back off instead.
            if let Some(connector) = weak.upgrade() {
                retry(&connector, live);
            }
        });
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let mut state = connector.borrow_mut();
        state.source = Some(source);
        state.handlers = vec![on_message, on_error];
    }

    fn retry<T: DeserializeOwned + Send + Sync + 'static>(connector: &Rc<RefCell<Connector>>, live: Live<T>) {
        let delay = {
            let mut state = connector.borrow_mut();
            if state.closed {
                return;
            }
            if let Some(source) = state.source.take() {
                source.close();
            }
            let delay = state.retry_ms * (0.5 + js_sys::Math::random() / 2.0);
            state.retry_ms = (state.retry_ms * 2.0).min(LAST_RETRY_MS);
            delay
        };
        live.reconnecting.set(true);
        let connector = connector.clone();
        set_timeout(
            move || {
                // A page left in the meantime has closed its connector: stay closed.
                if !connector.borrow().closed {
                    connect(&connector, live);
                }
            },
            Duration::from_millis(delay as u64),
        );
    }
}
