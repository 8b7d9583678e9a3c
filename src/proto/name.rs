//! Turning a peer-chosen display name into a safe local file name.
//!
//! The sender picks `Display-Name`; the receiver must never let it choose a directory, a device
//! or a hidden trick. A name is reduced to its last path component (either separator), control
//! characters become `_`, bidirectional controls are removed (`invoice\u{202E}fdp.exe` would
//! show as `invoiceexe.pdf` in a file manager), leading dots are dropped (no hidden files, no
//! `..`), and the result is bounded to [`MAX_NAME_BYTES`] while keeping a short extension. What cannot be saved becomes
//! [`FALLBACK_NAME`]. The result is always a single, non-empty, relative component.

use super::text::is_bidi_control;

/// Longest file name most filesystems accept (ext4, xfs, btrfs: 255 bytes).
pub const MAX_NAME_BYTES: usize = 255;

/// Used when nothing of the sender's name survives.
pub const FALLBACK_NAME: &str = "ferry-download";

/// Longest extension kept when a name must be shortened.
const MAX_KEPT_EXTENSION_BYTES: usize = 16;

/// Room left in a name for a collision suffix such as ` (12)` and a temporary-file wrapper.
const RESERVED_FOR_SUFFIXES: usize = 40;

/// The outcome of [`sanitise`]: the safe name and whether it differs from what was offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeName {
    pub name: String,
    pub changed: bool,
}

/// Reduce `offered` to one safe file-name component (see the module doc for the rules).
pub fn sanitise(offered: &str) -> SafeName {
    let last = offered
        .rsplit(['/', '\\'])
        .find(|part| !part.trim().is_empty())
        .unwrap_or("");
    let cleaned = clean_characters(last);
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_string();
    let bounded = bound_length(&cleaned, MAX_NAME_BYTES - RESERVED_FOR_SUFFIXES);
    let name = if bounded.is_empty() {
        FALLBACK_NAME.to_string()
    } else {
        bounded
    };
    SafeName {
        changed: name != offered,
        name,
    }
}

/// Control characters become `_`; bidirectional controls (overrides, embeddings, isolates,
/// marks) are removed, so that a name reads in the order its characters are stored.
fn clean_characters(name: &str) -> String {
    name.chars()
        .filter(|c| !is_bidi_control(*c))
        .map(|c| if c.is_control() { '_' } else { c })
        .collect()
}

/// Shorten `name` to at most `limit` bytes on a character boundary, keeping a short extension.
fn bound_length(name: &str, limit: usize) -> String {
    if name.len() <= limit {
        return name.to_string();
    }
    let extension = match name.rfind('.') {
        Some(dot) if name.len() - dot <= MAX_KEPT_EXTENSION_BYTES && dot > 0 => &name[dot..],
        _ => "",
    };
    let stem_limit = limit - extension.len();
    let mut end = stem_limit.min(name.len());
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{}", &name[..end], extension)
}

/// Deepest relative path accepted in a set: deeper trees are refused, not truncated.
pub const MAX_PATH_DEPTH: usize = 64;

/// Why a relative path from a set cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathRefused {
    #[error("the path is empty")]
    Empty,
    #[error("the path is absolute")]
    Absolute,
    #[error("the path contains `.` or `..`, which could leave the download directory")]
    DotComponent,
    #[error("the path is deeper than {MAX_PATH_DEPTH} directories")]
    TooDeep,
}

/// Reduce a set entry's relative path (`dir/sub/file`, `/` or `\` separated) to safe
/// components that stay inside the download directory. Unlike [`sanitise`], names may start
/// with a dot (a tree's `.gitignore` is kept), but no component may be `.`, `..` or empty,
/// and the path may not be absolute: such paths are refused, never rewritten into something
/// else.
pub fn sanitise_relative(offered: &str) -> Result<Vec<String>, PathRefused> {
    if offered.is_empty() {
        return Err(PathRefused::Empty);
    }
    if offered.starts_with(['/', '\\']) || offered.get(1..2) == Some(":") {
        return Err(PathRefused::Absolute);
    }
    let mut parts = Vec::new();
    for part in offered.split(['/', '\\']) {
        let cleaned = clean_characters(part);
        match cleaned.trim() {
            "" => return Err(PathRefused::Empty),
            "." | ".." => return Err(PathRefused::DotComponent),
            _ => {}
        }
        parts.push(bound_length(
            &cleaned,
            MAX_NAME_BYTES - RESERVED_FOR_SUFFIXES,
        ));
        if parts.len() > MAX_PATH_DEPTH {
            return Err(PathRefused::TooDeep);
        }
    }
    Ok(parts)
}

