//! `GET /api/v1/events`: server-sent events of the record changes the user may see.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use tokio::sync::broadcast::error::RecvError;

use crate::extract::Auth;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

/// A stream of `lead.created` / `lead.updated` / `lead.deleted` events (JSON: kind, record_type, record_id,
/// pipeline_id, stage_id) for the records you may see; a comment every 15 s keeps it open.
/// When events were missed (a slow reader), a `resync` event asks the client to reload.
#[utoipa::path(get, path = "/api/v1/events", tag = "leads",
    responses((status = 200, description = "text/event-stream", content_type = "text/event-stream", body = String),
              (status = 401, description = "Not signed in (problem+json)", body = Problem)))]
pub async fn events(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>> {
    let audience = state.app.audience(auth.actor()).await?;
    let rx = state.app.subscribe();
    let stream = stream::unfold((rx, audience), |(mut rx, audience)| async move {
        loop {
            match rx.recv().await {
                Ok(e) if audience.may_see(&e) => {
                    let data = serde_json::to_string(&e).unwrap_or_default();
                    let event = SseEvent::default().event(e.kind.clone()).data(data);
                    return Some((Ok(event), (rx, audience)));
                }
                Ok(_) => continue,
                Err(RecvError::Lagged(_)) => {
                    return Some((
                        Ok(SseEvent::default().event("resync").data("{}")),
                        (rx, audience),
                    ));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
