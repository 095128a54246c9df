//! Which resource a request target names, and which targets are refused.
//!
//! The flag site has two resources per country: `/flags/{cc}/{cc}.gif`, where both
//! `{cc}` are the same two ASCII letters (any case; files are lower case), and
//! `/flags/{cc}/metadata.json`, which the book's `flags3` reads for the country's
//! name. `/` and `/flags/` (or `/flags`) are an HTML index of them for a browser
//! (`index.rs`). That is the layout of the book's site and of `--dir DIR`, whose tree is
//! `flags/{cc}/...`, so the client's base URL is `http://HOST:PORT/flags`. We do not
//! also accept `/{cc}/{cc}.gif`: one URL per resource keeps the accounting and the
//! tests simple.
//!
//! ## Refusing traversal
//!
//! The route is matched, not mapped: the server never joins a request path onto a
//! directory. The target is percent-decoded once, then must be exactly
//! `/` `flags` `/` letter letter `/` (letter letter `.gif` | `metadata.json`). So `..`, `%2e%2e`,
//! `%2f`, backslashes, NULs and absolute-form targets cannot reach a file; they get:
//!
//! - **400 Bad Request** for targets that are not well-formed or try to escape:
//!   not starting with `/`, bad percent escapes, an encoded slash, control bytes or
//!   NUL, backslashes, or a `.`/`..` segment (raw or encoded);
//! - **404 Not Found** for well-formed paths that name nothing;
//! - **405 Method Not Allowed** for methods other than GET and HEAD.
//!
//! The `--dir` source checks containment once more after canonicalizing (see
//! `dir.rs`), as a second line of defence against symlinks inside the tree.

/// What a request target resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// A flag image; the code is upper case.
    Flag {
        /// The country code, upper case, for example `BR`.
        cc: String,
        /// `HEAD` request: send the head only.
        head_only: bool,
    },
    /// A country's `metadata.json`, which the book's flags3 reads for the name.
    Metadata {
        /// The country code, upper case.
        cc: String,
        /// `HEAD` request: send the head only.
        head_only: bool,
    },
    /// The HTML index of the flags, for a browser.
    Index {
        /// `HEAD` request: send the head only.
        head_only: bool,
    },
    /// 404: a well-formed path naming no resource.
    NotFound,
    /// 400: a malformed or hostile target; the reason is for the log.
    BadRequest(&'static str),
    /// 405: a method other than GET or HEAD.
    MethodNotAllowed,
}

/// Routes one request (see the module doc for the rules).
///
/// ```
/// use flags_app::serve::route::{Route, route};
/// assert_eq!(route("GET", "/flags/br/br.gif"), Route::Flag { cc: "BR".into(), head_only: false });
/// assert_eq!(route("GET", "/flags/xx/yy.gif"), Route::NotFound);
/// assert!(matches!(route("GET", "/flags/%2e%2e/etc/passwd"), Route::BadRequest(_)));
/// ```
pub fn route(method: &str, target: &str) -> Route {
    let head_only = match method {
        "GET" => false,
        "HEAD" => true,
        _ => return Route::MethodNotAllowed,
    };
    if !target.starts_with('/') {
        return Route::BadRequest("target is not an absolute path");
    }
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let decoded = match percent_decode(path) {
        Ok(decoded) => decoded,
        Err(why) => return Route::BadRequest(why),
    };
    if decoded.iter().any(|&b| b.is_ascii_control() || b == b'\\') {
        return Route::BadRequest("control byte or backslash in path");
    }
    if decoded
        .split(|&b| b == b'/')
        .any(|segment| segment == b"." || segment == b"..")
    {
        return Route::BadRequest("dot segment in path");
    }
    if matches!(&decoded[..], b"/" | b"/flags" | b"/flags/") {
        return Route::Index { head_only };
    }
    match parse_site_path(&decoded) {
        Some((cc, File::Gif)) => Route::Flag { cc, head_only },
        Some((cc, File::Metadata)) => Route::Metadata { cc, head_only },
        None => Route::NotFound,
    }
}

/// The two files of a country's folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum File {
    /// `{cc}.gif`
    Gif,
    /// `metadata.json`
    Metadata,
}

