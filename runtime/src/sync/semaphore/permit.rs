//! The permits: guards that hand their permits back when dropped.

use std::fmt;
use std::rc::Rc;

use super::Semaphore;

/// Permits borrowed from a [`Semaphore`], returned when dropped [the body of
/// `async with sem:`].
#[must_use = "the permit is released as soon as it is dropped; bind it with `let _permit = ...`"]
pub struct SemaphorePermit<'a> {
    /// Where the permits go back.
    pub(super) sem: &'a Semaphore,
    /// How many this permit holds.
    pub(super) permits: usize,
}

impl SemaphorePermit<'_> {
    /// How many permits this holds.
    pub fn num_permits(&self) -> usize {
        self.permits
    }

    /// Keeps the permits out of the semaphore for good (the bounded
    /// channel uses this: a queued message holds its slot).
    pub fn forget(mut self) {
        self.permits = 0;
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        self.sem.release(self.permits);
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit")
            .field("permits", &self.permits)
            .finish()
    }
}

/// Permits that keep their [`Semaphore`] alive through an `Rc`, for a task
/// that outlives the scope that acquired them.
#[must_use = "the permit is released as soon as it is dropped; bind it with `let _permit = ...`"]
pub struct OwnedSemaphorePermit {
    /// Where the permits go back.
    pub(super) sem: Rc<Semaphore>,
    /// How many this permit holds.
    pub(super) permits: usize,
}

impl OwnedSemaphorePermit {
    /// How many permits this holds.
    pub fn num_permits(&self) -> usize {
        self.permits
    }

    /// The semaphore the permits came from.
    pub fn semaphore(&self) -> &Rc<Semaphore> {
        &self.sem
    }

    /// Keeps the permits out of the semaphore for good.
    pub fn forget(mut self) {
        self.permits = 0;
    }
}

impl Drop for OwnedSemaphorePermit {
    fn drop(&mut self) {
        self.sem.release(self.permits);
    }
}

impl fmt::Debug for OwnedSemaphorePermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedSemaphorePermit")
            .field("permits", &self.permits)
            .finish()
    }
}
