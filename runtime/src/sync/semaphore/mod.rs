//! [`Semaphore`] [asyncio.Semaphore]: at most N holders at once, served
//! strictly in arrival order.
//!
//! ## `async with sem:` in Rust
//!
//! ```python
//! async with sem:              # __aenter__: await sem.acquire()
//!     image = await get_flag(cc)
//!                              # __aexit__: sem.release(), also on exceptions
//! ```
//!
//! becomes
//!
//! ```
//! # runtime::run(async {
//! # let sem = runtime::sync::Semaphore::new(2);
//! # async fn get_flag(cc: &str) -> usize { cc.len() }
//! {
//!     let _permit = sem.acquire().await.unwrap(); // __aenter__
//!     let image = get_flag("BR").await;
//! #   assert_eq!(image, 2);
//! } // _permit is dropped here: __aexit__ releases, on `?`, panic or cancellation too
//! # });
//! ```
//!
//! The permit is a guard: holding it is being inside the `async with`
//! block. Name it `_permit`, not `_`: `let _ = sem.acquire().await` drops it
//! on the spot.
//!
//! ## State and rules
//!
//! One `RefCell<State>`: free `permits`, a `closed` flag, and the FIFO
//! [`WaitList`](wait_list::WaitList) of waiters. Borrows are short and never span a wake or a
//! call into user code.
//!
//! 1. **Strict FIFO.** If anyone waits, the free count is 0: released
//!    permits go to the head waiter first (part of a request may be handed
//!    over before the rest; the waiter keeps it while it waits). So nobody,
//!    not even `try_acquire`, can overtake a waiter. asyncio's `Semaphore`
//!    has the same rule since Python 3.11.4 (gh-90155).
//! 2. **Cancel-safe.** Dropping a waiting acquire unlinks its node at once
//!    and hands the permits it had been given to the next waiters. Dropping
//!    one that was already served (woken, not yet polled) hands back all of
//!    them. No permit is lost, nobody starves.
//! 3. **Wake after the borrow.** Serving a waiter takes its waker out under
//!    the borrow, releases the borrow, then wakes.
//! 4. **Close** fails every waiter and every later acquire with
//!    [`AcquireError`]; permits already held stay valid (asyncio has no
//!    close; this is tokio's).
//!
//! ## Parts
//!
//! - `mod.rs` (this file): the [`Semaphore`] a user holds, the two
//!   permit guards it hands out, and the future that makes a borrowed one.
//! - `state.rs`: the state and the operations that apply the rules (take,
//!   release, close).
//! - `acquire.rs`: the `Acquire` future and its `Drop` (cancel-safety).
//! - `wait_list.rs`: the FIFO queue of waiters that anyone can leave in O(1).
//! - `error.rs`: `AcquireError` and `TryAcquireError`.
//!
//! ## Implementation
//!
//! Single-threaded (`!Send`, `RefCell`), so there is no atomic on the fast
//! path: an uncontended acquire is a borrow, a compare and a subtraction.
//! tokio's `batch_semaphore` packs permits and the closed bit into one
//! `AtomicUsize` and takes a mutex only for the wait list, because it must
//! be `Sync`.

mod acquire;
mod error;
mod state;
mod wait_list;

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use acquire::Acquire;
pub use error::{AcquireError, TryAcquireError};
use state::State;

/// A counter of permits with a fair queue of waiters [asyncio.Semaphore].
/// See the module doc for the rules.
///
/// ```
/// use std::rc::Rc;
/// use runtime::sync::Semaphore;
///
/// runtime::run(async {
///     let sem = Rc::new(Semaphore::new(1));
///     let held = sem.acquire().await.unwrap();
///     assert!(sem.try_acquire().is_err());
///     let waiter = runtime::spawn(sem.clone().acquire_owned());
///     drop(held); // hands the permit to the waiting task
///     let permit = waiter.await.unwrap().unwrap();
///     assert_eq!(permit.num_permits(), 1);
/// });
/// ```
pub struct Semaphore {
    /// Everything; see the module doc for the rules on borrowing it.
    state: RefCell<State>,
}

impl Semaphore {
    /// A semaphore with `permits` free permits [asyncio.Semaphore(value)].
    pub fn new(permits: usize) -> Semaphore {
        Semaphore {
            state: RefCell::new(State::new(permits)),
        }
    }

    /// Free permits right now. 0 whenever someone waits (rule 1).
    pub fn available_permits(&self) -> usize {
        self.state.borrow().permits
    }

    /// Waits for one permit [async with sem / await sem.acquire()]; the
    /// permit is released when dropped.
    ///
    /// # Errors
    ///
    /// [`AcquireError`] if the semaphore is closed before or while waiting.
    pub fn acquire(&self) -> impl Future<Output = Result<SemaphorePermit<'_>, AcquireError>> + '_ {
        self.acquire_many(1)
    }

    /// Waits for `n` permits at once, keeping its place in the queue: a
    /// later acquire of fewer permits does not overtake it. `n == 0`
    /// succeeds at once unless the semaphore is closed. A request for more
    /// permits than will ever exist waits forever, and so does everyone
    /// queued behind it: that is the price of strict FIFO.
    ///
    /// # Errors
    ///
    /// [`AcquireError`] if the semaphore is closed before or while waiting.
    pub fn acquire_many(
        &self,
        n: usize,
    ) -> impl Future<Output = Result<SemaphorePermit<'_>, AcquireError>> + '_ {
        // A named future, not an `async fn`: its first poll takes free
        // permits inline (see `acquire.rs`).
        AcquirePermit::new(self, n)
    }

