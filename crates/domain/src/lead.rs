//! Leads and opportunities (R1.1–R1.5): their values, validation, derived search keys, the
//! fields a stage can require, and the filter fields.

use chrono::NaiveDate;

use crate::contact::phone_key;
use crate::errors::{FieldErrors, Invalid, check_len, check_required, clean};
use crate::filter::{FieldDef, FieldType};
use crate::money::Money;
use crate::search;
use crate::validate::{is_valid_email, is_valid_phone, is_valid_website};

choice!(
    /// A lead (not yet qualified) or an opportunity (a deal).
    LeadType { Lead => "lead", Opportunity => "opportunity" }
);

choice!(
    /// How a record ended, or `open` while it is being worked.
    Outcome { Open => "open", Won => "won", Lost => "lost", Unqualified => "unqualified" }
);

pub const MAX_NAME: usize = 200;
pub const MAX_TEXT: usize = 200;
pub const MAX_DESCRIPTION: usize = 50_000;

/// Every value of a lead that a user edits directly (placement in a pipeline and the
/// outcome change through the lifecycle use cases).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeadValues {
    pub name: String,
    pub user_id: Option<i64>,
    pub team_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub company_name: Option<String>,
    pub contact_name: Option<String>,
    pub salutation: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub job_position: Option<String>,
    pub website: Option<String>,
    pub street: Option<String>,
    pub ward: Option<String>,
    pub district: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub priority: i64,
    pub color: i64,
    pub tag_ids: Vec<i64>,
    pub expected_revenue: Option<Money>,
    /// Set by a person; `None` follows the stage's default.
    pub probability: Option<i64>,
    pub expected_closing: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub source_id: Option<i64>,
    pub medium_id: Option<i64>,
    pub campaign_id: Option<i64>,
    pub referred_by: Option<String>,
    pub description: Option<String>,
    pub custom: serde_json::Map<String, serde_json::Value>,
}

/// A partial update: `None` keeps the value, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeadPatch {
    pub name: Option<String>,
    pub user_id: Option<Option<i64>>,
    pub team_id: Option<Option<i64>>,
    pub contact_id: Option<Option<i64>>,
    pub company_name: Option<Option<String>>,
    pub contact_name: Option<Option<String>>,
    pub salutation: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub mobile: Option<Option<String>>,
    pub job_position: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub street: Option<Option<String>>,
    pub ward: Option<Option<String>>,
    pub district: Option<Option<String>>,
    pub city: Option<Option<String>>,
    pub country: Option<Option<String>>,
    pub priority: Option<i64>,
    pub color: Option<i64>,
    pub tag_ids: Option<Vec<i64>>,
    pub expected_revenue: Option<Option<Money>>,
    pub probability: Option<Option<i64>>,
    pub expected_closing: Option<Option<NaiveDate>>,
    pub due_date: Option<Option<NaiveDate>>,
    pub source_id: Option<Option<i64>>,
    pub medium_id: Option<Option<i64>>,
    pub campaign_id: Option<Option<i64>>,
    pub referred_by: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub custom: Option<serde_json::Map<String, serde_json::Value>>,
}

macro_rules! apply_fields {
    ($patch:ident, $cur:ident, $($f:ident),+) => {
        LeadValues { $($f: $patch.$f.unwrap_or($cur.$f),)+ }
    };
}

impl LeadPatch {
    pub fn apply(self, current: &LeadValues) -> LeadValues {
        let c = current.clone();
        let p = self;
        apply_fields!(
            p,
            c,
            name,
            user_id,
            team_id,
            contact_id,
            company_name,
            contact_name,
            salutation,
            email,
            phone,
            mobile,
            job_position,
            website,
            street,
            ward,
            district,
            city,
            country,
            priority,
            color,
            tag_ids,
            expected_revenue,
            probability,
            expected_closing,
            due_date,
            source_id,
            medium_id,
            campaign_id,
            referred_by,
            description,
            custom
        )
    }
}

