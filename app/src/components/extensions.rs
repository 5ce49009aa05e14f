//! What depends on the plugins a cluster runs and the features it uses: the layout lists the
//! clusters once per page load (`ClusterList`, in context), `IfExtension` shows its children only
//! where the current cluster runs the plugin asked for (a navigation link, the queue page's Move
//! form), and `DeprecatedBanner` says which deprecated features it uses.

use leptos::prelude::*;

use crate::components::live::use_cluster;
use crate::error::AppError;
use crate::i18n::use_texts;
use crate::model::{ClusterInfo, Extensions};

/// The clusters as the server lists them, read once per page load and shared by the cluster
/// picker and what depends on a cluster's plugins.
#[derive(Clone, Copy)]
pub struct ClusterList(pub Resource<Result<Vec<ClusterInfo>, AppError>>);

/// What `render` makes of the current cluster's entry in the list, once the list has arrived.
fn with_current_cluster<V>(render: impl Fn(ClusterInfo) -> Option<V> + Clone + Send + Sync + 'static) -> impl IntoView
where
    V: IntoView + 'static,
{
    let cluster = use_cluster();
    let clusters = use_context::<ClusterList>();
    view! {
        <Transition fallback=|| ()>
            {move || {
                let (name, render) = (cluster.get(), render.clone());
                Suspend::new(async move {
                    let list = clusters?.0.await.ok()?;
                    render(list.into_iter().find(|c| c.name == name)?)
                })
            }}
        </Transition>
    }
}

/// Its children, once the current cluster is known to run the plugin `when` picks (e.g. the
/// shovel status link); nothing otherwise.
#[component]
pub fn IfExtension(when: fn(&Extensions) -> bool, children: ChildrenFn) -> impl IntoView {
    let children = StoredValue::new(children);
    with_current_cluster(move |c| when(&c.extensions).then(|| children.with_value(|children| children())))
}

/// On every page of a cluster that uses features RabbitMQ deprecates: which, and (for admins) a
/// link to the upgrade check that says what to do.
#[component]
pub fn DeprecatedBanner() -> impl IntoView {
    let t = use_texts();
    let admin = crate::components::forms::use_me().is_some_and(|me| me.is_admin());
    with_current_cluster(move |c| {
        let (used, href) = (c.deprecated_used, crate::urls::section(&c.name, "upgrade"));
        (!used.is_empty()).then(|| {
            view! {
                <div class="banner warn" role="status" data-testid="deprecated-banner">
                    <span>{move || (t.get().deprecated_banner)(&used)}</span>
                    {admin.then(|| view! { " " <a href=href>{move || t.get().deprecated_banner_link}</a> })}
                </div>
            }
        })
    })
}
