//! Definitions import: what a file would do to a broker, worked out before anything is sent, as
//! the broker's own import does it (rabbitmq-server's `rabbit_definitions`, 3.10 and 4.0). That
//! import merges and never deletes, but it is not atomic: an item it refuses stops it with the
//! items before applied. So the preview names every item the broker would refuse, with the
//! broker's reason, and an import with any is not sent; it also says what the broker creates,
//! changes (resets included), keeps as it is (queues and exchanges that exist) and skips.
//!
//! The rules answer with a `DefinitionsProblem`, never with words: `app::i18n::problems` says it
//! in the reader's language.

mod compare;
mod rules;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ops::{check_name, FormProblem, ObjectKind};
use crate::policy::{ApplyTo, PolicyDraft, PolicyProblem, Version};
use compare::Outcome;

/// A definitions file to import into a cluster, or into one vhost of it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Import {
    /// `None`: the whole broker (`/api/definitions`); else only this vhost.
    pub vhost: Option<String>,
    /// The file's text.
    pub definitions: String,
}

/// The broker a file is previewed against, beyond its current definitions.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    /// `None`: the whole broker; else only this vhost.
    pub vhost: Option<&'a str>,
    pub version: Version,
    /// Plugins running on every running node: a parameter of a component no plugin registers
    /// stops the import.
    pub plugins: &'a [String],
    /// The broker user the import runs as: the broker gives it full permissions on each vhost
    /// the import creates.
    pub user: &'a str,
}

/// An item and the fields the import changes on it, or would change but does not.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemFields {
    pub item: String,
    pub fields: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SkipReason {
    /// A queue or exchange named `amq.…`: the broker's own.
    Reserved,
    /// The default exchange (named "").
    DefaultExchange,
    /// A quorum queue or stream that is not durable, or is auto-delete: the broker's declare
    /// answers an error that its import ignores, so it is not created.
    NotDurable,
    /// A binding whose source or destination is neither on the broker nor in the file: RabbitMQ
    /// 3.10 drops it without a word (4.0 stops the import).
    MissingEnd,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    pub item: String,
    pub reason: SkipReason,
}

/// One kind of object in the file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SectionDiff {
    /// "queues", "exchanges", "policies"…
    pub section: String,
    pub added: Vec<String>,
    pub changed: Vec<ItemFields>,
    /// Queues and exchanges that exist with other properties: the broker leaves them as they are.
    pub kept: Vec<ItemFields>,
    pub skipped: Vec<Skipped>,
    pub unchanged: u64,
}

/// What the import does besides the file's items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SideEffect {
    /// Each vhost the import creates gives the importing user full permissions on it.
    FullPermissions { user: String, vhost: String },
    /// `protected_from_deletion` is not known before RabbitMQ 4.1: the vhost can be deleted.
    ProtectionDropped { vhost: String },
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub sections: Vec<SectionDiff>,
    /// What the broker would refuse; an import with any is not sent.
    pub blockers: Vec<DefinitionsProblem>,
    pub effects: Vec<SideEffect>,
    /// Top-level keys Warren does not compare; passed to the broker as they are.
    pub ignored: Vec<String>,
}

impl ImportPreview {
    pub fn changes(&self) -> usize {
        self.sections.iter().map(|s| s.added.len() + s.changed.len()).sum()
    }
}

/// How the broker checks a queue argument's value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArgumentRule {
    AtLeast(i64),
    Between(i64, i64),
    Boolean,
    Text,
    /// Text, and only with `x-dead-letter-exchange`.
    WithDeadLetterExchange,
    OneOf(Vec<String>),
    /// A positive whole number and a unit: Y, M, D, h, m, s.
    Age,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArgumentProblem {
    /// An argument of other queue types ("invalid arg … of queue type …").
    NotForType {
        queue_type: String,
    },
    Value {
        rule: ArgumentRule,
    },
}

/// An object an item refers to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reference {
    Vhost(String),
    User(String),
    Exchange(String),
    Queue(String),
}

