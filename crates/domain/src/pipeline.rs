//! Pipelines and stages (R2): validation of what an admin configures.

use crate::errors::{FieldErrors, Invalid, check_len, check_required};

choice!(
    /// Whether a pipeline holds leads or deals (opportunities).
    PipelineKind { Lead => "lead", Deal => "deal" }
);

/// The fields a stage may require before a record enters it.
pub const REQUIRABLE_FIELDS: &[&str] = &[
    "expected_revenue",
    "expected_closing",
    "contact_id",
    "email",
    "phone",
    "user_id",
    "team_id",
    "company_name",
    "contact_name",
    "source_id",
    "due_date",
    "description",
];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PipelineValues {
    pub name: String,
    pub kind: Option<PipelineKind>,
    pub team_ids: Vec<i64>,
    pub number_prefix: String,
    pub lost_reason_required: bool,
}

impl PipelineValues {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        check_required(&mut e, "name", Some(&self.name), 100);
        if self.kind.is_none() {
            e.add(
                "kind",
                Invalid::Choice {
                    allowed: PipelineKind::choices(),
                },
            );
        }
        check_len(&mut e, "number_prefix", &self.number_prefix, 10);
        if !self
            .number_prefix
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
        {
            e.add(
                "number_prefix",
                Invalid::Message("use letters, digits and - _ / . only".into()),
            );
        }
        e.into_result()
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct StageValues {
    pub name: String,
    pub probability: i64,
    pub is_won: bool,
    pub folded: bool,
    pub requirements: Option<String>,
    pub team_ids: Vec<i64>,
    pub stale_after_days: Option<i64>,
    pub required_fields: Vec<String>,
}

impl StageValues {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        check_required(&mut e, "name", Some(&self.name), 100);
        if !(0..=100).contains(&self.probability) {
            e.add("probability", Invalid::Range { min: 0, max: 100 });
        }
        if let Some(d) = self.stale_after_days
            && !(1..=3650).contains(&d)
        {
            e.add("stale_after_days", Invalid::Range { min: 1, max: 3650 });
        }
        if let Some(r) = &self.requirements {
            check_len(&mut e, "requirements", r, 2000);
        }
        for f in &self.required_fields {
            if !REQUIRABLE_FIELDS.contains(&f.as_str()) {
                e.add(
                    "required_fields",
                    Invalid::Choice {
                        allowed: REQUIRABLE_FIELDS.iter().map(|s| s.to_string()).collect(),
                    },
                );
                break;
            }
        }
        e.into_result()
    }
}

/// A pipeline's default stages, as a new workspace gets them (names by language).
pub struct StageTemplate {
    pub names: [&'static str; 3], // vi, zh-TW, en
    pub probability: i64,
    pub is_won: bool,
}

/// Odoo's default opportunity stages (seed 001): New, Qualified, Proposition, Won.
pub const DEAL_STAGES: &[StageTemplate] = &[
    StageTemplate {
        names: ["Mới", "新建", "New"],
        probability: 10,
        is_won: false,
    },
    StageTemplate {
        names: ["Đã xác định", "已確認", "Qualified"],
        probability: 30,
        is_won: false,
    },
    StageTemplate {
        names: ["Đề xuất", "提案", "Proposition"],
        probability: 70,
        is_won: false,
    },
    StageTemplate {
        names: ["Thành công", "成交", "Won"],
        probability: 100,
        is_won: true,
    },
];

/// The lead process of seed 003: New, Working (a lead leaves by conversion or as
/// Unqualified, which are outcomes, not stages).
pub const LEAD_STAGES: &[StageTemplate] = &[
    StageTemplate {
        names: ["Mới", "新建", "New"],
        probability: 5,
        is_won: false,
    },
    StageTemplate {
        names: ["Đang xử lý", "處理中", "Working"],
        probability: 10,
        is_won: false,
    },
];

/// Caresoft's deal process (seed 003), loaded by `sen demo`.
pub const CARESOFT_DEAL_STAGES: &[StageTemplate] = &[
    StageTemplate {
        names: ["Tìm kiếm", "開發中", "Prospecting"],
        probability: 10,
        is_won: false,
    },
    StageTemplate {
        names: ["Đủ điều kiện", "已確認", "Qualified"],
        probability: 25,
        is_won: false,
    },
    StageTemplate {
        names: ["Báo giá", "報價", "Quote"],
        probability: 60,
        is_won: false,
    },
    StageTemplate {
        names: ["Chốt", "成交前", "Closure"],
        probability: 85,
        is_won: false,
    },
    StageTemplate {
        names: ["Thành công", "成交", "Won"],
        probability: 100,
        is_won: true,
    },
];

/// A university's admissions process (seed 002), loaded by `sen demo`.
pub const ADMISSIONS_STAGES: &[StageTemplate] = &[
    StageTemplate {
        names: ["Tiếp nhận hồ sơ", "接收資料", "Enquiry"],
        probability: 10,
        is_won: false,
    },
    StageTemplate {
        names: ["Tư vấn", "諮詢", "Counselling"],
        probability: 30,
        is_won: false,
    },
    StageTemplate {
        names: ["Đăng ký dự tuyển", "報名", "Application"],
        probability: 60,
        is_won: false,
    },
    StageTemplate {
        names: ["Nhập học", "入學", "Enrolled"],
        probability: 100,
        is_won: true,
    },
];

/// The name of a template stage in a workspace language.
pub fn template_name(t: &StageTemplate, language: &str) -> &'static str {
    match language {
        "vi" => t.names[0],
        "zh-TW" => t.names[1],
        _ => t.names[2],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_probability_must_be_a_percentage() {
        let s = StageValues {
            name: "X".into(),
            probability: 101,
            ..Default::default()
        };
        assert!(s.validate().unwrap_err().0.contains_key("probability"));
        let s = StageValues {
            name: "X".into(),
            probability: -1,
            ..Default::default()
        };
        assert!(s.validate().is_err());
    }

    #[test]
    fn stage_may_only_require_known_fields() {
        let s = StageValues {
            name: "Proposition".into(),
            required_fields: vec!["expected_revenue".into()],
            ..Default::default()
        };
        assert!(s.validate().is_ok());
        let s = StageValues {
            name: "X".into(),
            required_fields: vec!["password".into()],
            ..Default::default()
        };
        assert!(s.validate().unwrap_err().0.contains_key("required_fields"));
    }

    #[test]
    fn default_deal_pipeline_ends_in_a_won_stage() {
        assert!(DEAL_STAGES.last().is_some_and(|s| s.is_won));
        assert_eq!(template_name(&DEAL_STAGES[0], "vi"), "Mới");
    }
}
