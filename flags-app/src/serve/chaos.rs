//! Delay and error injection: what the server does to each request before answering.
//!
//! The book tests its downloaders against `slow_server.py`, which sleeps a random
//! 0.5 to 5 s before each response and answers 418 I'm a Teapot to a fraction of
//! requests. We do the same and add the failures a real network shows, so that the
//! client's error accounting is exercised:
//!
//! | [`Fault`] | what the client sees |
//! |---|---|
//! | `Teapot` | a complete `418 I'm a Teapot` response; the connection stays usable |
//! | `Internal` / `Unavailable` | a complete 500 / 503 response with `Connection: close`, then the close |
//! | `Reset` | the connection reset (RST, by closing with `SO_LINGER` 0) before any byte |
//! | `Truncated` | a 200 head with the full Content-Length, half the body, then a close |
//!
//! A [`Planner`] owns a seeded SplitMix64 stream and draws, per request, a delay
//! uniformly within the [`DelayRange`] and, with probability `rate`, one of the
//! enabled faults uniformly. The server has one planner; requests draw from it in
//! the order they arrive, so a fixed `--seed` gives a fixed sequence of decisions
//! (which request gets which decision still depends on arrival order).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::prng::SplitMix64;

/// Largest delay accepted, in seconds: a minute is far beyond any client timeout.
pub const MAX_DELAY_SECS: f64 = 60.0;

/// A failure the server injects instead of a normal response (table in module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Fault {
    /// 418 I'm a Teapot, as the book's slow_server.py.
    #[value(name = "418", alias = "teapot")]
    Teapot,
    /// 500 Internal Server Error, then close.
    #[value(name = "500")]
    Internal,
    /// 503 Service Unavailable, then close.
    #[value(name = "503")]
    Unavailable,
    /// Connection reset before the response.
    #[value(name = "reset")]
    Reset,
    /// Half the body, then close.
    #[value(name = "truncated")]
    Truncated,
}

impl Fault {
    /// Every fault kind: the default for `--error-kinds`.
    pub const ALL: [Fault; 5] = [
        Fault::Teapot,
        Fault::Internal,
        Fault::Unavailable,
        Fault::Reset,
        Fault::Truncated,
    ];
}

/// A delay range in seconds, `MIN..MAX` or a single `SECS` (`MIN == MAX`).
///
/// ```
/// use flags_app::serve::chaos::DelayRange;
/// assert_eq!("0.5..5".parse(), Ok(DelayRange::SLOW));
/// assert!("5..0.5".parse::<DelayRange>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DelayRange {
    /// Shortest delay, seconds, `0 <= min <= max`.
    pub min: f64,
    /// Longest delay, seconds, at most [`MAX_DELAY_SECS`].
    pub max: f64,
}

impl DelayRange {
    /// No delay at all.
    pub const NONE: DelayRange = DelayRange { min: 0.0, max: 0.0 };
    /// The book's slow_server.py: 0.5 to 5 s.
    pub const SLOW: DelayRange = DelayRange { min: 0.5, max: 5.0 };
}

/// Why a `--delay` value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadDelay(String);

impl fmt::Display for BadDelay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid delay '{}': expected SECS or MIN..MAX with 0 <= MIN <= MAX <= {MAX_DELAY_SECS}",
            self.0
        )
    }
}

impl std::error::Error for BadDelay {}

impl FromStr for DelayRange {
    type Err = BadDelay;

    fn from_str(text: &str) -> Result<Self, BadDelay> {
        let bad = || BadDelay(text.to_owned());
        let seconds = |part: &str| -> Result<f64, BadDelay> {
            let value: f64 = part.trim().parse().map_err(|_| bad())?;
            if value.is_finite() && (0.0..=MAX_DELAY_SECS).contains(&value) {
                Ok(value)
            } else {
                Err(bad())
            }
        };
        let (min, max) = match text.split_once("..") {
            Some((min, max)) => (seconds(min)?, seconds(max)?),
            None => {
                let secs = seconds(text)?;
                (secs, secs)
            }
        };
        if min > max {
            return Err(bad());
        }
        Ok(DelayRange { min, max })
    }
}

impl fmt::Display for DelayRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min == self.max {
            write!(f, "{}s", self.min)
        } else {
            write!(f, "{}..{}s", self.min, self.max)
        }
    }
}

