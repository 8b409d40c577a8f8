//! Translations of the pages: a small loader of a subset of the Fluent format (Project
//! Fluent's `.ftl` files, under `crates/plenty-server/locales/`), built into the binary.
//!
//! The subset: `key = text` messages, continued on indented lines; `# comments`; and
//! variables `{ $name }` in the text. No terms, selectors or attributes: the pages need none,
//! and a full Fluent implementation is not worth its dependencies here. A message missing
//! from a language falls back to English, and a key missing from English shows as the key.
//!
//! The language is chosen by `?lang=xx`, then the `plenty_lang` cookie (the language links in
//! the pages' header set it), then the browser's `Accept-Language`, then English.

use super::esc;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The languages shipped: code, name in that language, the file, and how numbers are
/// written (the thousands separator and the decimal mark).
const SOURCES: &[(&str, &str, &str, &str, char)] = &[
    (
        "en",
        "English",
        include_str!("../../locales/en/plenty.ftl"),
        ",",
        '.',
    ),
    (
        "fr",
        "Français",
        include_str!("../../locales/fr/plenty.ftl"),
        "\u{202F}",
        ',',
    ),
];

/// One language's messages.
#[derive(Debug)]
pub struct Lang {
    /// Its code (`en`, `fr`), as in `<html lang>`.
    pub code: &'static str,
    /// Its name in itself.
    pub name: &'static str,
    /// The thousands separator of its numbers.
    pub thousands: &'static str,
    /// The decimal mark of its numbers.
    pub decimal: char,
    messages: HashMap<String, String>,
}

/// Parses the Fluent subset: `key = value`, indented continuation lines, `#` comments.
pub fn parse(src: &str) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = HashMap::new();
    let mut current: Option<String> = None;
    for line in src.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') {
            current = None;
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(m) = current.as_ref().and_then(|k| out.get_mut(k)) {
                if !m.is_empty() {
                    m.push(' ');
                }
                m.push_str(trimmed);
            }
            continue;
        }
        match line.split_once('=') {
            Some((k, v))
                if !k.trim().is_empty()
                    && k.trim()
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
            {
                let k = k.trim().to_string();
                out.insert(k.clone(), v.trim().to_string());
                current = Some(k);
            }
            _ => current = None,
        }
    }
    out
}

fn languages() -> &'static [Lang] {
    static LANGS: OnceLock<Vec<Lang>> = OnceLock::new();
    LANGS.get_or_init(|| {
        SOURCES
            .iter()
            .map(|(code, name, src, thousands, decimal)| Lang {
                code,
                name,
                thousands,
                decimal: *decimal,
                messages: parse(src),
            })
            .collect()
    })
}

/// English, the language every message exists in.
pub fn english() -> &'static Lang {
    &languages()[0]
}

/// Every language shipped.
pub fn all() -> &'static [Lang] {
    languages()
}

/// The language of a code such as `fr` or `fr-CH`, if shipped.
pub fn by_code(code: &str) -> Option<&'static Lang> {
    let primary = code
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    languages().iter().find(|l| l.code == primary)
}

/// The best shipped language for an `Accept-Language` header (RFC 9110 §12.5.4: the
/// highest `q` first; ties in the order given), or English.
pub fn negotiate(accept: &str) -> &'static Lang {
    let mut wanted: Vec<(f64, usize, &str)> = accept
        .split(',')
        .enumerate()
        .filter_map(|(k, part)| {
            let mut it = part.split(';');
            let tag = it.next()?.trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f64>().ok())
                .unwrap_or(1.0);
            (q > 0.0 && !tag.is_empty()).then_some((q, k, tag))
        })
        .collect();
    wanted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    wanted
        .iter()
        .find_map(|(_, _, tag)| by_code(tag))
        .unwrap_or_else(english)
}

