//! The case stream of a conformance run: case `i` of seed `s` is always the
//! same body, whatever the shard, the jobs or the target, so that a run can
//! be split (`--shard`) and any case replayed.

use crate::classify::Class;
use crate::generate::mutate::Mutation;
use crate::generate::realism::weighted;
use crate::generate::{GenConfig, Generator, Profile};
use chrono::NaiveDate;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, RngExt, SeedableRng};

/// One request body to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Its number in the stream.
    pub index: usize,
    /// The body; `None` sends no body at all.
    pub body: Option<Vec<u8>>,
    /// The mutation that made it invalid or ambiguous, if any.
    pub mutation: Option<Mutation>,
}

/// Case `index` of the stream for `seed`. The first five are fixed openers:
/// the catalog's lead-level entries in one body of 64 leads, then no body at
/// all, then `leads` absent, null and empty; so the whole catalog is covered
/// within the first cases of every run.
pub fn case(seed: u64, index: usize, base_date: NaiveDate, strict: bool) -> Case {
    let literal = |text: &str| Case { index, body: Some(text.as_bytes().to_vec()), mutation: None };
    match index {
        1 => {
            return Case { index, body: None, mutation: None };
        }
        2 => return literal("{}"),
        3 => return literal(r#"{"leads":null}"#),
        4 => return literal(r#"{"leads":[]}"#),
        _ => {}
    }
    // One RNG per case, from the run's seed and the case number.
    let mut rng =
        Xoshiro256PlusPlus::seed_from_u64(seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let (class, profile, count) = if index == 0 {
        (Class::Valid, Profile::Mixed, 64)
    } else {
        let class = weighted(&mut rng, &[(14, Class::Valid), (3, Class::Invalid), (3, Class::Ambiguous)]);
        let profile = weighted(&mut rng, &[(4, Profile::Realistic), (3, Profile::Mixed), (3, Profile::Edge)]);
        (class, profile, count(&mut rng))
    };
    let config = GenConfig { count, seed: rng.next_u64(), profile, class, strict, base_date, pretty: false };
    let payload = Generator::new(config).payload();
    Case { index, body: Some(payload.body), mutation: payload.mutation }
}

/// Body sizes: mostly small, some medium, a few large (up to 300 leads).
fn count(rng: &mut impl Rng) -> usize {
    match rng.random_range(0..100) {
        0..10 => 0,
        10..70 => rng.random_range(1..=5),
        70..95 => rng.random_range(6..=20),
        _ => rng.random_range(50..=300),
    }
}

/// The case numbers of shard `index` (1-based) of `count` shards, among the
/// first `cases`: every `count`-th case, so that the shards' union is the
/// whole run and each shard gets the openers' share.
pub fn shard(cases: usize, index: usize, count: usize) -> impl Iterator<Item = usize> {
    (0..cases).filter(move |i| i % count == index - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::edge::{Edge, exercised};
    use crate::model::CloseData;

    const OPENERS: usize = 5;

    #[test]
    fn the_first_cases_cover_the_whole_catalog() {
        let base = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        for seed in [0, 1, 99] {
            let mut hits = std::collections::BTreeSet::new();
            for i in 0..OPENERS {
                let body = case(seed, i, base, false).body.unwrap_or_default();
                if let Ok(data) = serde_json::from_slice::<CloseData>(&body) {
                    hits.extend(exercised(&data));
                }
            }
            let missing: Vec<&Edge> = Edge::ALL.iter().filter(|e| !hits.contains(e)).collect();
            assert!(missing.is_empty(), "seed {seed}: {missing:?}");
        }
    }

    #[test]
    fn shards_partition_the_run() {
        let mut all: Vec<usize> = (1..=3).flat_map(|i| shard(100, i, 3)).collect();
        all.sort_unstable();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn a_case_is_a_function_of_seed_and_index() {
        let base = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        assert_eq!(case(7, 40, base, false), case(7, 40, base, false));
        assert_ne!(case(7, 40, base, false).body, case(8, 40, base, false).body);
    }
}