/// What to inject: the delay range, the error rate and the enabled faults.
#[derive(Debug, Clone, PartialEq)]
pub struct Chaos {
    /// Delay before each response.
    pub delay: DelayRange,
    /// Probability in `[0, 1]` that a request fails.
    pub error_rate: f64,
    /// The faults to choose from; an empty list means no faults.
    pub kinds: Vec<Fault>,
}

impl Chaos {
    /// LOCAL: no delay, no errors.
    pub fn none() -> Self {
        Chaos {
            delay: DelayRange::NONE,
            error_rate: 0.0,
            kinds: Fault::ALL.to_vec(),
        }
    }
}

/// The decision for one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    /// How long to wait before answering.
    pub delay: Duration,
    /// The failure to inject, or `None` to answer normally.
    pub fault: Option<Fault>,
}

/// Draws a [`Plan`] per request from a seeded stream.
#[derive(Debug, Clone)]
pub struct Planner {
    /// What may be injected.
    chaos: Chaos,
    /// The random stream; owned by the server's single accept loop.
    rng: SplitMix64,
}

impl Planner {
    /// A planner whose decisions are fixed by `seed`.
    pub fn new(chaos: Chaos, seed: u64) -> Self {
        Planner {
            chaos,
            rng: SplitMix64::new(seed),
        }
    }

    /// The plan for the next request. Draws the same number of random values
    /// whatever the outcome, so one request's fault does not shift later delays.
    pub fn next_plan(&mut self) -> Plan {
        let DelayRange { min, max } = self.chaos.delay;
        let delay = Duration::from_secs_f64(min + (max - min) * self.rng.unit());
        let fails = self.rng.unit() < self.chaos.error_rate;
        let pick = self.rng.below(self.chaos.kinds.len() as u64) as usize;
        let fault = if fails {
            self.chaos.kinds.get(pick).copied()
        } else {
            None
        };
        Plan { delay, fault }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_ranges_parse_and_bad_ones_are_refused() {
        let range: DelayRange = "0.5..5".parse().unwrap();
        assert_eq!(range, DelayRange::SLOW);
        assert_eq!(
            "0.5".parse::<DelayRange>(),
            Ok(DelayRange { min: 0.5, max: 0.5 })
        );
        for bad in [
            "", "x", "5..0.5", "-1", "1..", "..1", "nan", "inf", "61", "0..100",
        ] {
            assert!(bad.parse::<DelayRange>().is_err(), "{bad}");
        }
    }

    #[test]
    fn delays_stay_within_the_range() {
        let chaos = Chaos {
            delay: DelayRange { min: 0.1, max: 0.3 },
            ..Chaos::none()
        };
        let mut planner = Planner::new(chaos, 7);
        for _ in 0..1000 {
            let plan = planner.next_plan();
            assert!(
                plan.delay >= Duration::from_millis(100)
                    && plan.delay <= Duration::from_millis(300)
            );
            assert_eq!(plan.fault, None);
        }
    }

    #[test]
    fn error_rate_is_honoured_and_only_enabled_kinds_appear() {
        let chaos = Chaos {
            delay: DelayRange::NONE,
            error_rate: 0.25,
            kinds: vec![Fault::Teapot, Fault::Reset],
        };
        let mut planner = Planner::new(chaos, 42);
        let plans: Vec<Plan> = (0..10_000).map(|_| planner.next_plan()).collect();
        let faults: Vec<Fault> = plans.iter().filter_map(|plan| plan.fault).collect();
        assert!(
            (2_200..2_800).contains(&faults.len()),
            "{} faults",
            faults.len()
        );
        assert!(
            faults
                .iter()
                .all(|f| matches!(f, Fault::Teapot | Fault::Reset))
        );
        assert!(faults.contains(&Fault::Teapot) && faults.contains(&Fault::Reset));
    }

    #[test]
    fn same_seed_gives_the_same_decisions() {
        let chaos = Chaos {
            delay: DelayRange::SLOW,
            error_rate: 0.5,
            kinds: Fault::ALL.to_vec(),
        };
        let mut a = Planner::new(chaos.clone(), 9);
        let mut b = Planner::new(chaos, 9);
        for _ in 0..100 {
            assert_eq!(a.next_plan(), b.next_plan());
        }
    }

    #[test]
    fn empty_kind_list_injects_nothing() {
        let chaos = Chaos {
            delay: DelayRange::NONE,
            error_rate: 1.0,
            kinds: Vec::new(),
        };
        let mut planner = Planner::new(chaos, 1);
        assert!((0..100).all(|_| planner.next_plan().fault.is_none()));
    }
}
