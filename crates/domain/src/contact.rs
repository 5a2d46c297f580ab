//! Contacts (R1.8): persons and companies, their validation, their derived search keys and
//! the fields the filter language may use on them.

use crate::errors::{FieldErrors, Invalid, check_len, check_required, clean};
use crate::filter::{FieldDef, FieldType};
use crate::search;
use crate::validate::{is_valid_email, is_valid_phone, is_valid_website};

pub const MAX_NAME: usize = 200;
pub const MAX_TEXT: usize = 200;
pub const MAX_NOTES: usize = 20_000;
pub const MAX_TAGS: usize = 50;

/// Every value of a contact that a user edits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactValues {
    pub name: String,
    pub is_company: bool,
    pub company_id: Option<i64>,
    pub salutation: Option<String>,
    pub job_position: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub website: Option<String>,
    pub street: Option<String>,
    pub ward: Option<String>,
    pub district: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub owner_id: Option<i64>,
    pub notes: Option<String>,
    pub tag_ids: Vec<i64>,
}

/// A partial update: `None` keeps the value, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactPatch {
    pub name: Option<String>,
    pub is_company: Option<bool>,
    pub company_id: Option<Option<i64>>,
    pub salutation: Option<Option<String>>,
    pub job_position: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub mobile: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub street: Option<Option<String>>,
    pub ward: Option<Option<String>>,
    pub district: Option<Option<String>>,
    pub city: Option<Option<String>>,
    pub country: Option<Option<String>>,
    pub owner_id: Option<Option<i64>>,
    pub notes: Option<Option<String>>,
    pub tag_ids: Option<Vec<i64>>,
}

impl ContactPatch {
    /// The values after this patch.
    pub fn apply(self, current: &ContactValues) -> ContactValues {
        let c = current.clone();
        ContactValues {
            name: self.name.unwrap_or(c.name),
            is_company: self.is_company.unwrap_or(c.is_company),
            company_id: self.company_id.unwrap_or(c.company_id),
            salutation: self.salutation.unwrap_or(c.salutation),
            job_position: self.job_position.unwrap_or(c.job_position),
            email: self.email.unwrap_or(c.email),
            phone: self.phone.unwrap_or(c.phone),
            mobile: self.mobile.unwrap_or(c.mobile),
            website: self.website.unwrap_or(c.website),
            street: self.street.unwrap_or(c.street),
            ward: self.ward.unwrap_or(c.ward),
            district: self.district.unwrap_or(c.district),
            city: self.city.unwrap_or(c.city),
            country: self.country.unwrap_or(c.country),
            owner_id: self.owner_id.unwrap_or(c.owner_id),
            notes: self.notes.unwrap_or(c.notes),
            tag_ids: self.tag_ids.unwrap_or(c.tag_ids),
        }
    }
}

impl ContactValues {
    /// Trims every text and stores blanks as absent; sorts and de-duplicates tags.
    pub fn cleaned(self) -> ContactValues {
        let mut tag_ids = self.tag_ids;
        tag_ids.sort_unstable();
        tag_ids.dedup();
        ContactValues {
            name: self.name.trim().to_string(),
            salutation: clean(self.salutation),
            job_position: clean(self.job_position),
            email: clean(self.email),
            phone: clean(self.phone),
            mobile: clean(self.mobile),
            website: clean(self.website),
            street: clean(self.street),
            ward: clean(self.ward),
            district: clean(self.district),
            city: clean(self.city),
            country: clean(self.country),
            notes: clean(self.notes),
            tag_ids,
            ..self
        }
    }

