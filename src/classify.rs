//! Sorts any body into Valid, Invalid or Ambiguous, as the spec's "What counts
//! as conforming" defines them, with a reason per finding.
//!
//! The rules follow what the published server (FastAPI + pydantic v2, lax mode)
//! accepts: a reason of severity [`Severity::Invalid`] carries the pydantic error
//! `type`, `loc` and `msg` that server would answer in its `422`, in field
//! order. Everything the published server accepts but that a careful
//! implementation may refuse is [`Severity::Ambiguous`]. With `strict`, the
//! Close-meaning checks (confidence range, value sign, period, date) become
//! Invalid.
//!
//! This module is pure: bytes or a `serde_json::Value` in, a [`Classification`]
//! out.

use crate::model::{LocItem, PERIODS, RecordsCreated, ValidationErrorBody, ValidationErrorItem};
use chrono::Datelike;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// The verdict on a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Schema-valid and meaningful to Close: must be accepted.
    Valid,
    /// Either answer is fine, as long as it is whole.
    Ambiguous,
    /// Must be rejected with a 4xx and nothing stored.
    Invalid,
}

/// How much a single finding weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Makes the body Ambiguous.
    Ambiguous,
    /// Makes the body Invalid.
    Invalid,
}

/// One finding, located in the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// How much it weighs.
    pub severity: Severity,
    /// pydantic's error type for invalid findings (`missing`, `int_parsing`,
    /// ...), or leadfuzz's name for ambiguous ones (`coerced_int`,
    /// `extra_forbidden`, `legacy_field`, ...).
    pub kind: &'static str,
    /// Where, below the body: `["leads", 0, "name"]`.
    pub loc: Vec<LocItem>,
    /// The human message.
    pub msg: String,
    /// The offending value.
    pub input: Value,
    /// For malformed JSON: the decoder's line and column (1-based).
    pub position: Option<(usize, usize)>,
}

impl Reason {
    /// The location as a path: `leads[3].opportunities[0].note`, or `body`.
    pub fn path(&self) -> String {
        let mut path = String::new();
        for item in &self.loc {
            match item {
                LocItem::Key(key) if path.is_empty() => path.push_str(key),
                LocItem::Key(key) => {
                    path.push('.');
                    path.push_str(key);
                }
                LocItem::Index(i) => path.push_str(&format!("[{i}]")),
            }
        }
        if path.is_empty() { "body".into() } else { path }
    }
}

impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Reason", 7)?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("type", self.kind)?;
        st.serialize_field("path", &self.path())?;
        st.serialize_field("msg", &self.msg)?;
        st.serialize_field("input", &self.input)?;
        if let Some((line, column)) = self.position {
            st.serialize_field("line", &line)?;
            st.serialize_field("column", &column)?;
        }
        st.end()
    }
}

/// The result of classifying one body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    /// The verdict.
    pub class: Class,
    /// What must be created if the body is accepted; `None` when it is Invalid.
    pub records_created: Option<RecordsCreated>,
    /// Every finding: invalid ones in the order pydantic reports them.
    pub reasons: Vec<Reason>,
}

impl Reason {
    /// This finding as one item of FastAPI's `422` body (`loc` starts with `body`).
    pub fn error_item(&self) -> ValidationErrorItem {
        ValidationErrorItem {
            kind: self.kind.into(),
            loc: std::iter::once(LocItem::Key("body".into())).chain(self.loc.iter().cloned()).collect(),
            msg: self.msg.clone(),
            input: self.input.clone(),
            ctx: self.position.map(|(line, column)| json!({"line": line, "column": column})),
        }
    }
}

impl Classification {
    /// The `422` body the published server answers for this body: its Invalid
    /// reasons in FastAPI's shape. Empty when the body is not Invalid.
    pub fn validation_error(&self) -> ValidationErrorBody {
        let detail =
            self.reasons.iter().filter(|r| r.severity == Severity::Invalid).map(Reason::error_item).collect();
        ValidationErrorBody { detail }
    }

    /// Whether the body held a lone surrogate escape: its JSON was read with
    /// the escape patched, so it cannot be compared or re-sent as parsed.
    pub fn has_lone_surrogate(&self) -> bool {
        self.reasons.iter().any(|r| r.kind == LONE_SURROGATE)
    }
}

