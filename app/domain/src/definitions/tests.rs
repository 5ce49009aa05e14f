//! One test per situation the broker's import handles its own way (issue 24), on files written
//! for Warren; `server/tests/definitions.rs` imports the same situations into real brokers.

use serde_json::{json, Value};

use super::*;

const V310: Version = Version(3, 10);
const V40: Version = Version(4, 0);

fn current() -> Value {
    json!({
        "rabbit_version": "3.10.8",
        "users": [{"name": "guest", "password_hash": "h", "hashing_algorithm": "rabbit_password_hashing_sha256",
                   "tags": ["administrator"], "limits": {}}],
        "vhosts": [{"name": "/", "description": "Default virtual host", "tags": [],
                    "metadata": {"description": "Default virtual host", "tags": []}}],
        "queues": [{"name": "orders", "vhost": "/", "durable": true, "auto_delete": false, "arguments": {}}],
        "exchanges": [{"name": "events", "vhost": "/", "type": "topic", "durable": true, "auto_delete": false,
                       "internal": false, "arguments": {}}],
        "policies": [{"vhost": "/", "name": "ttl", "pattern": "^orders", "apply-to": "queues",
                      "definition": {"message-ttl": 1000}, "priority": 0}],
    })
}

fn target(version: Version) -> Target<'static> {
    Target { vhost: None, version, plugins: &[], user: "guest" }
}

fn preview_on(version: Version, file: Value) -> ImportPreview {
    diff(&current(), &file.to_string(), &target(version)).unwrap()
}

fn preview(file: Value) -> ImportPreview {
    preview_on(V40, file)
}

fn section<'a>(preview: &'a ImportPreview, name: &str) -> &'a SectionDiff {
    preview.sections.iter().find(|s| s.section == name).unwrap()
}

