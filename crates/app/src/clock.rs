//! Time as the application sees it: UTC, truncated to microseconds so SQLite and
//! PostgreSQL store and compare the same instant.

use chrono::{DateTime, NaiveTime, SubsecRound, TimeZone, Utc};
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
