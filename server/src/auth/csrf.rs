//! CSRF tokens that only this Warren can make: a random part and a keyed tag. The sign-in and
//! setup forms take only such a token (a cookie another site planted is not one), and sessions
//! get one too, so a signed-in browser's token passes the same test. The key lives in the store
//! and survives restarts, so no page open across a restart is left with a token that fails.

use base64::Engine;
use rusqlite::OptionalExtension;
use sha2::Digest;

use super::{constant_time_eq, random_token};
use crate::store::{Store, StoreError};

#[derive(Clone)]
pub struct CsrfKey([u8; 32]);

impl CsrfKey {
    /// The store's key, made on first use.
    pub fn load(store: &Store) -> Result<Self, StoreError> {
        store.call_now(|c| {
            let found: Option<Vec<u8>> =
                c.query_row("SELECT value FROM secrets WHERE name = 'csrf'", [], |r| r.get(0)).optional()?;
            if let Some(key) = found.and_then(|v| <[u8; 32]>::try_from(v).ok()) {
                return Ok(CsrfKey(key));
            }
            let mut key = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut key);
            c.execute("INSERT OR REPLACE INTO secrets (name, value) VALUES ('csrf', ?1)", [key.to_vec()])?;
            Ok(CsrfKey(key))
        })
    }

    pub fn mint(&self) -> String {
        let random = random_token(24);
        let tag = self.tag(&random);
        format!("{random}.{tag}")
    }

    pub fn minted(&self, token: &str) -> bool {
        token
            .split_once('.')
            .is_some_and(|(random, tag)| random.len() == 32 && constant_time_eq(tag, &self.tag(random)))
    }

    /// A keyed SHA-256 of a fixed-length value (so no length extension), cut to 128 bits.
    fn tag(&self, random: &str) -> String {
        let hash = sha2::Sha256::new().chain_update(self.0).chain_update(random.as_bytes()).finalize();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&hash[..16])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_minted_tokens_pass_and_the_key_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let key = CsrfKey::load(&Store::open(dir.path()).unwrap()).unwrap();
        let token = key.mint();
        assert!(key.minted(&token));
        for forged in ["planted-0123456789abcdef", "", ".", &format!("{}x", token), &token.replace('.', "")] {
            assert!(!key.minted(forged), "{forged}");
        }
        let again = CsrfKey::load(&Store::open(dir.path()).unwrap()).unwrap();
        assert!(again.minted(&token), "the same key after a restart");
    }
}
