//! Meetings (R5.4): their rules, the recurrence rule (a checked subset of RFC 5545 RRULE)
//! and the occurrences it gives, computed in the meeting's own time zone so a weekly
//! 09:00 meeting stays at 09:00 across daylight-saving changes.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::errors::{FieldErrors, Invalid, check_len, check_required};

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_TEXT_CHARS: usize = 5_000;
/// Reminders at most four weeks ahead.
pub const MAX_ALARM_MINUTES: i64 = 4 * 7 * 24 * 60;
pub const MAX_ALARMS: usize = 5;
pub const MAX_ATTENDEES: usize = 100;
/// A meeting lasts at most two weeks.
const MAX_DAYS: i64 = 14;
const MAX_COUNT: i64 = 1000;
const MAX_INTERVAL: i64 = 999;

choice!(
    /// An attendee's answer.
    Answer { NeedsAction => "needs_action", Accepted => "accepted", Declined => "declined", Tentative => "tentative" }
);

choice!(
    /// Where a reminder arrives.
    Channel { InApp => "in_app", Email => "email" }
);

choice!(
    /// Which occurrences of a repeating meeting a change applies to.
    Scope { This => "this", All => "all" }
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alarm {
    pub minutes_before: i64,
    pub channel: Channel,
}

/// A meeting as entered, before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingValues {
    pub name: String,
    pub start: DateTime<Utc>,
    pub stop: DateTime<Utc>,
    pub all_day: bool,
    /// The organiser's zone: recurrences and all-day dates follow it.
    pub time_zone: String,
    pub location: Option<String>,
    pub description: Option<String>,
    pub rrule: Option<String>,
    pub alarms: Vec<Alarm>,
}

impl MeetingValues {
    /// Checks the meeting; an `rrule` is given back normalised (see [`check_rrule`]).
    pub fn validate(&mut self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        check_required(&mut e, "name", Some(&self.name), MAX_NAME_CHARS);
        self.name = self.name.trim().to_string();
        for (field, v) in [
            ("location", &self.location),
            ("description", &self.description),
        ] {
            if let Some(v) = v {
                check_len(&mut e, field, v, MAX_TEXT_CHARS);
            }
        }
        let tz = self.time_zone.parse::<Tz>().ok();
        if tz.is_none() {
            e.add("time_zone", Invalid::Message("not a time zone".into()));
        }
        if self.stop < self.start || (!self.all_day && self.stop == self.start) {
            e.add("stop", Invalid::Message("ends before it starts".into()));
        } else if self.stop - self.start > chrono::Duration::days(MAX_DAYS) {
            e.add(
                "stop",
                Invalid::Message("a meeting lasts at most 14 days".into()),
            );
        }
        if self.alarms.len() > MAX_ALARMS {
            e.add(
                "alarms",
                Invalid::Range {
                    min: 0,
                    max: MAX_ALARMS as i64,
                },
            );
        }
        for a in &self.alarms {
            if !(0..=MAX_ALARM_MINUTES).contains(&a.minutes_before) {
                e.add(
                    "alarms.minutes_before",
                    Invalid::Range {
                        min: 0,
                        max: MAX_ALARM_MINUTES,
                    },
                );
            }
        }
        if let (Some(rule), Some(tz)) = (self.rrule.as_deref(), tz) {
            match check_rrule(rule, self.start, tz) {
                Ok(normal) => self.rrule = Some(normal),
                Err(why) => e.add("rrule", Invalid::Message(why)),
            }
        }
        e.into_result()
    }
}

const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

fn int_in(v: &str, min: i64, max: i64) -> Option<i64> {
    v.parse::<i64>().ok().filter(|n| (min..=max).contains(n))
}

fn list_ok(v: &str, each: impl Fn(&str) -> bool) -> bool {
    !v.is_empty() && v.split(',').all(each)
}

