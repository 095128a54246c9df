//! Property tests of the server's request handling, in the ordinary test suite:
//! arbitrary bytes never panic it and every answer is a valid response or a close
//! (checked inside [`fuzzing::requests`]), and requests that look like flag
//! requests, hostile or not, get the answer the routing rules promise.

use proptest::prelude::*;

use super::fuzzing::{self, Answer};

/// Pieces of request targets: the site's own path, traversal attempts, escapes
/// good and bad, separators and codes.
const TARGET_PIECES: &[&str] = &[
    "/flags/",
    "/",
    "br",
    "BR",
    "zz",
    "xx",
    "br.gif",
    "metadata.json",
    "..",
    ".",
    "%2e%2e",
    "%2E",
    "%2f",
    "%5c",
    "%00",
    "%62r",
    "%",
    "%zz",
    "\\",
    "?x=1",
    "#f",
    "//",
    "flags",
];

/// A request line and head with a target built from [`TARGET_PIECES`].
fn request() -> impl Strategy<Value = String> {
    let method = prop_oneof![Just("GET"), Just("HEAD"), Just("POST"), Just("get")];
    let target = proptest::collection::vec(proptest::sample::select(TARGET_PIECES), 0..8)
        .prop_map(|pieces| pieces.concat());
    let version = prop_oneof![Just("HTTP/1.1"), Just("HTTP/1.0")];
    let header = prop_oneof![
        Just(""),
        Just("Connection: close\r\n"),
        Just("Connection: keep-alive\r\n"),
        Just("Content-Length: 0\r\n"),
        Just("Content-Length: 3\r\n"),
        Just("Host: x\r\n"),
    ];
    (method, target, version, header).prop_map(|(m, t, v, h)| format!("{m} {t} {v}\r\n{h}\r\n"))
}

/// Checks what every sequence of answers must be: exactly one answer ends the
/// connection (a response without keep-alive, or a close), and it comes last.
fn ends_once(answers: &[Answer]) -> bool {
    let ends = |a: &Answer| {
        matches!(
            a,
            Answer::Close
                | Answer::Response {
                    keep_alive: false,
                    ..
                }
        )
    };
    answers.last().is_some_and(ends) && answers.iter().filter(|a| ends(a)).count() == 1
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_and_end_the_connection_once(
        data in proptest::collection::vec(any::<u8>(), 0..4096),
    ) {
        let answers = fuzzing::requests(&data);
        prop_assert!(ends_once(&answers), "{answers:?}");
    }

    #[test]
    fn pipelined_requests_each_get_an_answer_in_order(
        requests in proptest::collection::vec(request(), 1..6),
        step in any::<u8>(),
    ) {
        let mut data = vec![step];
        for request in &requests {
            data.extend_from_slice(request.as_bytes());
        }
        let answers = fuzzing::requests(&data);
        prop_assert!(ends_once(&answers), "{answers:?}");
        // Every head is answered in turn, up to the first answer that closes; a
        // bare close comes only after all of them were answered.
        let responses = answers.iter().filter(|a| **a != Answer::Close).count();
        prop_assert!(responses <= requests.len(), "{answers:?}");
        if answers.last() == Some(&Answer::Close) {
            prop_assert_eq!(responses, requests.len(), "{:?}", answers);
        }
    }

    #[test]
    fn escaping_targets_never_reach_a_flag(
        prefix in proptest::collection::vec(proptest::sample::select(TARGET_PIECES), 0..4),
        escape in prop_oneof![Just("/.."), Just("/%2e%2e"), Just("/%2E."), Just("%2f"), Just("\\")],
        suffix in proptest::collection::vec(proptest::sample::select(TARGET_PIECES), 0..4),
    ) {
        let target = format!("{}{escape}{}", prefix.concat(), suffix.concat());
        let routed = super::route::route("GET", &target);
        let reached = matches!(
            routed,
            super::route::Route::Flag { .. } | super::route::Route::Metadata { .. }
        );
        prop_assert!(!reached, "{target:?} routed to {routed:?}");
    }
}
