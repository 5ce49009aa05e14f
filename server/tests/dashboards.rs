//! Dashboards through the HTTP app (`Router` + `oneshot`): admins save, rename, delete, export
//! and import them; everyone signed in reads them; bad ones are refused whole and change nothing.

mod common;

use std::time::Duration;

use app::auth::Role;
use axum::http::StatusCode;
use common::{brokers, cluster, enc, Admin, TestApp};
use serde_json::{json, Value};

fn spec(name: &str, cluster: &str) -> Value {
    json!({"version": 1, "name": name, "tiles": [
        {"cluster": cluster, "kind": "cluster_status"},
        {"cluster": cluster, "kind": "totals", "vhost": "/", "width": 2,
         "thresholds": [{"metric": "ready", "amber": 10000, "red": 100000}]},
        {"cluster": cluster, "kind": "top_queues", "queues": {"pattern": "^orders"}, "by": {"growth": "Day"}, "limit": 5}
    ]})
}

async fn console() -> TestApp {
    let url = brokers()[0].1.clone();
    TestApp::new(&[cluster("it", &[&url], "guest", Duration::from_secs(3))]).await
}

#[tokio::test]
async fn admins_edit_dashboards_and_everyone_signed_in_reads_them() {
    let app = console().await;
    let (code, saved) =
        app.call("admin/save_dashboard", json!({"id": null, "rev": 0, "spec": spec("Orders 订单 #/%", "it")})).await;
    assert_eq!(code, StatusCode::OK, "{saved}");
    let (id, rev) = (saved["id"].as_i64().unwrap(), saved["rev"].as_u64().unwrap());
    assert_eq!(rev, 1);

    // A wall screen loads the kiosk's own bundle, which holds none of the console's pages.
    let (code, screen) = app.get(&format!("/kiosk/{id}")).await;
    assert_eq!(code, StatusCode::OK);
    assert!(screen.contains("/kiosk-pkg/kiosk") && !screen.contains("/pkg/"), "{screen}");
    let (_, editor) = app.get("/admin/dashboards").await;
    assert!(editor.contains("/pkg/") && !editor.contains("kiosk-pkg"), "{editor}");

    let viewer = app.user("vera", Role::Viewer, None, None).await;
    let (code, list) = app.call_as(Some(&viewer), "list_dashboards", json!({})).await;
    assert_eq!((code, list[0]["spec"]["name"].as_str()), (StatusCode::OK, Some("Orders 订单 #/%")));
    let (code, _) = app.call_as(Some(&viewer), "get_dashboard", json!({"id": id})).await;
    assert_eq!(code, StatusCode::OK);
    let (code, _) = app
        .call_as(Some(&viewer), "admin/save_dashboard", json!({"id": id, "rev": rev, "spec": spec("mine", "it")}))
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN, "viewers do not edit");

    // An edit from an older revision, a name in use, and bad tiles are refused and change nothing.
    let (code, _) =
        app.call("admin/save_dashboard", json!({"id": id, "rev": rev + 1, "spec": spec("Orders v2", "it")})).await;
    assert_eq!(code, StatusCode::CONFLICT);
    app.call("admin/save_dashboard", json!({"id": null, "rev": 0, "spec": spec("Payments", "it")})).await;
    let (code, body) =
        app.call("admin/save_dashboard", json!({"id": id, "rev": rev, "spec": spec("Payments", "it")})).await;
    assert_eq!(code, StatusCode::CONFLICT, "{body}");
    let mut bad = spec("Orders v2", "nowhere");
    bad["tiles"][1]["thresholds"][0]["amber"] = json!(1e6);
    let (code, body) = app.call("admin/save_dashboard", json!({"id": id, "rev": rev, "spec": bad})).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    let why = body.to_string();
    assert!(
        why.contains("tile 1: no cluster named \\\"nowhere\\\"") && why.contains("tile 2: the Ready threshold"),
        "{why}"
    );
    let (code, body) = app
        .call(
            "admin/save_dashboard",
            json!({"id": id, "rev": rev, "spec": {"version": 1, "name": "x", "tiles": [{"kind": "pie"}]}}),
        )
        .await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{body}");
    let (_, kept) = app.call("get_dashboard", json!({"id": id})).await;
    assert_eq!((kept["rev"].as_u64(), kept["spec"]["name"].as_str()), (Some(1), Some("Orders 订单 #/%")));

    // A rename from the current revision goes through and bumps it.
    let (code, renamed) =
        app.call("admin/save_dashboard", json!({"id": id, "rev": rev, "spec": spec("Orders v2", "it")})).await;
    assert_eq!((code, renamed["rev"].as_u64()), (StatusCode::OK, Some(2)));

    // Export, then import into another console: the same dashboards, by name.
    let (code, exported) = app.get("/export/dashboards").await;
    assert_eq!(code, StatusCode::OK);
    let specs: Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(specs.as_array().map(Vec::len), Some(2));
    let other = console().await;
    let (code, imported) = other.call("admin/import_dashboards", json!({"specs": specs})).await;
    assert_eq!(code, StatusCode::OK, "{imported}");
    let (_, listed) = other.call("list_dashboards", json!({})).await;
    assert_eq!(
        listed.as_array().unwrap().iter().map(|d| d["spec"].clone()).collect::<Vec<_>>(),
        specs.as_array().unwrap().clone()
    );
    // Re-importing replaces by name; one bad dashboard refuses the whole import.
    let (_, again) = other.call("admin/import_dashboards", json!({"specs": specs})).await;
    assert_eq!(again[0]["rev"].as_u64(), Some(2));
    let mut with_bad = specs.clone();
    with_bad.as_array_mut().unwrap().push(spec("Broken", "nowhere"));
    let (code, _) = other.call("admin/import_dashboards", json!({"specs": with_bad})).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    let (_, listed) = other.call("list_dashboards", json!({})).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "nothing of the bad import landed");

    let (code, _) = app.call("admin/delete_dashboard", json!({"id": id})).await;
    assert_eq!(code, StatusCode::OK);
    let (code, _) = app.call("get_dashboard", json!({"id": id})).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn tiles_show_a_vhost_on_the_real_broker() {
    let url = brokers()[0].1.clone();
    let admin = Admin::connect(&url).await;
    let vhost = admin.vhost("warren-tiles").await;
    for queue in ["orders.eu 订单", "orders.us", "audit"] {
        admin.put(&format!("queues/{}/{}", enc(&vhost), enc(queue)), json!({"durable": queue != "audit"})).await;
    }
    admin.publish(&vhost, "", "orders.eu 订单", 5).await;
    admin.publish(&vhost, "", "audit", 2).await;
    let app = console().await;
    let orders = json!({"vhost": vhost, "pattern": "^orders\\."});
    let kinds = json!([
        {"kind": "cluster_status"},
        {"kind": "totals", "vhost": vhost},
        {"kind": "top_queues", "queues": orders, "by": "backlog", "limit": 5},
        {"kind": "no_consumers", "queues": {"vhost": vhost}, "limit": 5},
        {"kind": "warnings"},
        {"kind": "backlog", "queues": {"vhost": vhost}, "range": "TenMinutes"},
        {"kind": "top_queues", "queues": {"vhost": vhost, "pattern": "("}, "by": "backlog", "limit": 5}
    ]);
    let read = || async { app.call("get_tiles", json!({"cluster": "it", "kinds": kinds})).await.1["data"].clone() };
    // The warnings are the advisor's: a finding needs two refreshes.
    let transient = |w: &serde_json::Value| w["headline"] == "transient-queue" && w["object"] == "audit";
    common::eventually("the published messages and the advisor's findings in the tiles", || async {
        let tiles = read().await;
        let warnings = tiles[4]["Ok"]["Warnings"].as_array().cloned().unwrap_or_default();
        tiles[1]["Ok"]["Totals"]["ready"] == 7 && warnings.iter().any(transient)
    })
    .await;
    let tiles = read().await;
    assert_eq!(tiles[0]["Ok"]["ClusterStatus"]["nodes_up"], 1);
    let top = &tiles[2]["Ok"]["Queues"];
    assert_eq!((top.as_array().map(Vec::len), top[0]["name"].as_str()), (Some(1), Some("orders.eu 订单")), "{top}");
    let idle: Vec<&str> =
        tiles[3]["Ok"]["Queues"].as_array().unwrap().iter().map(|q| q["name"].as_str().unwrap()).collect();
    assert_eq!(idle, ["orders.eu 订单", "audit"], "most messages first");
    let warnings = tiles[4]["Ok"]["Warnings"].as_array().unwrap();
    let audit = warnings.iter().find(|w| transient(w)).unwrap();
    assert_eq!(audit["severity"], "Red", "a non-durable queue holding messages: {audit}");
    assert!(tiles[5]["Ok"]["Backlog"]["points"].is_array());
    assert!(tiles[6]["Err"]["BadRequest"].as_str().unwrap().contains("pattern"), "a bad tile errs alone: {}", tiles[6]);
    admin.delete(&format!("vhosts/{}", enc(&vhost))).await;
}
