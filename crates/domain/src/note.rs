//! Notes on the timeline: sanitised rich text and `@name` mentions.
//!
//! A note's body is HTML from the editor (or plain text from the API). Only a small set of
//! formatting tags survives; scripts, event handlers, styles and foreign URL schemes are
//! removed, so the stored body can be shown as HTML safely.

use std::collections::HashSet;

use crate::errors::{FieldErrors, Invalid};
use crate::search::fold;

/// Longest note body, in characters, after sanitising.
pub const MAX_BODY_CHARS: usize = 50_000;

/// The formatting tags a note keeps.
const TAGS: &[&str] = &[
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

/// The body as stored: formatting kept, anything active removed. Plain text (no tags) keeps
/// its line breaks.
pub fn sanitize(body: &str) -> String {
    let html = if looks_like_html(body) {
        body.to_string()
    } else {
        plain_to_html(body)
    };
    ammonia::Builder::default()
        .tags(TAGS.iter().copied().collect())
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&html)
        .to_string()
        .trim()
        .to_string()
}

/// Whether a body has markup: a `<` followed by a tag name, `/` or `!`.
fn looks_like_html(body: &str) -> bool {
    body.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

fn plain_to_html(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    escaped.trim().replace("\r\n", "\n").replace('\n', "<br>")
}

/// The text a reader sees in sanitised HTML: tags dropped, the common entities decoded,
/// block ends and line breaks as newlines. For mentions, excerpts and e-mails.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[lt + 1..lt + gt].to_ascii_lowercase();
        if tag.starts_with("br") || tag.starts_with("/p") || tag.starts_with("/li") {
            out.push('\n');
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .trim()
        .to_string()
}

/// The first `max` characters of a note's text, on one line.
pub fn excerpt(html: &str, max: usize) -> String {
    let text = plain_text(html)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let mut cut: String = text.chars().take(max).collect();
    cut.push('…');
    cut
}

/// Someone a note can mention.
#[derive(Debug, Clone)]
pub struct Mentionable<'a> {
    pub id: i64,
    pub name: &'a str,
    pub email: &'a str,
}

/// Most words a mentioned name may have ("@Nguyễn Thị Minh Khai").
const MAX_NAME_WORDS: usize = 5;

/// The users a text mentions, in order of first mention. `@` starts a mention at the start
/// of the text or after a blank or an opening bracket (so "an@example.com" is not one), and
/// must be followed by a letter or digit. A mention matches a user's name (accents and case
/// ignored; the longest name wins, so "@Chi Lan" is not "@Chi"), their e-mail or the part of
/// it before `@`. A mention that matches nobody is an error naming it.
pub fn mentions(text: &str, people: &[Mentionable<'_>]) -> Result<Vec<i64>, FieldErrors> {
    let mut found = Vec::new();
    let mut seen = HashSet::new();
    let mut errors = FieldErrors::new();
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        let starts = c == '@' && prev.is_none_or(|p| p.is_whitespace() || "([{>\"'".contains(p));
        prev = Some(c);
        if !starts {
            continue;
        }
        let rest = &text[i + 1..];
        if !rest.chars().next().is_some_and(char::is_alphanumeric) {
            continue;
        }
        match best_match(rest, people) {
            Some(id) => {
                if seen.insert(id) {
                    found.push(id);
                }
            }
            None => {
                let word: String = rest
                    .split(|c: char| c.is_whitespace())
                    .next()
                    .unwrap_or("")
                    .trim_end_matches(|c: char| !c.is_alphanumeric())
                    .to_string();
                errors.add(
                    "body",
                    Invalid::Mention {
                        name: format!("@{word}"),
                    },
                );
            }
        }
    }
    errors.into_result().map(|()| found)
}

/// The person whose name (or address) the longest run of words after `@` spells.
fn best_match(rest: &str, people: &[Mentionable<'_>]) -> Option<i64> {
    let words: Vec<&str> = rest.split_whitespace().take(MAX_NAME_WORDS).collect();
    for n in (1..=words.len()).rev() {
        let candidate = words[..n].join(" ");
        let candidate = candidate.trim_end_matches(|c: char| ".,;:!?)]}\"'".contains(c));
        let folded = fold(candidate);
        if folded.is_empty() {
            continue;
        }
        let hit = people.iter().find(|p| {
            let email = p.email.to_lowercase();
            fold(p.name) == folded
                || email == folded
                || email.split('@').next().is_some_and(|local| local == folded)
        });
        if let Some(p) = hit {
            return Some(p.id);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people() -> Vec<Mentionable<'static>> {
        vec![
            Mentionable {
                id: 1,
                name: "Nguyễn Văn An",
                email: "an@example.com",
            },
            Mentionable {
                id: 2,
                name: "Chi",
                email: "chi@example.com",
            },
            Mentionable {
                id: 3,
                name: "Chi Lan",
                email: "lan@example.com",
            },
            Mentionable {
                id: 4,
                name: "王小明",
                email: "ming@example.tw",
            },
        ]
    }

    #[test]
    fn scripts_and_event_handlers_are_removed_formatting_stays() {
        let s = sanitize(
            "<p onclick=\"steal()\">Hi <b>there</b><script>alert(1)</script>\
             <img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">x</a>\
             <a href=\"https://sen.example\">ok</a></p>",
        );
        assert!(!s.contains("script"), "{s}");
        assert!(!s.contains("onclick") && !s.contains("onerror"), "{s}");
        assert!(!s.contains("javascript:"), "{s}");
        assert!(s.contains("<b>there</b>"), "{s}");
        assert!(s.contains("href=\"https://sen.example\""), "{s}");
        assert!(s.contains("noopener"), "{s}");
    }

    #[test]
    fn plain_text_keeps_its_line_breaks_and_is_escaped() {
        assert_eq!(sanitize("a < b\nsecond"), "a &lt; b<br>second");
        assert_eq!(plain_text(&sanitize("a < b\nsecond")), "a < b\nsecond");
    }

    #[test]
    fn mentions_match_names_without_accents_longest_first() {
        let p = people();
        assert_eq!(mentions("Hỏi @nguyen van an nhé", &p).unwrap(), vec![1]);
        assert_eq!(
            mentions("@Chi Lan, @chi: xem giúp", &p).unwrap(),
            vec![3, 2]
        );
        assert_eq!(mentions("@王小明 請看", &p).unwrap(), vec![4]);
        assert_eq!(
            mentions("cc @lan and @an@example.com", &p).unwrap(),
            vec![3, 1]
        );
    }

    #[test]
    fn addresses_and_lone_at_signs_are_not_mentions() {
        let p = people();
        assert_eq!(
            mentions("write to an@example.com @ 5pm", &p).unwrap(),
            Vec::<i64>::new()
        );
    }

    #[test]
    fn a_mention_of_nobody_is_refused_naming_it() {
        let e = mentions("hello @nobody here", &people()).unwrap_err();
        assert_eq!(
            e.0["body"],
            vec![Invalid::Mention {
                name: "@nobody".into()
            }]
        );
    }

    #[test]
    fn excerpts_are_one_line_and_cut() {
        assert_eq!(excerpt("<p>one</p><p>two three</p>", 7), "one two…");
    }
}
