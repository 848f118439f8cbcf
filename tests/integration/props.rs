//! Properties of the model over generated values.

use leadfuzz::classify::{Class, classify_bytes};
use leadfuzz::generate::arb::arb_close_data;
use leadfuzz::model::{CloseData, counts};
use proptest::prelude::*;

proptest! {
    /// Any model value serializes to JSON that parses back to an equal value.
    #[test]
    fn model_roundtrips_through_json(data in arb_close_data()) {
        let json = serde_json::to_vec(&data).unwrap();
        let back: CloseData = serde_json::from_slice(&json).unwrap();
        prop_assert_eq!(back, data);
    }

    /// A well-typed body is never Invalid (its values may leave Close's
    /// meaning), and classify counts what the model counts.
    #[test]
    fn model_values_are_never_invalid_and_counts_agree(data in arb_close_data()) {
        let json = serde_json::to_vec(&data).unwrap();
        let verdict = classify_bytes(&json, false);
        prop_assert_ne!(verdict.class, Class::Invalid, "{:?}", verdict.reasons);
        prop_assert_eq!(verdict.records_created, Some(counts(&data)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every generated fixture roundtrips and counts as classify counts.
    #[test]
    fn fixtures_roundtrip_and_count(data in leadfuzz::generate::arb::arb_fixture(leadfuzz::generate::Profile::Edge, 4)) {
        let json = serde_json::to_vec(&data).unwrap();
        prop_assert_eq!(&serde_json::from_slice::<CloseData>(&json).unwrap(), &data);
        let verdict = classify_bytes(&json, true);
        prop_assert_eq!(verdict.class, Class::Valid);
        prop_assert_eq!(verdict.records_created, Some(counts(&data)));
    }
}
