//! The dashboard editor's form: a dashboard's name and its tiles, each with its kind, cluster,
//! the queues it looks at, its width and its thresholds. It edits the same `DashboardSpec` the
//! JSON view shows, and lists what `DashboardSpec::problems` finds while the admin types.
//!
//! Fields take their value when drawn and write the spec on input, rather than being bound to
//! it: a number or a list of names does not survive a round trip through the spec while it is
//! half typed ("1." or a trailing newline). A change of structure (a tile added, removed or
//! moved, a kind changed, a threshold added or removed) draws the tiles afresh, keyed by a
//! generation: reused inputs would go on showing what was typed into the tile that was there.

use leptos::prelude::*;

use crate::api::list_vhosts;
use crate::i18n::{use_lang, use_texts, Texts};
use crate::pages::kiosk::default_title;
use domain::backlog::Range;
use domain::dashboard::{DashboardProblem, DashboardSpec, Metric, Threshold, Tile, TileKind, TopBy, MAX_TILES};

/// `problems` are the spec's, which the editor also keeps a save from being sent with.
#[component]
pub fn DashboardForm(
    spec: RwSignal<DashboardSpec>,
    clusters: Vec<String>,
    problems: Memo<Vec<DashboardProblem>>,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let generation = RwSignal::new(0u32);
    let vhost_lists = clusters
        .iter()
        .enumerate()
        .map(|(i, cluster)| view! { <VhostOptions id=vhost_list_id(i) cluster=cluster.clone()/> })
        .collect_view();
    let clusters = StoredValue::new(clusters);
    let add_tile = move |_| {
        let new_tile = field_id(spec.with_untracked(|s| s.tiles.len()), "kind");
        restructure(spec, generation, new_tile, |tiles| {
            let cluster = tiles.last().map(|tile| tile.cluster.clone());
            let cluster = cluster.or_else(|| clusters.with_value(|c| c.first().cloned())).unwrap_or_default();
            let kind = TileKind::Totals { vhost: None };
            tiles.push(Tile { title: String::new(), cluster, thresholds: kind.default_thresholds(), kind, width: 1 });
        })
    };
    let tiles = move || {
        let generation = generation.get();
        (0..spec.with_untracked(|s| s.tiles.len())).map(|index| (generation, index)).collect::<Vec<_>>()
    };
    view! {
        <div class="stack" data-testid="dashboard-form">
            <label>
                <span>{move || t.get().name}</span>
                <input required maxlength="200" data-testid="dashboard-name" value=spec.with_untracked(|s| s.name.clone())
                    on:input:target=move |ev| spec.update(|s| s.name = ev.target().value())/>
            </label>
            {vhost_lists}
            <For each=tiles key=|key| *key let:((_, index))>
                <TileFields spec generation index clusters/>
            </For>
            <p class="inline-form">
                <button type="button" data-testid="add-tile" on:click=add_tile
                    disabled=move || spec.with(|s| s.tiles.len() >= MAX_TILES)>
                    {move || t.get().add_tile}
                </button>
            </p>
            {move || {
                let problems = problems.get();
                let lang = lang.get();
                (!problems.is_empty()).then(|| view! {
                    <div class="banner error" role="alert" data-testid="dashboard-problems">
                        <p>{lang.texts().fix_before_saving}</p>
                        <ul>{problems.into_iter().map(|p| view! { <li>{lang.problem(&p.into())}</li> }).collect_view()}</ul>
                    </div>
                })
            }}
        </div>
    }
}

/// Changes the tiles' structure, draws them afresh, and puts the keyboard focus on `focus` (a
/// `data-testid`) once they are on screen, so a keyboard user is not sent back to the top.
fn restructure(
    spec: RwSignal<DashboardSpec>,
    generation: RwSignal<u32>,
    focus: String,
    change: impl FnOnce(&mut Vec<Tile>),
) {
    spec.update(|s| change(&mut s.tiles));
    generation.update(|n| *n += 1);
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        let found = document().query_selector(&format!("[data-testid=\"{focus}\"]")).ok().flatten();
        if let Some(element) = found.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = focus;
}