/// Checks a recurrence rule and gives it back in a normal form: parts upper-cased in a
/// fixed order, a date-only `UNTIL` turned into the end of that day in the meeting's zone
/// (UTC), as RFC 5545 asks when the start has a time.
///
/// Accepted: `FREQ` (DAILY, WEEKLY, MONTHLY, YEARLY; required), `INTERVAL` (1–999),
/// `COUNT` (1–1000) or `UNTIL` (not both), `BYDAY` (MO…SU, with an ordinal such as 1MO or
/// -1FR for monthly and yearly rules), `BYMONTHDAY` (±1–31), `BYMONTH` (1–12), `BYSETPOS`,
/// `WKST`. Anything else is refused with the reason.
pub fn check_rrule(rule: &str, start: DateTime<Utc>, tz: Tz) -> Result<String, String> {
    let rule = rule.trim().trim_start_matches("RRULE:");
    if rule.is_empty() {
        return Err("empty rule".into());
    }
    let mut parts: Vec<(String, String)> = Vec::new();
    for part in rule.split(';').filter(|p| !p.is_empty()) {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?} is not NAME=VALUE"))?;
        let k = k.trim().to_ascii_uppercase();
        if parts.iter().any(|(p, _)| *p == k) {
            return Err(format!("{k} is given twice"));
        }
        parts.push((k, v.trim().to_ascii_uppercase()));
    }
    let get = |k: &str| parts.iter().find(|(p, _)| p == k).map(|(_, v)| v.as_str());
    let freq = get("FREQ").ok_or("FREQ is required")?;
    if !["DAILY", "WEEKLY", "MONTHLY", "YEARLY"].contains(&freq) {
        return Err(format!(
            "FREQ={freq} is not DAILY, WEEKLY, MONTHLY or YEARLY"
        ));
    }
    if get("COUNT").is_some() && get("UNTIL").is_some() {
        return Err("COUNT and UNTIL cannot both be given".into());
    }
    let mut out = vec![format!("FREQ={freq}")];
    for (k, v) in &parts {
        let ok = match k.as_str() {
            "FREQ" => continue,
            "INTERVAL" => int_in(v, 1, MAX_INTERVAL).is_some(),
            "COUNT" => int_in(v, 1, MAX_COUNT).is_some(),
            "UNTIL" => {
                let until = parse_until(v, tz).ok_or_else(|| format!("UNTIL={v} is not a date"))?;
                if until < start {
                    return Err("UNTIL is before the meeting starts".into());
                }
                out.push(format!("UNTIL={}", until.format("%Y%m%dT%H%M%SZ")));
                continue;
            }
            "BYDAY" => list_ok(v, |d| {
                let (n, day) = d.split_at(d.len().saturating_sub(2));
                DAYS.contains(&day)
                    && (n.is_empty()
                        || (matches!(freq, "MONTHLY" | "YEARLY")
                            && n.trim_start_matches(['+', '-'])
                                .parse::<i64>()
                                .is_ok_and(|x| (1..=53).contains(&x))))
            }),
            "BYMONTHDAY" => list_ok(v, |d| int_in(d, -31, 31).is_some_and(|x| x != 0)),
            "BYMONTH" => list_ok(v, |d| int_in(d, 1, 12).is_some()),
            "BYSETPOS" => list_ok(v, |d| int_in(d, -366, 366).is_some_and(|x| x != 0)),
            "WKST" => DAYS.contains(&v.as_str()),
            other => return Err(format!("{other} is not supported")),
        };
        if !ok {
            return Err(match k.as_str() {
                "INTERVAL" => format!("INTERVAL must be a whole number from 1 to {MAX_INTERVAL}"),
                "COUNT" => format!("COUNT must be a whole number from 1 to {MAX_COUNT}"),
                _ => format!("{k}={v} is not valid"),
            });
        }
        out.push(format!("{k}={v}"));
    }
    let normal = out.join(";");
    // The expansion library must accept it too.
    let set = rule_set(&normal, start, tz).map_err(|e| format!("not a valid rule: {e}"))?;
    if set.into_iter().next().is_none() {
        return Err("the rule gives no occurrence".into());
    }
    Ok(normal)
}

fn parse_until(v: &str, tz: Tz) -> Option<DateTime<Utc>> {
    if v.len() == 8 {
        let d = NaiveDate::parse_from_str(v, "%Y%m%d").ok()?;
        let end = d.succ_opt()?.and_hms_opt(0, 0, 0)?;
        let local = tz.from_local_datetime(&end).earliest()?;
        return Some(local.with_timezone(&Utc) - chrono::Duration::seconds(1));
    }
    let t = v.strip_suffix('Z')?;
    NaiveDateTime::parse_from_str(t, "%Y%m%dT%H%M%S")
        .ok()
        .map(|n| n.and_utc())
}

fn rule_set(
    rule: &str,
    start: DateTime<Utc>,
    tz: Tz,
) -> Result<rrule::RRuleSet, rrule::RRuleError> {
    let local = start.with_timezone(&tz);
    let text = format!(
        "DTSTART;TZID={}:{}\nRRULE:{}",
        tz.name(),
        local.format("%Y%m%dT%H%M%S"),
        rule
    );
    text.parse::<rrule::RRuleSet>()
}

/// The starts of a meeting's occurrences that overlap `[from, to)`: the single start when it
/// does not repeat. At most `limit` of them.
pub fn occurrences(
    start: DateTime<Utc>,
    stop: DateTime<Utc>,
    time_zone: &str,
    rule: Option<&str>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: usize,
) -> Vec<DateTime<Utc>> {
    let length = stop - start;
    let Some(rule) = rule else {
        return if start < to && stop > from {
            vec![start]
        } else {
            vec![]
        };
    };
    let tz = time_zone.parse::<Tz>().unwrap_or(chrono_tz::UTC);
    let Ok(set) = rule_set(rule, start, tz) else {
        return vec![start];
    };
    set.into_iter()
        .map(|d| d.with_timezone(&Utc))
        .take_while(|s| *s < to)
        .filter(|s| *s + length > from)
        .take(limit)
        .collect()
}

