//! Which request follows a redirect response.
//!
//! | status        | next request                                                        |
//! |---------------|---------------------------------------------------------------------|
//! | 301, 302, 303 | GET (HEAD stays HEAD), without the body (RFC 9110 §15.4.2–4; browsers turn POST into GET on 301 and 302 too) |
//! | 307, 308      | same method and body (RFC 9110 §15.4.8–9)                           |
//! | other 3xx     | not followed: the response is returned                              |
//!
//! The `Location` is resolved against the request URL ([`Url::join`]). A redirect from `http`
//! to `https` is followed (that is how sites move to TLS); one from `https` to `http` fails
//! with [`Error::InsecureRedirect`], because the next request, and what it carries, would
//! travel in the clear (reqwest and browsers follow it; curl with `--proto-redir =https` and
//! Go's `http.Client` with a `CheckRedirect` refuse it, as we do). Any other scheme fails with
//! [`Error::UnsupportedScheme`]. Without a `Location` the 3xx response is returned as it is.
//! When the redirect leaves the origin (scheme, host or port), credentials the caller set
//! (`Authorization`, `Cookie`) are not sent to the new one, as browsers and reqwest do. The
//! count of redirects against the limit is kept by the client.

use crate::error::Error;
use crate::request::{Method, RequestParts};
use crate::url::Scheme;

/// Fields dropped when a redirect changes host or port.
const CREDENTIAL_FIELDS: [&str; 2] = ["authorization", "cookie"];

/// Fields that describe a body, dropped when a redirect drops the body.
const BODY_FIELDS: [&str; 2] = ["content-type", "content-encoding"];

/// The request to send after a response with `status` and `location`, or `None` when the
/// response is not a redirect to follow.
pub(crate) fn next_request(
    previous: &RequestParts,
    status: u16,
    location: Option<&str>,
) -> Result<Option<RequestParts>, Error> {
    let keeps_method = match status {
        301..=303 => false,
        307 | 308 => true,
        _ => return Ok(None),
    };
    let Some(location) = location else {
        return Ok(None);
    };
    let url = previous.url.join(location)?;
    if previous.url.scheme() == Scheme::Https && url.scheme() == Scheme::Http {
        return Err(Error::InsecureRedirect {
            from: previous.url.to_string(),
            to: url.to_string(),
        });
    }
    let mut next = previous.clone();
    if !keeps_method && previous.method != Method::Head {
        next.method = Method::Get;
        next.body = None;
        next.headers
            .retain(|(n, _)| !BODY_FIELDS.iter().any(|f| n.eq_ignore_ascii_case(f)));
    }
    let same_origin = url.scheme() == previous.url.scheme()
        && url.host() == previous.url.host()
        && url.port() == previous.url.port();
    if !same_origin {
        next.headers
            .retain(|(n, _)| !CREDENTIAL_FIELDS.iter().any(|f| n.eq_ignore_ascii_case(f)));
    }
    next.url = url;
    Ok(Some(next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::Url;

    fn post() -> RequestParts {
        RequestParts {
            method: Method::Post,
            url: Url::parse("http://a:81/x/y").unwrap(),
            headers: vec![
                ("Content-Type".into(), "text/plain".into()),
                ("Authorization".into(), "secret".into()),
            ],
            body: Some(b"hi".to_vec()),
        }
    }

    #[test]
    fn see_other_becomes_get_without_body() {
        for status in [301, 302, 303] {
            let next = next_request(&post(), status, Some("z")).unwrap().unwrap();
            assert_eq!(next.method, Method::Get);
            assert_eq!(next.body, None);
            assert_eq!(next.url.to_string(), "http://a:81/x/z");
            assert_eq!(
                next.headers,
                [("Authorization".to_string(), "secret".to_string())]
            );
        }
    }

    #[test]
    fn temporary_and_permanent_redirects_keep_method_and_body() {
        for status in [307, 308] {
            let next = next_request(&post(), status, Some("/new"))
                .unwrap()
                .unwrap();
            assert_eq!(
                (next.method, next.body.as_deref()),
                (Method::Post, Some(&b"hi"[..]))
            );
        }
    }

    #[test]
    fn other_statuses_and_missing_location_are_not_followed() {
        assert!(next_request(&post(), 300, Some("/a")).unwrap().is_none());
        assert!(next_request(&post(), 304, Some("/a")).unwrap().is_none());
        assert!(next_request(&post(), 302, None).unwrap().is_none());
    }

    #[test]
    fn leaving_the_origin_drops_credentials() {
        for location in ["http://b:81/", "http://a/", "https://a:81/"] {
            let next = next_request(&post(), 307, Some(location)).unwrap().unwrap();
            assert!(
                next.headers.iter().all(|(n, _)| n != "Authorization"),
                "{location}"
            );
        }
    }

    #[test]
    fn http_to_https_is_followed_and_https_to_http_is_refused() {
        let next = next_request(&post(), 302, Some("https://a/"))
            .unwrap()
            .unwrap();
        assert_eq!(next.url.to_string(), "https://a/");
        let mut secure = post();
        secure.url = Url::parse("https://a/x").unwrap();
        match next_request(&secure, 301, Some("http://a/x")) {
            Err(Error::InsecureRedirect { from, to }) => {
                assert_eq!((from.as_str(), to.as_str()), ("https://a/x", "http://a/x"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            next_request(&post(), 302, Some("ftp://a/")),
            Err(Error::UnsupportedScheme { .. })
        ));
    }
}
