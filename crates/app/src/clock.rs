//! Time as the application sees it: UTC, truncated to microseconds so SQLite and
//! PostgreSQL store and compare the same instant.

use chrono::{DateTime, NaiveDate, NaiveTime, SubsecRound, TimeZone, Utc};
use chrono_tz::Tz;
use sen_domain::filter::Context;

pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

pub fn parse_tz(name: &str) -> Option<Tz> {
    name.parse::<Tz>().ok()
}

/// The filter context for a user: "me", "now", and "today" in the user's time zone.
pub fn filter_context(user_id: i64, time_zone: &str) -> Context {
    let now = now();
    let tz = parse_tz(time_zone).unwrap_or(chrono_tz::UTC);
    let today = now.with_timezone(&tz).date_naive();
    let today_start = tz
        .from_local_datetime(&today.and_time(NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now);
    Context {
        user_id,
        now,
        today,
        today_start,
    }
}

/// The day `date` in the zone `time_zone`, as the UTC instants where it begins and ends
/// (23 or 25 hours apart on the days clocks change; a zone whose midnight is skipped
/// begins the day at the first instant that exists).
pub fn day_bounds(date: NaiveDate, time_zone: &str) -> (DateTime<Utc>, DateTime<Utc>) {
    let tz = parse_tz(time_zone).unwrap_or(chrono_tz::UTC);
    let start_of = |d: NaiveDate| -> DateTime<Utc> {
        let midnight = d.and_time(NaiveTime::MIN);
        // A skipped midnight (e.g. a DST change at 00:00) begins the day an hour later.
        (0..=3)
            .find_map(|h| {
                tz.from_local_datetime(&(midnight + chrono::Duration::hours(h)))
                    .earliest()
            })
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| midnight.and_utc())
    };
    let next = date.succ_opt().unwrap_or(date);
    (start_of(date), start_of(next))
}

/// Today's date in a zone.
pub fn today_in(time_zone: &str) -> NaiveDate {
    let tz = parse_tz(time_zone).unwrap_or(chrono_tz::UTC);
    now().with_timezone(&tz).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_in_ho_chi_minh_city_and_taipei_starts_at_their_midnight() {
        let d: NaiveDate = "2026-11-24".parse().unwrap();
        let (s, e) = day_bounds(d, "Asia/Ho_Chi_Minh");
        assert_eq!(s.to_rfc3339(), "2026-11-23T17:00:00+00:00");
        assert_eq!(e.to_rfc3339(), "2026-11-24T17:00:00+00:00");
        let (s, _) = day_bounds(d, "Asia/Taipei");
        assert_eq!(s.to_rfc3339(), "2026-11-23T16:00:00+00:00");
    }

    #[test]
    fn the_day_clocks_change_in_new_york_lasts_23_or_25_hours() {
        let (s, e) = day_bounds("2027-03-14".parse().unwrap(), "America/New_York");
        assert_eq!((e - s).num_hours(), 23);
        let (s, e) = day_bounds("2027-11-07".parse().unwrap(), "America/New_York");
        assert_eq!((e - s).num_hours(), 25);
    }
}
