//! Money: exact amounts in a currency's minor units, never floats.
//!
//! The API writes amounts as decimal strings (`{"amount": "78000", "currency": "VND"}`);
//! they are parsed into an integer count of the currency's minor units (ISO 4217 exponent:
//! VND 0, TWD 2, USD 2, KWD 3 …) and stored as such, so sums are exact on both databases.

use std::fmt;

use iso_currency::Currency as Iso;

/// Amounts are refused above this many major units (a trillion: far above any deal, and it
/// keeps board sums of revenue × probability inside 64-bit integers on both databases).
pub const MAX_MAJOR: i64 = 1_000_000_000_000;

/// An ISO 4217 currency we can keep exact amounts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CurrencyCode(Iso);

impl CurrencyCode {
    /// An upper-case ISO 4217 code with a defined minor unit (so not XAU, XXX …).
    pub fn parse(code: &str) -> Option<CurrencyCode> {
        let c = Iso::from_code(code.trim())?;
        c.exponent()?;
        Some(CurrencyCode(c))
    }

    pub fn code(self) -> String {
        self.0.code().to_string()
    }

    /// Digits after the decimal point (0 for VND, 2 for USD).
    pub fn exponent(self) -> u32 {
        u32::from(self.0.exponent().unwrap_or(0))
    }
}

impl fmt::Display for CurrencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.code())
    }
}

/// An exact amount of money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    /// In minor units of `currency` (cents for USD, đồng for VND).
    pub minor: i64,
    pub currency: CurrencyCode,
}

/// Why an amount was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyError {
    /// Not a plain decimal number ("abc", "1e5", "1,000").
    NotANumber,
    /// More decimals than the currency has (e.g. "1.5" VND).
    TooPrecise {
        max_decimals: u32,
    },
    Negative,
    TooLarge,
    UnknownCurrency,
}

impl Money {
    /// Parses a decimal string such as "78000", "78000.50" or "-3" (negatives are refused:
    /// expected revenue is never negative).
    pub fn parse(amount: &str, currency: &str) -> Result<Money, MoneyError> {
        let currency = CurrencyCode::parse(currency).ok_or(MoneyError::UnknownCurrency)?;
        let s = amount.trim();
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let (int_part, frac_part) = match digits.split_once('.') {
            Some((i, f)) => (i, f),
            None => (digits, ""),
        };
        let all_digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        if int_part.is_empty()
            || !all_digits(int_part)
            || !all_digits(frac_part)
            || (digits.contains('.') && frac_part.is_empty())
        {
            return Err(MoneyError::NotANumber);
        }
        let exp = currency.exponent();
        let frac_trimmed = frac_part.trim_end_matches('0');
        if frac_trimmed.len() > exp as usize {
            return Err(MoneyError::TooPrecise { max_decimals: exp });
        }
        let int_trimmed = int_part.trim_start_matches('0');
        if int_trimmed.len() > 16 {
            return Err(MoneyError::TooLarge);
        }
        let major: i64 = if int_trimmed.is_empty() {
            0
        } else {
            int_trimmed.parse().map_err(|_| MoneyError::TooLarge)?
        };
        if major > MAX_MAJOR {
            return Err(MoneyError::TooLarge);
        }
        let mut frac_digits = frac_trimmed.to_string();
        while frac_digits.len() < exp as usize {
            frac_digits.push('0');
        }
        let frac: i64 = if frac_digits.is_empty() {
            0
        } else {
            frac_digits.parse().map_err(|_| MoneyError::NotANumber)?
        };
        let minor = major
            .checked_mul(10_i64.pow(exp))
            .and_then(|m| m.checked_add(frac))
            .ok_or(MoneyError::TooLarge)?;
        if negative && minor != 0 {
            return Err(MoneyError::Negative);
        }
        Ok(Money { minor, currency })
    }

    /// An amount as a person types it on a form: with thousands separators and a currency
    /// symbol ("78.000 ₫", "NT$78,000", "$1,234.50", "78,000"). A separator followed by exactly
    /// three digits groups thousands when the currency has no decimals or it is the
    /// currency's own grouping mark (`.` for VND, `,` for the others); with both marks, the
    /// last one is the decimal point. The API takes only plain decimals (`parse`).
    pub fn parse_typed(amount: &str, currency: &str) -> Result<Money, MoneyError> {
        let code = CurrencyCode::parse(currency).ok_or(MoneyError::UnknownCurrency)?;
        Money::parse(&plain_decimal(amount, code), currency)
    }

    pub fn zero(currency: CurrencyCode) -> Money {
        Money { minor: 0, currency }
    }

    /// The amount as a decimal string with exactly the currency's decimals ("78000",
    /// "12.50").
    pub fn amount(&self) -> String {
        format_minor(self.minor, self.currency.exponent())
    }