#[test]
fn added_changed_and_unchanged() {
    let file = json!({
        "queues": [{"name": "orders", "vhost": "/", "durable": true, "auto_delete": false, "arguments": {}},
                   {"name": "订单 #1", "vhost": "/", "durable": true, "auto_delete": false, "arguments": {}}],
        "policies": [{"vhost": "/", "name": "ttl", "pattern": "^orders", "apply-to": "queues",
                      "definition": {"message-ttl": 5000}, "priority": 0}],
        "something_new": [],
    });
    let preview = preview_on(V310, file);
    let queues = section(&preview, "queues");
    assert_eq!((queues.added.clone(), queues.unchanged), (vec![r#"queue "/" / "订单 #1""#.to_string()], 1));
    let policies = section(&preview, "policies");
    assert_eq!(
        policies.changed,
        [ItemFields { item: r#"policy "/" / "ttl""#.into(), fields: vec!["definition".into()] }]
    );
    assert!(preview.blockers.is_empty());
    assert_eq!(preview.ignored, vec!["something_new"]);
    assert_eq!(preview.changes(), 2);
}

#[test]
fn a_federation_upstream_without_the_plugin_is_refused() {
    let file = json!({"parameters": [{"component": "federation-upstream", "vhost": "/", "name": "up",
                                      "value": {"uri": "amqp://elsewhere"}}]});
    let refused = preview(file.clone());
    assert_eq!(
        refused.blockers,
        [DefinitionsProblem::Component {
            index: 0,
            component: "federation-upstream".into(),
            plugin: "rabbitmq_federation".into(),
        }]
    );
    let plugins = ["rabbitmq_federation".to_string()];
    let with_plugin = Target { plugins: &plugins, ..target(V40) };
    assert!(diff(&current(), &file.to_string(), &with_plugin).unwrap().blockers.is_empty());
    let unknown = preview(json!({"parameters": [{"component": "colour", "vhost": "/", "name": "c", "value": 1}]}));
    assert!(matches!(&unknown.blockers[..], [DefinitionsProblem::Component { plugin, .. }] if plugin.is_empty()));
}

#[test]
fn a_stream_with_max_length_is_refused() {
    let file = json!({"queues": [{"name": "s", "vhost": "/", "durable": true, "auto_delete": false,
                                  "arguments": {"x-queue-type": "stream", "x-max-length": 10}}]});
    for version in [V310, V40] {
        assert_eq!(
            preview_on(version, file.clone()).blockers,
            [DefinitionsProblem::Argument {
                index: 0,
                name: "s".into(),
                key: "x-max-length".into(),
                problem: ArgumentProblem::NotForType { queue_type: "stream".into() },
            }]
        );
    }
    // Arguments no queue type takes (a plugin's) pass; bad values do not.
    let file = json!({"queues": [{"name": "q", "vhost": "/", "durable": true, "arguments": {
        "x-plugin-thing": 1, "x-max-priority": 300, "x-overflow": "drop-tail", "x-dead-letter-routing-key": "k"}}]});
    let kinds: Vec<String> = preview(file)
        .blockers
        .iter()
        .map(|b| match b {
            DefinitionsProblem::Argument { key, problem: ArgumentProblem::Value { .. }, .. } => key.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(kinds, ["x-dead-letter-routing-key", "x-max-priority", "x-overflow"]);
}

#[test]
fn a_quorum_queue_that_is_not_durable_is_not_created() {
    let file =
        json!({"queues": [{"name": "q", "vhost": "/", "durable": false, "arguments": {"x-queue-type": "quorum"}}]});
    let preview = preview(file);
    assert!(preview.blockers.is_empty(), "{preview:?}");
    assert_eq!(section(&preview, "queues").skipped[0].reason, SkipReason::NotDurable);
}

#[test]
fn a_transient_queue_in_a_quorum_vhost_is_classic_on_4_0() {
    let file = json!({
        "vhosts": [{"name": "q-first", "metadata": {"default_queue_type": "quorum"}}],
        "queues": [{"name": "prio", "vhost": "q-first", "durable": false, "arguments": {"x-max-priority": 5}}],
    });
    let preview = preview(file);
    assert!(preview.blockers.is_empty(), "{preview:?}");
    assert_eq!(section(&preview, "queues").added.len(), 1);
}

#[test]
fn an_existing_queue_is_not_checked() {
    let file = json!({"queues": [{"name": "orders", "vhost": "/", "durable": true,
                                  "arguments": {"x-queue-type": "stream", "x-max-priority": 5}}]});
    let preview = preview(file);
    assert!(preview.blockers.is_empty(), "{preview:?}");
    assert_eq!(section(&preview, "queues").kept[0].fields, ["arguments"]);
}

#[test]
fn a_vhost_default_queue_type_applies_on_4_0() {
    let file = json!({
        "vhosts": [{"name": "q-first", "metadata": {"default_queue_type": "quorum"}}],
        "queues": [{"name": "prio", "vhost": "q-first", "durable": true, "arguments": {"x-max-priority": 5}}],
    });
    assert!(matches!(&preview_on(V40, file.clone()).blockers[..], [DefinitionsProblem::Argument { .. }]));
    assert!(preview_on(V310, file).blockers.is_empty());
}

#[test]
fn a_user_limit_that_is_not_a_number_is_refused() {
    let file = json!({"users": [{"name": "u", "password_hash": "", "tags": [],
                                 "limits": {"max-connections": "twomincepies"}}]});
    assert_eq!(
        preview(file).blockers,
        [DefinitionsProblem::Limit { section: "users".into(), index: 0, key: "max-connections".into() }]
    );
    let vhost_limits = json!({"parameters": [{"component": "vhost-limits", "vhost": "/", "name": "limits",
                                              "value": {"max-queues": 10, "max-cakes": 1}}]});
    assert_eq!(
        preview(vhost_limits).blockers,
        [DefinitionsProblem::Limit { section: "parameters".into(), index: 0, key: "max-cakes".into() }]
    );
}

#[test]
fn users_need_tags_and_one_password() {
    let file = json!({"users": [{"name": "a", "password_hash": "x"},
                                {"name": "b", "password": "p", "password_hash": "x", "tags": []}]});
    assert_eq!(
        preview(file).blockers,
        [
            DefinitionsProblem::NoTags { index: 0, name: "a".into() },
            DefinitionsProblem::TwoPasswords { index: 1, name: "b".into() },
        ]
    );
}

#[test]
fn tags_that_are_not_text_are_refused() {
    let file = json!({"users": [{"name": "u", "password_hash": "", "tags": 7}, {"name": "n", "tags": null},
                                {"name": "t", "tags": [1, true]}],
                      "vhosts": [{"name": "v", "tags": [{"a": 1}]}, {"name": "w", "tags": "a,b"}]});
    assert_eq!(
        preview(file).blockers,
        [
            DefinitionsProblem::BadTags { section: "users".into(), index: 0 },
            DefinitionsProblem::BadTags { section: "users".into(), index: 1 },
            DefinitionsProblem::BadTags { section: "vhosts".into(), index: 0 },
        ]
    );
}

#[test]
fn queues_and_exchanges_without_a_vhost_are_refused() {
    let file = json!({
        "queues": [{"name": "q", "durable": true, "arguments": {}}],
        "exchanges": [{"name": "x", "type": "direct", "durable": true}],
    });
    assert_eq!(
        preview(file).blockers,
        [
            DefinitionsProblem::NoVhost { section: "exchanges".into(), index: 0 },
            DefinitionsProblem::NoVhost { section: "queues".into(), index: 0 },
        ]
    );
}

#[test]
fn a_binding_to_something_else_than_a_queue_or_exchange_is_refused() {
    let file = json!({"bindings": [{"vhost": "/", "source": "events", "destination": "orders",
                                    "destination_type": "topic", "routing_key": "", "arguments": {}}]});
    assert_eq!(
        preview(file).blockers,
        [DefinitionsProblem::DestinationType { index: 0, destination_type: "topic".into() }]
    );
}

#[test]
fn a_binding_to_a_missing_queue_is_refused() {
    let file = json!({
        "queues": [{"name": "new", "vhost": "/", "durable": true, "arguments": {}}],
        "bindings": [
            {"vhost": "/", "source": "events", "destination": "new", "destination_type": "queue", "routing_key": ""},
            {"vhost": "/", "source": "amq.topic", "destination": "orders", "destination_type": "queue", "routing_key": ""},
            {"vhost": "/", "source": "nowhere", "destination": "gone", "destination_type": "queue", "routing_key": ""},
        ],
    });
    assert_eq!(
        preview(file).blockers,
        [
            DefinitionsProblem::Missing {
                section: "bindings".into(),
                index: 2,
                missing: Reference::Exchange("nowhere".into())
            },
            DefinitionsProblem::Missing {
                section: "bindings".into(),
                index: 2,
                missing: Reference::Queue("gone".into())
            },
        ]
    );
}

#[test]
fn a_binding_to_a_missing_queue_is_dropped_by_3_10() {
    let file = json!({"bindings": [{"vhost": "/", "source": "events", "destination": "gone",
                                    "destination_type": "queue", "routing_key": ""}]});
    let preview = preview_on(V310, file);
    assert!(preview.blockers.is_empty(), "{preview:?}");
    assert_eq!(section(&preview, "bindings").skipped[0].reason, SkipReason::MissingEnd);
}

#[test]
fn objects_in_a_vhost_neither_there_nor_created_are_refused() {
    let file = json!({
        "vhosts": [{"name": "new"}],
        "queues": [{"name": "a", "vhost": "new", "durable": true}, {"name": "b", "vhost": "gone", "durable": true}],
        "permissions": [{"user": "nobody", "vhost": "new", "configure": ".*", "write": ".*", "read": ".*"}],
    });
    assert_eq!(
        preview(file).blockers,
        [
            DefinitionsProblem::Missing {
                section: "permissions".into(),
                index: 0,
                missing: Reference::User("nobody".into())
            },
            DefinitionsProblem::Missing {
                section: "queues".into(),
                index: 1,
                missing: Reference::Vhost("gone".into())
            },
        ]
    );
}

#[test]
fn protected_from_deletion_is_dropped_before_4_1() {
    let file = json!({"vhosts": [{"name": "keep", "metadata": {"protected_from_deletion": true}}]});
    let preview = preview(file);
    assert!(preview.effects.contains(&SideEffect::ProtectionDropped { vhost: "keep".into() }), "{preview:?}");
}

#[test]
fn an_existing_queue_with_other_properties_is_kept_not_refused() {
    let file = json!({"queues": [{"name": "orders", "vhost": "/", "durable": false, "auto_delete": false, "arguments": {}}],
                      "exchanges": [{"name": "events", "vhost": "/", "type": "fanout", "durable": true}]});
    let preview = preview(file);
    assert!(preview.blockers.is_empty());
    assert_eq!(
        section(&preview, "queues").kept,
        [ItemFields { item: r#"queue "/" / "orders""#.into(), fields: vec!["durable".into()] }]
    );
    assert_eq!(section(&preview, "exchanges").kept[0].fields, ["type"]);
    assert_eq!(preview.changes(), 0);
}

#[test]
fn a_vhost_without_a_description_is_reset() {
    let preview = preview(json!({"vhosts": [{"name": "/"}]}));
    assert_eq!(
        section(&preview, "vhosts").changed,
        [ItemFields { item: r#"vhost "/""#.into(), fields: vec!["description".into()] }]
    );
}

#[test]
fn vhost_keys_an_export_does_not_carry_change_nothing() {
    let file = json!({"vhosts": [{"name": "/", "description": "Default virtual host", "limits": [],
                                  "metadata": {"description": "Default virtual host", "tags": []}}]});
    assert_eq!(section(&preview(file), "vhosts").unchanged, 1);
}

#[test]
fn user_tags_as_empty_text_or_empty_list_are_the_same() {
    let file = json!({"users": [{"name": "guest", "password_hash": "h", "hashing_algorithm": "rabbit_password_hashing_sha256",
                                 "tags": "administrator"}]});
    assert_eq!(section(&preview(file), "users").unchanged, 1);
}

#[test]
fn amq_queues_and_the_default_exchange_are_skipped() {
    let file = json!({
        "queues": [{"name": "amq.gen-JzTY20BRgKO-HjmUJj0wLg", "vhost": "/", "durable": false, "arguments": {}}],
        "exchanges": [{"name": "", "vhost": "/", "type": "direct", "durable": true},
                      {"name": "amq.direct", "vhost": "/", "type": "direct", "durable": true}],
    });
    let preview = preview(file);
    assert!(preview.blockers.is_empty(), "{preview:?}");
    assert_eq!(section(&preview, "queues").skipped[0].reason, SkipReason::Reserved);
    let reasons: Vec<_> = section(&preview, "exchanges").skipped.iter().map(|s| s.reason).collect();
    assert_eq!(reasons, [SkipReason::DefaultExchange, SkipReason::Reserved]);
    assert_eq!(preview.changes(), 0);
}

#[test]
fn a_created_vhost_gives_the_importing_user_full_permissions() {
    let preview = preview(json!({"vhosts": [{"name": "new"}]}));
    assert_eq!(preview.effects, [SideEffect::FullPermissions { user: "guest".into(), vhost: "new".into() }]);
    // A user of another backend (LDAP, OAuth) is not given any.
    let other = Target { user: "ldap-admin", ..target(V40) };
    assert!(diff(&current(), &json!({"vhosts": [{"name": "new"}]}).to_string(), &other).unwrap().effects.is_empty());
}

#[test]
fn what_is_not_a_definitions_file_is_refused_at_once() {
    let refused =
        |file: &str, vhost: Option<&str>| diff(&current(), file, &Target { vhost, ..target(V310) }).unwrap_err();
    assert_eq!(refused("{not json", None), DefinitionsProblem::NotJson { line: 1, column: 2 });
    assert_eq!(refused("[1]", None), DefinitionsProblem::NotAnObject);
    assert_eq!(refused(r#"{"queues": {}}"#, None), DefinitionsProblem::SectionNotList { section: "queues".into() });
    assert_eq!(
        refused(r#"{"users": [{"name": "u"}]}"#, Some("/")),
        DefinitionsProblem::NotForVhost { section: "users".into() }
    );
}

#[test]
fn items_the_broker_would_refuse_are_all_blockers() {
    let file = json!({
        "exchanges": [1, {"name": "x", "vhost": "/", "type": "no-such-type", "durable": true}],
        "users": [{"password_hash": "x", "tags": []}],
        "vhosts": [{"name": ""}],
        "policies": [{"vhost": "/", "name": "p", "pattern": ".*"},
                     {"vhost": "/", "name": "q", "pattern": ".*", "apply-to": "topics", "definition": {"max-length": 1}},
                     {"vhost": "/", "name": "r", "pattern": ".*", "definition": {"colour": "red"}}],
        "queues": [{"name": "..", "vhost": "/"}],
    });
    assert_eq!(
        preview_on(V310, file).blockers,
        [
            DefinitionsProblem::NoName { section: "users".into(), index: 0 },
            DefinitionsProblem::Name {
                section: "vhosts".into(),
                index: 0,
                problem: FormProblem::NameEmpty { kind: ObjectKind::Vhost },
            },
            DefinitionsProblem::ItemNotObject { section: "exchanges".into(), index: 0 },
            DefinitionsProblem::ExchangeType { index: 1, name: "x".into(), kind: "no-such-type".into() },
            DefinitionsProblem::NoDefinition { index: 0 },
            DefinitionsProblem::UnknownApplyTo { index: 1, apply_to: "topics".into() },
            DefinitionsProblem::Policy {
                index: 2,
                name: "r".into(),
                problem: PolicyProblem::UnknownKey { key: "colour".into() }
            },
            DefinitionsProblem::Name {
                section: "queues".into(),
                index: 0,
                problem: FormProblem::NameUnaddressable { kind: ObjectKind::Queue, name: "..".into() },
            },
        ]
    );
}

#[test]
fn a_vhost_import_names_items_without_their_vhost() {
    let current = json!({"queues": [{"name": "orders", "durable": true, "auto_delete": false, "arguments": {}}]});
    let file = json!({"queues": [{"name": "orders", "durable": true, "auto_delete": false, "arguments": {}}],
                      "exchanges": [{"name": "x", "vhost": "other", "type": "direct"}]});
    let scoped = Target { vhost: Some("prod/eu"), ..target(V310) };
    let preview = diff(&current, &file.to_string(), &scoped).unwrap();
    assert_eq!(section(&preview, "queues").unchanged, 1);
    assert!(matches!(&preview.blockers[..], [DefinitionsProblem::OtherVhost { vhost, .. }] if vhost == "other"));
}

#[test]
fn blockers_are_bounded() {
    let queues: Vec<Value> = (0..500).map(|i| json!({"name": format!("q{i}"), "vhost": "gone"})).collect();
    let preview = preview(json!({ "queues": queues }));
    assert_eq!(preview.blockers.len(), MAX_BLOCKERS + 1);
    assert_eq!(preview.blockers.last(), Some(&DefinitionsProblem::More { count: 400 }));
}

#[test]
fn what_a_failed_import_left_is_read_from_two_exports() {
    let mut after = current();
    after["users"].as_array_mut().unwrap().push(json!({"name": "new", "tags": []}));
    after["policies"][0]["priority"] = json!(5);
    assert_eq!(applied(&current(), &after, None), [r#"+ user "new""#, r#"~ policy "/" / "ttl""#]);
}

#[test]
fn problems_cross_the_wire_unchanged() {
    let problems = [
        DefinitionsProblem::NotJson { line: 3, column: 7 },
        DefinitionsProblem::Policy {
            index: 2,
            name: "p".into(),
            problem: PolicyProblem::Name(FormProblem::NameEmpty { kind: ObjectKind::Policy }),
        },
        DefinitionsProblem::Argument {
            index: 0,
            name: "q".into(),
            key: "x-overflow".into(),
            problem: ArgumentProblem::Value { rule: ArgumentRule::OneOf(vec!["drop-head".into()]) },
        },
        DefinitionsProblem::PartlyApplied { reason: "boom".into(), applied: vec!["+ user \"u\"".into()] },
    ];
    for problem in problems {
        let json = serde_json::to_string(&problem).unwrap();
        assert_eq!(serde_json::from_str::<DefinitionsProblem>(&json).unwrap(), problem, "{json}");
    }
}
