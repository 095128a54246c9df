//! The await tree: a tree taken while tasks wait on a socket, a timer, a
//! semaphore and another task shows each wait, and who awaits whom.

use std::rc::Rc;
use std::time::Duration;

use runtime::await_tree::{Await, AwaitTree, TaskState};
use runtime::net::{TcpListener, TcpStream};
use runtime::sync::Semaphore;
use runtime::task::TaskId;
use runtime::time::sleep;
use runtime::{Builder, task, yield_now};

/// The bound on each test: the tasks reach their waits in a few ticks, so
/// this only turns a hang into a failure.
const WATCHDOG: Duration = Duration::from_secs(60);

/// Ticks the test lets the tasks take to reach their waits before it
/// fails: each needs one or two (a connect, an accept, a first poll).
const MAX_TICKS: usize = 10_000;

/// A runtime that records the tree (whatever the build's default) and
/// leaves SIGQUIT alone.
fn recording_runtime() -> runtime::Runtime {
    Builder::new()
        .await_tree(true)
        .sigquit(false)
        .build()
        .unwrap()
}

/// Yields until every task named in `names` is waiting, and returns the
/// tree then; panics, naming the tasks that are not, after `MAX_TICKS`.
async fn tree_when_waiting(names: &[&str]) -> AwaitTree {
    for _ in 0..MAX_TICKS {
        let tree = runtime::await_tree::snapshot().expect("inside a runtime");
        let waiting = |name: &&str| {
            tree.tasks()
                .iter()
                .any(|t| t.name() == Some(*name) && t.state() == TaskState::Waiting)
        };
        if names.iter().all(waiting) {
            return tree;
        }
        yield_now().await;
    }
    let tree = runtime::await_tree::snapshot().unwrap();
    panic!("after {MAX_TICKS} ticks, not all of {names:?} wait:\n{tree}");
}

/// The id of the task named `name` in `tree`.
fn id_of(tree: &AwaitTree, name: &str) -> TaskId {
    let task = tree.tasks().iter().find(|t| t.name() == Some(name));
    task.unwrap_or_else(|| panic!("no task '{name}' in\n{tree}"))
        .id()
}

#[test]
fn a_tree_shows_a_socket_a_timer_a_permit_and_a_join() {
    watchdog::within(WATCHDOG, "the tasks to reach their waits", || {
        recording_runtime().block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
            let addr = listener.local_addr().unwrap();
            let reader = task::Builder::new().name("reader").spawn(async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                let mut byte = [0u8; 1];
                stream.read(&mut byte).await
            });
            // The peer stays open and silent: the reader waits to read.
            let (_peer, _) = listener.accept().await.unwrap();
            let sleeper = task::Builder::new()
                .name("sleeper")
                .spawn(sleep(Duration::from_secs(3600)));
            let sleeper_id = sleeper.id();
            let joiner = task::Builder::new().name("joiner").spawn(sleeper);
            let none_free = Rc::new(Semaphore::new(0));
            let permit = {
                let semaphore = Rc::clone(&none_free);
                task::Builder::new()
                    .name("permit")
                    .spawn(async move { semaphore.acquire().await.is_ok() })
            };

            let tree = tree_when_waiting(&["reader", "sleeper", "joiner", "permit"]).await;

            assert!(tree.is_recorded());
            let main = &tree.tasks()[0];
            assert!(main.is_block_on(), "block_on's future comes first:\n{tree}");
            assert_eq!(main.state(), TaskState::Running, "it is taking the tree");
            let awaits = |name| tree.task(id_of(&tree, name)).unwrap().awaits().to_vec();
            assert!(
                matches!(
                    awaits("reader")[..],
                    [Await::Socket {
                        writable: false,
                        ..
                    }]
                ),
                "the reader waits to read its socket:\n{tree}"
            );
            match awaits("sleeper")[..] {
                [Await::Timer { due_in }] => assert!(
                    due_in > Duration::from_secs(3000) && due_in <= Duration::from_secs(3600),
                    "the timer is due in about an hour, not {due_in:?}"
                ),
                _ => panic!("the sleeper waits for its timer:\n{tree}"),
            }
            assert_eq!(awaits("permit"), [Await::Permit], "\n{tree}");
            assert_eq!(
                awaits("joiner"),
                [Await::Join { task: sleeper_id }],
                "the joiner awaits the sleeper's JoinHandle:\n{tree}"
            );
            let parents: Vec<_> = tree.awaited_by(sleeper_id).map(|t| t.id()).collect();
            assert_eq!(parents, [id_of(&tree, "joiner")]);

            // The tree draws the sleeper under the joiner; the table names
            // the joiner as the sleeper's parent and shows every wait.
            let drawn = tree.to_string();
            let joiner_line = drawn.lines().position(|l| l.contains("'joiner'")).unwrap();
            let sleeper_line = &drawn.lines().nth(joiner_line + 1).unwrap_or_default();
            assert!(
                sleeper_line.contains("└─ task") && sleeper_line.contains("'sleeper' waiting"),
                "the sleeper is drawn under the joiner:\n{drawn}"
            );
            assert!(sleeper_line.contains("timer due in"), "\n{drawn}");
            let table = tree.table().to_string();
            for expected in ["AWAITED BY", "socket", "readable", "semaphore permit"] {
                assert!(table.contains(expected), "no {expected:?} in\n{table}");
            }
            let sleeper_row = table.lines().find(|l| l.contains("sleeper")).unwrap();
            let joiner_id = id_of(&tree, "joiner").to_string();
            assert!(
                sleeper_row.split_whitespace().any(|cell| cell == joiner_id),
                "the sleeper's row names its parent {joiner_id}:\n{table}"
            );

            reader.abort();
            joiner.abort();
            permit.abort();
        });
    });
}

