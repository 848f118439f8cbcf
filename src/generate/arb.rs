//! Structural proptest strategies for every model type: any value the types
//! can hold, every optional field absent, null or set, with shrinking. For
//! realistic bodies use `super::arb_body`.

use super::{GenConfig, Generator, Payload, Profile};
use crate::model::{
    CloseContact, CloseData, CloseEmail, CloseLead, CloseOpportunity, ClosePhone, CloseTask, Nullable,
};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// A field absent, `null`, or set from `inner` (most often set).
pub fn arb_nullable<S>(inner: S) -> impl Strategy<Value = Nullable<S::Value>>
where
    S: Strategy,
    S::Value: Clone,
{
    prop_oneof![
        1 => Just(None),
        1 => Just(Some(None)),
        3 => inner.prop_map(|v| Some(Some(v))),
    ]
}

/// A list of `inner` values, absent, `null` or of 0 to `max` items.
pub fn arb_list<S>(inner: S, max: usize) -> impl Strategy<Value = Nullable<Vec<S::Value>>>
where
    S: Strategy,
    S::Value: Clone,
{
    arb_nullable(vec(inner, 0..=max))
}

/// Unknown keys of an email or phone object, with scalar values. The keys
/// start with `x_` so that they never shadow a conventional key.
pub fn arb_extra() -> impl Strategy<Value = Map<String, Value>> {
    let scalar = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    btree_map("x_[a-z]{1,6}", scalar, 0..3).prop_map(|m| m.into_iter().collect())
}

/// Any email object.
pub fn arb_email() -> impl Strategy<Value = CloseEmail> {
    (arb_nullable(any::<String>()), arb_nullable(any::<String>()), arb_nullable(any::<bool>()), arb_extra())
        .prop_map(|(email, kind, is_unsubscribed, extra)| CloseEmail { email, kind, is_unsubscribed, extra })
}

/// Any phone object.
pub fn arb_phone() -> impl Strategy<Value = ClosePhone> {
    (arb_nullable(any::<String>()), arb_nullable(any::<String>()), arb_extra())
        .prop_map(|(phone, kind, extra)| ClosePhone { phone, kind, extra })
}

/// Any contact.
pub fn arb_contact() -> impl Strategy<Value = CloseContact> {
    (arb_nullable(any::<String>()), arb_list(arb_email(), 3), arb_list(arb_phone(), 2))
        .prop_map(|(name, emails, phones)| CloseContact { name, emails, phones })
}

/// Any opportunity, including values outside Close's meaning.
pub fn arb_opportunity() -> impl Strategy<Value = CloseOpportunity> {
    (any::<String>(), arb_nullable(any::<i64>()), arb_nullable(any::<i64>()), arb_nullable(any::<String>()))
        .prop_map(|(note, value, confidence, period)| CloseOpportunity { note, value, confidence, period })
}

/// Any task, including impossible dates.
pub fn arb_task() -> impl Strategy<Value = CloseTask> {
    (
        any::<String>(),
        arb_nullable(any::<String>()),
        arb_nullable(any::<bool>()),
        arb_nullable(any::<String>()),
    )
        .prop_map(|(description, date, completed, assignee_id)| CloseTask {
            description,
            date,
            completed,
            assignee_id,
        })
}

/// Any lead.
pub fn arb_lead() -> impl Strategy<Value = CloseLead> {
    (
        any::<String>(),
        arb_nullable(any::<String>()),
        arb_list(arb_contact(), 3),
        arb_list(arb_opportunity(), 3),
        arb_list(arb_task(), 3),
    )
        .prop_map(|(name, status, contacts, opportunities, tasks)| CloseLead {
            name,
            status,
            contacts,
            opportunities,
            tasks,
        })
}

/// Any request body.
///
/// ```
/// use proptest::prelude::*;
/// use leadfuzz::generate::arb::arb_close_data;
///
/// proptest!(|(data in arb_close_data())| {
///     let json = serde_json::to_string(&data).unwrap();
///     prop_assert_eq!(serde_json::from_str::<leadfuzz::model::CloseData>(&json).unwrap(), data);
/// });
/// ```
pub fn arb_close_data() -> impl Strategy<Value = CloseData> {
    arb_list(arb_lead(), 4).prop_map(|leads| CloseData { leads })
}

/// Generated bodies for `config` (its `seed` is replaced by proptest's): the
/// realistic, edge or mixed bodies of `leadfuzz gen`, with their mutation
/// label for the invalid and ambiguous classes. Values are built from a seed,
/// so they do not shrink; use [`arb_close_data`] where shrinking matters.
///
/// ```
/// use proptest::prelude::*;
/// use leadfuzz::classify::{classify_bytes, Class};
/// use leadfuzz::generate::{arb::arb_payload, GenConfig, Profile};
///
/// let config = GenConfig { count: 5, profile: Profile::Edge, class: Class::Invalid, ..GenConfig::default() };
/// proptest!(|(payload in arb_payload(config.clone()))| {
///     prop_assert_eq!(classify_bytes(&payload.body, false).class, Class::Invalid);
/// });
/// ```
pub fn arb_payload(config: GenConfig) -> impl Strategy<Value = Payload> {
    any::<u64>().prop_map(move |seed| Generator::new(GenConfig { seed, ..config.clone() }).payload())
}

/// Valid generated bodies of `count` leads in `profile`, as model values.
pub fn arb_fixture(profile: Profile, count: usize) -> impl Strategy<Value = CloseData> {
    let config = GenConfig { count, profile, ..GenConfig::default() };
    arb_payload(config).prop_map(|p| serde_json::from_slice(&p.body).expect("valid bodies fit the model"))
}