/// Matches `/flags/{cc}/{cc}.gif` or `/flags/{cc}/metadata.json` exactly; returns
/// the upper-case code and which file.
fn parse_site_path(path: &[u8]) -> Option<(String, File)> {
    let rest = path.strip_prefix(b"/flags/")?;
    let (folder, file) = (rest.get(..2)?, rest.get(2..)?.strip_prefix(b"/")?);
    if !folder.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    let kind = if file == b"metadata.json" {
        File::Metadata
    } else if file.len() == 6 && file[..2].eq_ignore_ascii_case(folder) && &file[2..] == b".gif" {
        File::Gif
    } else {
        return None;
    };
    Some((
        String::from_utf8_lossy(&folder.to_ascii_uppercase()).into_owned(),
        kind,
    ))
}

/// Decodes `%XX` escapes. Refuses a `%` not followed by two hex digits, and an
/// encoded `/`: a slash that is data, not a separator, has no place in a flag path,
/// and `%2f` is a classic way to smuggle a path past a naive check.
fn percent_decode(path: &str) -> Result<Vec<u8>, &'static str> {
    const BAD_ESCAPE: &str = "bad percent escape";
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or(BAD_ESCAPE)?;
            let text = std::str::from_utf8(hex).map_err(|_| BAD_ESCAPE)?;
            let byte = u8::from_str_radix(text, 16).map_err(|_| BAD_ESCAPE)?;
            if byte == b'/' {
                return Err("encoded slash in path");
            }
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag(cc: &str) -> Route {
        Route::Flag {
            cc: cc.to_owned(),
            head_only: false,
        }
    }

    #[test]
    fn flag_paths_route_to_the_upper_case_code() {
        assert_eq!(route("GET", "/flags/br/br.gif"), flag("BR"));
        assert_eq!(route("GET", "/flags/BR/br.gif"), flag("BR"));
        assert_eq!(route("GET", "/flags/zz/zz.gif?x=1"), flag("ZZ"));
        assert_eq!(route("GET", "/flags/%62r/br.gif"), flag("BR"));
        assert_eq!(
            route("HEAD", "/flags/br/br.gif"),
            Route::Flag {
                cc: "BR".into(),
                head_only: true
            }
        );
    }

    #[test]
    fn metadata_paths_route_to_the_code() {
        assert_eq!(
            route("GET", "/flags/ci/metadata.json"),
            Route::Metadata {
                cc: "CI".into(),
                head_only: false
            }
        );
    }

    #[test]
    fn the_root_and_the_flags_folder_are_the_index() {
        for target in ["/", "/flags", "/flags/", "/?x=1"] {
            assert_eq!(
                route("GET", target),
                Route::Index { head_only: false },
                "{target}"
            );
        }
        assert_eq!(route("HEAD", "/"), Route::Index { head_only: true });
    }

    #[test]
    fn other_well_formed_paths_are_not_found() {
        for target in [
            "/flags//",
            "/index.html",
            "/flags/br/cn.gif",
            "/br/br.gif",
            "/flags/br/br.png",
            "/flags/b1/b1.gif",
            "/flags/bra/bra.gif",
            "/flags/br/br.gif/",
            "/flags/br/metadata.jsonx",
            "/flags/b/b.gif",
        ] {
            assert_eq!(route("GET", target), Route::NotFound, "{target}");
        }
    }

    #[test]
    fn traversal_and_malformed_targets_are_bad_requests() {
        for target in [
            "/flags/../../etc/passwd",
            "/flags/br/../br/br.gif",
            "/flags/%2e%2e/%2e%2e/etc/passwd",
            "/flags/%2E%2E/br.gif",
            "/flags/./br/br.gif",
            "/flags/br%00/br.gif",
            "/flags\\br\\br.gif",
            "/flags/br/br.gif%",
            "/flags/br/br.gif%zz",
            "http://example.com/flags/br/br.gif",
            "flags/br/br.gif",
            "*",
        ] {
            assert!(
                matches!(route("GET", target), Route::BadRequest(_)),
                "{target}"
            );
        }
    }

    #[test]
    fn encoded_slashes_are_bad_requests() {
        for target in [
            "/flags%2fbr%2fbr.gif",
            "/flags/br%2F..%2F..%2Fetc",
            "/flags/br/br%2f",
        ] {
            assert_eq!(
                route("GET", target),
                Route::BadRequest("encoded slash in path"),
                "{target}"
            );
        }
    }

    #[test]
    fn only_get_and_head_are_allowed() {
        for method in ["POST", "PUT", "DELETE", "get", "OPTIONS"] {
            assert_eq!(route(method, "/flags/br/br.gif"), Route::MethodNotAllowed);
        }
    }
}
