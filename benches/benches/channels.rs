//! Task coordination over channels: `ping_pong` (oneshot) and
//! `request_reply` (bounded mpsc), each in two shapes.
//!
//! ```text
//! cargo bench -p benches --bench channels
//! ```
//!
//! Every row here also has a `floor` side: the same work with no runtime,
//! polled in a plain loop (see `benches::floor` for each row's floor and
//! what it leaves out). It is not a peer.
//!
//! Each side uses its own runtime's channels: ours (`!Send`, a `RefCell`
//! per channel), tokio's (`Sync`: atomic state, a lock on the wait list),
//! smol's `async-channel` (`Sync`, lock-free queue plus `event-listener`).
//! smol ships no oneshot channel; its `ping_pong` uses
//! `async_channel::bounded(1)`, what `smol::channel` offers for a single
//! reply. No drivers: tokio runs without I/O or timers, smol without
//! async-io's reactor.
//!
//! `ping_pong` and `request_reply` run the pinging (requesting) loop in a
//! spawned task on every side; `*_block_on` runs it in the `block_on`
//! future, as `#[tokio::main]` code does. On tokio the two differ: every
//! wake of the `block_on` future goes through the runtime's driver.

use benches::floor;
use benches::params::{CHANNEL_CAPACITY, PING_PONGS, REQUESTS};
use benches::rows::{PING_PONG, PING_PONG_BLOCK_ON, REQUEST_REPLY, REQUEST_REPLY_BLOCK_ON};
use benches::rt::{Smol, This, Tokio};
use benches::side::Side;
use criterion::{Criterion, criterion_group, criterion_main};

/// What travels on a ping: where to answer, and where the next ping comes.
struct PingThis {
    /// The pong goes back on this.
    pong: runtime::sync::oneshot::Sender<()>,
    /// The next ping arrives on this.
    next: runtime::sync::oneshot::Receiver<PingThis>,
}

/// The tokio twin of [`PingThis`].
struct PingTokio {
    /// The pong goes back on this.
    pong: tokio::sync::oneshot::Sender<()>,
    /// The next ping arrives on this.
    next: tokio::sync::oneshot::Receiver<PingTokio>,
}

/// The smol twin of [`PingThis`], over one-slot channels.
struct PingSmol {
    /// The pong goes back on this.
    pong: async_channel::Sender<()>,
    /// The next ping arrives on this.
    next: async_channel::Receiver<PingSmol>,
}

/// `PING_PONGS` round trips between this task and a responder, two fresh
/// channels per round trip: each ping carries the pong's sender and the
/// receiver of the next ping.
async fn ping_pong_this() {
    use runtime::sync::oneshot::channel;
    let (mut ping_tx, ping_rx) = channel::<PingThis>();
    let responder = runtime::spawn(async move {
        let mut ping_rx = ping_rx;
        while let Ok(PingThis { pong, next }) = ping_rx.await {
            let _ = pong.send(());
            ping_rx = next;
        }
    });
    for _ in 0..PING_PONGS {
        let (pong_tx, pong_rx) = channel();
        let (next_tx, next_rx) = channel();
        let _ = ping_tx.send(PingThis {
            pong: pong_tx,
            next: next_rx,
        });
        pong_rx.await.expect("pong");
        ping_tx = next_tx;
    }
    drop(ping_tx);
    responder.await.expect("responder finished");
}

/// [`ping_pong_this`] on tokio.
async fn ping_pong_tokio() {
    use tokio::sync::oneshot::channel;
    let (mut ping_tx, ping_rx) = channel::<PingTokio>();
    let responder = tokio::spawn(async move {
        let mut ping_rx = ping_rx;
        while let Ok(PingTokio { pong, next }) = ping_rx.await {
            let _ = pong.send(());
            ping_rx = next;
        }
    });
    for _ in 0..PING_PONGS {
        let (pong_tx, pong_rx) = channel();
        let (next_tx, next_rx) = channel();
        let _ = ping_tx.send(PingTokio {
            pong: pong_tx,
            next: next_rx,
        });
        pong_rx.await.expect("pong");
        ping_tx = next_tx;
    }
    drop(ping_tx);
    responder.await.expect("responder finished");
}

/// [`ping_pong_this`] on smol; `try_send` on an empty one-slot channel is
/// the oneshot's synchronous `send`.
async fn ping_pong_smol(smol: Smol) {
    use async_channel::bounded as channel;
    let (mut ping_tx, ping_rx) = channel(1);
    let responder = smol.executor().spawn(async move {
        let mut ping_rx: async_channel::Receiver<PingSmol> = ping_rx;
        while let Ok(PingSmol { pong, next }) = ping_rx.recv().await {
            let _ = pong.try_send(());
            ping_rx = next;
        }
    });
    for _ in 0..PING_PONGS {
        let (pong_tx, pong_rx) = channel(1);
        let (next_tx, next_rx) = channel(1);
        let _ = ping_tx.try_send(PingSmol {
            pong: pong_tx,
            next: next_rx,
        });
        pong_rx.recv().await.expect("pong");
        ping_tx = next_tx;
    }
    drop(ping_tx);
    responder.await;
}

