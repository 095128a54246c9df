//! The reactor: turns operating-system readiness into task wake-ups.
//!
//! asyncio's selector event loop keeps a `selectors.DefaultSelector`
//! (epoll on Linux) and a callback per file descriptor. Ours keeps a
//! `mio::Poll` (epoll on Linux, kqueue on macOS) and, per registered
//! socket, an [`IoSlot`](driver::IoSlot): two readiness flags and two stored wakers.
//!
//! ## One I/O operation, step by step
//!
//! 1. A task calls `stream.read(buf).await`. The socket's readiness flag
//!    says "maybe readable" (sockets start optimistic), so `read(2)` is tried.
//! 2. The kernel says `WouldBlock`. The flag is cleared and the task's waker
//!    is stored in the slot. The future returns `Pending`.
//! 3. The loop runs out of work and calls [`Reactor::poll`](driver::Reactor::poll), which blocks in
//!    `epoll_wait` until an event, a remote wake or the next timer.
//! 4. An event for the socket's token arrives: the flag is set again and the
//!    stored waker is taken. Wakers are collected and woken only after the
//!    slab borrow ends ("wake after the borrow", CONTRIBUTING.md). Waking
//!    queues the task.
//! 5. The task is polled again, tries `read(2)`, and gets the bytes.
//!
//! ## Edge-triggered readiness
//!
//! mio registers sockets edge-triggered: an event is reported once, when the
//! state changes. So a flag may only be cleared after the kernel said
//! `WouldBlock`; otherwise data that is already there would never produce
//! another event. Clearing after `WouldBlock` is race-free here because
//! events are only delivered inside [`Reactor::poll`](driver::Reactor::poll), on this thread, never
//! between the failed call and the clear. (tokio, whose reactor runs on
//! several threads, tags readiness with a tick counter to detect that race.)
//!
//! Spurious events are harmless: they set a flag, the next call gets
//! `WouldBlock`, and the flag is cleared again, as mio's docs prescribe.
//!
//! A socket's *stream* may also clear a flag after a short read or write
//! (fewer bytes than asked for): the kernel buffer is then empty (or full),
//! and the next call could only say `WouldBlock`. That is only safe because
//! hang-ups are remembered apart, in the sticky `read_closed` and
//! `write_closed` flags: the last data and the peer's FIN often come in one
//! edge, and the EOF must still be found after the data was read.
//!
//! ## Parts
//!
//! - `driver.rs`: the [`Reactor`](driver::Reactor) itself: the `mio::Poll`,
//!   the slab of per-socket slots (`slab.rs`), and the `epoll_wait` that
//!   wakes tasks.
//! - `registration.rs`: a socket's link to the reactor, and the retry loop
//!   (try, `WouldBlock`, wait) that every I/O call goes through.
//! - `alarm.rs`: how the poll ends at the next timer's deadline to the
//!   microsecond, though `epoll_wait` counts milliseconds: a timerfd in the
//!   epoll set on Linux (`timerfd.rs`, the runtime's one system call outside
//!   mio), the poll timeout elsewhere.
//!
//! ## Tokens
//!
//! A socket's token is its slab index. [`WAKE_TOKEN`](driver::WAKE_TOKEN) is reserved for the
//! `mio::Waker` that other threads use to interrupt the poll, and
//! [`ALARM_TOKEN`](alarm::ALARM_TOKEN) for the alarm's timerfd. A slot is freed
//! when its socket is dropped; since every batch of events is handled right
//! after `epoll_wait` returns, before any task runs and can free a slot, an
//! event can never reach a slot that has changed hands.

mod alarm;
pub(crate) mod driver;
mod registration;
mod timerfd;

pub(crate) use alarm::Park;
pub(crate) use driver::Direction;
pub(crate) use registration::Registration;
