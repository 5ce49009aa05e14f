use leptos::prelude::*;

use crate::api::list_exchanges;
use crate::auth::Role;
use crate::components::advice::MarkedRow;
use crate::components::create::CreateExchangeForm;
use crate::components::forms::IfRole;
use crate::components::list::{text, Features, Pager, SortHeader};
use crate::components::live::use_cluster;
use crate::format;
use crate::i18n::use_texts;
use crate::model::{ExchangeRow, ListQuery, Page};
use crate::pages::list_page;
use crate::urls;

#[component]
pub fn ExchangesPage() -> impl IntoView {
    view! {
        {list_page("exchanges", |t| t.exchanges, list_exchanges, |page, query| view! { <ExchangeTable page query/> })}
        // Below the list, where the broker's own UI has it too.
        <IfRole role=Role::Operator>
            <CreateExchangeForm/>
        </IfRole>
    }
}

#[component]
fn ExchangeTable(page: Page<ExchangeRow>, query: Memo<ListQuery>) -> impl IntoView {
    let t = use_texts();
    let cluster = use_cluster();
    let rows = page.items.clone();
    let empty = rows.is_empty();
    view! {
        <div class="table-wrap">
            <table data-testid="exchanges">
                <thead>
                    <tr>
                        <SortHeader query key="vhost" label=text(|t| t.vhost)/>
                        <SortHeader query key="name" label=text(|t| t.name)/>
                        <SortHeader query key="type" label=text(|t| t.kind)/>
                        <SortHeader query key="features" label=text(|t| t.features)/>
                        <SortHeader query key="policy" label=text(|t| t.policy)/>
                        <SortHeader query key="publish_in" label=text(|t| t.publish_in) numeric=true/>
                        <SortHeader query key="publish_out" label=text(|t| t.publish_out) numeric=true/>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|x| {
                            let href = urls::exchange_page(&cluster.get_untracked(), &x.vhost, &x.name);
                            let label = x.name.clone();
                            let features = vec![
                                (x.durable, text(|t| t.durable_short), text(|t| t.durable)),
                                (x.auto_delete, text(|t| t.auto_delete_short), text(|t| t.auto_delete)),
                                (x.internal, text(|t| t.internal_short), text(|t| t.internal)),
                                (x.has_arguments, text(|t| t.arguments_short), text(|t| t.arguments)),
                            ];
                            view! {
                                <MarkedRow advice=x.advice>
                                    <td>{x.vhost.clone()}</td>
                                    <td class="name">
                                        <a href=href>
                                            {move || if label.is_empty() { t.get().default_exchange.to_string() } else { label.clone() }}
                                        </a>
                                    </td>
                                    <td>{x.kind.clone()}</td>
                                    <td><Features flags=features/></td>
                                    <td>{x.policy.clone()}</td>
                                    <td class="num">{format::rate(x.publish_in_rate)}</td>
                                    <td class="num">{format::rate(x.publish_out_rate)}</td>
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