fn ping_pong(c: &mut Criterion) {
    for row in [&PING_PONG, &PING_PONG_BLOCK_ON] {
        let mut group = c.benchmark_group(row.name);
        let this = This::new();
        group.bench_function(Side::This.name(), |b| {
            b.iter(|| this.run(row.shape, ping_pong_this()))
        });
        let tokio = Tokio::new(row.drivers);
        group.bench_function(Side::Tokio.name(), |b| {
            b.iter(|| tokio.run(row.shape, ping_pong_tokio()))
        });
        let smol = Smol::new(row.drivers);
        group.bench_function(Side::Smol.name(), |b| {
            b.iter(|| smol.run(row.shape, ping_pong_smol(smol)))
        });
        let floor = floor::of(row);
        group.bench_function(Side::Floor.name(), |b| {
            b.iter(|| assert_eq!((floor.run)(), floor.expected))
        });
        group.finish();
    }
}

/// `REQUESTS` requests to a server task over one bounded mpsc channel, each
/// answered over a second one before the next is sent.
async fn request_reply_this() {
    use runtime::sync::mpsc::channel;
    let (req_tx, mut req_rx) = channel::<usize>(CHANNEL_CAPACITY);
    let (rep_tx, mut rep_rx) = channel::<usize>(CHANNEL_CAPACITY);
    let server = runtime::spawn(async move {
        while let Some(n) = req_rx.recv().await {
            if rep_tx.send(n + 1).await.is_err() {
                return;
            }
        }
    });
    for n in 0..REQUESTS {
        req_tx.send(n).await.expect("server alive");
        assert_eq!(rep_rx.recv().await, Some(n + 1));
    }
    drop(req_tx);
    server.await.expect("server finished");
}

/// [`request_reply_this`] on tokio.
async fn request_reply_tokio() {
    use tokio::sync::mpsc::channel;
    let (req_tx, mut req_rx) = channel::<usize>(CHANNEL_CAPACITY);
    let (rep_tx, mut rep_rx) = channel::<usize>(CHANNEL_CAPACITY);
    let server = tokio::spawn(async move {
        while let Some(n) = req_rx.recv().await {
            if rep_tx.send(n + 1).await.is_err() {
                return;
            }
        }
    });
    for n in 0..REQUESTS {
        req_tx.send(n).await.expect("server alive");
        assert_eq!(rep_rx.recv().await, Some(n + 1));
    }
    drop(req_tx);
    server.await.expect("server finished");
}

/// [`request_reply_this`] on smol.
async fn request_reply_smol(smol: Smol) {
    use async_channel::bounded;
    let (req_tx, req_rx) = bounded::<usize>(CHANNEL_CAPACITY);
    let (rep_tx, rep_rx) = bounded::<usize>(CHANNEL_CAPACITY);
    let server = smol.executor().spawn(async move {
        while let Ok(n) = req_rx.recv().await {
            if rep_tx.send(n + 1).await.is_err() {
                return;
            }
        }
    });
    for n in 0..REQUESTS {
        req_tx.send(n).await.expect("server alive");
        assert_eq!(rep_rx.recv().await.ok(), Some(n + 1));
    }
    drop(req_tx);
    server.await;
}

fn request_reply(c: &mut Criterion) {
    for row in [&REQUEST_REPLY, &REQUEST_REPLY_BLOCK_ON] {
        let mut group = c.benchmark_group(row.name);
        let this = This::new();
        group.bench_function(Side::This.name(), |b| {
            b.iter(|| this.run(row.shape, request_reply_this()))
        });
        let tokio = Tokio::new(row.drivers);
        group.bench_function(Side::Tokio.name(), |b| {
            b.iter(|| tokio.run(row.shape, request_reply_tokio()))
        });
        let smol = Smol::new(row.drivers);
        group.bench_function(Side::Smol.name(), |b| {
            b.iter(|| smol.run(row.shape, request_reply_smol(smol)))
        });
        let floor = floor::of(row);
        group.bench_function(Side::Floor.name(), |b| {
            b.iter(|| assert_eq!((floor.run)(), floor.expected))
        });
        group.finish();
    }
}

criterion_group!(benches, ping_pong, request_reply);
criterion_main!(benches);
