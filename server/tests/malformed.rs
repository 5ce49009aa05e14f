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

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use app::auth::Role;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use common::{brokers, cluster, enc, Admin, Session, TestApp};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;
use warren::config::AuthConfig;

const MIN_REQUESTS: usize = 10_000;
/// Small, so that bodies at and over the limit are cheap.
const BODY_LIMIT: usize = 64 * 1024;
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);
const UNKNOWN_CLUSTER: &str = "warren-fuzz-no-such-cluster";
/// Where every request comes from. It is not 127.0.0.1, so that throttled sign-ins stay apart.
const ADDRESS: &str = "192.0.2.7:40000";
/// In a form body: the token that matches the sender's CSRF cookie (only unreserved characters, so
/// the form encoding leaves it as it is).
const CSRF: &str = "WARRENFUZZCSRFTOKEN";
const WRONG_CSRF: &str = "warren-fuzz-wrong-csrf-token";
const FORM: &str = "application/x-www-form-urlencoded";
const EXTRA: &str = "warren_fuzz_extra";
/// Marks a number literal that a JSON value cannot hold; `render` unquotes it.
const RAW: &str = "@@raw:";

const NUMBERS: &[&str] = &[
    "-1",
    "0",
    "256",
    "4294967296",
    "18446744073709551616",
    "-9223372036854775809",
    "1e308",
    "-1e308",
    "1e999",
    "1.5",
    "-0.0",
    "123456789012345678901234567890",
];
const REGEXES: &[&str] = &["(", "[", "(?<", "a{99999999}", "*", "\\", "x{2,1}", ")"];
const CONTENT_TYPES: [Option<&str>; 5] = [
    Some("text/plain"),
    Some(FORM),
    Some("multipart/form-data; boundary=warren-fuzz"),
    None,
    Some("application/json; charset=utf-16"),
];

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

/// How a request presents itself.
#[derive(Clone)]
enum Who {
    Anonymous,
    Session(Session),
    /// A session's cookies with a CSRF header that is not its token.
    Forged(Session),
    Bearer(String),
}

impl Who {
    fn apply(&self, request: &mut Request<Body>) {
        let headers = request.headers_mut();
        match self {
            Who::Anonymous => {}
            Who::Session(s) | Who::Forged(s) => {
                headers.insert(header::COOKIE, s.cookies.parse().unwrap());
                let token = if matches!(self, Who::Forged(_)) { "warren-fuzz-forged-token" } else { s.csrf.as_str() };
                headers.insert("x-csrf-token", token.parse().unwrap());
            }
            Who::Bearer(token) => {
                headers.insert(header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
            }
        }
    }

    /// Its cookies for a form: the session's, if any, with the CSRF cookie that the sign-in page
    /// gives a browser (the forms take only a token Warren minted, which a session's is not).
    fn form_cookies(&self, minted: &str) -> String {
        let session: String = match self {
            Who::Session(s) | Who::Forged(s) => {
                s.cookies.split("; ").filter(|c| !c.starts_with("warren_csrf=")).map(|c| format!("{c}; ")).collect()
            }
            _ => String::new(),
        };
        format!("{session}warren_csrf={minted}")
    }
}

struct Identity {
    name: &'static str,
    who: Who,
    /// Admins may use the routes that take no input, so those are not sent as them.
    admin: bool,
    /// The CSRF token the sign-in page minted for its browser, which a form must repeat.
    form_token: String,
}

async fn identities(app: &TestApp) -> Vec<Identity> {
    let viewer = app.user("fuzz-viewer", Role::Viewer, None, None).await;
    let operator = app.user("fuzz-operator", Role::Operator, None, None).await;
    let elsewhere = app.user("fuzz-elsewhere", Role::Viewer, Some(vec!["warren-fuzz-elsewhere".into()]), None).await;
    let scoped = app.user("fuzz-scoped-admin", Role::Admin, Some(vec!["it".into()]), Some("^warren-fuzz-none$")).await;
    let identity = |name, who, admin, form_token| Identity { name, who, admin, form_token };
    vec![
        identity("anonymous", Who::Anonymous, false, app.sign_in_csrf().await),
        identity("viewer", Who::Session(viewer), false, app.sign_in_csrf().await),
        identity("operator", Who::Session(operator), false, app.sign_in_csrf().await),
        identity("admin", Who::Session(app.admin.clone()), true, app.sign_in_csrf().await),
        identity("admin with a forged CSRF token", Who::Forged(app.admin.clone()), true, app.sign_in_csrf().await),
        identity("viewer of another cluster", Who::Session(elsewhere), false, app.sign_in_csrf().await),
        identity("admin of no vhost", Who::Session(scoped), true, app.sign_in_csrf().await),
        identity("screen token", Who::Bearer(screen_token(app)), false, app.sign_in_csrf().await),
    ]
}

/// A wall screen's bearer token for cluster `it`. It is made only here, because the signature of
/// `tokens::create` may gain a vhost-pattern argument.
fn screen_token(app: &TestApp) -> String {
    let (_, token) =
        warren::store::tokens::create(&app.auth.store, "warren fuzz wall", Some(vec!["it".into()]), "admin")
            .expect("a screen token");
    token
}

#[derive(Clone, Copy, PartialEq)]
enum Route {
    Api,
    Form,
    Get,
}

#[derive(Clone, Copy, PartialEq)]
enum Senders {
    All,
    /// For routes that take no input: an admin's request is a valid one.
    NotAdmins,
    /// For a request that costs a password check.
    AnonymousOnly,
}

impl Senders {
    fn include(self, identity: &Identity) -> bool {
        match self {
            Senders::All => true,
            Senders::NotAdmins => !identity.admin,
            Senders::AnonymousOnly => matches!(identity.who, Who::Anonymous),
        }
    }
}

/// One malformed request, to be sent as each identity.
struct Case {
    /// What the per-route counts group it under: `POST /api/ops/publish`.
    label: String,
    route: Route,
    method: Method,
    uri: String,
    content_type: Option<&'static str>,
    /// Whether it states its length, as an HTTP/1 client does. Without a stated length, the
    /// limit is enforced while the body is read.
    content_length: bool,
    body: Vec<u8>,
    senders: Senders,
}

impl Case {
    fn api(function: &str, body: Vec<u8>) -> Case {
        Case {
            label: format!("POST /api/{function}"),
            route: Route::Api,
            method: Method::POST,
            uri: format!("/api/{function}"),
            content_type: Some("application/json"),
            content_length: true,
            body,
            senders: Senders::All,
        }
    }

