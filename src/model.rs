//! The Close sandbox contract as Rust types: the initialize request
//! (`CloseData` and its parts), every response of the sandbox API, FastAPI's
//! validation error body, and [`counts`], the records a body must create.
//!
//! Every optional field is an `Option<Option<T>>`: `None` is an absent key,
//! `Some(None)` an explicit `null`, so a body survives parse → serialize with
//! its nulls and absences exactly as sent. Email and phone objects keep their
//! unknown keys in `extra` for the same reason.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Deserializes a present key into `Some(..)`, so that `null` becomes
/// `Some(None)` while `#[serde(default)]` leaves an absent key at `None`.
fn present<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A field that may be absent (`None`), `null` (`Some(None)`) or set.
pub type Nullable<T> = Option<Option<T>>;

/// The initialize request body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct CloseData {
    /// The leads to create.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub leads: Nullable<Vec<CloseLead>>,
}

/// A lead: a company with its contacts, opportunities and tasks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct CloseLead {
    /// Company / lead name (required).
    pub name: String,
    /// Lead status label, e.g. `Potential`.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Nullable<String>,
    /// The lead's contacts.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub contacts: Nullable<Vec<CloseContact>>,
    /// The lead's opportunities.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub opportunities: Nullable<Vec<CloseOpportunity>>,
    /// The lead's tasks.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub tasks: Nullable<Vec<CloseTask>>,
}

/// A person at a lead.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct CloseContact {
    /// Full name.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Nullable<String>,
    /// Email addresses.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub emails: Nullable<Vec<CloseEmail>>,
    /// Phone numbers.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub phones: Nullable<Vec<ClosePhone>>,
}

/// An email item. The schema says only "an object"; these are the
/// conventional keys, and any other key is kept in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct CloseEmail {
    /// The address.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub email: Nullable<String>,
    /// A free label: `office`, `home`, `direct`, ...
    #[serde(
        rename = "type",
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub kind: Nullable<String>,
    /// Whether the address opted out.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_unsubscribed: Nullable<bool>,
    /// Keys beyond the conventional ones, kept as sent.
    #[serde(flatten)]
    #[cfg_attr(feature = "arbitrary", arbitrary(default))]
    pub extra: Map<String, Value>,
}

/// A phone item: by convention an E.164 number and a label.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct ClosePhone {
    /// The number, E.164 by convention (`+14155550123`).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub phone: Nullable<String>,
    /// A free label: `office`, `mobile`, ...
    #[serde(
        rename = "type",
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub kind: Nullable<String>,
    /// Keys beyond the conventional ones, kept as sent.
    #[serde(flatten)]
    #[cfg_attr(feature = "arbitrary", arbitrary(default))]
    pub extra: Map<String, Value>,
}

/// A sales opportunity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct CloseOpportunity {
    /// Description (required).
    pub note: String,
    /// Value in cents.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub value: Nullable<i64>,
    /// Percentage, meant to be 0..=100.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub confidence: Nullable<i64>,
    /// Meant to be one of [`PERIODS`].
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub period: Nullable<String>,
}

/// A task.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct CloseTask {
    /// What to do (required).
    pub description: String,
    /// Due date, `YYYY-MM-DD` by convention.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub date: Nullable<String>,
    /// Whether it is done.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub completed: Nullable<bool>,
    /// The user it is assigned to.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub assignee_id: Nullable<String>,
}

/// The opportunity periods that Close knows.
pub const PERIODS: [&str; 3] = ["one_time", "monthly", "annual"];

/// Close's default lead statuses.
pub const LEAD_STATUSES: [&str; 3] = ["Potential", "Qualified", "Bad Fit"];

/// How many records of each type an initialize creates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct RecordsCreated {
    /// Leads.
    pub leads: u64,
    /// Contacts, over all leads.
    pub contacts: u64,
    /// Opportunities, over all leads.
    pub opportunities: u64,
    /// Tasks, over all leads.
    pub tasks: u64,
}

