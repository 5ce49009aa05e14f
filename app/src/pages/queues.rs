use leptos::prelude::*;

use crate::api::list_queues;
use crate::auth::Role;
use crate::components::advice::MarkedRow;
use crate::components::backlog_chart::{HistoryChart, TopGrowing};
use crate::components::create::CreateQueueForm;
use crate::components::forms::IfRole;
use crate::components::list::{text, use_list_query, Features, Pager, SortHeader};
use crate::components::live::use_cluster;
use crate::format;
use crate::i18n::use_texts;
use crate::model::{ListQuery, Page, QueueRow};
use crate::pages::list_page;
use crate::urls;
use domain::backlog::SeriesRef;

#[component]
pub fn QueuesPage() -> impl IntoView {
    let query = use_list_query();
    let vhost = Signal::derive(move || query.read().vhost.clone());
    view! {
        {list_page("queues", |t| t.queues, list_queues, |page, query| view! { <QueueTable page query/> })}
        // Filtered to one vhost: that vhost's backlog history and its fastest growing queues.
        <Show when=move || vhost.read().is_some()>
            <HistoryChart series=Signal::derive(move || SeriesRef::Vhost(vhost.get().unwrap_or_default()))/>
            <TopGrowing vhost/>
        </Show>
        // Below the list, where the broker's own UI has it too.
        <IfRole role=Role::Operator>
            <CreateQueueForm/>
        </IfRole>
    }
}

#[component]
fn QueueTable(page: Page<QueueRow>, query: Memo<ListQuery>) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let rows = page.items.clone();
    let empty = rows.is_empty();
    view! {
        <div class="table-wrap">
            <table data-testid="queues">
                <thead>
                    <tr>
                        <SortHeader query key="vhost" label=text(|t| t.vhost)/>
                        <SortHeader query key="name" label=text(|t| t.name)/>
                        <SortHeader query key="type" label=text(|t| t.kind)/>
                        <SortHeader query key="features" label=text(|t| t.features)/>
                        <SortHeader query key="state" label=text(|t| t.state)/>
                        <SortHeader query key="ready" label=text(|t| t.ready) numeric=true/>
                        <SortHeader query key="unacked" label=text(|t| t.unacked) numeric=true/>
                        <SortHeader query key="total" label=text(|t| t.total) numeric=true/>
                        <SortHeader query key="incoming" label=text(|t| t.incoming) numeric=true/>
                        <SortHeader query key="deliver" label=text(|t| t.deliver) numeric=true/>
                        <SortHeader query key="consumers" label=text(|t| t.consumers) numeric=true/>
                        <SortHeader query key="policy" label=text(|t| t.policy)/>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|q| {
                            let href = urls::queue_page(&cluster.get_untracked(), &q.vhost, &q.name);
                            let features = vec![
                                (q.durable, text(|t| t.durable_short), text(|t| t.durable)),
                                (q.auto_delete, text(|t| t.auto_delete_short), text(|t| t.auto_delete)),
                                (q.exclusive, text(|t| t.exclusive_short), text(|t| t.exclusive)),
                                (q.has_arguments, text(|t| t.arguments_short), text(|t| t.arguments)),
                            ];
                            view! {
                                <MarkedRow advice=q.advice>
                                    <td>{q.vhost.clone()}</td>
                                    <td class="name"><a href=href>{q.name.clone()}</a></td>
                                    <td>{q.kind.clone()}</td>
                                    <td><Features flags=features/></td>
                                    <td>{q.state.clone()}</td>
                                    <td class="num">{format::count(q.ready)}</td>
                                    <td class="num">{format::count(q.unacked)}</td>
                                    <td class="num">{format::count(q.total)}</td>
                                    <td class="num">{format::rate(q.incoming_rate)}</td>
                                    <td class="num">{format::rate(q.deliver_rate)}</td>
                                    <td class="num">{format::count(q.consumers)}</td>
                                    <td>{q.policy.clone()}</td>
                                </MarkedRow>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            {empty.then(|| view! { <p class="muted">{move || t.get().nothing_matches}</p> })}
        </div>
        <Pager query page/>
    }
}
