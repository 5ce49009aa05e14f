//! Tables of typed `key = value` rows, as people fill them in: message headers, queue, exchange
//! and binding arguments.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

use super::problem::{FormProblem, Table};

/// A value typed by the person entering it: header values, queue and binding arguments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValueKind {
    #[default]
    Text,
    Number,
    Boolean,
}

impl ValueKind {
    pub const ALL: [ValueKind; 3] = [ValueKind::Text, ValueKind::Number, ValueKind::Boolean];

    pub fn as_str(self) -> &'static str {
        match self {
            ValueKind::Text => "text",
            ValueKind::Number => "number",
            ValueKind::Boolean => "boolean",
        }
    }

    pub fn parse(text: &str) -> ValueKind {
        match text {
            "number" => ValueKind::Number,
            "boolean" => ValueKind::Boolean,
            _ => ValueKind::Text,
        }
    }
}

/// One `key = value` row of a typed table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TypedEntry {
    pub key: String,
    pub kind: ValueKind,
    pub value: String,
}

impl TypedEntry {
    pub fn new(key: &str, kind: ValueKind, value: &str) -> Self {
        Self { key: key.into(), kind, value: value.into() }
    }

    /// The value as JSON; a problem names `table`, the table the row is in.
    pub fn to_json(&self, table: Table) -> Result<Value, FormProblem> {
        let value = self.value.trim();
        let (key, text) = (|| self.key.clone(), || value.to_string());
        match self.kind {
            ValueKind::Text => Ok(Value::String(self.value.clone())),
            ValueKind::Boolean => match value {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(FormProblem::ValueNotBoolean { table, key: key(), value: text() }),
            },
            ValueKind::Number => {
                number(value).ok_or_else(|| FormProblem::ValueNotNumber { table, key: key(), value: text() })
            }
        }
    }
}

fn number(text: &str) -> Option<Value> {
    if let Ok(i) = text.parse::<i64>() {
        return Some(Value::Number(i.into()));
    }
    text.parse::<f64>().ok().and_then(Number::from_f64).map(Value::Number)
}

/// A typed table as a JSON object; rows with neither key nor value are ignored (the empty row a
/// form keeps at the end), a key given twice or a value without a key is refused.
pub fn typed_map(entries: &[TypedEntry], table: Table) -> Result<Map<String, Value>, FormProblem> {
    let mut map = Map::new();
    for entry in entries {
        if entry.key.trim().is_empty() {
            if entry.value.trim().is_empty() {
                continue;
            }
            return Err(FormProblem::ValueWithoutKey { table, value: entry.value.clone() });
        }
        let value = entry.to_json(table)?;
        if map.insert(entry.key.clone(), value).is_some() {
            return Err(FormProblem::KeyTwice { table, key: entry.key.clone() });
        }
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_become_json() {
        let rows = [
            TypedEntry::new("s", ValueKind::Text, " 12 "),
            TypedEntry::new("i", ValueKind::Number, "12"),
            TypedEntry::new("f", ValueKind::Number, "-1.5"),
            TypedEntry::new("b", ValueKind::Boolean, "false"),
            TypedEntry::new("t", ValueKind::Boolean, " true "),
            TypedEntry::new("", ValueKind::Text, ""),
        ];
        let map = typed_map(&rows, Table::Headers).unwrap();
        assert_eq!(Value::Object(map), serde_json::json!({"s": " 12 ", "i": 12, "f": -1.5, "b": false, "t": true}));
    }

    #[test]
    fn typed_rows_that_do_not_read_say_which_row_and_table() {
        let one = |key: &str, kind, value: &str| typed_map(&[TypedEntry::new(key, kind, value)], Table::Arguments);
        assert_eq!(
            one("n", ValueKind::Number, "12abc"),
            Err(FormProblem::ValueNotNumber { table: Table::Arguments, key: "n".into(), value: "12abc".into() })
        );
        assert_eq!(
            one("n", ValueKind::Number, "NaN"),
            Err(FormProblem::ValueNotNumber { table: Table::Arguments, key: "n".into(), value: "NaN".into() }),
            "JSON has no NaN"
        );
        assert_eq!(
            one("b", ValueKind::Boolean, " yes "),
            Err(FormProblem::ValueNotBoolean { table: Table::Arguments, key: "b".into(), value: "yes".into() })
        );
        assert_eq!(
            one("", ValueKind::Text, "orphan"),
            Err(FormProblem::ValueWithoutKey { table: Table::Arguments, value: "orphan".into() })
        );
        let twice = [TypedEntry::new("a", ValueKind::Text, "1"), TypedEntry::new("a", ValueKind::Text, "2")];
        assert_eq!(
            typed_map(&twice, Table::Headers),
            Err(FormProblem::KeyTwice { table: Table::Headers, key: "a".into() })
        );
    }

    #[test]
    fn value_kinds_read_back_what_they_write() {
        for kind in ValueKind::ALL {
            assert_eq!(ValueKind::parse(kind.as_str()), kind);
        }
        assert_eq!(ValueKind::parse("anything else"), ValueKind::Text);
    }
}