/// The last instant any occurrence ends (`None`: repeats for ever). Lets the store find the
/// meetings that can touch a range.
pub fn series_end(
    start: DateTime<Utc>,
    stop: DateTime<Utc>,
    time_zone: &str,
    rule: Option<&str>,
) -> Option<DateTime<Utc>> {
    let Some(rule) = rule else {
        return Some(stop);
    };
    let has_end = rule
        .split(';')
        .any(|p| p.starts_with("COUNT=") || p.starts_with("UNTIL="));
    if !has_end {
        return None;
    }
    let tz = time_zone.parse::<Tz>().unwrap_or(chrono_tz::UTC);
    let set = rule_set(rule, start, tz).ok()?;
    let last = set.into_iter().take(MAX_COUNT as usize + 1).last()?;
    Some(last.with_timezone(&Utc) + (stop - start))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn ny() -> Tz {
        "America/New_York".parse().unwrap()
    }

    #[test]
    fn count_and_until_together_are_refused() {
        let e = check_rrule(
            "FREQ=WEEKLY;COUNT=3;UNTIL=20270101",
            at("2026-10-26T13:00:00Z"),
            ny(),
        );
        assert_eq!(e.unwrap_err(), "COUNT and UNTIL cannot both be given");
    }

    #[test]
    fn an_interval_of_zero_and_unknown_parts_are_refused() {
        let s = at("2026-10-26T13:00:00Z");
        assert!(
            check_rrule("FREQ=DAILY;INTERVAL=0", s, ny())
                .unwrap_err()
                .contains("INTERVAL")
        );
        assert!(check_rrule("FREQ=HOURLY", s, ny()).is_err());
        assert!(check_rrule("FREQ=DAILY;BYHOUR=9", s, ny()).is_err());
        assert!(check_rrule("INTERVAL=2", s, ny()).is_err());
        assert!(check_rrule("FREQ=WEEKLY;BYDAY=XX", s, ny()).is_err());
        assert!(
            check_rrule("FREQ=WEEKLY;BYDAY=1MO", s, ny()).is_err(),
            "ordinals are monthly"
        );
        assert!(
            check_rrule("FREQ=DAILY;UNTIL=20200101", s, ny()).is_err(),
            "before the start"
        );
    }

    #[test]
    fn rules_are_normalised_and_a_date_until_ends_that_day_in_the_zone() {
        let s = at("2026-10-26T13:00:00Z");
        assert_eq!(
            check_rrule("freq=weekly;byday=mo,we;until=20261130", s, ny()).unwrap(),
            "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20261201T045959Z"
        );
        assert_eq!(
            check_rrule("RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", s, ny()).unwrap(),
            "FREQ=MONTHLY;BYDAY=-1FR;COUNT=3"
        );
    }

    #[test]
    fn a_weekly_new_york_meeting_keeps_its_local_time_across_the_dst_change() {
        // 09:00 EDT (UTC-4) on Monday 26 Oct 2026; clocks go back on 1 Nov.
        let start = at("2026-10-26T13:00:00Z");
        let stop = at("2026-10-26T14:00:00Z");
        let got = occurrences(
            start,
            stop,
            "America/New_York",
            Some("FREQ=WEEKLY;COUNT=3"),
            start,
            at("2027-01-01T00:00:00Z"),
            10,
        );
        assert_eq!(
            got,
            vec![
                at("2026-10-26T13:00:00Z"),
                at("2026-11-02T14:00:00Z"),
                at("2026-11-09T14:00:00Z")
            ]
        );
        assert_eq!(
            series_end(start, stop, "America/New_York", Some("FREQ=WEEKLY;COUNT=3")),
            Some(at("2026-11-09T15:00:00Z"))
        );
        assert_eq!(
            series_end(start, stop, "America/New_York", Some("FREQ=WEEKLY")),
            None
        );
    }

    #[test]
    fn a_meeting_ending_before_it_starts_is_refused() {
        let mut m = MeetingValues {
            name: "Gặp anh Mike".into(),
            start: at("2026-12-01T03:00:00Z"),
            stop: at("2026-12-01T02:00:00Z"),
            all_day: false,
            time_zone: "Asia/Ho_Chi_Minh".into(),
            location: None,
            description: None,
            rrule: None,
            alarms: vec![Alarm {
                minutes_before: -5,
                channel: Channel::Email,
            }],
        };
        let e = m.validate().unwrap_err();
        assert!(
            e.0.contains_key("stop") && e.0.contains_key("alarms.minutes_before"),
            "{e:?}"
        );
    }
}
