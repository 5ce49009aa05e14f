//! Attacking a server function: its well-typed arguments (`Function`) mutated one fault at a
//! time (wrong types, missing and extra fields, bad strings, numbers, regexes), broken bodies,
//! bodies at the size limit and other content types.

use serde_json::{json, Value};

use crate::requests::Case;
use crate::{Rng, BODY_LIMIT, EXTRA, FORM, UNKNOWN_CLUSTER};

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
pub(super) struct Function {
    pub(super) name: &'static str,
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
    pub(super) fn new(name: &'static str, base: Value) -> Function {
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

    pub(super) fn killer(mut self, path: &'static str, value: Value) -> Function {
        self.killers.push((path, value));
        self
    }

    pub(super) fn refused(mut self, paths: &[&'static str]) -> Function {
        self.refused.extend_from_slice(paths);
        self
    }

    pub(super) fn names(mut self, paths: &[&'static str]) -> Function {
        self.names.extend_from_slice(paths);
        self
    }

    pub(super) fn regexes(mut self, paths: &[&'static str]) -> Function {
        self.regexes.extend_from_slice(paths);
        self
    }

    pub(super) fn patterns(mut self, paths: &[&'static str]) -> Function {
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
    pub(super) fn cases(&self, rng: &mut Rng, bad: &[String]) -> Vec<Case> {
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
    pub(super) fn random(&self, rng: &mut Rng, bad: &[String]) -> Option<Vec<u8>> {
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
