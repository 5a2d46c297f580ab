//! Tokenizer for the filter language. Positions are char offsets, as reported to users.

use super::{FilterError, FilterErrorCode, Op};

/// The kinds of token. Keywords are not separated out here: a one-segment `Word` is a keyword
/// when it spells one (case-insensitively), which the parser decides.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    /// A field path or keyword: `[A-Za-z_][A-Za-z0-9_]*` segments joined by `.`.
    Word(String),
    /// A string literal, escapes resolved.
    Str(String),
    /// Unsigned `digits(.digits)?`; the parser applies a leading `-`.
    Num(String),
    /// An unsigned duration in hours (`30d` → 720).
    Dur(i128),
    Op(Op),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Plus,
    Minus,
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub tok: Tok,
    /// Char offset of the token's first char.
    pub pos: usize,
    /// The token as written, for error messages.
    pub text: String,
}

/// Splits `input` into tokens. The caller has already bounded the input length.
pub(super) fn tokenize(input: &str) -> Result<Vec<Token>, FilterError> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let tok = match c {
            '(' => single(&mut i, Tok::LParen),
            ')' => single(&mut i, Tok::RParen),
            '[' => single(&mut i, Tok::LBracket),
            ']' => single(&mut i, Tok::RBracket),
            ',' => single(&mut i, Tok::Comma),
            '+' => single(&mut i, Tok::Plus),
            '-' => single(&mut i, Tok::Minus),
            '=' | '!' | '<' | '>' | '&' | '|' => Tok::Op(operator(&chars, &mut i)?),
            '"' => Tok::Str(string(&chars, &mut i)?),
            c if c.is_ascii_digit() => number(&chars, &mut i)?,
            c if is_word_start(c) => Tok::Word(word(&chars, &mut i)?),
            other => {
                return Err(FilterError::new(
                    FilterErrorCode::UnexpectedToken,
                    format!("unexpected character `{other}`"),
                    start,
                    other.to_string(),
                ));
            }
        };
        let text = chars.get(start..i).unwrap_or_default().iter().collect();
        tokens.push(Token {
            tok,
            pos: start,
            text,
        });
    }
    Ok(tokens)
}

fn single(i: &mut usize, tok: Tok) -> Tok {
    *i += 1;
    tok
}

fn is_word_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Reads a comparison operator, rejecting look-alikes from other languages (`==`, `<>`, `&&`,
/// a lone `!`) with a hint, since those are the usual mistakes.
fn operator(chars: &[char], i: &mut usize) -> Result<Op, FilterError> {
    let start = *i;
    let first = chars.get(start).copied().unwrap_or(' ');
    let second = chars.get(start + 1).copied();
    let (op, len) = match (first, second) {
        ('<', Some('=')) => (Some(Op::Le), 2),
        ('>', Some('=')) => (Some(Op::Ge), 2),
        ('!', Some('=')) => (Some(Op::Ne), 2),
        ('=' | '<' | '>' | '&' | '|' | '!', Some('=' | '<' | '>' | '&' | '|')) => (None, 2),
        ('=', _) => (Some(Op::Eq), 1),
        ('<', _) => (Some(Op::Lt), 1),
        ('>', _) => (Some(Op::Gt), 1),
        _ => (None, 1),
    };
    if let Some(op) = op {
        *i += len;
        return Ok(op);
    }
    let text: String = chars
        .get(start..start + len)
        .unwrap_or_default()
        .iter()
        .collect();
    let hint = match text.as_str() {
        "==" => "use `=`",
        "<>" => "use `!=`",
        "&&" | "&" => "use `and`",
        "||" | "|" => "use `or`",
        "!" => "use `!=` or `not`",
        _ => "expected one of `=`, `!=`, `<`, `<=`, `>`, `>=`",
    };
    Err(FilterError::new(
        FilterErrorCode::InvalidOperator,
        format!("invalid operator `{text}`: {hint}"),
        start,
        text,
    ))
}

/// Reads a double-quoted string; `\"` and `\\` are the only escapes.
fn string(chars: &[char], i: &mut usize) -> Result<String, FilterError> {
    let start = *i;
    let mut out = String::new();
    *i += 1;
    loop {
        match chars.get(*i).copied() {
            None => {
                return Err(FilterError::new(
                    FilterErrorCode::UnterminatedString,
                    "unterminated string: missing closing `\"`",
                    start,
                    chars
                        .get(start..)
                        .unwrap_or_default()
                        .iter()
                        .collect::<String>(),
                ));
            }
            Some('"') => {
                *i += 1;
                return Ok(out);
            }
            Some('\\') => match chars.get(*i + 1).copied() {
                Some(c @ ('"' | '\\')) => {
                    out.push(c);
                    *i += 2;
                }
                Some(other) => {
                    return Err(FilterError::new(
                        FilterErrorCode::UnexpectedToken,
                        format!("unknown escape `\\{other}` in string: only `\\\"` and `\\\\`"),
                        *i,
                        format!("\\{other}"),
                    ));
                }
                None => {
                    return Err(FilterError::new(
                        FilterErrorCode::UnterminatedString,
                        "unterminated string: missing closing `\"`",
                        start,
                        chars
                            .get(start..)
                            .unwrap_or_default()
                            .iter()
                            .collect::<String>(),
                    ));
                }
            },
            Some(c) => {
                out.push(c);
                *i += 1;
            }
        }
    }
}

/// Reads a number or duration. The whole run of word chars and dots is taken as one token so
/// that `12abc` or `1.2.3` is reported whole instead of as a confusing second token.
fn number(chars: &[char], i: &mut usize) -> Result<Tok, FilterError> {
    let start = *i;
    while chars.get(*i).is_some_and(|&c| is_word_char(c) || c == '.') {
        *i += 1;
    }
    let text: String = chars.get(start..*i).unwrap_or_default().iter().collect();
    if is_decimal(&text) {
        return Ok(Tok::Num(text));
    }
    let invalid = |message: String| {
        Err(FilterError::new(
            FilterErrorCode::InvalidNumber,
            message,
            start,
            text.clone(),
        ))
    };
    let Some(unit) = text.chars().last() else {
        return invalid(format!("invalid number `{text}`"));
    };
    let digits = &text[..text.len() - unit.len_utf8()];
    let per_unit: i128 = match unit.to_ascii_lowercase() {
        'd' => 24,
        'h' => 1,
        _ => return invalid(format!("invalid number `{text}`")),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return invalid(format!(
            "invalid duration `{text}`: expected whole days or hours like `30d` or `2h`"
        ));
    }
    match digits.parse::<u64>() {
        Ok(n) => Ok(Tok::Dur(i128::from(n) * per_unit)),
        Err(_) => invalid(format!("duration `{text}` is too large")),
    }
}

/// True for `digits(.digits)?`.
pub(super) fn is_decimal(s: &str) -> bool {
    let (int, frac) = match s.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (s, None),
    };
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    all_digits(int) && frac.is_none_or(all_digits)
}

