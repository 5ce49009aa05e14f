//! The broker's administration, for admins who see every vhost of the cluster: its users and
//! vhosts with their permissions and limits (`/c/{cluster}/users`, `/c/{cluster}/user?name=…`,
//! `/c/{cluster}/vhosts`, `/c/{cluster}/vhost?name=…`, which read one answer, `get_access`, again
//! after each write they make). One split point: the code of all four is fetched together.

mod fields;
mod grants;
mod limits;
mod user;
mod users;
mod vhost;
mod vhosts;
mod words;

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};

use crate::api::{
    get_access, ClearPermissions, ClearTopicPermissions, DeleteBrokerUser, DeleteVhost, SaveBrokerUser, SaveVhost,
    SetLimit, SetPermissions, SetTopicPermissions,
};
use crate::components::fault::{after_broker_fault, fetched, read_again};
use crate::components::live::use_cluster;
use crate::error::AppError;
use crate::model::{AccessInfo, Fresh};

/// Whichever of the four pages the path names (`/c/{cluster}/users`, `user`, `vhosts`, `vhost`).
#[component]
pub fn AccessPage() -> impl IntoView {
    let location = use_location();
    let section = Memo::new(move |_| location.pathname.get().rsplit('/').next().unwrap_or_default().to_string());
    move || match section.get().as_str() {
        "users" => view! { <users::UsersPage/> }.into_any(),
        "user" => view! { <user::UserPage/> }.into_any(),
        "vhosts" => view! { <vhosts::VhostsPage/> }.into_any(),
        _ => view! { <vhost::VhostPage/> }.into_any(),
    }
}

type AccessResource = Resource<Result<Fresh<AccessInfo>, AppError>>;

/// The writes of an access page, made once per page: the forms under `fetched` are made again
/// each time the page reads the broker again, and the outcomes must outlive that.
#[derive(Clone, Copy)]
struct Actions {
    save_user: ServerAction<SaveBrokerUser>,
    delete_user: ServerAction<DeleteBrokerUser>,
    save_vhost: ServerAction<SaveVhost>,
    delete_vhost: ServerAction<DeleteVhost>,
    set_permissions: ServerAction<SetPermissions>,
    clear_permissions: ServerAction<ClearPermissions>,
    set_topic_permissions: ServerAction<SetTopicPermissions>,
    clear_topic_permissions: ServerAction<ClearTopicPermissions>,
    set_limit: ServerAction<SetLimit>,
}

/// The cluster's users, vhosts and permissions, read again after each write of this page that
/// succeeded (one that failed changed nothing, and the form keeps what was typed).
fn use_access() -> AccessResource {
    let cluster = use_cluster();
    let reload = RwSignal::new(0u64);
    let actions = Actions {
        save_user: ServerAction::new(),
        delete_user: ServerAction::new(),
        save_vhost: ServerAction::new(),
        delete_vhost: ServerAction::new(),
        set_permissions: ServerAction::new(),
        clear_permissions: ServerAction::new(),
        set_topic_permissions: ServerAction::new(),
        clear_topic_permissions: ServerAction::new(),
        set_limit: ServerAction::new(),
    };
    provide_context(actions);
    for outcome in [
        actions.save_user.value(),
        actions.delete_user.value(),
        actions.save_vhost.value(),
        actions.delete_vhost.value(),
        actions.set_permissions.value(),
        actions.clear_permissions.value(),
        actions.set_topic_permissions.value(),
        actions.clear_topic_permissions.value(),
        actions.set_limit.value(),
    ] {
        Effect::new(move |_| {
            if matches!(outcome.get(), Some(Ok(()))) {
                reload.update(|n| *n += 1);
            }
        });
    }
    let retry = RwSignal::new(0u64);
    let access = Resource::new(move || (cluster.get(), reload.get(), retry.get()), |(cluster, ..)| get_access(cluster));
    // These pages have no live stream: a cluster that could not be read is asked again every
    // few seconds, so the page recovers by itself as its fault banner says.
    read_again(access, retry, after_broker_fault);
    access
}

fn use_actions() -> Actions {
    expect_context::<Actions>()
}

/// What a write came to: nothing yet, done, or why not.
type Outcome = MappedSignal<Option<Result<(), AppError>>>;

/// After a successful delete, the list the object was on.
fn back_to_list(outcome: Outcome, section: &'static str) {
    let cluster = use_cluster();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(outcome.get(), Some(Ok(()))) {
            navigate(&crate::urls::section(&cluster.get_untracked(), section), Default::default());
        }
    });
}

/// A user's or vhost's page: its title, then `body` with the object `?name=…` names (`find`
/// picks it from the cluster's answer), or a note that the broker has none of that name.
fn object_page<T, V>(
    kind: Signal<&'static str>,
    (section, deleted): (&'static str, fn(Actions) -> Outcome),
    find: fn(&AccessInfo, &str) -> Option<T>,
    body: fn(AccessInfo, T) -> V,
) -> impl IntoView
where
    T: 'static,
    V: IntoView + 'static,
{
    let w = words::use_words();
    let access = use_access();
    let name = use_name();
    // Once it is deleted, back to the list it was on.
    back_to_list(deleted(use_actions()), section);
    view! {
        <h1 class="object-title"><span class="muted">{move || kind.get()} " "</span><span data-testid="object-name">{name}</span></h1>
        {fetched(access, move |fresh| {
            let info = fresh.data;
            move || match find(&info, &name.get()) {
                Some(object) => body(info.clone(), object).into_any(),
                None => view! { <p class="banner error" role="alert">{move || (w.get().unknown)(&name.get())}</p> }.into_any(),
            }
        })}
    }
}

/// The `name` a user's or vhost's page is about, from `?name=…`.
fn use_name() -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("name").unwrap_or_default())
}

/// A user's or vhost's page: `?name=…` on its section.
fn page_of(cluster: &str, section: &str, name: &str) -> String {
    crate::urls::with_query(&crate::urls::section(cluster, section), &[("name", name)])
}

/// Limits as `key = value` pairs, or the words for none.
fn limits_text(limits: &[(String, i64)], none: &str) -> String {
    match limits.is_empty() {
        true => none.to_string(),
        false => limits.iter().map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join(", "),
    }
}