impl LeadValues {
    /// Trims texts, stores blanks as absent, sorts and de-duplicates tags.
    pub fn cleaned(self) -> LeadValues {
        let mut tag_ids = self.tag_ids;
        tag_ids.sort_unstable();
        tag_ids.dedup();
        LeadValues {
            name: self.name.trim().to_string(),
            company_name: clean(self.company_name),
            contact_name: clean(self.contact_name),
            salutation: clean(self.salutation),
            email: clean(self.email),
            phone: clean(self.phone),
            mobile: clean(self.mobile),
            job_position: clean(self.job_position),
            website: clean(self.website),
            street: clean(self.street),
            ward: clean(self.ward),
            district: clean(self.district),
            city: clean(self.city),
            country: clean(self.country),
            referred_by: clean(self.referred_by),
            description: clean(self.description),
            tag_ids,
            ..self
        }
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        check_required(&mut e, "name", Some(&self.name), MAX_NAME);
        let texts = [
            ("company_name", &self.company_name),
            ("contact_name", &self.contact_name),
            ("salutation", &self.salutation),
            ("email", &self.email),
            ("phone", &self.phone),
            ("mobile", &self.mobile),
            ("job_position", &self.job_position),
            ("website", &self.website),
            ("street", &self.street),
            ("ward", &self.ward),
            ("district", &self.district),
            ("city", &self.city),
            ("country", &self.country),
            ("referred_by", &self.referred_by),
        ];
        for (field, value) in texts {
            if let Some(v) = value {
                check_len(&mut e, field, v, MAX_TEXT);
            }
        }
        if let Some(d) = &self.description {
            check_len(&mut e, "description", d, MAX_DESCRIPTION);
        }
        if self.email.as_deref().is_some_and(|m| !is_valid_email(m)) {
            e.add("email", Invalid::Email);
        }
        for (field, value) in [("phone", &self.phone), ("mobile", &self.mobile)] {
            if value.as_deref().is_some_and(|p| !is_valid_phone(p)) {
                e.add(field, Invalid::Phone);
            }
        }
        if self
            .website
            .as_deref()
            .is_some_and(|w| !is_valid_website(w))
        {
            e.add("website", Invalid::Website);
        }
        if !(0..=3).contains(&self.priority) {
            e.add("priority", Invalid::Range { min: 0, max: 3 });
        }
        if !(0..crate::lookup::TAG_COLORS).contains(&self.color) {
            e.add(
                "color",
                Invalid::Range {
                    min: 0,
                    max: crate::lookup::TAG_COLORS - 1,
                },
            );
        }
        if self.probability.is_some_and(|p| !(0..=100).contains(&p)) {
            e.add("probability", Invalid::Range { min: 0, max: 100 });
        }
        if self.tag_ids.len() > crate::contact::MAX_TAGS {
            e.add(
                "tag_ids",
                Invalid::TooLong {
                    max: crate::contact::MAX_TAGS,
                },
            );
        }
        if serde_json::to_string(&self.custom)
            .map(|s| s.len())
            .unwrap_or(0)
            > 100_000
        {
            e.add("custom", Invalid::TooLong { max: 100_000 });
        }
        e.into_result()
    }

    /// The fields of `required` that are empty here (a stage refuses entry until filled).
    pub fn missing(&self, required: &[String]) -> Vec<String> {
        required
            .iter()
            .filter(|f| match f.as_str() {
                "expected_revenue" => self.expected_revenue.is_none_or(|m| m.minor == 0),
                "expected_closing" => self.expected_closing.is_none(),
                "contact_id" => self.contact_id.is_none(),
                "email" => self.email.is_none(),
                "phone" => self.phone.is_none() && self.mobile.is_none(),
                "user_id" => self.user_id.is_none(),
                "team_id" => self.team_id.is_none(),
                "company_name" => self.company_name.is_none(),
                "contact_name" => self.contact_name.is_none(),
                "source_id" => self.source_id.is_none(),
                "due_date" => self.due_date.is_none(),
                "description" => self.description.is_none(),
                _ => false,
            })
            .cloned()
            .collect()
    }

