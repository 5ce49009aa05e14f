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
    /// When a refusal from each address was last audited: one line a window, not one a request.
    noted: Mutex<HashMap<String, Instant>>,
}

impl Throttle {
    pub fn new(window: Duration, per_account: usize, per_address: usize) -> Self {
        Self { window, per_account, per_address, failures: Mutex::default(), noted: Mutex::default() }
    }

    /// Starts a sign-in attempt: refused with how long to wait when `account` or `address` is
    /// over its limit, else counted as a failure at once, so attempts racing each other are all
    /// counted before any password is checked. `succeed` or `forgive` takes it back.
    pub fn begin(&self, account: &str, address: &str) -> Result<(), Duration> {
        let mut failures = self.failures.lock().expect("throttle lock");
        let now = Instant::now();
        let keys = [(format!("account:{account}"), self.per_account), (format!("address:{address}"), self.per_address)];
        let wait = keys
            .iter()
            .filter_map(|(key, limit)| {
                let list = failures.get_mut(key)?;
                while list.front().is_some_and(|at| now - *at > self.window) {
                    list.pop_front();
                }
                let oldest = *list.front()?;
                (list.len() >= *limit).then(|| self.window.saturating_sub(now - oldest))
            })
            .max();
        if let Some(wait) = wait {
            return Err(wait);
        }
        // Bounded: a flood of made-up account names must not grow memory without end.
        if failures.len() > 100_000 {
            failures.retain(|_, list| list.back().is_some_and(|at| now - *at <= self.window));
        }
        for (key, _) in keys {
            failures.entry(key).or_default().push_back(now);
        }
        Ok(())
    }

    /// Whether a refusal from `address` is worth an audit line: the first in each window.
    pub fn note_refusal(&self, address: &str) -> bool {
        let mut noted = self.noted.lock().expect("throttle lock");
        let now = Instant::now();
        if noted.len() > 100_000 {
            noted.retain(|_, at| now - *at <= self.window);
        }
        match noted.get(address) {
            Some(at) if now - *at <= self.window => false,
            _ => {
                noted.insert(address.to_string(), now);
                true
            }
        }
    }

    /// A successful sign-in clears the account's failures, and takes back this attempt from the
    /// address's (its earlier failures stay).
    pub fn succeed(&self, account: &str, address: &str) {
        let mut failures = self.failures.lock().expect("throttle lock");
        failures.remove(&format!("account:{account}"));
        Self::take_back(&mut failures, &format!("address:{address}"));
    }

    /// Takes back an attempt that was no one's fault (the broker could not be asked).
    pub fn forgive(&self, account: &str, address: &str) {
        let mut failures = self.failures.lock().expect("throttle lock");
        for key in [format!("account:{account}"), format!("address:{address}")] {
            Self::take_back(&mut failures, &key);
        }
    }

    fn take_back(failures: &mut HashMap<String, VecDeque<Instant>>, key: &str) {
        if let Some(list) = failures.get_mut(key) {
            list.pop_back();
            if list.is_empty() {
                failures.remove(key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_and_addresses_are_limited_separately() {
        let throttle = Throttle::new(Duration::from_secs(60), 3, 5);
        for _ in 0..3 {
            assert_eq!(throttle.begin("ana", "10.0.0.1"), Ok(()));
        }
        assert!(throttle.begin("ana", "10.0.0.9").is_err(), "account limit applies from any address");
        assert_eq!(throttle.begin("bo", "10.0.0.1"), Ok(()));
        assert_eq!(throttle.begin("cy", "10.0.0.1"), Ok(()));
        assert!(throttle.begin("dee", "10.0.0.1").is_err(), "address limit applies to any account");
        throttle.succeed("ana", "10.0.0.2");
        assert_eq!(throttle.begin("ana", "10.0.0.2"), Ok(()));
    }

    #[test]
    fn racing_attempts_are_counted_before_any_check() {
        let throttle = Throttle::new(Duration::from_secs(60), 3, 100);
        // Ten attempts begun together: only the limit's worth get to check a password.
        let started = (0..10).filter(|_| throttle.begin("ana", "10.0.0.1").is_ok()).count();
        assert_eq!(started, 3);
    }

    #[test]
    fn a_success_or_a_broker_fault_takes_the_attempt_back() {
        let throttle = Throttle::new(Duration::from_secs(60), 2, 2);
        for _ in 0..5 {
            assert_eq!(throttle.begin("ana", "10.0.0.1"), Ok(()));
            throttle.succeed("ana", "10.0.0.1");
        }
        for _ in 0..5 {
            assert_eq!(throttle.begin("bo", "10.0.0.1"), Ok(()));
            throttle.forgive("bo", "10.0.0.1");
        }
    }
}
