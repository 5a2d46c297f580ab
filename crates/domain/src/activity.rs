//! Activities (R5.1, R5.2): what a salesperson plans to do next on a record — a call, an
//! e-mail, a meeting, a to-do — and the types that give them defaults and chain them.
//!
//! An activity's state is decided by its due date seen in the **assignee's** time zone: the
//! due day is kept as the two UTC instants where it begins and ends there (`app` computes
//! them with the zone database), so the state is a comparison with "now" anywhere.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};

use crate::errors::{FieldErrors, Invalid, check_len, check_required};

choice!(
    /// What kind of work an activity type is.
    Category { Call => "call", Email => "email", Meeting => "meeting", Todo => "todo", Upload => "upload" }
);

choice!(
    /// The unit of a type's default delay.
    DelayUnit { Days => "days", Weeks => "weeks", Months => "months" }
);

choice!(
    /// What a type's default delay counts from: today, or the due date of the activity that
    /// was just done (for chains like "call, then e-mail three days after the call was due").
    DelayFrom { Today => "today", Previous => "previous" }
);

choice!(
    /// What happens when an activity of a type is done: nothing, its next type is offered
    /// (prefilled), or the next activity is scheduled by itself.
    NextMode { None => "none", Suggest => "suggest", Trigger => "trigger" }
);

choice!(
    /// An activity's state; the first three depend on the assignee's today.
    State { Overdue => "overdue", Today => "today", Planned => "planned", Done => "done" }
);

choice!(
    /// The records activities hang on.
    RecordType { Lead => "lead", Contact => "contact" }
);

/// The icons a type may show (names of the design system's icons).
pub const ICONS: &[&str] = &[
    "phone", "mail", "users", "check", "upload", "clock", "file", "flag",
];

pub const MAX_SUMMARY: usize = 200;
pub const MAX_NOTE: usize = 10_000;
pub const MAX_FEEDBACK: usize = 10_000;

#[derive(Debug, Clone, PartialEq)]
pub struct TypeValues {
    pub name: String,
    pub icon: String,
    pub category: Category,
    pub delay_count: i64,
    pub delay_unit: DelayUnit,
    pub delay_from: DelayFrom,
    pub default_user_id: Option<i64>,
    pub summary: Option<String>,
    pub note: Option<String>,
    pub next_type_id: Option<i64>,
    pub next_mode: NextMode,
    pub sequence: i64,
    pub active: bool,
}

impl Default for TypeValues {
    fn default() -> Self {
        TypeValues {
            name: String::new(),
            icon: "check".into(),
            category: Category::Todo,
            delay_count: 0,
            delay_unit: DelayUnit::Days,
            delay_from: DelayFrom::Today,
            default_user_id: None,
            summary: None,
            note: None,
            next_type_id: None,
            next_mode: NextMode::None,
            sequence: 0,
            active: true,
        }
    }
}

impl TypeValues {
    pub fn cleaned(self) -> Self {
        TypeValues {
            name: self.name.trim().to_string(),
            summary: crate::errors::clean(self.summary),
            note: crate::errors::clean(self.note),
            next_type_id: if self.next_mode == NextMode::None {
                None
            } else {
                self.next_type_id
            },
            ..self
        }
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        check_required(&mut e, "name", Some(&self.name), 100);
        if !ICONS.contains(&self.icon.as_str()) {
            e.add(
                "icon",
                Invalid::Choice {
                    allowed: ICONS.iter().map(|i| i.to_string()).collect(),
                },
            );
        }
        if !(0..=999).contains(&self.delay_count) {
            e.add("delay_count", Invalid::Range { min: 0, max: 999 });
        }
        if let Some(s) = &self.summary {
            check_len(&mut e, "summary", s, MAX_SUMMARY);
        }
        if let Some(n) = &self.note {
            check_len(&mut e, "note", n, MAX_NOTE);
        }
        if self.next_mode != NextMode::None && self.next_type_id.is_none() {
            e.add("next_type_id", Invalid::Required);
        }
        e.into_result()
    }

    /// The default due date of a new activity of this type: `delay` after today, or after
    /// the previous activity's due date when the type counts from it and there was one.
    pub fn default_due(&self, today: NaiveDate, previous_due: Option<NaiveDate>) -> NaiveDate {
        let from = match (self.delay_from, previous_due) {
            (DelayFrom::Previous, Some(p)) => p,
            _ => today,
        };
        add_delay(from, self.delay_count, self.delay_unit)
    }
}

/// `from` + n units; a month later than the 31st is the month's last day.
pub fn add_delay(from: NaiveDate, n: i64, unit: DelayUnit) -> NaiveDate {
    let n = n.clamp(0, 999) as u32;
    let later = match unit {
        DelayUnit::Days => from.checked_add_days(Days::new(n.into())),
        DelayUnit::Weeks => from.checked_add_days(Days::new(u64::from(n) * 7)),
        DelayUnit::Months => from.checked_add_months(Months::new(n)),
    };
    later.unwrap_or(from)
}

