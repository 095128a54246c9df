//! The shape of Fluent Python's `flags3_asyncio.py`, with sleeps standing in
//! for downloads: a semaphore caps the concurrent "downloads", results are
//! reported as they complete, and the "file save" runs on the blocking pool.
//!
//! ```text
//! cargo run -p runtime --example gather
//! ```
//!
//! | asyncio                                  | here                               |
//! |------------------------------------------|------------------------------------|
//! | `semaphore = asyncio.Semaphore(3)`       | `Rc::new(Semaphore::new(3))`       |
//! | `async with semaphore:`                  | `let _permit = sem.acquire().await?` |
//! | `for coro in asyncio.as_completed(...)`  | `while let Some(r) = to_do.next().await` |
//! | `await asyncio.to_thread(save_flag, ...)` | `spawn_blocking(move || ...).await` |

use std::rc::Rc;
use std::time::Duration;

use runtime::future::as_completed;
use runtime::spawn_blocking;
use runtime::sync::Semaphore;
use runtime::time::sleep;

/// Country codes to "download".
const CODES: [&str; 8] = ["BR", "CN", "DE", "EG", "IN", "JP", "NG", "US"];
/// At most this many downloads at once (`flags3`'s `concur_req`).
const CONCURRENCY: usize = 3;

/// Pretends to download a flag: holds a permit for a while, then "saves" the
/// bytes on the blocking pool. Returns the code and the size saved.
async fn get_flag(sem: Rc<Semaphore>, code: &'static str, delay_ms: u64) -> (&'static str, usize) {
    let _permit = sem.acquire().await.expect("the semaphore is never closed");
    sleep(Duration::from_millis(delay_ms)).await;
    let bytes = code.repeat(100).into_bytes();
    let saved = spawn_blocking(move || bytes.len()) // a real app writes the file here
        .await
        .expect("the save job does not panic");
    (code, saved)
    // _permit drops here: the next download may start (`async with` exits)
}

fn main() {
    runtime::run(async {
        let sem = Rc::new(Semaphore::new(CONCURRENCY));
        // Later codes sleep less, so completion order differs from input order.
        let downloads = CODES.iter().enumerate().map(|(i, code)| {
            let delay = 10 * (CODES.len() - i) as u64;
            get_flag(sem.clone(), code, delay)
        });
        let mut to_do = as_completed(downloads);
        while let Some((code, size)) = to_do.next().await {
            println!("{code}: {size} bytes ({} still to come)", to_do.remaining());
        }
        assert_eq!(sem.available_permits(), CONCURRENCY);
    });
}
