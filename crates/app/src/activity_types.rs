//! Activity types (R5.1): everyone reads them; managers and admins keep them. A new
//! workspace gets the usual five, named in its language.

use sen_domain::activity::{self, Category, DelayFrom, DelayUnit, NextMode, TypeValues};
use sen_domain::errors::{FieldErrors, Invalid};
use sen_store::activities::{self as store, ActivityType};
use sen_store::{Tx, users};

use crate::App;
use crate::access::{self, Actor};
use crate::clock::now;
use crate::error::{AppError, AppResult, Current};

/// A type's values read back from its row.
pub fn values_of(t: &ActivityType) -> TypeValues {
    TypeValues {
        name: t.name.clone(),
        icon: t.icon.clone(),
        category: Category::parse(&t.category).unwrap_or(Category::Todo),
        delay_count: t.delay_count,
        delay_unit: DelayUnit::parse(&t.delay_unit).unwrap_or(DelayUnit::Days),
        delay_from: DelayFrom::parse(&t.delay_from).unwrap_or(DelayFrom::Today),
        default_user_id: t.default_user_id,
        summary: t.summary.clone(),
        note: t.note.clone(),
        next_type_id: t.next_type_id,
        next_mode: NextMode::parse(&t.next_mode).unwrap_or(NextMode::None),
        sequence: t.sequence,
        active: t.active,
    }
}

impl App {
    pub async fn activity_types(&self) -> AppResult<Vec<ActivityType>> {
        Ok(store::list_types(&mut &self.db).await?)
    }

    pub async fn activity_type(&self, id: i64) -> AppResult<ActivityType> {
        store::get_type(&mut &self.db, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Checks references and the unique name; `id` is the type being edited.
    async fn check_type(&self, tx: &mut Tx, v: &TypeValues, id: Option<i64>) -> AppResult<()> {
        let mut e = v.validate().err().unwrap_or_default();
        if !v.name.is_empty()
            && let Some(other) = store::type_named(tx, &v.name).await?
            && Some(other.id) != id
        {
            e.add("name", Invalid::Taken);
        }
        if let Some(u) = v.default_user_id
            && users::by_id(tx, u).await?.is_none()
        {
            e.add("default_user_id", Invalid::NotFound);
        }
        if let Some(n) = v.next_type_id
            && store::get_type(tx, n).await?.is_none()
        {
            e.add("next_type_id", Invalid::NotFound);
        }
        e.into_result()?;
        Ok(())
    }

    pub async fn create_activity_type(
        &self,
        actor: &Actor,
        v: TypeValues,
    ) -> AppResult<ActivityType> {
        access::require_manager(actor)?;
        let v = v.cleaned();
        let mut tx = self.db.begin().await?;
        self.check_type(&mut tx, &v, None).await?;
        let id = store::insert_type(&mut tx, &v, now()).await?;
        tx.commit().await?;
        self.activity_type(id).await
    }

    pub async fn update_activity_type(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        v: TypeValues,
    ) -> AppResult<ActivityType> {
        access::require_manager(actor)?;
        let v = v.cleaned();
        let mut tx = self.db.begin().await?;
        let current = store::get_type(&mut tx, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if current.version != version {
            return Err(AppError::Stale(Current::ActivityType(Box::new(current))));
        }
        self.check_type(&mut tx, &v, Some(id)).await?;
        if v.next_type_id == Some(id) && v.next_mode == NextMode::Trigger {
            // A type that triggers itself would schedule forever on each "done".
            return Err(FieldErrors::single(
                "next_type_id",
                Invalid::Message("a type cannot trigger itself".into()),
            )
            .into());
        }
        if !store::update_type(&mut tx, id, version, &v, now()).await? {
            let current = store::get_type(&mut tx, id)
                .await?
                .ok_or(AppError::NotFound)?;
            return Err(AppError::Stale(Current::ActivityType(Box::new(current))));
        }
        tx.commit().await?;
        self.activity_type(id).await
    }

    /// Deletes a type no activity uses; a used one is refused (deactivate it instead).
    pub async fn delete_activity_type(&self, actor: &Actor, id: i64) -> AppResult<()> {
        access::require_manager(actor)?;
        let mut tx = self.db.begin().await?;
        store::get_type(&mut tx, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if store::type_uses(&mut tx, id).await? > 0 {
            return Err(AppError::Conflict("activity_type_in_use"));
        }
        store::delete_type(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The usual types, named in the workspace language, when there are none yet (a new
    /// workspace, or one created before activities existed).
    pub(crate) async fn create_default_activity_types(
        &self,
        tx: &mut Tx,
        language: &str,
    ) -> AppResult<()> {
        if !store::list_types(tx).await?.is_empty() {
            return Ok(());
        }
        let now = now();
        for (i, t) in activity::DEFAULT_TYPES.iter().enumerate() {
            let v = TypeValues {
                name: t.name(language).into(),
                icon: t.icon.into(),
                category: t.category,
                delay_count: t.delay_days,
                sequence: i as i64,
                ..Default::default()
            };
            store::insert_type(tx, &v, now).await?;
        }
        Ok(())
    }

    /// Gives an existing workspace its default types (called when the server starts).
    pub async fn ensure_activity_types(&self) -> AppResult<()> {
        let Some(w) = self.workspace().await? else {
            return Ok(());
        };
        let mut tx = self.db.begin().await?;
        self.create_default_activity_types(&mut tx, &w.language)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