/// What the definitions rules find wrong with a file, as data. `diff` refuses a file that is not
/// a definitions file at all; an item the broker would refuse is one of the preview's blockers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DefinitionsProblem {
    // The file as a whole: refused at once.
    /// Not JSON; where the parser gave up (1-based, as editors count).
    NotJson { line: usize, column: usize },
    /// JSON, but not an object as an export is.
    NotAnObject,
    /// A vhost import holding a section only a whole-broker import may (users, vhosts…).
    NotForVhost { section: String },
    /// A section that is not a list.
    SectionNotList { section: String },

    // One item, `section[index]`, that the broker would refuse midway.
    /// An item of a section (`section[index]`, from 0) that is not an object.
    ItemNotObject { section: String, index: usize },
    /// An item of another vhost in a vhost import.
    OtherVhost { section: String, index: usize, vhost: String, import_vhost: String },
    /// A whole-broker import's queue, exchange, binding, policy or parameter without `vhost`.
    NoVhost { section: String, index: usize },
    /// An item that refers to an object neither on the broker nor in the file.
    Missing { section: String, index: usize, missing: Reference },
    /// A queue, exchange, vhost or user without a name.
    NoName { section: String, index: usize },
    /// A name RabbitMQ would refuse (the names rule of `ops`).
    Name { section: String, index: usize, problem: FormProblem },
    /// A policy (`policies[index]`) without a definition object.
    NoDefinition { index: usize },
    /// A policy (`policies[index]`) whose apply-to RabbitMQ does not know.
    UnknownApplyTo { index: usize, apply_to: String },
    /// A policy (`policies[index]`) the policy rules refuse: the first of its problems.
    Policy { index: usize, name: String, problem: PolicyProblem },
    /// A parameter (`parameters[index]`) of a component no running plugin registers: `plugin`
    /// registers it, or none does ("").
    Component { index: usize, component: String, plugin: String },
    /// A user or vhost limit that is not a whole number, or not a limit the broker knows (`key`;
    /// empty when the limits are not an object).
    Limit { section: String, index: usize, key: String },
    /// A user (`users[index]`) with neither `tags` nor `administrator`.
    NoTags { index: usize, name: String },
    /// A user's or vhost's `tags` that are neither a list of texts nor one comma-separated text.
    BadTags { section: String, index: usize },
    /// A user (`users[index]`) with both a password and a password hash.
    TwoPasswords { index: usize, name: String },
    /// A queue argument (`queues[index]`) the broker refuses.
    Argument { index: usize, name: String, key: String, problem: ArgumentProblem },
    /// An exchange (`exchanges[index]`) without a type, or of one RabbitMQ does not have.
    ExchangeType { index: usize, name: String, kind: String },
    /// A binding (`bindings[index]`) whose destination is neither a queue nor an exchange.
    DestinationType { index: usize, destination_type: String },
    /// More blockers than the preview lists.
    More { count: usize },

    // After the import.
    /// The broker failed the import, with `reason`, after applying `applied`.
    PartlyApplied { reason: String, applied: Vec<String> },
}

/// Sections in the order the broker imports them (4.0 and 3.10), how an item is named in them.
const SECTIONS: &[(&str, &[&str])] = &[
    ("users", &["name"]),
    ("vhosts", &["name"]),
    ("permissions", &["user", "vhost"]),
    ("topic_permissions", &["user", "vhost", "exchange"]),
    ("exchanges", &["vhost", "name"]),
    ("global_parameters", &["name"]),
    ("policies", &["vhost", "name"]),
    ("parameters", &["component", "vhost", "name"]),
    ("queues", &["vhost", "name"]),
    ("bindings", &["vhost", "source", "destination_type", "destination", "routing_key", "arguments"]),
];

/// Sections only a whole-broker import may hold.
const BROKER_SECTIONS: &[&str] = &["users", "vhosts", "permissions", "topic_permissions", "global_parameters"];

