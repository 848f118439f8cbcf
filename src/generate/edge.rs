//! The spec's catalog of edge cases a generator must reach: how each is put
//! into a lead ([`apply`]) and how it is recognised in any body
//! ([`Coverage`]), so that coverage is measured on the output, not assumed.

use super::realism::{self, Company};
use crate::model::{CloseContact, CloseData, CloseEmail, CloseLead, ClosePhone, Nullable};
use chrono::{Datelike, NaiveDate};
use rand::{Rng, RngExt};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};

enum_with_all! {
/// One entry of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)] // the names say it; see `../shared/spec/close-initialize.md`
pub enum Edge {
    LeadsAbsent,
    LeadsNull,
    LeadsEmpty,
    ContactsAbsent,
    ContactsNull,
    ContactsEmpty,
    ContactsLarge,
    OpportunitiesAbsent,
    OpportunitiesNull,
    OpportunitiesEmpty,
    OpportunitiesLarge,
    TasksAbsent,
    TasksNull,
    TasksEmpty,
    TasksLarge,
    EmailsAbsent,
    EmailsNull,
    EmailsEmpty,
    EmailsLarge,
    PhonesAbsent,
    PhonesNull,
    PhonesEmpty,
    PhonesLarge,
    UnsubscribedSome,
    UnsubscribedAll,
    UnsubscribedNone,
    EmailWithoutType,
    DuplicateEmailInContact,
    DuplicateEmailAcrossContacts,
    DuplicateEmailAcrossLeads,
    EmailPlusAddress,
    EmailSubdomain,
    EmailIdnDomain,
    PeriodOneTime,
    PeriodMonthly,
    PeriodAnnual,
    PeriodNull,
    PeriodAbsent,
    Confidence0,
    Confidence1,
    Confidence99,
    Confidence100,
    ConfidenceNull,
    Value0,
    Value2Pow53,
    ValueI64Max,
    ValueNull,
    CompletedTrue,
    CompletedFalse,
    CompletedNull,
    AssigneePresent,
    AssigneeAbsent,
    DateLeapDay,
    DateYearEnd,
    DateYearStart,
    TextNonAscii,
    TextEmoji,
    TextRightToLeft,
    TextCombining,
    TextQuotes,
    TextBackslash,
    TextControl,
    TextLong,
    TextEmpty,
}
}

use Edge::*;

/// How many items a "large" array has.
pub const LARGE: usize = 50;

/// The length a "long" string reaches at least.
pub const LONG: usize = 10_000;

/// A lead's arrays of records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Array {
    Contacts,
    Opportunities,
    Tasks,
}

/// What an entry changes, which decides what it can share a lead with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// The body's `leads`: only for bodies of 0 leads.
    Body,
    /// Sets the shape of one array of the lead.
    Shape(Array),
    /// Appends a new record to one array of the lead.
    Push(Array),
    /// Edits one string of the lead.
    Text,
}

impl Edge {
    /// The catalog name, `snake_case`.
    pub fn name(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
    }

    fn slot(self) -> Slot {
        match self {
            LeadsAbsent | LeadsNull | LeadsEmpty => Slot::Body,
            ContactsAbsent | ContactsNull | ContactsEmpty | ContactsLarge => Slot::Shape(Array::Contacts),
            OpportunitiesAbsent | OpportunitiesNull | OpportunitiesEmpty | OpportunitiesLarge => {
                Slot::Shape(Array::Opportunities)
            }
            TasksAbsent | TasksNull | TasksEmpty | TasksLarge => Slot::Shape(Array::Tasks),
            PeriodOneTime | PeriodMonthly | PeriodAnnual | PeriodNull | PeriodAbsent | Confidence0
            | Confidence1 | Confidence99 | Confidence100 | ConfidenceNull | Value0 | Value2Pow53
            | ValueI64Max | ValueNull => Slot::Push(Array::Opportunities),
            CompletedTrue | CompletedFalse | CompletedNull | AssigneePresent | AssigneeAbsent
            | DateLeapDay | DateYearEnd | DateYearStart => Slot::Push(Array::Tasks),
            TextNonAscii | TextEmoji | TextRightToLeft | TextCombining | TextQuotes | TextBackslash
            | TextControl | TextLong | TextEmpty => Slot::Text,
            _ => Slot::Push(Array::Contacts),
        }
    }

    /// Whether this entry and `other` can both be put into one lead.
    fn fits_with(self, other: Edge) -> bool {
        match (self.slot(), other.slot()) {
            (Slot::Body, _) | (_, Slot::Body) => false,
            (Slot::Shape(a), Slot::Shape(b) | Slot::Push(b)) | (Slot::Push(a), Slot::Shape(b)) => a != b,
            _ => true,
        }
    }