    /// Search and duplicate keys, stored beside the record.
    pub fn derived(&self, number: &str) -> LeadDerived {
        let phones: Vec<&str> = [&self.phone, &self.mobile]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let number = number.to_string();
        let parts: Vec<&str> = [
            Some(&self.name),
            Some(&number),
            self.company_name.as_ref(),
            self.contact_name.as_ref(),
            self.email.as_ref(),
            self.city.as_ref(),
            self.description.as_ref().filter(|d| d.len() < 2000),
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
        LeadDerived {
            name_fold: search::fold(&self.name),
            company_fold: self.company_name.as_deref().map(search::fold),
            email_key: self.email.as_deref().map(|e| e.trim().to_lowercase()),
            phone_key: self.phone.as_deref().and_then(phone_key),
            mobile_key: self.mobile.as_deref().and_then(phone_key),
            search_text: search::search_text(&parts, &phones),
        }
    }

    /// Tracked field changes, as text, for the change log.
    pub fn diff(&self, new: &LeadValues) -> Vec<(&'static str, Option<String>, Option<String>)> {
        self.as_texts()
            .into_iter()
            .zip(new.as_texts())
            .filter(|((_, a), (_, b))| a != b)
            .map(|((f, a), (_, b))| (f, a, b))
            .collect()
    }

    fn as_texts(&self) -> Vec<(&'static str, Option<String>)> {
        let id = |v: Option<i64>| v.map(|i| i.to_string());
        let date = |v: Option<NaiveDate>| v.map(|d| d.to_string());
        let tags = (!self.tag_ids.is_empty()).then(|| {
            self.tag_ids
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")
        });
        vec![
            ("name", Some(self.name.clone())),
            ("user_id", id(self.user_id)),
            ("team_id", id(self.team_id)),
            ("contact_id", id(self.contact_id)),
            ("company_name", self.company_name.clone()),
            ("contact_name", self.contact_name.clone()),
            ("salutation", self.salutation.clone()),
            ("email", self.email.clone()),
            ("phone", self.phone.clone()),
            ("mobile", self.mobile.clone()),
            ("job_position", self.job_position.clone()),
            ("website", self.website.clone()),
            ("street", self.street.clone()),
            ("ward", self.ward.clone()),
            ("district", self.district.clone()),
            ("city", self.city.clone()),
            ("country", self.country.clone()),
            ("priority", Some(self.priority.to_string())),
            ("color", Some(self.color.to_string())),
            ("tag_ids", tags),
            (
                "expected_revenue",
                self.expected_revenue
                    .map(|m| format!("{} {}", m.amount(), m.currency)),
            ),
            ("probability", self.probability.map(|p| p.to_string())),
            ("expected_closing", date(self.expected_closing)),
            ("due_date", date(self.due_date)),
            ("source_id", id(self.source_id)),
            ("medium_id", id(self.medium_id)),
            ("campaign_id", id(self.campaign_id)),
            ("referred_by", self.referred_by.clone()),
            ("description", self.description.clone()),
            (
                "custom",
                (!self.custom.is_empty())
                    .then(|| serde_json::Value::Object(self.custom.clone()).to_string()),
            ),
        ]
    }
}

/// Keys computed from a lead's values for search and duplicate detection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadDerived {
    pub name_fold: String,
    pub company_fold: Option<String>,
    pub email_key: Option<String>,
    pub phone_key: Option<String>,
    pub mobile_key: Option<String>,
    pub search_text: String,
}

/// Fields a lead list may be sorted by.
pub const SORTABLE: &[&str] = &[
    "name",
    "number",
    "created_at",
    "updated_at",
    "expected_closing",
    "priority",
    "probability",
    "expected_revenue",
    "next_activity",
    "id",
];

