//! Malformed input everywhere, from everyone (issue 17). Thousands of generated requests go to
//! every server function, to both forms and to the GET routes that take input. They carry names
//! with `/ # % ? ..`, NUL, CR LF, 10 KB names, unicode, wrong JSON types, missing and extra fields,
//! huge numbers, bad regexes, broken bodies and bodies at and over the size limit, and each is sent
//! as every kind of identity. Each one must be refused with a 4xx and a message. A form may also
//! redirect back to itself with an error code. Nothing may get a 5xx, panic or drop the answer, and
//! the broker's definitions must be byte-identical afterwards.
//!
//! Each request is built so that it is refused even for an admin. An unusual value can be valid:
//! a queue named `订单/#%?..` is fine. Such a value is sent together with a fault that the server
//! checks anyway, like an unknown cluster, a copy count of 0 or an unknown sort key. The objects it
//! names do not exist either, in a vhost that does not exist.
//!
//! The attacks are in `malformed/`, by what they attack:
//! - `requests.rs`: who sends (`Identity`) and one malformed request (`Case`)
//! - `function.rs`: how a server function's arguments are mutated (`Function`)
//! - `api.rs`: every server function with its base arguments
//! - `forms.rs`: the sign-in and setup forms
//! - `get_routes.rs`: live streams and downloads, through paths and query strings
//! - `answers.rs`: sending in process and judging the answers and the broker afterwards

#[path = "malformed/answers.rs"]
mod answers;
#[path = "malformed/api.rs"]
mod api;
mod common;
#[path = "malformed/forms.rs"]
mod forms;
#[path = "malformed/function.rs"]
mod function;
#[path = "malformed/get_routes.rs"]
mod get_routes;
#[path = "malformed/requests.rs"]
mod requests;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::{brokers, cluster, Admin, TestApp};
use serde_json::json;
use warren::config::auth::AuthConfig;

use answers::{changed_sections, clip, definitions, problem, send};
use api::functions;
use forms::{setup_cases, sign_in_cases};
use get_routes::get_cases;
use requests::{identities, Case, Identity};

const MIN_REQUESTS: usize = 10_000;
/// Small, so that bodies at and over the limit are cheap.
const BODY_LIMIT: usize = 64 * 1024;
const UNKNOWN_CLUSTER: &str = "warren-fuzz-no-such-cluster";
/// In a form body: the token that matches the sender's CSRF cookie (only unreserved characters, so
/// the form encoding leaves it as it is).
const CSRF: &str = "WARRENFUZZCSRFTOKEN";
const WRONG_CSRF: &str = "warren-fuzz-wrong-csrf-token";
const FORM: &str = "application/x-www-form-urlencoded";
const EXTRA: &str = "warren_fuzz_extra";

/// Names that need care: each is refused on its own only where the server checks names.
fn bad_strings() -> Vec<String> {
    let mut bad: Vec<String> =
        ["/", "#", "%", "?", "..", "\u{0}", "\r\n", "a\tb", "订单/#%?..", "", " ", "\u{feff}\u{202e}🐇"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    bad.push("x".repeat(10 * 1024));
    bad
}

/// xorshift64, so that every run sends the same requests.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

fn planned(cases: &[Case], identities: &[Identity]) -> usize {
    cases.iter().map(|case| identities.iter().filter(|i| case.senders.include(i)).count()).sum()
}

/// Everything to send. Random faults are added until there are at least `MIN_REQUESTS`.
fn all_cases(tag: &str, identities: &[Identity]) -> Vec<Case> {
    let mut rng = Rng(0x5eed_f00d_cafe_b0b5);
    let bad = bad_strings();
    let functions = functions(tag);
    let mut cases: Vec<Case> = functions.iter().flat_map(|f| f.cases(&mut rng, &bad)).collect();
    cases.extend(sign_in_cases(tag, &bad));
    cases.extend(setup_cases(tag, &bad));
    cases.extend(get_cases(tag, &bad));
    while planned(&cases, identities) < MIN_REQUESTS {
        for function in &functions {
            cases.extend(function.random(&mut rng, &bad).map(|body| Case::api(function.name, body)));
        }
    }
    cases
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_are_refused_cleanly_and_change_nothing() {
    let (_, url) = brokers().remove(0);
    let broker = Admin::connect(&url).await;
    let app = TestApp::with_auth(
        &[cluster("it", &[&url], "guest", Duration::from_secs(10))],
        AuthConfig { body_limit: BODY_LIMIT, ..AuthConfig::default() },
    )
    .await;
    let identities = identities(&app).await;
    // Before its first read of the cluster Warren answers 503 ("still loading"), which is fair.
    common::eventually("Warren to read cluster it", || async {
        app.call("get_overview", json!({"cluster": "it"})).await.0 == StatusCode::OK
    })
    .await;
    let before = definitions(&broker.base).await;

    let cases = all_cases(&common::unique("warren-fuzz"), &identities);
    let started = Instant::now();
    let mut sent = 0;
    let mut per_route: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for case in &cases {
        for identity in identities.iter().filter(|i| case.senders.include(i)) {
            let outcome = send(&app, case.request(identity)).await;
            sent += 1;
            let counts = per_route.entry(case.label.as_str()).or_default();
            counts.0 += 1;
            let (wrong, answer) = match &outcome {
                Err(e) => (Some(e.clone()), ""),
                Ok(answer) => (problem(case, answer), answer.body.as_str()),
            };
            if let Some(wrong) = wrong {
                counts.1 += 1;
                failures.push(format!(
                    "{} {} as {}: {wrong}\n      sent: {}\n      got:  {}",
                    case.method,
                    clip(&case.uri, 120),
                    identity.name,
                    clip(&String::from_utf8_lossy(&case.body), 200),
                    clip(answer, 200),
                ));
            }
        }
    }
    let elapsed = started.elapsed();
    let after = definitions(&broker.base).await;

    println!(
        "malformed: {sent} requests in {elapsed:.1?} ({:.2} ms each) to {} routes as {} identities; {} not refused cleanly",
        elapsed.as_secs_f64() * 1000.0 / sent.max(1) as f64,
        per_route.len(),
        identities.len(),
        failures.len(),
    );
    for (route, (n, failed)) in &per_route {
        let note = if *failed > 0 { format!(", {failed} not refused cleanly") } else { String::new() };
        println!("  {n:>5} {route}{note}");
    }
    assert!(sent >= MIN_REQUESTS, "only {sent} requests were sent");

    let mut report = Vec::new();
    if before != after {
        report.push(format!(
            "the broker's definitions changed ({}); another test process changing the broker at the same time also does this",
            changed_sections(&before, &after)
        ));
    }
    if !failures.is_empty() {
        let counts: Vec<String> = per_route
            .iter()
            .filter(|(_, (_, failed))| *failed > 0)
            .map(|(route, (n, failed))| format!("  {route}: {failed} of {n}"))
            .collect();
        report.push(format!(
            "{} of {sent} requests were not refused cleanly, by route:\n{}\nthe first {}:\n{}",
            failures.len(),
            counts.join("\n"),
            failures.len().min(40),
            failures.iter().take(40).map(String::as_str).collect::<Vec<_>>().join("\n"),
        ));
    }
    assert!(report.is_empty(), "{}", report.join("\n\n"));
}