/// Keys of an export that describe it rather than hold objects.
const INFO_KEYS: &[&str] = &["rabbit_version", "rabbitmq_version", "product_name", "product_version"];

/// The most blockers a preview lists; a file can hold many thousand items.
const MAX_BLOCKERS: usize = 100;

/// Compares a file with the broker's current definitions (an export of the same scope).
pub fn diff(current: &Value, incoming_text: &str, target: &Target) -> Result<ImportPreview, DefinitionsProblem> {
    let incoming: Value = serde_json::from_str(incoming_text)
        .map_err(|e| DefinitionsProblem::NotJson { line: e.line(), column: e.column() })?;
    let incoming = incoming.as_object().ok_or(DefinitionsProblem::NotAnObject)?;
    let mut preview = ImportPreview::default();
    for key in incoming.keys() {
        if !INFO_KEYS.contains(&key.as_str()) && !SECTIONS.iter().any(|(s, _)| s == key) {
            preview.ignored.push(key.clone());
        }
    }
    let mut sections = Vec::new();
    for (section, identity) in SECTIONS {
        let Some(items) = incoming.get(*section) else { continue };
        let items =
            items.as_array().ok_or_else(|| DefinitionsProblem::SectionNotList { section: section.to_string() })?;
        if target.vhost.is_some() && BROKER_SECTIONS.contains(section) && !items.is_empty() {
            return Err(DefinitionsProblem::NotForVhost { section: section.to_string() });
        }
        sections.push((*section, *identity, items));
    }
    let known = Known::new(current, incoming, target);
    let mut blockers = Vec::new();
    for (section, identity, items) in sections {
        // Indexed once: a file and a broker can each hold many thousand items.
        let existing: HashMap<Vec<String>, &Map<String, Value>> = current
            .get(section)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .map(|e| (identity_of(e, identity, target.vhost), e))
            .collect();
        let mut out = SectionDiff { section: section.to_string(), ..Default::default() };
        for (index, item) in items.iter().enumerate() {
            let Some(item) = item.as_object() else {
                blockers.push(DefinitionsProblem::ItemNotObject { section: section.to_string(), index });
                continue;
            };
            let id = identity_of(item, identity, target.vhost);
            let label = label(section, &id);
            let old = existing.get(&id).copied();
            // The broker leaves an existing queue or exchange as it is, unchecked.
            let verdict = match (section, old) {
                ("queues" | "exchanges", Some(_)) => Verdict::Import,
                _ => check_item(section, index, item, target, &known),
            };
            match verdict {
                Verdict::Import => {}
                Verdict::Skip(reason) => {
                    out.skipped.push(Skipped { item: label, reason });
                    continue;
                }
                Verdict::Refuse(problems) => {
                    blockers.extend(problems);
                    continue;
                }
            }
            match compare::outcome(section, old, item, target.version) {
                Outcome::Added => {
                    out.added.push(label);
                    if section == "vhosts" && known.users.contains(target.user) {
                        preview
                            .effects
                            .push(SideEffect::FullPermissions { user: target.user.into(), vhost: id[0].clone() });
                    }
                }
                Outcome::Unchanged => out.unchanged += 1,
                Outcome::Changed(fields) => out.changed.push(ItemFields { item: label, fields }),
                Outcome::Kept(fields) => out.kept.push(ItemFields { item: label, fields }),
            }
            if section == "vhosts" && target.version < Version(4, 1) && protected(item) {
                preview.effects.push(SideEffect::ProtectionDropped { vhost: id[0].clone() });
            }
        }
        preview.sections.push(out);
    }
    if blockers.len() > MAX_BLOCKERS {
        let more = blockers.len() - MAX_BLOCKERS;
        blockers.truncate(MAX_BLOCKERS);
        blockers.push(DefinitionsProblem::More { count: more });
    }
    preview.blockers = blockers;
    Ok(preview)
}

