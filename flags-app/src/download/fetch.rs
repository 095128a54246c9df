//! Downloading and saving one flag: flags2's `get_flag`, `download_one` and `save_flag`.
//!
//! Every strategy calls [`download_one`]; they differ only in how many run at once
//! and on which thread. One call:
//!
//! 1. `GET {base}/{cc}/{cc}.gif` (lower case) with the strategy's [`Client`];
//!    the client's total timeout bounds connect, head and body together.
//! 2. 200 with a GIF signature: save; 404: not found; any other status, network
//!    error, timeout or truncated body: error, with flags2's message
//!    `HTTP error 418 - I'm a Teapot` for statuses.
//! 3. Save through [`save_atomically`], directly, or on the runtime's blocking pool
//!    when `--executor` is given [loop.run_in_executor].
//!
//! Every path returns an [`Outcome`], so every code is counted exactly once.

use std::path::PathBuf;
use std::time::Duration;

use http_client::{Client, Error as HttpError, TimeoutPhase};

use super::outcome::{Outcome, Status};
use crate::countries::country_name;
use crate::save::save_atomically;

/// The first bytes of every GIF file ("GIF87a" or "GIF89a").
const GIF_SIGNATURE: &[u8] = b"GIF8";

/// Why a flag could not be fetched.
#[derive(Debug)]
pub enum FetchError {
    /// 404 Not Found.
    NotFound,
    /// Another non-200 status.
    Status {
        /// The status code.
        code: u16,
        /// The reason phrase the server sent.
        reason: String,
    },
    /// 200, but the body is not a GIF.
    NotGif,
    /// The request failed (network, protocol, timeout, limits).
    Http(HttpError),
    /// The whole request took longer than `--timeout`.
    TimedOut,
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::NotFound => f.write_str("HTTP error 404 - Not Found"),
            FetchError::Status { code, reason } => write!(f, "HTTP error {code} - {reason}"),
            FetchError::NotGif => f.write_str("the response is not a GIF image"),
            FetchError::Http(HttpError::Timeout(phase)) => {
                let what = match phase {
                    TimeoutPhase::Connect => "connecting",
                    TimeoutPhase::Read => "waiting for the server",
                    TimeoutPhase::Total => "the whole request",
                };
                write!(f, "timed out ({what})")
            }
            FetchError::Http(err) => err.fmt(f),
            FetchError::TimedOut => f.write_str("timed out (the whole request)"),
        }
    }
}

impl std::error::Error for FetchError {}

/// The URL of `cc`'s flag under `base`.
pub fn flag_url(base: &str, cc: &str) -> String {
    let cc = cc.to_ascii_lowercase();
    format!("{base}/{cc}/{cc}.gif")
}

/// Fetches `cc`'s GIF [flags2's get_flag].
pub async fn get_flag(client: &Client, base: &str, cc: &str) -> Result<Vec<u8>, FetchError> {
    let response = client
        .get(&flag_url(base, cc))
        .send()
        .await
        .map_err(FetchError::Http)?;
    match response.status() {
        200 => {
            let bytes = response.bytes().await.map_err(FetchError::Http)?;
            if bytes.starts_with(GIF_SIGNATURE) {
                Ok(bytes)
            } else {
                Err(FetchError::NotGif)
            }
        }
        404 => Err(FetchError::NotFound),
        code => Err(FetchError::Status {
            code,
            reason: response.reason().to_owned(),
        }),
    }
}

/// [`get_flag`] bounded by `limit` as a whole. The client's own total timeout
/// (set by [`make_client`]) normally fires first; this outer bound makes the
/// rule "a request never takes longer than `--timeout`" hold here, whatever the
/// client's settings.
pub async fn get_flag_within(
    client: &Client,
    base: &str,
    cc: &str,
    limit: Duration,
) -> Result<Vec<u8>, FetchError> {
    match runtime::time::timeout(limit, get_flag(client, base, cc)).await {
        Ok(result) => result,
        Err(_) => Err(FetchError::TimedOut),
    }
}

/// Where to save and under which name.
#[derive(Debug, Clone)]
pub struct SaveTo {
    /// The destination directory (already created).
    pub dest: PathBuf,
    /// Name files after the country [flags3.py] instead of the code.
    pub names: bool,
}

impl SaveTo {
    /// `BR.gif`, or with `names` `Brazil.gif` (spaces become underscores, as flags3).
    pub fn filename(&self, cc: &str) -> String {
        match country_name(cc) {
            Some(name) if self.names => {
                let safe: String = name
                    .chars()
                    .map(|c| {
                        if c == ' ' || c == '/' || c == '\\' {
                            '_'
                        } else {
                            c
                        }
                    })
                    .collect();
                format!("{safe}.gif")
            }
            _ => format!("{cc}.gif"),
        }
    }
}

/// Saves on the current thread; the outcome of the whole download.
pub fn save_flag(save_to: &SaveTo, cc: &str, image: &[u8]) -> Outcome {
    match save_atomically(&save_to.dest, &save_to.filename(cc), image) {
        Ok(_) => Outcome::new(cc, Status::Ok),
        Err(err) => Outcome::error(cc, err.to_string()),
    }
}

/// The outcome of a fetch that did not produce an image.
pub fn fetch_failure(cc: &str, err: FetchError) -> Outcome {
    match err {
        FetchError::NotFound => Outcome::new(cc, Status::NotFound),
        other => Outcome::error(cc, other.to_string()),
    }
}

/// Fetches and saves `cc` on this thread [flags2_sequential's download_one].
pub async fn download_one(
    client: &Client,
    base: &str,
    cc: &str,
    save_to: &SaveTo,
    limit: Duration,
) -> Outcome {
    match get_flag_within(client, base, cc, limit).await {
        Ok(image) => save_flag(save_to, cc, &image),
        Err(err) => fetch_failure(cc, err),
    }
}

/// A client for one runtime thread, with the run's timeout and enough idle
/// connections kept for `concurrency` requests at once.
pub fn make_client(timeout: Duration, concurrency: usize) -> Client {
    Client::builder()
        .total_timeout(Some(timeout))
        .max_idle_per_host(concurrency.max(1))
        .build()
}
