//! What counts as active markup in stored rich text: the definition the XSS tests and the
//! rich-text fuzz target check the cleaner's output against. Text between tags is escaped
//! by the cleaner, so only tags matter: their names, their attributes' names and the
//! schemes of their URLs.

/// Tags that cannot run or load anything. Deliberately not the cleaner's own list
/// (`note::TAGS`): this is the second opinion, so adding a tag there that can run code
/// must make the XSS test and the fuzz target fail, not silently agree.
const INERT_TAGS: &[&str] = &[
    "p",
    "br",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "s",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
    "pre",
];

/// Attributes a cleaned body may hold (ammonia's defaults for the tags above); `href` and
/// `cite` are URLs, checked as such.
const INERT_ATTRIBUTES: &[&str] = &[
    "href", "cite", "rel", "title", "lang", "dir", "hreflang", "start",
];

/// URL schemes a link may use (a URL without one is relative, which is inert too).
const SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// One tag: its name and attributes (name, value).
struct Tag<'a> {
    name: String,
    attributes: Vec<(String, &'a str)>,
}

/// Reads the attributes of a tag's text after its name (`a href="x" rel=y`).
fn attributes(mut s: &str) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    loop {
        s = s.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if s.is_empty() {
            return out;
        }
        let end = s
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(s.len());
        let name = s[..end].to_ascii_lowercase();
        s = s[end..].trim_start();
        let mut value = "";
        if let Some(rest) = s.strip_prefix('=') {
            let rest = rest.trim_start();
            let (v, after) = match rest.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &rest[1..];
                    let close = body.find(q).unwrap_or(body.len());
                    (&body[..close], body.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let close = rest.find(char::is_whitespace).unwrap_or(rest.len());
                    (&rest[..close], &rest[close..])
                }
            };
            value = v;
            s = after;
        }
        out.push((name, value));
    }
}

/// The tags of `html`, in order.
fn tags(html: &str) -> Vec<Tag<'_>> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        // The end of the tag is the first `>` outside a quoted value.
        let mut quote = None;
        let close = after
            .char_indices()
            .find(|&(_, c)| match quote {
                Some(q) if c == q => {
                    quote = None;
                    false
                }
                Some(_) => false,
                None if c == '"' || c == '\'' => {
                    quote = Some(c);
                    false
                }
                None => c == '>',
            })
            .map(|(i, _)| i)
            .unwrap_or(after.len());
        let inner = after[..close].trim_start_matches('/');
        let name_end = inner
            .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
            .unwrap_or(inner.len());
        out.push(Tag {
            name: inner[..name_end].to_ascii_lowercase(),
            attributes: attributes(&inner[name_end..]),
        });
        rest = after.get(close + 1..).unwrap_or("");
    }
    out
}

