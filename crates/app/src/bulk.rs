//! Bulk actions on leads (issue #3 item 10): up to 1,000 ids; each record in its own
//! transaction through the same use case as a single change, so a refused record does not
//! stop the others and nothing is half-done inside one record.

use sen_domain::errors::Invalid;
use sen_domain::lead::LeadPatch;

use crate::App;
use crate::access::Actor;
use crate::error::{AppError, AppResult};

pub const MAX_BULK: usize = 1000;

#[derive(Debug, Clone, PartialEq)]
pub enum BulkAction {
    /// Salesperson and/or team (`Some(None)` clears).
    Assign {
        user_id: Option<Option<i64>>,
        team_id: Option<Option<i64>>,
    },
    AddTag(i64),
    RemoveTag(i64),
    MoveStage(i64),
    Archive,
    Restore,
    Delete,
}

impl App {
    pub async fn bulk_leads(
        &self,
        actor: &Actor,
        ids: &[i64],
        action: &BulkAction,
    ) -> AppResult<Vec<(i64, AppResult<()>)>> {
        if ids.is_empty() || ids.len() > MAX_BULK {
            return Err(AppError::field(
                "ids",
                Invalid::Range {
                    min: 1,
                    max: MAX_BULK as i64,
                },
            ));
        }
        let mut results = Vec::with_capacity(ids.len());
        for id in ids {
            results.push((*id, self.bulk_one(actor, *id, action).await));
        }
        Ok(results)
    }

    async fn bulk_one(&self, actor: &Actor, id: i64, action: &BulkAction) -> AppResult<()> {
        match action {
            BulkAction::Archive => self.set_lead_archived(actor, id, true).await.map(|_| ()),
            BulkAction::Restore => self.set_lead_archived(actor, id, false).await.map(|_| ()),
            BulkAction::Delete => self.delete_lead(actor, id).await,
            other => {
                let current = self.get_lead(actor, id).await?;
                let (patch, stage) = match other {
                    BulkAction::Assign { user_id, team_id } => (
                        LeadPatch {
                            user_id: *user_id,
                            team_id: *team_id,
                            ..Default::default()
                        },
                        None,
                    ),
                    BulkAction::AddTag(t) => {
                        let mut tags = current.tag_ids.clone();
                        tags.push(*t);
                        (
                            LeadPatch {
                                tag_ids: Some(tags),
                                ..Default::default()
                            },
                            None,
                        )
                    }
                    BulkAction::RemoveTag(t) => {
                        let tags = current.tag_ids.iter().copied().filter(|x| x != t).collect();
                        (
                            LeadPatch {
                                tag_ids: Some(tags),
                                ..Default::default()
                            },
                            None,
                        )
                    }
                    BulkAction::MoveStage(s) => (LeadPatch::default(), Some(*s)),
                    _ => (LeadPatch::default(), None),
                };
                self.update_lead(actor, id, current.version, patch, stage)
                    .await
                    .map(|_| ())
            }
        }
    }
}
