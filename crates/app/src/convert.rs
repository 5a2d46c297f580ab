//! Merging duplicates and converting a lead into an opportunity (R1.4, R1.6; seed 001).

use sen_domain::contact::ContactValues;
use sen_domain::errors::Invalid;
use sen_domain::lead::{LeadType, LeadValues, Outcome};
use sen_domain::merge::{self, RankFacts};
use sen_store::change_log::{self, Entry};
use sen_store::leads::{self as store, Lead, Write};
use sen_store::pipelines::{self, Pipeline};
use sen_store::sql::Arg;
use sen_store::{Tx, contacts};
use sen_store::{activities, messages};

use crate::App;
use crate::access::{self, Actor};
use crate::clock::now;
use crate::error::{AppError, AppResult};

/// How a converted lead's customer is set (seed 001's three choices).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Customer {
    /// Link an existing contact.
    Link(i64),
    /// Create the company and the person from the lead's own contact fields.
    Create,
    /// Leave it without a customer.
    None,
}

#[derive(Debug, Clone)]
pub struct ConvertInput {
    /// Merge these duplicates into the lead before converting it.
    pub merge_with: Vec<i64>,
    pub pipeline_id: Option<i64>,
    /// `None` keeps the salesperson; `Some(None)` unassigns.
    pub user_id: Option<Option<i64>>,
    pub team_id: Option<Option<i64>>,
    pub customer: Customer,
}

