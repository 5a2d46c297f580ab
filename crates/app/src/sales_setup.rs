//! Sales configuration use cases: teams, pipelines and stages, lookups (issue #3, R2, R4.2).
//! Everyone reads them; managers and admins change them (tags may be created by anyone).

use sen_domain::errors::{FieldErrors, Invalid, check_required};
use sen_domain::lookup::LookupValues;
use sen_domain::pipeline::{self, PipelineKind, PipelineValues, StageValues};
use sen_store::lookups::{self, Lookup, LookupKind};
use sen_store::pipelines::{self as store, Pipeline, Stage};
use sen_store::teams::{self, Team, TeamValues};
use sen_store::{StoreError, Tx, users};

use crate::App;
use crate::access::{Actor, require_manager};
use crate::clock::now;
use crate::error::{AppError, AppResult, Current};

#[derive(Debug, Clone, Default)]
pub struct TeamInput {
    pub name: String,
    pub leader_id: Option<i64>,
    pub member_ids: Vec<i64>,
    pub active: bool,
}

fn stale(current: Current) -> AppError {
    AppError::Stale(current)
}

async fn check_users(tx: &mut Tx, field: &str, ids: &[i64], e: &mut FieldErrors) -> AppResult<()> {
    for id in ids {
        if !users::by_id(tx, *id).await?.is_some_and(|u| u.active) {
            e.add(field, Invalid::NotFound);
            break;
        }
    }
    Ok(())
}

async fn check_teams(tx: &mut Tx, ids: &[i64], e: &mut FieldErrors) -> AppResult<()> {
    for id in ids {
        if teams::get(tx, *id).await?.is_none() {
            e.add("team_ids", Invalid::NotFound);
            break;
        }
    }
    Ok(())
}

