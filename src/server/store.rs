//! The sandbox store: SQLite through rusqlite, one table per record type.
//!
//! A body is stored relationally, with what JSON has and SQL lacks kept in
//! two small columns: `*_shape` says whether a list was absent (0), `null`
//! (1) or a list (2), and `present` is a bitmask of the optional scalar fields
//! that were sent (a sent `null` is a present SQL NULL). Email and phone items
//! are free objects in the contract, so each is stored as its JSON text. That
//! lets [`Store::dump`] rebuild the body exactly: order, null against absent,
//! unknown keys of email and phone items.

use crate::model::RecordsCreated;
use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use serde_json::{Map, Value};

const SCHEMA: &str = "
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS sandboxes (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    tag TEXT,
    test_account_email TEXT,
    ttl_seconds INTEGER,
    leads_shape INTEGER NOT NULL DEFAULT 2,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS leads (
    id INTEGER PRIMARY KEY,
    sandbox_id TEXT NOT NULL REFERENCES sandboxes(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    status TEXT,
    present INTEGER NOT NULL,
    contacts_shape INTEGER NOT NULL,
    opportunities_shape INTEGER NOT NULL,
    tasks_shape INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS leads_by_sandbox ON leads(sandbox_id, position);
CREATE TABLE IF NOT EXISTS contacts (
    id INTEGER PRIMARY KEY,
    lead_id INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT,
    present INTEGER NOT NULL,
    emails_shape INTEGER NOT NULL,
    phones_shape INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS contacts_by_lead ON contacts(lead_id, position);
CREATE TABLE IF NOT EXISTS emails (
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    item TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS emails_by_contact ON emails(contact_id, position);
CREATE TABLE IF NOT EXISTS phones (
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    item TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS phones_by_contact ON phones(contact_id, position);
CREATE TABLE IF NOT EXISTS opportunities (
    lead_id INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    note TEXT NOT NULL,
    value INTEGER,
    confidence INTEGER,
    period TEXT,
    present INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS opportunities_by_lead ON opportunities(lead_id, position);
CREATE TABLE IF NOT EXISTS tasks (
    lead_id INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    description TEXT NOT NULL,
    date TEXT,
    completed INTEGER,
    assignee_id TEXT,
    present INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_by_lead ON tasks(lead_id, position);
";

/// A sandbox's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxRow {
    /// Its id.
    pub id: String,
    /// `idle`, `occupied` or `error`.
    pub status: String,
    /// Last change, RFC 3339.
    pub updated_at: String,
}

/// The store: one SQLite connection.
pub struct Store {
    conn: Connection,
}

type Result<T> = rusqlite::Result<T>;

/// A list's shape: absent, null or a list.
fn shape(value: Option<&Value>) -> i64 {
    match value {
        None => 0,
        Some(Value::Null) => 1,
        Some(_) => 2,
    }
}

fn items(value: Option<&Value>) -> &[Value] {
    value.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// The optional scalar fields `keys` of `map`: the presence bitmask and the
/// SQL values (NULL for null or absent).
fn optional(map: &Map<String, Value>, keys: &[&str]) -> (i64, Vec<Sql>) {
    let mut present = 0;
    let values = keys
        .iter()
        .enumerate()
        .map(|(bit, key)| {
            let value = map.get(*key);
            if value.is_some() {
                present |= 1 << bit;
            }
            match value {
                Some(Value::String(s)) => Sql::Text(s.clone()),
                Some(Value::Bool(b)) => Sql::Integer((*b).into()),
                Some(Value::Number(n)) => n.as_i64().map_or(Sql::Null, Sql::Integer),
                _ => Sql::Null,
            }
        })
        .collect();
    (present, values)
}

fn text(map: &Map<String, Value>, key: &str) -> String {
    map.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// Rebuilds optional scalars from the bitmask and SQL values; `bools` marks
/// the keys stored as 0/1.
fn restore(map: &mut Map<String, Value>, keys: &[&str], present: i64, values: Vec<Sql>, bools: &[&str]) {
    for (bit, (key, value)) in keys.iter().zip(values).enumerate() {
        if present & (1 << bit) == 0 {
            continue;
        }
        let json = match value {
            Sql::Integer(i) if bools.contains(key) => Value::Bool(i != 0),
            Sql::Integer(i) => Value::from(i),
            Sql::Text(s) => Value::String(s),
            _ => Value::Null,
        };
        map.insert((*key).into(), json);
    }
}

/// Puts a list back with its shape.
fn restore_list(map: &mut Map<String, Value>, key: &str, shape: i64, items: Vec<Value>) {
    match shape {
        0 => {}
        1 => _ = map.insert(key.into(), Value::Null),
        _ => _ = map.insert(key.into(), Value::Array(items)),
    }
}

impl Store {
    /// Opens the store: in memory for `None`, else the SQLite file at `path`.
    pub fn open(path: Option<&std::path::Path>) -> Result<Self> {
        let conn = match path {
            Some(path) => Connection::open(path)?,
            None => Connection::open_in_memory()?,
        };
        conn.execute_batch(SCHEMA)?;
        Ok(Store { conn })
    }

    /// A sandbox, if it exists.
    pub fn sandbox(&self, id: &str) -> Result<Option<SandboxRow>> {
        self.conn
            .query_row("SELECT id, status, updated_at FROM sandboxes WHERE id = ?1", [id], |row| {
                Ok(SandboxRow { id: row.get(0)?, status: row.get(1)?, updated_at: row.get(2)? })
            })
            .optional()
    }

    /// Creates (or re-occupies) a sandbox.
    pub fn acquire(
        &mut self,
        id: &str,
        tag: Option<&str>,
        email: Option<&str>,
        ttl: Option<i64>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO sandboxes (id, status, tag, test_account_email, ttl_seconds, updated_at)
             VALUES (?1, 'occupied', ?2, ?3, ?4, ?5)
             ON CONFLICT(id) DO UPDATE SET status = 'occupied', updated_at = ?5",
            params![id, tag, email, ttl, now()],
        )?;
        Ok(())
    }

    /// Empties a sandbox's data, keeping it occupied; false if it is unknown.
    pub fn reset(&mut self, id: &str) -> Result<bool> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM leads WHERE sandbox_id = ?1", [id])?;
        let changed = tx.execute(
            "UPDATE sandboxes SET status = 'occupied', leads_shape = 2, updated_at = ?2 WHERE id = ?1",
            params![id, now()],
        )?;
        tx.commit()?;
        Ok(changed == 1)
    }

    /// Forgets a sandbox and its data (it goes back to the pool); false if
    /// it is unknown.
    pub fn release(&mut self, id: &str) -> Result<bool> {
        Ok(self.conn.execute("DELETE FROM sandboxes WHERE id = ?1", [id])? == 1)
    }

    /// Replaces a sandbox's data with `body` (a normalized, valid body) in one
    /// transaction, creating the sandbox if it is unknown.
    pub fn initialize(&mut self, id: &str, body: &Value) -> Result<RecordsCreated> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM leads WHERE sandbox_id = ?1", [id])?;
        let leads_value = body.get("leads");
        tx.execute(
            "INSERT INTO sandboxes (id, status, leads_shape, updated_at) VALUES (?1, 'occupied', ?2, ?3)
             ON CONFLICT(id) DO UPDATE SET status = 'occupied', leads_shape = ?2, updated_at = ?3",
            params![id, shape(leads_value), now()],
        )?;
        let created = insert_leads(&tx, id, items(leads_value))?;
        tx.commit()?;
        Ok(created)
    }

    /// The stored body, rebuilt.
    pub fn dump(&self, id: &str) -> Result<Option<Value>> {
        let Some(leads_shape) = self
            .conn
            .query_row("SELECT leads_shape FROM sandboxes WHERE id = ?1", [id], |r| r.get::<_, i64>(0))
            .optional()?
        else {
            return Ok(None);
        };
        let conn = &self.conn;
        let mut body = Map::new();
        let mut leads = Vec::new();
        let mut lead_rows = conn.prepare_cached(
            "SELECT id, name, status, present, contacts_shape, opportunities_shape, tasks_shape
             FROM leads WHERE sandbox_id = ?1 ORDER BY position",
        )?;
        let mut contact_rows = conn.prepare_cached(
            "SELECT id, name, present, emails_shape, phones_shape FROM contacts WHERE lead_id = ?1 ORDER BY position",
        )?;
        let mut email_rows =
            conn.prepare_cached("SELECT item FROM emails WHERE contact_id = ?1 ORDER BY position")?;
        let mut phone_rows =
            conn.prepare_cached("SELECT item FROM phones WHERE contact_id = ?1 ORDER BY position")?;
        let mut opportunity_rows = conn.prepare_cached(
            "SELECT note, value, confidence, period, present FROM opportunities WHERE lead_id = ?1 ORDER BY position",
        )?;
        let mut task_rows = conn.prepare_cached(
            "SELECT description, date, completed, assignee_id, present FROM tasks WHERE lead_id = ?1 ORDER BY position",
        )?;
        let json_items = |rows: &mut rusqlite::CachedStatement, id: i64| -> Result<Vec<Value>> {
            rows.query_map([id], |r| r.get::<_, String>(0))?
                .map(|item| Ok(serde_json::from_str(&item?).unwrap_or(Value::Null)))
                .collect()
        };
        let lead_list: Vec<(i64, String, Sql, i64, [i64; 3])> = lead_rows
            .query_map([id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, [r.get(4)?, r.get(5)?, r.get(6)?]))
            })?
            .collect::<Result<_>>()?;
        for (lead_id, name, status, present, [contacts_shape, opportunities_shape, tasks_shape]) in lead_list
        {
            let mut lead = Map::new();
            lead.insert("name".into(), Value::String(name));
            restore(&mut lead, &["status"], present, vec![status], &[]);
            let contact_list: Vec<(i64, Sql, i64, i64, i64)> = contact_rows
                .query_map([lead_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
                .collect::<Result<_>>()?;
            let mut contacts = Vec::with_capacity(contact_list.len());
            for (contact_id, name, present, emails_shape, phones_shape) in contact_list {
                let mut contact = Map::new();
                restore(&mut contact, &["name"], present, vec![name], &[]);
                restore_list(&mut contact, "emails", emails_shape, json_items(&mut email_rows, contact_id)?);
                restore_list(&mut contact, "phones", phones_shape, json_items(&mut phone_rows, contact_id)?);
                contacts.push(Value::Object(contact));
            }
            restore_list(&mut lead, "contacts", contacts_shape, contacts);
            let opportunities = opportunity_rows
                .query_map([lead_id], |r| {
                    let mut o = Map::new();
                    o.insert("note".into(), Value::String(r.get(0)?));
                    let keys = ["value", "confidence", "period"];
                    restore(&mut o, &keys, r.get(4)?, vec![r.get(1)?, r.get(2)?, r.get(3)?], &[]);
                    Ok(Value::Object(o))
                })?
                .collect::<Result<_>>()?;
            restore_list(&mut lead, "opportunities", opportunities_shape, opportunities);
            let tasks = task_rows
                .query_map([lead_id], |r| {
                    let mut t = Map::new();
                    t.insert("description".into(), Value::String(r.get(0)?));
                    let keys = ["date", "completed", "assignee_id"];
                    restore(&mut t, &keys, r.get(4)?, vec![r.get(1)?, r.get(2)?, r.get(3)?], &["completed"]);
                    Ok(Value::Object(t))
                })?
                .collect::<Result<_>>()?;
            restore_list(&mut lead, "tasks", tasks_shape, tasks);
            leads.push(Value::Object(lead));
        }
        restore_list(&mut body, "leads", leads_shape, leads);
        Ok(Some(Value::Object(body)))
    }
}

fn insert_leads(tx: &Transaction, sandbox: &str, leads: &[Value]) -> Result<RecordsCreated> {
    let mut created = RecordsCreated { leads: leads.len() as u64, ..RecordsCreated::default() };
    let mut lead_insert = tx.prepare_cached(
        "INSERT INTO leads (sandbox_id, position, name, status, present, contacts_shape, opportunities_shape, tasks_shape)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut contact_insert = tx.prepare_cached(
        "INSERT INTO contacts (lead_id, position, name, present, emails_shape, phones_shape) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut email_insert =
        tx.prepare_cached("INSERT INTO emails (contact_id, position, item) VALUES (?1, ?2, ?3)")?;
    let mut phone_insert =
        tx.prepare_cached("INSERT INTO phones (contact_id, position, item) VALUES (?1, ?2, ?3)")?;
    let mut opportunity_insert = tx.prepare_cached(
        "INSERT INTO opportunities (lead_id, position, note, value, confidence, period, present)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut task_insert = tx.prepare_cached(
        "INSERT INTO tasks (lead_id, position, description, date, completed, assignee_id, present)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let empty = Map::new();
    for (position, lead) in leads.iter().enumerate() {
        let lead = lead.as_object().unwrap_or(&empty);
        let (present, status) = optional(lead, &["status"]);
        let (contacts, opportunities, tasks) =
            (lead.get("contacts"), lead.get("opportunities"), lead.get("tasks"));
        lead_insert.execute(params![
            sandbox,
            position as i64,
            text(lead, "name"),
            &status[0],
            present,
            shape(contacts),
            shape(opportunities),
            shape(tasks)
        ])?;
        let lead_id = tx.last_insert_rowid();
        for (position, contact) in items(contacts).iter().enumerate() {
            let contact = contact.as_object().unwrap_or(&empty);
            let (present, name) = optional(contact, &["name"]);
            let (emails, phones) = (contact.get("emails"), contact.get("phones"));
            contact_insert.execute(params![
                lead_id,
                position as i64,
                &name[0],
                present,
                shape(emails),
                shape(phones)
            ])?;
            let contact_id = tx.last_insert_rowid();
            for (position, email) in items(emails).iter().enumerate() {
                email_insert.execute(params![contact_id, position as i64, email.to_string()])?;
            }
            for (position, phone) in items(phones).iter().enumerate() {
                phone_insert.execute(params![contact_id, position as i64, phone.to_string()])?;
            }
            created.contacts += 1;
        }
        for (position, opportunity) in items(opportunities).iter().enumerate() {
            let o = opportunity.as_object().unwrap_or(&empty);
            let (present, v) = optional(o, &["value", "confidence", "period"]);
            opportunity_insert.execute(params![
                lead_id,
                position as i64,
                text(o, "note"),
                &v[0],
                &v[1],
                &v[2],
                present
            ])?;
            created.opportunities += 1;
        }
        for (position, task) in items(tasks).iter().enumerate() {
            let t = task.as_object().unwrap_or(&empty);
            let (present, v) = optional(t, &["date", "completed", "assignee_id"]);
            task_insert.execute(params![
                lead_id,
                position as i64,
                text(t, "description"),
                &v[0],
                &v[1],
                &v[2],
                present
            ])?;
            created.tasks += 1;
        }
    }
    Ok(created)
}

/// The time now, RFC 3339, for `updated_at` and `dumped_at`.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