/// The `n`-th alternative for `name` when it is taken: `report.pdf` → `report (n).pdf`.
pub fn numbered(name: &str, n: u32) -> String {
    match name.rfind('.') {
        Some(dot) if dot > 0 => format!("{} ({n}){}", &name[..dot], &name[dot..]),
        _ => format!("{name} ({n})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plain_names_are_kept() {
        assert_eq!(
            sanitise("report.pdf"),
            SafeName {
                name: "report.pdf".into(),
                changed: false
            }
        );
        assert_eq!(sanitise("été 2026.tar.gz").name, "été 2026.tar.gz");
    }

    #[test]
    fn paths_are_reduced_to_their_last_component() {
        assert_eq!(sanitise("../../etc/passwd").name, "passwd");
        assert_eq!(sanitise("/etc/shadow").name, "shadow");
        assert_eq!(sanitise("C:\\Windows\\evil.exe").name, "evil.exe");
        assert_eq!(sanitise("dir/").name, "dir");
        assert!(sanitise("../x").changed);
    }

    #[test]
    fn dots_and_empty_names_fall_back() {
        for hostile in ["..", ".", "", "   ", "/", "../..", "\0"] {
            let safe = sanitise(hostile).name;
            assert!(
                safe == FALLBACK_NAME || safe == "_",
                "{hostile:?} -> {safe:?}"
            );
        }
        assert_eq!(sanitise(".bashrc").name, "bashrc");
    }

    #[test]
    fn control_bytes_are_replaced() {
        assert_eq!(sanitise("a\0b\nc\x1b[31m").name, "a_b_c_[31m");
    }

    #[test]
    fn bidirectional_controls_are_removed() {
        let safe = sanitise("invoice\u{202E}fdp.exe");
        assert_eq!(safe.name, "invoicefdp.exe");
        assert!(safe.changed);
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{2066}', '\u{2067}', '\u{2068}',
            '\u{2069}', '\u{200E}', '\u{200F}',
        ] {
            assert_eq!(sanitise(&format!("a{c}b.txt")).name, "ab.txt", "{c:?}");
        }
        assert_eq!(sanitise("\u{202E}").name, FALLBACK_NAME);
        assert_eq!(
            sanitise_relative("dir\u{2067}/x\u{202E}gpj.exe").unwrap(),
            ["dir", "xgpj.exe"]
        );
        // Right-to-left text itself is a name like any other.
        assert_eq!(sanitise("שלום.txt").name, "שלום.txt");
    }

    #[test]
    fn long_names_are_bounded_and_keep_their_extension() {
        let long = format!("{}.tar.gz", "é".repeat(5000));
        let safe = sanitise(&long).name;
        assert!(safe.len() <= MAX_NAME_BYTES - RESERVED_FOR_SUFFIXES);
        assert!(safe.ends_with(".gz"));
    }

    #[test]
    fn numbering_goes_before_the_extension() {
        assert_eq!(numbered("report.pdf", 1), "report (1).pdf");
        assert_eq!(numbered("README", 2), "README (2)");
    }

    #[test]
    fn relative_paths_keep_their_shape_and_never_escape() {
        assert_eq!(
            sanitise_relative("build/lib/.hidden").unwrap(),
            ["build", "lib", ".hidden"]
        );
        assert_eq!(sanitise_relative("a\\b").unwrap(), ["a", "b"]);
        assert_eq!(sanitise_relative("a/b\nc").unwrap(), ["a", "b_c"]);
        assert_eq!(
            sanitise_relative("a/../../etc"),
            Err(PathRefused::DotComponent)
        );
        assert_eq!(sanitise_relative("./a"), Err(PathRefused::DotComponent));
        assert_eq!(sanitise_relative("/etc/passwd"), Err(PathRefused::Absolute));
        assert_eq!(sanitise_relative("C:/x"), Err(PathRefused::Absolute));
        assert_eq!(sanitise_relative("a//b"), Err(PathRefused::Empty));
        assert_eq!(sanitise_relative(""), Err(PathRefused::Empty));
        let deep = vec!["d"; MAX_PATH_DEPTH + 1].join("/");
        assert_eq!(sanitise_relative(&deep), Err(PathRefused::TooDeep));
    }

    proptest! {
        #[test]
        fn relative_paths_are_safe_components(input in any::<String>()) {
            if let Ok(parts) = sanitise_relative(&input) {
                for part in parts {
                    prop_assert!(!part.is_empty() && part != "." && part != "..");
                    prop_assert!(!part.contains('/') && !part.contains('\\'));
                    prop_assert!(!part.chars().any(char::is_control));
                    prop_assert!(!part.chars().any(is_bidi_control));
                    prop_assert!(part.len() <= MAX_NAME_BYTES);
                }
            }
        }

        #[test]
        fn any_input_gives_one_safe_component(input in any::<String>()) {
            let safe = sanitise(&input).name;
            prop_assert!(!safe.is_empty());
            prop_assert!(!safe.contains('/') && !safe.contains('\\'));
            prop_assert!(!safe.starts_with('.'));
            prop_assert!(!safe.chars().any(char::is_control));
            prop_assert!(!safe.chars().any(is_bidi_control));
            prop_assert!(safe.len() <= MAX_NAME_BYTES);
        }
    }
}
