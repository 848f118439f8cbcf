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
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CloseData {
    /// The leads to create.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub leads: Option<Option<Vec<CloseLead>>>,
}

/// A lead: a company with its contacts, opportunities and tasks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CloseLead {
    /// Company / lead name (required).
    pub name: String,
    /// Lead status label, e.g. `Potential`.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub status: Option<Option<String>>,
    /// The lead's contacts.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Option<Vec<CloseContact>>>,
    /// The lead's opportunities.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub opportunities: Option<Option<Vec<CloseOpportunity>>>,
    /// The lead's tasks.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub tasks: Option<Option<Vec<CloseTask>>>,
}

/// A person at a lead.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CloseContact {
    /// Full name.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub name: Option<Option<String>>,
    /// Email addresses: free objects, by convention [`CloseEmail`].
    #[cfg_attr(feature = "server", schema(value_type = Option<Vec<Object>>))]
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub emails: Option<Option<Vec<CloseEmail>>>,
    /// Phone numbers: free objects, by convention [`ClosePhone`].
    #[cfg_attr(feature = "server", schema(value_type = Option<Vec<Object>>))]
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub phones: Option<Option<Vec<ClosePhone>>>,
}

/// An email item. The schema says only "an object"; these are the
/// conventional keys, and any other key is kept in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CloseEmail {
    /// The address.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub email: Option<Option<String>>,
    /// A free label: `office`, `home`, `direct`, ...
    #[serde(rename = "type", default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub kind: Option<Option<String>>,
    /// Whether the address opted out.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub is_unsubscribed: Option<Option<bool>>,
    /// Keys beyond the conventional ones, kept as sent.
    #[serde(flatten)]
    #[cfg_attr(feature = "arbitrary", arbitrary(default))]
    pub extra: Map<String, Value>,
}

/// A phone item: by convention an E.164 number and a label.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ClosePhone {
    /// The number, E.164 by convention (`+14155550123`).
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub phone: Option<Option<String>>,
    /// A free label: `office`, `mobile`, ...
    #[serde(rename = "type", default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub kind: Option<Option<String>>,
    /// Keys beyond the conventional ones, kept as sent.
    #[serde(flatten)]
    #[cfg_attr(feature = "arbitrary", arbitrary(default))]
    pub extra: Map<String, Value>,
}

/// A sales opportunity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CloseOpportunity {
    /// Description (required).
    pub note: String,
    /// Value in cents.
    #[cfg_attr(feature = "server", schema(minimum = 0))]
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub value: Option<Option<i64>>,
    /// Percentage, meant to be 0..=100.
    #[cfg_attr(feature = "server", schema(minimum = 0, maximum = 100))]
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Option<i64>>,
    /// Meant to be `one_time`, `monthly` or `annual`.
    #[cfg_attr(feature = "server", schema(pattern = "^(one_time|monthly|annual)$"))]
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub period: Option<Option<String>>,
}

/// A task.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CloseTask {
    /// What to do (required).
    pub description: String,
    /// Due date, `YYYY-MM-DD` by convention.
    // The pattern matches exactly the real dates 0001-01-01..=9999-12-31, leap
    // days included, so that the document says what `--strict` takes.
    #[cfg_attr(
        feature = "server",
        schema(
            format = Date,
            pattern = r"^(?:(?:000[1-9]|00[1-9]\d|0[1-9]\d{2}|[1-9]\d{3})-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))|(?:\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)-02-29)$"
        )
    )]
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub date: Option<Option<String>>,
    /// Whether it is done.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub completed: Option<Option<bool>>,
    /// The user it is assigned to.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<Option<String>>,
}

/// The opportunity periods that Close knows.
pub const PERIODS: [&str; 3] = ["one_time", "monthly", "annual"];

/// Close's default lead statuses.
pub const LEAD_STATUSES: [&str; 3] = ["Potential", "Qualified", "Bad Fit"];

/// How many records of each type an initialize creates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
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

/// `leads 1, contacts 0, opportunities 0, tasks 0`, for messages.
impl std::fmt::Display for RecordsCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let RecordsCreated { leads, contacts, opportunities, tasks } = self;
        write!(f, "leads {leads}, contacts {contacts}, opportunities {opportunities}, tasks {tasks}")
    }
}

impl RecordsCreated {
    /// All records together, as the response message names them.
    pub fn total(&self) -> u64 {
        self.leads + self.contacts + self.opportunities + self.tasks
    }
}

/// The number of items in an absent, null or present list.
fn len<T>(list: &Nullable<Vec<T>>) -> u64 {
    list.as_ref().and_then(Option::as_ref).map_or(0, |v| v.len() as u64)
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
    let leads = data.leads.as_ref().and_then(Option::as_ref).map_or(&[][..], Vec::as_slice);
    leads.iter().fold(RecordsCreated { leads: leads.len() as u64, ..RecordsCreated::default() }, |n, lead| {
        RecordsCreated {
            contacts: n.contacts + len(&lead.contacts),
            opportunities: n.opportunities + len(&lead.opportunities),
            tasks: n.tasks + len(&lead.tasks),
            ..n
        }
    })
}

/// A sandbox's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AcquireRequest {
    /// The test account to bind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_account_email: Option<String>,
    /// A free tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Lease length, 60..=86400.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "server", schema(minimum = 60, maximum = 86400))]
    pub ttl_seconds: Option<i64>,
}

/// The answer to acquire (`201`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// What went wrong.
    pub detail: String,
}

/// FastAPI's `422` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ValidationErrorBody {
    /// Every error, in field order.
    pub detail: Vec<ValidationErrorItem>,
}

/// One pydantic error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum LocItem {
    /// An array index.
    Index(usize),
    /// An object key.
    Key(String),
}
