//! What `flags serve` prints at start-up: where each server listens, how it behaves,
//! and where a browser finds the index page.
//!
//! ```text
//! Serving the built-in flags at http://127.0.0.1:8000/flags
//! Index page: http://127.0.0.1:8000/
//! no delay, no errors, seed 42
//! ```
//!
//! and with `--book`, a line per server, named as the book names them:
//!
//! ```text
//! Serving the built-in flags as the book's three servers:
//! LOCAL at http://127.0.0.1:8000/flags (no delay, no errors)
//! DELAY at http://127.0.0.1:8001/flags (delay 0.5..5s, no errors)
//! ERROR at http://127.0.0.1:8002/flags (delay 0.5..5s, error rate 0.25: 418, 500, 503, reset, truncated)
//! Index pages: http://127.0.0.1:8000/ and the others' /; seed 42
//! ```
//!
//! With `--tls-cert`, the URLs start with `https://`. The addresses are the bound ones,
//! so with port 0 they show the ports the system picked; tests and scripts read them
//! from here.

use std::net::SocketAddr;

use super::chaos::{Chaos, DelayRange, Fault};
use crate::site::Label;

/// The start-up lines for `servers`, each with its label (if any), bound address and
/// behaviour; `what` says where the images come from, `scheme` is `http` or `https`.
pub fn banner(
    what: &str,
    scheme: &str,
    servers: &[(Option<Label>, SocketAddr, &Chaos)],
    seed: u64,
) -> String {
    let mut out = String::new();
    match servers {
        [(None, addr, chaos)] => {
            out.push_str(&format!("Serving {what} at {scheme}://{addr}/flags\n"));
            out.push_str(&format!("Index page: {scheme}://{addr}/\n"));
            out.push_str(&format!("{}, seed {seed}\n", behaviour(chaos)));
        }
        _ => {
            let count = match servers.len() {
                2 => "two".to_owned(),
                3 => "three".to_owned(),
                n => n.to_string(),
            };
            out.push_str(&format!("Serving {what} as the book's {count} servers:\n"));
            for (label, addr, chaos) in servers {
                let name = label.map_or_else(|| "SERVER".to_owned(), |label| label.to_string());
                out.push_str(&format!(
                    "{name} at {scheme}://{addr}/flags ({})\n",
                    behaviour(chaos)
                ));
            }
            if let Some((_, first, _)) = servers.first() {
                out.push_str(&format!(
                    "Index pages: {scheme}://{first}/ and the others' /; seed {seed}\n"
                ));
            }
        }
    }
    out
}

/// `delay 0.5..5s, error rate 0.25: 418, reset`, or `no delay, no errors`.
fn behaviour(chaos: &Chaos) -> String {
    let delay = if chaos.delay == DelayRange::NONE {
        "no delay".to_owned()
    } else {
        format!("delay {}", chaos.delay)
    };
    if chaos.error_rate == 0.0 || chaos.kinds.is_empty() {
        return format!("{delay}, no errors");
    }
    let kinds: Vec<&str> = chaos.kinds.iter().map(|kind| fault_name(*kind)).collect();
    format!(
        "{delay}, error rate {}: {}",
        chaos.error_rate,
        kinds.join(", ")
    )
}

/// A fault as `--error-kinds` spells it.
fn fault_name(fault: Fault) -> &'static str {
    match fault {
        Fault::Teapot => "418",
        Fault::Internal => "500",
        Fault::Unavailable => "503",
        Fault::Reset => "reset",
        Fault::Truncated => "truncated",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_server_names_its_url_and_index() {
        let addr: SocketAddr = "127.0.0.1:8000".parse().unwrap();
        let text = banner(
            "the built-in flags",
            "http",
            &[(None, addr, &Chaos::none())],
            7,
        );
        assert_eq!(
            text,
            "Serving the built-in flags at http://127.0.0.1:8000/flags\nIndex page: http://127.0.0.1:8000/\nno delay, no errors, seed 7\n"
        );
        let secure = banner(
            "the built-in flags",
            "https",
            &[(None, addr, &Chaos::none())],
            7,
        );
        assert!(
            secure.starts_with("Serving the built-in flags at https://127.0.0.1:8000/flags\nIndex page: https://127.0.0.1:8000/\n"),
            "{secure}"
        );
    }

    #[test]
    fn the_books_servers_get_a_line_each() {
        let addrs: Vec<SocketAddr> = ["127.0.0.1:8000", "127.0.0.1:8001", "127.0.0.1:8002"]
            .iter()
            .map(|a| a.parse().unwrap())
            .collect();
        let chaos = [
            Label::Local.chaos(),
            Label::Delay.chaos(),
            Label::Error.chaos(),
        ];
        let servers: Vec<(Option<Label>, SocketAddr, &Chaos)> =
            [Label::Local, Label::Delay, Label::Error]
                .into_iter()
                .zip(&addrs)
                .zip(&chaos)
                .map(|((label, addr), chaos)| (Some(label), *addr, chaos))
                .collect();
        let text = banner("the built-in flags", "http", &servers, 7);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Serving the built-in flags as the book's three servers:"
        );
        assert_eq!(
            lines[1],
            "LOCAL at http://127.0.0.1:8000/flags (no delay, no errors)"
        );
        assert_eq!(
            lines[2],
            "DELAY at http://127.0.0.1:8001/flags (delay 0.5..5s, no errors)"
        );
        assert_eq!(
            lines[3],
            "ERROR at http://127.0.0.1:8002/flags (delay 0.5..5s, error rate 0.25: 418, 500, 503, reset, truncated)"
        );
    }
}
