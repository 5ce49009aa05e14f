//! Sign-in throttling: after too many failures in a window, an account (and separately a client
//! address) is refused without checking the password until the oldest failure leaves the window.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Throttle {
    window: Duration,
    per_account: usize,
    per_address: usize,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Throttle {
    pub fn new(window: Duration, per_account: usize, per_address: usize) -> Self {
        Self { window, per_account, per_address, failures: Mutex::default() }
    }

    /// How long `account` or `address` must wait, if either is over its limit.
    pub fn wait(&self, account: &str, address: &str) -> Option<Duration> {
        let mut failures = self.failures.lock().expect("throttle lock");
        let now = Instant::now();
        [(format!("account:{account}"), self.per_account), (format!("address:{address}"), self.per_address)]
            .into_iter()
            .filter_map(|(key, limit)| {
                let list = failures.get_mut(&key)?;
                while list.front().is_some_and(|at| now - *at > self.window) {
                    list.pop_front();
                }
                let oldest = *list.front()?;
                (list.len() >= limit).then(|| self.window.saturating_sub(now - oldest))
            })
            .max()
    }

    pub fn fail(&self, account: &str, address: &str) {
        let mut failures = self.failures.lock().expect("throttle lock");
        let now = Instant::now();
        // Bounded: a flood of made-up account names must not grow memory without end.
        if failures.len() > 100_000 {
            failures.retain(|_, list| list.back().is_some_and(|at| now - *at <= self.window));
        }
        for key in [format!("account:{account}"), format!("address:{address}")] {
            failures.entry(key).or_default().push_back(now);
        }
    }

    /// A successful sign-in clears the account's failures (not the address's).
    pub fn succeed(&self, account: &str) {
        self.failures.lock().expect("throttle lock").remove(&format!("account:{account}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_and_addresses_are_limited_separately() {
        let throttle = Throttle::new(Duration::from_secs(60), 3, 5);
        for _ in 0..3 {
            assert_eq!(throttle.wait("ana", "10.0.0.1"), None);
            throttle.fail("ana", "10.0.0.1");
        }
        assert!(throttle.wait("ana", "10.0.0.9").is_some(), "account limit applies from any address");
        assert_eq!(throttle.wait("bo", "10.0.0.1"), None);
        throttle.fail("bo", "10.0.0.1");
        throttle.fail("cy", "10.0.0.1");
        assert!(throttle.wait("dee", "10.0.0.1").is_some(), "address limit applies to any account");
        throttle.succeed("ana");
        assert_eq!(throttle.wait("ana", "10.0.0.2"), None);
    }
}