    fn form(path: &str, body: Vec<u8>) -> Case {
        Case {
            label: format!("POST {path}"),
            route: Route::Form,
            method: Method::POST,
            uri: path.to_string(),
            content_type: Some(FORM),
            content_length: true,
            body,
            senders: Senders::All,
        }
    }

    fn get(label: &str, uri: String) -> Case {
        Case {
            label: format!("GET {label}"),
            route: Route::Get,
            method: Method::GET,
            uri,
            content_type: None,
            content_length: false,
            body: Vec::new(),
            senders: Senders::All,
        }
    }

    fn request(&self, identity: &Identity) -> Request<Body> {
        let body = match self.route {
            Route::Form => replace(&self.body, CSRF.as_bytes(), identity.form_token.as_bytes()),
            _ => self.body.clone(),
        };
        let mut builder = Request::builder()
            .method(self.method.clone())
            .uri(self.uri.as_str())
            .header(header::ACCEPT, "application/json");
        if let Some(kind) = self.content_type {
            builder = builder.header(header::CONTENT_TYPE, kind);
        }
        if self.content_length {
            builder = builder.header(header::CONTENT_LENGTH, body.len());
        }
        let mut request = builder.body(Body::from(body)).expect("a request");
        identity.who.apply(&mut request);
        if self.route == Route::Form {
            let cookies = identity.who.form_cookies(&identity.form_token);
            request.headers_mut().insert(header::COOKIE, cookies.parse().unwrap());
        }
        request.extensions_mut().insert(ConnectInfo(ADDRESS.parse::<SocketAddr>().unwrap()));
        request
    }
}

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
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

/// A number literal that `serde_json::Value` cannot hold (`18446744073709551616`, `1e999`). It
/// goes in as a marked string, and `render` writes it as a number.
fn raw(literal: &str) -> Value {
    Value::String(format!("{RAW}{literal}"))
}

fn render(value: &Value) -> String {
    let text = value.to_string();
    let marker = format!("\"{RAW}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find(&marker) {
        out.push_str(&rest[..at]);
        let literal = &rest[at + marker.len()..];
        let end = literal.find('"').expect("a marked literal ends");
        out.push_str(&literal[..end]);
        rest = &literal[end + 1..];
    }
    out.push_str(rest);
    out
}

/// `message.headers.0.key` as a JSON pointer.
fn pointer(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("/{}", path.replace('.', "/"))
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Whether one path is the other or lies inside it.
fn related(a: &str, b: &str) -> bool {
    let inside = |outer: &str, inner: &str| inner.starts_with(outer) && inner[outer.len()..].starts_with('.');
    a == b || inside(a, b) || inside(b, a)
}

fn has(paths: &[&str], path: &str) -> bool {
    paths.contains(&path)
}

fn set(body: &mut Value, path: &str, value: Value) {
    *body.pointer_mut(&pointer(path)).unwrap_or_else(|| panic!("no {path} in the arguments")) = value;
}

fn wrong_types(value: &Value) -> Vec<Value> {
    match value {
        Value::String(_) => vec![json!(7), json!(true), json!([]), json!({}), Value::Null],
        Value::Number(_) => vec![json!("7"), json!(false), json!([7]), json!({}), Value::Null],
        Value::Bool(_) => vec![json!("true"), json!(1), json!([]), json!({}), Value::Null],
        // An `Option`: anything but null is some value, so only the wrong types are sent.
        Value::Null => vec![json!(7), json!(false), json!({"warren_fuzz": 1})],
        Value::Array(_) => vec![json!("x"), json!(7), json!({}), Value::Null],
        Value::Object(_) => vec![json!("x"), json!(7), json!([]), Value::Null],
    }
}

/// Bodies that no server function takes. `first` is the first argument's name, if the function
/// has arguments.
fn broken_bodies(base: &str, first: Option<&str>) -> Vec<Vec<u8>> {
    let mut bodies: Vec<Vec<u8>> =
        ["", "{", "}", "null", "\"x\"", "7", "true", "["].iter().map(|s| s.as_bytes().to_vec()).collect();
    bodies.extend([
        format!("{base} x").into_bytes(),
        format!("{base}{base}").into_bytes(),
        "[".repeat(10 * 1024).into_bytes(),
        "{\"a\":".repeat(300).into_bytes(),
        [b"\xef\xbb\xbf".as_slice(), base.as_bytes()].concat(),
        [b"\xff\xfe".as_slice(), base.as_bytes()].concat(),
    ]);
    if let Some(key) = first {
        bodies.extend([
            b"[]".to_vec(),
            b"{}".to_vec(),
            format!("{{\"{key}\":\"\\ud800\"}}").into_bytes(),
            [format!("{{\"{key}\":\"").as_bytes(), b"\xff\xfe", b"\"}"].concat(),
            // The first argument twice.
            format!("{{\"{key}\":null,{}", &base[1..]).into_bytes(),
        ]);
    }
    bodies
}

#[derive(Clone, Copy, PartialEq)]
enum Fault {
    /// Refused on its own. It gets no other fault, which the server might check first and so
    /// hide this one.
    Alone,
    /// Refused while decoding (a wrong type, a field left out), unless the field turns out to be
    /// optional. It carries another fault when there is one that does not touch it.
    Decoding,
    /// A value that may well be valid. It is sent only with another fault.
    Value,
}

#[derive(Clone, Copy)]
enum Family {
    WrongType,
    Missing,
    Extra,
    BadString,
    Number,
    Regex,
}

const FAMILIES: [Family; 6] =
    [Family::WrongType, Family::Missing, Family::Extra, Family::BadString, Family::Number, Family::Regex];

/// A server function and the well-typed arguments its requests are mutated from. `base` itself
/// would run, so every request that changes a value also carries a fault the server refuses.
struct Function {
    name: &'static str,
    base: Value,
    /// Faults the server checks whatever else is wrong, as (path, value), the ones checked last
    /// first. A mutation carries the first one that does not touch its own path; the unknown
    /// cluster comes last.
    killers: Vec<(&'static str, Value)>,
    /// Paths where every value the generator puts is refused on its own: a cluster that is not
    /// `it`, an id or a template that does not exist, a definitions file that is not JSON.
    refused: Vec<&'static str>,
    /// Names the server checks before asking the broker: a control character or more than 255
    /// bytes is refused on its own.
    names: Vec<&'static str>,
    /// Regexes the server compiles before it acts: a bad one is refused on its own.
    regexes: Vec<&'static str>,
    /// Other regexes, which a bad value may not stop; they get another fault.
    patterns: Vec<&'static str>,
}

impl Function {
    fn new(name: &'static str, base: Value) -> Function {
        let refused = if base.get("cluster").is_some() { vec!["cluster"] } else { Vec::new() };
        Function {
            name,
            base,
            killers: Vec::new(),
            refused,
            names: Vec::new(),
            regexes: Vec::new(),
            patterns: Vec::new(),
        }
    }

    fn killer(mut self, path: &'static str, value: Value) -> Function {
        self.killers.push((path, value));
        self
    }

    fn refused(mut self, paths: &[&'static str]) -> Function {
        self.refused.extend_from_slice(paths);
        self
    }

    fn names(mut self, paths: &[&'static str]) -> Function {
        self.names.extend_from_slice(paths);
        self
    }

    fn regexes(mut self, paths: &[&'static str]) -> Function {
        self.regexes.extend_from_slice(paths);
        self
    }

    fn patterns(mut self, paths: &[&'static str]) -> Function {
        self.patterns.extend_from_slice(paths);
        self
    }

    fn all_killers(&self) -> Vec<(&'static str, Value)> {
        let mut all = self.killers.clone();
        if self.base.get("cluster").is_some() {
            all.push(("cluster", json!(UNKNOWN_CLUSTER)));
        }
        all
    }

    /// Every value inside the arguments with its path, parents before children.
    fn nodes(&self) -> Vec<(String, Value)> {
        fn walk(value: &Value, path: &str, out: &mut Vec<(String, Value)>) {
            let children: Vec<(String, &Value)> = match value {
                Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
                Value::Array(items) => items.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
                _ => Vec::new(),
            };
            for (key, child) in children {
                let at = join(path, &key);
                out.push((at.clone(), child.clone()));
                walk(child, &at, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.base, "", &mut out);
        out
    }

    /// The arguments after `change` at `path`, with another fault when `fault` calls for one.
    /// Returns `None` when the change needs another fault and every one of them touches `path`.
    fn mutated(&self, path: &str, fault: Fault, change: impl FnOnce(&mut Value)) -> Option<Vec<u8>> {
        let mut body = self.base.clone();
        if fault != Fault::Alone {
            match self.all_killers().into_iter().find(|(at, _)| !related(at, path)) {
                Some((at, value)) => set(&mut body, at, value),
                None if fault == Fault::Value => return None,
                None => {}
            }
        }
        change(&mut body);
        Some(render(&body).into_bytes())
    }

    /// One fault of `family` at `path`; `pick` chooses among the family's values. Returns `None`
    /// when the family does not apply there.
    fn fault(&self, path: &str, value: &Value, family: Family, pick: usize, bad: &[String]) -> Option<Vec<u8>> {
        let refused = has(&self.refused, path);
        let decoding = if refused { Fault::Alone } else { Fault::Decoding };
        match family {
            Family::WrongType => {
                let others = wrong_types(value);
                let other = others[pick % others.len()].clone();
                self.mutated(path, decoding, |body| set(body, path, other))
            }
            Family::Missing => {
                let (parent, key) = path.rsplit_once('.').unwrap_or(("", path));
                if path.is_empty() || !self.base.pointer(&pointer(parent)).is_some_and(Value::is_object) {
                    return None;
                }
                self.mutated(path, decoding, |body| {
                    body.pointer_mut(&pointer(parent)).and_then(Value::as_object_mut).expect("an object").remove(key);
                })
            }
            Family::Extra => {
                if !value.is_object() {
                    return None;
                }
                // Unknown fields are ignored, so this one always comes with another fault.
                let junk = [json!(1), json!("x"), Value::Null, json!({"a": [1]})][pick % 4].clone();
                self.mutated(&join(path, EXTRA), Fault::Value, |body| {
                    body.pointer_mut(&pointer(path))
                        .and_then(Value::as_object_mut)
                        .expect("an object")
                        .insert(EXTRA.into(), junk);
                })
            }
            Family::BadString => {
                if !(value.is_string() || value.is_null()) {
                    return None;
                }
                let text = &bad[pick % bad.len()];
                let refused_name = has(&self.names, path) && (text.chars().any(char::is_control) || text.len() > 255);
                let fault = if refused || refused_name { Fault::Alone } else { Fault::Value };
                self.mutated(path, fault, |body| set(body, path, json!(text)))
            }
            Family::Number => {
                if !value.is_number() {
                    return None;
                }
                let literal = NUMBERS[pick % NUMBERS.len()];
                self.mutated(path, if refused { Fault::Alone } else { Fault::Value }, |body| {
                    set(body, path, raw(literal))
                })
            }
            Family::Regex => {
                let alone = has(&self.regexes, path);
                if !alone && !has(&self.patterns, path) {
                    return None;
                }
                let regex = REGEXES[pick % REGEXES.len()];
                self.mutated(path, if alone { Fault::Alone } else { Fault::Value }, |body| {
                    set(body, path, json!(regex))
                })
            }
        }
    }

    /// One pass over the arguments: each family at each place it applies, with the values
    /// rotating between places, then broken bodies, the body limit and other content types.
    fn cases(&self, rng: &mut Rng, bad: &[String]) -> Vec<Case> {
        let mut bodies = Vec::new();
        for (path, value) in self.nodes() {
            bodies.extend(self.fault(&path, &value, Family::WrongType, rng.below(8), bad));
            bodies.extend(self.fault(&path, &value, Family::Missing, 0, bad));
            bodies.extend(self.fault(&path, &value, Family::Extra, rng.below(4), bad));
            let start = rng.below(bad.len());
            for i in 0..2 {
                bodies.extend(self.fault(&path, &value, Family::BadString, start + i, bad));
            }
            let start = rng.below(NUMBERS.len());
            for i in 0..3 {
                bodies.extend(self.fault(&path, &value, Family::Number, start + i, bad));
            }
            for i in 0..REGEXES.len() {
                bodies.extend(self.fault(&path, &value, Family::Regex, i, bad));
            }
        }
        bodies.extend(self.fault("", &self.base, Family::Extra, rng.below(4), bad));

        let text = render(&self.base);
        let first = self.base.as_object().and_then(|o| o.keys().next()).map(String::as_str);
        let broken = broken_bodies(&text, first);
        let start = rng.below(broken.len());
        bodies.extend((0..6).map(|i| broken[(start + i) % broken.len()].clone()));
        let mut cases: Vec<Case> = bodies.into_iter().map(|body| Case::api(self.name, body)).collect();

        // Exactly at the limit (refused for what it says), and one byte over, with and without
        // a stated length.
        let mut at = b"{".to_vec();
        at.resize(BODY_LIMIT, b' ');
        let mut trailing = text.clone().into_bytes();
        trailing.resize(BODY_LIMIT - 1, b' ');
        trailing.push(b'x');
        let mut over = b"{".to_vec();
        over.resize(BODY_LIMIT + 1, b' ');
        cases.push(Case::api(self.name, at));
        cases.push(Case::api(self.name, trailing));
        cases.push(Case::api(self.name, over.clone()));
        let mut unstated = Case::api(self.name, over);
        unstated.content_length = false;
        cases.push(unstated);

        // A refused body under other content types: the server must not read it as something else.
        let refused = self.mutated("", Fault::Value, |_| {}).unwrap_or_else(|| format!("{text} x").into_bytes());
        let start = rng.below(CONTENT_TYPES.len());
        for i in 0..2 {
            let mut case = Case::api(self.name, refused.clone());
            case.content_type = CONTENT_TYPES[(start + i) % CONTENT_TYPES.len()];
            cases.push(case);
        }
        cases
    }

    /// One random fault, to top the count up. Returns `None` when the family does not apply.
    fn random(&self, rng: &mut Rng, bad: &[String]) -> Option<Vec<u8>> {
        let nodes = self.nodes();
        if nodes.is_empty() {
            let bodies = broken_bodies(&render(&self.base), None);
            return Some(bodies[rng.below(bodies.len())].clone());
        }
        let (path, value) = &nodes[rng.below(nodes.len())];
        let family = FAMILIES[rng.below(FAMILIES.len())];
        let pick = rng.below(1 << 16);
        self.fault(path, value, family, pick, bad)
    }
}

/// Every server function of `app/src/api.rs`. Names and vhosts are ones that do not exist.
fn functions(tag: &str) -> Vec<Function> {
    let (vhost, name) = (format!("{tag}-vhost"), format!("{tag}-object"));
    let list =
        json!({"vhost": null, "filter": "", "regex": true, "sort": "", "desc": false, "page": 1, "page_size": 10});
    let entry = json!([{"key": "x-max-length", "kind": "Number", "value": "10"}]);
    let bad_entry = json!([{"key": "x-max-length", "kind": "Number", "value": "warren-fuzz-nan"}]);
    let message = json!({
        "vhost": vhost, "exchange": name, "routing_key": "warren.fuzz", "payload": "fuzz", "encoding": "Text",
        "properties": {
            "persistent": false, "content_type": "", "content_encoding": "", "priority": "", "correlation_id": "",
            "reply_to": "", "expiration": "", "message_id": "", "timestamp": "", "kind": "", "user_id": "", "app_id": ""
        },
        "headers": [{"key": "h", "kind": "Text", "value": "v"}],
        "copies": 1
    });
    let draft = json!({
        "vhost": vhost, "name": name, "pattern": "^warren-fuzz-nothing$", "apply_to": "Queues", "priority": 0,
        "definition": [["max-length", "10"]], "operator": false
    });
    let spec = json!({"version": 1, "name": name, "tiles": [{
        "title": "fuzz", "cluster": "it", "kind": "top_queues",
        "queues": {"vhost": null, "names": ["q"], "pattern": "^warren-fuzz"},
        "by": "backlog", "limit": 5,
        "thresholds": [{"metric": "ready", "amber": 1.0, "red": 2.0, "below": false}],
        "width": 2
    }]});
    let kinds = json!([
        {"kind": "totals", "vhost": null},
        {"kind": "top_queues", "queues": {"vhost": null, "names": ["q"], "pattern": "^warren-fuzz"}, "by": "backlog", "limit": 5},
        {"kind": "backlog", "queues": {"vhost": vhost, "names": [], "pattern": null}, "range": "Hour"},
        {"kind": "cluster_status"}
    ]);
    let too_many_tiles = Value::Array(vec![json!({"kind": "warnings"}); 25]);
    let nan = json!("warren-fuzz-nan");
    let dots = json!("..");
    let reserved = json!("amq.warren-fuzz");
    let missing_id = json!(987_654_321);

    let mut all: Vec<Function> = [
        "sign_in_options",
        "whoami",
        "list_clusters",
        "admin/list_screen_tokens",
        "admin/list_users",
        "ops/list_templates",
        "list_dashboards",
    ]
    .into_iter()
    .map(|function| Function::new(function, json!({})))
    .collect();
    all.push(Function::new("list_vhosts", json!({"cluster": "it"})));
    all.push(Function::new("get_overview", json!({"cluster": "it"})));
    for function in ["list_queues", "list_exchanges", "list_bindings"] {
        all.push(
            Function::new(function, json!({"cluster": "it", "query": list}))
                .killer("query.sort", json!("warren-fuzz-no-such-column"))
                .regexes(&["query.filter"]),
        );
    }
    for function in ["get_queue", "get_exchange"] {
        all.push(
            Function::new(function, json!({"cluster": "it", "vhost": vhost, "name": name}))
                .killer("vhost", json!(vhost))
                .killer("name", json!(name)),
        );
    }
    all.extend([
        Function::new("get_topology", json!({"cluster": "it", "vhost": vhost})),
        Function::new(
            "get_history",
            json!({"cluster": "it", "series": {"Queue": {"vhost": vhost, "name": name}}, "range": "Hour"}),
        ),
        Function::new("top_growing", json!({"cluster": "it", "vhost": null, "range": "Hour"})),
        Function::new(
            "admin/list_audit",
            json!({"query": {"actor": "", "action": "", "cluster": "", "outcome": "", "page": 1}}),
        ),
        Function::new("list_policies", json!({"cluster": "it", "vhost": null})),
        Function::new("preview_policy", json!({"cluster": "it", "draft": draft})).patterns(&["draft.pattern"]),
        Function::new("get_dashboard", json!({"id": missing_id})).refused(&["id"]),
        Function::new("get_tiles", json!({"cluster": "it", "kinds": kinds}))
            .killer("kinds", too_many_tiles)
            .patterns(&["kinds.1.queues.pattern"]),
        Function::new("admin/create_screen_token", json!({"label": "warren fuzz", "clusters": null}))
            .killer("clusters", json!([UNKNOWN_CLUSTER]))
            .killer("label", json!(""))
            .names(&["label"]),
        Function::new("admin/revoke_screen_token", json!({"id": missing_id})).refused(&["id"]),
        Function::new("ops/publish", json!({"cluster": "it", "message": message}))
            .killer("message.properties.priority", nan.clone())
            .killer("message.copies", json!(0))
            .names(&["message.vhost", "message.exchange"]),
        Function::new(
            "ops/get_messages",
            json!({"cluster": "it", "get": {"vhost": vhost, "queue": name, "count": 1, "ack": "Requeue", "base64": false, "truncate": null}}),
        )
        .killer("get.count", json!(0))
        .names(&["get.vhost", "get.queue"]),
        Function::new("ops/purge_queue", json!({"cluster": "it", "vhost": vhost, "name": name}))
            .killer("name", dots.clone())
            .names(&["name"]),
        Function::new(
            "ops/create_queue",
            json!({"cluster": "it", "queue": {"vhost": vhost, "name": name, "kind": "Classic", "durable": true, "auto_delete": false, "arguments": entry}}),
        )
        .killer("queue.arguments", bad_entry.clone())
        .killer("queue.name", reserved.clone())
        .names(&["queue.vhost", "queue.name"]),
        Function::new(
            "ops/delete_queue",
            json!({"cluster": "it", "delete": {"vhost": vhost, "name": name, "if_empty": true, "if_unused": true}}),
        )
        .killer("delete.name", dots.clone())
        .names(&["delete.name"]),
        Function::new(
            "ops/create_exchange",
            json!({"cluster": "it", "exchange": {
                "vhost": vhost, "name": name, "kind": "direct", "durable": true, "auto_delete": false,
                "internal": false, "alternate_exchange": "", "arguments": entry
            }}),
        )
        .killer("exchange.arguments", bad_entry.clone())
        .killer("exchange.kind", json!(" "))
        .killer("exchange.name", reserved)
        .names(&["exchange.vhost", "exchange.name", "exchange.alternate_exchange"]),
        Function::new(
            "ops/delete_exchange",
            json!({"cluster": "it", "delete": {"vhost": vhost, "name": name, "if_unused": true}}),
        )
        .killer("delete.name", dots.clone())
        .names(&["delete.name"]),
        Function::new(
            "ops/add_binding",
            json!({"cluster": "it", "binding": {
                "vhost": vhost, "source": name, "to_queue": true, "destination": name,
                "routing_key": "warren.fuzz", "arguments": entry
            }}),
        )
        .killer("binding.arguments", bad_entry)
        .killer("binding.routing_key", json!("k".repeat(300)))
        .names(&["binding.vhost", "binding.source", "binding.destination"]),
        Function::new(
            "ops/remove_binding",
            json!({"cluster": "it", "binding": {
                "vhost": vhost, "source": name, "to_queue": true, "destination": name, "properties_key": "warren.fuzz"
            }}),
        )
        .killer("binding.destination", dots.clone())
        .killer("binding.source", dots.clone())
        .names(&["binding.source", "binding.destination"]),
        Function::new("ops/save_policy", json!({"cluster": "it", "draft": draft}))
            .killer("draft.pattern", json!("("))
            .killer("draft.definition", json!([["warren-fuzz-no-such-key", "1"]]))
            .names(&["draft.vhost", "draft.name"])
            .regexes(&["draft.pattern"]),
        Function::new(
            "ops/delete_policy",
            json!({"cluster": "it", "policy": {"vhost": vhost, "name": name, "operator": false}}),
        )
        .killer("policy.name", dots)
        .names(&["policy.name"]),
    ]);
    // The definitions are never JSON, so nothing can be imported.
    for function in ["ops/preview_import", "ops/import_definitions"] {
        all.push(
            Function::new(function, json!({"cluster": "it", "import": {"vhost": null, "definitions": "{"}}))
                .killer("import.definitions", json!("{"))
                .refused(&["import.definitions"]),
        );
    }
    all.extend([
        Function::new("ops/save_template", json!({"name": "warren fuzz", "message": message}))
            .killer("message.copies", json!(0))
            .killer("message.properties.priority", nan)
            .killer("name", json!(""))
            .names(&["message.vhost", "message.exchange"]),
        // No template is ever saved, so any name is one that does not exist.
        Function::new("ops/delete_template", json!({"name": name})).refused(&["name"]),
        Function::new("admin/save_dashboard", json!({"id": null, "rev": 0, "spec": spec}))
            .killer("spec.version", json!(999))
            .killer("spec.tiles.0.cluster", json!(UNKNOWN_CLUSTER))
            .killer("spec.tiles", json!([]))
            .patterns(&["spec.tiles.0.queues.pattern"]),
        Function::new("admin/delete_dashboard", json!({"id": missing_id})).refused(&["id"]),
        Function::new("admin/import_dashboards", json!({"specs": [spec]}))
            .killer("specs.0.version", json!(999))
            .killer("specs.0.tiles.0.cluster", json!(UNKNOWN_CLUSTER))
            .killer("specs", json!([]))
            .patterns(&["specs.0.tiles.0.queues.pattern"]),
    ]);
    all
}

/// A plain HTML form and the fields of a well-formed post. The values of those fields are still
/// never ones that succeed.
struct FormPost {
    path: &'static str,
    fields: Vec<(String, String)>,
}

impl FormPost {
    fn new(path: &'static str, fields: &[(&str, &str)]) -> FormPost {
        FormPost { path, fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
    }

    fn encode(fields: &[(String, String)]) -> Vec<u8> {
        url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish().into_bytes()
    }

    fn case(&self, body: Vec<u8>) -> Case {
        Case::form(self.path, body)
    }

    /// The form with some fields changed, or added.
    fn with(&self, changes: &[(&str, &str)]) -> Case {
        let mut fields = self.fields.clone();
        for (key, value) in changes {
            match fields.iter_mut().find(|(k, _)| k == key) {
                Some(field) => field.1 = value.to_string(),
                None => fields.push((key.to_string(), value.to_string())),
            }
        }
        self.case(Self::encode(&fields))
    }

    fn without(&self, key: &str) -> Case {
        let fields: Vec<(String, String)> = self.fields.iter().filter(|(k, _)| k != key).cloned().collect();
        self.case(Self::encode(&fields))
    }

    /// Sent to every form: each required field left out, CSRF faults, a field twice, bytes that
    /// are not a form, other content types and the body limit.
    fn standard(&self) -> Vec<Case> {
        let mut cases: Vec<Case> =
            self.fields.iter().filter(|(k, _)| k != "next").map(|(k, _)| self.without(k)).collect();
        cases.push(self.with(&[("csrf", WRONG_CSRF)]));
        cases.push(self.with(&[("csrf", "")]));
        cases.push(self.with(&[("csrf", "x".repeat(10 * 1024).as_str())]));
        cases.push(self.with(&[(EXTRA, "1"), ("csrf", WRONG_CSRF)]));
        let mut twice = self.fields.clone();
        twice.push(("username".into(), "again".into()));
        cases.push(self.case(Self::encode(&twice)));
        cases.push(self.case(Vec::new()));
        cases.push(self.case(b"&&&===%%%".to_vec()));
        cases.push(self.case(b"username=\xff\xfe&csrf=\xff".to_vec()));
        for kind in [Some("application/json"), Some("text/plain"), None] {
            let mut case = self.with(&[("csrf", WRONG_CSRF)]);
            case.content_type = kind;
            cases.push(case);
        }
        // Exactly at the limit (refused for its CSRF token), and one byte over.
        let mut padded = self.fields.clone();
        for field in padded.iter_mut().filter(|(k, _)| k == "csrf") {
            field.1 = WRONG_CSRF.into();
        }
        padded.push(("pad".into(), String::new()));
        let short = Self::encode(&padded).len();
        padded.last_mut().expect("the pad").1 = "x".repeat(BODY_LIMIT - short);
        let at = Self::encode(&padded);
        assert_eq!(at.len(), BODY_LIMIT);
        let mut over = at.clone();
        over.push(b'x');
        cases.push(self.case(at));
        cases.push(self.case(over.clone()));
        let mut unstated = self.case(over);
        unstated.content_length = false;
        cases.push(unstated);
        cases
    }
}

fn sign_in_cases(tag: &str, bad: &[String]) -> Vec<Case> {
    let nobody = format!("{tag}-nobody");
    let form = FormPost::new(
        "/auth/signin",
        &[
            ("source", "local"),
            ("username", nobody.as_str()),
            ("password", "warren fuzz wrong password"),
            ("csrf", CSRF),
            ("next", "/c/it"),
        ],
    );
    let mut cases = form.standard();
    for field in ["username", "password", "source", "next"] {
        for text in bad {
            cases.push(form.with(&[(field, text.as_str()), ("csrf", WRONG_CSRF)]));
        }
    }
    // With a matching token: no such account. (None of these sources checks a password.)
    for (i, source) in ["broker:it", "broker:warren-fuzz-none", "warren-fuzz-source"].into_iter().enumerate() {
        for text in bad.iter().skip(4 * i).take(4) {
            cases.push(form.with(&[("source", source), ("username", text.as_str())]));
        }
    }
    let mut local = form.with(&[("username", "x".repeat(10 * 1024).as_str())]);
    local.senders = Senders::AnonymousOnly; // one password check, not eight
    cases.push(local);
    cases
}

fn setup_cases(tag: &str, bad: &[String]) -> Vec<Case> {
    let name = format!("{tag}-setup");
    let password = "warren fuzz setup password";
    let form = FormPost::new(
        "/auth/setup",
        &[
            ("code", "warren-fuzz-code"),
            ("username", name.as_str()),
            ("password", password),
            ("confirm", password),
            ("csrf", CSRF),
        ],
    );
    let mut cases = form.standard();
    cases.push(form.with(&[("confirm", "warren fuzz other password")]));
    cases.push(form.with(&[("password", "short"), ("confirm", "short")]));
    // With a matching token: a bad name, or a setup code that is not the one (never known here).
    for text in bad {
        cases.push(form.with(&[("username", text.as_str())]));
        cases.push(form.with(&[("code", text.as_str())]));
    }
    cases
}

fn get_cases(tag: &str, bad: &[String]) -> Vec<Case> {
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

struct Answer {
    status: StatusCode,
    location: String,
    json: bool,
    /// Set a session cookie: someone was signed in.
    signed_in: bool,
    body: String,
}

/// Sends one request in process. The answer is an error if the handler panicked, the answer broke
/// off or it never came.
async fn send(app: &TestApp, request: Request<Body>) -> Result<Answer, String> {
    let router = app.router.clone();
    let stream = request.uri().path().starts_with("/live/");
    let mut task = tokio::spawn(async move {
        let response = router.oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        // A live stream that started never ends: only its status counts.
        let text = if stream && parts.status.is_success() {
            String::new()
        } else {
            let bytes = body.collect().await.map_err(|e| format!("the answer broke off: {e}"))?.to_bytes();
            String::from_utf8_lossy(&bytes).into_owned()
        };
        Ok::<_, String>((parts, text))
    });
    let (parts, body) = match tokio::time::timeout(ANSWER_TIMEOUT, &mut task).await {
        Err(_) => {
            task.abort();
            return Err(format!("no answer within {ANSWER_TIMEOUT:?}"));
        }
        Ok(Err(e)) if e.is_panic() => return Err("the server panicked".into()),
        Ok(Err(e)) => return Err(format!("the request was dropped: {e}")),
        Ok(Ok(answer)) => answer?,
    };
    let value_of = |name: header::HeaderName| {
        parts.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
    };
    Ok(Answer {
        status: parts.status,
        location: value_of(header::LOCATION),
        json: value_of(header::CONTENT_TYPE).contains("json"),
        // `__Host-warren_session` over TLS.
        signed_in: common::set_cookies(&parts.headers)
            .iter()
            .any(|(k, v)| k.ends_with("warren_session") && !v.is_empty()),
        body,
    })
}

/// Why an answer is not a clean refusal, if it is not one.
fn problem(case: &Case, answer: &Answer) -> Option<String> {
    if answer.signed_in {
        return Some(format!("answered {} and signed someone in", answer.status));
    }
    // A form answers a browser: back to itself, with an error code the page explains.
    if case.route == Route::Form && answer.status == StatusCode::SEE_OTHER {
        let back = answer.location.starts_with("/signin?error=")
            || (answer.location.starts_with("/setup?") && answer.location.contains("error="));
        return (!back).then(|| format!("redirected to {:?}", answer.location));
    }
    if !answer.status.is_client_error() {
        return Some(format!("answered {}", answer.status));
    }
    if answer.body.trim().is_empty() {
        return Some(format!("answered {} without a message", answer.status));
    }
    if answer.json && !serde_json::from_str::<Value>(&answer.body).is_ok_and(|v| !v.is_null()) {
        return Some(format!("answered {} with JSON that is not a message", answer.status));
    }
    None
}

fn clip(text: &str, chars: usize) -> String {
    format!("{:?}", text.chars().take(chars).collect::<String>())
}

/// The broker's definitions as it sends them, byte for byte.
async fn definitions(base: &str) -> String {
    let response = reqwest::Client::new()
        .get(format!("{base}/api/definitions"))
        .basic_auth("guest", Some("guest"))
        .send()
        .await
        .expect("the broker answers");
    assert!(response.status().is_success(), "GET /api/definitions: {}", response.status());
    response.text().await.expect("the definitions")
}

/// Which top-level sections of two definitions differ.
fn changed_sections(before: &str, after: &str) -> String {
    let (Ok(Value::Object(b)), Ok(Value::Object(a))) =
        (serde_json::from_str::<Value>(before), serde_json::from_str::<Value>(after))
    else {
        return "not JSON".into();
    };
    let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    let changed: Vec<&str> = keys.into_iter().filter(|k| b.get(*k) != a.get(*k)).map(String::as_str).collect();
    if changed.is_empty() {
        "the same objects, in another order or layout".into()
    } else {
        changed.join(", ")
    }
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
