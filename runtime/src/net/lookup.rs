//! [`lookup_host`] [loop.getaddrinfo]: from `"host:port"` to socket
//! addresses.
//!
//! Name resolution is the classic blocking call: `getaddrinfo(3)` may read
//! `/etc/hosts`, ask a DNS server and wait for seconds. asyncio's
//! `loop.getaddrinfo` therefore runs it in the default executor, and so do
//! we: the lookup goes to the blocking pool through
//! [`spawn_blocking`](crate::spawn_blocking), using std's `ToSocketAddrs`,
//! which calls `getaddrinfo`.
//!
//! An IP literal (`"127.0.0.1:80"`, `"[::1]:8080"`) needs no resolver and
//! is parsed on the spot, with no thread involved. asyncio does the same
//! check (`_ipaddr_info` in `base_events.py`) before it calls the executor.
//!
//! A production resolver (hickory, c-ares, tokio's own) would talk DNS over
//! the event loop's sockets and cache answers; this one keeps the system's
//! behaviour exactly (nsswitch, `/etc/hosts`, search domains) at the cost of
//! a thread per concurrent lookup.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};

use crate::blocking::spawn_blocking;

/// Resolves `"host:port"` to the addresses to try, in the resolver's order
/// [loop.getaddrinfo(host, port)].
///
/// `host` may be a name (`"localhost:8001"`), an IPv4 literal
/// (`"127.0.0.1:8001"`) or a bracketed IPv6 literal (`"[::1]:8001"`);
/// literals are returned at once without a lookup.
///
/// # Errors
///
/// - [`io::ErrorKind::InvalidInput`] if the string has no `:port`, or the
///   port is not a number from 0 to 65535;
/// - the resolver's error if the name does not resolve;
/// - [`io::ErrorKind::NotFound`] if it resolves to no address at all;
/// - [`io::ErrorKind::Other`] if the lookup job panicked or was dropped
///   because the runtime shut down.
///
/// # Panics
///
/// Outside a runtime, for a name (literals need none).
///
/// # Examples
///
/// ```
/// let addrs = runtime::run(runtime::net::lookup_host("[::1]:8001")).unwrap();
/// assert_eq!(addrs, vec!["[::1]:8001".parse().unwrap()]);
/// ```
pub async fn lookup_host(host: &str) -> io::Result<Vec<SocketAddr>> {
    if let Ok(addr) = host.parse::<SocketAddr>() {
        return Ok(vec![addr]);
    }
    check_port(host)?;
    let owned = host.to_owned();
    let resolved = spawn_blocking(move || {
        owned
            .to_socket_addrs()
            .map(|addrs| addrs.collect::<Vec<_>>())
    })
    .await;
    let addrs = match resolved {
        Ok(result) => result?,
        Err(join) => {
            return Err(io::Error::other(format!(
                "lookup of {host:?} did not complete: {join}"
            )));
        }
    };
    if addrs.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("{host:?} resolved to no address"),
        ));
    }
    Ok(addrs)
}

/// Rejects a string without a valid `:port` before it costs a thread, with
/// an error that says what was expected (std's is "invalid socket address").
fn check_port(host: &str) -> io::Result<()> {
    let invalid = |why: &str| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("lookup_host: expected \"host:port\", got {host:?} ({why})"),
        )
    };
    let Some((name, port)) = host.rsplit_once(':') else {
        return Err(invalid("no port"));
    };
    if name.is_empty() {
        return Err(invalid("no host"));
    }
    port.parse::<u16>()
        .map(|_| ())
        .map_err(|_| invalid("the port is not a number from 0 to 65535"))
}