fn note(id: i64, field: &'static str, old: Option<String>, new: Option<String>) -> Entry<'static> {
    Entry {
        record_type: "lead",
        record_id: id,
        field,
        old_value: old,
        new_value: new,
    }
}

impl App {
    /// Merges records (≥ 2, any state): the kept one is `keep` or the best ranked; the
    /// others' values fill its empty fields (rules in `domain::merge`), their history moves
    /// to it, and they are deleted. A merge note records which numbers were merged.
    pub async fn merge_leads(
        &self,
        actor: &Actor,
        ids: &[i64],
        keep: Option<i64>,
    ) -> AppResult<Lead> {
        let mut distinct = ids.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < 2 || distinct.len() != ids.len() {
            return Err(AppError::field(
                "ids",
                Invalid::Message("name at least two different records, each once".into()),
            ));
        }
        if keep.is_some_and(|k| !distinct.contains(&k)) {
            return Err(AppError::field(
                "keep_id",
                Invalid::Message("must be one of `ids`".into()),
            ));
        }
        let mut tx = self.db.begin().await?;
        let (kept, removed) = self.merge_in_tx(&mut tx, actor, &distinct, keep).await?;
        tx.commit().await?;
        for r in &removed {
            self.publish_lead("deleted", r);
        }
        self.lead_after_write(actor, kept).await
    }

    /// Merges inside the caller's transaction; answers the kept id and the removed records
    /// (to announce once committed).
    async fn merge_in_tx(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        ids: &[i64],
        keep: Option<i64>,
    ) -> AppResult<(i64, Vec<Lead>)> {
        let scope = Self::lead_scope_in(&mut *tx, actor).await?;
        let mut records: Vec<Lead> = Vec::new();
        for id in ids {
            records.push(
                store::get(tx, *id, &scope)
                    .await?
                    .ok_or(AppError::NotFound)?,
            );
        }
        let all_pipelines = pipelines::list(tx).await?;
        let sequence = |l: &Lead| {
            all_pipelines
                .iter()
                .flat_map(|p| &p.stages)
                .find(|s| s.id == l.stage_id)
                .map(|s| s.sequence)
                .unwrap_or(0)
        };
        let mut facts: Vec<RankFacts> = records
            .iter()
            .map(|l| RankFacts {
                id: l.id,
                open: l.outcome == Outcome::Open.as_str(),
                opportunity: l.kind == LeadType::Opportunity.as_str(),
                stage_sequence: sequence(l),
                probability: l.probability,
            })
            .collect();
        merge::rank(&mut facts);
        let mut order: Vec<i64> = facts.iter().map(|f| f.id).collect();
        if let Some(k) = keep {
            order.retain(|id| *id != k);
            order.insert(0, k);
        }
        let ranked: Vec<&Lead> = order
            .iter()
            .filter_map(|id| records.iter().find(|l| l.id == *id))
            .collect();
        let values: Vec<LeadValues> = ranked.iter().map(|l| l.values()).collect();
        let merged = merge::merge_values(&values);
        let kept = ranked[0];
        let now = now();
        let d = merged.derived(&kept.number);
        let entries = kept
            .values()
            .diff(&merged)
            .into_iter()
            .map(|(field, a, b)| note(kept.id, field, a, b))
            .collect();
        if store::update(
            tx,
            kept.id,
            kept.version,
            Write {
                values: &merged,
                derived: &d,
                extra: vec![],
                stored: kept,
                log: entries,
            },
            actor.user_id,
            now,
        )
        .await?
        .is_none()
        {
            return Err(AppError::Stale(crate::Current::Lead(Box::new(
                kept.clone(),
            ))));
        }
        let others: Vec<&&Lead> = ranked.iter().skip(1).collect();
        for other in &others {
            store::move_history(tx, other.id, kept.id).await?;
            // Activities and timeline posts stay with the record that survives.
            activities::move_to(tx, "lead", other.id, kept.id).await?;
            messages::move_to(tx, "lead", other.id, kept.id).await?;
            sen_store::followers::move_to(tx, "lead", other.id, kept.id).await?;
            sen_store::meetings::move_to(tx, "lead", other.id, kept.id).await?;
            sen_store::attachments::move_to(tx, "lead", other.id, kept.id).await?;
            store::delete(tx, other.id).await?;
        }
        activities::refresh_lead(tx, kept.id).await?;
        let numbers: Vec<String> = others.iter().map(|l| l.number.clone()).collect();
        change_log::write(
            tx,
            note(
                kept.id,
                "merged",
                Some(numbers.join(", ")),
                Some(kept.number.clone()),
            ),
            actor.user_id,
            now,
        )
        .await?;
        let removed: Vec<Lead> = others.iter().map(|l| (**l).clone()).collect();
        Ok((kept.id, removed))
    }

    /// Converts a lead into an opportunity (api.md `POST /leads/{id}/convert`): optionally
    /// merged with chosen duplicates first; placed in the named deal pipeline, else the
    /// team's, else the first, in its first stage; salesperson and team as chosen; the
    /// customer linked, created from the lead, or none; converted at/by recorded.
    pub async fn convert_lead(
        &self,
        actor: &Actor,
        id: i64,
        input: ConvertInput,
    ) -> AppResult<Lead> {
        let now = now();
        let scope = self.lead_scope(actor).await?;
        let mut tx = self.db.begin().await?;
        let lead = store::get(&mut tx, id, &scope)
            .await?
            .ok_or(AppError::NotFound)?;
        if lead.outcome != Outcome::Open.as_str() {
            return Err(AppError::Conflict("record_is_closed"));
        }
        if lead.kind != LeadType::Lead.as_str() {
            return Err(AppError::Conflict("already_an_opportunity"));
        }
        if input.merge_with.contains(&id) {
            return Err(AppError::field(
                "merge_with",
                Invalid::Message("a record cannot merge with itself".into()),
            ));
        }
        let mut removed: Vec<Lead> = Vec::new();
        let lead = if input.merge_with.is_empty() {
            lead
        } else {
            let mut ids = vec![id];
            ids.extend(&input.merge_with);
            let mut distinct = ids.clone();
            distinct.sort_unstable();
            distinct.dedup();
            if distinct.len() != ids.len() {
                return Err(AppError::field(
                    "merge_with",
                    Invalid::Message("each record once".into()),
                ));
            }
            let (_, gone) = self.merge_in_tx(&mut tx, actor, &ids, Some(id)).await?;
            removed = gone;
            store::get(&mut tx, id, &scope)
                .await?
                .ok_or(AppError::NotFound)?
        };
        let mut values = lead.values();
        if let Some(u) = input.user_id {
            values.user_id = u;
        }
        if let Some(t) = input.team_id {
            values.team_id = t;
        } else if input.user_id.is_some() {
            values.team_id = match values.user_id {
                Some(u) => sen_store::teams::of_user(&mut tx, u)
                    .await?
                    .first()
                    .copied()
                    .or(values.team_id),
                None => values.team_id,
            };
        }
        let mut e = sen_domain::errors::FieldErrors::new();
        self.check_lead_refs(&mut tx, &values, Some(&lead.values()), &mut e)
            .await?;
        let pipeline = self
            .deal_pipeline(&mut tx, input.pipeline_id, values.team_id, &mut e)
            .await?;
        values.contact_id = match input.customer {
            Customer::Link(c) => {
                if contacts::get(&mut tx, c, &access::all()).await?.is_none() {
                    e.add("customer.contact_id", Invalid::NotFound);
                }
                Some(c)
            }
            Customer::Create => Some(self.customer_from_lead(&mut tx, actor, &lead).await?),
            Customer::None => values.contact_id,
        };
        e.into_result()?;
        let Some(pipeline) = pipeline else {
            return Err(AppError::field("pipeline_id", Invalid::NotFound));
        };
        let Some(stage) = pipeline.stages.first().cloned() else {
            return Err(AppError::field(
                "pipeline_id",
                Invalid::Message("this pipeline has no stages".into()),
            ));
        };
        let number = store::next_number(&mut tx, pipeline.id).await?;
        let d = values.derived(&number);
        let extra: Vec<(&'static str, Arg)> = vec![
            ("type", LeadType::Opportunity.as_str().into()),
            ("number", number.clone().into()),
            ("pipeline_id", pipeline.id.into()),
            ("stage_id", stage.id.into()),
            ("stage_changed_at", now.into()),
            (
                "probability",
                values.probability.unwrap_or(stage.probability).into(),
            ),
            ("converted_at", now.into()),
            ("converted_by", actor.user_id.into()),
        ];
        let mut entries: Vec<_> = lead
            .values()
            .diff(&values)
            .into_iter()
            .map(|(field, a, b)| note(id, field, a, b))
            .collect();
        entries.push(note(
            id,
            "converted",
            Some(lead.number.clone()),
            Some(number),
        ));
        if store::update(
            &mut tx,
            id,
            lead.version,
            Write {
                values: &values,
                derived: &d,
                extra,
                stored: &lead,
                log: entries,
            },
            actor.user_id,
            now,
        )
        .await?
        .is_none()
        {
            return Err(AppError::Stale(crate::Current::Lead(Box::new(lead))));
        }
        tx.commit().await?;
        for r in &removed {
            self.publish_lead("deleted", r);
        }
        self.lead_after_write(actor, id).await
    }

    /// The deal pipeline a conversion goes to.
    async fn deal_pipeline(
        &self,
        tx: &mut Tx,
        named: Option<i64>,
        team: Option<i64>,
        e: &mut sen_domain::errors::FieldErrors,
    ) -> AppResult<Option<Pipeline>> {
        let all = pipelines::list(tx).await?;
        let deals = all.into_iter().filter(|p| p.kind == "deal");
        Ok(match named {
            Some(id) => {
                let found = deals.clone().find(|p| p.id == id);
                if found.is_none() {
                    e.add(
                        "pipeline_id",
                        Invalid::Message("not a deal pipeline".into()),
                    );
                }
                found
            }
            None => {
                let all: Vec<Pipeline> = deals.collect();
                all.iter()
                    .find(|p| team.is_some_and(|t| p.team_ids.contains(&t)))
                    .or(all.first())
                    .cloned()
            }
        })
    }

    /// Creates the customer from the lead, as seed 001 describes: the company (when the lead
    /// names one) and the person working there; answers the person, else the company.
    async fn customer_from_lead(&self, tx: &mut Tx, actor: &Actor, lead: &Lead) -> AppResult<i64> {
        let now = now();
        let company = match &lead.company_name {
            Some(name) => {
                let v = ContactValues {
                    name: name.clone(),
                    is_company: true,
                    website: lead.website.clone(),
                    street: lead.street.clone(),
                    ward: lead.ward.clone(),
                    district: lead.district.clone(),
                    city: lead.city.clone(),
                    country: lead.country.clone(),
                    owner_id: lead.user_id,
                    ..Default::default()
                }
                .cleaned();
                let cid = contacts::insert(tx, &v, &v.derived(), actor.user_id, now).await?;
                log_contact_created(tx, cid, &v.name, actor.user_id, now).await?;
                Some(cid)
            }
            None => None,
        };
        let person_name = lead
            .contact_name
            .clone()
            .or_else(|| company.is_none().then(|| lead.name.clone()));
        let Some(name) = person_name else {
            return company.ok_or(AppError::Internal("no customer to create".into()));
        };
        let v = ContactValues {
            name,
            company_id: company,
            salutation: lead.salutation.clone(),
            job_position: lead.job_position.clone(),
            email: lead.email.clone(),
            phone: lead.phone.clone(),
            mobile: lead.mobile.clone(),
            street: lead.street.clone(),
            ward: lead.ward.clone(),
            district: lead.district.clone(),
            city: lead.city.clone(),
            country: lead.country.clone(),
            owner_id: lead.user_id,
            ..Default::default()
        }
        .cleaned();
        if v.validate().is_err() {
            // The lead's own fields were valid when saved; a contact rule that differs
            // (e.g. a longer limit) must not block the conversion: keep the company.
            return company.ok_or(AppError::field(
                "customer.mode",
                Invalid::Message("the lead's contact fields are not valid for a contact".into()),
            ));
        }
        let cid = contacts::insert(tx, &v, &v.derived(), actor.user_id, now).await?;
        log_contact_created(tx, cid, &v.name, actor.user_id, now).await?;
        Ok(cid)
    }
}

/// The "created" entry every new contact's history starts with.
async fn log_contact_created(
    tx: &mut Tx,
    id: i64,
    name: &str,
    by: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let e = Entry {
        record_type: "contact",
        record_id: id,
        field: "created",
        old_value: None,
        new_value: Some(name.to_string()),
    };
    change_log::write(tx, e, by, now).await?;
    Ok(())
}
