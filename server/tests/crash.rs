//! `kill -9` of Warren while it writes (issue 19): the real binary records the 3.10 broker's
//! history every second while a signed-in admin saves dashboard revisions back to back, each save
//! and sign-in writing its audit row. Ten times, at a random moment, it is killed with SIGKILL;
//! then the test opens every store itself and checks that each opens, that every write Warren
//! acknowledged is there exactly once, and that history lost at most the interval being written.
//! Runs the real binary against a real broker, so it is a test binary of its own.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::api::Dashboards;
use app::auth::{AuditEntry, AuditQuery};
use axum::http::{header, StatusCode};
use common::{brokers, everyone, set_cookies, Admin};
use domain::backlog::{Range, SeriesRef};
use futures_util::TryStreamExt;
use serde_json::json;
use warren::config::timeseries::HistoryConfig;
use warren::metrics::Metrics;
use warren::service::clusters::Clusters;
use warren::service::dashboards::DashboardStore;
use warren::store::audit::export::ExportFormat;
use warren::store::audit::query::AuditScope;
use warren::store::audit::Audit;
use warren::store::timeseries::History;
use warren::store::{now_ms, Store};

const ROUNDS: u32 = 10;
const ADMIN: &str = "crash-admin";
const PASSWORD: &str = "crash test password 1234";
/// The refresh interval (1 s), the refresh and write under way when the kill came, and the
/// rounding of a sample's time down to the second the store keeps.
const HISTORY_LOSS_MS: i64 = 2_500;

#[tokio::test]
async fn kill_9_during_writes_loses_no_acknowledged_write() {
    let started = Instant::now();
    let console = Console::new(&broker_3_10().await);
    let mut rng = Rng::seeded();
    let mut expected = Expected::default();
    expected.audit.insert(console.add_admin());

    for round in 0..ROUNDS {
        let mut warren = console.start(round);
        let session = Session::sign_in(&warren.base, round).await;
        expected.audit.insert(audit_key("sign_in", None, Some(&session.user_agent)));
        let first = session.save(&Revision::first(round)).await.expect("the first save of the round");

        // Saves run back to back, so the kill lands in the middle of one (and, now and then,
        // in a history write); the delay is long enough for a few history samples.
        let saver = tokio::spawn(session.clone().save_until_killed(first));
        let delay = 1_000 + rng.below(3_000);
        println!("round {round}: serving on {}, killed after {delay} ms of saves", warren.base);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        let saving_at_the_kill = !saver.is_finished();
        let killed_at = warren.kill();
        let (acked, in_flight) = tokio::time::timeout(Duration::from_secs(30), saver)
            .await
            .expect("the saves end once Warren is gone")
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()));
        assert!(saving_at_the_kill, "round {round}: the saves stopped before the kill, at {in_flight:?}");
        for save in &acked {
            expected.audit.insert(save.audit_key(&session.user_agent));
        }

        let round = Round { number: round, user_agent: session.user_agent, acked, in_flight, killed_at };
        let found = expected.check(&console.data_dir(), &round).await;
        println!(
            "round {}: {} saves acknowledged; the one under way {}; {} new history samples, the last {} ms \
             before the kill",
            round.number,
            round.acked.len(),
            if found.in_flight_committed { "was committed" } else { "was not" },
            found.new_samples,
            killed_at - found.last_sample,
        );
    }
    println!("{ROUNDS} rounds in {:.1} s", started.elapsed().as_secs_f64());
}

/// The 3.10 broker of `WARREN_TEST_BROKERS`, checked to be up.
async fn broker_3_10() -> String {
    let url =
        brokers().into_iter().find(|(version, _)| version == "3.10").expect("a 3.10 broker in WARREN_TEST_BROKERS").1;
    Admin::connect(&url).await;
    url
}

/// A data directory and configuration for Warren, and the log file all its runs write to.
struct Console {
    dir: tempfile::TempDir,
    config: PathBuf,
    log: PathBuf,
}

