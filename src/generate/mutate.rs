//! Labelled mutations: each turns a valid body into an invalid or ambiguous
//! one in one named way, so that a report can say what was sent.
//!
//! Lead-level mutations edit one lead as a JSON value; body-level ones change
//! the framing around the leads. What JSON values cannot hold (`NaN`, lone
//! surrogates, integers beyond 64 bits) is put in as a marker string that the
//! writer replaces in the serialized text ([`Raw`]).

use super::realism::pick;
use crate::classify::Class;
use crate::model::CloseLead;
use rand::{Rng, RngExt};
use serde::Serialize;
use serde_json::{Map, Value, json};

enum_with_all! {
/// A named way to break a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)] // each name says what it does
pub enum MutationKind {
    // Invalid in any reading.
    MissingRequired,
    NullRequired,
    WrongTypeString,
    WrongTypeInt,
    WrongTypeBool,
    NotAList,
    ItemNotObject,
    BodyNotObject,
    LeadsNotList,
    TrailingComma,
    Comment,
    Truncated,
    NotANumber,
    Infinity,
    // Outside Close's meaning: ambiguous, invalid with `strict`.
    ConfidenceOutOfRange,
    NegativeValue,
    UnknownPeriod,
    ImpossibleDate,
    // Ambiguous in any reading.
    CoercedInt,
    CoercedBool,
    ExtraKey,
    LegacyName,
    LoneSurrogate,
    IntOverflow,
    BodyExtraKey,
}
}

use MutationKind::*;

impl MutationKind {
    /// The class a body with this mutation has.
    pub fn class(self, strict: bool) -> Class {
        match self {
            ConfidenceOutOfRange | NegativeValue | UnknownPeriod | ImpossibleDate if strict => Class::Invalid,
            ConfidenceOutOfRange | NegativeValue | UnknownPeriod | ImpossibleDate => Class::Ambiguous,
            CoercedInt | CoercedBool | ExtraKey | LegacyName | LoneSurrogate | IntOverflow | BodyExtraKey => {
                Class::Ambiguous
            }
            _ => Class::Invalid,
        }
    }

    /// Whether it changes the framing rather than one lead.
    pub fn is_body_level(self) -> bool {
        matches!(self, BodyNotObject | LeadsNotList | TrailingComma | Comment | Truncated | BodyExtraKey)
    }

    /// The snake_case name.
    pub fn name(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
    }
}

/// A mutation as applied: what, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mutation {
    /// Which mutation.
    pub kind: MutationKind,
    /// The class of the mutated body.
    pub class: Class,
    /// Where: `leads[3].opportunities[0].note`, or `body`.
    pub path: String,
}

/// Picks a mutation that makes a body of `leads` leads `class`; `None` for
/// Valid.
pub fn choose(rng: &mut impl Rng, class: Class, strict: bool, leads: usize) -> Option<MutationKind> {
    let fitting: Vec<MutationKind> = MutationKind::ALL
        .iter()
        .copied()
        .filter(|k| k.class(strict) == class && (leads > 0 || k.is_body_level()))
        .collect();
    (!fitting.is_empty()).then(|| *pick(rng, &fitting))
}

/// Text the writer replaces in a serialized lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raw {
    /// What to find (a marker, with its quotes when it stands for a whole value).
    pub find: String,
    /// What to put instead.
    pub replace: &'static str,
}

/// The marker for raw text.
const MARKER: &str = "\u{E000}leadfuzz-raw\u{E000}";

/// A raw token standing for a whole value.
fn raw_value(token: &'static str) -> (Value, Raw) {
    (Value::String(MARKER.into()), Raw { find: format!("\"{MARKER}\""), replace: token })
}

/// One record of a lead to mutate: its array, index and object.
struct Target<'a> {
    path: String,
    object: &'a mut Map<String, Value>,
}

/// Picks a record of `array` in `lead`, making one (a copy of the donor's)
/// if the lead has none that is an object.
fn record<'a>(
    rng: &mut impl Rng,
    lead: &'a mut Map<String, Value>,
    array: &str,
    donor: &Value,
) -> Target<'a> {
    let has_objects =
        lead.get(array).and_then(Value::as_array).is_some_and(|a| a.iter().any(Value::is_object));
    if !has_objects {
        lead.insert(array.into(), json!([donor[array][0].clone()]));
    }
    let items = lead.get_mut(array).and_then(Value::as_array_mut).expect("made above");
    let objects: Vec<usize> = (0..items.len()).filter(|&i| items[i].is_object()).collect();
    let index = *pick(rng, &objects);
    let object = items[index].as_object_mut().expect("filtered to objects");
    Target { path: format!("{array}[{index}]"), object }
}

