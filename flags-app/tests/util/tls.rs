//! TLS peers for the https tests: a throwaway CA's files, and nginx serving a directory
//! over https on a free port.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use test_pki::TestCa;

use super::{ChildGuard, TempDir, run_flags};

/// How long nginx may take to start listening on a loaded machine.
const NGINX_STARTUP: Duration = Duration::from_secs(20);

/// A CA and a server certificate for 127.0.0.1 and localhost, as files.
#[derive(Debug)]
pub struct Pki {
    /// Where the files are; removed on drop.
    pub dir: TempDir,
    /// The CA certificate, for `--cacert` and `curl --cacert`.
    pub ca_cert: PathBuf,
    /// The server's certificate, for nginx's `ssl_certificate` and `--tls-cert`.
    pub server_cert: PathBuf,
    /// The server's key, for nginx's `ssl_certificate_key` and `--tls-key`.
    pub server_key: PathBuf,
}

impl Pki {
    /// A fresh CA named `name` and a certificate it signed for the loopback address.
    pub fn loopback(name: &str) -> Pki {
        let dir = TempDir::new("pki");
        let ca = TestCa::new(name);
        let ca_cert = ca.write_cert(&dir.path, "ca.pem");
        let (server_cert, server_key) = ca
            .server_cert(&["127.0.0.1", "localhost"])
            .write(&dir.path, "server");
        Pki {
            dir,
            ca_cert,
            server_cert,
            server_key,
        }
    }

    /// A path as the `&str` a command line takes.
    pub fn arg(path: &Path) -> &str {
        path.to_str().expect("temp paths are UTF-8")
    }
}

/// nginx serving `root` over https with `pki`'s certificate, on 127.0.0.1 and a free port.
/// Its access log ([`Nginx::requests`]) has a line per request: the connection's serial
/// number, the request's number on it, and the request line.
#[derive(Debug)]
pub struct Nginx {
    /// The process, killed on drop.
    _guard: ChildGuard,
    /// Its prefix: configuration, pid file and logs.
    prefix: TempDir,
    /// The port it listens on.
    pub port: u16,
}

impl Nginx {
    /// Starts nginx; the test fails saying how to install it if it is missing.
    pub fn start(root: &Path, pki: &Pki) -> Nginx {
        let prefix = TempDir::new("nginx");
        let p = prefix.path.display();
        // Port 0 is not an option for nginx: take a free port and let nginx bind it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let conf = format!(
            r#"
master_process off;
pid {p}/nginx.pid;
error_log {p}/error.log warn;
events {{ worker_connections 256; }}
http {{
    log_format conn '$connection $connection_requests "$request" $status';
    access_log {p}/access.log conn;
    client_body_temp_path {p}/client_body;
    proxy_temp_path {p}/proxy;
    fastcgi_temp_path {p}/fastcgi;
    uwsgi_temp_path {p}/uwsgi;
    scgi_temp_path {p}/scgi;
    types {{ image/gif gif; }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        root {root};
    }}
}}
"#,
            cert = pki.server_cert.display(),
            key = pki.server_key.display(),
            root = root.display(),
        );
        let conf_path = prefix.path.join("nginx.conf");
        std::fs::write(&conf_path, conf).expect("write nginx.conf");
        let child = Command::new(nginx_binary())
            .arg("-c")
            .arg(&conf_path)
            .arg("-p")
            .arg(&prefix.path)
            .args(["-g", "daemon off;"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nginx");
        let mut guard = ChildGuard { child };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = guard.child.try_wait() {
                panic!("nginx exited at start-up ({status}); see {p}/error.log");
            }
            assert!(
                started.elapsed() < NGINX_STARTUP,
                "nginx did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Nginx {
            _guard: guard,
            prefix,
            port,
        }
    }

    /// `https://127.0.0.1:PORT/flags`.
    pub fn base(&self) -> String {
        format!("https://127.0.0.1:{}/flags", self.port)
    }

    /// The access log so far: `(connection, request number on it, request line)` per line.
    pub fn requests(&self) -> Vec<(u64, u64, String)> {
        let log = std::fs::File::open(self.prefix.path.join("access.log")).expect("access.log");
        BufReader::new(log)
            .lines()
            .map_while(Result::ok)
            .filter_map(|line| {
                let mut parts = line.splitn(3, ' ');
                let connection = parts.next()?.parse().ok()?;
                let number = parts.next()?.parse().ok()?;
                Some((connection, number, parts.next()?.to_owned()))
            })
            .collect()
    }
}

/// Where nginx is (Debian puts it in /usr/sbin, which a user's PATH may lack); fails the
/// test, saying how to install it, when it is missing.
fn nginx_binary() -> PathBuf {
    let mut dirs = vec![PathBuf::from("/usr/sbin"), PathBuf::from("/usr/local/sbin")];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    dirs.into_iter()
        .map(|dir| dir.join("nginx"))
        .find(|path| path.is_file())
        .unwrap_or_else(|| {
            panic!(
                "nginx is not installed; this test uses it as a real peer \
                 (apt-get install nginx, as .ci/setup does)"
            )
        })
}

/// `flags ARGS... --dest DEST`.
pub fn flags_into(dest: &TempDir, args: &[&str]) -> std::process::Output {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--dest", dest.path.to_str().expect("utf-8")]);
    run_flags(&all)
}
