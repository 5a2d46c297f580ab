//! Field-level validation errors, as codes: the web layer turns each code into a message
//! in the reader's language, so the same rule serves the API and the pages.

use std::collections::BTreeMap;

/// Why a field's value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    Required,
    TooLong {
        max: usize,
    },
    TooShort {
        min: usize,
    },
    Email,
    Phone,
    Website,
    /// Not one of the allowed choices (a language, role, currency, time zone …).
    Choice {
        allowed: Vec<String>,
    },
    /// A reference to a record that does not exist (or that the user cannot see).
    NotFound,
    /// Already used by another record (e.g. a user's e-mail).
    Taken,
    /// A wrong type of JSON value, with what was expected.
    Type {
        expected: String,
    },
    /// The field is not known for this kind of body.
    Unknown,
    /// Out of range, e.g. a page size.
    Range {
        min: i64,
        max: i64,
    },
    /// An `@mention` that names no active user.
    Mention {
        name: String,
    },
    /// A file that is not readable CSV (not UTF-8, a quote never closed …), at this line.
    Csv {
        line: Option<u64>,
    },
    /// A name that matches nothing of its kind (an imported tag, stage, salesperson …).
    NoMatch {
        name: String,
    },
    /// A name several records share, so it picks none of them.
    Ambiguous {
        name: String,
    },
    /// Free-form message already written for the reader (e.g. a filter parse error).
    Message(String),
}

impl Invalid {
    /// A stable machine code for the API's `errors` map and for translation keys.
    pub fn code(&self) -> &'static str {
        match self {
            Invalid::Required => "required",
            Invalid::TooLong { .. } => "too_long",
            Invalid::TooShort { .. } => "too_short",
            Invalid::Email => "invalid_email",
            Invalid::Phone => "invalid_phone",
            Invalid::Website => "invalid_website",
            Invalid::Choice { .. } => "invalid_choice",
            Invalid::NotFound => "not_found",
            Invalid::Taken => "taken",
            Invalid::Type { .. } => "invalid_type",
            Invalid::Unknown => "unknown_field",
            Invalid::Range { .. } => "out_of_range",
            Invalid::Mention { .. } => "unknown_mention",
            Invalid::Csv { .. } => "invalid_csv",
            Invalid::NoMatch { .. } => "no_match",
            Invalid::Ambiguous { .. } => "ambiguous",
            Invalid::Message(_) => "invalid",
        }
    }
}

/// Every refused field with every reason, so one answer names all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub BTreeMap<String, Vec<Invalid>>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, why: Invalid) {
        self.0.entry(field.to_string()).or_default().push(why);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn single(field: &str, why: Invalid) -> Self {
        let mut e = Self::new();
        e.add(field, why);
        e
    }

    /// `Ok(())` when nothing was refused.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    pub fn merge(&mut self, other: FieldErrors) {
        for (field, whys) in other.0 {
            self.0.entry(field).or_default().extend(whys);
        }
    }
}

/// Checks a required text: present, not blank, at most `max` characters.
pub fn check_required(errors: &mut FieldErrors, field: &str, value: Option<&str>, max: usize) {
    match value.map(str::trim) {
        None | Some("") => errors.add(field, Invalid::Required),
        Some(v) => check_len(errors, field, v, max),
    }
}

/// Checks an optional text's length in characters.
pub fn check_len(errors: &mut FieldErrors, field: &str, value: &str, max: usize) {
    if value.chars().count() > max {
        errors.add(field, Invalid::TooLong { max });
    }
}

/// Trims a text and turns an empty one into `None` (stored as NULL, never as "").
pub fn clean(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_rejects_blank_and_missing() {
        let mut e = FieldErrors::new();
        check_required(&mut e, "name", None, 10);
        check_required(&mut e, "title", Some("   "), 10);
        assert_eq!(e.0["name"], vec![Invalid::Required]);
        assert_eq!(e.0["title"], vec![Invalid::Required]);
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let mut e = FieldErrors::new();
        check_len(&mut e, "name", "Nguyễn", 6);
        assert!(e.is_empty());
        check_len(&mut e, "name", "Nguyễn Văn", 6);
        assert_eq!(e.0["name"], vec![Invalid::TooLong { max: 6 }]);
    }

    #[test]
    fn clean_turns_blank_into_none() {
        assert_eq!(clean(Some("  ".into())), None);
        assert_eq!(clean(Some(" a ".into())), Some("a".into()));
    }
}