impl Console {
    fn new(broker: &str) -> Console {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("warren.toml");
        let toml = format!(
            "data_dir = {:?}\n\n[[cluster]]\nname = \"it\"\nurls = [\"{broker}\"]\nusername = \"guest\"\n\
             password = \"guest\"\nrefresh_interval_secs = 1\n",
            dir.path().join("data")
        );
        std::fs::write(&config, toml).unwrap();
        let log = dir.path().join("warren.log");
        Console { dir, config, log }
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The warren binary with this console's configuration, its output appended to the log.
    fn command(&self, heading: &str) -> Command {
        let mut log = OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
        writeln!(log, "=== {heading}").unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_warren"));
        command
            .env("WARREN_CONFIG", &self.config)
            .env("RUST_LOG", "info,tower_http=warn")
            .env("NO_COLOR", "1")
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log));
        command
    }

    /// The first admin, added the way the e2e suite (and an operator) does it: `warren user add`
    /// with the password on stdin. Returns the audit row it writes.
    fn add_admin(&self) -> AuditKey {
        let mut child = self
            .command("warren user add")
            .args(["user", "add", ADMIN, "--role", "admin"])
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
        assert!(child.wait().unwrap().success(), "warren user add failed: see its log");
        audit_key("add_user", Some(&format!("user {ADMIN} as admin")), None)
    }

    /// Starts Warren on a free port and waits until it answers.
    fn start(&self, round: u32) -> Running {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = self
            .command(&format!("round {round}, port {port}"))
            .env("WARREN_LISTEN", format!("127.0.0.1:{port}"))
            .env("LEPTOS_OUTPUT_NAME", "warren")
            .env("LEPTOS_SITE_ROOT", self.dir.path())
            .spawn()
            .expect("starting warren");
        let mut running = Running { child, base: format!("http://127.0.0.1:{port}") };
        running.wait_until_serving();
        running
    }
}

/// A failed assertion shows how Warren's runs ended, so a flake explains itself.
impl Drop for Console {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let lines: Vec<&str> = log.lines().collect();
            let tail = &lines[lines.len().saturating_sub(60)..];
            eprintln!("--- the end of Warren's log ({} lines in all) ---\n{}\n---", lines.len(), tail.join("\n"));
        }
    }
}

/// One Warren process; killed when dropped, so a failed test leaves none behind.
struct Running {
    child: Child,
    base: String,
}

impl Running {
    fn wait_until_serving(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("Warren exited at start ({status})");
            }
            if std::net::TcpStream::connect(self.base.trim_start_matches("http://")).is_ok() {
                return;
            }
            assert!(Instant::now() < deadline, "Warren is not serving {} after 30 s", self.base);
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL (what `Child::kill` sends on Unix); returns when, in store time.
    fn kill(&mut self) -> i64 {
        self.child.kill().expect("SIGKILL");
        let killed_at = now_ms();
        self.child.wait().unwrap();
        killed_at
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A dashboard save: the revision it makes, under a name no other save uses, so its audit row
/// (`dashboard "<name>"`) is its own.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Revision {
    id: Option<i64>,
    rev: u64,
    name: String,
}

impl Revision {
    /// A new dashboard, one per round.
    fn first(round: u32) -> Revision {
        Revision { id: None, rev: 1, name: format!("crash {round}.1") }
    }

    fn next(&self) -> Revision {
        let (stem, _) = self.name.rsplit_once('.').unwrap();
        Revision { id: self.id, rev: self.rev + 1, name: format!("{stem}.{}", self.rev + 1) }
    }

