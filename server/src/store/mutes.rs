//! The advisor's mutes (`advisor_mutes`): a finding an admin silenced for one object, and why.

use domain::advisor::{Mute, Subject};

use super::{now_ms, Store, StoreError};

/// At most this many mutes per cluster: each is one admin's decision about one object.
pub const MAX_PER_CLUSTER: i64 = 10_000;

pub struct Mutes {
    store: Store,
}

/// A stored mute: its cluster, subject and kind, and the mute.
pub type StoredMute = (String, Subject, String, Mute);

impl Mutes {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Every mute of every cluster; rows that no longer read (a subject from another version)
    /// are left out.
    pub async fn all(&self) -> Result<Vec<StoredMute>, StoreError> {
        let rows = self
            .store
            .call(|c| {
                let mut statement = c.prepare("SELECT cluster, subject, kind, reason, by, at_ms FROM advisor_mutes")?;
                let rows = statement.query_map([], |r| {
                    let mute = Mute { reason: r.get(3)?, by: r.get(4)?, at_ms: r.get(5)? };
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, mute))
                })?;
                rows.collect::<rusqlite::Result<Vec<_>>>()
            })
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(cluster, subject, kind, mute)| {
                Some((cluster, serde_json::from_str(&subject).ok()?, kind, mute))
            })
            .collect())
    }

    /// Stores (or replaces) a mute; `None` (nothing stored) when the cluster has `MAX_PER_CLUSTER`.
    pub async fn save(
        &self,
        cluster: &str,
        subject: &Subject,
        kind: &str,
        by: &str,
        reason: &str,
    ) -> Result<Option<Mute>, StoreError> {
        let subject = serde_json::to_string(subject).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mute = Mute { by: by.to_string(), reason: reason.to_string(), at_ms: now_ms() };
        let (cluster, kind, stored) = (cluster.to_string(), kind.to_string(), mute.clone());
        let saved = self
            .store
            .call(move |c| {
                let tx = c.transaction()?;
                let others: i64 = tx.query_row(
                    "SELECT count(*) FROM advisor_mutes WHERE cluster = ?1 AND NOT (subject = ?2 AND kind = ?3)",
                    [&cluster, &subject, &kind],
                    |r| r.get(0),
                )?;
                if others >= MAX_PER_CLUSTER {
                    return Ok(false);
                }
                tx.execute(
                    "INSERT INTO advisor_mutes (cluster, subject, kind, reason, by, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (cluster, subject, kind) DO UPDATE
                     SET reason = excluded.reason, by = excluded.by, at_ms = excluded.at_ms",
                    rusqlite::params![cluster, subject, kind, stored.reason, stored.by, stored.at_ms],
                )?;
                tx.commit()?;
                Ok(true)
            })
            .await?;
        Ok(saved.then_some(mute))
    }

    /// Whether there was one to delete.
    pub async fn delete(&self, cluster: &str, subject: &Subject, kind: &str) -> Result<bool, StoreError> {
        let subject = serde_json::to_string(subject).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let (cluster, kind) = (cluster.to_string(), kind.to_string());
        let deleted = self
            .store
            .call(move |c| {
                c.execute(
                    "DELETE FROM advisor_mutes WHERE cluster = ?1 AND subject = ?2 AND kind = ?3",
                    [cluster, subject, kind],
                )
            })
            .await?;
        Ok(deleted > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn mutes_are_kept_per_cluster_subject_and_kind() {
        let dir = tempfile::tempdir().unwrap();
        let mutes = Mutes::new(Store::open(dir.path()).unwrap());
        let queue = Subject::Queue { vhost: "/".into(), name: "dlq/订单 #1".into() };
        mutes.save("c", &queue, "no-consumers", "alice", "a dead-letter queue").await.unwrap().unwrap();
        mutes.save("c", &queue, "no-consumers", "bob", "parking lot").await.unwrap().unwrap();
        mutes.save("d", &queue, "no-consumers", "bob", "other cluster").await.unwrap().unwrap();
        let all = mutes.all().await.unwrap();
        assert_eq!(all.len(), 2);
        let (_, subject, kind, mute) = all.iter().find(|(c, ..)| c == "c").unwrap();
        assert_eq!(
            (subject, kind.as_str(), mute.by.as_str(), mute.reason.as_str()),
            (&queue, "no-consumers", "bob", "parking lot")
        );
        assert!(mutes.delete("c", &queue, "no-consumers").await.unwrap());
        assert!(!mutes.delete("c", &queue, "no-consumers").await.unwrap());
        assert_eq!(mutes.all().await.unwrap().len(), 1);
    }
}