/// The `kind` of the finding for a lone UTF-16 surrogate escape.
pub const LONE_SURROGATE: &str = "lone_surrogate";

/// Classifies a raw request body, as the published server reads it: no bytes
/// at all means "no data"; anything else must be JSON.
pub fn classify_bytes(body: &[u8], strict: bool) -> Classification {
    read_body(body, strict).0
}

/// Classifies a raw request body and gives the parsed JSON as well (`Null`
/// for no bytes; `None` when it is not JSON). Lone surrogate escapes come out
/// as U+FFFF.
pub fn read_body(body: &[u8], strict: bool) -> (Classification, Option<Value>) {
    if body.is_empty() {
        return (classify(&Value::Null, strict), Some(Value::Null));
    }
    // serde_json refuses lone surrogate escapes, which Python's json accepts:
    // parse a copy with them replaced and report them as ambiguous.
    let (patched, first_lone) = replace_lone_surrogates(body);
    match serde_json::from_slice::<Value>(patched.as_deref().unwrap_or(body)) {
        Ok(value) => {
            let mut result = classify(&value, strict);
            if let Some(offset) = first_lone {
                let reason = Reason {
                    severity: Severity::Ambiguous,
                    kind: LONE_SURROGATE,
                    loc: vec![],
                    msg: "string holds a lone UTF-16 surrogate escape".into(),
                    input: Value::Null,
                    position: Some(line_column(body, offset)),
                };
                result.reasons.push(reason);
                result.class = result.class.max(Class::Ambiguous);
            }
            (result, Some(value))
        }
        Err(err) => {
            let verdict = Classification {
                class: Class::Invalid,
                records_created: None,
                reasons: vec![Reason {
                    severity: Severity::Invalid,
                    kind: "json_invalid",
                    loc: vec![],
                    msg: format!("JSON decode error: {err}"),
                    input: json!({}),
                    position: Some((err.line(), err.column())),
                }],
            };
            (verdict, None)
        }
    }
}

/// A body that is not Invalid, as the published server reads it: unknown and
/// legacy keys dropped, lax integers and booleans coerced, email and phone
/// items kept as sent. `Null` (no data) stays `Null`.
pub fn normalize(body: &Value) -> Value {
    fn model(value: &Value, model: &Model) -> Value {
        let Some(map) = value.as_object() else {
            return value.clone();
        };
        let fields =
            model.fields.iter().filter_map(|f| Some((f.name.to_string(), field(map.get(f.name)?, f))));
        Value::Object(fields.collect())
    }
    fn field(value: &Value, field: &Field) -> Value {
        match (&field.kind, value) {
            (_, Value::Null) => Value::Null,
            (Kind::Int, v) => match lax_int(v) {
                Lax::Exact(i) | Lax::Coerced(i) => i64::try_from(i).map_or_else(|_| v.clone(), Value::from),
                Lax::Error(..) => v.clone(),
            },
            (Kind::Bool, v) => match lax_bool(v) {
                Lax::Exact(b) | Lax::Coerced(b) => Value::Bool(b),
                Lax::Error(..) => v.clone(),
            },
            (Kind::Models(m), Value::Array(items)) => items.iter().map(|item| model(item, m)).collect(),
            (_, v) => v.clone(),
        }
    }
    model(body, &CLOSE_DATA)
}

/// Classifies a parsed body (`Value::Null` is "no data").
pub fn classify(body: &Value, strict: bool) -> Classification {
    let mut walker =
        Walker { strict, loc: Vec::new(), reasons: Vec::new(), counts: RecordsCreated::default() };
    match body {
        Value::Null => {}
        Value::Object(map) => walker.model(map, &CLOSE_DATA),
        other => walker.push(
            Severity::Invalid,
            "model_attributes_type",
            "Input should be a valid dictionary or object to extract fields from".into(),
            other,
        ),
    }
    let class = walker
        .reasons
        .iter()
        .map(|r| match r.severity {
            Severity::Invalid => Class::Invalid,
            Severity::Ambiguous => Class::Ambiguous,
        })
        .max()
        .unwrap_or(Class::Valid);
    Classification {
        class,
        records_created: (class != Class::Invalid).then_some(walker.counts),
        reasons: walker.reasons,
    }
}

