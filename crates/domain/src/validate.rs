//! Pragmatic format checks for contact details.
//!
//! These catch typos at input time; they deliberately accept anything plausible rather than
//! implementing the full RFCs, because rejecting a real address is worse than storing an odd one.

use crate::search::phone_digits;

/// RFC 5321 limits a forward path to 256 octets including the angle brackets.
const MAX_EMAIL_CHARS: usize = 254;
/// The de-facto URL limit of common browsers and servers.
const MAX_WEBSITE_CHARS: usize = 2048;
/// E.164 allows 15 digits; 20 leaves room for extensions and call prefixes.
const MAX_PHONE_DIGITS: usize = 20;

/// True if `host` is dotted and every label is non-empty, so "a.b" passes while "a.", ".a" and
/// "a..b" (almost always typos) do not.
fn is_dotted_host(host: &str) -> bool {
    host.contains('.') && host.split('.').all(|label| !label.is_empty())
}

/// True if `s` holds no whitespace or control characters, which never belong in an address.
fn has_no_blanks(s: &str) -> bool {
    !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A pragmatic e-mail check: one '@', non-empty local part, a domain with a dot, no spaces,
/// ≤ 254 chars.
pub fn is_valid_email(s: &str) -> bool {
    if s.chars().count() > MAX_EMAIL_CHARS || !has_no_blanks(s) {
        return false;
    }
    let mut parts = s.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => !local.is_empty() && is_dotted_host(domain),
        _ => false,
    }
}

/// A website check: optional http(s)://, a host with a dot, no spaces, ≤ 2048 chars.
pub fn is_valid_website(s: &str) -> bool {
    if s.is_empty() || s.chars().count() > MAX_WEBSITE_CHARS || !has_no_blanks(s) {
        return false;
    }
    let rest = strip_prefix_ignore_case(s, "https://")
        .or_else(|| strip_prefix_ignore_case(s, "http://"))
        .unwrap_or(s);
    // The authority ends at the first path, query or fragment delimiter.
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    // Drop "user:pass@" and ":port" so only the host name is judged.
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = host_port.split(':').next().unwrap_or(host_port);
    is_dotted_host(host)
}

/// `s` without `prefix`, compared ASCII-case-insensitively ("HTTPS://" is common in pasted data).
fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// A phone check: phone_digits(s).is_some() and at most 20 digits.
pub fn is_valid_phone(s: &str) -> bool {
    phone_digits(s).is_some_and(|d| d.len() <= MAX_PHONE_DIGITS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_emails() {
        assert!(is_valid_email("an.nguyen@example.com"));
        assert!(is_valid_email("a+tag@mail.example.com.vn"));
        assert!(is_valid_email("lin@公司.台灣"));
    }

    #[test]
    fn rejects_malformed_emails() {
        assert!(!is_valid_email(""));
        assert!(!is_valid_email("an.nguyen"));
        assert!(!is_valid_email("@example.com"));
        assert!(!is_valid_email("an@localhost"));
        assert!(!is_valid_email("an@@example.com"));
        assert!(!is_valid_email("a@b@example.com"));
        assert!(!is_valid_email("an nguyen@example.com"));
        assert!(!is_valid_email("an@example."));
        assert!(!is_valid_email("an@.example.com"));
        assert!(!is_valid_email("an@example..com"));
    }

    #[test]
    fn email_length_limit_is_254_chars() {
        let domain = "@example.com";
        let ok = format!("{}{domain}", "a".repeat(254 - domain.len()));
        assert!(is_valid_email(&ok));
        let too_long = format!("{}{domain}", "a".repeat(255 - domain.len()));
        assert!(!is_valid_email(&too_long));
    }

    #[test]
    fn accepts_ordinary_websites() {
        assert!(is_valid_website("example.com"));
        assert!(is_valid_website("https://www.example.com.vn/path?q=1#top"));
        assert!(is_valid_website("HTTP://Example.com"));
        assert!(is_valid_website("http://example.com:8080/"));
        assert!(is_valid_website("公司.台灣"));
    }

    #[test]
    fn rejects_malformed_websites() {
        assert!(!is_valid_website(""));
        assert!(!is_valid_website("https://"));
        assert!(!is_valid_website("localhost"));
        assert!(!is_valid_website("http://localhost:8080/a.b"));
        assert!(!is_valid_website("exa mple.com"));
        assert!(!is_valid_website("example."));
        assert!(!is_valid_website(&format!(
            "example.com/{}",
            "a".repeat(2048)
        )));
    }

    #[test]
    fn phone_check_bounds_digit_count() {
        assert!(is_valid_phone("+84 912 345 678"));
        assert!(is_valid_phone("0912-345-678"));
        assert!(!is_valid_phone("12345"));
        assert!(!is_valid_phone("0912 345 678 ext 2"));
        assert!(is_valid_phone(&"1".repeat(20)));
        assert!(!is_valid_phone(&"1".repeat(21)));
    }
}