/// What the import changed, from exports before and after it: the items added or changed,
/// labelled as the preview labels them. For a failed import, to say what it left applied.
pub fn applied(before: &Value, after: &Value, vhost: Option<&str>) -> Vec<String> {
    let mut applied = Vec::new();
    for (section, identity) in SECTIONS {
        let old = before.get(*section).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for item in after.get(*section).and_then(Value::as_array).into_iter().flatten() {
            let Some(item) = item.as_object() else { continue };
            let id = identity_of(item, identity, vhost);
            match old.iter().filter_map(Value::as_object).find(|o| identity_of(o, identity, vhost) == id) {
                None => applied.push(format!("+ {}", label(section, &id))),
                Some(old) if old != item => applied.push(format!("~ {}", label(section, &id))),
                Some(_) => {}
            }
        }
    }
    applied
}

/// The objects the file may refer to: those on the broker and those the file creates.
struct Known<'a> {
    vhosts: HashSet<&'a str>,
    users: HashSet<&'a str>,
    /// (vhost, name); in a vhost import, the vhost is the import's.
    exchanges: HashSet<(&'a str, &'a str)>,
    queues: HashSet<(&'a str, &'a str)>,
    /// Vhosts' default queue types (4.0 declares a queue without `x-queue-type` as one).
    queue_types: Vec<(&'a str, &'a str)>,
}

impl<'a> Known<'a> {
    fn new(current: &'a Value, incoming: &'a Map<String, Value>, target: &Target<'a>) -> Known<'a> {
        let items = |section: &str| {
            let current = current.get(section).and_then(Value::as_array).into_iter().flatten();
            let incoming = incoming.get(section).and_then(Value::as_array).into_iter().flatten();
            current.chain(incoming).filter_map(Value::as_object).collect::<Vec<&'a Map<String, Value>>>()
        };
        let text = |item: &'a Map<String, Value>, key: &str| item.get(key).and_then(Value::as_str);
        let named = |section: &str| items(section).into_iter().filter_map(|i| text(i, "name")).collect();
        let in_vhost = |section: &str| {
            let items = items(section).into_iter();
            items.filter_map(|i| Some((text(i, "vhost").or(target.vhost)?, text(i, "name")?))).collect()
        };
        // The import reads a vhost's default queue type from its metadata; an export also has it
        // beside (3.10 says "undefined" there), and a vhost export at its top.
        let meta_type = |v: &'a Map<String, Value>| v.get("metadata")?.get("default_queue_type")?.as_str();
        let listed = current.get("vhosts").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object);
        let from_file =
            incoming.get("vhosts").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object);
        let mut queue_types: Vec<(&'a str, &'a str)> = listed
            .filter_map(|v| Some((text(v, "name")?, meta_type(v).or(text(v, "default_queue_type"))?)))
            .chain(from_file.filter_map(|v| Some((text(v, "name")?, meta_type(v)?))))
            .filter(|(_, kind)| *kind != "undefined")
            .collect();
        if let (Some(vhost), Some(kind)) = (target.vhost, current.get("default_queue_type").and_then(Value::as_str)) {
            queue_types.push((vhost, kind));
        }
        Known {
            vhosts: named("vhosts"),
            users: named("users"),
            exchanges: in_vhost("exchanges"),
            queues: in_vhost("queues"),
            queue_types,
        }
    }

    fn default_queue_type(&self, vhost: &str, target: &Target) -> &'a str {
        match target.version.0 >= 4 {
            true => self.queue_types.iter().rev().find(|(v, _)| *v == vhost).map_or("classic", |(_, t)| t),
            false => "classic",
        }
    }
}

/// An item's identity: its naming fields, with the import's vhost where a vhost export omits it.
fn identity_of(item: &Map<String, Value>, fields: &[&str], vhost: Option<&str>) -> Vec<String> {
    fields
        .iter()
        .map(|f| match (item.get(*f), *f, vhost) {
            (_, "vhost", Some(v)) => v.to_string(),
            (Some(Value::String(s)), _, _) => s.clone(),
            (Some(other), _, _) => other.to_string(),
            (None, _, _) => String::new(),
        })
        .collect()
}

