//! Search text folding for Vietnamese and Chinese names, plus phone-number normalisation.
//!
//! Records store a pre-folded `search_text`; queries are folded the same way and matched as
//! substrings, so "nguyen" finds "Nguyễn" and "0912 345 678" finds "+84 912 345 678" without any
//! database-specific collation or full-text engine.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Most terms a query may have: each term is one `LIKE` clause, so this bounds query cost.
const MAX_TERMS: usize = 16;
/// Longest term in chars: longer terms cannot plausibly match and only cost scan time.
const MAX_TERM_CHARS: usize = 100;
/// Fewest digits for a string to count as a phone: fewer would turn short numbers such as
/// years or quantities into phone queries.
const MIN_PHONE_DIGITS: usize = 6;

/// One pass of the folding pipeline; `fold` repeats it until nothing changes.
fn fold_once(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // A separator is only written once the next word starts, which collapses runs and trims
    // both ends in one go.
    let mut pending_space = false;
    for c in text.nfkd().flat_map(char::to_lowercase) {
        // Marks are dropped (not turned into spaces) so "ễ" folds to "e" inside its word.
        // All marks (Mn, Mc, Me) go: keeping spacing marks would leave word pieces that do
        // not fold the same way on both sides.
        if is_combining_mark(c) {
            continue;
        }
        // Vietnamese đ has no decomposition, so NFKD alone leaves it alone.
        let c = if c == 'đ' { 'd' } else { c };
        // Punctuation and symbols are kept, so "100%" or "snake_case" are searched for
        // literally (api.md: `%`/`_` in `q` are not wildcards); only blanks separate words.
        if c.is_whitespace() || c.is_control() {
            pending_space = true;
        } else {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        }
    }
    out
}

/// NFKD-decompose, drop combining marks, map đ/Đ → d, lower-case, turn blanks and control
/// characters into one space, trim; punctuation and symbols are kept as typed. CJK characters are kept
/// as they are. "Nguyễn Văn An" → "nguyen van an"; "Đặng" → "dang".
///
/// All Unicode marks are dropped (Mn, and also the rarer Mc/Me), not only Mn.
pub fn fold(text: &str) -> String {
    // Lower-casing can produce characters that decompose further (and decomposing can produce
    // upper-case compatibility letters), so one pass is not always a fixed point. Repeating
    // until stable keeps `fold` idempotent, which stored-vs-query matching relies on; real
    // text settles on the second pass, the bound only guards against pathological input.
    let mut current = fold_once(text);
    for _ in 0..4 {
        let next = fold_once(&current);
        if next == current {
            break;
        }
        current = next;
    }
    current
}

/// The digits of a phone number if `s` looks like one: only digits, spaces, '+', '-', '.', '(',
/// ')', '/' and at least 6 digits. "+84 912 345 678" → Some("84912345678").
///
/// Full-width digits and punctuation (typed with CJK input methods) are accepted too, via NFKC.
pub fn phone_digits(s: &str) -> Option<String> {
    let mut digits = String::new();
    for c in s.nfkc() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !(c.is_whitespace() || matches!(c, '+' | '-' | '.' | '(' | ')' | '/')) {
            return None;
        }
    }
    (digits.len() >= MIN_PHONE_DIGITS).then_some(digits)
}

/// The national form ("0…") of an international Vietnamese (84) or Taiwanese (886) number.
///
/// The length of the rest is checked so that a partial number that merely starts with "84"
/// (say the query "845 678") is not rewritten into something that no longer matches.
fn national_form(digits: &str) -> Option<String> {
    // "00" is the international call prefix, as in "0084 912 345 678".
    let digits = digits.strip_prefix("00").unwrap_or(digits);
    let national = |rest: &str, lens: std::ops::RangeInclusive<usize>| {
        lens.contains(&rest.len()).then(|| format!("0{rest}"))
    };
    if let Some(rest) = digits.strip_prefix("886") {
        national(rest, 8..=9)
    } else if let Some(rest) = digits.strip_prefix("84") {
        national(rest, 8..=10)
    } else {
        None
    }
}

