//! The options of `flags serve`, and the book's three servers of `--book`.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::Args;

use super::timeout::{MAX_TIMEOUT_SECS, timeout_secs};
use crate::config::{DEFAULT_BACKLOG, ServeConfig, ServerSpec};
use crate::serve::chaos::{Chaos, DelayRange, Fault};
use crate::serve::timeouts::{IDLE_TIMEOUT, SEND_TIMEOUT, Timeouts};
use crate::serve::tls::TlsFiles;
use crate::site::Label;
use crate::usage::UsageError;

/// The book's LOCAL port (flags2_common's `SERVERS`): `flags serve`'s default, and the
/// first of `--book`'s three (DELAY and ERROR follow on the next two ports).
pub const BOOK_LOCAL_PORT: u16 = 8000;

/// Options of `flags serve`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  flags serve                             LOCAL on http://127.0.0.1:8000/flags; browse http://127.0.0.1:8000/\n  flags serve --port 8001 --delay 0.5..5  a DELAY server, as the book's slow_server.py\n  flags serve --book                      LOCAL, DELAY, ERROR on ports 8000, 8001, 8002\n  flags serve --book --port 0             the same on three free ports (printed at start-up)\n  flags serve --workers auto              one event loop per core, sharing the port\n  flags serve --backlog 5                 the listen backlog of python3 -m http.server\n  flags serve --port 8443 --tls-cert server.crt --tls-key server.key\n                                          https on https://127.0.0.1:8443/flags"
)]
pub struct ServeArgs {
    /// Port to listen on (0 picks a free one); with --book, LOCAL's port, and DELAY
    /// and ERROR take the next two.
    #[arg(long, default_value_t = BOOK_LOCAL_PORT)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Run the book's three servers in one process: LOCAL (no delay), DELAY (0.5 to 5 s)
    /// and ERROR (0.5 to 5 s, a quarter of requests failing), so that the book's
    /// scripts run against them unchanged.
    #[arg(long)]
    pub book: bool,
    /// Serve DIR/flags/{cc}/{cc}.gif instead of the built-in flags.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Delay per request in seconds, fixed or random in a range [default: 0].
    #[arg(long, value_name = "MIN[..MAX]")]
    pub delay: Option<DelayRange>,
    /// Fraction of requests that fail, 0 to 1 [default: 0].
    #[arg(long, value_name = "P")]
    pub error_rate: Option<f64>,
    /// Which failures to inject (with --book, ERROR's) [default: all].
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KINDS")]
    pub error_kinds: Vec<Fault>,
    /// Listen backlog: connections the kernel queues before they are accepted
    /// [python3 -m http.server has 5, which drops SYNs of a burst of connects;
    /// Windows keeps 128 whatever is asked].
    #[arg(long, value_name = "N", default_value_t = DEFAULT_BACKLOG)]
    pub backlog: u32,
    /// Seed for delays and errors (default: from the clock).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Seconds a kept-alive connection may wait for its next request.
    #[arg(long, value_name = "SECS", default_value_t = IDLE_TIMEOUT.as_secs_f64())]
    pub idle_timeout: f64,
    /// Seconds a response may wait for the client to take more bytes.
    #[arg(long, value_name = "SECS", default_value_t = SEND_TIMEOUT.as_secs_f64())]
    pub send_timeout: f64,
    /// Serve https with this certificate chain (PEM, the server's certificate first);
    /// needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Event loops serving in parallel, each on its own thread with its own
    /// listening socket on the port (SO_REUSEPORT: Linux, BSD, macOS); `auto` is one
    /// per core. The book's server is one loop.
    #[arg(long, value_name = "N|auto", default_value = "1")]
    pub workers: String,
}

/// Most workers per core that `--workers` accepts: four. One per core is the point
/// (nginx's `worker_processes auto`); a few more can help when workers wait on the
/// disk; beyond that they only take turns on the same cores.
pub const MAX_WORKERS_PER_CORE: usize = 4;

/// The cores this process may use, as the standard library counts them (1 if it
/// cannot tell).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `--workers`: `auto` (one per core) or a number from 1 to `cores` times
/// [`MAX_WORKERS_PER_CORE`].
fn parse_workers(value: &str, cores: usize) -> Result<usize, UsageError> {
    let most = cores.saturating_mul(MAX_WORKERS_PER_CORE);
    if value.eq_ignore_ascii_case("auto") {
        return Ok(cores);
    }
    match value.trim().parse::<usize>() {
        Ok(n) if (1..=most).contains(&n) => Ok(n),
        _ => Err(UsageError::new(format!(
            "--workers N must be `auto` or a number from 1 to {most} \
             ({MAX_WORKERS_PER_CORE} per core, {cores} cores); got {value:?}"
        ))),
    }
}

