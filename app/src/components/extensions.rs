//! What depends on the plugins a cluster runs: the layout lists the clusters once per page load
//! (`ClusterList`, in context), and `IfExtension` shows its children only where the current
//! cluster runs the plugin asked for (a navigation link, the queue page's Move form).

use leptos::prelude::*;

use crate::components::live::use_cluster;
use crate::error::AppError;
use crate::model::{ClusterInfo, Extensions};

/// The clusters as the server lists them, read once per page load and shared by the cluster
/// picker and what depends on a cluster's plugins.
#[derive(Clone, Copy)]
pub struct ClusterList(pub Resource<Result<Vec<ClusterInfo>, AppError>>);

/// Its children, once the current cluster is known to run the plugin `when` picks (e.g. the
/// shovel status link); nothing otherwise.
#[component]
pub fn IfExtension(when: fn(&Extensions) -> bool, children: ChildrenFn) -> impl IntoView {
    let cluster = use_cluster();
    let clusters = use_context::<ClusterList>();
    let children = StoredValue::new(children);
    view! {
        <Transition fallback=|| ()>
            {move || {
                let name = cluster.get();
                Suspend::new(async move {
                    let list = clusters?.0.await.ok()?;
                    let on = list.iter().any(|c| c.name == name && when(&c.extensions));
                    on.then(|| children.with_value(|children| children()))
                })
            }}
        </Transition>
    }
}
