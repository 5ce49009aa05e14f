//! The GET routes that take input, attacked through their paths and query strings: live streams
//! and definition exports, plus downloads that take none (sent only as non-admins).

use serde_json::{json, Value};

use crate::common::enc;
use crate::requests::{Case, Senders};
use crate::UNKNOWN_CLUSTER;

pub(super) fn get_cases(tag: &str, bad: &[String]) -> Vec<Case> {
    let live = |uri: String| Case::get("/live/{cluster}/{view}", uri);
    let export = |uri: String| Case::get("/export/{cluster}/definitions", uri);
    let tiles = |kinds: Value| format!("/live/it/tiles?tiles={}", enc(&kinds.to_string()));
    let mut cases = Vec::new();
    for text in bad {
        cases.push(live(format!("/live/{}/overview", enc(text))));
        cases.push(live(format!("/live/it/{}", enc(text))));
        cases.push(export(format!("/export/{}/definitions", enc(text))));
        // Vhosts that do not exist ("/" does, and an empty one means the whole broker).
        if !text.is_empty() && text != "/" {
            cases.push(export(format!("/export/it/definitions?vhost={}", enc(text))));
        }
    }
    for uri in [
        format!("/live/{UNKNOWN_CLUSTER}/queues"),
        "/live/it/queue".into(),
        "/live/it/queue?vhost=x".into(),
        "/live/it/exchange?name=x".into(),
        "/live/it/connection?vhost=x".into(),
        "/live/it/tiles".into(),
        "/live/it/tiles?tiles=not-json".into(),
        tiles(Value::Array(vec![json!({"kind": "warnings"}); 25])),
        tiles(json!([{"kind": 7}])),
        "/live/%FF/overview".into(),
        "/live/it/%FF".into(),
    ] {
        cases.push(live(uri));
    }
    for uri in [
        format!("/export/{UNKNOWN_CLUSTER}/definitions"),
        format!("/export/it/definitions?vhost={}", enc(&format!("{tag}-vhost"))),
        "/export/%FF/definitions".into(),
    ] {
        cases.push(export(uri));
    }
    // These take no input that could be wrong, so any request from an admin is a valid one.
    for uri in [
        "/export/dashboards",
        "/export/dashboards?warren_fuzz=%00",
        "/admin/audit/export?format=%FF&page=-1",
        "/admin/audit/export?actor=%00&action=%0D%0A",
    ] {
        let mut case = Case::get(uri.split('?').next().unwrap_or(uri), uri.into());
        case.senders = Senders::NotAdmins;
        cases.push(case);
    }
    cases
}
