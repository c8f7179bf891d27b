//! The emulated clock: wall time at start, plus real elapsed time, plus what tests advanced.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, as the emulated Salesforce sees them.
#[derive(Debug, Clone)]
pub struct Clock {
    start_wall_ms: u64,
    start: Instant,
    advanced_ms: u64,
}

impl Clock {
    /// A clock that starts at the current wall time.
    pub fn new() -> Clock {
        let start_wall_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        Clock {
            start_wall_ms,
            start: Instant::now(),
            advanced_ms: 0,
        }
    }

    /// The emulated now.
    pub fn now_ms(&self) -> u64 {
        self.start_wall_ms + self.start.elapsed().as_millis() as u64 + self.advanced_ms
    }

    /// Moves the clock forward.
    pub fn advance(&mut self, seconds: u64) {
        self.advanced_ms = self
            .advanced_ms
            .saturating_add(seconds.saturating_mul(1000));
    }

    /// How far tests have moved the clock, in seconds.
    pub fn advanced_seconds(&self) -> u64 {
        self.advanced_ms / 1000
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}