    /// `self × percent / 100`, rounded half away from zero to a minor unit.
    pub fn percent(&self, percent: i64) -> Money {
        Money {
            minor: round_div(i128::from(self.minor) * i128::from(percent), 100),
            currency: self.currency,
        }
    }
}

impl Money {
    /// The amount in thousandths of a major unit (comparable across currencies; exact for
    /// every currency with at most 3 decimals, which is all of ISO 4217 but a few units of
    /// account).
    pub fn milli(&self) -> i64 {
        let exp = self.currency.exponent();
        if exp <= 3 {
            self.minor.saturating_mul(10_i64.pow(3 - exp))
        } else {
            self.minor / 10_i64.pow(exp - 3)
        }
    }
}

/// A decimal text ("1000000", "12.5") in thousandths, truncating further decimals; None if
/// it is not a decimal or too large.
pub fn decimal_milli(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, digits) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (i, f) = digits.split_once('.').unwrap_or((digits, ""));
    if i.is_empty()
        || !i.chars().all(|c| c.is_ascii_digit())
        || !f.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let mut frac: String = f.chars().take(3).collect();
    while frac.len() < 3 {
        frac.push('0');
    }
    let v = i
        .parse::<i64>()
        .ok()?
        .checked_mul(1000)?
        .checked_add(frac.parse::<i64>().ok()?)?;
    Some(if neg { -v } else { v })
}

/// A positive exchange rate written as a decimal ("25400", "0.0393") in millionths.
pub fn parse_rate(s: &str) -> Option<i64> {
    let s = s.trim();
    let (i, f) = s.split_once('.').unwrap_or((s, ""));
    if i.is_empty()
        || f.len() > 6
        || !i.chars().all(|c| c.is_ascii_digit())
        || !f.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let frac = format!("{f:0<6}");
    let v = i
        .parse::<i64>()
        .ok()?
        .checked_mul(1_000_000)?
        .checked_add(frac.parse::<i64>().ok()?)?;
    (v > 0 && v <= 1_000_000_000_000_000).then_some(v)
}

/// Writes millionths as a decimal without trailing zeros ("25400", "0.0393").
pub fn format_rate(micro: i64) -> String {
    let s = format_minor(micro, 6);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// Converts an amount into another currency at `rate_micro` (target major units per source
/// major unit × 10⁶), rounding half away from zero to the target's minor unit.
pub fn convert(minor: i64, from: CurrencyCode, to: CurrencyCode, rate_micro: i64) -> i64 {
    let num = i128::from(minor) * i128::from(rate_micro) * 10_i128.pow(to.exponent());
    let den = 10_i128.pow(from.exponent()) * 1_000_000;
    round_div(num, den)
}

/// Writes a count of minor units as a decimal string.
pub fn format_minor(minor: i64, exponent: u32) -> String {
    if exponent == 0 {
        return minor.to_string();
    }
    let scale = 10_i128.pow(exponent);
    let v = i128::from(minor);
    let sign = if v < 0 { "-" } else { "" };
    let abs = v.abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = exponent as usize
    )
}

/// Integer division rounding half away from zero (for weighted sums).
pub fn round_div(n: i128, d: i128) -> i64 {
    let q = n / d;
    let r = n % d;
    let q = if 2 * r.abs() >= d.abs() {
        q + n.signum() * d.signum()
    } else {
        q
    };
    i64::try_from(q).unwrap_or(if q < 0 { i64::MIN } else { i64::MAX })
}

/// The symbols people write around an amount of a currency (compared without case).
fn symbols_of(code: &str) -> &'static [&'static str] {
    match code {
        "VND" => &["vnđ", "vnd", "₫", "đ"],
        "TWD" => &["twd", "nt$", "$"],
        "USD" => &["usd", "us$", "$"],
        _ => &[],
    }
}

/// Digits grouped by thousands: 1–3 digits, then groups of exactly 3.
fn well_grouped(groups: &[&str]) -> bool {
    let digits = |g: &str| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit());
    match groups.split_first() {
        Some((first, rest)) => {
            digits(first) && first.len() <= 3 && rest.iter().all(|g| digits(g) && g.len() == 3)
        }
        None => false,
    }
}

