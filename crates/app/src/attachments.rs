//! Attachments on leads, opportunities and contacts (R6.1): checked (size, a content type
//! that matches the bytes, a safe name), stored in the database, and given only to people
//! who may see the record.

use sen_domain::activity::RecordType;
use sen_domain::attachment;
use sen_store::attachments::{self as store, Attachment, NewAttachment};

use crate::App;
use crate::access::Actor;
use crate::clock::now;
use crate::error::{AppError, AppResult};
use crate::secrets::sha256_bytes_hex;

/// A file and what the browser or client said it is.
pub struct Upload {
    pub file_name: String,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

impl App {
    /// Attaches a file to a record the actor may change.
    pub async fn attach(
        &self,
        actor: &Actor,
        record_type: RecordType,
        record_id: i64,
        upload: Upload,
    ) -> AppResult<Attachment> {
        self.check_record(actor, record_type, record_id, true)
            .await?;
        let content_type = attachment::check(&upload.data, upload.content_type.as_deref())?;
        let name = attachment::clean_name(&upload.file_name);
        let sha = sha256_bytes_hex(&upload.data);
        let mut tx = self.db.begin().await?;
        let id = store::insert(
            &mut tx,
            NewAttachment {
                record_type: record_type.as_str(),
                record_id,
                file_name: &name,
                content_type: &content_type,
                sha256: &sha,
                data: upload.data,
            },
            actor.user_id,
            now(),
        )
        .await?;
        tx.commit().await?;
        store::get(&mut &self.db, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    pub async fn list_attachments(
        &self,
        actor: &Actor,
        record_type: RecordType,
        record_id: i64,
    ) -> AppResult<Vec<Attachment>> {
        self.check_record(actor, record_type, record_id, false)
            .await?;
        Ok(store::of_record(&mut &self.db, record_type.as_str(), record_id).await?)
    }

    /// An attachment, if the actor may see its record (404 otherwise, as for the record).
    pub async fn get_attachment(&self, actor: &Actor, id: i64) -> AppResult<Attachment> {
        let a = store::get(&mut &self.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let rt = RecordType::parse(&a.record_type).ok_or(AppError::NotFound)?;
        self.check_record(actor, rt, a.record_id, false).await?;
        Ok(a)
    }

    /// An attachment with its bytes.
    pub async fn download_attachment(
        &self,
        actor: &Actor,
        id: i64,
    ) -> AppResult<(Attachment, Vec<u8>)> {
        let a = self.get_attachment(actor, id).await?;
        let data = store::data(&mut &self.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((a, data))
    }

    /// Removes an attachment (whoever may change its record).
    pub async fn delete_attachment(&self, actor: &Actor, id: i64) -> AppResult<()> {
        let a = self.get_attachment(actor, id).await?;
        let rt = RecordType::parse(&a.record_type).ok_or(AppError::NotFound)?;
        self.check_record(actor, rt, a.record_id, true).await?;
        let mut tx = self.db.begin().await?;
        store::delete(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    }
}