/// 1-based line and column of a byte offset.
fn line_column(body: &[u8], offset: usize) -> (usize, usize) {
    let before = &body[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = offset - before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
    (line, column)
}

/// Replaces each `\uXXXX` escape of an unpaired surrogate with `\uFFFF` (same
/// length, so positions hold). Returns the patched copy, if anything changed,
/// and the offset of the first replacement.
fn replace_lone_surrogates(body: &[u8]) -> (Option<Vec<u8>>, Option<usize>) {
    fn escape_at(b: &[u8], i: usize) -> Option<u16> {
        let hex = b.get(i..i + 6)?;
        if &hex[..2] != b"\\u" {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    }
    let mut patched: Option<Vec<u8>> = None;
    let mut first = None;
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'\\' {
            i += 1;
            continue;
        }
        let Some(unit) = escape_at(body, i) else {
            i += 2; // `\"`, `\\`, ...: skip the escaped byte too
            continue;
        };
        let high = (0xD800..0xDC00).contains(&unit);
        let low = (0xDC00..0xE000).contains(&unit);
        let paired = high && escape_at(body, i + 6).is_some_and(|u| (0xDC00..0xE000).contains(&u));
        if paired {
            i += 12;
            continue;
        }
        if high || low {
            patched.get_or_insert_with(|| body.to_vec())[i + 2..i + 6].copy_from_slice(b"FFFF");
            first.get_or_insert(i);
        }
        i += 6;
    }
    (patched, first)
}

/// What a field holds.
enum Kind {
    Str,
    Int,
    Bool,
    /// A list of model objects.
    Models(&'static Model),
    /// A list of free dictionaries (email or phone items).
    Dicts(Item),
}

/// The conventional content of a free dictionary.
#[derive(Clone, Copy)]
enum Item {
    Email,
    Phone,
}

/// A Close-meaning rule beyond the published schema.
#[derive(Clone, Copy)]
enum Meaning {
    None,
    Percent,
    NonNegative,
    Period,
    Date,
}

struct Field {
    name: &'static str,
    kind: Kind,
    required: bool,
    meaning: Meaning,
}

struct Model {
    /// pydantic's class name.
    name: &'static str,
    fields: &'static [Field],
    /// (legacy name, current name), from the 2025-12 schema.
    legacy: &'static [(&'static str, &'static str)],
}

const fn field(name: &'static str, kind: Kind) -> Field {
    Field { name, kind, required: false, meaning: Meaning::None }
}

const fn required(name: &'static str, kind: Kind) -> Field {
    Field { required: true, ..field(name, kind) }
}

const fn meaning(name: &'static str, kind: Kind, meaning: Meaning) -> Field {
    Field { meaning, ..field(name, kind) }
}

static CLOSE_DATA: Model =
    Model { name: "CloseData", fields: &[field("leads", Kind::Models(&LEAD))], legacy: &[] };

static LEAD: Model = Model {
    name: "CloseLead",
    fields: &[
        required("name", Kind::Str),
        field("status", Kind::Str),
        field("contacts", Kind::Models(&CONTACT)),
        field("opportunities", Kind::Models(&OPPORTUNITY)),
        field("tasks", Kind::Models(&TASK)),
    ],
    legacy: &[("status_label", "status")],
};

static CONTACT: Model = Model {
    name: "CloseContact",
    fields: &[
        field("name", Kind::Str),
        field("emails", Kind::Dicts(Item::Email)),
        field("phones", Kind::Dicts(Item::Phone)),
    ],
    legacy: &[],
};

static OPPORTUNITY: Model = Model {
    name: "CloseOpportunity",
    fields: &[
        required("note", Kind::Str),
        meaning("value", Kind::Int, Meaning::NonNegative),
        meaning("confidence", Kind::Int, Meaning::Percent),
        meaning("period", Kind::Str, Meaning::Period),
    ],
    legacy: &[("value_period", "period")],
};

static TASK: Model = Model {
    name: "CloseTask",
    fields: &[
        required("description", Kind::Str),
        meaning("date", Kind::Str, Meaning::Date),
        field("completed", Kind::Bool),
        field("assignee_id", Kind::Str),
    ],
    legacy: &[("text", "description"), ("is_complete", "completed"), ("assigned_to", "assignee_id")],
};

/// The outcome of pydantic's lax reading of a scalar.
pub(crate) enum Lax<T> {
    Exact(T),
    Coerced(T),
    Error(&'static str, &'static str),
}

/// pydantic v2's lax `int`: integers, integral floats, bools and numeric
/// strings (trimmed, `_` between digits) are taken.
pub(crate) fn lax_int(value: &Value) -> Lax<i128> {
    const PARSING: Lax<i128> =
        Lax::Error("int_parsing", "Input should be a valid integer, unable to parse string as an integer");
    match value {
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Lax::Exact(i.into()),
            (_, Some(u), _) => Lax::Exact(u.into()),
            (_, _, Some(f)) if f.fract() == 0.0 => Lax::Coerced(f as i128),
            _ => Lax::Error(
                "int_from_float",
                "Input should be a valid integer, got a number with a fractional part",
            ),
        },
        Value::Bool(b) => Lax::Coerced((*b).into()),
        Value::String(s) => {
            let s = s.trim();
            let s = s.strip_suffix(".0").unwrap_or(s);
            let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
            let well_formed = !digits.is_empty()
                && digits.split('_').all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()));
            match s.replace('_', "").parse::<i128>() {
                Ok(i) if well_formed => Lax::Coerced(i),
                _ => PARSING,
            }
        }
        _ => Lax::Error("int_type", "Input should be a valid integer"),
    }
}