/// What `Money::parse_typed` reads: `amount` without its currency's symbol, spaces and
/// thousands marks, with `.` as the decimal point. Anything it cannot read for certain
/// (another currency's symbol, groups that are not of three digits, two decimal points) is
/// returned unchanged, so `Money::parse` refuses it.
pub fn plain_decimal(amount: &str, currency: CurrencyCode) -> String {
    let mut kept: String = amount
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    let code = currency.code();
    let mut stripped = kept.replace(&code.to_lowercase(), "");
    for symbol in symbols_of(&code) {
        stripped = stripped.replace(symbol, "");
    }
    kept = stripped;
    let (sign, body) = match kept.strip_prefix(['-', '+']) {
        Some(rest) => (&kept[..1], rest),
        None => ("", kept.as_str()),
    };
    let marks: Vec<char> = body.chars().filter(|c| matches!(c, '.' | ',')).collect();
    let unreadable = || amount.to_string();
    let Some(&last) = marks.last() else {
        return kept.clone();
    };
    let mixed = marks.iter().any(|m| *m != last);
    let (whole, decimals) = if mixed {
        // "1.234.567,89" / "1,234,567.89": the last mark is the decimal point.
        match body.rsplit_once(last) {
            Some((w, d)) => (w, Some(d)),
            None => return unreadable(),
        }
    } else if marks.len() == 1 {
        let (w, d) = body.split_once(last).unwrap_or((body, ""));
        // "78.000", "78,000": thousands when three digits follow and the currency has
        // fewer decimals than that; otherwise a decimal point ("12.50", "12,5").
        if d.len() == 3 && currency.exponent() < 3 {
            (body, None)
        } else {
            (w, Some(d))
        }
    } else {
        (body, None)
    };
    let grouping = if mixed { marks[0] } else { last };
    let groups: Vec<&str> = whole.split(grouping).collect();
    let single_group = groups.len() == 1;
    if !single_group && !well_grouped(&groups) {
        return unreadable();
    }
    let mut out = format!("{sign}{}", groups.concat());
    if let Some(d) = decimals {
        out.push('.');
        out.push_str(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vnd(s: &str) -> Result<Money, MoneyError> {
        Money::parse(s, "VND")
    }

    #[test]
    fn seed_004_tshirt_order_is_78000_dong() {
        let m = vnd("78000").unwrap();
        assert_eq!(m.minor, 78_000);
        assert_eq!(m.amount(), "78000");
    }

    #[test]
    fn usd_keeps_cents_exactly() {
        let m = Money::parse("1234.5", "USD").unwrap();
        assert_eq!(m.minor, 123_450);
        assert_eq!(m.amount(), "1234.50");
        assert_eq!(
            Money::parse("0.1", "USD").unwrap().minor + Money::parse("0.2", "USD").unwrap().minor,
            30
        );
    }

    #[test]
    fn refuses_what_is_not_an_exact_amount() {
        assert_eq!(vnd("abc"), Err(MoneyError::NotANumber));
        assert_eq!(vnd("1e5"), Err(MoneyError::NotANumber));
        assert_eq!(vnd("1,000"), Err(MoneyError::NotANumber));
        assert_eq!(vnd("12."), Err(MoneyError::NotANumber));
        assert_eq!(vnd(""), Err(MoneyError::NotANumber));
        assert_eq!(vnd("-5"), Err(MoneyError::Negative));
        assert_eq!(vnd("1.5"), Err(MoneyError::TooPrecise { max_decimals: 0 }));
        assert_eq!(vnd("99999999999999999999"), Err(MoneyError::TooLarge));
        assert_eq!(
            Money::parse("1000000000000", "CLF").map(|m| m.minor),
            Ok(10_000_000_000_000_000)
        );
        assert_eq!(vnd("1000000000001"), Err(MoneyError::TooLarge));
        assert_eq!(Money::parse("1", "XYZ"), Err(MoneyError::UnknownCurrency));
        assert_eq!(Money::parse("1", "usd"), Err(MoneyError::UnknownCurrency));
    }

    #[test]
    fn trailing_zeros_beyond_the_exponent_are_fine() {
        assert_eq!(vnd("78000.000").unwrap().minor, 78_000);
        assert_eq!(vnd("-0").unwrap().minor, 0);
    }

    #[test]
    fn milli_units_compare_across_currencies() {
        assert_eq!(vnd("78000").unwrap().milli(), 78_000_000);
        assert_eq!(Money::parse("12.5", "USD").unwrap().milli(), 12_500);
        assert_eq!(decimal_milli("1000000"), Some(1_000_000_000));
        assert_eq!(decimal_milli("0.0015"), Some(1));
        assert_eq!(decimal_milli("x"), None);
    }

    #[test]
    fn usd_counts_in_dong_at_the_rate_set() {
        let usd = CurrencyCode::parse("USD").unwrap();
        let vnd_c = CurrencyCode::parse("VND").unwrap();
        let rate = parse_rate("25400").unwrap();
        assert_eq!(convert(123_450, usd, vnd_c, rate), 31_356_300);
        assert_eq!(format_rate(parse_rate("0.0393").unwrap()), "0.0393");
        assert_eq!(parse_rate("0"), None);
        assert_eq!(parse_rate("-1"), None);
        assert_eq!(parse_rate("1.1234567"), None);
    }

    #[test]
    fn weighted_amount_rounds_half_away_from_zero() {
        let m = vnd("1001").unwrap();
        assert_eq!(m.percent(50).minor, 501);
        assert_eq!(vnd("78000").unwrap().percent(10).minor, 7_800);
    }
}
