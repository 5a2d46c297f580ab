//! Users, roles and the workspace's settings choices.

use crate::errors::{FieldErrors, Invalid, check_len, check_required};
use crate::validate::is_valid_email;

choice!(
    /// What a user may do; the access rules in `app` read it.
    Role {
        Admin => "admin",
        Manager => "manager",
        TeamLeader => "team_leader",
        Salesperson => "salesperson",
    }
);

choice!(
    /// The interface languages.
    Language {
        Vi => "vi",
        ZhTw => "zh-TW",
        En => "en",
    }
);

choice!(
    /// The workspace's default currency.
    Currency {
        Vnd => "VND",
        Twd => "TWD",
        Usd => "USD",
    }
);

choice!(
    /// How a user hears of notifications by e-mail: not at all, at once, or in a daily digest.
    NotifyEmail {
        None => "none",
        Immediate => "immediate",
        Digest => "digest",
    }
);

impl Role {
    /// Managers and admins see and change every record.
    pub fn sees_all(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }
}

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 200;
pub const MAX_NAME_CHARS: usize = 200;

/// Checks a new password's length (the only rule that does not annoy people for nothing).
pub fn check_password(errors: &mut FieldErrors, field: &str, password: Option<&str>) {
    match password {
        None | Some("") => errors.add(field, Invalid::Required),
        Some(p) if p.chars().count() < MIN_PASSWORD_CHARS => errors.add(
            field,
            Invalid::TooShort {
                min: MIN_PASSWORD_CHARS,
            },
        ),
        Some(p) => check_len(errors, field, p, MAX_PASSWORD_CHARS),
    }
}

/// Checks a required e-mail address.
pub fn check_email(errors: &mut FieldErrors, field: &str, email: Option<&str>) {
    check_required(errors, field, email, 254);
    if let Some(e) = email.map(str::trim).filter(|e| !e.is_empty())
        && !is_valid_email(e)
    {
        errors.add(field, Invalid::Email);
    }
}

/// E-mail addresses are compared without case and surrounding blanks.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Checks a choice given as text and returns it parsed.
pub fn check_choice<T: Copy>(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
    choices: fn() -> Vec<String>,
) -> Option<T> {
    let v = value?;
    let parsed = parse(v);
    if parsed.is_none() {
        errors.add(field, Invalid::Choice { allowed: choices() });
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_parses_only_the_four_roles() {
        assert_eq!(Role::parse("team_leader"), Some(Role::TeamLeader));
        assert_eq!(Role::parse("root"), None);
        assert!(Role::Manager.sees_all());
        assert!(!Role::Salesperson.sees_all());
    }

    #[test]
    fn language_uses_bcp47_spelling() {
        assert_eq!(Language::parse("zh-TW"), Some(Language::ZhTw));
        assert_eq!(Language::ZhTw.as_str(), "zh-TW");
    }

    #[test]
    fn short_password_is_refused() {
        let mut e = FieldErrors::new();
        check_password(&mut e, "password", Some("short"));
        assert_eq!(e.0["password"], vec![Invalid::TooShort { min: 8 }]);
    }

    #[test]
    fn email_without_at_is_refused() {
        let mut e = FieldErrors::new();
        check_email(&mut e, "email", Some("chi.example.com"));
        assert_eq!(e.0["email"], vec![Invalid::Email]);
    }
}
