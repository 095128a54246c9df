//! Throwaway certificate authorities for the HTTPS tests and benches.
//!
//! An HTTPS test needs what a real deployment gets from a certificate authority: a CA
//! certificate the client trusts, and a server certificate signed by it for the name the
//! client connects to. This crate makes both in memory with [rcgen], in milliseconds, so
//! that no test depends on a file checked into the repository (whose certificate would
//! expire) or on a program run before the tests:
//!
//! ```
//! let ca = test_pki::TestCa::new("flags test CA");
//! let server = ca.server_cert(&["127.0.0.1", "localhost"]);
//! assert!(ca.cert_pem().starts_with("-----BEGIN CERTIFICATE-----"));
//! assert!(server.key_pem.contains("PRIVATE KEY"));
//! ```
//!
//! The certificates a test may need, each a case a client must tell apart:
//!
//! | made with | what a verifying client sees |
//! |---|---|
//! | [`TestCa::server_cert`] for `127.0.0.1` and `localhost` | a valid chain, when it trusts the CA |
//! | the same, from another `TestCa` | an unknown issuer |
//! | [`TestCa::server_cert`] for `other.invalid` | a name mismatch when it connects to `127.0.0.1` |
//! | [`TestCa::expired_server_cert`] | an expired certificate |
//!
//! Keys are ECDSA P-256 (rcgen's default), which every TLS peer the tests use (nginx,
//! Python's `ssl`, curl, rustls) accepts. Nothing here is fit for a real server: the keys
//! live in memory and in test directories, and the CA may sign anything.
//!
//! Every call panics on failure: the inputs are the tests' own constants, and a test that
//! cannot make its certificates cannot run.
//!
//! [rcgen]: https://docs.rs/rcgen

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, date_time_ymd,
};

/// A certificate authority: its self-signed certificate, and what signs for it.
pub struct TestCa {
    /// The CA certificate in PEM, what a client adds to its trust roots.
    cert_pem: String,
    /// The CA's name and key, which sign the server certificates.
    issuer: Issuer<'static, KeyPair>,
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCa").finish_non_exhaustive()
    }
}

/// A server certificate and its private key, in PEM.
#[derive(Debug, Clone)]
pub struct ServerCert {
    /// The certificate (the leaf alone: the CA is the trust root, so there is no
    /// intermediate to send).
    pub cert_pem: String,
    /// Its private key, PKCS#8.
    pub key_pem: String,
}

impl TestCa {
    /// A new CA whose certificate's common name is `name`.
    ///
    /// # Panics
    ///
    /// If rcgen cannot make a key or sign (it would be a bug in this crate).
    pub fn new(name: &str) -> TestCa {
        let mut params = CertificateParams::new(Vec::new()).expect("CA parameters");
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().expect("CA key");
        let cert = params
            .self_signed(&key)
            .expect("self-signed CA certificate");
        TestCa {
            cert_pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// The CA certificate in PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// A server certificate for `names` (IP addresses become IP subject alternative names,
    /// anything else DNS names), valid from 1975 to 4096 (rcgen's defaults).
    ///
    /// # Panics
    ///
    /// If a name is neither an IP address nor a valid DNS name.
    pub fn server_cert(&self, names: &[&str]) -> ServerCert {
        self.sign(server_params(names))
    }

    /// A server certificate for `names` that expired on 1 January 2000.
    ///
    /// # Panics
    ///
    /// As [`server_cert`](Self::server_cert).
    pub fn expired_server_cert(&self, names: &[&str]) -> ServerCert {
        let mut params = server_params(names);
        params.not_before = date_time_ymd(1999, 1, 1);
        params.not_after = date_time_ymd(2000, 1, 1);
        self.sign(params)
    }

    /// Signs a server certificate with `params` and a new key.
    fn sign(&self, params: CertificateParams) -> ServerCert {
        let key = KeyPair::generate().expect("server key");
        let cert = params
            .signed_by(&key, &self.issuer)
            .expect("server certificate");
        ServerCert {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }

    /// Writes the CA certificate to `dir/name`; returns the path.
    ///
    /// # Panics
    ///
    /// If the file cannot be written.
    pub fn write_cert(&self, dir: &Path, name: &str) -> PathBuf {
        write(dir, name, &self.cert_pem)
    }
}

impl ServerCert {
    /// Writes the certificate to `dir/{stem}.crt` and the key to `dir/{stem}.key`; returns
    /// both paths (certificate first), ready for nginx's `ssl_certificate` and
    /// `ssl_certificate_key` or `flags serve --tls-cert --tls-key`.
    ///
    /// # Panics
    ///
    /// If a file cannot be written.
    pub fn write(&self, dir: &Path, stem: &str) -> (PathBuf, PathBuf) {
        (
            write(dir, &format!("{stem}.crt"), &self.cert_pem),
            write(dir, &format!("{stem}.key"), &self.key_pem),
        )
    }
}

/// The parameters of a TLS server certificate for `names`.
fn server_params(names: &[&str]) -> CertificateParams {
    let names: Vec<String> = names.iter().map(|name| (*name).to_owned()).collect();
    let mut params = CertificateParams::new(names.clone()).expect("server names");
    params.distinguished_name.push(
        DnType::CommonName,
        names.first().cloned().unwrap_or_default(),
    );
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params
}

/// Writes `text` to `dir/name`.
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text)
        .unwrap_or_else(|err| panic!("cannot write {}: {err}", path.display()));
    path
}