/// pydantic v2's lax `bool`: bools, 0/1 and the usual words.
fn lax_bool(value: &Value) -> Lax<bool> {
    const PARSING: Lax<bool> =
        Lax::Error("bool_parsing", "Input should be a valid boolean, unable to interpret input");
    match value {
        Value::Bool(b) => Lax::Exact(*b),
        Value::Number(n) => match n.as_f64() {
            Some(0.0) => Lax::Coerced(false),
            Some(1.0) => Lax::Coerced(true),
            _ => PARSING,
        },
        Value::String(s) => bool_word(s).map_or(PARSING, Lax::Coerced),
        _ => Lax::Error("bool_type", "Input should be a valid boolean"),
    }
}

/// A word pydantic reads as a boolean (`yes`, `off`, `1`, ...), any case,
/// surrounding white space ignored.
pub fn bool_word(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "0" | "off" | "f" | "false" | "n" | "no" => Some(false),
        "1" | "on" | "t" | "true" | "y" | "yes" => Some(true),
        _ => None,
    }
}

/// Whether `s` is a real calendar date written `YYYY-MM-DD`, year 1 or
/// later (Python's `date` has no year 0).
pub fn is_calendar_date(s: &str) -> bool {
    s.len() == 10
        && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .is_ok_and(|d| d.year() >= 1 && d.format("%Y-%m-%d").to_string() == s)
}

/// Whether `s` looks like an E.164 number: `+`, then 2 to 15 digits, no leading 0.
pub fn is_e164(s: &str) -> bool {
    s.strip_prefix('+').is_some_and(|d| {
        (2..=15).contains(&d.len()) && !d.starts_with('0') && d.bytes().all(|b| b.is_ascii_digit())
    })
}

/// A conventional key of a free dictionary: its name, the test its value
/// passes, and what the test wants, for the message.
type ConventionRule = (&'static str, fn(&Value) -> bool, &'static str);

struct Walker {
    strict: bool,
    loc: Vec<LocItem>,
    reasons: Vec<Reason>,
    counts: RecordsCreated,
}

impl Walker {
    fn push(&mut self, severity: Severity, kind: &'static str, msg: String, input: &Value) {
        self.reasons.push(Reason {
            severity,
            kind,
            loc: self.loc.clone(),
            msg,
            input: input.clone(),
            position: None,
        });
    }

    fn meaning_severity(&self) -> Severity {
        if self.strict { Severity::Invalid } else { Severity::Ambiguous }
    }

