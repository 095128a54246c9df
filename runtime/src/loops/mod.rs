//! Many loops: one single-threaded runtime per core, sharing nothing
//! [asyncio: one `asyncio.run` per thread or process; tokio: one
//! current_thread runtime per thread, as actix-rt's arbiters].
//!
//! A [`Runtime`](crate::Runtime) uses one core. A server that outgrows it
//! can either share its tasks among threads (tokio's multi-thread runtime:
//! any worker may poll any task, and idle workers steal from busy ones) or
//! run one loop per core, each with its own tasks, sockets and timers,
//! and let the kernel spread the connections ([`TcpListener::bind_reuseport`]
//! gives each loop its own listening socket on the same port). The second
//! is how nginx, seastar, glommio and monoio scale, and it keeps everything
//! this crate teaches: each loop is exactly the single-threaded executor of
//! the rest of the crate. `docs/INTERNALS.md` compares the two, with
//! figures.
//!
//! ```
//! let loops = runtime::loops::Builder::new(2).name("worker").build().unwrap();
//! // A future on every loop, built on the loop's own thread (so it may be
//! // `!Send`, hold an `Rc`, own a socket), and every output collected.
//! let ids = loops.run_on_each(|index| async move {
//!     let local = std::rc::Rc::new(index); // not Send: fine
//!     runtime::yield_now().await;
//!     (*local, std::thread::current().name().unwrap().to_owned())
//! });
//! assert_eq!(ids, [(0, "worker-0".to_owned()), (1, "worker-1".to_owned())]);
//! // A future built on a chosen loop (so it may be !Send), waited for here.
//! let here = loops.run_on(1, || async { std::thread::current().name().unwrap().to_owned() });
//! assert_eq!(here, "worker-1");
//! // A `Send` future on a chosen loop, through its Handle.
//! let doubled = loops.spawn_on(1, async { 21 * 2 }).unwrap();
//! assert_eq!(doubled.join().unwrap(), 42);
//! loops.shutdown(); // or drop: every loop stops, its tasks are dropped
//! ```
//!
//! ## Parts
//!
//! - `set.rs`: [`Loops`], the running set, and the body of each loop's thread;
//! - `builder.rs`: [`Builder`]: how many, thread names, pinning, and the
//!   settings of each runtime;
//! - `channel.rs`: [`channel`], the way across: an unbounded queue whose
//!   sending end works from any thread and whose receiving end is awaited
//!   on a loop;
//! - `affinity.rs`: pinning a thread to a core (Linux).
//!
//! ## Each loop's thread
//!
//! ```text
//!   start:  [pin] -> build Runtime -> send (Handle, core) to the builder
//!   run:    block_on( while let Some(command) = commands.recv().await {
//!                         command()          // spawns a local task
//!                     } )
//!   stop:   the set drops its command Sender -> recv gives None ->
//!           block_on returns -> the Runtime is dropped with its tasks
//! ```
//!
//! A *command* is a boxed `FnOnce() + Send` that runs on the loop's thread
//! inside its `block_on`; [`Loops::run_on_each`] and [`Loops::run_on`]
//! send one that builds the user's future there and spawns it as a local
//! task, which is why that future need not be `Send` (only the closure that
//! builds it crosses).
//! [`Loops::spawn_on`] takes the other road, the loop's [`Handle`](crate::Handle), for a
//! future that is `Send` already.
//!
//! ## Rules
//!
//! 1. Nothing is shared between loops unless the program shares it: each
//!    has its own run queue, reactor, timer wheel and blocking pool.
//! 2. Stopping is together: [`Loops::shutdown`] (or dropping the set) stops
//!    every loop and joins every thread; tasks still alive are dropped, as
//!    at the end of [`run`](crate::run).
//! 3. Start-up is all or nothing: if one loop cannot start (no core to pin
//!    to, no epoll instance), the ones already started are stopped and
//!    [`Builder::build`] returns the error, naming the loop.
//!
//! ## What production code does differently
//!
//! glommio and monoio build their own reactor on io_uring per core and
//! pin by default; seastar also shards memory per core. actix-rt's
//! `Arbiter` is the closest to this: a tokio current_thread runtime per
//! thread, with a channel of boxed futures into each.
//!
//! [`TcpListener::bind_reuseport`]: crate::net::TcpListener::bind_reuseport

mod affinity;
mod builder;
mod channel;
mod set;

pub use builder::Builder;
pub use channel::{Receiver, SendError, Sender, channel};
pub use set::Loops;