    /// Like [`acquire`](Self::acquire), with a permit that owns an `Rc` of
    /// the semaphore, so it can move into a spawned task.
    ///
    /// # Errors
    ///
    /// [`AcquireError`] if the semaphore is closed before or while waiting.
    pub fn acquire_owned(
        self: Rc<Self>,
    ) -> impl Future<Output = Result<OwnedSemaphorePermit, AcquireError>> {
        self.acquire_many_owned(1)
    }

    /// Like [`acquire_many`](Self::acquire_many), with an owned permit.
    ///
    /// # Errors
    ///
    /// [`AcquireError`] if the semaphore is closed before or while waiting.
    pub async fn acquire_many_owned(
        self: Rc<Self>,
        n: usize,
    ) -> Result<OwnedSemaphorePermit, AcquireError> {
        // `Acquire`'s first poll takes free permits inline.
        Acquire::new(&self.state, n).await?;
        Ok(OwnedSemaphorePermit {
            sem: self,
            permits: n,
        })
    }

    /// Takes one permit if that needs no waiting [sem.locked() is False].
    ///
    /// # Errors
    ///
    /// [`TryAcquireError::NoPermits`] if none is free or someone is already
    /// waiting (they come first), [`TryAcquireError::Closed`] after `close`.
    pub fn try_acquire(&self) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_acquire_many(1)
    }

    /// Takes `n` permits if that needs no waiting.
    ///
    /// # Errors
    ///
    /// As [`try_acquire`](Self::try_acquire).
    pub fn try_acquire_many(&self, n: usize) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.state.borrow_mut().try_take(n)?;
        Ok(SemaphorePermit {
            sem: self,
            permits: n,
        })
    }

    /// Like [`try_acquire`](Self::try_acquire), with an owned permit.
    ///
    /// # Errors
    ///
    /// As [`try_acquire`](Self::try_acquire).
    pub fn try_acquire_owned(self: Rc<Self>) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.try_acquire_many_owned(1)
    }

    /// Like [`try_acquire_many`](Self::try_acquire_many), with an owned
    /// permit.
    ///
    /// # Errors
    ///
    /// As [`try_acquire`](Self::try_acquire).
    pub fn try_acquire_many_owned(
        self: Rc<Self>,
        n: usize,
    ) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.state.borrow_mut().try_take(n)?;
        Ok(OwnedSemaphorePermit {
            sem: self,
            permits: n,
        })
    }

    /// Adds `n` permits [sem.release(), n times]: they go to the waiters
    /// first, in order, and the rest become free.
    ///
    /// # Panics
    ///
    /// If the free count would overflow `usize`.
    pub fn add_permits(&self, n: usize) {
        state::release(&self.state, n);
    }

    /// Closes the semaphore: every waiter wakes with [`AcquireError`], and
    /// so does every later acquire. Permits already held stay valid and are
    /// returned as usual. Permits handed to a waiter that had not been fully
    /// served return to the free count.
    pub fn close(&self) {
        state::close(&self.state);
    }

    /// True once [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.state.borrow().closed
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.state.try_borrow() {
            Ok(state) => f
                .debug_struct("Semaphore")
                .field("permits", &state.permits)
                .field("waiters", &!state.waiters.is_empty())
                .field("closed", &state.closed)
                .finish(),
            Err(_) => f.write_str("Semaphore { <borrowed> }"),
        }
    }
}

/// Permits borrowed from a [`Semaphore`], returned when dropped [the body of
/// `async with sem:`].
#[must_use = "the permit is released as soon as it is dropped; bind it with `let _permit = ...`"]
pub struct SemaphorePermit<'a> {
    /// Where the permits go back.
    sem: &'a Semaphore,
    /// How many this permit holds.
    permits: usize,
}

impl SemaphorePermit<'_> {
    /// How many permits this holds.
    pub fn num_permits(&self) -> usize {
        self.permits
    }

    /// Keeps the permits out of the semaphore for good (the bounded
    /// channel uses this: a queued message holds its slot).
    #[inline]
    pub fn forget(mut self) {
        self.permits = 0;
    }
}

impl Drop for SemaphorePermit<'_> {
    #[inline]
    fn drop(&mut self) {
        // Nothing to give back after `forget`.
        if self.permits > 0 {
            state::release(&self.sem.state, self.permits);
        }
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
    sem: Rc<Semaphore>,
    /// How many this permit holds.
    permits: usize,
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
    #[inline]
    fn drop(&mut self) {
        // Nothing to give back after `forget`.
        if self.permits > 0 {
            state::release(&self.sem.state, self.permits);
        }
    }
}

impl fmt::Debug for OwnedSemaphorePermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedSemaphorePermit")
            .field("permits", &self.permits)
            .finish()
    }
}

/// The future `acquire` and `acquire_many` return: [`Acquire`], with the
/// permit guard made when it is done.
struct AcquirePermit<'a> {
    /// Where the permit goes back.
    sem: &'a Semaphore,
    /// The request itself (it holds `sem`'s state and the count).
    acquire: Acquire<'a>,
}

impl<'a> AcquirePermit<'a> {
    /// A request for `n` permits of `sem`, not polled yet.
    #[inline]
    fn new(sem: &'a Semaphore, n: usize) -> AcquirePermit<'a> {
        AcquirePermit {
            sem,
            acquire: Acquire::new(&sem.state, n),
        }
    }
}

impl<'a> Future for AcquirePermit<'a> {
    type Output = Result<SemaphorePermit<'a>, AcquireError>;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Both fields are `Unpin` (references, counts, a key), so the
        // request can be polled through a fresh `Pin`.
        match Pin::new(&mut self.acquire).poll(cx) {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(SemaphorePermit {
                sem: self.sem,
                permits: self.acquire.requested(),
            })),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}