    /// Runs `f` with `item` appended to the location.
    fn at<R>(&mut self, item: LocItem, f: impl FnOnce(&mut Self) -> R) -> R {
        self.loc.push(item);
        let result = f(self);
        self.loc.pop();
        result
    }

    fn model(&mut self, map: &Map<String, Value>, model: &Model) {
        for field in model.fields {
            let value = map.get(field.name);
            self.at(LocItem::Key(field.name.into()), |w| match (value, field.required) {
                (None, true) => {
                    w.push(Severity::Invalid, "missing", "Field required".into(), &Value::Object(map.clone()))
                }
                (None | Some(Value::Null), false) => {}
                (Some(value), _) => w.field(value, field),
            });
        }
        for (key, value) in map {
            if model.fields.iter().any(|f| f.name == key) {
                continue;
            }
            let legacy = model.legacy.iter().find(|(old, _)| old == key);
            self.at(LocItem::Key(key.clone()), |w| match legacy {
                Some((old, new)) => w.push(
                    Severity::Ambiguous,
                    "legacy_field",
                    format!("`{old}` is the 2025-12 name of `{new}`; the published server ignores it"),
                    value,
                ),
                None => w.push(
                    Severity::Ambiguous,
                    "extra_forbidden",
                    format!("unknown key of {}; the published server ignores it", model.name),
                    value,
                ),
            });
        }
    }

    fn field(&mut self, value: &Value, field: &Field) {
        match &field.kind {
            Kind::Str => match value {
                Value::String(s) => self.meaning_str(s, field.meaning, value),
                _ => self.push(
                    Severity::Invalid,
                    "string_type",
                    "Input should be a valid string".into(),
                    value,
                ),
            },
            Kind::Int => match lax_int(value) {
                Lax::Exact(i) => self.meaning_int(i, field.meaning, value),
                Lax::Coerced(i) => {
                    // JSON Schema counts 48000.0 as an integer; pydantic's
                    // lax mode also takes "48000" and true.
                    let (kind, what) = match value {
                        Value::Number(_) => ("integral_float", "a float with no fraction"),
                        _ => ("coerced_int", "not a JSON integer"),
                    };
                    self.push(
                        Severity::Ambiguous,
                        kind,
                        format!("{what}; pydantic's lax mode reads it as {i}"),
                        value,
                    );
                    self.meaning_int(i, field.meaning, value);
                }
                Lax::Error(kind, msg) => self.push(Severity::Invalid, kind, msg.into(), value),
            },
            Kind::Bool => match lax_bool(value) {
                Lax::Exact(_) => {}
                Lax::Coerced(b) => self.push(
                    Severity::Ambiguous,
                    "coerced_bool",
                    format!("not a JSON boolean; pydantic's lax mode reads it as {b}"),
                    value,
                ),
                Lax::Error(kind, msg) => self.push(Severity::Invalid, kind, msg.into(), value),
            },
            Kind::Models(model) => {
                let Some(items) = self.list(value) else { return };
                let n = items.len() as u64;
                match field.name {
                    "leads" => self.counts.leads += n,
                    "contacts" => self.counts.contacts += n,
                    "opportunities" => self.counts.opportunities += n,
                    _ => self.counts.tasks += n,
                }
                for (i, item) in items.iter().enumerate() {
                    self.at(LocItem::Index(i), |w| match item {
                        Value::Object(map) => w.model(map, model),
                        _ => w.push(
                            Severity::Invalid,
                            "model_attributes_type",
                            "Input should be a valid dictionary or object to extract fields from".into(),
                            item,
                        ),
                    });
                }
            }
            Kind::Dicts(kind) => {
                let Some(items) = self.list(value) else { return };
                for (i, item) in items.iter().enumerate() {
                    self.at(LocItem::Index(i), |w| match item {
                        Value::Object(map) => w.convention(map, *kind),
                        _ => w.push(
                            Severity::Invalid,
                            "dict_type",
                            "Input should be a valid dictionary".into(),
                            item,
                        ),
                    });
                }
            }
        }
    }

