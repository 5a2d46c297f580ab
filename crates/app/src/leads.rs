//! Lead and opportunity use cases (R1.1–R1.5, R4.3): create with defaults and a gap-free
//! number, update, move between stages (checking the fields a stage requires), won, lost,
//! unqualified, reopen, archive, restore, delete — each one transaction, change-logged,
//! access-checked in SQL.

use chrono::{DateTime, Utc};
use sen_domain::errors::{FieldErrors, Invalid};
use sen_domain::filter::{Cond, FieldDef, FieldType, Op, Scalar};
use sen_domain::lead::{self, LeadPatch, LeadType, LeadValues, Outcome};
use sen_domain::list;
use sen_domain::lookup::AppliesTo;
use sen_domain::notify::Kind;
use sen_domain::search;
use sen_domain::user::Role;
use sen_store::change_log::{self, Entry};
use sen_store::leads::{self as store, Lead, LeadDuplicate, LeadState, ListSpec, Write};
use sen_store::lookups::{self, LookupKind};
use sen_store::pipelines::{Pipeline, Stage};
use sen_store::settings::Settings;
use sen_store::sql::Arg;
use sen_store::{Conn, Page, Tx, contacts, tags, teams, users};

use crate::App;
use crate::access::{self, Actor};
use crate::clock::now;
use crate::contacts::{ListParams, user_filter};
use crate::error::{AppError, AppResult};
use crate::settings::SettingsExt;

const RECORD: &str = "lead";

/// A saved lead and the existing ones it looks like.
#[derive(Debug, Clone)]
pub struct SavedLead {
    pub lead: Lead,
    pub duplicates: Vec<LeadDuplicate>,
}

/// What a new lead says about where it goes; the rest defaults (api.md, issue #3).
#[derive(Debug, Clone, Default)]
pub struct Placement {
    pub kind: Option<LeadType>,
    pub pipeline_id: Option<i64>,
    pub stage_id: Option<i64>,
}

fn user_cond(field: &str, op: Op, value: i64) -> Cond {
    Cond::Compare {
        field: FieldDef::new(field, FieldType::UserRef),
        op,
        value: Scalar::Int(value),
    }
}

fn unassigned() -> Cond {
    Cond::IsNull {
        field: FieldDef::new("user_id", FieldType::UserRef),
        negated: false,
    }
}