    /// Checks every field and names each one that is wrong.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        check_required(&mut e, "name", Some(&self.name), MAX_NAME);
        for (field, value) in self.short_texts() {
            if let Some(v) = value {
                check_len(&mut e, field, v, MAX_TEXT);
            }
        }
        if let Some(notes) = &self.notes {
            check_len(&mut e, "notes", notes, MAX_NOTES);
        }
        if let Some(email) = &self.email
            && !is_valid_email(email)
        {
            e.add("email", Invalid::Email);
        }
        for (field, value) in [("phone", &self.phone), ("mobile", &self.mobile)] {
            if let Some(v) = value
                && !is_valid_phone(v)
            {
                e.add(field, Invalid::Phone);
            }
        }
        if let Some(w) = &self.website
            && !is_valid_website(w)
        {
            e.add("website", Invalid::Website);
        }
        if self.tag_ids.len() > MAX_TAGS {
            e.add("tag_ids", Invalid::TooLong { max: MAX_TAGS });
        }
        if self.is_company && self.company_id.is_some() {
            e.add(
                "company_id",
                Invalid::Message("a company cannot belong to another company".into()),
            );
        }
        e.into_result()
    }

    fn short_texts(&self) -> [(&'static str, Option<&String>); 12] {
        [
            ("salutation", self.salutation.as_ref()),
            ("job_position", self.job_position.as_ref()),
            ("email", self.email.as_ref()),
            ("phone", self.phone.as_ref()),
            ("mobile", self.mobile.as_ref()),
            ("website", self.website.as_ref()),
            ("street", self.street.as_ref()),
            ("ward", self.ward.as_ref()),
            ("district", self.district.as_ref()),
            ("city", self.city.as_ref()),
            ("country", self.country.as_ref()),
            ("notes", None),
        ]
    }

    /// The keys stored beside the record for search and duplicate detection.
    pub fn derived(&self) -> Derived {
        let phones: Vec<&str> = [&self.phone, &self.mobile]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let parts: Vec<&str> = [
            Some(&self.name),
            self.email.as_ref(),
            self.job_position.as_ref(),
            self.street.as_ref(),
            self.ward.as_ref(),
            self.district.as_ref(),
            self.city.as_ref(),
            self.country.as_ref(),
            self.website.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
        Derived {
            name_fold: search::fold(&self.name),
            email_key: self.email.as_deref().map(|e| e.trim().to_lowercase()),
            phone_key: self.phone.as_deref().and_then(phone_key),
            mobile_key: self.mobile.as_deref().and_then(phone_key),
            search_text: search::search_text(&parts, &phones),
        }
    }

    /// Field-by-field differences, as text, for the change log.
    pub fn diff(&self, new: &ContactValues) -> Vec<(&'static str, Option<String>, Option<String>)> {
        let a = self.as_texts();
        let b = new.as_texts();
        a.into_iter()
            .zip(b)
            .filter(|((_, x), (_, y))| x != y)
            .map(|((field, x), (_, y))| (field, x, y))
            .collect()
    }

    fn as_texts(&self) -> Vec<(&'static str, Option<String>)> {
        let tags = (!self.tag_ids.is_empty()).then(|| {
            self.tag_ids
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")
        });
        vec![
            ("name", Some(self.name.clone())),
            ("is_company", Some(self.is_company.to_string())),
            ("company_id", self.company_id.map(|v| v.to_string())),
            ("salutation", self.salutation.clone()),
            ("job_position", self.job_position.clone()),
            ("email", self.email.clone()),
            ("phone", self.phone.clone()),
            ("mobile", self.mobile.clone()),
            ("website", self.website.clone()),
            ("street", self.street.clone()),
            ("ward", self.ward.clone()),
            ("district", self.district.clone()),
            ("city", self.city.clone()),
            ("country", self.country.clone()),
            ("owner_id", self.owner_id.map(|v| v.to_string())),
            ("notes", self.notes.clone()),
            ("tag_ids", tags),
        ]
    }
}

/// A phone reduced to its national digits, the key duplicates are matched on.
pub fn phone_key(phone: &str) -> Option<String> {
    search::parse_query(phone)
        .terms
        .into_iter()
        .next()
        .filter(|t| t.chars().all(|c| c.is_ascii_digit()))
}

/// Keys computed from a contact's values, stored for search and duplicate detection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    pub name_fold: String,
    pub email_key: Option<String>,
    pub phone_key: Option<String>,
    pub mobile_key: Option<String>,
    pub search_text: String,
}