impl<'a> Target<'a> {
    /// The whole lead as a target.
    fn lead(lead: &'a mut Map<String, Value>) -> Self {
        Target { path: String::new(), object: lead }
    }

    /// Sets `key` and says where.
    fn set(self, key: &str, value: Value) -> String {
        self.object.insert(key.into(), value);
        join(&self.path, key)
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.into() } else { format!("{path}.{key}") }
}

/// Which record of a lead a field lives in.
#[derive(Clone, Copy)]
enum Holder {
    Lead,
    Contact,
    Opportunity,
    Task,
}

fn target<'a>(
    rng: &mut impl Rng,
    holder: Holder,
    lead: &'a mut Map<String, Value>,
    donor: &Value,
) -> Target<'a> {
    match holder {
        Holder::Lead => Target::lead(lead),
        Holder::Contact => record(rng, lead, "contacts", donor),
        Holder::Opportunity => record(rng, lead, "opportunities", donor),
        Holder::Task => record(rng, lead, "tasks", donor),
    }
}

/// Applies a lead-level `kind` to `lead`. `donor` is a lead with at least one
/// contact (with an email and a phone), opportunity and task, from which
/// missing records are copied. Returns the path inside the lead, and raw text
/// to put in after serializing.
pub fn apply(
    rng: &mut impl Rng,
    kind: MutationKind,
    lead: &mut Value,
    donor: &CloseLead,
) -> (String, Option<Raw>) {
    let donor = serde_json::to_value(donor).unwrap_or_default();
    let Some(lead) = lead.as_object_mut() else {
        return ("".into(), None);
    };
    let mut raw = None;
    let path = match kind {
        MissingRequired | NullRequired => {
            let (holder, key) = *pick(
                rng,
                &[(Holder::Lead, "name"), (Holder::Opportunity, "note"), (Holder::Task, "description")],
            );
            let t = target(rng, holder, lead, &donor);
            if kind == MissingRequired {
                t.object.remove(key);
                join(&t.path, key)
            } else {
                t.set(key, Value::Null)
            }
        }
        WrongTypeString => {
            let (holder, key) = *pick(
                rng,
                &[
                    (Holder::Lead, "name"),
                    (Holder::Lead, "status"),
                    (Holder::Contact, "name"),
                    (Holder::Opportunity, "note"),
                    (Holder::Opportunity, "period"),
                    (Holder::Task, "description"),
                    (Holder::Task, "date"),
                    (Holder::Task, "assignee_id"),
                ],
            );
            let value =
                pick(rng, &[json!(5), json!(true), json!({"text": "x"}), json!(["x"]), json!(1.5)]).clone();
            target(rng, holder, lead, &donor).set(key, value)
        }
        WrongTypeInt => {
            let key = *pick(rng, &["value", "confidence"]);
            let value =
                pick(rng, &[json!("abc"), json!(480.5), json!({}), json!([1]), json!("12abc"), json!("")])
                    .clone();
            record(rng, lead, "opportunities", &donor).set(key, value)
        }
        WrongTypeBool => {
            let value =
                pick(rng, &[json!("maybe"), json!(2), json!({}), json!([true]), json!(""), json!(-1)])
                    .clone();
            record(rng, lead, "tasks", &donor).set("completed", value)
        }
        NotAList => {
            let value = pick(rng, &[json!({}), json!("x"), json!(5), json!(true)]).clone();
            match rng.random_range(0..5) {
                0 => Target::lead(lead).set("contacts", value),
                1 => Target::lead(lead).set("opportunities", value),
                2 => Target::lead(lead).set("tasks", value),
                3 => record(rng, lead, "contacts", &donor).set("emails", value),
                _ => record(rng, lead, "contacts", &donor).set("phones", value),
            }
        }
        ItemNotObject => {
            let value = pick(rng, &[json!("a@b.co"), json!(7), Value::Null, json!([])]).clone();
            let array = *pick(rng, &["contacts", "opportunities", "tasks", "emails", "phones"]);
            let (holder, array) = match array {
                "emails" | "phones" => (record(rng, lead, "contacts", &donor), array),
                _ => (Target::lead(lead), array),
            };
            // Prepend the bad item, so the path does not depend on the list.
            let list = holder.object.entry(array).or_insert_with(|| json!([]));
            if !list.is_array() {
                *list = json!([]);
            }
            list.as_array_mut().expect("made a list").insert(0, value);
            format!("{}[0]", join(&holder.path, array))
        }
        NotANumber | Infinity | IntOverflow => {
            let token = match kind {
                NotANumber => "NaN",
                Infinity => *pick(rng, &["Infinity", "-Infinity"]),
                _ => "1180591620717411303424",
            };
            let (value, r) = raw_value(token);
            raw = Some(r);
            let key = *pick(rng, &["value", "confidence"]);
            let key = if kind == IntOverflow { "value" } else { key };
            record(rng, lead, "opportunities", &donor).set(key, value)
        }
        ConfidenceOutOfRange => {
            let value = *pick(rng, &[101, 150, -1, 1000, i64::MIN]);
            record(rng, lead, "opportunities", &donor).set("confidence", json!(value))
        }
        NegativeValue => {
            let value = *pick(rng, &[-1, -4_800_000, i64::MIN]);
            record(rng, lead, "opportunities", &donor).set("value", json!(value))
        }
        UnknownPeriod => {
            let value = *pick(rng, &["weekly", "Annual", "quarterly", "", "one-time"]);
            record(rng, lead, "opportunities", &donor).set("period", json!(value))
        }
        ImpossibleDate => {
            let value = *pick(rng, &["2025-02-30", "2025-13-01", "12/03/2025", "2025-02-29", "tomorrow", ""]);
            record(rng, lead, "tasks", &donor).set("date", json!(value))
        }
        CoercedInt => {
            let t = record(rng, lead, "opportunities", &donor);
            let key = *pick(rng, &["value", "confidence"]);
            // Keep the number Close means, so that strict mode stays ambiguous.
            let max = if key == "confidence" { 100 } else { i64::MAX };
            let n = t.object.get(key).and_then(Value::as_i64).filter(|n| (0..=max).contains(n)).unwrap_or(50);
            let value = match rng.random_range(0..5) {
                0 => json!(n.to_string()),
                1 => json!(format!(" {n} ")),
                2 => json!(format!("{}_{:03}", n / 1000, n % 1000)),
                3 => json!(n as f64),
                _ => json!(true),
            };
            t.set(key, value)
        }
        CoercedBool => {
            let value =
                pick(rng, &[json!("yes"), json!("off"), json!(1), json!(0.0), json!("true"), json!("N")])
                    .clone();
            record(rng, lead, "tasks", &donor).set("completed", value)
        }
        ExtraKey => {
            let holder = *pick(rng, &[Holder::Lead, Holder::Contact, Holder::Opportunity, Holder::Task]);
            let key = *pick(rng, &["x_leadfuzz", "industry", "owner_id", "custom_fields"]);
            let value = pick(rng, &[json!("SaaS"), json!(42), json!({"tier": "gold"}), Value::Null]).clone();
            target(rng, holder, lead, &donor).set(key, value)
        }
        LegacyName => {
            let (holder, new, old) = *pick(
                rng,
                &[
                    (Holder::Lead, "status", "status_label"),
                    (Holder::Opportunity, "period", "value_period"),
                    (Holder::Task, "completed", "is_complete"),
                    (Holder::Task, "assignee_id", "assigned_to"),
                    (Holder::Task, "description", "text"),
                ],
            );
            let t = target(rng, holder, lead, &donor);
            // `description` is required: keep it and add `text` beside it.
            let value = match new {
                "description" => t.object.get(new).cloned(),
                _ => t.object.remove(new),
            };
            t.set(old, value.unwrap_or(Value::Null))
        }
        LoneSurrogate => {
            let (holder, key) = *pick(
                rng,
                &[(Holder::Lead, "name"), (Holder::Opportunity, "note"), (Holder::Task, "description")],
            );
            let t = target(rng, holder, lead, &donor);
            let text = t.object.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
            const ESCAPES: [&str; 3] = ["\\ud800", "\\udfff", "\\ud83d"];
            let escape = ESCAPES[rng.random_range(0..ESCAPES.len())];
            raw = Some(Raw { find: MARKER.into(), replace: escape });
            t.set(key, json!(format!("{text}{MARKER}")))
        }
        BodyNotObject | LeadsNotList | TrailingComma | Comment | Truncated | BodyExtraKey => String::new(),
    };
    (path, raw)
}
