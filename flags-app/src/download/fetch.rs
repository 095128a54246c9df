//! The requests of one code: flags2's `get_flag`, flags3's `get_country`, and
//! `download_one` for the strategies that run one code at a time per thread.
//!
//! 1. `GET {base}/{cc}/{cc}.gif` (lower case). 200 with a GIF signature: the image;
//!    404: not found; any other status, network error, timeout or truncated body: an
//!    error, with flags2's message `HTTP error 418 - I'm a Teapot` for statuses.
//! 2. With `--names`, then `GET {base}/{cc}/metadata.json`, as flags3 does after the
//!    image, and take its `country` (`{"tld_cc": ".br", "iso_cc": "BR", "country":
//!    "Brazil", "gec_cc": "BR"}` on the book's site). Any status but 200, or a body
//!    that is not a JSON object with a string `country`, is an error for the code.
//! 3. Save (`naming.rs`), under `BR.gif` or flags3's `Brazil.gif`.
//!
//! Every request runs under the client's timeouts, which mean what httpx's do (see
//! [`make_client`]). Every path returns an [`Outcome`], so every code is counted
//! exactly once.

use http_client::Client;

use super::Job;
use super::failure::{FetchError, MetadataError};
use super::naming::{SaveTo, save_flag};
use super::outcome::Outcome;
use super::timeline::{SAVING, task_name};
use crate::metadata::country_of;

/// The first bytes of every GIF file ("GIF87a" or "GIF89a").
const GIF_SIGNATURE: &[u8] = b"GIF8";

/// The URL of `cc`'s flag under `base`.
pub fn flag_url(base: &str, cc: &str) -> String {
    let cc = cc.to_ascii_lowercase();
    format!("{base}/{cc}/{cc}.gif")
}

/// The URL of `cc`'s `metadata.json` under `base` [flags3's get_country].
pub fn metadata_url(base: &str, cc: &str) -> String {
    format!("{base}/{}/metadata.json", cc.to_ascii_lowercase())
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

/// Fetches `cc`'s country name from its `metadata.json` [flags3's get_country].
pub async fn get_country(client: &Client, base: &str, cc: &str) -> Result<String, FetchError> {
    let response = client
        .get(&metadata_url(base, cc))
        .send()
        .await
        .map_err(FetchError::Http)?;
    if response.status() != 200 {
        return Err(FetchError::Metadata(MetadataError::Status {
            code: response.status(),
            reason: response.reason().to_owned(),
        }));
    }
    let bytes = response.bytes().await.map_err(FetchError::Http)?;
    country_of(&bytes).map_err(|why| FetchError::Metadata(MetadataError::Malformed(why)))
}

/// Fetches, names and saves `cc` on this thread, one request after the other
/// [flags2_sequential's and flags2_threadpool's download_one; flags3's with `--names`].
pub async fn download_one(client: &Client, base: &str, cc: &str, save_to: &SaveTo) -> Outcome {
    let image = match get_flag(client, base, cc).await {
        Ok(image) => image,
        Err(err) => return Outcome::failed(cc, &err),
    };
    let country = if save_to.names {
        match get_country(client, base, cc).await {
            Ok(country) => Some(country),
            Err(err) => return Outcome::failed(cc, &err),
        }
    } else {
        None
    };
    runtime::timeline::phase(SAVING);
    let saved = save_flag(save_to, cc, country.as_deref(), &image);
    runtime::timeline::end_phase();
    saved
}

/// [`download_one`] in a task of its own, named `download_one BR`, awaited: the
/// sequential and threads strategies run each code this way, so that a timeline
/// shows a row per code, as in async mode.
pub async fn download_one_task(client: &Client, job: &Job, cc: &str) -> Outcome {
    let (client, base, save_to) = (client.clone(), job.base.clone(), job.save_to.clone());
    let code = cc.to_owned();
    let task = runtime::task::Builder::new()
        .name(task_name(cc))
        .spawn(async move { download_one(&client, &base, &code, &save_to).await });
    task.await
        .unwrap_or_else(|err| Outcome::error(cc, "download task failed", err.to_string()))
}

/// A client for one runtime thread, with the job's timeouts and enough idle
/// connections kept for `concurrency` requests at once.
///
/// `job.timeout` bounds each phase of a request as httpx's `timeout=3.1` does in the
/// book: connecting, sending the request, each wait for response bytes, and waiting
/// for a free connection; `job.total_timeout`, when given, also bounds each request as
/// a whole. By default the client allows 100 open connections, as httpx's
/// `AsyncClient` does, so with `-m` above 100 the other requests wait for a
/// connection, within the timeout, as the book's do. It starts from
/// `job.client_base`, which trusts what `--cacert` adds.
pub fn make_client(job: &Job, concurrency: usize) -> Client {
    job.client_base
        .clone()
        .timeout(job.timeout)
        .total_timeout(job.total_timeout)
        .max_connections(job.max_connections)
        .max_idle_per_host(concurrency.max(1))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_lower_case() {
        assert_eq!(flag_url("http://h/flags", "BR"), "http://h/flags/br/br.gif");
        assert_eq!(
            metadata_url("http://h/flags", "CI"),
            "http://h/flags/ci/metadata.json"
        );
    }
}