    /// The items of a list field, or `None` after reporting a non-list.
    fn list<'v>(&mut self, value: &'v Value) -> Option<&'v Vec<Value>> {
        match value {
            Value::Array(items) => Some(items),
            _ => {
                self.push(Severity::Invalid, "list_type", "Input should be a valid list".into(), value);
                None
            }
        }
    }

    fn meaning_str(&mut self, s: &str, meaning: Meaning, value: &Value) {
        let severity = self.meaning_severity();
        match meaning {
            Meaning::Period if !PERIODS.contains(&s) => self.push(
                severity,
                "literal_error",
                "Input should be 'one_time', 'monthly' or 'annual'".into(),
                value,
            ),
            Meaning::Date if !is_calendar_date(s) => self.push(
                severity,
                "date_parsing",
                "Input should be a valid date in the format YYYY-MM-DD".into(),
                value,
            ),
            _ => {}
        }
    }

    fn meaning_int(&mut self, i: i128, meaning: Meaning, value: &Value) {
        if i64::try_from(i).is_err() {
            self.push(
                Severity::Ambiguous,
                "int_overflow",
                "integer outside the 64-bit range; Python takes it, most stores do not".into(),
                value,
            );
        }
        let severity = self.meaning_severity();
        match meaning {
            Meaning::Percent if i < 0 => self.push(
                severity,
                "greater_than_equal",
                "Input should be greater than or equal to 0".into(),
                value,
            ),
            Meaning::Percent if i > 100 => self.push(
                severity,
                "less_than_equal",
                "Input should be less than or equal to 100".into(),
                value,
            ),
            Meaning::NonNegative if i < 0 => self.push(
                severity,
                "greater_than_equal",
                "Input should be greater than or equal to 0".into(),
                value,
            ),
            _ => {}
        }
    }

    /// Email and phone items are free dictionaries in the schema; leaving the
    /// convention is ambiguous, never invalid.
    fn convention(&mut self, map: &Map<String, Value>, item: Item) {
        let (key, rules): (&str, &[ConventionRule]) = match item {
            Item::Email => (
                "email",
                &[
                    ("email", |v| v.is_string(), "a string"),
                    ("type", |v| v.is_string(), "a string"),
                    ("is_unsubscribed", |v| v.is_boolean(), "a boolean"),
                ],
            ),
            Item::Phone => (
                "phone",
                &[
                    ("phone", |v| v.as_str().is_some_and(is_e164), "an E.164 number"),
                    ("type", |v| v.is_string(), "a string"),
                ],
            ),
        };
        if !map.contains_key(key) {
            self.push(
                Severity::Ambiguous,
                "convention",
                format!("{key} item without `{key}`"),
                &Value::Object(map.clone()),
            );
        }
        for (name, ok, what) in rules {
            if let Some(value) = map.get(*name).filter(|v| !ok(v)) {
                self.at(LocItem::Key((*name).into()), |w| {
                    w.push(
                        Severity::Ambiguous,
                        "convention",
                        format!("by convention `{name}` is {what}"),
                        value,
                    )
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogates_are_patched_in_place_and_pairs_kept() {
        let body = br#"{"a":"\ud83d\ude00","b":"\ud800x","c":"\\ud800"}"#;
        let (patched, first) = replace_lone_surrogates(body);
        let patched = String::from_utf8(patched.unwrap()).unwrap();
        assert_eq!(patched, r#"{"a":"\ud83d\ude00","b":"\uFFFFx","c":"\\ud800"}"#);
        assert_eq!(first, Some(25));
    }

    #[test]
    fn line_column_is_one_based() {
        assert_eq!(line_column(b"ab\ncd", 4), (2, 2));
        assert_eq!(line_column(b"ab", 0), (1, 1));
    }

    #[test]
    fn calendar_dates() {
        assert!(is_calendar_date("2024-02-29"));
        assert!(!is_calendar_date("2025-02-29"));
        assert!(!is_calendar_date("2025-2-03"));
        assert!(!is_calendar_date("2025-02-30"));
        assert!(!is_calendar_date("20250203"));
        assert!(!is_calendar_date("0000-01-01"));
        assert!(is_calendar_date("0001-01-01"));
        assert!(is_calendar_date("2000-02-29"));
        assert!(!is_calendar_date("1900-02-29"));
    }
}