/// The fields the filter language knows on leads and opportunities.
pub fn filter_fields() -> Vec<FieldDef> {
    use FieldType::*;
    let text = [
        "name",
        "number",
        "type",
        "outcome",
        "company_name",
        "contact_name",
        "salutation",
        "email",
        "phone",
        "mobile",
        "job_position",
        "website",
        "street",
        "ward",
        "district",
        "city",
        "country",
        "referred_by",
        "description",
        "currency",
    ];
    let mut f: Vec<FieldDef> = text.iter().map(|n| FieldDef::new(n, Text)).collect();
    f.extend([
        FieldDef::new("id", Integer),
        FieldDef::new("priority", Integer),
        FieldDef::new("color", Integer),
        FieldDef::new("probability", Integer),
        FieldDef::new("expected_revenue", Decimal),
        FieldDef::new("pipeline_id", RecordRef),
        FieldDef::new("stage_id", RecordRef),
        FieldDef::new("stage.is_won", Bool),
        FieldDef::new("contact_id", RecordRef),
        FieldDef::new("team_id", RecordRef),
        FieldDef::new("source_id", RecordRef),
        FieldDef::new("medium_id", RecordRef),
        FieldDef::new("campaign_id", RecordRef),
        FieldDef::new("outcome_reason_id", RecordRef),
        FieldDef::new("user_id", UserRef),
        FieldDef::new("user", UserRef),
        FieldDef::new("tags", TagSet),
        FieldDef::new("expected_closing", Date),
        FieldDef::new("due_date", Date),
        FieldDef::new("archived", Bool),
        FieldDef::new("archived_at", DateTime),
        FieldDef::new("created_at", DateTime),
        FieldDef::new("updated_at", DateTime),
        FieldDef::new("closed_at", DateTime),
        FieldDef::new("converted_at", DateTime),
        FieldDef::new("stage_changed_at", DateTime),
        FieldDef::new("created_by", UserRef),
        FieldDef::new("activity_state", DayState),
        FieldDef::new("next_activity", Date),
    ]);
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(name: &str) -> LeadValues {
        LeadValues {
            name: name.into(),
            ..Default::default()
        }
    }

    #[test]
    fn validation_names_every_wrong_field() {
        let v = LeadValues {
            name: "".into(),
            priority: 4,
            probability: Some(101),
            email: Some("x".into()),
            color: 12,
            ..Default::default()
        };
        let e = v.validate().unwrap_err();
        let fields: Vec<&str> = e.0.keys().map(String::as_str).collect();
        assert_eq!(
            fields,
            vec!["color", "email", "name", "priority", "probability"]
        );
        assert!(
            LeadValues {
                probability: Some(-1),
                ..lead("x")
            }
            .validate()
            .is_err()
        );
    }

    #[test]
    fn a_stage_lists_the_required_fields_still_missing() {
        let mut v = lead("200 T-shirts for Mike");
        let required = vec!["expected_revenue".to_string(), "email".to_string()];
        assert_eq!(v.missing(&required), required);
        v.expected_revenue = Some(Money::parse("78000", "VND").unwrap());
        assert_eq!(v.missing(&required), vec!["email".to_string()]);
    }

    #[test]
    fn patch_keeps_absent_and_clears_nulls() {
        let v = LeadValues {
            city: Some("Huế".into()),
            priority: 2,
            ..lead("A")
        };
        let p = LeadPatch {
            city: Some(None),
            name: Some("B".into()),
            ..Default::default()
        };
        let n = p.apply(&v);
        assert_eq!((n.name.as_str(), n.city, n.priority), ("B", None, 2));
    }

    #[test]
    fn derived_keys_include_number_company_and_phones() {
        let v = LeadValues {
            company_name: Some("Công ty Đặng Gia".into()),
            phone: Some("+84 912 345 678".into()),
            ..lead("Tuyển sinh 2027")
        };
        let d = v.derived("L-12");
        assert_eq!(d.company_fold.as_deref(), Some("cong ty dang gia"));
        assert_eq!(d.phone_key.as_deref(), Some("0912345678"));
        assert!(d.search_text.contains("l-12"));
    }

    #[test]
    fn diff_reports_revenue_with_its_currency() {
        let a = lead("A");
        let b = LeadValues {
            expected_revenue: Some(Money::parse("78000", "VND").unwrap()),
            ..lead("A")
        };
        assert_eq!(
            a.diff(&b),
            vec![("expected_revenue", None, Some("78000 VND".to_string()))]
        );
    }
}
