//! Writing iCalendar (RFC 5545): the calendar feed and `.ics` downloads. Text is escaped
//! and lines folded at 75 octets; every zone used gets a VTIMEZONE built from the time
//! zone database, so calendar apps place repeating meetings right across DST changes.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// When an event happens, as calendar apps read it.
#[derive(Debug, Clone)]
pub enum When {
    /// Local times in a zone (`DTSTART;TZID=…`).
    Zoned {
        tz: Tz,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    },
    /// Whole days (`VALUE=DATE`), `end` exclusive; `tz` places EXDATE and RECURRENCE-ID.
    Days {
        start: NaiveDate,
        end: NaiveDate,
        tz: Tz,
    },
}

#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    pub email: String,
    /// `ACCEPTED`, `DECLINED`, `TENTATIVE`, `NEEDS-ACTION`.
    pub partstat: &'static str,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub uid: String,
    pub stamp: DateTime<Utc>,
    pub sequence: i64,
    pub when: When,
    pub summary: String,
    pub location: Option<String>,
    pub description: Option<String>,
    pub rrule: Option<String>,
    /// Occurrences removed from the series (their original starts).
    pub exdates: Vec<DateTime<Utc>>,
    /// For an edited occurrence: its original start in the series.
    pub recurrence_id: Option<DateTime<Utc>>,
    pub organizer: Option<Person>,
    pub attendees: Vec<Person>,
    /// Minutes before the start.
    pub alarms: Vec<i64>,
}

/// Escapes a TEXT value.
fn text(s: &str) -> String {
    let s = s.replace("\r\n", "\n");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            // A lone CR or any other control character could end the line and start a
            // property of the reader's choosing.
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A parameter value, quoted when it holds separators.
fn param(s: &str) -> String {
    let clean: String = s.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    if clean.contains([':', ';', ',']) {
        format!("\"{clean}\"")
    } else {
        clean
    }
}

/// Appends a content line, folded so no line exceeds 75 octets (never inside a character).
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn local(tz: Tz, t: DateTime<Utc>) -> String {
    t.with_timezone(&tz).format("%Y%m%dT%H%M%S").to_string()
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn zoned(out: &mut String, name: &str, when: &When, t: DateTime<Utc>) {
    match when {
        When::Zoned { tz, .. } => {
            line(out, &format!("{name};TZID={}:{}", tz.name(), local(*tz, t)))
        }
        When::Days { tz, .. } => line(
            out,
            &format!("{name};VALUE=DATE:{}", t.with_timezone(tz).format("%Y%m%d")),
        ),
    }
}

fn person(out: &mut String, role: &str, p: &Person) {
    let extra = if role == "ATTENDEE" {
        format!(";PARTSTAT={}", p.partstat)
    } else {
        String::new()
    };
    line(
        out,
        &format!("{role};CN={}{extra}:mailto:{}", param(&p.name), p.email),
    );
}

/// A whole calendar: its zones, then its events.
pub fn calendar(name: &str, events: &[Event]) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Sen CRM//Sen CRM//VI");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", text(name)));
    let mut zones: Vec<(Tz, i32, i32)> = Vec::new();
    for e in events {
        if let When::Zoned { tz, start, .. } = &e.when {
            let y = start.year();
            match zones.iter_mut().find(|z| z.0 == *tz) {
                Some(z) => z.1 = z.1.min(y),
                None => zones.push((*tz, y, y)),
            }
        }
    }
    let this_year = Utc::now().year();
    for (tz, from, _) in &zones {
        vtimezone(&mut out, *tz, from - 1, (*from).max(this_year) + 10);
    }
    for e in events {
        event(&mut out, e);
    }
    line(&mut out, "END:VCALENDAR");
    out
}

fn event(out: &mut String, e: &Event) {
    line(out, "BEGIN:VEVENT");
    line(out, &format!("UID:{}", e.uid));
    line(out, &format!("DTSTAMP:{}", utc(e.stamp)));
    line(out, &format!("SEQUENCE:{}", e.sequence.max(0)));
    match &e.when {
        When::Zoned { start, end, .. } => {
            zoned(out, "DTSTART", &e.when, *start);
            zoned(out, "DTEND", &e.when, *end);
        }
        When::Days { start, end, .. } => {
            line(
                out,
                &format!("DTSTART;VALUE=DATE:{}", start.format("%Y%m%d")),
            );
            line(out, &format!("DTEND;VALUE=DATE:{}", end.format("%Y%m%d")));
        }
    }
    if let Some(r) = &e.recurrence_id {
        zoned(out, "RECURRENCE-ID", &e.when, *r);
    }
    if let Some(rule) = &e.rrule {
        line(out, &format!("RRULE:{rule}"));
    }
    for x in &e.exdates {
        zoned(out, "EXDATE", &e.when, *x);
    }
    line(out, &format!("SUMMARY:{}", text(&e.summary)));
    if let Some(l) = e.location.as_deref().filter(|l| !l.is_empty()) {
        line(out, &format!("LOCATION:{}", text(l)));
    }
    if let Some(d) = e.description.as_deref().filter(|d| !d.is_empty()) {
        line(out, &format!("DESCRIPTION:{}", text(d)));
    }
    if let Some(o) = &e.organizer {
        person(out, "ORGANIZER", o);
    }
    for a in &e.attendees {
        person(out, "ATTENDEE", a);
    }
    for m in &e.alarms {
        line(out, "BEGIN:VALARM");
        line(out, "ACTION:DISPLAY");
        line(out, &format!("DESCRIPTION:{}", text(&e.summary)));
        line(out, &format!("TRIGGER:-PT{m}M"));
        line(out, "END:VALARM");
    }
    line(out, "END:VEVENT");
}

fn offset_at(tz: Tz, t: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&t.naive_utc())
        .fix()
        .local_minus_utc()
}

