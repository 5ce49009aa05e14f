//! What an object's own page shows beyond the snapshot (a queue's consumers, a connection's
//! channels and client properties): asked of the broker per object being viewed, at most once
//! per snapshot however many pages show it, and not at all while the broker is down (the last
//! answer is shown, marked stale like the rest).

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::broker::BrokerError;

/// Extras nobody has asked for in this long are forgotten.
const KEPT_FOR: Duration = Duration::from_secs(600);

/// The extras of one kind of object, by key.
pub struct Extras<K, T> {
    slots: Mutex<HashMap<K, Arc<Slot<T>>>>,
}

/// One object's extras: when someone last asked, and the last answer with when it was read.
pub struct Slot<T> {
    asked: Mutex<Option<Instant>>,
    cached: tokio::sync::Mutex<Option<(Instant, T)>>,
}

impl<T> Slot<T> {
    /// Keeps an answer read outside `Extras::get` (see `Feed::refresh_watched`).
    pub async fn store(&self, extras: T) {
        *self.cached.lock().await = Some((Instant::now(), extras));
    }
}

impl<K: Hash + Eq + Clone, T: Clone> Default for Extras<K, T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Hash + Eq + Clone, T: Clone> Extras<K, T> {
    pub fn new() -> Self {
        Self { slots: Mutex::new(HashMap::new()) }
    }

    /// `key`'s extras for the snapshot taken at `snapshot_taken`: the cached answer when it is
    /// newer than the snapshot (or the broker is `down`), else `fetch`'s. Also whether the answer
    /// was read after the snapshot; an answer from before it is only ever a stand-in.
    pub async fn get<Fut>(
        &self,
        key: K,
        (snapshot_taken, down): (Option<Instant>, bool),
        fetch: impl FnOnce() -> Fut,
    ) -> Result<(T, bool), BrokerError>
    where
        Fut: Future<Output = Result<T, BrokerError>>,
    {
        let slot = self.slot(key);
        let mut cached = slot.cached.lock().await;
        let newer = |fetched: &Instant| snapshot_taken.is_none_or(|taken| *fetched >= taken);
        match cached.as_ref() {
            Some((fetched, extras)) if newer(fetched) => return Ok((extras.clone(), true)),
            Some((_, extras)) if down => return Ok((extras.clone(), false)),
            _ => {}
        }
        match fetch().await {
            Ok(extras) => {
                *cached = Some((Instant::now(), extras.clone()));
                Ok((extras, true))
            }
            Err(error) => match cached.as_ref() {
                Some((_, extras)) if error != BrokerError::NotFound => Ok((extras.clone(), false)),
                _ => Err(error),
            },
        }
    }

    /// Drops `key`'s answer, so the next `get` asks the broker (after a write that changed it).
    pub fn forget(&self, key: &K) {
        self.slots.lock().expect("extras lock").remove(key);
    }

    /// The objects someone asked for within `within`, the most recently asked first.
    pub fn asked_within(&self, within: Duration) -> Vec<(K, Arc<Slot<T>>)> {
        let slots = self.slots.lock().expect("extras lock");
        let mut asked: Vec<_> = slots
            .iter()
            .filter_map(|(key, slot)| {
                let asked = (*slot.asked.lock().expect("asked lock"))?;
                (asked.elapsed() < within).then(|| (asked, key.clone(), slot.clone()))
            })
            .collect();
        asked.sort_by_key(|(asked, _, _)| std::cmp::Reverse(*asked));
        asked.into_iter().map(|(_, key, slot)| (key, slot)).collect()
    }

    /// `key`'s slot, marked as asked now; the slots nobody asked for in `KEPT_FOR` are dropped.
    fn slot(&self, key: K) -> Arc<Slot<T>> {
        let mut slots = self.slots.lock().expect("extras lock");
        slots.retain(|_, slot| slot.asked.lock().expect("asked lock").is_some_and(|asked| asked.elapsed() < KEPT_FOR));
        let slot = slots
            .entry(key)
            .or_insert_with(|| Arc::new(Slot { asked: Mutex::new(None), cached: tokio::sync::Mutex::new(None) }))
            .clone();
        *slot.asked.lock().expect("asked lock") = Some(Instant::now());
        slot
    }
}
