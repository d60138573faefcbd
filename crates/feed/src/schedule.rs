//! When to poll a feed next.

use std::time::Duration;

/// The first backoff after a failed poll.
pub const BACKOFF_BASE: Duration = Duration::from_secs(60);
/// The longest backoff.
pub const BACKOFF_MAX: Duration = Duration::from_secs(6 * 3600);

/// The interval after a successful poll: the configured interval, or the feed's own minimum
/// (`ttl`, `sy:updatePeriod`) when that is longer.
pub fn interval(configured: Duration, feed_min: Option<Duration>) -> Duration {
    feed_min.map_or(configured, |m| m.max(configured))
}

/// The wait after `failures` consecutive failed polls (1 for the first): 1 min, doubling, at
/// most 6 h; exactly the server's `Retry-After` when it gave one.
pub fn backoff(failures: u32, retry_after: Option<Duration>) -> Duration {
    let exp = failures.saturating_sub(1).min(20);
    let wait = BACKOFF_BASE.saturating_mul(1u32 << exp).min(BACKOFF_MAX);
    retry_after.unwrap_or(wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        assert_eq!(backoff(1, None), Duration::from_secs(60));
        assert_eq!(backoff(2, None), Duration::from_secs(120));
        assert_eq!(backoff(4, None), Duration::from_secs(480));
        assert_eq!(backoff(30, None), BACKOFF_MAX);
        assert_eq!(
            backoff(1, Some(Duration::from_secs(600))),
            Duration::from_secs(600)
        );
    }

    #[test]
    fn feed_hint_only_lengthens() {
        let m15 = Duration::from_secs(900);
        assert_eq!(interval(m15, None), m15);
        assert_eq!(interval(m15, Some(Duration::from_secs(60))), m15);
        assert_eq!(
            interval(m15, Some(Duration::from_secs(3600))),
            Duration::from_secs(3600)
        );
    }
}
