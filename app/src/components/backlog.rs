use leptos::prelude::*;

use crate::chart::backlog_svg;
use crate::i18n::use_texts;
use crate::model::Backlog;

/// The backlog chart with its legend; the legend is HTML so it follows the theme and language.
#[component]
pub fn BacklogChart(backlog: Backlog) -> impl IntoView {
    let t = use_texts();
    let svg = move || backlog_svg(&backlog, t.get().minutes_ago);
    view! {
        <figure class="chart" data-testid="backlog-chart">
            <figcaption>
                <span>{move || t.get().queued_messages}</span>
                <span class="legend ready">{move || t.get().ready}</span>
                <span class="legend unacked">{move || t.get().unacked}</span>
            </figcaption>
            {move || match svg() {
                Some(svg) => view! { <div class="chart-svg" inner_html=svg></div> }.into_any(),
                None => view! { <p class="muted">{t.get().chart_no_samples}</p> }.into_any(),
            }}
        </figure>
    }
}