/// Reads tile `index` without tracking it: for a field's value when it is drawn.
fn read<T: Default>(spec: RwSignal<DashboardSpec>, index: usize, f: impl FnOnce(&Tile) -> T) -> T {
    spec.with_untracked(|s| s.tiles.get(index).map(f).unwrap_or_default())
}

fn write(spec: RwSignal<DashboardSpec>, index: usize, f: impl FnOnce(&mut Tile)) {
    spec.update(|s| {
        if let Some(tile) = s.tiles.get_mut(index) {
            f(tile)
        }
    });
}

/// The `data-testid` of a field of tile `index`: `tile-3-kind`.
fn field_id(index: usize, what: &str) -> String {
    format!("tile-{}-{what}", index + 1)
}

#[component]
fn TileFields(
    spec: RwSignal<DashboardSpec>,
    generation: RwSignal<u32>,
    index: usize,
    clusters: StoredValue<Vec<String>>,
) -> impl IntoView {
    let t = use_texts();
    let (kind, chosen_cluster, width) = read(spec, index, |tile| (tile.kind.name(), tile.cluster.clone(), tile.width));
    // The vhosts offered are the tile's cluster's, whichever cluster is picked.
    let vhost_list = Memo::new(move |_| {
        let cluster = spec.with(|s| s.tiles.get(index).map(|tile| tile.cluster.clone()).unwrap_or_default());
        clusters.with_value(|c| c.iter().position(|name| *name == cluster)).map(vhost_list_id).unwrap_or_default()
    });
    let last = spec.with_untracked(|s| s.tiles.len()).saturating_sub(1);
    let testid = |what: &str| field_id(index, what);
    // The focus stays on the button pressed, unless the tile has reached the end it moved to.
    let move_to = move |to: usize| {
        let focus = match (to > index, to == 0 || to == last) {
            (true, false) | (false, true) => "down",
            (true, true) | (false, false) => "up",
        };
        restructure(spec, generation, field_id(to, focus), |tiles| {
            if index.max(to) < tiles.len() {
                tiles.swap(index, to)
            }
        });
    };
    let set_kind = move |name: String| {
        restructure(spec, generation, field_id(index, "kind"), |tiles| {
            if let Some((tile, kind)) =
                tiles.get_mut(index).and_then(|tile| tile.kind.converted(&name).map(|k| (tile, k)))
            {
                tile.thresholds = kind.kept_thresholds(&tile.thresholds);
                tile.kind = kind;
            }
        })
    };
    let placeholder = move || {
        let t = t.get();
        spec.with(|s| s.tiles.get(index).map(|tile| default_title(tile, t)).unwrap_or_default())
    };
    view! {
        <fieldset class="tile-form" data-testid="tile-form">
            <legend>{move || format!("{} · {}", (t.get().tile_n)(index + 1), kind_label(kind, t.get()))}</legend>
            <div class="inline-form">
                <label>
                    <span>{move || t.get().kind}</span>
                    <select data-testid=testid("kind") on:change=move |ev| set_kind(event_target_value(&ev))>
                        {TileKind::NAMES.into_iter().map(|name| view! {
                            <option value=name selected=kind == name>{move || kind_label(name, t.get())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    <span>{move || t.get().cluster}</span>
                    <select data-testid=testid("cluster")
                        on:change=move |ev| write(spec, index, |tile| tile.cluster = event_target_value(&ev))>
                        {with_current(clusters.get_value(), chosen_cluster.clone()).into_iter().map(|name| {
                            let selected = name == chosen_cluster;
                            let label = name.clone();
                            view! { <option value=name selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="wide">
                    <span>{move || t.get().tile_title}</span>
                    <input maxlength="200" data-testid=testid("title") value=read(spec, index, |tile| tile.title.clone())
                        placeholder=placeholder on:input:target=move |ev| write(spec, index, |tile| tile.title = ev.target().value())/>
                </label>
                <label>
                    <span>{move || t.get().tile_width}</span>
                    <select data-testid=testid("width")
                        on:change=move |ev| write(spec, index, |tile| tile.width = event_target_value(&ev).parse().unwrap_or(1))>
                        {with_current((1..=4u8).collect(), width).into_iter().map(|w| view! {
                            <option value=w.to_string() selected=w == width>{w}</option>
                        }).collect_view()}
                    </select>
                </label>
            </div>
            <KindFields spec index vhost_list/>
            <ThresholdRows spec generation index/>
            <p class="inline-form">
                <button type="button" disabled=index == 0 data-testid=testid("up") on:click=move |_| move_to(index - 1)>
                    {move || t.get().move_up}
                </button>
                <button type="button" disabled=index == last data-testid=testid("down") on:click=move |_| move_to(index + 1)>
                    {move || t.get().move_down}
                </button>
                <button type="button" data-testid=testid("remove")
                    on:click=move |_| restructure(spec, generation, "add-tile".into(), |tiles| {
                        if index < tiles.len() {
                            tiles.remove(index);
                        }
                    })>
                    {move || t.get().remove}
                </button>
            </p>
        </fieldset>
    }
}

/// A select's choices, and the current value if it is not one of them (a cluster no longer
/// configured, a width typed in the JSON): shown as chosen, so picking any listed one is a change.
fn with_current<T: PartialEq>(mut choices: Vec<T>, current: T) -> Vec<T> {
    if !choices.contains(&current) {
        choices.push(current);
    }
    choices
}

fn vhost_list_id(cluster_index: usize) -> String {
    format!("vhosts-of-cluster-{cluster_index}")
}

pub(crate) fn kind_label(name: &str, t: &Texts) -> &'static str {
    TileKind::NAMES.iter().position(|n| *n == name).map(|i| t.tile_kinds[i]).unwrap_or_default()
}

/// What the tile looks at: a vhost for the totals; a set of queues, a range or a ranking and a
/// list length for the others.
#[component]
fn KindFields(spec: RwSignal<DashboardSpec>, index: usize, vhost_list: Memo<String>) -> impl IntoView {
    let t = use_texts();
    let testid = |what: &str| field_id(index, what);
    let kind = read(spec, index, |tile| Some(tile.kind.clone()));
    let vhost_field = |vhost: Option<String>| {
        view! {
            <label>
                <span>{move || t.get().vhost}</span>
                <input list=move || vhost_list.get() data-testid=testid("vhost") value=vhost.unwrap_or_default()
                    placeholder=move || t.get().all_vhosts
                    on:input:target=move |ev| {
                        let vhost = Some(ev.target().value()).filter(|v| !v.is_empty());
                        write(spec, index, |tile| match &mut tile.kind {
                            TileKind::Totals { vhost: v } => *v = vhost,
                            TileKind::Backlog { queues, .. } | TileKind::TopQueues { queues, .. } | TileKind::NoConsumers { queues, .. } => {
                                queues.vhost = vhost
                            }
                            _ => {}
                        })
                    }/>
            </label>
        }
    };
    let queue_fields = |queues: &domain::dashboard::QueueSet| {
        view! {
            {vhost_field(queues.vhost.clone())}
            <label class="wide">
                <span>{move || t.get().queue_names}</span>
                // Trimmed: a name pasted with a trailing space would never match its queue.
                <textarea rows="2" spellcheck="false" data-testid=testid("names")
                    on:input:target=move |ev| {
                        let names: Vec<String> =
                            ev.target().value().lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
                        write(spec, index, |tile| {
                            if let Some(queues) = queue_set(&mut tile.kind) {
                                queues.names = names
                            }
                        })
                    }>{queues.names.join("\n")}</textarea>
            </label>
            <label class="wide">
                <span>{move || t.get().name_pattern}</span>
                <input class="mono" spellcheck="false" data-testid=testid("pattern") value=queues.pattern.clone().unwrap_or_default()
                    on:input:target=move |ev| {
                        let pattern = Some(ev.target().value()).filter(|p| !p.is_empty());
                        write(spec, index, |tile| {
                            if let Some(queues) = queue_set(&mut tile.kind) {
                                queues.pattern = pattern
                            }
                        })
                    }/>
            </label>
        }
    };
    let limit_field = |limit: u8| {
        view! {
            <label>
                <span>{move || t.get().list_length}</span>
                <input type="number" min="1" max="50" data-testid=testid("limit") value=limit.to_string()
                    on:input:target=move |ev| {
                        let chosen = ev.target().value().parse().unwrap_or(0);
                        write(spec, index, |tile| match &mut tile.kind {
                            TileKind::TopQueues { limit, .. } | TileKind::NoConsumers { limit, .. } => *limit = chosen,
                            _ => {}
                        })
                    }/>
            </label>
        }
    };
    let fields = match kind {
        Some(TileKind::Totals { vhost }) => vhost_field(vhost).into_any(),
        Some(TileKind::Backlog { queues, range }) => view! {
            {queue_fields(&queues)}
            <label>
                <span>{move || t.get().tile_range}</span>
                <select data-testid=testid("range") on:change=move |ev| {
                    let chosen = Range::parse(&event_target_value(&ev)).unwrap_or_default();
                    write(spec, index, |tile| if let TileKind::Backlog { range, .. } = &mut tile.kind { *range = chosen })
                }>
                    {Range::ALL.into_iter().map(|r| view! { <option value=r.as_str() selected=r == range>{r.as_str()}</option> }).collect_view()}
                </select>
            </label>
        }
        .into_any(),
        Some(TileKind::TopQueues { queues, by, limit }) => view! {
            {queue_fields(&queues)}
            <label>
                <span>{move || t.get().rank_by}</span>
                <select data-testid=testid("by") on:change=move |ev| {
                    let chosen = Range::parse(&event_target_value(&ev)).map_or(TopBy::Backlog, TopBy::Growth);
                    write(spec, index, |tile| if let TileKind::TopQueues { by, .. } = &mut tile.kind { *by = chosen })
                }>
                    <option value="backlog" selected=by == TopBy::Backlog>{move || t.get().rank_backlog}</option>
                    {Range::ALL.into_iter().map(|r| view! {
                        <option value=r.as_str() selected=by == TopBy::Growth(r)>{move || format!("{} · {}", t.get().rank_growth, r.as_str())}</option>
                    }).collect_view()}
                </select>
            </label>
            {limit_field(limit)}
        }
        .into_any(),
        Some(TileKind::NoConsumers { queues, limit }) => view! { {queue_fields(&queues)} {limit_field(limit)} }.into_any(),
        _ => ().into_any(),
    };
    view! { <div class="inline-form">{fields}</div> }
}

fn queue_set(kind: &mut TileKind) -> Option<&mut domain::dashboard::QueueSet> {
    match kind {
        TileKind::Backlog { queues, .. }
        | TileKind::TopQueues { queues, .. }
        | TileKind::NoConsumers { queues, .. } => Some(queues),
        _ => None,
    }
}

/// The cluster's vhosts, offered while typing one (any name can still be typed: a vhost made
/// later, or one this user cannot list).
#[component]
fn VhostOptions(id: String, cluster: String) -> impl IntoView {
    let vhosts = Resource::new(move || cluster.clone(), list_vhosts);
    view! {
        <datalist id=id>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    vhosts.await.unwrap_or_default().into_iter().map(|v| view! { <option value=v/> }).collect_view()
                })}
            </Transition>
        </datalist>
    }
}

/// The tile's thresholds: which of its numbers, past what it turns amber and red, and whether
/// lower is worse (a consumer count, a rate that stopped).
#[component]
fn ThresholdRows(spec: RwSignal<DashboardSpec>, generation: RwSignal<u32>, index: usize) -> impl IntoView {
    let t = use_texts();
    let (metrics, thresholds) = read(spec, index, |tile| (tile.kind.metrics(), tile.thresholds.clone()));
    if metrics.is_empty() {
        return view! { <p class="muted">{move || t.get().no_thresholds}</p> }.into_any();
    }
    let write_threshold = move |row: usize, f: &dyn Fn(&mut Threshold)| {
        write(spec, index, |tile| {
            if let Some(threshold) = tile.thresholds.get_mut(row) {
                f(threshold)
            }
        })
    };
    let number = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
    // Empty is no limit; anything else that is not a number is kept as NaN, which `problems`
    // names, rather than quietly dropping the limit.
    let parse = |text: String| {
        let text = text.trim();
        (!text.is_empty()).then(|| text.parse::<f64>().unwrap_or(f64::NAN))
    };
    let add_id = field_id(index, "add-threshold");
    let rows = thresholds
        .into_iter()
        .enumerate()
        .map(|(row, threshold)| {
            let testid = |what: &str| field_id(index, &format!("threshold-{}-{what}", row + 1));
            let remove_focus = add_id.clone();
            view! {
                <div class="inline-form" data-testid="threshold-row">
                    <label>
                        <span>{move || t.get().metric}</span>
                        <select data-testid=testid("metric") on:change=move |ev| {
                            let chosen = event_target_value(&ev).parse::<usize>().ok().and_then(|i| Metric::ALL.get(i).copied());
                            if let Some(metric) = chosen {
                                write_threshold(row, &|th| th.metric = metric);
                            }
                        }>
                            {Metric::ALL.iter().enumerate().filter(|(_, m)| metrics.contains(m) || **m == threshold.metric).map(|(i, m)| view! {
                                <option value=i.to_string() selected=*m == threshold.metric>{move || metric_label(*m, t.get())}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label>
                        <span>{move || t.get().amber}</span>
                        <input inputmode="decimal" data-testid=testid("amber") value=number(threshold.amber)
                            on:input:target=move |ev| { let v = parse(ev.target().value()); write_threshold(row, &|th| th.amber = v) }/>
                    </label>
                    <label>
                        <span>{move || t.get().red}</span>
                        <input inputmode="decimal" data-testid=testid("red") value=number(threshold.red)
                            on:input:target=move |ev| { let v = parse(ev.target().value()); write_threshold(row, &|th| th.red = v) }/>
                    </label>
                    <label class="check">
                        <input type="checkbox" checked=threshold.below data-testid=testid("below")
                            on:change:target=move |ev| { let below = ev.target().checked(); write_threshold(row, &|th| th.below = below) }/>
                        <span>{move || t.get().lower_is_worse}</span>
                    </label>
                    <button type="button" data-testid=testid("remove") on:click=move |_| {
                        restructure(spec, generation, remove_focus.clone(), |tiles| {
                            if let Some(tile) = tiles.get_mut(index).filter(|tile| row < tile.thresholds.len()) {
                                tile.thresholds.remove(row);
                            }
                        })
                    }>
                        {move || t.get().remove}
                    </button>
                </div>
            }
        })
        .collect_view();
    let add = {
        let focus = add_id.clone();
        move |_| {
            restructure(spec, generation, focus.clone(), |tiles| {
                if let Some(tile) = tiles.get_mut(index) {
                    tile.thresholds.push(Threshold { metric: metrics[0], amber: None, red: None, below: false })
                }
            })
        }
    };
    view! {
        <fieldset>
            <legend>{move || t.get().thresholds}</legend>
            {rows}
            <p class="inline-form">
                <button type="button" data-testid=add_id on:click=add>{move || t.get().add_threshold}</button>
            </p>
        </fieldset>
    }
    .into_any()
}

pub(crate) fn metric_label(metric: Metric, t: &Texts) -> &'static str {
    match metric {
        Metric::Ready => t.ready,
        Metric::Unacked => t.unacked,
        Metric::Backlog => t.metric_backlog,
        Metric::PublishRate => t.publish_rate,
        Metric::DeliverRate => t.deliver_rate,
        Metric::Consumers => t.consumers,
        Metric::NodesDown => t.metric_nodes_down,
        Metric::Alarms => t.alarms,
    }
}