fn label(section: &str, id: &[String]) -> String {
    let singular = if section == "policies" { "policy" } else { section.trim_end_matches('s') };
    format!("{singular} {}", id.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>().join(" / "))
}

/// Items the broker's import passes over without a word to the client.
fn skipped(section: &str, item: &Map<String, Value>) -> Option<SkipReason> {
    let name = item.get("name").and_then(Value::as_str)?;
    match section {
        "exchanges" if name.is_empty() => Some(SkipReason::DefaultExchange),
        "queues" | "exchanges" if name.starts_with("amq.") => Some(SkipReason::Reserved),
        _ => None,
    }
}

fn protected(vhost: &Map<String, Value>) -> bool {
    let flag = |v: Option<&Value>| v.and_then(Value::as_bool) == Some(true);
    flag(vhost.get("protected_from_deletion"))
        || flag(vhost.get("metadata").and_then(|m| m.get("protected_from_deletion")))
}

/// What the broker's import does with a new item.
enum Verdict {
    Import,
    /// Passes it over without a word to the client.
    Skip(SkipReason),
    /// Stops there, with the items before it applied.
    Refuse(Vec<DefinitionsProblem>),
}

/// What the broker's import does with item `index` of `section`, which it does not have yet.
fn check_item(section: &str, index: usize, item: &Map<String, Value>, target: &Target, known: &Known) -> Verdict {
    let refuse = |problem| Verdict::Refuse(vec![problem]);
    let text = |field: &str| item.get(field).and_then(Value::as_str);
    let missing = |missing| DefinitionsProblem::Missing { section: section.into(), index, missing };
    let vhost = match (target.vhost, text("vhost")) {
        (Some(only), Some(other)) if only != other => {
            let (vhost, import_vhost) = (other.into(), only.into());
            return refuse(DefinitionsProblem::OtherVhost { section: section.into(), index, vhost, import_vhost });
        }
        (Some(only), _) => Some(only),
        (None, vhost) => vhost,
    };
    if !matches!(section, "users" | "vhosts" | "global_parameters") {
        match vhost {
            None => return refuse(DefinitionsProblem::NoVhost { section: section.into(), index }),
            Some(vhost) if target.vhost.is_none() && !known.vhosts.contains(vhost) => {
                return refuse(missing(Reference::Vhost(vhost.into())));
            }
            Some(_) => {}
        }
    }
    let vhost = vhost.unwrap_or_default();
    let kind = match section {
        "queues" => Some(ObjectKind::Queue),
        "exchanges" => Some(ObjectKind::Exchange),
        "vhosts" => Some(ObjectKind::Vhost),
        "users" => Some(ObjectKind::User),
        _ => None,
    };
    let name = text("name").unwrap_or_default().to_string();
    if let Some(kind) = kind {
        if item.get("name").is_none() {
            return refuse(DefinitionsProblem::NoName { section: section.into(), index });
        }
        if let Some(reason) = skipped(section, item) {
            return Verdict::Skip(reason);
        }
        if let Err(problem) = check_name(kind, &name) {
            return refuse(DefinitionsProblem::Name { section: section.into(), index, problem });
        }
    }
    let mut problems = Vec::new();
    // A user's `null` tags crash the broker's parsing; a vhost's read as none.
    let tags = item.get("tags").filter(|t| section == "users" || !t.is_null());
    if matches!(section, "users" | "vhosts") && tags.is_some_and(|t| !rules::tags_readable(t)) {
        problems.push(DefinitionsProblem::BadTags { section: section.into(), index });
    }
    match section {
        "users" => {
            if item.get("tags").is_none() && item.get("administrator").is_none() {
                problems.push(DefinitionsProblem::NoTags { index, name: name.clone() });
            }
            if item.contains_key("password") && item.contains_key("password_hash") {
                problems.push(DefinitionsProblem::TwoPasswords { index, name: name.clone() });
            }
            if let Some(key) = item.get("limits").and_then(|l| rules::bad_limit(l, rules::USER_LIMITS)) {
                problems.push(DefinitionsProblem::Limit { section: section.into(), index, key });
            }
        }
        "permissions" | "topic_permissions" => {
            let user = text("user").unwrap_or_default();
            if !known.users.contains(user) {
                problems.push(missing(Reference::User(user.into())));
            }
        }
        "parameters" => {
            let component = text("component").unwrap_or_default();
            match rules::component_plugin(component) {
                Some(plugin) if plugin.is_empty() || target.plugins.iter().any(|p| p == plugin) => {}
                plugin => problems.push(DefinitionsProblem::Component {
                    index,
                    component: component.into(),
                    plugin: plugin.unwrap_or_default().into(),
                }),
            }
            let limits = item.get("value").filter(|_| component == "vhost-limits");
            if let Some(key) = limits.and_then(|l| rules::bad_limit(l, rules::VHOST_LIMITS)) {
                problems.push(DefinitionsProblem::Limit { section: section.into(), index, key });
            }
        }
        "policies" => problems.extend(check_policy(index, item, vhost, target.version)),
        "queues" => {
            let queue_type = rules::declared_type(item, known.default_queue_type(vhost, target), target);
            if rules::not_created(item, queue_type, target) {
                return Verdict::Skip(SkipReason::NotDurable);
            }
            problems.extend(rules::check_queue(index, &name, item, queue_type, target))
        }
        "exchanges" => {
            let kind = text("type").unwrap_or_default();
            if !rules::known_exchange_type(kind) {
                problems.push(DefinitionsProblem::ExchangeType { index, name, kind: kind.into() });
            }
        }
        "bindings" => {
            let destination_type = text("destination_type").unwrap_or_default();
            let exists = |set: &HashSet<(&str, &str)>, name: &str| {
                name.is_empty() || name.starts_with("amq.") || set.contains(&(vhost, name))
            };
            let source = text("source").unwrap_or_default();
            let mut ends = Vec::new();
            if !exists(&known.exchanges, source) {
                ends.push(missing(Reference::Exchange(source.into())));
            }
            let destination = text("destination").unwrap_or_default().to_string();
            match destination_type {
                "queue" if !exists(&known.queues, &destination) => ends.push(missing(Reference::Queue(destination))),
                "exchange" if !exists(&known.exchanges, &destination) => {
                    ends.push(missing(Reference::Exchange(destination)))
                }
                "queue" | "exchange" => {}
                other => return refuse(DefinitionsProblem::DestinationType { index, destination_type: other.into() }),
            }
            match target.version.0 >= 4 {
                true => problems.extend(ends),
                false if !ends.is_empty() => return Verdict::Skip(SkipReason::MissingEnd),
                false => {}
            }
        }
        _ => {}
    }
    match problems.is_empty() {
        true => Verdict::Import,
        false => Verdict::Refuse(problems),
    }
}

fn check_policy(index: usize, item: &Map<String, Value>, vhost: &str, version: Version) -> Option<DefinitionsProblem> {
    let text = |field: &str| item.get(field).and_then(Value::as_str);
    let Some(definition) = item.get("definition").and_then(Value::as_object) else {
        return Some(DefinitionsProblem::NoDefinition { index });
    };
    let apply_to = text("apply-to").unwrap_or("all");
    let Some(apply_to) = ApplyTo::parse(apply_to) else {
        return Some(DefinitionsProblem::UnknownApplyTo { index, apply_to: apply_to.into() });
    };
    let draft = PolicyDraft {
        vhost: vhost.to_string(),
        name: text("name").unwrap_or_default().to_string(),
        pattern: text("pattern").unwrap_or_default().to_string(),
        apply_to,
        priority: item.get("priority").and_then(Value::as_i64).unwrap_or(0),
        definition: crate::policy::definition_rows(definition),
        operator: false,
    };
    let problem = draft.check(version).errors.into_iter().next()?;
    Some(DefinitionsProblem::Policy { index, name: draft.name, problem })
}
