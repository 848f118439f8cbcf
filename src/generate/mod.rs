//! Body generation: realistic leads from the `fake` crate's tables, the spec's
//! edge-case catalog mixed in, and labelled mutations for invalid and ambiguous
//! bodies. One seeded RNG drives everything, so a seed, a base date and the
//! flags give the same bytes on every run; leads are written as they are made.
//!
//! ```
//! use leadfuzz::generate::{GenConfig, Generator};
//!
//! let config = GenConfig { count: 3, seed: 7, ..GenConfig::default() };
//! let mut out = Vec::new();
//! Generator::new(config).write_body(&mut out, None).unwrap();
//! let verdict = leadfuzz::classify::classify_bytes(&out, true);
//! assert_eq!(verdict.class, leadfuzz::classify::Class::Valid);
//! assert_eq!(verdict.records_created.unwrap().leads, 3);
//! ```

pub mod arb;
pub mod edge;
pub mod mutate;
pub mod realism;

use crate::Result;
use crate::classify::Class;
use crate::model::CloseLead;
use chrono::NaiveDate;
use edge::{Coverage, Edge};
use mutate::{Mutation, MutationKind, Raw};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use serde::Serialize;
use std::io::Write;

/// How much of the edge-case catalog goes into the leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Realistic leads only.
    Realistic,
    /// Several catalog entries in every lead.
    Edge,
    /// Realistic, with every catalog entry in the first leads (all of them
    /// once there are at least 50 leads).
    #[default]
    Mixed,
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenConfig {
    /// Leads per body.
    pub count: usize,
    /// The RNG seed.
    pub seed: u64,
    /// How many edge cases.
    pub profile: Profile,
    /// The class of the bodies; Invalid and Ambiguous get one mutation each.
    pub class: Class,
    /// Whether Close-meaning breaks count as invalid (for `class`).
    pub strict: bool,
    /// The day task dates are planned around.
    pub base_date: NaiveDate,
    /// Indented output instead of one line per body.
    pub pretty: bool,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            count: 10,
            seed: 0,
            profile: Profile::Mixed,
            class: Class::Valid,
            strict: false,
            base_date: NaiveDate::from_ymd_opt(2026, 1, 5).expect("a real date"),
            pretty: false,
        }
    }
}

/// One generated body, in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Payload {
    /// The bytes to send.
    pub body: Vec<u8>,
    /// The mutation that made it invalid or ambiguous, if any.
    pub mutation: Option<Mutation>,
}

/// Makes bodies from one seeded RNG. Each call continues the same stream, so
/// a sequence of bodies is as deterministic as one.
pub struct Generator {
    rng: Xoshiro256PlusPlus,
    config: GenConfig,
    team: Vec<String>,
    /// An address from the last lead, for duplicates across leads.
    earlier_email: Option<String>,
}

/// The text around and between the leads of one body.
struct Framing {
    open: String,
    separator: &'static str,
    close: String,
    /// Leads written as `"0": {...}` members of an object.
    keyed: bool,
}

impl Generator {
    /// A generator for `config`.
    pub fn new(config: GenConfig) -> Self {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(config.seed);
        let team = realism::sales_team(&mut rng);
        Generator { rng, config, team, earlier_email: None }
    }

    /// The configuration.
    pub fn config(&self) -> &GenConfig {
        &self.config
    }

    /// Makes lead number `index` of a body, with its catalog entries.
    fn lead(&mut self, index: usize, plan: &[Vec<Edge>]) -> CloseLead {
        let Generator { rng, config, team, earlier_email } = self;
        let (mut lead, company) = realism::lead(rng, team, config.base_date);
        let entries = match config.profile {
            Profile::Realistic => Vec::new(),
            Profile::Mixed => plan.get(index).cloned().unwrap_or_default(),
            Profile::Edge => edge::random_entries(rng, 4),
        };
        if !entries.is_empty() {
            let cx = edge::Context {
                company: &company,
                team,
                base_date: config.base_date,
                earlier_email: earlier_email.as_deref(),
            };
            for entry in entries {
                edge::apply(rng, entry, &mut lead, &cx);
            }
        }
        let first_address = lead
            .contacts
            .iter()
            .flatten()
            .flatten()
            .find_map(|c| c.emails.iter().flatten().flatten().find_map(|e| e.email.clone().flatten()));
        if first_address.is_some() {
            *earlier_email = first_address;
        }
        lead
    }

    /// A lead with at least one of every record, for mutations to copy from.
    fn donor(&mut self) -> CloseLead {
        let (mut lead, company) = realism::lead(&mut self.rng, &self.team, self.config.base_date);
        let contact = realism::contact(&mut self.rng, &company);
        let mut contact_with_phone = contact;
        contact_with_phone.phones = Some(Some(vec![crate::model::ClosePhone {
            phone: Some(Some(realism::phone_number(&mut self.rng))),
            kind: Some(Some("office".into())),
            extra: Default::default(),
        }]));
        lead.contacts = Some(Some(vec![contact_with_phone]));
        lead.opportunities = Some(Some(vec![realism::opportunity(&mut self.rng, &company)]));
        lead.tasks =
            Some(Some(vec![realism::task(&mut self.rng, &company, &[], &self.team, self.config.base_date)]));
        lead
    }