    fn audit_key(&self, user_agent: &str) -> AuditKey {
        audit_key("save_dashboard", Some(&format!("dashboard {:?}", self.name)), Some(user_agent))
    }
}

/// An admin signed in over HTTP: the cookies and CSRF token a browser would hold.
#[derive(Clone)]
struct Session {
    http: reqwest::Client,
    base: String,
    /// Names the round in the audit log.
    user_agent: String,
    cookies: String,
    csrf: String,
}

impl Session {
    /// The sign-in form as a browser posts it: with the CSRF token from the sign-in page's cookie.
    async fn sign_in(base: &str, round: u32) -> Session {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let user_agent = format!("warren crash test, round {round}");
        let page = http.get(format!("{base}/signin")).header(header::USER_AGENT, &user_agent).send().await.unwrap();
        let csrf = cookie(page.headers(), "warren_csrf").expect("the sign-in page sets a CSRF cookie");
        let form = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("source", "local"),
                ("username", ADMIN),
                ("password", PASSWORD),
                ("csrf", &csrf),
                ("next", "/"),
            ])
            .finish();
        let reply = http
            .post(format!("{base}/auth/signin"))
            .header(header::USER_AGENT, &user_agent)
            .header(header::COOKIE, format!("warren_csrf={csrf}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), StatusCode::SEE_OTHER);
        let (session, csrf) = (cookie(reply.headers(), "warren_session"), cookie(reply.headers(), "warren_csrf"));
        let (Some(session), Some(csrf)) = (session, csrf) else {
            panic!("sign-in refused: sent to {:?}", reply.headers().get(header::LOCATION));
        };
        let cookies = format!("warren_session={session}; warren_csrf={csrf}");
        Session { http, base: base.to_string(), user_agent, cookies, csrf }
    }

    /// Saves `revision` as the dashboard editor does; the saved revision once Warren answered 2xx,
    /// an error when it could not answer. Any other answer fails the test.
    async fn save(&self, revision: &Revision) -> Result<Revision, reqwest::Error> {
        let spec = json!({"version": 1, "name": revision.name, "tiles": [{"cluster": "it", "kind": "cluster_status"}]});
        let reply = self
            .http
            .post(format!("{}/api/admin/save_dashboard", self.base))
            .header(header::USER_AGENT, &self.user_agent)
            .header(header::COOKIE, &self.cookies)
            .header("x-csrf-token", &self.csrf)
            .header(header::ACCEPT, "application/json")
            .json(&json!({"id": revision.id, "rev": revision.rev - 1, "spec": spec}))
            .send()
            .await?;
        let status = reply.status();
        let body = reply.text().await?;
        assert!(status.is_success(), "saving {revision:?}: {status} {body}");
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        let saved =
            Revision { id: body["id"].as_i64(), rev: body["rev"].as_u64().unwrap(), name: revision.name.clone() };
        assert!(revision.id.is_none_or(|id| saved.id == Some(id)) && saved.rev == revision.rev, "{saved:?}");
        Ok(saved)
    }

    /// Saves revision after revision until Warren stops answering: the acknowledged ones, and
    /// the one under way when it stopped (committed or not: the kill decided).
    async fn save_until_killed(self, first: Revision) -> (Vec<Revision>, Revision) {
        let mut acked = vec![first];
        loop {
            let next = acked.last().unwrap().next();
            match self.save(&next).await {
                Ok(saved) => acked.push(saved),
                Err(_) => return (acked, next),
            }
        }
    }
}

fn cookie(headers: &header::HeaderMap, name: &str) -> Option<String> {
    set_cookies(headers).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// An audit row as the test tells them apart: action, object, browser; the outcome is always ok.
type AuditKey = (String, Option<String>, Option<String>);

fn audit_key(action: &str, object: Option<&str>, user_agent: Option<&str>) -> AuditKey {
    (action.to_string(), object.map(str::to_string), user_agent.map(str::to_string))
}

/// What the stores must hold after a kill: everything acknowledged so far, and whatever an
/// earlier kill left committed (once a store has shown a write, it must keep it).
#[derive(Default)]
struct Expected {
    /// Each exactly once.
    audit: HashSet<AuditKey>,
    /// The revision each dashboard is at, by id.
    dashboards: BTreeMap<i64, Revision>,
    /// The cluster's history samples.
    samples: BTreeSet<i64>,
}

/// What one round did before its kill.
struct Round {
    number: u32,
    /// The browser its session signed in with.
    user_agent: String,
    /// The saves Warren acknowledged, in order.
    acked: Vec<Revision>,
    /// The save under way at the kill.
    in_flight: Revision,
    killed_at: i64,
}

/// What a round's check found, for its summary line.
struct Found {
    in_flight_committed: bool,
    new_samples: usize,
    last_sample: i64,
}

impl Expected {
    /// Opens each store of `data` and checks it against what `round` allows; then takes what
    /// it found as the expectation for the rounds after.
    async fn check(&mut self, data: &Path, round: &Round) -> Found {
        let n = round.number;
        let store = Store::open(data).unwrap_or_else(|e| panic!("round {n}: warren.db does not open: {e}"));
        let audited_in_flight = self.check_audit(&store, round).await;
        let in_flight_committed = self.check_dashboards(&store, round).await;
        // The audit row is written after the save commits: it never tells of a save that is not there.
        assert!(
            in_flight_committed || !audited_in_flight,
            "round {n}: the audit log has {:?}, the dashboards do not",
            round.in_flight
        );
        let (new_samples, last_sample) = self.check_history(data, round);
        Found { in_flight_committed, new_samples, last_sample }
    }

    /// Every acknowledged row once, and no row but those and the save under way; whether that
    /// one's row is there.
    async fn check_audit(&mut self, store: &Store, round: &Round) -> bool {
        let n = round.number;
        let mut seen = HashSet::new();
        for row in audit_keys(store).await {
            assert!(seen.insert(row.clone()), "round {n}: audit row written twice: {row:?}");
        }
        let lost: Vec<_> = self.audit.difference(&seen).collect();
        assert!(lost.is_empty(), "round {n}: acknowledged audit rows lost: {lost:?}");
        let in_flight = round.in_flight.audit_key(&round.user_agent);
        let unknown: Vec<_> = seen.iter().filter(|r| !self.audit.contains(*r) && **r != in_flight).collect();
        assert!(unknown.is_empty(), "round {n}: audit rows nobody wrote: {unknown:?}");
        self.audit = seen;
        self.audit.contains(&in_flight)
    }

    /// The round's dashboard at its last acknowledged revision or the one under way, the earlier
    /// rounds' as they were; whether the one under way was committed. (The store keeps only a
    /// dashboard's latest revision: the earlier ones are checked through their audit rows.)
    async fn check_dashboards(&mut self, store: &Store, round: &Round) -> bool {
        let (n, last, in_flight) = (round.number, round.acked.last().unwrap(), &round.in_flight);
        let id = last.id.unwrap();
        let stored = dashboards(store).await;
        let now = stored.get(&id);
        assert!(
            now == Some(last) || now == Some(in_flight),
            "round {n}: dashboard {id} is at {now:?}; last acknowledged {last:?}, under way {in_flight:?}"
        );
        self.dashboards.insert(id, now.unwrap().clone());
        assert_eq!(stored, self.dashboards, "round {n}: the dashboards of earlier rounds changed");
        now == Some(in_flight)
    }

    /// Earlier samples all kept, new ones recorded, the last one at most `HISTORY_LOSS_MS` before
    /// the kill; how many are new, and when the last was taken.
    fn check_history(&mut self, data: &Path, round: &Round) -> (usize, i64) {
        let n = round.number;
        let samples = history_samples(data);
        let missing: Vec<_> = self.samples.difference(&samples).collect();
        assert!(missing.is_empty(), "round {n}: history samples of earlier rounds lost: {missing:?}");
        let new_samples = samples.len() - self.samples.len();
        assert!(new_samples > 0, "round {n}: nothing recorded");
        let last_sample = *samples.last().unwrap();
        let lost_ms = round.killed_at - last_sample;
        assert!(lost_ms <= HISTORY_LOSS_MS, "round {n}: the last sample is {lost_ms} ms older than the kill");
        self.samples = samples;
        (new_samples, last_sample)
    }
}

/// Every audit row, through the export the audit page offers.
async fn audit_keys(store: &Store) -> Vec<AuditKey> {
    let scope = AuditScope::unrestricted((ADMIN.into(), "local".into()));
    let export = Audit::new(store.clone()).export_stream(&AuditQuery::default(), &scope, ExportFormat::Json);
    let chunks: Vec<axum::body::Bytes> = export.try_collect().await.expect("the audit log reads");
    let entries: Vec<AuditEntry> = serde_json::from_slice(&chunks.concat()).unwrap();
    entries
        .into_iter()
        .map(|e| {
            assert_eq!(e.outcome, "ok", "{e:?}");
            (e.action, e.object, e.user_agent)
        })
        .collect()
}

/// Every dashboard, as the dashboards page reads them.
async fn dashboards(store: &Store) -> BTreeMap<i64, Revision> {
    let clusters = Clusters::spawn(&[], Arc::new(Metrics::default()), None, None).unwrap();
    let dashboards = DashboardStore::new(store.clone(), Audit::new(store.clone()), clusters);
    let all = dashboards.dashboards(&everyone()).await.expect("the dashboards read");
    all.into_iter().map(|d| (d.id, Revision { id: Some(d.id), rev: d.rev, name: d.spec.name })).collect()
}

/// When the cluster's history samples were taken.
fn history_samples(data: &Path) -> BTreeSet<i64> {
    let history = History::open(data, HistoryConfig::default()).expect("history.db opens");
    let points = history.read("it", &SeriesRef::Cluster, Range::TenMinutes, now_ms()).expect("history reads");
    points.iter().map(|p| p.ts_ms).collect()
}

/// xorshift64: enough to spread the kills, and replayable from the seed it prints.
struct Rng(u64);

impl Rng {
    /// `WARREN_CRASH_SEED`, or the clock.
    fn seeded() -> Rng {
        let seed = match std::env::var("WARREN_CRASH_SEED") {
            Ok(seed) => seed.parse().expect("WARREN_CRASH_SEED is a number"),
            Err(_) => now_ms() as u64,
        };
        let seed = seed.max(1);
        println!("kill delays from seed {seed} (WARREN_CRASH_SEED={seed} gives the same ones)");
        Rng(seed)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}
