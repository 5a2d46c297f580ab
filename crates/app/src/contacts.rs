//! Contact use cases (R1.8): each one transaction, access-checked, change-logged.

use sen_domain::contact::{self, ContactPatch, ContactValues};
use sen_domain::errors::{FieldErrors, Invalid};
use sen_domain::filter::{self, Cond};
use sen_domain::list;
use sen_domain::search;
use sen_store::change_log::{self, Entry};
use sen_store::contacts::{self as store, Duplicate, ListSpec};
use sen_store::{Page, Tx, tags, users};

use crate::App;
use crate::access::{self, Actor};
use crate::clock::{filter_context, now};
use crate::error::{AppError, AppResult, Current};

pub type ContactView = store::Contact;

/// The parameters of every list: free text, filter, sort, page size, cursor.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    pub q: Option<String>,
    pub filter: Option<String>,
    pub sort: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A saved contact and the existing ones it looks like.
#[derive(Debug, Clone)]
pub struct Saved {
    pub contact: ContactView,
    pub duplicates: Vec<Duplicate>,
}

const RECORD: &str = "contact";

/// Parses and checks a user's filter text against a record type's fields.
pub fn user_filter(
    actor: &Actor,
    text: Option<&str>,
    fields: &[filter::FieldDef],
) -> AppResult<Option<Cond>> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let ctx = filter_context(actor.user_id, &actor.time_zone);
    Ok(Some(filter::parse_and_check(text, fields, &ctx)?))
}

