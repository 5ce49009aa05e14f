//! Pieces of the write forms: who may see them, typed key/value rows, two-step confirmation, and
//! how an action's outcome is shown.

use leptos::prelude::*;

use crate::auth::{Me, Role};
use crate::components::fault::ErrorView;
use crate::error::AppError;
use crate::i18n::{use_lang, use_texts};
use domain::ops::queue::{known_argument, QUEUE_ARGUMENTS};
use domain::ops::typed::{TypedEntry, ValueKind};
use domain::problem::Problem;

/// Who is signed in, as a plain value the whole page shares. Known before the first render on
/// both sides (the server from the request, the browser from a `<meta>` the server wrote), so
/// the controls it shows or hides render identically in both and hydrate without waiting.
#[derive(Clone)]
struct SignedIn(Option<Me>);

/// The `<meta name>` carrying the signed-in identity into the browser.
pub const ME_META: &str = "warren-me";

pub fn provide_me() {
    provide_context(SignedIn(initial_me()));
}

pub fn use_me() -> Option<Me> {
    use_context::<SignedIn>().and_then(|s| s.0)
}

/// The identity for the shell's `<meta>`, as JSON (empty when nobody is signed in).
pub fn me_json() -> String {
    initial_me().and_then(|me| serde_json::to_string(&me).ok()).unwrap_or_default()
}

fn initial_me() -> Option<Me> {
    #[cfg(feature = "ssr")]
    {
        crate::auth::current_access().ok().map(|who| who.me())
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .query_selector(&format!("meta[name={ME_META}]"))
            .ok()
            .flatten()
            .and_then(|meta| meta.get_attribute("content"))
            .and_then(|json| serde_json::from_str(&json).ok())
    }
}

/// False until this part of the page runs in the browser. Typing into a form before then is
/// not seen by it, and submitting would post the bare HTML form: forms stay disabled until then
/// and say so in `data-ready` (the browser tests wait for it).
pub fn use_ready() -> ReadSignal<bool> {
    let (ready, set_ready) = signal(false);
    Effect::new(move |_| set_ready.set(true));
    ready
}

/// Renders `children` only for people who may write with at least `role` (never for screens).
/// The server checks again; this only keeps controls away from those who cannot use them.
#[component]
pub fn IfRole(role: Role, children: ChildrenFn) -> impl IntoView {
    let allowed = use_me().is_some_and(|me| me.may_write() && me.role >= role);
    allowed.then(|| children())
}

/// Rows of `name / type / value`, as header or argument tables; `arguments` offers the known
/// queue arguments by name and sets their type when one is picked.
#[component]
pub fn TypedRows(
    rows: RwSignal<Vec<TypedEntry>>,
    testid: &'static str,
    #[prop(optional)] arguments: bool,
) -> impl IntoView {
    let t = use_texts();
    let list_id = format!("{testid}-names");
    let field =
        move |i: usize, read: fn(&TypedEntry) -> String| move || rows.with(|r| r.get(i).map(read).unwrap_or_default());
    let row = move |i: usize| {
        let set_key = move |ev| {
            let key = event_target_value(&ev);
            rows.update(|r| {
                if let Some(entry) = r.get_mut(i) {
                    if let Some(known) = known_argument(&key) {
                        entry.kind = known.kind;
                    }
                    entry.key = key;
                }
            })
        };
        let set_kind = move |ev| {
            let kind = ValueKind::parse(&event_target_value(&ev));
            rows.update(|r| r.get_mut(i).into_iter().for_each(|e| e.kind = kind))
        };
        let set_value = move |ev| {
            let value = event_target_value(&ev);
            rows.update(|r| {
                if let Some(entry) = r.get_mut(i) {
                    entry.value = value;
                }
            })
        };
        let hint = move || {
            rows.with(|r| {
                r.get(i).and_then(|e| known_argument(&e.key)).map(|k| k.choices.join(" | ")).unwrap_or_default()
            })
        };
        view! {
            <div class="typed-row">
                <input
                    aria-label=move || t.get().name
                    placeholder=move || t.get().name
                    list=arguments.then(|| list_id.clone())
                    prop:value=field(i, |e| e.key.clone())
                    on:input=set_key
                    data-testid=format!("{testid}-key-{i}")
                />
                <select
                    aria-label=move || t.get().kind
                    prop:value=field(i, |e| e.kind.as_str().to_string())
                    on:change=set_kind
                    data-testid=format!("{testid}-kind-{i}")
                >
                    {ValueKind::ALL
                        .into_iter()
                        .map(|k| view! { <option value=k.as_str()>{move || t.get().value_kind(k)}</option> })
                        .collect_view()}
                </select>
                <input
                    aria-label=move || t.get().value
                    placeholder=hint
                    prop:value=field(i, |e| e.value.clone())
                    on:input=set_value
                    data-testid=format!("{testid}-value-{i}")
                />
                <button
                    type="button"
                    class="icon"
                    aria-label=move || t.get().remove
                    on:click=move |_| rows.update(|r| {
                        if i < r.len() {
                            r.remove(i);
                        }
                    })
                >
                    "×"
                </button>
            </div>
        }
    };
    view! {
        <div class="typed-rows" data-testid=testid>
            {arguments.then(|| view! {
                <datalist id=format!("{testid}-names")>
                    {QUEUE_ARGUMENTS.iter().map(|a| view! { <option value=a.key></option> }).collect_view()}
                </datalist>
            })}
            <For each=move || 0..rows.with(Vec::len) key=|i| *i let:i>
                {row(i)}
            </For>
            <button type="button" data-testid=format!("{testid}-add") on:click=move |_| rows.update(|r| r.push(TypedEntry::default()))>
                {move || t.get().add_row}
            </button>
        </div>
    }
}