/// Reads a dotted field path; every `.` must be followed by another segment.
fn word(chars: &[char], i: &mut usize) -> Result<String, FilterError> {
    let start = *i;
    loop {
        while chars.get(*i).is_some_and(|&c| is_word_char(c)) {
            *i += 1;
        }
        if chars.get(*i) != Some(&'.') {
            break;
        }
        if !chars.get(*i + 1).is_some_and(|&c| is_word_start(c)) {
            let so_far: String = chars.get(start..*i).unwrap_or_default().iter().collect();
            return Err(FilterError::new(
                FilterErrorCode::UnexpectedToken,
                format!("expected a field name after `{so_far}.`"),
                *i,
                ".",
            ));
        }
        *i += 1;
    }
    Ok(chars.get(start..*i).unwrap_or_default().iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(input: &str) -> Vec<Tok> {
        tokenize(input)
            .unwrap()
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn tokenizes_paths_operators_and_literals() {
        assert_eq!(
            kinds(r#"stage.is_won!=x<=1.5 "a\"b\\" (30d,2H)"#),
            vec![
                Tok::Word("stage.is_won".into()),
                Tok::Op(Op::Ne),
                Tok::Word("x".into()),
                Tok::Op(Op::Le),
                Tok::Num("1.5".into()),
                Tok::Str("a\"b\\".into()),
                Tok::LParen,
                Tok::Dur(720),
                Tok::Comma,
                Tok::Dur(2),
                Tok::RParen,
            ]
        );
    }

    #[test]
    fn positions_are_char_offsets() {
        let toks = tokenize("\"Đặng\" = x").unwrap();
        assert_eq!(toks[1].pos, 7);
        assert_eq!(toks[2].pos, 9);
    }

    #[test]
    fn rejects_bad_numbers_whole() {
        for bad in ["12abc", "1.2.3", "1.", "12.5d", "99999999999999999999d"] {
            let err = tokenize(&format!("x = {bad}")).unwrap_err();
            assert_eq!(err.code, FilterErrorCode::InvalidNumber, "{bad}");
            assert_eq!(err.token, bad);
            assert_eq!(err.position, 4);
        }
    }

    #[test]
    fn rejects_foreign_operators_with_hint() {
        for (bad, hint) in [
            ("==", "`=`"),
            ("<>", "`!=`"),
            ("&&", "`and`"),
            ("!", "`not`"),
        ] {
            let err = tokenize(&format!("x {bad} 1")).unwrap_err();
            assert_eq!(err.code, FilterErrorCode::InvalidOperator, "{bad}");
            assert!(err.message.contains(hint), "{}", err.message);
            assert_eq!(err.token, bad);
        }
    }

    #[test]
    fn rejects_unterminated_strings_and_bad_escapes() {
        let err = tokenize("name = \"abc").unwrap_err();
        assert_eq!(err.code, FilterErrorCode::UnterminatedString);
        assert_eq!(err.position, 7);
        let err = tokenize("name = \"a\\").unwrap_err();
        assert_eq!(err.code, FilterErrorCode::UnterminatedString);
        let err = tokenize("name = \"a\\n\"").unwrap_err();
        assert_eq!(err.code, FilterErrorCode::UnexpectedToken);
        assert_eq!(err.token, "\\n");
    }

    #[test]
    fn rejects_dangling_dot_and_stray_characters() {
        let err = tokenize("custom. = 1").unwrap_err();
        assert_eq!(
            (err.code, err.position),
            (FilterErrorCode::UnexpectedToken, 6)
        );
        let err = tokenize("tên = 1").unwrap_err();
        assert_eq!((err.token.as_str(), err.position), ("ê", 1));
    }
}