/// The forms under which a stored phone is indexed: its digits, plus the national form for an
/// international 84 / 886 number ("84912345678" → also "0912345678").
///
/// A stored value that does not look like a phone (say "ext. 12") is indexed as its folded
/// text instead, so it stays findable; an empty value gives no forms.
pub fn phone_index_forms(phone: &str) -> Vec<String> {
    let Some(digits) = phone_digits(phone) else {
        let folded = fold(phone);
        return if folded.is_empty() {
            Vec::new()
        } else {
            vec![folded]
        };
    };
    let mut forms = Vec::with_capacity(2);
    if let Some(national) = national_form(&digits) {
        forms.push(digits);
        forms.push(national);
    } else {
        forms.push(digits);
    }
    forms
}

/// Builds the text stored in a record's `search_text` column: the folded text of each part,
/// joined by " ", followed by the index forms of each phone. Empty parts skipped.
pub fn search_text(parts: &[&str], phones: &[&str]) -> String {
    let folded = parts.iter().map(|p| fold(p));
    let phones = phones.iter().flat_map(|p| phone_index_forms(p));
    let pieces: Vec<String> = folded.chain(phones).filter(|s| !s.is_empty()).collect();
    pieces.join(" ")
}

/// A parsed free-text query: every term must occur as a substring of a record's search_text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub terms: Vec<String>,
}

/// Cuts `s` to at most `max` chars, on a char boundary.
fn truncate_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((idx, _)) => &s[..idx],
        None => s,
    }
}

/// If the whole query looks like a phone it becomes ONE term: its national form (84… or 886…
/// → 0…; other digits kept). Otherwise the folded query is split on spaces into terms; short
/// terms are kept. Duplicates removed; at most 16 terms of at most 100 chars each.
pub fn parse_query(q: &str) -> SearchQuery {
    if let Some(digits) = phone_digits(q) {
        let term = national_form(&digits).unwrap_or(digits);
        return SearchQuery {
            terms: vec![truncate_chars(&term, MAX_TERM_CHARS).to_owned()],
        };
    }
    let folded = fold(q);
    let mut terms: Vec<String> = Vec::new();
    // Sentence punctuation around a word ("An," or "(Linda)") is not part of what is sought.
    let edges: &[char] = &[
        ',', ';', ':', '!', '?', '(', ')', '[', ']', '{', '}', '"', '\'', '“', '”', '，', '。',
        '、',
    ];
    for word in folded
        .split(' ')
        .map(|w| w.trim_matches(edges))
        .filter(|w| !w.is_empty())
    {
        // Truncate before de-duplicating: two long words can become equal once cut.
        let term = truncate_chars(word, MAX_TERM_CHARS);
        if !terms.iter().any(|t| t == term) {
            terms.push(term.to_owned());
            if terms.len() == MAX_TERMS {
                break;
            }
        }
    }
    SearchQuery { terms }
}

