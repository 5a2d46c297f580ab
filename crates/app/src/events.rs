//! Domain events (R12.4): every committed lead change is published, so that boards follow
//! a colleague's moves live. In-process broadcast for now; several instances on PostgreSQL
//! will relay through LISTEN/NOTIFY.

use tokio::sync::broadcast;

use crate::App;
use crate::access::Actor;

/// What changed, with enough to decide who may hear of it without another query.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Event {
    /// `lead.created`, `lead.updated`, `lead.deleted`.
    pub kind: String,
    pub record_type: String,
    pub record_id: i64,
    pub pipeline_id: i64,
    pub stage_id: i64,
    #[serde(skip)]
    pub user_id: Option<i64>,
    #[serde(skip)]
    pub team_id: Option<i64>,
}

/// Who a stream belongs to: what they may see, fixed when the stream opens.
#[derive(Debug, Clone)]
pub struct Audience {
    sees_all: bool,
    user_id: i64,
    teams: Vec<i64>,
}

impl Audience {
    /// The same rule as `App::lead_scope`, applied to one event.
    pub fn may_see(&self, e: &Event) -> bool {
        self.sees_all
            || e.user_id.is_none()
            || e.user_id == Some(self.user_id)
            || e.team_id.is_some_and(|t| self.teams.contains(&t))
    }
}

pub(crate) fn channel() -> broadcast::Sender<Event> {
    broadcast::channel(1024).0
}

impl App {
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    pub async fn audience(&self, actor: &Actor) -> crate::AppResult<Audience> {
        let teams = if actor.role == sen_domain::user::Role::TeamLeader {
            sen_store::teams::of_user(&mut &self.db, actor.user_id).await?
        } else {
            Vec::new()
        };
        Ok(Audience {
            sees_all: actor.role.sees_all(),
            user_id: actor.user_id,
            teams,
        })
    }

    /// Publishes a lead's change (after its transaction committed).
    pub(crate) fn publish_lead(&self, kind: &str, l: &sen_store::leads::Lead) {
        // No subscriber is not an error.
        let _ = self.events.send(Event {
            kind: format!("lead.{kind}"),
            record_type: "lead".into(),
            record_id: l.id,
            pipeline_id: l.pipeline_id,
            stage_id: l.stage_id,
            user_id: l.user_id,
            team_id: l.team_id,
        });
    }
}