impl ServeArgs {
    /// The server configuration, or the first rule broken.
    pub fn into_config(self) -> Result<ServeConfig, UsageError> {
        if matches!(self.error_rate, Some(rate) if !(0.0..=1.0).contains(&rate)) {
            return Err(UsageError::new("--error-rate P must be between 0 and 1"));
        }
        let mut kinds = self.error_kinds;
        if kinds.is_empty() {
            kinds = Fault::ALL.to_vec();
        }
        kinds.dedup();
        let seconds = |value: f64, option: &str| {
            timeout_secs(value).ok_or_else(|| {
                UsageError::new(format!(
                    "{option} SECS must be above 0 and at most {MAX_TIMEOUT_SECS}"
                ))
            })
        };
        let workers = parse_workers(&self.workers, cores())?;
        let timeouts = Timeouts {
            idle: seconds(self.idle_timeout, "--idle-timeout")?,
            send: seconds(self.send_timeout, "--send-timeout")?,
            ..Timeouts::default()
        };
        let servers = if self.book {
            if self.delay.is_some() || self.error_rate.is_some() {
                return Err(UsageError::new(
                    "--book sets each server's delay and error rate as the book's: leave out --delay and --error-rate",
                ));
            }
            book_servers(self.host, self.port, self.backlog, &kinds)?
        } else {
            vec![ServerSpec {
                label: None,
                addr: SocketAddr::new(self.host, self.port),
                chaos: Chaos {
                    delay: self.delay.unwrap_or(DelayRange::NONE),
                    error_rate: self.error_rate.unwrap_or(0.0),
                    kinds,
                },
                backlog: self.backlog,
            }]
        };
        let tls = match (self.tls_cert, self.tls_key) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            _ => None,
        };
        Ok(ServeConfig {
            servers,
            dir: self.dir,
            seed: self.seed,
            timeouts,
            tls,
            workers,
        })
    }
}

/// The book's three servers: LOCAL on `port`, DELAY and ERROR on the next two, with
/// ERROR injecting `kinds`; port 0 gives each a free port of its own.
fn book_servers(
    host: IpAddr,
    port: u16,
    backlog: u32,
    kinds: &[Fault],
) -> Result<Vec<ServerSpec>, UsageError> {
    let labels = [Label::Local, Label::Delay, Label::Error];
    let mut servers = Vec::with_capacity(labels.len());
    for (offset, label) in (0u16..).zip(labels) {
        let port = if port == 0 {
            0
        } else {
            port.checked_add(offset).ok_or_else(|| {
                UsageError::new("--port N with --book must leave room for N+1 and N+2")
            })?
        };
        let mut chaos = label.chaos();
        if label == Label::Error {
            chaos.kinds = kinds.to_vec();
        }
        servers.push(ServerSpec {
            label: Some(label),
            addr: SocketAddr::new(host, port),
            chaos,
            backlog,
        });
    }
    Ok(servers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn serve(args: &[&str]) -> Result<ServeConfig, UsageError> {
        let mut argv = vec!["flags", "serve"];
        argv.extend_from_slice(args);
        match Cli::try_parse_from(argv)
            .expect("clap accepts")
            .into_command()?
        {
            Command::Serve(config) => Ok(config),
            other => panic!("not serve: {other:?}"),
        }
    }

    #[test]
    fn serve_listens_on_the_books_local_port_by_default() {
        let config = serve(&[]).unwrap();
        assert_eq!(config.servers.len(), 1);
        assert_eq!(config.servers[0].addr.port(), 8000);
        assert_eq!(config.servers[0].chaos, Chaos::none());
    }

    #[test]
    fn book_runs_local_delay_and_error_on_three_ports() {
        let config = serve(&["--book"]).unwrap();
        let got: Vec<(Option<Label>, u16)> = config
            .servers
            .iter()
            .map(|server| (server.label, server.addr.port()))
            .collect();
        assert_eq!(
            got,
            [
                (Some(Label::Local), 8000),
                (Some(Label::Delay), 8001),
                (Some(Label::Error), 8002)
            ]
        );
        assert_eq!(config.servers[2].chaos, Label::Error.chaos());
        let ephemeral = serve(&["--book", "--port", "0"]).unwrap();
        assert!(ephemeral.servers.iter().all(|s| s.addr.port() == 0));
        let teapots = serve(&["--book", "--error-kinds", "418"]).unwrap();
        assert_eq!(teapots.servers[2].chaos.kinds, [Fault::Teapot]);
        assert!(serve(&["--book", "--port", "65534"]).is_err());
        assert!(serve(&["--book", "--delay", "1"]).is_err());
    }

    #[test]
    fn workers_are_one_by_default_auto_per_core_and_bounded() {
        assert_eq!(serve(&[]).unwrap().workers, 1);
        assert_eq!(serve(&["--workers", "auto"]).unwrap().workers, cores());
        assert_eq!(serve(&["--workers", "2", "--book"]).unwrap().workers, 2);
        assert_eq!(parse_workers("8", 2).unwrap(), 8);
        assert_eq!(parse_workers("AUTO", 3).unwrap(), 3);
        for bad in ["0", "9", "-1", "two", ""] {
            let err = parse_workers(bad, 2).unwrap_err().to_string();
            assert!(err.contains("from 1 to 8"), "{bad:?}: {err}");
        }
        let too_many = (cores() * MAX_WORKERS_PER_CORE + 1).to_string();
        assert!(serve(&["--workers", &too_many]).is_err());
    }

    #[test]
    fn tls_takes_a_certificate_and_its_key_together() {
        assert_eq!(serve(&[]).unwrap().tls, None);
        let config = serve(&["--tls-cert", "c.pem", "--tls-key", "k.pem"]).unwrap();
        assert_eq!(
            config.tls,
            Some(TlsFiles {
                cert: "c.pem".into(),
                key: "k.pem".into()
            })
        );
        for half in [["--tls-cert", "c.pem"], ["--tls-key", "k.pem"]] {
            let mut argv = vec!["flags", "serve"];
            argv.extend_from_slice(&half);
            assert!(Cli::try_parse_from(argv).is_err(), "{half:?}");
        }
    }
}