    /// Shapes first, then appended records, then string edits: an edit must
    /// find the records it may land in.
    fn phase(self) -> u8 {
        match self.slot() {
            Slot::Body | Slot::Shape(_) => 0,
            Slot::Push(_) => 1,
            Slot::Text => 2,
        }
    }
}

/// Spreads the catalog's lead entries over the first `leads` leads (at most
/// the catalog's length), round robin, skipping leads whose entries conflict.
/// Entry lists come back in the order they must be applied.
pub fn plan(leads: usize) -> Vec<Vec<Edge>> {
    let mut plan: Vec<Vec<Edge>> = vec![Vec::new(); leads.min(Edge::ALL.len())];
    if plan.is_empty() {
        return plan;
    }
    let n = plan.len();
    for (i, edge) in Edge::ALL.iter().copied().filter(|e| e.slot() != Slot::Body).enumerate() {
        // `DuplicateEmailAcrossLeads` copies an address from an earlier lead.
        let first = if edge == DuplicateEmailAcrossLeads { i.max(1) % n } else { i % n };
        if let Some(k) = (0..n).map(|j| (first + j) % n).find(|&k| plan[k].iter().all(|&e| e.fits_with(edge)))
        {
            plan[k].push(edge);
        }
    }
    for entries in &mut plan {
        entries.sort_by_key(|e| e.phase());
    }
    plan
}

/// Picks up to `max` random entries that fit together, in application order.
pub fn random_entries(rng: &mut impl Rng, max: usize) -> Vec<Edge> {
    let mut entries: Vec<Edge> = Vec::new();
    for _ in 0..rng.random_range(1..=max) {
        let edge = *realism::pick(rng, &Edge::ALL[3..]);
        if entries.iter().all(|&e| e.fits_with(edge)) {
            entries.push(edge);
        }
    }
    entries.sort_by_key(|e| e.phase());
    entries
}

/// What [`apply`] needs besides the lead.
pub struct Context<'a> {
    /// The lead's company, for new records.
    pub company: &'a Company,
    /// The sales team, for assignees.
    pub team: &'a [String],
    /// The date tasks are planned around.
    pub base_date: NaiveDate,
    /// An address from an earlier lead, for duplicates across leads.
    pub earlier_email: Option<&'a str>,
}

fn set_shape<T>(list: &mut Nullable<Vec<T>>, edge: Edge, mut make: impl FnMut() -> T) {
    *list = match edge {
        ContactsAbsent | OpportunitiesAbsent | TasksAbsent | EmailsAbsent | PhonesAbsent => None,
        ContactsNull | OpportunitiesNull | TasksNull | EmailsNull | PhonesNull => Some(None),
        ContactsEmpty | OpportunitiesEmpty | TasksEmpty | EmailsEmpty | PhonesEmpty => Some(Some(Vec::new())),
        _ => Some(Some((0..LARGE).map(|_| make()).collect())),
    };
}

/// Appends `item` to a list, making the list if it is absent or null.
fn push<T>(list: &mut Nullable<Vec<T>>, item: T) {
    list.get_or_insert(None).get_or_insert_with(Vec::new).push(item);
}

