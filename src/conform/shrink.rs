//! Smaller variants of a failing body, coarsest first: whole leads, then
//! nested records, then keys, then values. Pure: the runner decides which
//! variant still fails.

use crate::model::LocItem;
use serde_json::Value;

/// One way to make a body smaller.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Remove items `start..end` of the array at `path`.
    RemoveItems {
        /// The array.
        path: Vec<LocItem>,
        /// First item removed.
        start: usize,
        /// One past the last item removed.
        end: usize,
    },
    /// Remove `key` from the object at `path`.
    RemoveKey {
        /// The object.
        path: Vec<LocItem>,
        /// The key.
        key: String,
    },
    /// Put a simpler value at `path`.
    Replace {
        /// Where.
        path: Vec<LocItem>,
        /// The simpler value.
        value: Value,
    },
}

/// Every edit of `body`, in the order to try them: array items (shallow
/// arrays first, halves before single items), then keys, then values.
pub fn edits(body: &Value) -> Vec<Edit> {
    let (mut arrays, mut keys, mut values) = (Vec::new(), Vec::new(), Vec::new());
    collect(body, &mut Vec::new(), &mut arrays, &mut keys, &mut values);
    arrays.sort_by_key(|(path, _): &(Vec<LocItem>, usize)| path.len());
    let mut out = Vec::new();
    for (path, n) in arrays {
        if n >= 2 {
            out.push(Edit::RemoveItems { path: path.clone(), start: 0, end: n / 2 });
            out.push(Edit::RemoveItems { path: path.clone(), start: n / 2, end: n });
        }
        out.extend((0..n).map(|i| Edit::RemoveItems { path: path.clone(), start: i, end: i + 1 }));
    }
    out.extend(keys);
    out.extend(values);
    out
}

fn collect(
    value: &Value,
    path: &mut Vec<LocItem>,
    arrays: &mut Vec<(Vec<LocItem>, usize)>,
    keys: &mut Vec<Edit>,
    values: &mut Vec<Edit>,
) {
    match value {
        Value::Array(items) => {
            if !items.is_empty() {
                arrays.push((path.clone(), items.len()));
            }
            for (i, item) in items.iter().enumerate() {
                path.push(LocItem::Index(i));
                collect(item, path, arrays, keys, values);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                keys.push(Edit::RemoveKey { path: path.clone(), key: key.clone() });
                path.push(LocItem::Key(key.clone()));
                collect(item, path, arrays, keys, values);
                path.pop();
            }
        }
        Value::String(s) if !s.is_empty() => {
            // "", then each half: repeated, the halves close in on the one
            // character that matters.
            values.push(Edit::Replace { path: path.clone(), value: Value::String(String::new()) });
            let n = s.chars().count();
            if n >= 2 {
                let head: String = s.chars().take(n / 2).collect();
                let tail: String = s.chars().skip(n / 2).collect();
                values.push(Edit::Replace { path: path.clone(), value: Value::String(head) });
                values.push(Edit::Replace { path: path.clone(), value: Value::String(tail) });
            }
        }
        Value::Number(n) if n.as_i64() != Some(0) => {
            values.push(Edit::Replace { path: path.clone(), value: Value::from(0) });
        }
        _ => {}
    }
}

/// Greedy shrinking, one candidate at a time: after a candidate that still
/// fails, the edits of the smaller body are tried from the same position
/// (the earlier ones just failed); a pass that finds nothing ends it.
pub struct Shrinker {
    body: Value,
    edits: Vec<Edit>,
    next: usize,
    progressed: bool,
}

impl Shrinker {
    /// Starts from a failing body.
    pub fn new(body: Value) -> Self {
        let edits = edits(&body);
        Shrinker { body, edits, next: 0, progressed: false }
    }

    /// The next smaller body to try, or `None` when the body is minimal.
    pub fn next_candidate(&mut self) -> Option<Value> {
        if self.next >= self.edits.len() {
            if !self.progressed {
                return None;
            }
            (self.next, self.progressed) = (0, false);
        }
        let edit = self.edits.get(self.next)?;
        self.next += 1;
        Some(apply(&self.body, edit))
    }

    /// Says whether the last candidate still fails; a failing one becomes
    /// the body.
    pub fn report(&mut self, candidate: Value, still_fails: bool) {
        if still_fails {
            self.edits = edits(&candidate);
            self.body = candidate;
            self.next = self.next.saturating_sub(1);
            self.progressed = true;
        }
    }

    /// The smallest failing body found.
    pub fn into_body(self) -> Value {
        self.body
    }
}

fn at<'v>(value: &'v mut Value, path: &[LocItem]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |v, step| match step {
        LocItem::Key(k) => v.get_mut(k),
        LocItem::Index(i) => v.get_mut(*i),
    })
}

/// `body` with `edit` made.
pub fn apply(body: &Value, edit: &Edit) -> Value {
    let mut out = body.clone();
    match edit {
        Edit::RemoveItems { path, start, end } => {
            if let Some(Value::Array(items)) = at(&mut out, path) {
                items.drain(*start..(*end).min(items.len()));
            }
        }
        Edit::RemoveKey { path, key } => {
            if let Some(Value::Object(map)) = at(&mut out, path) {
                map.remove(key);
            }
        }
        Edit::Replace { path, value } => {
            if let Some(slot) = at(&mut out, path) {
                *slot = value.clone();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Shrinks against a predicate, as the runner does against a target.
    fn shrink(body: Value, fails: impl Fn(&Value) -> bool) -> Value {
        let mut shrinker = Shrinker::new(body);
        while let Some(candidate) = shrinker.next_candidate() {
            let failed = fails(&candidate);
            shrinker.report(candidate, failed);
        }
        shrinker.into_body()
    }

    #[test]
    fn closes_in_on_one_character() {
        let body = json!({"leads": [{"name": "Acme – Müller GmbH"}]});
        let minimal = shrink(body, |v| v.to_string().contains('ü'));
        assert_eq!(minimal, json!({"leads": [{"name": "ü"}]}));
    }

    #[test]
    fn shrinks_to_the_one_record_that_matters() {
        let body = json!({"leads": [
            {"name": "A", "tasks": [{"description": "call"}, {"description": "x", "completed": "maybe"}]},
            {"name": "B", "contacts": [{"name": "Sarah Mitchell"}]},
            {"name": "C"}
        ]});
        let has_bad_completed = |v: &Value| v.to_string().contains("\"completed\":\"maybe\"");
        let minimal = shrink(body, has_bad_completed);
        assert_eq!(minimal, json!({"leads": [{"tasks": [{"completed": "maybe"}]}]}));
    }

    #[test]
    fn edits_go_from_coarse_to_fine() {
        let body = json!({"leads": [{"name": "Acme", "contacts": [{}, {}]}, {"name": "B"}]});
        let all = edits(&body);
        assert_eq!(all[0], Edit::RemoveItems { path: vec![LocItem::Key("leads".into())], start: 0, end: 1 });
        assert!(matches!(all.last(), Some(Edit::Replace { .. })));
    }
}
