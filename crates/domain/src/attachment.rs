//! Attachments: the size limit, a safe file name, and a content type that must match what
//! the bytes are (a PNG sent as a PDF is refused).

use crate::errors::{FieldErrors, Invalid};

/// Largest attachment, in bytes (10 MiB).
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
const MAX_NAME_CHARS: usize = 200;

/// Types a browser would run or render as a page: always served as a download of bytes.
const ACTIVE_TYPES: &[&str] = &[
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/javascript",
    "application/javascript",
    "text/xml",
    "application/xml",
];

/// A file name without any path, control characters or leading dots, at most 200
/// characters; "file" when nothing is left.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ':' | '*' | '?' | '|'))
        .collect();
    let clean = clean.trim().trim_start_matches('.').trim().to_string();
    let clean: String = clean.chars().take(MAX_NAME_CHARS).collect();
    if clean.is_empty() {
        "file".into()
    } else {
        clean
    }
}

/// The media type without parameters, lower-cased.
fn essence(ct: &str) -> String {
    ct.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn same_type(declared: &str, sniffed: &str) -> bool {
    let alias = |t: &str| match t {
        "image/jpg" | "image/pjpeg" => "image/jpeg".to_string(),
        "application/x-pdf" => "application/pdf".to_string(),
        "application/x-zip-compressed" => "application/zip".to_string(),
        other => other.to_string(),
    };
    let (d, s) = (alias(declared), alias(sniffed));
    d == s
        // Office files are zip containers.
        || (s == "application/zip" && d.starts_with("application/vnd.openxmlformats-officedocument"))
        || (s == "application/zip" && d.starts_with("application/vnd.oasis.opendocument"))
        || (s == "application/x-ole-storage" && (d == "application/msword" || d == "application/vnd.ms-excel" || d == "application/vnd.ms-powerpoint"))
}

/// Checks an upload; gives back the content type to store (declared, or what the bytes
/// are when none was declared).
pub fn check(bytes: &[u8], declared: Option<&str>) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::new();
    if bytes.is_empty() {
        e.add("file", Invalid::Required);
        return Err(e);
    }
    if bytes.len() > MAX_BYTES {
        e.add(
            "file",
            Invalid::Message(format!(
                "a file may be at most {} MB",
                MAX_BYTES / 1024 / 1024
            )),
        );
        return Err(e);
    }
    let sniffed = infer::get(bytes).map(|k| k.mime_type().to_string());
    let declared = declared
        .map(essence)
        .filter(|d| !d.is_empty() && d != "application/octet-stream");
    let stored = match (declared, sniffed) {
        (Some(d), Some(s)) if !same_type(&d, &s) => {
            e.add(
                "content_type",
                Invalid::Message(format!("the file is {s}, not {d}")),
            );
            return Err(e);
        }
        (Some(d), None) if is_binary_kind(&d) => {
            e.add(
                "content_type",
                Invalid::Message(format!("the file is not {d}")),
            );
            return Err(e);
        }
        (Some(d), None) if d.starts_with("text/") && bytes.contains(&0) => {
            e.add(
                "content_type",
                Invalid::Message(format!("the file is not {d}")),
            );
            return Err(e);
        }
        (Some(d), _) => d,
        (None, Some(s)) => s,
        (None, None) if std::str::from_utf8(bytes).is_ok() => "text/plain".into(),
        (None, None) => "application/octet-stream".into(),
    };
    Ok(stored)
}

/// Types whose bytes always carry a signature the checker knows.
fn is_binary_kind(t: &str) -> bool {
    (t.starts_with("image/") && t != "image/svg+xml")
        || t.starts_with("audio/")
        || t.starts_with("video/")
        || matches!(
            t,
            "application/pdf"
                | "application/zip"
                | "application/gzip"
                | "application/x-7z-compressed"
        )
}

/// The type to serve with: active content only as a plain download.
pub fn served_type(stored: &str) -> &str {
    if ACTIVE_TYPES.contains(&essence(stored).as_str()) {
        "application/octet-stream"
    } else {
        stored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = &[
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];

    #[test]
    fn a_lying_content_type_is_refused() {
        let e = check(PNG, Some("application/pdf")).unwrap_err();
        assert!(e.0.contains_key("content_type"));
        let e = check(b"just text", Some("image/png")).unwrap_err();
        assert!(e.0.contains_key("content_type"));
        assert_eq!(check(PNG, Some("image/png")).unwrap(), "image/png");
        assert_eq!(check(PNG, None).unwrap(), "image/png");
        assert_eq!(
            check("Báo giá".as_bytes(), Some("text/plain; charset=utf-8")).unwrap(),
            "text/plain"
        );
    }

    #[test]
    fn over_the_limit_is_refused() {
        let big = vec![b'a'; MAX_BYTES + 1];
        assert!(
            check(&big, Some("text/plain"))
                .unwrap_err()
                .0
                .contains_key("file")
        );
        assert!(check(b"", None).is_err());
    }

    #[test]
    fn names_lose_paths_and_active_types_download() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\an\\báo giá.pdf"), "báo giá.pdf");
        assert_eq!(clean_name(".."), "file");
        assert_eq!(
            served_type("text/html; charset=utf-8"),
            "application/octet-stream"
        );
        assert_eq!(served_type("application/pdf"), "application/pdf");
    }
}
