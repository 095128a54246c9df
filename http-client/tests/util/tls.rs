//! TLS helpers for the https tests: a throwaway CA's files, a client that trusts it, nginx
//! over TLS serving a few files, and small accessors.
//!
//! Not a submodule of `util` (hyper-compat's tests include `util/mod.rs` and have no
//! `test-pki`): the https test files declare it themselves, beside `mod util;`.

#![allow(dead_code)] // each test file uses a different subset

use std::path::{Path, PathBuf};

use http_client::{Client, Error, Response};
use test_pki::TestCa;

use crate::util::{ChildServer, TempDir, nginx_tls};

/// A CA, and a server certificate for `names` signed by it, written to a temp dir.
pub struct Pki {
    /// The CA the client is told to trust.
    pub ca: TestCa,
    /// Where the files are.
    pub dir: TempDir,
    /// The server certificate and key files.
    pub files: (PathBuf, PathBuf),
}

impl Pki {
    /// A CA and a certificate for `names`.
    pub fn new(names: &[&str]) -> Pki {
        let ca = TestCa::new("http-client test CA");
        let dir = TempDir::new("pki");
        let files = ca.server_cert(names).write(&dir.path, "server");
        Pki { ca, dir, files }
    }

    /// The usual one: a certificate for 127.0.0.1 and localhost.
    pub fn loopback() -> Pki {
        Pki::new(&["127.0.0.1", "localhost"])
    }

    /// The certificate and key paths, as `nginx_tls` takes them.
    pub fn paths(&self) -> (&Path, &Path) {
        (&self.files.0, &self.files.1)
    }
}

/// A client that trusts `ca` besides the system's roots.
pub fn client_trusting(ca: &TestCa) -> Client {
    Client::builder()
        .add_root_certificate(ca.cert_pem().as_bytes())
        .expect("a valid CA certificate")
        .build()
}

/// nginx over TLS serving `files` from a fresh root.
pub fn nginx_serving(
    pki: &Pki,
    files: &[(&str, &[u8])],
    extra: &str,
) -> (ChildServer, [TempDir; 2]) {
    let root = TempDir::new("tls-root");
    for (name, bytes) in files {
        root.write(name, bytes);
    }
    let prefix = TempDir::new("tls-prefix");
    let server = nginx_tls(&root.path, &prefix, pki.paths(), extra);
    (server, [root, prefix])
}

/// A response header's value, which the test needs to be there.
pub fn header(resp: &Response, name: &str) -> String {
    resp.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_owned()
}

/// GETs `url` with `client` and returns the error it must fail with.
pub fn get_err(client: &Client, url: &str) -> Error {
    runtime::run(async {
        match client.get(url).send().await {
            Ok(resp) => panic!("expected an error, got {}", resp.status()),
            Err(err) => err,
        }
    })
}
