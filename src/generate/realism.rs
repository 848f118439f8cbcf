//! Realistic values, made from the `fake` crate's English tables: a company and
//! its domain, people with addresses at that domain, notes and tasks that name
//! them, in the style of the official example. Every function takes the one
//! seeded RNG.

use crate::model::{
    CloseContact, CloseEmail, CloseLead, CloseOpportunity, ClosePhone, CloseTask, LEAD_STATUSES,
};
use chrono::{Duration, NaiveDate};
use fake::locales::{Data, EN};
use rand::{Rng, RngExt};
use serde_json::Map;

/// Picks one item of a non-empty slice.
pub fn pick<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// Picks by weight: `(weight, item)` pairs, weights summing to anything > 0.
pub fn weighted<T: Copy>(rng: &mut impl Rng, items: &[(u32, T)]) -> T {
    let total: u32 = items.iter().map(|(w, _)| w).sum();
    let mut roll = rng.random_range(0..total);
    for &(weight, item) in items {
        if roll < weight {
            return item;
        }
        roll -= weight;
    }
    unreachable!("roll < total")
}

/// Lowercase ASCII letters and digits of `s`, for domains and mailbox names.
fn slug(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

const INDUSTRY_WORDS: &[&str] = &[
    "Technologies",
    "Analytics",
    "Logistics",
    "Health",
    "Systems",
    "Labs",
    "Robotics",
    "Capital",
    "Energy",
    "Software",
    "Networks",
    "Foods",
    "Dynamics",
    "Media",
    "Security",
    "Cloud",
];

const PRODUCTS: &[&str] = &[
    "SaaS subscription",
    "analytics platform",
    "CRM seats",
    "security suite",
    "data warehouse",
    "support plan",
    "API usage tier",
    "fleet tracking",
    "compliance module",
    "integration package",
];

/// Close user ids look like `user_` and 43 base62 characters.
pub fn user_id(rng: &mut impl Rng) -> String {
    const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut id = String::with_capacity(48);
    id.push_str("user_");
    id.extend((0..43).map(|_| *pick(rng, BASE62) as char));
    id
}

/// One sales team per body: the users that tasks are assigned to.
pub fn sales_team(rng: &mut impl Rng) -> Vec<String> {
    (0..5).map(|_| user_id(rng)).collect()
}

/// An E.164 number in the North American plan: `+1`, area, exchange, line.
pub fn phone_number(rng: &mut impl Rng) -> String {
    format!(
        "+1{}{:02}{}{:02}{:04}",
        rng.random_range(2..=9),
        rng.random_range(0..100),
        rng.random_range(2..=9),
        rng.random_range(0..100),
        rng.random_range(0..10_000)
    )
}

/// A company: its display name, the short name people use, and its domain.
pub struct Company {
    /// `Kuhlman Analytics LLC`.
    pub name: String,
    /// `Kuhlman`.
    pub short: String,
    /// `kuhlmananalytics.io`.
    pub domain: String,
}

/// A fake company with a matching domain.
pub fn company(rng: &mut impl Rng) -> Company {
    let short = pick(rng, EN::NAME_LAST_NAME).to_string();
    let word = *pick(rng, INDUSTRY_WORDS);
    let suffix = *pick(rng, EN::COMPANY_SUFFIX);
    let (name, domain_stem) = match rng.random_range(0..3) {
        0 => (format!("{short} {word} {suffix}"), format!("{}{}", slug(&short), slug(word))),
        1 => {
            let partner = *pick(rng, EN::NAME_LAST_NAME);
            (format!("{short} & {partner} {word}"), format!("{}-{}", slug(&short), slug(partner)))
        }
        _ => (format!("{short} {word}"), slug(&short)),
    };
    let domain = format!("{domain_stem}.{}", pick(rng, EN::INTERNET_DOMAIN_SUFFIX));
    Company { name, short, domain }
}

/// A person at `company`: office address from their name, sometimes a second
/// personal one, sometimes phones.
pub fn contact(rng: &mut impl Rng, company: &Company) -> CloseContact {
    let first = *pick(rng, EN::NAME_FIRST_NAME);
    let last = *pick(rng, EN::NAME_LAST_NAME);
    let (f, l) = (slug(first), slug(last));
    let mailbox = match rng.random_range(0..4) {
        0 => format!("{f}.{l}"),
        1 => format!("{}{l}", &f[..1.min(f.len())]),
        2 => f.clone(),
        _ => format!("{f}_{l}"),
    };
    let kind = weighted(rng, &[(4, "office"), (1, "direct")]);
    let mut emails = vec![email(rng, format!("{mailbox}@{}", company.domain), kind)];
    if rng.random_bool(0.2) {
        let provider = pick(rng, EN::INTERNET_FREE_EMAIL_PROVIDER);
        let n = rng.random_range(1..100);
        emails.push(email(rng, format!("{f}.{l}{n}@{provider}"), "home"));
    }
    let phones = rng.random_bool(0.5).then(|| {
        (0..rng.random_range(1..=2))
            .map(|i| ClosePhone {
                phone: Some(Some(phone_number(rng))),
                kind: Some(Some(if i == 0 { "office" } else { "mobile" }.into())),
                extra: Map::new(),
            })
            .collect()
    });
    CloseContact {
        name: Some(Some(format!("{first} {last}"))),
        emails: Some(Some(emails)),
        phones: phones.map(Some),
    }
}

/// An email object, subscribed 19 times in 20.
pub fn email(rng: &mut impl Rng, address: String, kind: &str) -> CloseEmail {
    CloseEmail {
        email: Some(Some(address)),
        kind: Some(Some(kind.into())),
        is_unsubscribed: Some(Some(rng.random_bool(0.05))),
        extra: Map::new(),
    }
}

/// An opportunity whose note names the company and whose period fits it.
pub fn opportunity(rng: &mut impl Rng, company: &Company) -> CloseOpportunity {
    let product = *pick(rng, PRODUCTS);
    let (note, period) = match rng.random_range(0..6) {
        0 => (format!("Annual {product} renewal - {}", company.name), "annual"),
        1 => (format!("Annual {product} - {}", company.short), "annual"),
        2 => (format!("Monthly {product} - {}", company.name), "monthly"),
        3 => (format!("{} {product} expansion", company.short), "monthly"),
        4 => (format!("{product} implementation project - {}", company.name), "one_time"),
        _ => (format!("Professional services engagement - {} {product}", company.short), "one_time"),
    };
    const DOLLARS: &[i64] = &[
        500, 1_200, 2_500, 4_800, 6_000, 9_600, 12_000, 15_000, 24_000, 36_000, 48_000, 60_000, 75_000,
        96_000, 120_000, 180_000, 250_000,
    ];
    CloseOpportunity {
        note,
        value: Some(Some(pick(rng, DOLLARS) * 100)),
        confidence: Some(Some(5 * rng.random_range(2..=19))),
        period: Some(weighted(rng, &[(9, Some(period)), (1, None)]).map(String::from)),
    }
}

/// A task around `base`, naming one of `people` when there are any.
pub fn task(
    rng: &mut impl Rng,
    company: &Company,
    people: &[String],
    team: &[String],
    base: NaiveDate,
) -> CloseTask {
    let description = match people.is_empty() {
        false => {
            let person = pick(rng, people);
            match rng.random_range(0..5) {
                0 => format!("Send proposal document to {person} at {}", company.short),
                1 => format!("Connect with decision maker {person} regarding budget approval"),
                2 => format!("Schedule product demo with {person}"),
                3 => format!("Follow up with {person} on contract terms"),
                _ => format!("Call {person} to discuss the {} renewal", company.short),
            }
        }
        true => match rng.random_range(0..3) {
            0 => format!("Submit quarterly business review deck to {}", company.name),
            1 => format!("Prepare pricing options for {}", company.short),
            _ => format!("Research decision makers at {}", company.name),
        },
    };
    let offset = rng.random_range(-7..=45);
    let date = base + Duration::days(offset);
    CloseTask {
        description,
        date: Some(Some(date.format("%Y-%m-%d").to_string())),
        completed: Some(Some(offset < 0 && rng.random_bool(0.6))),
        assignee_id: rng.random_bool(0.5).then(|| Some(pick(rng, team).clone())),
    }
}

/// A realistic lead (1 to 4 contacts, up to 3 opportunities, up to 4 tasks)
/// and its company, for making more of its parts.
pub fn lead(rng: &mut impl Rng, team: &[String], base: NaiveDate) -> (CloseLead, Company) {
    let company = company(rng);
    let contacts: Vec<CloseContact> = (0..rng.random_range(1..=4)).map(|_| contact(rng, &company)).collect();
    let people: Vec<String> = contacts.iter().filter_map(|c| c.name.clone().flatten()).collect();
    let opportunities = (0..rng.random_range(0..=3)).map(|_| opportunity(rng, &company)).collect();
    let tasks = (0..rng.random_range(0..=4)).map(|_| task(rng, &company, &people, team, base)).collect();
    let status = weighted(rng, &[(10, Some(0)), (6, Some(1)), (2, Some(2)), (1, None)]);
    let lead = CloseLead {
        name: company.name.clone(),
        status: Some(status.map(|i| LEAD_STATUSES[i].to_string())),
        contacts: Some(Some(contacts)),
        opportunities: Some(Some(opportunities)),
        tasks: Some(Some(tasks)),
    };
    (lead, company)
}