/// Escapes `\`, `%` and `_` with a backslash so a term is matched literally by
/// `LIKE ... ESCAPE '\'`.
pub fn escape_like(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for c in term.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(query: &str, text: &str) -> bool {
        let q = parse_query(query);
        !q.terms.is_empty() && q.terms.iter().all(|t| text.contains(t.as_str()))
    }

    #[test]
    fn vietnamese_name_folds_without_accents() {
        let text = search_text(&["Nguyễn Văn An"], &[]);
        assert_eq!(text, "nguyen van an");
        assert!(matches("nguyen van an", &text));
        assert!(matches("Nguyễn", &text));
        assert!(matches("NGUYEN an", &text));
    }

    #[test]
    fn d_with_stroke_folds_to_d_both_ways() {
        assert_eq!(fold("Đặng"), "dang");
        assert_eq!(fold("đặng"), "dang");
        assert!(matches("dang", &search_text(&["Đặng Thị Hoa"], &[])));
        assert!(matches("Đặng", &search_text(&["dang thi hoa"], &[])));
    }

    #[test]
    fn chinese_text_is_kept_and_substring_matches() {
        let folded = fold("客戶關係管理有限公司");
        assert_eq!(folded, "客戶關係管理有限公司");
        assert!(folded.contains("關係"));
        assert!(matches(
            "關係",
            &search_text(&["客戶關係管理有限公司"], &[])
        ));
    }

    #[test]
    fn query_terms_drop_sentence_punctuation_but_keep_wildcard_characters() {
        assert_eq!(parse_query("Nguyễn, (An)").terms, vec!["nguyen", "an"]);
        assert_eq!(
            parse_query("100% snake_case").terms,
            vec!["100%", "snake_case"]
        );
    }

    #[test]
    fn blanks_collapse_and_punctuation_is_kept_literally() {
        assert_eq!(fold("  Công ty -- TNHH,  ABC!! "), "cong ty -- tnhh, abc!!");
        assert_eq!(fold("a_b\t100%"), "a_b 100%");
        assert_eq!(fold(" \n "), "");
        // Full-width Latin from CJK input methods folds to ASCII.
        assert_eq!(fold("ＡＢＣ１２３"), "abc123");
    }

    #[test]
    fn phone_digits_accepts_common_spellings() {
        assert_eq!(
            phone_digits("+84 912 345 678").as_deref(),
            Some("84912345678")
        );
        assert_eq!(phone_digits("0912.345.678").as_deref(), Some("0912345678"));
        assert_eq!(
            phone_digits("(028) 3812-3456").as_deref(),
            Some("02838123456")
        );
        assert_eq!(
            phone_digits("０９１２３４５６７８").as_deref(),
            Some("0912345678")
        );
        assert_eq!(phone_digits("12345"), None);
        assert_eq!(phone_digits("call 0912345678"), None);
        assert_eq!(phone_digits(""), None);
    }

    #[test]
    fn index_forms_add_the_national_form() {
        assert_eq!(
            phone_index_forms("+84 912 345 678"),
            vec!["84912345678".to_owned(), "0912345678".to_owned()]
        );
        assert_eq!(
            phone_index_forms("+886 912 345 678"),
            vec!["886912345678".to_owned(), "0912345678".to_owned()]
        );
        assert_eq!(
            phone_index_forms("0912345678"),
            vec!["0912345678".to_owned()]
        );
        assert_eq!(phone_index_forms("ext. 12"), vec!["ext. 12".to_owned()]);
        assert!(phone_index_forms("").is_empty());
    }

    #[test]
    fn vietnamese_phone_found_however_typed() {
        let stored = [
            search_text(&[], &["+84 912 345 678"]),
            search_text(&[], &["0912345678"]),
        ];
        for query in [
            "+84 912 345 678",
            "0912345678",
            "0912.345.678",
            "84912345678",
        ] {
            let q = parse_query(query);
            assert_eq!(q.terms.len(), 1, "{query}");
            for text in &stored {
                assert!(text.contains(q.terms[0].as_str()), "{query} in {text}");
            }
        }
    }

    #[test]
    fn taiwan_phone_found_however_typed() {
        let stored = [
            search_text(&[], &["+886 912 345 678"]),
            search_text(&[], &["0912-345-678"]),
        ];
        for query in [
            "+886 912 345 678",
            "0912-345-678",
            "0912345678",
            "00886912345678",
        ] {
            let q = parse_query(query);
            assert_eq!(q.terms.len(), 1, "{query}");
            for text in &stored {
                assert!(text.contains(q.terms[0].as_str()), "{query} in {text}");
            }
        }
    }

    #[test]
    fn partial_number_starting_with_84_is_not_rewritten() {
        assert_eq!(parse_query("845 678").terms, vec!["845678".to_owned()]);
        assert!(matches("845 678", &search_text(&[], &["0912845678"])));
    }

    #[test]
    fn short_terms_are_kept_and_duplicates_dropped() {
        let q = parse_query("An an Nguyễn an");
        assert_eq!(q.terms, vec!["an".to_owned(), "nguyen".to_owned()]);
        assert_eq!(parse_query("a").terms, vec!["a".to_owned()]);
    }

    #[test]
    fn empty_query_has_no_terms() {
        assert!(parse_query("").terms.is_empty());
        assert!(parse_query("   \t ").terms.is_empty());
        assert!(parse_query("!?").terms.is_empty());
    }

    #[test]
    fn terms_are_bounded_in_count_and_length() {
        let many: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
        assert_eq!(parse_query(&many.join(" ")).terms.len(), 16);
        let long = "ệ".repeat(150);
        let q = parse_query(&long);
        assert_eq!(q.terms[0].chars().count(), 100);
    }

    #[test]
    fn search_text_joins_parts_and_phones_skipping_empty() {
        let text = search_text(&["Trần Bình", "", "  "], &["+84 912 345 678", ""]);
        assert_eq!(text, "tran binh 84912345678 0912345678");
    }

    #[test]
    fn escape_like_escapes_wildcards_and_backslash() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
        assert_eq!(escape_like("plain"), "plain");
    }
}
