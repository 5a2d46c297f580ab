//! The access rules, in one place. Each rule is a filter condition (`Cond`) that the store
//! compiles into the SQL `WHERE` of every read, list, count and write, so nothing is ever
//! loaded and then filtered. A record outside the read rule is "not found" (404); one that
//! can be read but not changed is "forbidden" (403).

use sen_domain::filter::{Cond, FieldDef, FieldType, Op, Scalar};
use sen_domain::user::Role;

/// Who is acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
    pub language: String,
    pub time_zone: String,
    /// The settings stamp read with the session (`crate::settings`): lets a request use the
    /// in-memory setup without asking the database whether it is current. `None` when the
    /// actor was not made from a session (API tokens, background work).
    pub seen_settings: Option<i64>,
}

impl Actor {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Everything.
pub fn all() -> Cond {
    Cond::And(Vec::new())
}

fn owned_by(actor: &Actor, field: &str) -> Cond {
    Cond::Compare {
        field: FieldDef::new(field, FieldType::UserRef),
        op: Op::Eq,
        value: Scalar::Int(actor.user_id),
    }
}

fn unowned(field: &str) -> Cond {
    Cond::IsNull {
        field: FieldDef::new(field, FieldType::UserRef),
        negated: false,
    }
}

/// Contacts: every signed-in user reads them all.
pub fn contacts_read(_actor: &Actor) -> Cond {
    all()
}

/// Contacts: managers and admins edit all; others edit the ones they own or nobody owns.
pub fn contacts_write(actor: &Actor) -> Cond {
    if actor.role.sees_all() {
        all()
    } else {
        Cond::Or(vec![owned_by(actor, "owner_id"), unowned("owner_id")])
    }
}

/// Contacts: managers and admins delete (and archive) all; others only their own.
pub fn contacts_delete(actor: &Actor) -> Cond {
    if actor.role.sees_all() {
        all()
    } else {
        owned_by(actor, "owner_id")
    }
}

/// Users and workspace settings: admins only.
pub fn require_admin(actor: &Actor) -> crate::AppResult<()> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(crate::AppError::Forbidden)
    }
}

/// Sales configuration (teams, pipelines, stages, lookups): managers and admins.
pub fn require_manager(actor: &Actor) -> crate::AppResult<()> {
    if actor.role.sees_all() {
        Ok(())
    } else {
        Err(crate::AppError::Forbidden)
    }
}