/// A button that asks again before doing something that cannot be undone: the first press shows
/// what will happen and a confirm button, focused, so Enter confirms and Escape cancels.
#[component]
pub fn ConfirmButton(
    label: Signal<String>,
    question: Signal<String>,
    on_confirm: Callback<()>,
    testid: &'static str,
    #[prop(optional, into)] disabled: MaybeProp<bool>,
) -> impl IntoView {
    let t = use_texts();
    let asking = RwSignal::new(false);
    let confirm_ref = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if asking.get() {
            if let Some(button) = confirm_ref.get() {
                let _ = button.focus();
            }
        }
    });
    let keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            asking.set(false);
        }
    };
    view! {
        <span class="confirm" on:keydown=keydown>
            <Show
                when=move || asking.get()
                fallback=move || view! {
                    <button type="button" class="danger" disabled=move || disabled.get().unwrap_or(false) data-testid=testid on:click=move |_| asking.set(true)>
                        {move || label.get()}
                    </button>
                }
            >
                <span class="question" role="alert">{move || question.get()}</span>
                <button
                    type="button"
                    class="danger"
                    node_ref=confirm_ref
                    data-testid=format!("{testid}-confirm")
                    on:click=move |_| {
                        asking.set(false);
                        on_confirm.run(());
                    }
                >
                    {move || t.get().confirm}
                </button>
                <button type="button" on:click=move |_| asking.set(false)>{move || t.get().cancel}</button>
            </Show>
        </span>
    }
}

/// The last outcome of an action: nothing yet, busy, done (with `done`'s text), or the error.
pub fn outcome_view<T: Clone + Send + Sync + 'static>(
    value: impl Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    pending: Memo<bool>,
    done: impl Fn(&T) -> String + Send + Sync + 'static,
    testid: &'static str,
) -> impl IntoView {
    let t = use_texts();
    move || {
        if pending.get() {
            return view! { <p class="loading" aria-busy="true">{move || t.get().working}</p> }.into_any();
        }
        match value.get() {
            None => ().into_any(),
            Some(Ok(v)) => view! { <p class="banner ok" role="status" data-testid=testid>{done(&v)}</p> }.into_any(),
            Some(Err(error)) => {
                view! { <div data-testid=format!("{testid}-error")><ErrorView error/></div> }.into_any()
            }
        }
    }
}

/// What a shared rule found wrong with the form, as an error banner in the reader's language
/// (it changes with the language). `testid`: the banner's `data-testid`, if the tests look for it.
pub fn problem_banner(problem: impl Into<Problem>, testid: Option<&'static str>) -> impl IntoView {
    let lang = use_lang();
    let problem = problem.into();
    view! { <p class="banner error" role="alert" data-testid=testid>{move || lang.get().problem(&problem)}</p> }
}

/// Reads a chosen file into the text area (the browser reads it; nothing is sent yet).
#[component]
pub fn FilePicker(text: RwSignal<String>) -> impl IntoView {
    let t = use_texts();
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let file = ev
                .target()
                .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|input| input.files())
                .and_then(|files| files.get(0));
            if let Some(file) = file {
                leptos::task::spawn_local(async move {
                    if let Ok(content) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                        text.set(content.as_string().unwrap_or_default());
                    }
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, text);
    };
    view! {
        <label>
            <span>{move || t.get().file}</span>
            <input type="file" accept=".json,application/json" on:change=on_change data-testid="import-file"/>
        </label>
    }
}