    fn framing(&mut self, mutation: Option<MutationKind>) -> Framing {
        let pretty = self.config.pretty;
        let (open, separator, close) = if pretty {
            ("{\n  \"leads\": [\n    ", ",\n    ", "\n  ]\n}")
        } else {
            ("{\"leads\":[", ",", "]}")
        };
        let mut framing = Framing { open: open.into(), separator, close: close.into(), keyed: false };
        if self.config.count == 0 && mutation.is_none() && self.config.profile != Profile::Realistic {
            // The body-level catalog entries: `leads` absent, null or empty.
            framing.open =
                realism::pick(&mut self.rng, &["{", "{\"leads\":null", "{\"leads\":["]).to_string();
            framing.close = if framing.open.ends_with('[') { "]}" } else { "}" }.into();
        }
        match mutation {
            Some(MutationKind::BodyNotObject) => {
                framing.open = "[".into();
                framing.close = "]".into();
            }
            Some(MutationKind::LeadsNotList) => {
                framing.open = framing.open.replace('[', "{");
                framing.close = framing.close.replace(']', "}");
                framing.keyed = true;
            }
            Some(MutationKind::Comment) => framing.open.insert_str(0, "/* leadfuzz */ "),
            Some(MutationKind::TrailingComma) => framing.close = framing.close.replace(']', "],"),
            Some(MutationKind::Truncated) => {
                framing.close.pop();
            }
            Some(MutationKind::BodyExtraKey) => {
                framing.close = framing.close.replace(']', "],\"x_leadfuzz\":true");
            }
            _ => {}
        }
        framing
    }

    /// Writes one body (and a newline) to `out`, recording what it exercises
    /// in `coverage`. Returns the mutation, for Invalid and Ambiguous classes.
    pub fn write_body(
        &mut self,
        out: &mut impl Write,
        mut coverage: Option<&mut Coverage>,
    ) -> Result<Option<Mutation>> {
        let count = self.config.count;
        let kind = mutate::choose(&mut self.rng, self.config.class, self.config.strict, count);
        let target = kind.filter(|k| !k.is_body_level()).map(|_| self.rng.random_range(0..count));
        let plan = match self.config.profile {
            Profile::Mixed => edge::plan(count),
            _ => Vec::new(),
        };
        let framing = self.framing(kind);
        let mut path = "body".to_string();
        out.write_all(framing.open.as_bytes())?;
        if let Some(c) = coverage.as_deref_mut()
            && count == 0
        {
            let leads: crate::model::Nullable<Vec<()>> = match framing.open.as_str() {
                "{" => None,
                "{\"leads\":null" => Some(None),
                _ => Some(Some(Vec::new())),
            };
            c.leads(&leads);
        }
        let mut buf = Vec::new();
        for index in 0..count {
            if index > 0 {
                out.write_all(framing.separator.as_bytes())?;
            }
            if framing.keyed {
                write!(out, "\"{index}\":")?;
            }
            let lead = self.lead(index, &plan);
            if let Some(c) = coverage.as_deref_mut() {
                c.lead(index, &lead);
            }
            buf.clear();
            let mut raw = None;
            match (kind, target) {
                (Some(kind), Some(t)) if t == index => {
                    let donor = self.donor();
                    let mut value = serde_json::to_value(&lead)?;
                    let (inner, r) = mutate::apply(&mut self.rng, kind, &mut value, &donor);
                    path = format!("leads[{index}].{inner}");
                    raw = r;
                    self.serialize(&mut buf, &value)?;
                }
                _ => self.serialize(&mut buf, &lead)?,
            }
            if let Some(Raw { find, replace }) = raw {
                buf = replace_bytes(&buf, find.as_bytes(), replace.as_bytes());
            }
            out.write_all(&buf)?;
        }
        out.write_all(framing.close.as_bytes())?;
        out.write_all(b"\n")?;
        Ok(kind.map(|kind| Mutation { kind, class: kind.class(self.config.strict), path }))
    }

    /// One body in memory.
    pub fn payload(&mut self) -> Payload {
        let mut body = Vec::new();
        let mutation = self.write_body(&mut body, None).expect("writing to memory does not fail");
        body.pop(); // the newline
        Payload { body, mutation }
    }

    /// Serializes one lead, indented to its place in a pretty body.
    fn serialize(&self, buf: &mut Vec<u8>, value: &impl Serialize) -> Result<()> {
        if !self.config.pretty {
            return Ok(serde_json::to_writer(buf, value)?);
        }
        let text = serde_json::to_string_pretty(value)?;
        buf.extend_from_slice(text.replace('\n', "\n    ").as_bytes());
        Ok(())
    }
}

/// `haystack` with every `find` replaced by `replace`.
fn replace_bytes(haystack: &[u8], find: &[u8], replace: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = rest.windows(find.len()).position(|w| w == find) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(replace);
        rest = &rest[at + find.len()..];
    }
    out.extend_from_slice(rest);
    out
}