/// Puts `edge` into `lead`.
pub fn apply(rng: &mut impl Rng, edge: Edge, lead: &mut CloseLead, cx: &Context) {
    let company = cx.company;
    match edge.slot() {
        Slot::Body => {}
        Slot::Shape(Array::Contacts) => {
            set_shape(&mut lead.contacts, edge, || realism::contact(rng, company))
        }
        Slot::Shape(Array::Opportunities) => {
            set_shape(&mut lead.opportunities, edge, || realism::opportunity(rng, company))
        }
        Slot::Shape(Array::Tasks) => {
            set_shape(&mut lead.tasks, edge, || realism::task(rng, company, &[], cx.team, cx.base_date))
        }
        Slot::Push(Array::Contacts) => {
            for contact in contacts_for(rng, edge, cx) {
                push(&mut lead.contacts, contact);
            }
        }
        Slot::Push(Array::Opportunities) => {
            let mut o = realism::opportunity(rng, company);
            match edge {
                PeriodOneTime => o.period = Some(Some("one_time".into())),
                PeriodMonthly => o.period = Some(Some("monthly".into())),
                PeriodAnnual => o.period = Some(Some("annual".into())),
                PeriodNull => o.period = Some(None),
                PeriodAbsent => o.period = None,
                Confidence0 => o.confidence = Some(Some(0)),
                Confidence1 => o.confidence = Some(Some(1)),
                Confidence99 => o.confidence = Some(Some(99)),
                Confidence100 => o.confidence = Some(Some(100)),
                ConfidenceNull => o.confidence = Some(None),
                Value0 => o.value = Some(Some(0)),
                Value2Pow53 => o.value = Some(Some(1 << 53)),
                ValueI64Max => o.value = Some(Some(i64::MAX)),
                _ => o.value = Some(None),
            }
            push(&mut lead.opportunities, o);
        }
        Slot::Push(Array::Tasks) => {
            let mut t = realism::task(rng, company, &[], cx.team, cx.base_date);
            let year = cx.base_date.year();
            let date =
                |y, m, d| Some(Some(NaiveDate::from_ymd_opt(y, m, d).unwrap_or(cx.base_date).to_string()));
            match edge {
                CompletedTrue => t.completed = Some(Some(true)),
                CompletedFalse => t.completed = Some(Some(false)),
                CompletedNull => t.completed = Some(None),
                AssigneePresent => t.assignee_id = Some(Some(realism::pick(rng, cx.team).clone())),
                AssigneeAbsent => t.assignee_id = None,
                DateLeapDay => {
                    let leap =
                        (year..).find(|&y| NaiveDate::from_ymd_opt(y, 2, 29).is_some()).unwrap_or(2028);
                    t.date = date(leap, 2, 29);
                }
                DateYearEnd => t.date = date(year, 12, 31),
                _ => t.date = date(year + 1, 1, 1),
            }
            push(&mut lead.tasks, t);
        }
        Slot::Text => {
            let mut targets = strings_mut(lead);
            let target = targets.swap_remove(rng.random_range(0..targets.len()));
            edit_text(edge, target);
        }
    }
}

/// The emails of a contact, made a list if they were absent or null.
fn emails_of(contact: &mut CloseContact) -> &mut Vec<CloseEmail> {
    contact.emails.get_or_insert(None).get_or_insert_with(Vec::new)
}

/// The new contacts that put a contact-level entry into a lead.
fn contacts_for(rng: &mut impl Rng, edge: Edge, cx: &Context) -> Vec<CloseContact> {
    let mut c = realism::contact(rng, cx.company);
    // realism::contact always gives an office address first.
    let address = emails_of(&mut c)[0].email.clone().flatten().unwrap_or_default();
    let (mailbox, domain) = address.split_once('@').unwrap_or(("someone", "example.com"));
    let mut contacts = Vec::new();
    match edge {
        EmailsAbsent | EmailsNull | EmailsEmpty | EmailsLarge => set_shape(&mut c.emails, edge, || {
            let i = rng.random_range(0..1_000_000);
            realism::email(rng, format!("{mailbox}{i}@{domain}"), "office")
        }),
        PhonesAbsent | PhonesNull | PhonesEmpty | PhonesLarge => {
            set_shape(&mut c.phones, edge, || ClosePhone {
                phone: Some(Some(realism::phone_number(rng))),
                kind: Some(Some("office".into())),
                extra: Default::default(),
            })
        }
        UnsubscribedSome | UnsubscribedAll | UnsubscribedNone => {
            let mut other = realism::email(rng, format!("{mailbox}@mail.{domain}"), "other");
            other.is_unsubscribed = Some(Some(edge != UnsubscribedNone));
            let emails = emails_of(&mut c);
            emails[0].is_unsubscribed = Some(Some(edge == UnsubscribedAll));
            emails.push(other);
        }
        EmailWithoutType => emails_of(&mut c)[0].kind = None,
        DuplicateEmailInContact => {
            let emails = emails_of(&mut c);
            emails.push(emails[0].clone());
        }
        DuplicateEmailAcrossContacts => {
            let mut twin = realism::contact(rng, cx.company);
            push(&mut twin.emails, realism::email(rng, address.clone(), "other"));
            contacts.push(twin);
        }
        DuplicateEmailAcrossLeads => {
            let earlier = cx.earlier_email.unwrap_or(&address).to_string();
            push(&mut c.emails, realism::email(rng, earlier, "other"));
        }
        EmailPlusAddress => emails_of(&mut c)[0].email = Some(Some(format!("{mailbox}+crm@{domain}"))),
        EmailSubdomain => emails_of(&mut c)[0].email = Some(Some(format!("{mailbox}@sales.eu.{domain}"))),
        _ => emails_of(&mut c)[0].email = Some(Some(format!("{mailbox}@bücher-straße.de"))),
    }
    contacts.insert(0, c);
    contacts
}

