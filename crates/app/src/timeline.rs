//! A record's timeline (R6.1): tracked changes and posts (done activities, notes, e-mails)
//! in one stream, newest first, paged by an opaque cursor naming the last item shown.

use chrono::{DateTime, Utc};
use sen_domain::activity::RecordType;
use sen_domain::errors::Invalid;
use sen_domain::list;
use sen_store::change_log::{self, Change};
use sen_store::messages::{self, Message};

use crate::App;
use crate::access::Actor;
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone)]
pub enum TimelineItem {
    Change(Change),
    Message(Message),
    /// A meeting scheduled on the record (shown when it was scheduled).
    Meeting(sen_store::meetings::Meeting),
}

impl TimelineItem {
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            TimelineItem::Change(c) => c.changed_at,
            TimelineItem::Message(m) => m.created_at,
            TimelineItem::Meeting(m) => m.created_at,
        }
    }

    /// The item's place in the stream, given back as the next page's cursor.
    pub fn cursor(&self) -> String {
        match self {
            TimelineItem::Change(c) => format!("c{}", c.id),
            TimelineItem::Message(m) => format!("m{}", m.id),
            TimelineItem::Meeting(m) => format!("e{}", m.id),
        }
    }

    fn order_key(&self) -> (DateTime<Utc>, u8, i64) {
        match self {
            TimelineItem::Change(c) => (c.changed_at, 0, c.id),
            TimelineItem::Message(m) => (m.created_at, 1, m.id),
            TimelineItem::Meeting(m) => (m.created_at, 2, m.id),
        }
    }
}

impl App {
    /// The timeline of a record the actor may see: `limit` items after `cursor`.
    pub async fn record_timeline(
        &self,
        actor: &Actor,
        record_type: RecordType,
        id: i64,
        limit: Option<i64>,
        cursor: Option<&str>,
    ) -> AppResult<(Vec<TimelineItem>, Option<String>)> {
        let limit = list::check_limit(limit)? as usize;
        match record_type {
            RecordType::Lead => self.get_lead(actor, id).await.map(drop)?,
            RecordType::Contact => self.get_contact(actor, id).await.map(drop)?,
        }
        let rt = record_type.as_str();
        let mut items: Vec<TimelineItem> = change_log::of_record(&mut &self.db, rt, id)
            .await?
            .into_iter()
            .map(TimelineItem::Change)
            .collect();
        items.extend(
            messages::of_record(&mut &self.db, rt, id)
                .await?
                .into_iter()
                .map(TimelineItem::Message),
        );
        items.extend(
            sen_store::meetings::of_record(&mut &self.db, rt, id)
                .await?
                .into_iter()
                .map(TimelineItem::Meeting),
        );
        items.sort_by_key(|i| std::cmp::Reverse(i.order_key()));
        let start = match cursor.map(str::trim).filter(|c| !c.is_empty()) {
            None => 0,
            Some(c) => {
                // A bare number is a change id (the cursor of the first timeline version).
                let c = if c.bytes().all(|b| b.is_ascii_digit()) {
                    format!("c{c}")
                } else {
                    c.to_string()
                };
                items
                    .iter()
                    .position(|i| i.cursor() == c)
                    .map(|p| p + 1)
                    .ok_or_else(|| {
                        AppError::field(
                            "cursor",
                            Invalid::Message("not a cursor of this timeline".into()),
                        )
                    })?
            }
        };
        let mut page: Vec<TimelineItem> = items.into_iter().skip(start).take(limit + 1).collect();
        let next = if page.len() > limit {
            page.truncate(limit);
            page.last().map(TimelineItem::cursor)
        } else {
            None
        };
        Ok((page, next))
    }
}
