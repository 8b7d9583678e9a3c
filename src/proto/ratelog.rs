//! Rate-limited warnings: one line per kind per [`WARN_EVERY`], saying how many were held
//! back. A peer (or a full descriptor table) that makes the same thing fail thousands of times
//! a second must not fill the disk or the terminal with the same line.
//!
//! Pure: time is an argument.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// At most one line per kind this often.
pub const WARN_EVERY: Duration = Duration::from_secs(5);

#[derive(Debug, Default)]
pub struct RateLog {
    /// Per kind: when a line was last let through, and how many were held back since.
    kinds: HashMap<&'static str, (Instant, u64)>,
}

impl RateLog {
    /// One more occurrence of `kind` at `now`: `Some(n)` when a line should be written now,
    /// `n` counting this one and the ones held back since the last line; `None` to stay quiet.
    pub fn note(&mut self, kind: &'static str, now: Instant) -> Option<u64> {
        match self.kinds.get_mut(kind) {
            Some((last, held)) if now.saturating_duration_since(*last) < WARN_EVERY => {
                *held += 1;
                None
            }
            Some((last, held)) => {
                let n = *held + 1;
                *last = now;
                *held = 0;
                Some(n)
            }
            None => {
                self.kinds.insert(kind, (now, 0));
                Some(1)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_kind_per_period_with_the_count() {
        let t0 = Instant::now();
        let mut log = RateLog::default();
        assert_eq!(log.note("accept", t0), Some(1));
        for i in 1..1000 {
            assert_eq!(log.note("accept", t0 + Duration::from_millis(i)), None);
        }
        // Another kind is not held back by the first.
        assert_eq!(log.note("handshake", t0), Some(1));
        assert_eq!(log.note("accept", t0 + WARN_EVERY), Some(1000));
        assert_eq!(log.note("accept", t0 + WARN_EVERY * 2), Some(1));
    }
}