fn log(field: &'static str, id: i64, old: Option<String>, new: Option<String>) -> Entry<'static> {
    Entry {
        record_type: RECORD,
        record_id: id,
        field,
        old_value: old,
        new_value: new,
    }
}

impl App {
    /// Who sees which leads (R4.3): salespeople their own and unassigned ones, team leaders
    /// also their teams', managers and admins all — as a condition the store compiles.
    pub async fn lead_scope(&self, actor: &Actor) -> AppResult<Cond> {
        Self::lead_scope_in(&mut &self.db, actor).await
    }

    /// `lead_scope` read through `conn`: inside a transaction, its own connection, so a
    /// write never asks the pool for a second one while it holds one (on PostgreSQL,
    /// writes each waiting for a connection could take the whole pool).
    pub(crate) async fn lead_scope_in(conn: &mut impl Conn, actor: &Actor) -> AppResult<Cond> {
        if actor.role.sees_all() {
            return Ok(access::all());
        }
        let mut any = vec![user_cond("user_id", Op::Eq, actor.user_id), unassigned()];
        if actor.role == Role::TeamLeader {
            let my_teams = teams::of_user(conn, actor.user_id).await?;
            if !my_teams.is_empty() {
                any.push(Cond::In {
                    field: FieldDef::new("team_id", FieldType::RecordRef),
                    values: my_teams.into_iter().map(Scalar::Int).collect(),
                });
            }
        }
        Ok(Cond::Or(any))
    }

    /// What a list's parameters select, for this actor: (access scope, filter, search).
    async fn selection(
        &self,
        actor: &Actor,
        p: &ListParams,
    ) -> AppResult<(Cond, Option<Cond>, search::SearchQuery)> {
        let filter = user_filter(actor, p.filter.as_deref(), &lead::filter_fields())?;
        let query = search::parse_query(p.q.as_deref().unwrap_or(""));
        Ok((self.lead_scope(actor).await?, filter, query))
    }

    pub async fn list_leads(&self, actor: &Actor, p: &ListParams) -> AppResult<Page<Lead>> {
        let limit = list::check_limit(p.limit)?;
        let sort = list::parse_sort(p.sort.as_deref(), lead::SORTABLE)?;
        let (scope, filter, query) = self.selection(actor, p).await?;
        let spec = ListSpec {
            scope: &scope,
            filter: filter.as_ref(),
            query: &query,
            sort: &sort,
            limit,
            cursor: p.cursor.as_deref(),
        };
        store::list(&self.db, &spec).await?.map_err(|_| {
            AppError::field(
                "cursor",
                Invalid::Message("this cursor is not valid for this list".into()),
            )
        })
    }

    /// Counts and sums per group (stage, user, team, tag, source, closing_month) over every
    /// record the list's filter and search match and the actor may see.
    pub async fn lead_group_sums(
        &self,
        actor: &Actor,
        p: &ListParams,
        group: &str,
    ) -> AppResult<Vec<store::GroupSum>> {
        let (scope, filter, query) = self.selection(actor, p).await?;
        let spec = ListSpec {
            scope: &scope,
            filter: filter.as_ref(),
            query: &query,
            sort: &[],
            limit: 0,
            cursor: None,
        };
        Ok(store::group_sums(&self.db, &spec, group).await?)
    }

    pub async fn get_lead(&self, actor: &Actor, id: i64) -> AppResult<Lead> {
        let scope = self.lead_scope(actor).await?;
        store::get(&mut &self.db, id, &scope)
            .await?
            .ok_or(AppError::NotFound)
    }

    pub async fn lead_duplicates(&self, actor: &Actor, id: i64) -> AppResult<Vec<LeadDuplicate>> {
        let l = self.get_lead(actor, id).await?;
        let scope = self.lead_scope(actor).await?;
        Ok(store::duplicates(
            &mut &self.db,
            Some(id),
            &l.values().derived(&l.number),
            &scope,
        )
        .await?)
    }

    /// Checks every reference a lead makes; all problems are named at once.
    /// Checks the records `v` refers to that `before` (the stored values, on an edit) did
    /// not already refer to. A reference kept as it was is not checked again: deleting a
    /// team, contact or lookup clears it in every record, and a salesperson who has left
    /// (deactivated) must not stop their records from being moved or edited until someone
    /// reassigns them — only assigning a record to them anew is refused.
    pub(crate) async fn check_lead_refs(
        &self,
        tx: &mut Tx,
        v: &LeadValues,
        before: Option<&LeadValues>,
        e: &mut FieldErrors,
    ) -> AppResult<()> {
        let new = |now: Option<i64>, then: fn(&LeadValues) -> Option<i64>| {
            now.filter(|id| before.is_none_or(|b| then(b) != Some(*id)))
        };
        if let Some(u) = new(v.user_id, |b| b.user_id)
            && !users::by_id(tx, u).await?.is_some_and(|u| u.active)
        {
            e.add("user_id", Invalid::NotFound);
        }
        if let Some(t) = new(v.team_id, |b| b.team_id)
            && teams::get(tx, t).await?.is_none()
        {
            e.add("team_id", Invalid::NotFound);
        }
        if let Some(c) = new(v.contact_id, |b| b.contact_id)
            && contacts::get(tx, c, &access::all()).await?.is_none()
        {
            e.add("contact_id", Invalid::NotFound);
        }
        for (field, kind, id) in [
            (
                "source_id",
                LookupKind::Source,
                new(v.source_id, |b| b.source_id),
            ),
            (
                "medium_id",
                LookupKind::Medium,
                new(v.medium_id, |b| b.medium_id),
            ),
            (
                "campaign_id",
                LookupKind::Campaign,
                new(v.campaign_id, |b| b.campaign_id),
            ),
        ] {
            if let Some(id) = id
                && lookups::get(tx, kind, id).await?.is_none()
            {
                e.add(field, Invalid::NotFound);
            }
        }
        let added: Vec<i64> = v
            .tag_ids
            .iter()
            .copied()
            .filter(|t| before.is_none_or(|b| !b.tag_ids.contains(t)))
            .collect();
        // An over-long list is already refused by validation; do not send it to the database.
        if !added.is_empty()
            && v.tag_ids.len() <= sen_domain::contact::MAX_TAGS
            && tags::existing(tx, &added).await?.len() != added.len()
        {
            e.add("tag_ids", Invalid::NotFound);
        }
        Ok(())
    }

    /// The pipeline and stage a new lead goes to: the named ones, else the salesperson's
    /// team's pipeline of the right kind, else the first of that kind; its first stage.
    fn place(
        settings: &Settings,
        p: &Placement,
        team_id: Option<i64>,
        e: &mut FieldErrors,
    ) -> AppResult<Option<(Pipeline, Stage)>> {
        let kind = p.kind.unwrap_or(LeadType::Lead);
        let want = if kind == LeadType::Lead {
            "lead"
        } else {
            "deal"
        };
        let all = &settings.pipelines;
        let pipeline = match p.pipeline_id {
            Some(id) => match all.iter().find(|x| x.id == id) {
                Some(x) => Some(x.clone()),
                None => {
                    e.add("pipeline_id", Invalid::NotFound);
                    None
                }
            },
            None => {
                let of_kind = all.iter().filter(|x| x.kind == want);
                let team_first = of_kind
                    .clone()
                    .find(|x| team_id.is_some_and(|t| x.team_ids.contains(&t)));
                team_first
                    .or_else(|| all.iter().find(|x| x.kind == want))
                    .cloned()
            }
        };
        let Some(pipeline) = pipeline else {
            if p.pipeline_id.is_none() {
                e.add(
                    "pipeline_id",
                    Invalid::Message(format!("there is no {want} pipeline")),
                );
            }
            return Ok(None);
        };
        let stage = match p.stage_id {
            Some(sid) => match pipeline.stages.iter().find(|s| s.id == sid) {
                Some(s) => Some(s.clone()),
                None => {
                    e.add(
                        "stage_id",
                        Invalid::Message("not a stage of this pipeline".into()),
                    );
                    None
                }
            },
            None => {
                let first = pipeline.stages.first().cloned();
                if first.is_none() {
                    e.add(
                        "pipeline_id",
                        Invalid::Message("this pipeline has no stages".into()),
                    );
                }
                first
            }
        };
        Ok(stage.map(|s| (pipeline, s)))
    }

    /// Creates a lead or opportunity. `values.user_id` is the salesperson as given (the
    /// API passes "me" when the field is absent); the team defaults from the salesperson.
    pub async fn create_lead(
        &self,
        actor: &Actor,
        placement: Placement,
        values: LeadValues,
    ) -> AppResult<SavedLead> {
        let mut v = values.cleaned();
        let mut e = FieldErrors::new();
        if let Err(ve) = v.validate() {
            e.merge(ve);
        }
        let now = now();
        let settings = self.settings(actor).await?;
        // Worked out before the transaction: no second connection is asked for inside it.
        let scope = self.lead_scope(actor).await?;
        let mut tx = self.db.begin().await?;
        if v.team_id.is_none()
            && let Some(u) = v.user_id
        {
            v.team_id = teams::of_user(&mut tx, u).await?.first().copied();
        }
        self.check_lead_refs(&mut tx, &v, None, &mut e).await?;
        let placed = Self::place(&settings, &placement, v.team_id, &mut e)?;
        e.clone().into_result()?;
        let Some((pipeline, stage)) = placed else {
            return Err(AppError::Invalid(e));
        };
        let missing = v.missing(&stage.required_fields());
        if !missing.is_empty() {
            return Err(missing_fields(&missing));
        }
        let kind = placement.kind.unwrap_or(if pipeline.kind == "deal" {
            LeadType::Opportunity
        } else {
            LeadType::Lead
        });
        let number = store::next_number(&mut tx, pipeline.id).await?;
        let d = v.derived(&number);
        let outcome = if stage.is_won {
            Outcome::Won
        } else {
            Outcome::Open
        };
        let st = LeadState {
            number: &number,
            kind: kind.as_str(),
            pipeline_id: pipeline.id,
            stage_id: stage.id,
            outcome: outcome.as_str(),
            // Won from the start: closed, and certain.
            probability: if stage.is_won {
                100
            } else {
                v.probability.unwrap_or(stage.probability)
            },
            stage_changed_at: now,
            closed: stage.is_won,
        };
        let created = store::insert(&mut tx, &v, &d, &st, actor.user_id, now).await?;
        let id = created.id;
        change_log::write(
            &mut tx,
            log("created", id, None, Some(number.clone())),
            actor.user_id,
            now,
        )
        .await?;
        // The creator and the salesperson follow the record from the start.
        self.auto_follow(&mut tx, RECORD, id, actor.user_id).await?;
        // A creator who is also the salesperson already follows it and is not told.
        if let Some(u) = created.user_id.filter(|u| *u != actor.user_id) {
            self.lead_assigned(&mut tx, &created, u, actor).await?;
        }
        let duplicates = store::duplicates(&mut tx, Some(id), &d, &scope).await?;
        tx.commit().await?;
        // Nothing after the insert changes the lead's row, so its answer is the committed one.
        self.publish_lead("created", &created);
        Ok(SavedLead {
            lead: created,
            duplicates,
        })
    }

    /// The lead just written, read back even if the writer gave it away (assigning it to a
    /// colleague must not answer 404).
    /// It also publishes the change: every committed lead write ends here.
    pub(crate) async fn lead_after_write(&self, _actor: &Actor, id: i64) -> AppResult<Lead> {
        let l = store::get(&mut &self.db, id, &access::all())
            .await?
            .ok_or(AppError::NotFound)?;
        self.publish_lead("updated", &l);
        Ok(l)
    }

    /// Opens the write transaction of a lead the actor may change and loads it (404 when it
    /// is outside their scope); answers the scope too. The scope is worked out first, so
    /// no second pool connection is asked for while the transaction holds one (on
    /// PostgreSQL, transactions each waiting for a connection could take the whole pool).
    async fn begin_lead_write(&self, actor: &Actor, id: i64) -> AppResult<(Tx, Lead, Cond)> {
        let scope = self.lead_scope(actor).await?;
        let mut tx = self.db.begin().await?;
        let lead = store::get(&mut tx, id, &scope)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((tx, lead, scope))
    }

    /// Applies a partial update (and a stage change when `stage_id` is given) if `version`
    /// is still current.
    pub async fn update_lead(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        patch: LeadPatch,
        stage_id: Option<i64>,
    ) -> AppResult<SavedLead> {
        let now = now();
        let settings = self.settings(actor).await?;
        let (mut tx, current, scope) = self.begin_lead_write(actor, id).await?;
        if current.version != version {
            return Err(AppError::Stale(crate::Current::Lead(Box::new(current))));
        }
        let old = current.values();
        let new = patch.apply(&old).cleaned();
        let mut e = FieldErrors::new();
        if let Err(ve) = new.validate() {
            e.merge(ve);
        }
        self.check_lead_refs(&mut tx, &new, Some(&old), &mut e)
            .await?;
        e.into_result()?;
        let pipeline = settings
            .pipeline(current.pipeline_id)
            .ok_or(AppError::NotFound)?;
        let target = match stage_id {
            Some(s) if s != current.stage_id => Some(
                pipeline
                    .stages
                    .iter()
                    .find(|x| x.id == s)
                    .cloned()
                    .ok_or_else(|| {
                        AppError::field(
                            "stage_id",
                            Invalid::Message("not a stage of this lead's pipeline".into()),
                        )
                    })?,
            ),
            _ => None,
        };
        let stage = target.clone().or_else(|| {
            pipeline
                .stages
                .iter()
                .find(|x| x.id == current.stage_id)
                .cloned()
        });
        let mut extra: Vec<(&'static str, Arg)> = Vec::new();
        if let Some(t) = &target {
            let missing = new.missing(&t.required_fields());
            if !missing.is_empty() {
                return Err(missing_fields(&missing));
            }
            extra.push(("stage_id", t.id.into()));
            extra.push(("stage_changed_at", now.into()));
            if t.is_won && current.outcome == Outcome::Open.as_str() {
                extra.push(("outcome", Outcome::Won.as_str().into()));
                extra.push(("closed_at", now.into()));
                extra.push(("closed_by", actor.user_id.into()));
            }
        }
        let probability = new
            .probability
            .or(stage.map(|s| s.probability))
            .unwrap_or(current.probability);
        extra.push(("probability", probability.into()));
        if new.user_id != old.user_id {
            extra.push(("assigned_at", new.user_id.map(|_| now).into()));
        }
        let d = new.derived(&current.number);
        let mut entries: Vec<Entry> = old
            .diff(&new)
            .into_iter()
            .map(|(field, a, b)| log(field, id, a, b))
            .collect();
        if let Some(t) = &target {
            entries.push(log(
                "stage_id",
                id,
                Some(current.stage_id.to_string()),
                Some(t.id.to_string()),
            ));
            if t.is_won && current.outcome == Outcome::Open.as_str() {
                entries.push(log(
                    "outcome",
                    id,
                    Some(current.outcome.clone()),
                    Some("won".into()),
                ));
            }
        }
        let Some(after) = store::update(
            &mut tx,
            id,
            version,
            Write {
                values: &new,
                derived: &d,
                extra,
                stored: &current,
                log: entries,
            },
            actor.user_id,
            now,
        )
        .await?
        else {
            return Err(AppError::Stale(crate::Current::Lead(Box::new(current))));
        };
        let reassigned = new.user_id.filter(|u| old.user_id != Some(*u));
        if let Some(u) = reassigned {
            self.lead_assigned(&mut tx, &after, u, actor).await?;
        }
        if let Some(t) = &target {
            let (kind, detail) = if t.is_won && current.outcome == Outcome::Open.as_str() {
                (Kind::Outcome, "won")
            } else {
                (Kind::Stage, t.name.as_str())
            };
            self.tell_about_lead(&mut tx, &after, kind, actor, Some(detail))
                .await?;
        }
        let duplicates = store::duplicates(&mut tx, Some(id), &d, &scope).await?;
        tx.commit().await?;
        // `after` is the committed row: what follows its read writes followers and news only.
        self.publish_lead("updated", &after);
        Ok(SavedLead {
            lead: after,
            duplicates,
        })
    }

    /// Marks a record won: it moves to its pipeline's won stage.
    pub async fn mark_won(&self, actor: &Actor, id: i64) -> AppResult<Lead> {
        let now = now();
        let settings = self.settings(actor).await?;
        let (mut tx, l, _) = self.begin_lead_write(actor, id).await?;
        if l.outcome != Outcome::Open.as_str() {
            return Err(AppError::Conflict("record_is_closed"));
        }
        let pipeline = settings.pipeline(l.pipeline_id).ok_or(AppError::NotFound)?;
        let won = pipeline.stages.iter().find(|s| s.is_won).cloned();
        let mut sets: Vec<(&'static str, Arg)> = vec![("probability", 100_i64.into())];
        if let Some(w) = &won {
            let missing = l.values().missing(&w.required_fields());
            if !missing.is_empty() {
                return Err(missing_fields(&missing));
            }
            sets.push(("stage_id", w.id.into()));
            sets.push(("stage_changed_at", now.into()));
        }
        let stage_log: Vec<Entry> = won
            .filter(|w| w.id != l.stage_id)
            .map(|w| {
                log(
                    "stage_id",
                    id,
                    Some(l.stage_id.to_string()),
                    Some(w.id.to_string()),
                )
            })
            .into_iter()
            .collect();
        let also = Also {
            sets,
            log: stage_log,
        };
        self.close(&mut tx, actor, &l, Outcome::Won, None, None, also, now)
            .await?;
        tx.commit().await?;
        self.lead_after_write(actor, id).await
    }

    /// Marks a record lost with a reason (required when its pipeline says so) and feedback.
    pub async fn mark_lost(
        &self,
        actor: &Actor,
        id: i64,
        reason_id: Option<i64>,
        feedback: Option<String>,
    ) -> AppResult<Lead> {
        self.close_with_reason(actor, id, Outcome::Lost, reason_id, feedback)
            .await
    }

    /// Marks a lead unqualified (unlike lost, it may come back: seed 003).
    pub async fn mark_unqualified(
        &self,
        actor: &Actor,
        id: i64,
        reason_id: Option<i64>,
    ) -> AppResult<Lead> {
        self.close_with_reason(actor, id, Outcome::Unqualified, reason_id, None)
            .await
    }

    async fn close_with_reason(
        &self,
        actor: &Actor,
        id: i64,
        outcome: Outcome,
        reason_id: Option<i64>,
        feedback: Option<String>,
    ) -> AppResult<Lead> {
        let now = now();
        let settings = self.settings(actor).await?;
        let (mut tx, l, _) = self.begin_lead_write(actor, id).await?;
        if l.outcome != Outcome::Open.as_str() {
            return Err(AppError::Conflict("record_is_closed"));
        }
        let pipeline = settings.pipeline(l.pipeline_id).ok_or(AppError::NotFound)?;
        match reason_id {
            None if pipeline.lost_reason_required && outcome == Outcome::Lost => {
                return Err(AppError::field("reason_id", Invalid::Required));
            }
            None => {}
            Some(r) => {
                let reason = lookups::get(&mut tx, LookupKind::LostReason, r)
                    .await?
                    .ok_or_else(|| AppError::field("reason_id", Invalid::NotFound))?;
                let applies = reason
                    .applies_to
                    .as_deref()
                    .and_then(AppliesTo::parse)
                    .unwrap_or(AppliesTo::Both);
                let fits = match applies {
                    AppliesTo::Both => true,
                    AppliesTo::Lead => l.kind == LeadType::Lead.as_str(),
                    AppliesTo::Deal => l.kind == LeadType::Opportunity.as_str(),
                };
                if !fits || !reason.active {
                    return Err(AppError::field(
                        "reason_id",
                        Invalid::Message(format!(
                            "this reason is for {} records",
                            applies.as_str()
                        )),
                    ));
                }
            }
        }
        let feedback = feedback
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty());
        if feedback
            .as_ref()
            .is_some_and(|f| f.chars().count() > 10_000)
        {
            return Err(AppError::field(
                "feedback",
                Invalid::TooLong { max: 10_000 },
            ));
        }
        let sets: Vec<(&'static str, Arg)> = vec![("probability", 0_i64.into())];
        let also = Also { sets, log: vec![] };
        self.close(&mut tx, actor, &l, outcome, reason_id, feedback, also, now)
            .await?;
        tx.commit().await?;
        self.lead_after_write(actor, id).await
    }

    /// Writes an outcome with who and when, and logs it.
    #[allow(clippy::too_many_arguments)]
    async fn close(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        l: &Lead,
        outcome: Outcome,
        reason_id: Option<i64>,
        feedback: Option<String>,
        also: Also,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        let Also {
            mut sets,
            log: also_log,
        } = also;
        sets.extend([
            ("outcome", outcome.as_str().into()),
            ("outcome_reason_id", reason_id.into()),
            ("feedback", feedback.clone().into()),
            ("closed_at", now.into()),
            ("closed_by", actor.user_id.into()),
        ]);
        let mut entries = vec![log(
            "outcome",
            l.id,
            Some(l.outcome.clone()),
            Some(outcome.as_str().into()),
        )];
        if let Some(r) = reason_id {
            entries.push(log("outcome_reason_id", l.id, None, Some(r.to_string())));
        }
        if let Some(f) = feedback {
            entries.push(log("feedback", l.id, None, Some(f)));
        }
        entries.extend(also_log);
        let v = l.values();
        if store::update(
            tx,
            l.id,
            l.version,
            Write {
                values: &v,
                derived: &v.derived(&l.number),
                extra: sets,
                stored: l,
                log: entries,
            },
            actor.user_id,
            now,
        )
        .await?
        .is_none()
        {
            return Err(AppError::Stale(crate::Current::Lead(Box::new(l.clone()))));
        }
        self.tell_about_lead(tx, l, Kind::Outcome, actor, Some(outcome.as_str()))
            .await?;
        Ok(())
    }

    /// Opens a closed record again; a won one steps back from the won stage.
    pub async fn reopen_lead(&self, actor: &Actor, id: i64) -> AppResult<Lead> {
        let now = now();
        let settings = self.settings(actor).await?;
        let (mut tx, l, _) = self.begin_lead_write(actor, id).await?;
        if l.outcome == Outcome::Open.as_str() {
            return Err(AppError::Conflict("record_is_open"));
        }
        let pipeline = settings.pipeline(l.pipeline_id).ok_or(AppError::NotFound)?;
        let current_stage = pipeline.stages.iter().find(|s| s.id == l.stage_id).cloned();
        let stage = match &current_stage {
            Some(s) if s.is_won => pipeline
                .stages
                .iter()
                .rev()
                .find(|x| !x.is_won)
                .cloned()
                .or(current_stage.clone()),
            other => other.clone(),
        };
        let mut sets: Vec<(&'static str, Arg)> = vec![
            ("outcome", Outcome::Open.as_str().into()),
            ("outcome_reason_id", Option::<i64>::None.into()),
            ("closed_at", Option::<DateTime<Utc>>::None.into()),
            ("closed_by", Option::<i64>::None.into()),
        ];
        if let Some(s) = &stage {
            if !l.probability_manual {
                sets.push(("probability", s.probability.into()));
            }
            if s.id != l.stage_id {
                sets.push(("stage_id", s.id.into()));
                sets.push(("stage_changed_at", now.into()));
            }
        }
        let mut entries = vec![log(
            "outcome",
            id,
            Some(l.outcome.clone()),
            Some("open".into()),
        )];
        if let Some(st) = stage.as_ref().filter(|st| st.id != l.stage_id) {
            entries.push(log(
                "stage_id",
                id,
                Some(l.stage_id.to_string()),
                Some(st.id.to_string()),
            ));
        }
        let v = l.values();
        if store::update(
            &mut tx,
            id,
            l.version,
            Write {
                values: &v,
                derived: &v.derived(&l.number),
                extra: sets,
                stored: &l,
                log: entries,
            },
            actor.user_id,
            now,
        )
        .await?
        .is_none()
        {
            return Err(AppError::Stale(crate::Current::Lead(Box::new(l))));
        }
        self.tell_about_lead(&mut tx, &l, Kind::Outcome, actor, Some("open"))
            .await?;
        tx.commit().await?;
        self.lead_after_write(actor, id).await
    }

    pub async fn set_lead_archived(
        &self,
        actor: &Actor,
        id: i64,
        archived: bool,
    ) -> AppResult<Lead> {
        let now = now();
        let (mut tx, l, _) = self.begin_lead_write(actor, id).await?;
        if l.archived_at.is_some() != archived {
            let at = archived.then_some(now);
            let (a, b) = (
                l.archived_at.map(|t| t.to_rfc3339()),
                at.map(|t| t.to_rfc3339()),
            );
            let v = l.values();
            let written = store::update(
                &mut tx,
                id,
                l.version,
                Write {
                    values: &v,
                    derived: &v.derived(&l.number),
                    extra: vec![("archived_at", at.into())],
                    stored: &l,
                    log: vec![log("archived_at", id, a, b)],
                },
                actor.user_id,
                now,
            )
            .await?;
            if written.is_none() {
                return Err(AppError::Stale(crate::Current::Lead(Box::new(l))));
            }
        }
        tx.commit().await?;
        self.lead_after_write(actor, id).await
    }

    /// Deletes a lead for good (managers and admins).
    pub async fn delete_lead(&self, actor: &Actor, id: i64) -> AppResult<()> {
        let now = now();
        let (mut tx, l, _) = self.begin_lead_write(actor, id).await?;
        access::require_manager(actor)?;
        sen_store::activities::delete_of_record(&mut tx, RECORD, id).await?;
        sen_store::followers::delete_of_record(&mut tx, RECORD, id).await?;
        sen_store::meetings::unlink_record(&mut tx, RECORD, id).await?;
        sen_store::attachments::delete_of_record(&mut tx, RECORD, id).await?;
        store::delete(&mut tx, id).await?;
        change_log::write(
            &mut tx,
            log("deleted", id, Some(l.number.clone()), None),
            actor.user_id,
            now,
        )
        .await?;
        tx.commit().await?;
        self.publish_lead("deleted", &l);
        Ok(())
    }

    /// The change log of a lead, newest first, `limit` entries before `before` (an id).
    pub async fn lead_timeline(
        &self,
        actor: &Actor,
        id: i64,
        limit: Option<i64>,
        before: Option<i64>,
    ) -> AppResult<(Vec<change_log::Change>, Option<i64>)> {
        self.get_lead(actor, id).await?;
        crate::contacts::timeline_page(&self.db, RECORD, id, limit, before).await
    }
}

/// What closing a record writes besides its outcome: more columns, and their change-log
/// entries (logged after the outcome's, in the same statement as the row on PostgreSQL).
struct Also {
    sets: Vec<(&'static str, Arg)>,
    log: Vec<Entry<'static>>,
}

/// 422 listing the fields a stage requires that are still empty.
fn missing_fields(missing: &[String]) -> AppError {
    let mut e = FieldErrors::new();
    for f in missing {
        e.add(
            f,
            Invalid::Message("required before entering this stage".into()),
        );
    }
    AppError::Invalid(e)
}