impl RecordsCreated {
    /// All records together, as the response message names them.
    pub fn total(&self) -> u64 {
        self.leads + self.contacts + self.opportunities + self.tasks
    }
}

/// The number of items in an absent, null or present list.
fn len<T>(list: &Nullable<Vec<T>>) -> u64 {
    list.as_ref()
        .and_then(Option::as_ref)
        .map_or(0, |v| v.len() as u64)
}

/// The `records_created` that initializing with `data` must answer.
///
/// ```
/// let body = std::fs::read("tests/integration/data/official-example.json").unwrap();
/// let data: leadfuzz::model::CloseData = serde_json::from_slice(&body).unwrap();
/// let n = leadfuzz::model::counts(&data);
/// assert_eq!((n.leads, n.contacts, n.opportunities, n.tasks), (5, 8, 7, 10));
/// ```
pub fn counts(data: &CloseData) -> RecordsCreated {
    let leads = data
        .leads
        .as_ref()
        .and_then(Option::as_ref)
        .map_or(&[][..], Vec::as_slice);
    leads.iter().fold(
        RecordsCreated {
            leads: leads.len() as u64,
            ..RecordsCreated::default()
        },
        |n, lead| RecordsCreated {
            contacts: n.contacts + len(&lead.contacts),
            opportunities: n.opportunities + len(&lead.opportunities),
            tasks: n.tasks + len(&lead.tasks),
            ..n
        },
    )
}

/// A sandbox's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SandboxStatus {
    /// Free.
    Idle,
    /// Acquired or initialized.
    Occupied,
    /// Broken.
    Error,
}

/// The answer to a successful initialize.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitializeResponse {
    /// The sandbox id from the path.
    pub sandbox_id: String,
    /// `occupied` after a successful initialize.
    pub status: SandboxStatus,
    /// A human message naming the total.
    pub message: String,
    /// Records created per type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records_created: Option<RecordsCreated>,
}

/// The optional body of acquire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcquireRequest {
    /// The test account to bind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_account_email: Option<String>,
    /// A free tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Lease length, 60..=86400.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_seconds: Option<i64>,
}

/// The answer to acquire (`201`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcquireResponse {
    /// The new sandbox.
    pub sandbox_id: String,
    /// Server name → URL.
    pub server_urls: BTreeMap<String, String>,
    /// `close`.
    pub server_name: String,
    /// `occupied`.
    pub status: SandboxStatus,
    /// A human message.
    pub message: String,
}

/// The answer to get.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxInfo {
    /// The sandbox.
    pub sandbox_id: String,
    /// Its server URL.
    pub server_url: String,
    /// `close`.
    pub server_name: String,
    /// Its state.
    pub status: SandboxStatus,
    /// Last change, ISO 8601.
    pub updated_at: String,
}

/// The answer to dump.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DumpResponse {
    /// The sandbox.
    pub sandbox_id: String,
    /// `close`.
    pub server_name: String,
    /// When, ISO 8601.
    pub dumped_at: String,
    /// The data as stored.
    pub data: CloseData,
}

/// The answer to reset and release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusResponse {
    /// The sandbox.
    pub sandbox_id: String,
    /// `occupied` after reset, `idle` after release.
    pub status: SandboxStatus,
    /// A human message.
    pub message: String,
}

/// A plain error body: `{"detail": "Not authenticated"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// What went wrong.
    pub detail: String,
}

/// FastAPI's `422` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationErrorBody {
    /// Every error, in field order.
    pub detail: Vec<ValidationErrorItem>,
}

/// One pydantic error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationErrorItem {
    /// pydantic's error type: `missing`, `string_type`, `int_parsing`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Where: `["body", "leads", 0, "name"]`.
    pub loc: Vec<LocItem>,
    /// The human message.
    pub msg: String,
    /// The offending input.
    #[serde(default)]
    pub input: Value,
    /// Extra context, e.g. the JSON decoder's error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ctx: Option<Value>,
}

/// One step of a location: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LocItem {
    /// An array index.
    Index(usize),
    /// An object key.
    Key(String),
}
