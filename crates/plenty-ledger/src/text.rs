//! The one rule for text that enters the log or the service's accounts: no control characters
//! and no bidirectional formatting, within a length.
//!
//! Why: a NUL (U+0000) is refused by PostgreSQL, so one name with it stopped the service's
//! writer (issue #14, finding 4); other control characters and the direction overrides
//! (U+202A–U+202E, U+2066–U+2069) make a published log read differently from what it holds — a
//! proposal titled with U+202E shows its words reversed. The service checks every field
//! before it writes, and [`crate::Ledger::apply`] checks every event's text again, so an audit
//! refuses a log that holds such text too.

use crate::state::{RejectCode, Rejected};

/// Whether a character is refused in single-line text: control characters (C0, DEL, C1),
/// the bidirectional embeddings, overrides and isolates, and the line and paragraph
/// separators (U+2028, U+2029).
pub fn refused_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}'
        )
}

fn describe(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// Checks a single-line text field: at most `max_chars` characters, none of them
/// [`refused_char`]. The message names the field and the first refused character.
pub fn check_text(field: &str, value: &str, max_chars: usize) -> Result<(), Rejected> {
    if let Some(c) = value.chars().find(|c| refused_char(*c)) {
        return Err(Rejected::new(
            RejectCode::Invalid,
            format!(
                "{field}: contains the control or direction character {}; use printable text",
                describe(c)
            ),
        ));
    }
    check_length(field, value, max_chars)
}

/// Checks a document (the economy's planning file): as [`check_text`], but line breaks and
/// tabs (`\n`, `\r`, `\t`) are allowed.
pub fn check_document(field: &str, value: &str, max_chars: usize) -> Result<(), Rejected> {
    if let Some(c) = value
        .chars()
        .find(|c| !matches!(c, '\n' | '\r' | '\t') && refused_char(*c))
    {
        return Err(Rejected::new(
            RejectCode::Invalid,
            format!(
                "{field}: contains the control or direction character {}; use printable text",
                describe(c)
            ),
        ));
    }
    check_length(field, value, max_chars)
}

fn check_length(field: &str, value: &str, max_chars: usize) -> Result<(), Rejected> {
    // Bytes bound characters from above: count only when it could matter.
    if value.len() > max_chars && value.chars().count() > max_chars {
        return Err(Rejected::new(
            RejectCode::Invalid,
            format!("{field}: use at most {max_chars} characters"),
        ));
    }
    Ok(())
}

/// Longest name of a federation, council, process, product or resource.
pub const MAX_NAME: usize = 200;
/// Longest pseudonym (they are 32 hex digits).
pub const MAX_PSEUDONYM: usize = 128;
/// Longest planning file, in characters.
pub const MAX_DOCUMENT: usize = 16 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_14_control_and_direction_characters_are_refused() {
        for bad in [
            "a\u{0}b",
            "a\u{7}",
            "a\nb",
            "\u{7f}",
            "\u{85}",
            "abc\u{202E}fed",
            "\u{2066}x",
            "x\u{2029}",
        ] {
            let e = check_text("name", bad, 100).unwrap_err();
            assert_eq!(e.code, RejectCode::Invalid);
            assert!(e.message.starts_with("name: contains"), "{}", e.message);
        }
        assert!(check_text("name", "Ünïcödé ☃ مرحبا 你好", 100).is_ok());
        assert!(check_text("name", "abc", 2).is_err());
        assert!(check_text("name", "☃☃", 2).is_ok());
        assert!(check_document("text", "a = 1\r\n\tb = 2\n", 100).is_ok());
        assert!(check_document("text", "a = \"\u{0}\"\n", 100).is_err());
        assert!(check_document("text", "# \u{202E}\n", 100).is_err());
    }
}
