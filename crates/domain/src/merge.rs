//! Merging duplicate leads (R1.6). The rules live here, once:
//! - the record kept is the one the user names, else the best ranked: open before closed,
//!   opportunity before lead, later stage, higher probability, then the oldest;
//! - each field takes the first non-empty value in rank order (the kept record first);
//! - tags are united, priority is the highest, descriptions are joined (kept first);
//! - custom fields: a key takes the first value present in rank order.

use std::cmp::Reverse;

use crate::lead::LeadValues;

/// What ranks a record among duplicates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankFacts {
    pub id: i64,
    pub open: bool,
    pub opportunity: bool,
    pub stage_sequence: i64,
    pub probability: i64,
}

/// Orders records best first (the default choice of the record to keep).
pub fn rank(records: &mut [RankFacts]) {
    records.sort_by_key(|r| {
        (
            Reverse(r.open),
            Reverse(r.opportunity),
            Reverse(r.stage_sequence),
            Reverse(r.probability),
            r.id,
        )
    });
}

macro_rules! first_some {
    ($ranked:expr, $kept:ident, $($f:ident),+) => {
        $( $kept.$f = $ranked.iter().find_map(|v| v.$f.clone()); )+
    };
}

/// The merged values of records given best first (`ranked[0]` is kept).
pub fn merge_values(ranked: &[LeadValues]) -> LeadValues {
    let Some(first) = ranked.first() else {
        return LeadValues::default();
    };
    let mut kept = first.clone();
    first_some!(
        ranked,
        kept,
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
        expected_revenue,
        probability,
        expected_closing,
        due_date,
        source_id,
        medium_id,
        campaign_id,
        referred_by
    );
    kept.priority = ranked.iter().map(|v| v.priority).max().unwrap_or(0);
    let mut tags: Vec<i64> = ranked
        .iter()
        .flat_map(|v| v.tag_ids.iter().copied())
        .collect();
    tags.sort_unstable();
    tags.dedup();
    kept.tag_ids = tags;
    let descriptions: Vec<&str> = ranked
        .iter()
        .filter_map(|v| v.description.as_deref())
        .collect();
    kept.description = (!descriptions.is_empty()).then(|| descriptions.join("\n\n"));
    let mut custom = serde_json::Map::new();
    for v in ranked {
        for (k, val) in &v.custom {
            custom.entry(k.clone()).or_insert_with(|| val.clone());
        }
    }
    kept.custom = custom;
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(id: i64, open: bool, opportunity: bool, seq: i64, prob: i64) -> RankFacts {
        RankFacts {
            id,
            open,
            opportunity,
            stage_sequence: seq,
            probability: prob,
        }
    }

    #[test]
    fn open_opportunities_in_later_stages_rank_first() {
        let mut r = vec![
            facts(1, false, true, 9, 100),
            facts(2, true, false, 1, 10),
            facts(3, true, true, 2, 30),
            facts(4, true, true, 2, 50),
            facts(5, true, true, 2, 50),
        ];
        rank(&mut r);
        let order: Vec<i64> = r.iter().map(|f| f.id).collect();
        assert_eq!(order, vec![4, 5, 3, 2, 1]);
    }

    #[test]
    fn fields_take_the_first_non_empty_value_and_collections_combine() {
        let a = LeadValues {
            name: "Keep".into(),
            email: None,
            phone: Some("1".into()),
            priority: 1,
            tag_ids: vec![2],
            description: Some("A".into()),
            ..Default::default()
        };
        let b = LeadValues {
            name: "Other".into(),
            email: Some("b@x.vn".into()),
            phone: Some("2".into()),
            priority: 3,
            tag_ids: vec![1, 2],
            description: Some("B".into()),
            ..Default::default()
        };
        let m = merge_values(&[a, b]);
        assert_eq!(m.name, "Keep");
        assert_eq!(m.email.as_deref(), Some("b@x.vn"));
        assert_eq!(m.phone.as_deref(), Some("1"));
        assert_eq!((m.priority, m.tag_ids), (3, vec![1, 2]));
        assert_eq!(m.description.as_deref(), Some("A\n\nB"));
    }
}
