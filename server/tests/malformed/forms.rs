//! The plain HTML forms attacked: sign-in and first-run setup, with fields left out, changed or
//! doubled, CSRF faults, bytes that are not a form and bodies at the size limit.

use crate::requests::{Case, Senders};
use crate::{BODY_LIMIT, CSRF, EXTRA, WRONG_CSRF};

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

pub(super) fn sign_in_cases(tag: &str, bad: &[String]) -> Vec<Case> {
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

pub(super) fn setup_cases(tag: &str, bad: &[String]) -> Vec<Case> {
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