#[test]
fn a_woken_task_is_queued_and_an_ended_one_is_gone() {
    watchdog::within(WATCHDOG, "the tasks to reach their waits", || {
        recording_runtime().block_on(async {
            let sleeper = task::Builder::new()
                .name("short")
                .spawn(sleep(Duration::from_millis(1)));
            let id = sleeper.id();
            let tree = tree_when_waiting(&["short"]).await;
            assert_eq!(tree.task(id).unwrap().state(), TaskState::Waiting);
            sleeper.await.unwrap();
            let tree = runtime::await_tree::snapshot().unwrap();
            assert!(tree.task(id).is_none(), "a finished task leaves:\n{tree}");
            assert_eq!(tree.tasks().len(), 1, "only block_on's future is left");
        });
    });
}

#[test]
fn without_the_recording_the_tree_says_so_and_lists_nothing() {
    let rt = Builder::new()
        .await_tree(false)
        .sigquit(false)
        .build()
        .unwrap();
    let tree = rt.block_on(async {
        let _idle = runtime::spawn(sleep(Duration::from_secs(3600)));
        runtime::await_tree::snapshot().unwrap()
    });
    assert!(!tree.is_recorded());
    assert!(tree.tasks().is_empty());
    let text = tree.to_string();
    assert!(text.contains("1 spawned task;"), "{text}");
    assert!(text.contains("RUNTIME_AWAIT_TREE=1"), "{text}");
}

#[test]
fn outside_a_runtime_there_is_no_tree() {
    assert!(runtime::await_tree::snapshot().is_none());
}

#[test]
fn a_parent_keeps_its_children_while_a_combinator_polls_only_the_woken_one() {
    watchdog::within(WATCHDOG, "the tasks to reach their waits", || {
        recording_runtime().block_on(async {
            let (finish_quick, quick_done) = runtime::sync::oneshot::channel::<()>();
            let parent = task::Builder::new().name("parent").spawn(async move {
                let children = vec![
                    task::Builder::new().name("quick").spawn(async move {
                        let _ = quick_done.await;
                    }),
                    task::Builder::new()
                        .name("slow one")
                        .spawn(async { sleep(Duration::from_secs(3600)).await }),
                    task::Builder::new()
                        .name("slow two")
                        .spawn(async { sleep(Duration::from_secs(3600)).await }),
                ];
                let mut to_do = runtime::future::as_completed(children);
                while to_do.next().await.is_some() {}
            });
            let tree = tree_when_waiting(&["parent", "quick", "slow one", "slow two"]).await;
            let parent_id = id_of(&tree, "parent");
            assert_eq!(tree.awaited_by(id_of(&tree, "quick")).count(), 1);

            // The quick child ends; the parent's next poll looks at it only.
            finish_quick.send(()).unwrap();
            let mut tree = tree;
            for _ in 0..MAX_TICKS {
                tree = runtime::await_tree::snapshot().unwrap();
                let quick_gone = !tree.tasks().iter().any(|t| t.name() == Some("quick"));
                let parent_waits =
                    tree.task(parent_id).map(|t| t.state()) == Some(TaskState::Waiting);
                if quick_gone && parent_waits {
                    break;
                }
                yield_now().await;
            }
            for name in ["slow one", "slow two"] {
                let parents: Vec<_> = tree
                    .awaited_by(id_of(&tree, name))
                    .map(|t| t.id())
                    .collect();
                assert_eq!(
                    parents,
                    [parent_id],
                    "'{name}' is still the parent's:\n{tree}"
                );
            }
            parent.abort();
        });
    });
}