/// The language of a request: `?lang=`, then the `plenty_lang` cookie, then
/// `Accept-Language`, then English.
pub fn of_request(uri: &axum::http::Uri, headers: &axum::http::HeaderMap) -> &'static Lang {
    let header = |h| {
        headers
            .get_all(h)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(";")
    };
    let from_query = uri.query().and_then(|q| {
        q.split('&')
            .find_map(|kv| kv.strip_prefix("lang="))
            .and_then(by_code)
    });
    let cookies = header(axum::http::header::COOKIE);
    let from_cookie = cookies
        .split(';')
        .find_map(|kv| kv.trim().strip_prefix("plenty_lang=").and_then(by_code));
    from_query
        .or(from_cookie)
        .unwrap_or_else(|| negotiate(&header(axum::http::header::ACCEPT_LANGUAGE)))
}

impl Lang {
    /// A message as HTML-escaped text, with its variables filled in (escaped too).
    pub fn tv(&self, key: &str, vars: &[(&str, &str)]) -> String {
        self.tvh(key, vars, &[])
    }

    /// As [`Lang::tv`], with some variables that are HTML already (inserted as they are).
    pub fn tvh(&self, key: &str, vars: &[(&str, &str)], html: &[(&str, &str)]) -> String {
        let raw = self
            .messages
            .get(key)
            .or_else(|| english().messages.get(key))
            .map(String::as_str)
            .unwrap_or(key);
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        while let Some(k) = rest.find('{') {
            out.push_str(&esc(&rest[..k]));
            let after = &rest[k + 1..];
            match after.find('}') {
                Some(end) => {
                    let name = after[..end].trim().trim_start_matches('$');
                    match vars.iter().find(|(n, _)| *n == name) {
                        Some((_, v)) => out.push_str(&esc(v)),
                        None if html.iter().any(|(n, _)| *n == name) => {
                            if let Some((_, v)) = html.iter().find(|(n, _)| *n == name) {
                                out.push_str(v);
                            }
                        }
                        None => out.push_str(&esc(&format!("{{{}}}", &after[..end]))),
                    }
                    rest = &after[end + 1..];
                }
                None => {
                    out.push_str(&esc(&rest[k..]));
                    rest = "";
                }
            }
        }
        out.push_str(&esc(rest));
        out
    }

    /// A message without variables, HTML-escaped.
    pub fn t(&self, key: &str) -> String {
        self.tv(key, &[])
    }

    /// Whether the language has the message itself (not by falling back to English).
    pub fn has(&self, key: &str) -> bool {
        self.messages.contains_key(key)
    }

    /// The keys of the language's messages.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.messages.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_15_the_fluent_subset_parses_and_fills_variables() {
        let m = parse("# c\nhello = Hello, { $name }!\nlong = one\n    two\n");
        assert_eq!(m["hello"], "Hello, { $name }!");
        assert_eq!(m["long"], "one two");
        let l = Lang {
            code: "xx",
            name: "x",
            thousands: ",",
            decimal: '.',
            messages: m,
        };
        assert_eq!(l.tv("hello", &[("name", "<b>")]), "Hello, &lt;b&gt;!");
        // Missing here and in English: the key.
        assert_eq!(l.t("no-such-key"), "no-such-key");
    }

    #[test]
    fn issue_15_accept_language_picks_the_best_shipped_language() {
        assert_eq!(negotiate("fr-CH, fr;q=0.9, en;q=0.8").code, "fr");
        assert_eq!(negotiate("de, en;q=0.5").code, "en");
        assert_eq!(negotiate("en;q=0.4, fr;q=0.9").code, "fr");
        assert_eq!(negotiate("").code, "en");
        assert_eq!(negotiate("fr;q=0").code, "en");
    }

    #[test]
    fn issue_15_every_translation_has_an_english_original() {
        for l in all() {
            for k in l.keys() {
                assert!(english().has(k), "{}: {k} is not in English", l.code);
            }
        }
        // French translates every message.
        let fr = by_code("fr").unwrap();
        for k in english().keys() {
            assert!(fr.has(k), "fr lacks {k}");
        }
    }
}