/// Why an existing contact looks like the one being saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateReason {
    Email,
    Phone,
    Name,
}

/// Fields a contact list may be sorted by.
pub const SORTABLE: &[&str] = &["name", "created_at", "updated_at", "email", "city", "id"];

/// The fields the filter language knows on contacts.
pub fn filter_fields() -> Vec<FieldDef> {
    use FieldType::*;
    let text = [
        "name",
        "salutation",
        "job_position",
        "email",
        "phone",
        "mobile",
        "website",
        "street",
        "ward",
        "district",
        "city",
        "country",
        "notes",
    ];
    let mut fields: Vec<FieldDef> = text.iter().map(|n| FieldDef::new(n, Text)).collect();
    fields.extend([
        FieldDef::new("id", Integer),
        FieldDef::new("is_company", Bool),
        FieldDef::new("company_id", RecordRef),
        FieldDef::new("owner_id", UserRef),
        FieldDef::new("owner", UserRef),
        FieldDef::new("tags", TagSet),
        FieldDef::new("archived", Bool),
        FieldDef::new("archived_at", DateTime),
        FieldDef::new("created_at", DateTime),
        FieldDef::new("updated_at", DateTime),
        FieldDef::new("created_by", UserRef),
        FieldDef::new("updated_by", UserRef),
    ]);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linda() -> ContactValues {
        ContactValues {
            name: "  Linda Wu ".into(),
            email: Some(" linda@example.com ".into()),
            phone: Some("0912-345-678".into()),
            city: Some(" ".into()),
            tag_ids: vec![3, 1, 3],
            ..Default::default()
        }
    }

    #[test]
    fn cleaning_trims_and_drops_blanks() {
        let v = linda().cleaned();
        assert_eq!(v.name, "Linda Wu");
        assert_eq!(v.email.as_deref(), Some("linda@example.com"));
        assert_eq!(v.city, None);
        assert_eq!(v.tag_ids, vec![1, 3]);
    }

    #[test]
    fn validation_names_every_wrong_field() {
        let v = ContactValues {
            name: " ".into(),
            email: Some("no-at-sign".into()),
            phone: Some("abc".into()),
            ..Default::default()
        };
        let e = v.validate().unwrap_err();
        assert_eq!(e.0["name"], vec![Invalid::Required]);
        assert_eq!(e.0["email"], vec![Invalid::Email]);
        assert_eq!(e.0["phone"], vec![Invalid::Phone]);
    }

    #[test]
    fn derived_keys_fold_name_and_reduce_phones() {
        let v = ContactValues {
            name: "Nguyễn Văn An".into(),
            phone: Some("+84 912 345 678".into()),
            email: Some("An@Example.com".into()),
            ..Default::default()
        };
        let d = v.derived();
        assert_eq!(d.name_fold, "nguyen van an");
        assert_eq!(d.email_key.as_deref(), Some("an@example.com"));
        assert_eq!(d.phone_key.as_deref(), Some("0912345678"));
        assert!(d.search_text.contains("0912345678"));
    }

    #[test]
    fn diff_lists_only_changed_fields() {
        let a = linda().cleaned();
        let mut b = a.clone();
        b.city = Some("Taipei".into());
        assert_eq!(a.diff(&b), vec![("city", None, Some("Taipei".into()))]);
    }

    #[test]
    fn patch_keeps_absent_fields_and_clears_nulls() {
        let a = linda().cleaned();
        let p = ContactPatch {
            email: Some(None),
            city: Some(Some("Hà Nội".into())),
            ..Default::default()
        };
        let b = p.apply(&a);
        assert_eq!(b.name, "Linda Wu");
        assert_eq!(b.email, None);
        assert_eq!(b.city.as_deref(), Some("Hà Nội"));
    }
}