/// Every free-text string of a lead that an edit may land in (never a date,
/// period or address, whose content has a meaning).
fn strings_mut(lead: &mut CloseLead) -> Vec<&mut String> {
    fn each<T>(list: &mut Nullable<Vec<T>>) -> impl Iterator<Item = &mut T> {
        list.iter_mut().flatten().flatten()
    }
    let mut out: Vec<&mut String> = vec![&mut lead.name];
    out.extend(lead.status.iter_mut().flatten());
    for c in each(&mut lead.contacts) {
        out.extend(c.name.iter_mut().flatten());
        out.extend(each(&mut c.emails).flat_map(|e| e.kind.iter_mut().flatten()));
        out.extend(each(&mut c.phones).flat_map(|p| p.kind.iter_mut().flatten()));
    }
    out.extend(each(&mut lead.opportunities).map(|o| &mut o.note));
    for t in each(&mut lead.tasks) {
        out.push(&mut t.description);
        out.extend(t.assignee_id.iter_mut().flatten());
    }
    out
}

fn edit_text(edge: Edge, text: &mut String) {
    match edge {
        TextNonAscii => text.push_str(" – Müller Åström Straße 東京"),
        TextEmoji => text.push_str(" 🚀🔥 👩‍💻"),
        TextRightToLeft => text.push_str(" שלום مرحبا"),
        TextCombining => text.push_str(" Cafe\u{301} Sen\u{303}or"),
        TextQuotes => text.push_str(r#" "Big" O'Brien"#),
        TextBackslash => text.push_str(r" C:\Deals\2025\n"),
        TextControl => text.push_str(" \u{0}\u{1}\t\n\r\u{1b}\u{7f}"),
        TextLong => {
            let unit = if text.is_empty() { "lorem ipsum ".to_string() } else { format!("{text} ") };
            *text = unit.repeat(LONG / unit.chars().count() + 1);
        }
        _ => text.clear(),
    }
}

/// The catalog entries a body exercises, recognised from its content.
#[derive(Debug, Default)]
pub struct Coverage {
    hits: BTreeSet<Edge>,
    /// Hash of each address → the first lead it appeared in.
    first_lead_of: HashMap<u64, usize>,
}

/// The catalog entries that `data` exercises.
pub fn exercised(data: &CloseData) -> BTreeSet<Edge> {
    let mut coverage = Coverage::default();
    coverage.leads(&data.leads);
    for (i, lead) in data.leads.iter().flatten().flatten().enumerate() {
        coverage.lead(i, lead);
    }
    coverage.hits
}

fn shape<T>(list: &Nullable<Vec<T>>, [absent, null, empty, large]: [Edge; 4]) -> Option<Edge> {
    match list {
        None => Some(absent),
        Some(None) => Some(null),
        Some(Some(v)) if v.is_empty() => Some(empty),
        Some(Some(v)) if v.len() >= LARGE => Some(large),
        _ => None,
    }
}

impl Coverage {
    /// What has been seen so far.
    pub fn hits(&self) -> &BTreeSet<Edge> {
        &self.hits
    }

    /// Records the shape of the body's `leads` (absent, null, empty).
    pub fn leads<T>(&mut self, leads: &Nullable<Vec<T>>) {
        self.hits.extend(match leads {
            None => Some(LeadsAbsent),
            Some(None) => Some(LeadsNull),
            Some(Some(v)) if v.is_empty() => Some(LeadsEmpty),
            Some(Some(_)) => None,
        });
    }

    /// Records what lead number `index` exercises.
    pub fn lead(&mut self, index: usize, lead: &CloseLead) {
        let hits = &mut self.hits;
        hits.extend(shape(&lead.contacts, [ContactsAbsent, ContactsNull, ContactsEmpty, ContactsLarge]));
        hits.extend(shape(
            &lead.opportunities,
            [OpportunitiesAbsent, OpportunitiesNull, OpportunitiesEmpty, OpportunitiesLarge],
        ));
        hits.extend(shape(&lead.tasks, [TasksAbsent, TasksNull, TasksEmpty, TasksLarge]));
        let mut lead_addresses: Vec<&str> = Vec::new();
        for c in lead.contacts.iter().flatten().flatten() {
            hits.extend(shape(&c.emails, [EmailsAbsent, EmailsNull, EmailsEmpty, EmailsLarge]));
            hits.extend(shape(&c.phones, [PhonesAbsent, PhonesNull, PhonesEmpty, PhonesLarge]));
            let emails = c.emails.as_ref().and_then(Option::as_ref).map_or(&[][..], Vec::as_slice);
            let unsubscribed = emails.iter().filter(|e| e.is_unsubscribed == Some(Some(true))).count();
            match (unsubscribed, emails.len()) {
                (_, 0) => {}
                (0, _) => _ = hits.insert(UnsubscribedNone),
                (u, n) if u == n => _ = hits.insert(UnsubscribedAll),
                _ => _ = hits.insert(UnsubscribedSome),
            }
            if emails.iter().any(|e| e.kind.is_none()) {
                hits.insert(EmailWithoutType);
            }
            let addresses: Vec<&str> = emails.iter().filter_map(|e| e.email.as_ref()?.as_deref()).collect();
            let mut distinct = addresses.clone();
            distinct.sort_unstable();
            distinct.dedup();
            if distinct.len() < addresses.len() {
                hits.insert(DuplicateEmailInContact);
            }
            if distinct.iter().any(|a| lead_addresses.contains(a)) {
                hits.insert(DuplicateEmailAcrossContacts);
            }
            lead_addresses.extend(distinct);
            for address in &addresses {
                let (local, domain) = address.split_once('@').unwrap_or((address, ""));
                if local.contains('+') {
                    hits.insert(EmailPlusAddress);
                }
                if domain.split('.').count() >= 3 {
                    hits.insert(EmailSubdomain);
                }
                if !domain.is_ascii() || domain.contains("xn--") {
                    hits.insert(EmailIdnDomain);
                }
            }
        }
        for address in lead_addresses {
            let mut h = DefaultHasher::new();
            address.hash(&mut h);
            let first = *self.first_lead_of.entry(h.finish()).or_insert(index);
            if first != index {
                hits.insert(DuplicateEmailAcrossLeads);
            }
        }
        for o in lead.opportunities.iter().flatten().flatten() {
            hits.extend(match o.period.as_ref().map(|p| p.as_deref()) {
                None => Some(PeriodAbsent),
                Some(None) => Some(PeriodNull),
                Some(Some("one_time")) => Some(PeriodOneTime),
                Some(Some("monthly")) => Some(PeriodMonthly),
                Some(Some("annual")) => Some(PeriodAnnual),
                _ => None,
            });
            hits.extend(match o.confidence {
                Some(None) => Some(ConfidenceNull),
                Some(Some(0)) => Some(Confidence0),
                Some(Some(1)) => Some(Confidence1),
                Some(Some(99)) => Some(Confidence99),
                Some(Some(100)) => Some(Confidence100),
                _ => None,
            });
            hits.extend(match o.value {
                Some(None) => Some(ValueNull),
                Some(Some(0)) => Some(Value0),
                Some(Some(v)) if v == 1 << 53 => Some(Value2Pow53),
                Some(Some(i64::MAX)) => Some(ValueI64Max),
                _ => None,
            });
        }
        for t in lead.tasks.iter().flatten().flatten() {
            hits.extend(match t.completed {
                Some(Some(true)) => Some(CompletedTrue),
                Some(Some(false)) => Some(CompletedFalse),
                Some(None) => Some(CompletedNull),
                None => None,
            });
            hits.insert(if t.assignee_id.clone().flatten().is_some() {
                AssigneePresent
            } else {
                AssigneeAbsent
            });
            if let Some(Some(date)) = &t.date {
                if date.ends_with("-02-29") {
                    hits.insert(DateLeapDay);
                }
                if date.ends_with("-12-31") {
                    hits.insert(DateYearEnd);
                }
                if date.ends_with("-01-01") {
                    hits.insert(DateYearStart);
                }
            }
        }
        let mut lead = lead.clone();
        for s in strings_mut(&mut lead) {
            let tests: [(Edge, bool); 9] = [
                (TextNonAscii, !s.is_ascii()),
                (TextEmoji, s.chars().any(|c| ('\u{1F300}'..='\u{1FAFF}').contains(&c))),
                (TextRightToLeft, s.chars().any(|c| ('\u{0590}'..='\u{08FF}').contains(&c))),
                (TextCombining, s.chars().any(|c| ('\u{0300}'..='\u{036F}').contains(&c))),
                (TextQuotes, s.contains('"')),
                (TextBackslash, s.contains('\\')),
                (TextControl, s.chars().any(char::is_control)),
                (TextLong, s.chars().count() >= LONG),
                (TextEmpty, s.is_empty()),
            ];
            hits.extend(tests.into_iter().filter(|(_, hit)| *hit).map(|(edge, _)| edge));
        }
    }
}
