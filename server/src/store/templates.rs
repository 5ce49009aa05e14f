//! Saved test messages, each person's own (`message_templates`), as JSON text.

use super::{now_ms, Store, StoreError};

pub struct Templates {
    store: Store,
}

impl Templates {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// `owner`'s templates as (name, message JSON), by name.
    pub async fn list(&self, owner: String) -> Result<Vec<(String, String)>, StoreError> {
        self.store
            .call(move |c| {
                let mut statement =
                    c.prepare("SELECT name, message FROM message_templates WHERE owner = ?1 ORDER BY name")?;
                let rows = statement.query_map([owner], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
                rows.collect::<rusqlite::Result<Vec<_>>>()
            })
            .await
    }

    /// Saves or replaces one; `false` (and nothing saved) when `owner` has `max` others already.
    pub async fn save(&self, owner: String, name: String, message: String, max: usize) -> Result<bool, StoreError> {
        let at = now_ms();
        self.store
            .call(move |c| {
                let tx = c.transaction()?;
                let others: i64 = tx.query_row(
                    "SELECT count(*) FROM message_templates WHERE owner = ?1 AND name <> ?2",
                    [&owner, &name],
                    |r| r.get(0),
                )?;
                if others >= max as i64 {
                    return Ok(false);
                }
                tx.execute(
                    "INSERT INTO message_templates (owner, name, message, updated_at_ms) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (owner, name) DO UPDATE SET message = excluded.message, updated_at_ms = excluded.updated_at_ms",
                    rusqlite::params![owner, name, message, at],
                )?;
                tx.commit()?;
                Ok(true)
            })
            .await
    }

    /// Whether there was one to delete.
    pub async fn delete(&self, owner: String, name: String) -> Result<bool, StoreError> {
        let deleted = self
            .store
            .call(move |c| c.execute("DELETE FROM message_templates WHERE owner = ?1 AND name = ?2", [owner, name]))
            .await?;
        Ok(deleted > 0)
    }
}