fn dedup(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

impl App {
    // ---------------------------------------------------------------- teams

    pub async fn list_teams(&self) -> AppResult<Vec<Team>> {
        Ok(teams::list(&mut &self.db).await?)
    }

    pub async fn get_team(&self, id: i64) -> AppResult<Team> {
        teams::get(&mut &self.db, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    async fn checked_team(&self, tx: &mut Tx, t: &TeamInput) -> AppResult<()> {
        let mut e = FieldErrors::new();
        check_required(&mut e, "name", Some(&t.name), 100);
        check_users(tx, "leader_id", t.leader_id.as_slice(), &mut e).await?;
        check_users(tx, "member_ids", &t.member_ids, &mut e).await?;
        Ok(e.into_result()?)
    }

    pub async fn create_team(&self, actor: &Actor, t: TeamInput) -> AppResult<Team> {
        require_manager(actor)?;
        let t = TeamInput {
            name: t.name.trim().to_string(),
            member_ids: dedup(t.member_ids),
            ..t
        };
        let mut tx = self.db.begin().await?;
        self.checked_team(&mut tx, &t).await?;
        let v = TeamValues {
            name: &t.name,
            leader_id: t.leader_id,
            active: t.active,
            member_ids: &t.member_ids,
        };
        let id = teams::insert(&mut tx, &v, now()).await?;
        tx.commit().await?;
        self.get_team(id).await
    }

    pub async fn update_team(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        t: TeamInput,
    ) -> AppResult<Team> {
        require_manager(actor)?;
        let t = TeamInput {
            name: t.name.trim().to_string(),
            member_ids: dedup(t.member_ids),
            ..t
        };
        let mut tx = self.db.begin().await?;
        let current = teams::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        if current.version != version {
            return Err(stale(Current::Team(Box::new(current))));
        }
        self.checked_team(&mut tx, &t).await?;
        let v = TeamValues {
            name: &t.name,
            leader_id: t.leader_id,
            active: t.active,
            member_ids: &t.member_ids,
        };
        if !teams::update(&mut tx, id, version, &v, now()).await? {
            return Err(AppError::NotFound);
        }
        tx.commit().await?;
        self.get_team(id).await
    }

    pub async fn delete_team(&self, actor: &Actor, id: i64) -> AppResult<()> {
        require_manager(actor)?;
        let mut tx = self.db.begin().await?;
        if !teams::delete(&mut tx, id).await? {
            return Err(AppError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    // ---------------------------------------------------------------- pipelines

    pub async fn list_pipelines(&self) -> AppResult<Vec<Pipeline>> {
        Ok(store::list(&mut &self.db).await?)
    }

    pub async fn get_pipeline(&self, id: i64) -> AppResult<Pipeline> {
        store::get(&mut &self.db, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Creates a pipeline, with the given stages or else its kind's default stages.
    pub async fn create_pipeline(
        &self,
        actor: &Actor,
        v: PipelineValues,
        stages: Option<Vec<StageValues>>,
    ) -> AppResult<Pipeline> {
        require_manager(actor)?;
        let v = PipelineValues {
            name: v.name.trim().to_string(),
            team_ids: dedup(v.team_ids),
            ..v
        };
        v.validate()?;
        let language = self
            .workspace()
            .await?
            .map(|w| w.language)
            .unwrap_or_else(|| "en".into());
        let stages = match stages {
            Some(s) => s,
            None => default_stages(v.kind.unwrap_or(PipelineKind::Deal), &language),
        };
        let mut e = FieldErrors::new();
        for (i, s) in stages.iter().enumerate() {
            if let Err(se) = s.validate() {
                for (f, whys) in se.0 {
                    for w in whys {
                        e.add(&format!("stages[{i}].{f}"), w);
                    }
                }
            }
        }
        e.into_result()?;
        let now = now();
        let mut tx = self.db.begin().await?;
        let mut e = FieldErrors::new();
        check_teams(&mut tx, &v.team_ids, &mut e).await?;
        e.into_result()?;
        let id = store::insert(&mut tx, &v, now).await?;
        for s in &stages {
            store::insert_stage(&mut tx, id, s, now).await?;
        }
        tx.commit().await?;
        self.get_pipeline(id).await
    }

    /// Renames a pipeline or changes its prefix, teams or "lost reason required" (its kind
    /// never changes: records depend on it).
    pub async fn update_pipeline(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        v: PipelineValues,
    ) -> AppResult<Pipeline> {
        require_manager(actor)?;
        let mut tx = self.db.begin().await?;
        let current = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        if current.version != version {
            return Err(stale(Current::Pipeline(Box::new(current))));
        }
        let v = PipelineValues {
            name: v.name.trim().to_string(),
            kind: PipelineKind::parse(&current.kind),
            team_ids: dedup(v.team_ids),
            ..v
        };
        v.validate()?;
        let mut e = FieldErrors::new();
        check_teams(&mut tx, &v.team_ids, &mut e).await?;
        e.into_result()?;
        store::update(&mut tx, id, version, &v, now()).await?;
        tx.commit().await?;
        self.get_pipeline(id).await
    }

    pub async fn delete_pipeline(&self, actor: &Actor, id: i64) -> AppResult<()> {
        require_manager(actor)?;
        let mut tx = self.db.begin().await?;
        let p = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        let same_kind = store::list(&mut tx)
            .await?
            .into_iter()
            .filter(|o| o.kind == p.kind)
            .count();
        if same_kind <= 1 {
            return Err(AppError::Conflict("last_pipeline_of_its_kind"));
        }
        if sen_store::leads::count_in_pipeline(&mut tx, id).await? > 0 {
            return Err(AppError::Conflict("pipeline_holds_records"));
        }
        store::delete(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    }

    // ---------------------------------------------------------------- stages

    pub async fn get_stage(&self, id: i64) -> AppResult<Stage> {
        store::stage(&mut &self.db, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    async fn check_stage_teams(&self, tx: &mut Tx, s: &StageValues) -> AppResult<()> {
        s.validate()?;
        let mut e = FieldErrors::new();
        check_teams(tx, &s.team_ids, &mut e).await?;
        Ok(e.into_result()?)
    }

    /// Adds a stage at the end of a pipeline.
    pub async fn add_stage(
        &self,
        actor: &Actor,
        pipeline_id: i64,
        s: StageValues,
    ) -> AppResult<Stage> {
        require_manager(actor)?;
        let s = StageValues {
            name: s.name.trim().to_string(),
            team_ids: dedup(s.team_ids),
            ..s
        };
        let mut tx = self.db.begin().await?;
        store::get(&mut tx, pipeline_id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.check_stage_teams(&mut tx, &s).await?;
        let id = store::insert_stage(&mut tx, pipeline_id, &s, now()).await?;
        tx.commit().await?;
        self.get_stage(id).await
    }

    pub async fn update_stage(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        s: StageValues,
    ) -> AppResult<Stage> {
        require_manager(actor)?;
        let s = StageValues {
            name: s.name.trim().to_string(),
            team_ids: dedup(s.team_ids),
            ..s
        };
        let mut tx = self.db.begin().await?;
        let current = store::stage(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        if current.version != version {
            return Err(stale(Current::Stage(Box::new(current))));
        }
        self.check_stage_teams(&mut tx, &s).await?;
        store::update_stage(&mut tx, id, version, &s, now()).await?;
        tx.commit().await?;
        self.get_stage(id).await
    }

    /// Orders a pipeline's stages as `ids` says; the list must hold each of its stages once.
    pub async fn reorder_stages(
        &self,
        actor: &Actor,
        pipeline_id: i64,
        ids: &[i64],
    ) -> AppResult<Pipeline> {
        require_manager(actor)?;
        let mut tx = self.db.begin().await?;
        let p = store::get(&mut tx, pipeline_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut have: Vec<i64> = p.stages.iter().map(|s| s.id).collect();
        let mut given = ids.to_vec();
        have.sort_unstable();
        given.sort_unstable();
        if have != given {
            return Err(AppError::field(
                "stage_ids",
                Invalid::Message("list every stage of this pipeline exactly once".into()),
            ));
        }
        store::reorder(&mut tx, pipeline_id, ids, now()).await?;
        tx.commit().await?;
        self.get_pipeline(pipeline_id).await
    }

    /// Deletes a stage. Records in it move to `target` (a stage of the same pipeline),
    /// which is required when there are records; a pipeline keeps at least one stage.
    pub async fn delete_stage(&self, actor: &Actor, id: i64, target: Option<i64>) -> AppResult<()> {
        require_manager(actor)?;
        let mut tx = self.db.begin().await?;
        let stage = store::stage(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        let p = store::get(&mut tx, stage.pipeline_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if p.stages.len() <= 1 {
            return Err(AppError::Conflict("last_stage_of_pipeline"));
        }
        if let Some(t) = target
            && (t == id || !p.stages.iter().any(|s| s.id == t))
        {
            return Err(AppError::field(
                "target_stage_id",
                Invalid::Message("choose another stage of the same pipeline".into()),
            ));
        }
        let held = sen_store::leads::count_in_stage(&mut tx, id).await?;
        match target {
            Some(t) => {
                let now = now();
                let moved = sen_store::leads::ids_in_stage(&mut tx, id).await?;
                sen_store::leads::move_stage_records(&mut tx, id, t, now).await?;
                for lead in moved {
                    let e = sen_store::change_log::Entry {
                        record_type: "lead",
                        record_id: lead,
                        field: "stage_id",
                        old_value: Some(id.to_string()),
                        new_value: Some(t.to_string()),
                    };
                    sen_store::change_log::write(&mut tx, e, actor.user_id, now).await?;
                }
            }
            None if held > 0 => {
                return Err(AppError::field(
                    "target_stage_id",
                    Invalid::Message(format!(
                        "this stage holds {held} records: choose the stage they move to"
                    )),
                ));
            }
            None => {}
        }
        store::delete_stage(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    }

    // ---------------------------------------------------------------- lookups

    pub async fn list_lookups(&self, kind: LookupKind) -> AppResult<Vec<Lookup>> {
        Ok(lookups::list(&mut &self.db, kind).await?)
    }

    pub async fn get_lookup(&self, kind: LookupKind, id: i64) -> AppResult<Lookup> {
        lookups::get(&mut &self.db, kind, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    fn may_change_lookup(actor: &Actor, kind: LookupKind, creating: bool) -> AppResult<()> {
        // Anyone may add a tag while working (as the contact form does); the rest is config.
        if kind == LookupKind::Tag && creating {
            Ok(())
        } else {
            require_manager(actor)
        }
    }

    pub async fn create_lookup(
        &self,
        actor: &Actor,
        kind: LookupKind,
        v: LookupValues,
    ) -> AppResult<Lookup> {
        Self::may_change_lookup(actor, kind, true)?;
        let v = v.cleaned();
        v.validate()?;
        let mut tx = self.db.begin().await?;
        let id = lookups::insert(&mut tx, kind, &v, now())
            .await
            .map_err(taken)?;
        tx.commit().await?;
        self.get_lookup(kind, id).await
    }

    pub async fn update_lookup(
        &self,
        actor: &Actor,
        kind: LookupKind,
        id: i64,
        version: i64,
        v: LookupValues,
    ) -> AppResult<Lookup> {
        Self::may_change_lookup(actor, kind, false)?;
        let v = v.cleaned();
        v.validate()?;
        let mut tx = self.db.begin().await?;
        let current = lookups::get(&mut tx, kind, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if current.version != version {
            return Err(stale(Current::Lookup(Box::new(current))));
        }
        lookups::update(&mut tx, kind, id, version, &v)
            .await
            .map_err(taken)?;
        tx.commit().await?;
        self.get_lookup(kind, id).await
    }

    pub async fn delete_lookup(&self, actor: &Actor, kind: LookupKind, id: i64) -> AppResult<()> {
        Self::may_change_lookup(actor, kind, false)?;
        let mut tx = self.db.begin().await?;
        if !lookups::delete(&mut tx, kind, id).await? {
            return Err(AppError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    /// A new workspace's pipelines: Odoo's default deal pipeline and the lead process.
    pub(crate) async fn create_default_pipelines(
        &self,
        tx: &mut Tx,
        language: &str,
    ) -> AppResult<()> {
        let now = now();
        for (kind, name, prefix, stages) in [
            (
                PipelineKind::Deal,
                default_name(PipelineKind::Deal, language),
                "D-",
                pipeline::DEAL_STAGES,
            ),
            (
                PipelineKind::Lead,
                default_name(PipelineKind::Lead, language),
                "L-",
                pipeline::LEAD_STAGES,
            ),
        ] {
            let v = PipelineValues {
                name: name.into(),
                kind: Some(kind),
                number_prefix: prefix.into(),
                ..Default::default()
            };
            let id = store::insert(tx, &v, now).await?;
            for t in stages {
                let s = StageValues {
                    name: pipeline::template_name(t, language).into(),
                    probability: t.probability,
                    is_won: t.is_won,
                    folded: t.is_won,
                    ..Default::default()
                };
                store::insert_stage(tx, id, &s, now).await?;
            }
        }
        Ok(())
    }
}

fn taken(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(_) => AppError::field("name", Invalid::Taken),
        other => other.into(),
    }
}

fn default_name(kind: PipelineKind, language: &str) -> &'static str {
    match (kind, language) {
        (PipelineKind::Deal, "vi") => "Cơ hội bán hàng",
        (PipelineKind::Deal, "zh-TW") => "商機",
        (PipelineKind::Deal, _) => "Sales",
        (PipelineKind::Lead, "vi") => "Tiềm năng",
        (PipelineKind::Lead, "zh-TW") => "線索",
        (PipelineKind::Lead, _) => "Leads",
    }
}

/// The stages a new pipeline of this kind starts with.
pub fn default_stages(kind: PipelineKind, language: &str) -> Vec<StageValues> {
    let templates = match kind {
        PipelineKind::Deal => pipeline::DEAL_STAGES,
        PipelineKind::Lead => pipeline::LEAD_STAGES,
    };
    templates
        .iter()
        .map(|t| StageValues {
            name: pipeline::template_name(t, language).into(),
            probability: t.probability,
            is_won: t.is_won,
            folded: t.is_won,
            ..Default::default()
        })
        .collect()
}
