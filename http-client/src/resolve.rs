//! From a URL's host to socket addresses.
//!
//! IP literals become an address directly, with no lookup. Names go through
//! `runtime::net::lookup_host` [asyncio's `loop.getaddrinfo`], which runs the system resolver
//! off the event loop's thread; every address it returns is tried in order by
//! [`Conn::connect`](crate::conn::Conn::connect). A name that does not resolve is
//! [`Error::Resolve`], told apart from an address that refuses the connection
//! ([`Error::Connect`]): the first is a typo or no network, the second a server that is down.

use std::net::SocketAddr;

use crate::error::Error;
use crate::url::{Host, Url};

/// The addresses to try for `url`'s host and port.
pub(crate) async fn resolve(url: &Url) -> Result<Vec<SocketAddr>, Error> {
    let port = url.port();
    match url.host() {
        Host::Ipv4(ip) => Ok(vec![SocketAddr::new((*ip).into(), port)]),
        Host::Ipv6(ip) => Ok(vec![SocketAddr::new((*ip).into(), port)]),
        Host::Name(name) => runtime::net::lookup_host(&format!("{name}:{port}"))
            .await
            .map_err(|source| Error::Resolve {
                host: name.clone(),
                source,
            }),
    }
}