/// What a user enters for an activity.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivityValues {
    pub activity_type_id: i64,
    pub summary: Option<String>,
    pub note: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub user_id: Option<i64>,
}

impl ActivityValues {
    pub fn cleaned(self) -> Self {
        ActivityValues {
            summary: crate::errors::clean(self.summary),
            note: crate::errors::clean(self.note),
            ..self
        }
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if let Some(s) = &self.summary {
            check_len(&mut e, "summary", s, MAX_SUMMARY);
        }
        if let Some(n) = &self.note {
            check_len(&mut e, "note", n, MAX_NOTE);
        }
        match self.due_date {
            None => e.add("due_date", Invalid::Required),
            // Both databases store these years alike, and people plan within them.
            Some(d) if !(1900..=9999).contains(&d.year()) => e.add(
                "due_date",
                Invalid::Message("a date between the years 1900 and 9999".into()),
            ),
            Some(_) => {}
        }
        e.into_result()
    }
}

/// The state of an open activity whose due day spans `[day_start, day_end)` (UTC).
pub fn state_at(now: DateTime<Utc>, day_start: DateTime<Utc>, day_end: DateTime<Utc>) -> State {
    if now >= day_end {
        State::Overdue
    } else if now >= day_start {
        State::Today
    } else {
        State::Planned
    }
}

/// A type a new workspace starts with, named in each language (vi, zh-TW, en).
pub struct TypeTemplate {
    pub names: [&'static str; 3],
    pub icon: &'static str,
    pub category: Category,
    pub delay_days: i64,
}

/// Odoo's usual types: e-mail, call, meeting, to-do, upload a document.
pub const DEFAULT_TYPES: &[TypeTemplate] = &[
    TypeTemplate {
        names: ["Gọi điện", "電話", "Call"],
        icon: "phone",
        category: Category::Call,
        delay_days: 2,
    },
    TypeTemplate {
        names: ["Gửi email", "電子郵件", "Email"],
        icon: "mail",
        category: Category::Email,
        delay_days: 0,
    },
    TypeTemplate {
        names: ["Cuộc họp", "會議", "Meeting"],
        icon: "users",
        category: Category::Meeting,
        delay_days: 0,
    },
    TypeTemplate {
        names: ["Việc cần làm", "待辦事項", "To-do"],
        icon: "check",
        category: Category::Todo,
        delay_days: 5,
    },
    TypeTemplate {
        names: ["Tải tài liệu lên", "上傳文件", "Upload document"],
        icon: "upload",
        category: Category::Upload,
        delay_days: 5,
    },
];

impl TypeTemplate {
    pub fn name(&self, language: &str) -> &'static str {
        match language {
            "vi" => self.names[0],
            "zh-TW" => self.names[1],
            _ => self.names[2],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn delays_count_days_weeks_and_months_from_today_or_the_previous_due_date() {
        let t = TypeValues {
            name: "Call".into(),
            delay_count: 3,
            ..Default::default()
        };
        assert_eq!(t.default_due(d("2026-11-24"), None), d("2026-11-27"));
        let weeks = TypeValues {
            delay_unit: DelayUnit::Weeks,
            delay_from: DelayFrom::Previous,
            ..t.clone()
        };
        assert_eq!(
            weeks.default_due(d("2026-11-24"), Some(d("2026-11-20"))),
            d("2026-12-11")
        );
        assert_eq!(weeks.default_due(d("2026-11-24"), None), d("2026-12-15"));
        assert_eq!(
            add_delay(d("2027-01-31"), 1, DelayUnit::Months),
            d("2027-02-28")
        );
    }

    #[test]
    fn state_changes_exactly_at_the_edges_of_the_due_day() {
        let start = Utc.with_ymd_and_hms(2026, 11, 23, 17, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2026, 11, 24, 17, 0, 0).unwrap();
        let second = chrono::Duration::seconds(1);
        assert_eq!(state_at(start - second, start, end), State::Planned);
        assert_eq!(state_at(start, start, end), State::Today);
        assert_eq!(state_at(end - second, start, end), State::Today);
        assert_eq!(state_at(end, start, end), State::Overdue);
    }

    #[test]
    fn a_type_needs_a_name_a_known_icon_and_a_next_type_when_it_chains() {
        let t = TypeValues {
            name: " ".into(),
            icon: "rocket".into(),
            delay_count: 1000,
            next_mode: NextMode::Trigger,
            ..Default::default()
        }
        .cleaned();
        let e = t.validate().unwrap_err();
        let fields: Vec<&str> = e.0.keys().map(String::as_str).collect();
        assert_eq!(fields, ["delay_count", "icon", "name", "next_type_id"]);
    }

    #[test]
    fn an_activity_needs_a_due_date_within_years_people_plan_in() {
        let e = ActivityValues::default().validate().unwrap_err();
        assert!(e.0.contains_key("due_date"));
        let far = ActivityValues {
            due_date: "+10000-01-01".parse().ok(),
            ..Default::default()
        };
        assert!(far.due_date.is_some() && far.validate().is_err());
    }
}