/// Decodes the character references an attribute value may hold, as a browser does
/// before it reads the URL (`&#106;` is `j`, `&colon;` is `:`). A name no reference has
/// stays as written, as it does in a browser.
fn decode_references(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match numeric_reference(after).or_else(|| named_reference(after)) {
            Some((c, used)) => {
                out.push(c);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `#106;`, `#x6A`, `#0000106`: a numeric reference as browsers read it (any number of
/// digits, the `;` optional, out-of-range values as U+FFFD); (character, bytes used).
fn numeric_reference(after: &str) -> Option<(char, usize)> {
    let body = after.strip_prefix('#')?;
    let (hex, digits_at) = match body.strip_prefix(['x', 'X']) {
        Some(_) => (true, 2),
        None => (false, 1),
    };
    let digits = &after[digits_at..];
    let len = digits
        .find(|c: char| {
            !(if hex {
                c.is_ascii_hexdigit()
            } else {
                c.is_ascii_digit()
            })
        })
        .unwrap_or(digits.len());
    if len == 0 {
        return None;
    }
    let value = u32::from_str_radix(&digits[..len], if hex { 16 } else { 10 }).unwrap_or(u32::MAX);
    let c = char::from_u32(value).unwrap_or('\u{fffd}');
    let semicolon = usize::from(digits[len..].starts_with(';'));
    Some((c, digits_at + len + semicolon))
}

/// The named references that matter to a URL: the markup characters, and those that spell
/// a scheme's characters or the whitespace a browser drops from a URL (no other name
/// decodes to an ASCII letter, digit, `+`, `-`, `.` or `:`).
fn named_reference(after: &str) -> Option<(char, usize)> {
    let end = after.find(';').filter(|&e| e <= 10)?;
    let c = match &after[..end] {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "colon" => ':',
        "plus" => '+',
        "period" => '.',
        "Tab" => '\t',
        "NewLine" => '\n',
        _ => return None,
    };
    Some((c, end + 1))
}

/// Whether a URL may be followed: relative, or with an allowed scheme. It is read as a
/// browser reads it: references decoded, C0 controls and spaces at the ends dropped (DEL is
/// not one of them, so `\u{7f}https:` has no scheme), tabs and line breaks inside removed
/// (`java\tscript:` is `javascript:`).
fn inert_url(url: &str) -> bool {
    let url: String = decode_references(url)
        .trim_matches(|c: char| c <= '\u{1f}' || c == ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let Some(colon) = url.find(':') else {
        return true;
    };
    let scheme = &url[..colon];
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    // Text before the colon that cannot be a scheme makes the URL relative.
    !is_scheme || SCHEMES.contains(&scheme.to_ascii_lowercase().as_str())
}

/// The first active part of `html` (a tag, attribute or URL that could run or load
/// something), described for a test's message; `None` when all of it is inert.
pub fn active_markup(html: &str) -> Option<String> {
    for tag in tags(html) {
        if !INERT_TAGS.contains(&tag.name.as_str()) && !tag.name.starts_with('!') {
            return Some(format!("the tag <{}>", tag.name));
        }
        for (name, value) in &tag.attributes {
            if !INERT_ATTRIBUTES.contains(&name.as_str()) {
                return Some(format!("the attribute {name} of <{}>", tag.name));
            }
            if (name == "href" || name == "cite") && !inert_url(value) {
                return Some(format!("the link {value:?}"));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_and_ordinary_links_are_inert() {
        let html = r#"<p>Xin <b>chào</b> <a href="https://sen.vn/a?b=c:d&amp;e=f" rel="noopener">Sen</a> <a href="/leads/1">#1</a> <a href="mailto:an@sen.vn">An</a></p><br>"#;
        assert_eq!(active_markup(html), None);
    }

    #[test]
    fn scripts_handlers_styles_and_script_urls_are_active() {
        for html in [
            "<script>alert(1)</script>",
            "<p onclick=\"alert(1)\">x</p>",
            "<b style=\"color:red\">x</b>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\" JavaScript:alert(1)\">x</a>",
            "<a href=\"&#106;avascript:alert(1)\">x</a>",
            "<a href=\"data:text/html,x\">x</a>",
            "<a href=\"java&#x09;script:alert(1)\">x</a>",
            "<a href=\"&#106avascript:alert(1)\">x</a>",
            "<a href=\"&#0000000106;avascript:alert(1)\">x</a>",
            "<a href=\"java\tscript:alert(1)\">x</a>",
            "<a href=\"&#x6A;avascript&colon;alert(1)\">x</a>",
            "<img src=x>",
            "<svg/onload=alert(1)>",
        ] {
            assert!(active_markup(html).is_some(), "{html}");
        }
    }

    #[test]
    fn text_before_a_colon_that_cannot_be_a_scheme_is_a_relative_url() {
        assert_eq!(
            active_markup("<a href=\"t\u{fffd}\u{fffd}://s\">x</a>"),
            None
        );
        assert_eq!(active_markup("<a href=\"a b:c\">x</a>"), None);
        assert_eq!(active_markup("<a href=\"&amp;httpS://s;n\">x</a>"), None);
        assert_eq!(active_markup("<a href=\"&amp;h777gt;&lt;777\">x</a>"), None);
        // A browser trims only C0 controls and spaces: a leading DEL keeps the URL relative.
        assert_eq!(active_markup("<a href=\"\u{7f}ttps://s\">x</a>"), None);
        assert!(active_markup("<a href=\"\u{1f}javascript:x\">x</a>").is_some());
    }

    #[test]
    fn a_handler_written_inside_a_quoted_value_is_only_text() {
        let html = r#"<a href="ert(13&gt;&lt;svg onload=alert(1)&gt;" rel="noopener">x</a>"#;
        assert_eq!(active_markup(html), None);
    }
}
