//! Slows down and then refuses repeated failed sign-ins, per account and per address.
//! Kept in memory: a restart forgets it, which only gives an attacker a few more tries.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed at full speed within the window.
pub const FREE_FAILURES: u32 = 3;
/// Failures after which attempts are refused (429) until the window passes.
pub const MAX_FAILURES: u32 = 8;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

/// What to do with the next attempt.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Go { delay: Duration },
    Refuse { retry_after: Duration },
}

impl LoginLimiter {
    fn failures(&self, key: &str, now: Instant) -> (u32, Instant) {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(key) {
            Some((n, since)) if now.duration_since(*since) < WINDOW => (*n, *since),
            _ => (0, now),
        }
    }

    /// The verdict for an attempt touching all `keys` (the worst one counts).
    pub fn check(&self, keys: &[String]) -> Verdict {
        let now = Instant::now();
        let mut worst = Verdict::Go {
            delay: Duration::ZERO,
        };
        for key in keys {
            let (n, since) = self.failures(key, now);
            if n >= MAX_FAILURES {
                let retry_after = WINDOW.saturating_sub(now.duration_since(since));
                return Verdict::Refuse {
                    retry_after: retry_after.max(Duration::from_secs(1)),
                };
            }
            if n >= FREE_FAILURES {
                let delay = Duration::from_millis(250 * u64::from(n - FREE_FAILURES + 1))
                    .min(Duration::from_secs(2));
                if matches!(worst, Verdict::Go { delay: d } if d < delay) {
                    worst = Verdict::Go { delay };
                }
            }
        }
        worst
    }

    pub fn fail(&self, keys: &[String]) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, (_, since)| now.duration_since(*since) < WINDOW);
        for key in keys {
            let entry = map.entry(key.clone()).or_insert((0, now));
            entry.0 += 1;
        }
    }

    pub fn succeed(&self, account_key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(account_key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_first_slow_down_then_refuse() {
        let l = LoginLimiter::default();
        let keys = vec!["email:a@b.c".to_string()];
        for _ in 0..FREE_FAILURES {
            assert_eq!(
                l.check(&keys),
                Verdict::Go {
                    delay: Duration::ZERO
                }
            );
            l.fail(&keys);
        }
        assert!(matches!(l.check(&keys), Verdict::Go { delay } if delay > Duration::ZERO));
        for _ in FREE_FAILURES..MAX_FAILURES {
            l.fail(&keys);
        }
        assert!(matches!(l.check(&keys), Verdict::Refuse { .. }));
    }

    #[test]
    fn success_clears_the_account() {
        let l = LoginLimiter::default();
        let keys = vec!["email:a@b.c".to_string()];
        for _ in 0..MAX_FAILURES {
            l.fail(&keys);
        }
        l.succeed("email:a@b.c");
        assert_eq!(
            l.check(&keys),
            Verdict::Go {
                delay: Duration::ZERO
            }
        );
    }
}
