//! List parameters shared by every collection: page size and sort keys.

use crate::errors::{FieldErrors, Invalid};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

/// `limit` defaults to 50; outside 1..=500 it is refused (400 naming `limit`) rather than
/// silently clamped, so a script learns its page is not what it asked for.
pub fn check_limit(limit: Option<i64>) -> Result<i64, FieldErrors> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(FieldErrors::single(
            "limit",
            Invalid::Range {
                min: 1,
                max: MAX_LIMIT,
            },
        )),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    pub field: String,
    pub descending: bool,
}

/// Parses `field` / `-field`, comma separated, against the fields that may be sorted on.
/// At most 3 keys; a repeated field is refused.
pub fn parse_sort(input: Option<&str>, allowed: &[&str]) -> Result<Vec<SortKey>, FieldErrors> {
    let Some(input) = input.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(Vec::new());
    };
    let mut keys: Vec<SortKey> = Vec::new();
    for part in input.split(',') {
        let part = part.trim();
        let (field, descending) = match part.strip_prefix('-') {
            Some(f) => (f.trim(), true),
            None => (part.strip_prefix('+').unwrap_or(part).trim(), false),
        };
        if !allowed.contains(&field) {
            return Err(FieldErrors::single(
                "sort",
                Invalid::Message(format!(
                    "cannot sort by `{field}`; sortable fields: {}",
                    allowed.join(", ")
                )),
            ));
        }
        if keys.iter().any(|k| k.field == field) || keys.len() == 3 {
            return Err(FieldErrors::single(
                "sort",
                Invalid::Message(format!(
                    "`{field}` is repeated or there are more than 3 keys"
                )),
            ));
        }
        keys.push(SortKey {
            field: field.to_string(),
            descending,
        });
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_defaults_to_fifty_and_refuses_out_of_range() {
        assert_eq!(check_limit(None), Ok(50));
        assert_eq!(check_limit(Some(500)), Ok(500));
        assert!(check_limit(Some(100_000)).is_err());
        assert!(check_limit(Some(0)).is_err());
    }

    #[test]
    fn sort_reads_direction_and_refuses_unknown_fields() {
        let keys = parse_sort(Some("-created_at,name"), &["name", "created_at"]).unwrap();
        assert_eq!(
            keys[0],
            SortKey {
                field: "created_at".into(),
                descending: true
            }
        );
        assert_eq!(
            keys[1],
            SortKey {
                field: "name".into(),
                descending: false
            }
        );
        let err = parse_sort(Some("password"), &["name"]).unwrap_err();
        assert!(err.0.contains_key("sort"));
    }
}