impl App {
    pub async fn list_contacts(
        &self,
        actor: &Actor,
        p: &ListParams,
    ) -> AppResult<Page<ContactView>> {
        let limit = list::check_limit(p.limit)?;
        let sort = list::parse_sort(p.sort.as_deref(), contact::SORTABLE)?;
        let filter = user_filter(actor, p.filter.as_deref(), &contact::filter_fields())?;
        let query = search::parse_query(p.q.as_deref().unwrap_or(""));
        let scope = access::contacts_read(actor);
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

    pub async fn get_contact(&self, actor: &Actor, id: i64) -> AppResult<ContactView> {
        store::get(&mut &self.db, id, &access::contacts_read(actor))
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Other live contacts that look like this one (same e-mail, phone or name).
    pub async fn contact_duplicates(&self, actor: &Actor, id: i64) -> AppResult<Vec<Duplicate>> {
        let c = self.get_contact(actor, id).await?;
        Ok(store::duplicates(&mut &self.db, Some(id), &c.values().derived()).await?)
    }

    /// Live contacts that look like these values (for the warning shown while typing).
    pub async fn possible_duplicates(
        &self,
        actor: &Actor,
        values: &ContactValues,
        exclude: Option<i64>,
    ) -> AppResult<Vec<Duplicate>> {
        let _ = access::contacts_read(actor); // every signed-in user reads contacts
        let v = values.clone().cleaned();
        if v.name.is_empty() && v.email.is_none() && v.phone.is_none() && v.mobile.is_none() {
            return Ok(Vec::new());
        }
        Ok(store::duplicates(&mut &self.db, exclude, &v.derived()).await?)
    }

    /// Checks references: company, owner and tags must exist.
    async fn check_refs(
        &self,
        tx: &mut Tx,
        v: &ContactValues,
        own_id: Option<i64>,
    ) -> AppResult<()> {
        let mut e = FieldErrors::new();
        if let Some(company) = v.company_id
            && (Some(company) == own_id || !store::is_company(tx, company).await?)
        {
            e.add("company_id", Invalid::NotFound);
        }
        if let Some(owner) = v.owner_id
            && !users::by_id(tx, owner).await?.is_some_and(|u| u.active)
        {
            e.add("owner_id", Invalid::NotFound);
        }
        let found = if v.tag_ids.len() <= contact::MAX_TAGS {
            tags::existing(tx, &v.tag_ids).await?
        } else {
            v.tag_ids.clone()
        };
        if found.len() != v.tag_ids.len() {
            e.add("tag_ids", Invalid::NotFound);
        }
        Ok(e.into_result()?)
    }

    /// Creates a contact; `owner_id` absent means "me" (the caller passes None then).
    pub async fn create_contact(&self, actor: &Actor, values: ContactValues) -> AppResult<Saved> {
        let v = values.cleaned();
        v.validate()?;
        let d = v.derived();
        let now = now();
        let mut tx = self.db.begin().await?;
        self.check_refs(&mut tx, &v, None).await?;
        let id = store::insert(&mut tx, &v, &d, actor.user_id, now).await?;
        change_log::write(
            &mut tx,
            Entry {
                record_type: RECORD,
                record_id: id,
                field: "created",
                old_value: None,
                new_value: Some(v.name.clone()),
            },
            actor.user_id,
            now,
        )
        .await?;
        let duplicates = store::duplicates(&mut tx, Some(id), &d).await?;
        tx.commit().await?;
        Ok(Saved {
            contact: self.get_contact(actor, id).await?,
            duplicates,
        })
    }

    /// Loads the contact for a write: 404 if the reader cannot see it, 403 if they may not
    /// change it under `rule`.
    async fn for_write(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: i64,
        rule: &Cond,
    ) -> AppResult<ContactView> {
        let current = store::get(tx, id, &access::contacts_read(actor))
            .await?
            .ok_or(AppError::NotFound)?;
        if !store::allowed(tx, id, rule).await? {
            return Err(AppError::Forbidden);
        }
        Ok(current)
    }

    /// Applies a partial update if `version` is still current (else `Stale` with the newer
    /// record), logging each changed field.
    pub async fn update_contact(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        patch: ContactPatch,
    ) -> AppResult<Saved> {
        let now = now();
        let mut tx = self.db.begin().await?;
        let current = self
            .for_write(&mut tx, actor, id, &access::contacts_write(actor))
            .await?;
        if current.version != version {
            return Err(AppError::Stale(Current::Contact(Box::new(current))));
        }
        let old = current.values();
        let new = patch.apply(&old).cleaned();
        new.validate()?;
        self.check_refs(&mut tx, &new, Some(id)).await?;
        let d = new.derived();
        if !store::update(&mut tx, id, version, &new, &d, actor.user_id, now).await? {
            let latest = store::get(&mut tx, id, &access::contacts_read(actor))
                .await?
                .ok_or(AppError::NotFound)?;
            return Err(AppError::Stale(Current::Contact(Box::new(latest))));
        }
        for (field, old_value, new_value) in old.diff(&new) {
            change_log::write(
                &mut tx,
                Entry {
                    record_type: RECORD,
                    record_id: id,
                    field,
                    old_value,
                    new_value,
                },
                actor.user_id,
                now,
            )
            .await?;
        }
        let duplicates = store::duplicates(&mut tx, Some(id), &d).await?;
        tx.commit().await?;
        Ok(Saved {
            contact: self.get_contact(actor, id).await?,
            duplicates,
        })
    }

    /// Archives (hides) or restores a contact.
    pub async fn set_contact_archived(
        &self,
        actor: &Actor,
        id: i64,
        archived: bool,
    ) -> AppResult<ContactView> {
        let now = now();
        let mut tx = self.db.begin().await?;
        let current = self
            .for_write(&mut tx, actor, id, &access::contacts_delete(actor))
            .await?;
        if current.archived_at.is_some() != archived {
            let at = archived.then_some(now);
            store::set_archived(&mut tx, id, at, actor.user_id, now).await?;
            let (old_value, new_value) = (
                current.archived_at.map(|t| t.to_rfc3339()),
                at.map(|t| t.to_rfc3339()),
            );
            change_log::write(
                &mut tx,
                Entry {
                    record_type: RECORD,
                    record_id: id,
                    field: "archived_at",
                    old_value,
                    new_value,
                },
                actor.user_id,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        self.get_contact(actor, id).await
    }

    pub async fn delete_contact(&self, actor: &Actor, id: i64) -> AppResult<()> {
        let now = now();
        let mut tx = self.db.begin().await?;
        let current = self
            .for_write(&mut tx, actor, id, &access::contacts_delete(actor))
            .await?;
        sen_store::activities::delete_of_record(&mut tx, RECORD, id).await?;
        sen_store::followers::delete_of_record(&mut tx, RECORD, id).await?;
        sen_store::meetings::unlink_record(&mut tx, RECORD, id).await?;
        sen_store::attachments::delete_of_record(&mut tx, RECORD, id).await?;
        store::delete(&mut tx, id).await?;
        change_log::write(
            &mut tx,
            Entry {
                record_type: RECORD,
                record_id: id,
                field: "deleted",
                old_value: Some(current.name),
                new_value: None,
            },
            actor.user_id,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Can this user change the contact (for showing or hiding the edit controls)?
    pub async fn can_edit_contact(&self, actor: &Actor, id: i64) -> AppResult<(bool, bool)> {
        let edit = store::allowed(&mut &self.db, id, &access::contacts_write(actor)).await?;
        let delete = store::allowed(&mut &self.db, id, &access::contacts_delete(actor)).await?;
        Ok((edit, delete))
    }

    /// The ids of tags with these names, creating the missing ones (the form's "add tags").
    pub async fn ensure_tags(&self, _actor: &Actor, names: &[String]) -> AppResult<Vec<i64>> {
        let names: Vec<&str> = names
            .iter()
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
            .collect();
        let mut e = FieldErrors::new();
        for n in &names {
            sen_domain::errors::check_len(&mut e, "new_tags", n, 50);
        }
        if names.len() > contact::MAX_TAGS {
            e.add(
                "new_tags",
                Invalid::TooLong {
                    max: contact::MAX_TAGS,
                },
            );
        }
        e.into_result()?;
        let mut tx = self.db.begin().await?;
        let mut ids = Vec::new();
        for n in names {
            // A stable colour per name, so the same tag looks the same everywhere.
            let color = n.bytes().fold(0_i64, |h, b| (h * 31 + i64::from(b)) % 11) + 1;
            ids.push(tags::ensure(&mut tx, n, color, now()).await?);
        }
        tx.commit().await?;
        Ok(ids)
    }

    pub async fn list_tags(&self) -> AppResult<Vec<tags::Tag>> {
        Ok(tags::list(&mut &self.db).await?)
    }

    /// The field changes recorded for a contact (oldest first).
    pub async fn contact_history(
        &self,
        actor: &Actor,
        id: i64,
    ) -> AppResult<Vec<change_log::Change>> {
        self.get_contact(actor, id).await?;
        Ok(change_log::of_record(&mut &self.db, RECORD, id).await?)
    }
}

/// A page of a record's change log, newest first, before the entry `before`.
pub(crate) async fn timeline_page(
    db: &sen_store::Db,
    record_type: &str,
    id: i64,
    limit: Option<i64>,
    before: Option<i64>,
) -> AppResult<(Vec<change_log::Change>, Option<i64>)> {
    let limit = list::check_limit(limit)?;
    let mut all = change_log::of_record(&mut &*db, record_type, id).await?;
    all.reverse();
    let mut items: Vec<change_log::Change> = all
        .into_iter()
        .filter(|c| before.is_none_or(|b| c.id < b))
        .take(limit as usize + 1)
        .collect();
    let next = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|c| c.id)
    } else {
        None
    };
    Ok((items, next))
}
