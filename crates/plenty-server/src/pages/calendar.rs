//! `/calendar` and `/calendar.ics`: the deadlines of every round's phases (issue #15), on a
//! page and as an iCalendar feed (RFC 5545) a member's phone or desktop calendar subscribes to.

use super::{esc, layout, Ctx};
use crate::api::AppState;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use plenty_ledger::{Ledger, Phase};
use std::fmt::Write;

/// A date and time in UTC: year, month (1–12), day, hour, minute, second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utc {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

/// The UTC date and time of `ms` milliseconds since 1970-01-01T00:00Z (the proleptic
/// Gregorian calendar: days since the epoch to a civil date, by whole 400-year eras of
/// 146,097 days, each era's years starting on 1 March so that the leap day falls last).
pub fn utc(ms: u64) -> Utc {
    let secs = ms / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // day of the era, 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // year of the era
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of the year from 1 March
    let mp = (5 * doy + 2) / 153; // month from March, 0..=11
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Utc {
        year,
        month,
        day,
        hour: (rem / 3600) as u32,
        minute: (rem % 3600 / 60) as u32,
        second: (rem % 60) as u32,
    }
}

impl Utc {
    /// `2026-12-10 18:00 UTC`.
    pub fn words(&self) -> String {
        format!(
            "{}-{:02}-{:02} {:02}:{:02} UTC",
            self.year, self.month, self.day, self.hour, self.minute
        )
    }

    /// `2026-12-10T18:00:00Z` (for `<time datetime>`).
    pub fn rfc3339(&self) -> String {
        format!(
            "{}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `20261210T180000Z` (iCalendar's UTC form).
    fn ical(&self) -> String {
        format!(
            "{}{:02}{:02}T{:02}{:02}{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// One deadline of the calendar.
struct Entry {
    round: u64,
    title: String,
    phase: Phase,
    at_ms: u64,
    /// Whether the round is still in the phase that ends then.
    pending: bool,
}

impl Entry {
    fn what(&self) -> &'static str {
        match self.phase {
            Phase::Needs => "needs and proposals close; the vote opens",
            _ => "the vote closes; the count and the plan follow",
        }
    }
}

fn entries(l: &Ledger) -> Vec<Entry> {
    let mut out: Vec<Entry> = l
        .rounds
        .values()
        .flat_map(|r| {
            r.deadlines.iter().map(move |(phase, d)| Entry {
                round: r.id,
                title: r.title.clone(),
                phase: *phase,
                at_ms: d.at_ms,
                pending: r.phase == *phase && r.abandoned.is_none(),
            })
        })
        .collect();
    out.sort_by_key(|e| (e.at_ms, e.round));
    out
}

/// `GET /calendar`.
pub async fn calendar(State(st): State<AppState>, cx: Ctx) -> Html<String> {
    let list = st.log.read(|ch| entries(&ch.ledger));
    let mut b = format!("<h1>{}</h1>", cx.t("calendar-heading"));
    if list.is_empty() {
        b.push_str("<p class=next id=calendar-empty>No deadline is set yet. A facilitator sets when each phase ends; until then, the round moves on when a facilitator moves it.</p>");
    } else {
        let start = b.len();
        b.push_str(
            "<table id=calendar><tr><th>when</th><th>round</th><th>what happens</th><th>status</th></tr>",
        );
        for e in &list {
            let at = utc(e.at_ms);
            let _ = write!(
                b,
                "<tr><td><time datetime={}>{}</time></td><td><a href=\"/round?round={}\">Round {}: {}</a></td><td>{}</td><td>{}</td></tr>",
                at.rfc3339(),
                at.words(),
                e.round,
                e.round,
                esc(&e.title),
                e.what(),
                if e.pending { "coming" } else { "done" }
            );
        }
        b.push_str("</table>");
        super::scroll_since(&mut b, start, &cx.t("calendar-heading"));
    }
    b.push_str("<p>Add the deadlines to your own calendar: subscribe to <a href=/calendar.ics>calendar.ics</a> (it updates when a facilitator moves a date).</p>");
    layout(&cx, &cx.t("calendar-heading"), &b)
}

/// Escapes text for an iCalendar value (RFC 5545 §3.3.11).
fn ical_text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
        .replace('\r', "")
}

/// `GET /calendar.ics`: the deadlines as an iCalendar feed.
pub async fn ics(State(st): State<AppState>) -> Response {
    let (list, name) = st.log.read(|ch| {
        (
            entries(&ch.ledger),
            ch.ledger.name.clone().unwrap_or_else(|| "plenty".into()),
        )
    });
    let mut s = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//plenty//deadlines//EN\r\nCALSCALE:GREGORIAN\r\nX-WR-CALNAME:{}\r\n",
        ical_text(&name)
    );
    for e in &list {
        let at = utc(e.at_ms).ical();
        let _ = write!(
            s,
            "BEGIN:VEVENT\r\nUID:round-{}-{}@plenty\r\nDTSTAMP:{at}\r\nDTSTART:{at}\r\nDTEND:{at}\r\nSUMMARY:{}\r\nDESCRIPTION:{}\r\nEND:VEVENT\r\n",
            e.round,
            e.phase.name(),
            ical_text(&format!("Round {}: {}", e.round, e.what())),
            ical_text(&e.title)
        );
    }
    s.push_str("END:VCALENDAR\r\n");
    (
        [
            (CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (CONTENT_DISPOSITION, "inline; filename=\"plenty.ics\""),
        ],
        s,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against dates known independently (the Unix epoch, a leap day, the end of a century
    /// that is not a leap year, and a date of this year; checked with Python's datetime).
    #[test]
    fn utc_dates_are_civil_dates() {
        assert_eq!(utc(0).rfc3339(), "1970-01-01T00:00:00Z");
        assert_eq!(utc(951_782_400_000).rfc3339(), "2000-02-29T00:00:00Z");
        assert_eq!(utc(4_107_542_399_000).rfc3339(), "2100-02-28T23:59:59Z");
        assert_eq!(utc(4_107_542_400_000).rfc3339(), "2100-03-01T00:00:00Z");
        assert_eq!(utc(1_796_000_000_000).words(), "2026-11-30 00:53 UTC");
        assert_eq!(utc(1_796_000_000_000).ical(), "20261130T005320Z");
    }

    #[test]
    fn ical_text_is_escaped() {
        assert_eq!(ical_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
