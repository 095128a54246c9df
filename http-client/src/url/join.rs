//! [`Url::join`]: resolving a redirect's `Location` against the request URL, as a browser
//! would (RFC 3986 §5.2): an absolute URL replaces the base; `//authority` keeps only the
//! scheme; an absolute path keeps scheme and authority; a query keeps the path too; a relative
//! path is merged with the base's directory and its dot segments removed.
//!
//! Whether a redirect to the resulting URL may be followed (not from https to http) is
//! `redirect.rs`'s decision, not this file's.

use super::{Url, parse_path, split_scheme};
use crate::error::Error;

impl Url {
    /// Resolves `location` (e.g. a redirect's `Location` header) against this URL, as a browser
    /// would (RFC 3986 §5.2).
    pub fn join(&self, location: &str) -> Result<Url, Error> {
        let location = location.trim_matches([' ', '\t']);
        let location = location.split('#').next().unwrap_or("");
        if split_scheme(location).is_some() {
            return Url::parse(location);
        }
        if location.starts_with("//") {
            // A network-path reference keeps the scheme (RFC 3986 §5.2.2).
            return Url::parse(&format!("{}:{location}", self.scheme));
        }
        let target = if location.is_empty() {
            self.path_and_query.clone()
        } else if location.starts_with('/') {
            location.to_string()
        } else if location.starts_with('?') {
            format!("{}{location}", self.path())
        } else {
            // Merge: replace everything after the base path's last '/'.
            let base = self.path();
            let dir = &base[..base.rfind('/').map_or(0, |i| i + 1)];
            format!("{dir}{location}")
        };
        let (path, query) = match target.find('?') {
            Some(i) => target.split_at(i),
            None => (target.as_str(), ""),
        };
        let path_and_query = parse_path(&format!("{}{query}", remove_dot_segments(path)))
            .map_err(|reason| Error::invalid_url(location, reason))?;
        Ok(Url {
            scheme: self.scheme,
            host: self.host.clone(),
            port: self.port,
            path_and_query,
        })
    }
}

/// Removes `.` and `..` segments from an absolute path (RFC 3986 §5.2.4).
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." => {
                if last {
                    out.push("");
                }
            }
            ".." => {
                out.pop();
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    format!("/{}", out.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn join_resolves_like_rfc_3986() {
        // Examples from RFC 3986 §5.4.1, base http://a/b/c/d;p?q.
        let base = url("http://a/b/c/d;p?q");
        for (rel, want) in [
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g/"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q"),
            ("", "http://a/b/c/d;p?q"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("g/../h", "http://a/b/c/h"),
            ("http://x:81/y", "http://x:81/y"),
        ] {
            assert_eq!(base.join(rel).unwrap().to_string(), want, "joining {rel:?}");
        }
    }

    #[test]
    fn join_keeps_the_scheme_and_the_port() {
        let base = url("http://127.0.0.1:8080/a/b");
        assert_eq!(
            base.join("c").unwrap().to_string(),
            "http://127.0.0.1:8080/a/c"
        );
        assert_eq!(base.join("https://x/").unwrap().to_string(), "https://x/");
        let secure = url("https://127.0.0.1:8443/a/b");
        assert_eq!(secure.join("//h/p").unwrap().to_string(), "https://h/p");
        assert_eq!(
            secure.join("../c?d").unwrap().to_string(),
            "https://127.0.0.1:8443/c?d"
        );
        assert!(matches!(
            base.join("ftp://x/"),
            Err(Error::UnsupportedScheme { .. })
        ));
        assert!(matches!(base.join("a b"), Err(Error::InvalidUrl { .. })));
    }
}
