//! [`TaskId`]: a task's identity, for reprs, traces and errors.
//!
//! Ids come from one process-wide counter, but a thread does not touch it
//! for every task: it takes a block of [`IDS_PER_BLOCK`] ids at once and
//! hands them out from a thread-local cursor, so a spawn costs no atomic
//! read-modify-write (and no cache line shared with other spawning threads)
//! 255 times out of 256. Ids stay unique for the process, since every block
//! is a distinct range of the counter; they are increasing on each thread,
//! but not across threads: a task spawned later on another thread may have a
//! smaller id. The first thread to ask gets the first block, so a program
//! that makes its tasks on one thread numbers them 1, 2, 3, ...

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

/// How many ids a thread takes from the process-wide counter at once.
const IDS_PER_BLOCK: u64 = 256;

/// A task's identity, unique for the life of the process. Ids start at 1.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(pub(crate) u64);

impl std::fmt::Display for TaskId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The first id of the next block any thread will take; process-wide so
/// that blocks, and so ids, never repeat.
static NEXT_BLOCK: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// This thread's block: the next id to hand out and the end of the
    /// block (exclusive). Empty (`0..0`) until the thread's first task.
    static BLOCK: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
}

impl TaskId {
    /// Hands out the next id of this thread's block, taking a new block
    /// when it is used up.
    pub(crate) fn next() -> TaskId {
        BLOCK.with(|block| {
            let (mut next, mut end) = block.get();
            if next == end {
                // Relaxed: the counter only has to hand out each block
                // once, which any atomic increment does; it publishes
                // nothing else.
                next = NEXT_BLOCK.fetch_add(IDS_PER_BLOCK, Ordering::Relaxed);
                end = next + IDS_PER_BLOCK;
            }
            block.set((next + 1, end));
            TaskId(next)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{IDS_PER_BLOCK, TaskId};
    use std::collections::HashSet;
    use std::thread;

    #[test]
    fn ids_from_several_threads_never_repeat_and_rise_on_each_thread() {
        // More than a block per thread, so every thread takes a second one.
        let per_thread = IDS_PER_BLOCK as usize + 10;
        let threads: Vec<_> = (0..4)
            .map(|_| thread::spawn(move || (0..per_thread).map(|_| TaskId::next()).collect()))
            .collect();
        let mut all = HashSet::new();
        for thread in threads {
            let ids: Vec<TaskId> = thread.join().unwrap();
            assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "{ids:?}");
            for id in ids {
                assert!(all.insert(id), "{id} handed out twice");
            }
        }
        assert_eq!(all.len(), 4 * per_thread);
    }

    #[test]
    fn a_new_thread_takes_a_whole_block_of_consecutive_ids() {
        let ids: Vec<u64> =
            thread::spawn(|| (0..2 * IDS_PER_BLOCK).map(|_| TaskId::next().0).collect())
                .join()
                .unwrap();
        // Blocks start at 1, 1 + 256, ...: a fresh thread starts one.
        assert_eq!(ids[0] % IDS_PER_BLOCK, 1, "{ids:?}");
        let first = &ids[..IDS_PER_BLOCK as usize];
        assert!(
            first.windows(2).all(|pair| pair[1] == pair[0] + 1),
            "{first:?}"
        );
        // The second block follows, perhaps after other threads' blocks.
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "{ids:?}");
    }
}
