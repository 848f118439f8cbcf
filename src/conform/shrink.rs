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
            out.push(Edit::RemoveItems {
                path: path.clone(),
                start: 0,
                end: n / 2,
            });
            out.push(Edit::RemoveItems {
                path: path.clone(),
                start: n / 2,
                end: n,
            });
        }
        out.extend((0..n).map(|i| Edit::RemoveItems {
            path: path.clone(),
            start: i,
            end: i + 1,
        }));
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
                keys.push(Edit::RemoveKey {
                    path: path.clone(),
                    key: key.clone(),
                });
                path.push(LocItem::Key(key.clone()));
                collect(item, path, arrays, keys, values);
                path.pop();
            }
        }
        Value::String(s) if !s.is_empty() => {
            let half: String = s.chars().take(s.chars().count() / 2).collect();
            if !half.is_empty() {
                values.push(Edit::Replace {
                    path: path.clone(),
                    value: Value::String(half),
                });
            }
            values.push(Edit::Replace {
                path: path.clone(),
                value: Value::String(String::new()),
            });
        }
        Value::Number(n) if n.as_i64() != Some(0) => {
            values.push(Edit::Replace {
                path: path.clone(),
                value: Value::from(0),
            });
        }
        _ => {}
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
    fn shrink(mut body: Value, fails: impl Fn(&Value) -> bool) -> Value {
        'again: loop {
            for edit in edits(&body) {
                let candidate = apply(&body, &edit);
                if fails(&candidate) {
                    body = candidate;
                    continue 'again;
                }
            }
            return body;
        }
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
        assert_eq!(
            all[0],
            Edit::RemoveItems {
                path: vec![LocItem::Key("leads".into())],
                start: 0,
                end: 1
            }
        );
        assert!(matches!(all.last(), Some(Edit::Replace { .. })));
    }
}
