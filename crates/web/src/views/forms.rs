//! Plain HTML forms: reading urlencoded bodies (repeated keys allowed) and describing
//! inputs for the templates, with errors next to the field that caused them.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::http::HeaderMap;
use sen_domain::errors::FieldErrors;

use crate::extract::check_csrf;
use crate::i18n::Tr;

/// A submitted form: every value of every key, in order.
#[derive(Debug, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn parse(body: &Bytes) -> Self {
        FormData(serde_urlencoded::from_bytes(body).unwrap_or_default())
    }

    /// The first value of `key`, trimmed; None when absent.
    pub fn get(&self, key: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
    }

    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn checked(&self, key: &str) -> bool {
        self.get(key)
            .is_some_and(|v| v == "on" || v == "true" || v == "1")
    }

    /// The `back` field when it is a path on this site (never another site), else `fallback`.
    pub fn back_or(&self, fallback: &str) -> String {
        local_path_or(self.get("back"), fallback)
    }

    /// An optional id: empty means none; garbage is treated as none too (the select only
    /// offers valid ids).
    pub fn id(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(|v| v.parse().ok())
    }
}

/// `path` when it is a path on this site (never another site, no control characters),
/// else `fallback`: for "back" links carried in forms and query strings.
pub fn local_path_or(path: Option<String>, fallback: &str) -> String {
    // Browsers read `/\host` like `//host`: another site. Backslashes never appear in our paths.
    path.filter(|b| {
        b.starts_with('/')
            && !b.starts_with("//")
            && !b.contains('\\')
            && !b.chars().any(char::is_control)
    })
    .unwrap_or_else(|| fallback.to_string())
}

/// The `?back=` of a dialog opened from another page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct BackQuery {
    pub back: Option<String>,
}

/// Guest forms (setup, sign-in) have no session token yet; they are still refused when
/// the browser says the request comes from another site.
pub fn same_origin(headers: &HeaderMap) -> bool {
    check_csrf(headers, "-", Some("-")).is_ok()
}

/// One input of a form.
#[derive(Debug, Clone, Default)]
pub struct FieldView {
    pub name: &'static str,
    pub label: String,
    pub value: String,
    /// text, email, tel, url, password, textarea, checkbox, select, multi
    pub kind: &'static str,
    pub options: Vec<(String, String, bool)>,
    pub error: String,
    pub required: bool,
    pub hint: String,
    pub autocomplete: &'static str,
}

impl FieldView {
    pub fn new(
        name: &'static str,
        label: String,
        kind: &'static str,
        value: impl Into<String>,
    ) -> Self {
        FieldView {
            name,
            label,
            kind,
            value: value.into(),
            ..Default::default()
        }
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn options(mut self, options: Vec<(String, String, bool)>) -> Self {
        self.options = options;
        self
    }

    pub fn hint(mut self, hint: String) -> Self {
        self.hint = hint;
        self
    }

    pub fn autocomplete(mut self, a: &'static str) -> Self {
        self.autocomplete = a;
        self
    }

    pub fn is_checked(&self) -> bool {
        self.value == "true"
    }
}

/// Puts each field's translated error next to it; returns errors for fields not on the form.
pub fn attach_errors(fields: &mut [FieldView], errors: &FieldErrors, tr: Tr<'_>) -> Vec<String> {
    let mut by_field: HashMap<&str, String> = HashMap::new();
    let mut other = Vec::new();
    for (field, whys) in &errors.0 {
        let text = whys
            .iter()
            .map(|w| tr.i18n.invalid(tr.lang, w))
            .collect::<Vec<_>>()
            .join(" ");
        let short = field.rsplit('.').next().unwrap_or(field);
        if fields.iter().any(|f| f.name == short) {
            by_field.insert(short, text);
        } else {
            other.push(format!("{field}: {text}"));
        }
    }
    for f in fields.iter_mut() {
        if let Some(e) = by_field.remove(f.name) {
            f.error = e;
        }
    }
    other
}

/// A titled group of fields.
#[derive(Debug, Clone)]
pub struct Section {
    pub title: String,
    pub fields: Vec<FieldView>,
}