fn abbreviation(tz: Tz, t: DateTime<Utc>) -> String {
    t.with_timezone(&tz).format("%Z").to_string()
}

fn hhmm(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.abs();
    format!("{sign}{:02}{:02}", s / 3600, (s % 3600) / 60)
}

/// The zone's offset changes between two years, found by scanning days then minutes.
fn transitions(tz: Tz, from_year: i32, to_year: i32) -> Vec<DateTime<Utc>> {
    let start = Utc.with_ymd_and_hms(from_year, 1, 1, 0, 0, 0).single();
    let end = Utc.with_ymd_and_hms(to_year + 1, 1, 1, 0, 0, 0).single();
    let (Some(mut t), Some(end)) = (start, end) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let day = chrono::Duration::hours(24);
    while t < end {
        let next = t + day;
        if offset_at(tz, t) != offset_at(tz, next) {
            let (mut lo, mut hi) = (t, next);
            while hi - lo > chrono::Duration::minutes(1) {
                let mid = lo + (hi - lo) / 2;
                if offset_at(tz, mid) == offset_at(tz, lo) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            found.push(hi);
        }
        t = next;
    }
    found
}

fn observance(out: &mut String, kind: &str, from: i32, to: i32, at: NaiveDateTime, name: &str) {
    line(out, &format!("BEGIN:{kind}"));
    line(out, &format!("DTSTART:{}", at.format("%Y%m%dT%H%M%S")));
    line(out, &format!("TZOFFSETFROM:{}", hhmm(from)));
    line(out, &format!("TZOFFSETTO:{}", hhmm(to)));
    if !name.is_empty() {
        line(out, &format!("TZNAME:{}", text(name)));
    }
    line(out, &format!("END:{kind}"));
}

/// A VTIMEZONE listing each change of offset in the years given (a zone without changes
/// gets its one standard offset).
fn vtimezone(out: &mut String, tz: Tz, from_year: i32, to_year: i32) {
    line(out, "BEGIN:VTIMEZONE");
    line(out, &format!("TZID:{}", tz.name()));
    let changes = transitions(tz, from_year, to_year);
    let first = Utc
        .with_ymd_and_hms(from_year, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_else(Utc::now);
    let base = offset_at(tz, first);
    observance(
        out,
        "STANDARD",
        base,
        base,
        first.naive_utc() + chrono::Duration::seconds(base as i64),
        &abbreviation(tz, first),
    );
    for t in changes {
        let before = offset_at(tz, t - chrono::Duration::minutes(1));
        let after = offset_at(tz, t);
        let kind = if after > before {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        // DTSTART is the local time of the change in the offset before it.
        let at = t.naive_utc() + chrono::Duration::seconds(before as i64);
        observance(out, kind, before, after, at, &abbreviation(tz, t));
    }
    line(out, "END:VTIMEZONE");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        line(
            &mut out,
            &format!("SUMMARY:{}", "Gặp khách hàng ".repeat(10)),
        );
        for l in out.split("\r\n") {
            assert!(l.len() <= 75, "{l:?}");
        }
        let unfolded = out.replace("\r\n ", "");
        assert!(unfolded.contains(&"Gặp khách hàng ".repeat(10)));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(text("x\rEND:VEVENT"), "x END:VEVENT");
        assert_eq!(text("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
    }

    #[test]
    fn new_york_changes_offset_twice_a_year() {
        let t = transitions("America/New_York".parse().unwrap(), 2026, 2026);
        assert_eq!(t.len(), 2);
        assert_eq!(t[1], Utc.with_ymd_and_hms(2026, 11, 1, 6, 0, 0).unwrap());
        assert!(transitions("Asia/Ho_Chi_Minh".parse().unwrap(), 2026, 2030).is_empty());
    }
}
