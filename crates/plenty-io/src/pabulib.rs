//! Participatory budgeting elections in the pabulib `.pb` format (<https://pabulib.org>), read
//! into a [`plenty_core::vote::Election`] and written back.
//!
//! ```text
//!  META                       ← section name, then a header row, then key;value rows
//!  key;value
//!  description;Village 2026
//!  num_projects;3
//!  num_votes;4
//!  budget;1000.50             ← decimal; a decimal comma is accepted, as pabutools does
//!  vote_type;approval         ← approval, choose-1, scoring or cumulative
//!  PROJECTS
//!  project_id;cost;name       ← project_id and cost required; other columns are ignored
//!  1;600;Well
//!  2;250.25;"School; roof"    ← fields holding ; or " are quoted, "" for a quote
//!  VOTES
//!  voter_id;vote;points       ← vote: comma-separated project ids; points for scoring
//!  v1;1,2;3,1
//! ```
//!
//! Costs and the budget are parsed exactly from their decimal text into rationals, as
//! pabutools does (`mpq("250.25")`). Points must be whole numbers from 0 to 2³²−1. A cell
//! holding `none` (any case) is empty, as in pabutools. A UTF-8 byte-order mark is dropped.
//!
//! One extension: an optional `weight` column in VOTES, a whole number ≥ 1 (empty: 1), the number of
//! members the ballot speaks for (1 + the delegations resolved to its author). pabutools keeps
//! it as ballot metadata and ignores it; the cross-check repeats such a ballot `weight` times,
//! which MES and greedy treat identically.

use crate::error::{IoError, Result};
use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use plenty_core::vote::{Ballot, BallotKind, Election, Project};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// How the ballots of a pabulib file are expressed (META `vote_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteType {
    /// Approval sets.
    Approval,
    /// Approval of exactly one project (read as approval).
    ChooseOne,
    /// Points per project.
    Scoring,
    /// Points per project, from a fixed total.
    Cumulative,
}

impl VoteType {
    /// The pabulib name.
    pub fn as_str(self) -> &'static str {
        match self {
            VoteType::Approval => "approval",
            VoteType::ChooseOne => "choose-1",
            VoteType::Scoring => "scoring",
            VoteType::Cumulative => "cumulative",
        }
    }

    fn is_score(self) -> bool {
        matches!(self, VoteType::Scoring | VoteType::Cumulative)
    }
}

/// A pabulib file: its metadata, the election, and the voter ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pabulib {
    /// The META rows in file order (`budget`, `vote_type` and the counts included).
    pub meta: Vec<(String, String)>,
    /// The ballot type.
    pub vote_type: VoteType,
    /// Budget, projects and ballots.
    pub election: Election,
    /// The `voter_id` of each ballot (its 1-based position when the column is absent).
    pub voter_ids: Vec<String>,
}

/// Reads a `.pb` file. Errors name the file, line and column: a missing section or column, a
/// cost or budget that is not a decimal number or not positive, a duplicate project id, a vote
/// for an unknown project, points that do not match the votes, an unsupported vote type.
pub fn read_pabulib(path: &Path) -> Result<Pabulib> {
    let bytes = std::fs::read(path).map_err(|e| IoError::os(path, &e))?;
    parse_pabulib(path, &bytes)
}

#[derive(Clone, Copy, PartialEq)]
enum Section {
    None,
    Meta,
    Projects,
    Votes,
}

/// Parses the bytes of a `.pb` file; `path` is for the messages.
pub fn parse_pabulib(path: &Path, bytes: &[u8]) -> Result<Pabulib> {
    let text = crate::error::text_of(
        path,
        bytes,
        "a pabulib file (it contains NUL bytes); give the .pb text file",
    )?;
    let mut section = Section::None;
    let mut header: Option<Vec<String>> = None;
    let mut meta: Vec<(String, String)> = Vec::new();
    let mut budget: Option<BigRational> = None;
    let mut vote_type: Option<VoteType> = None;
    let mut projects: Vec<Project> = Vec::new();
    let mut project_index: HashMap<String, usize> = HashMap::new();
    let mut ballots: Vec<Ballot> = Vec::new();
    let mut voter_ids: Vec<String> = Vec::new();
    let mut seen_sections: Vec<&str> = Vec::new();
    for (k, raw) in text.lines().enumerate() {
        let line = k + 1;
        let fields =
            split_fields(raw).map_err(|(col, msg)| IoError::at_cell(path, line, col, None, msg))?;
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let first = fields[0].trim().to_ascii_lowercase();
        if matches!(first.as_str(), "meta" | "projects" | "votes") && fields.len() == 1 {
            section = match first.as_str() {
                "meta" => Section::Meta,
                "projects" => Section::Projects,
                _ => Section::Votes,
            };
            if section == Section::Votes && vote_type.is_none() {
                return Err(IoError::at_line(
                    path,
                    line,
                    "VOTES comes before META says the vote_type; put the META section first",
                ));
            }
            seen_sections.push(match section {
                Section::Meta => "META",
                Section::Projects => "PROJECTS",
                _ => "VOTES",
            });
            header = None;
            continue;
        }
        let cell = |col: usize, msg: String| {
            let name = header.as_ref().and_then(|h| h.get(col)).map(String::as_str);
            IoError::at_cell(path, line, col + 1, name, msg)
        };
        let Some(h) = &header else {
            if section == Section::None {
                return Err(IoError::at_line(
                    path,
                    line,
                    "this line comes before any section; a pabulib file starts with META",
                ));
            }
            header = Some(fields.iter().map(|f| f.trim().to_string()).collect());
            continue;
        };
        let get = |name: &str| -> Option<(usize, &str)> {
            let c = h.iter().position(|x| x == name)?;
            let v = fields.get(c).map_or("", |s| s.trim());
            (!v.eq_ignore_ascii_case("none")).then_some((c, v))
        };
        let need = |name: &str| -> Result<usize> {
            h.iter().position(|x| x == name).ok_or_else(|| {
                IoError::at_line(
                    path,
                    line - 1,
                    format!("this header has no {name:?} column; the columns are {h:?}"),
                )
            })
        };
        match section {
            Section::None => unreachable!("a header is only read inside a section"),
            Section::Meta => {
                if fields.len() < 2 {
                    return Err(IoError::at_line(
                        path,
                        line,
                        "a META line needs a key and a value, separated by ;",
                    ));
                }
                let key = fields[0].trim().to_string();
                let value = fields[1].trim().to_string();
                match key.as_str() {
                    "budget" => {
                        let b = parse_decimal(&value).map_err(|m| cell(1, m))?;
                        if b.is_negative() {
                            return Err(cell(1, format!("the budget {value} is negative")));
                        }
                        budget = Some(b);
                    }
                    "vote_type" => {
                        vote_type = Some(match value.as_str() {
                            "approval" => VoteType::Approval,
                            "choose-1" => VoteType::ChooseOne,
                            "scoring" => VoteType::Scoring,
                            "cumulative" => VoteType::Cumulative,
                            other => {
                                return Err(cell(
                                    1,
                                    format!(
                                        "vote_type {other:?} is not supported; plenty reads \
                                         approval, choose-1, scoring and cumulative ballots"
                                    ),
                                ))
                            }
                        })
                    }
                    _ => {}
                }
                meta.push((key, value));
            }
            Section::Projects => {
                let id_col = need("project_id")?;
                let cost_col = need("cost")?;
                let id = fields.get(id_col).map_or("", |s| s.trim()).to_string();
                if id.is_empty() {
                    return Err(cell(id_col, "the project id is empty".into()));
                }
                if let Some(&j) = project_index.get(&id) {
                    return Err(cell(
                        id_col,
                        format!(
                            "project id {id:?} is given twice (the first is project {})",
                            j + 1
                        ),
                    ));
                }
                let cost_text = fields.get(cost_col).map_or("", |s| s.trim());
                let cost = parse_decimal(cost_text).map_err(|m| cell(cost_col, m))?;
                if !cost.is_positive() {
                    return Err(cell(
                        cost_col,
                        format!("project {id:?} costs {cost_text}; a cost must be positive"),
                    ));
                }
                let name = get("name").map_or("", |(_, v)| v).to_string();
                project_index.insert(id.clone(), projects.len());
                projects.push(Project { id, cost, name });
            }
            Section::Votes => {
                let vt = vote_type.unwrap_or(VoteType::Approval);
                let vote_col = need("vote")?;
                let vote = get("vote").map_or("", |(_, v)| v);
                let ids: Vec<&str> = vote
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect();
                let mut indices = Vec::with_capacity(ids.len());
                for id in &ids {
                    match project_index.get(*id) {
                        Some(&j) => indices.push(j),
                        None => {
                            return Err(cell(
                                vote_col,
                                format!(
                                    "the vote names project {id:?}, which is not in PROJECTS{}",
                                    crate::table::suggest(
                                        id,
                                        projects.iter().map(|p| p.id.as_str())
                                    )
                                ),
                            ))
                        }
                    }
                }
                let kind = if vt.is_score() {
                    let points: Vec<&str> = match get("points") {
                        Some((_, v)) => v.split(',').map(str::trim).collect(),
                        None if indices.is_empty() => Vec::new(),
                        None => {
                            return Err(cell(
                                vote_col,
                                format!("a {} ballot needs a points column", vt.as_str()),
                            ))
                        }
                    };
                    let pcol = h.iter().position(|x| x == "points").unwrap_or(vote_col);
                    if points.len() != indices.len() {
                        return Err(cell(
                            pcol,
                            format!(
                                "{} points for {} projects in the vote",
                                points.len(),
                                indices.len()
                            ),
                        ));
                    }
                    let mut map = BTreeMap::new();
                    for (&j, p) in indices.iter().zip(&points) {
                        let s: u32 = p.parse().map_err(|_| {
                            cell(
                                pcol,
                                format!("points {p:?} are not a whole number from 0 to 4294967295"),
                            )
                        })?;
                        if map.insert(j, s).is_some() {
                            return Err(cell(
                                vote_col,
                                format!("the vote names project {:?} twice", projects[j].id),
                            ));
                        }
                    }
                    BallotKind::Score(map)
                } else {
                    let set: BTreeSet<usize> = indices.iter().copied().collect();
                    BallotKind::Approval(set)
                };
                let weight = match get("weight") {
                    None => 1,
                    Some((_, "")) => 1,
                    Some((c, v)) => match v.parse::<u64>() {
                        Ok(w) if w >= 1 => w,
                        _ => {
                            return Err(cell(
                                c,
                                format!("weight {v:?} is not a whole number of at least 1"),
                            ))
                        }
                    },
                };
                let voter = get("voter_id")
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_else(|| (ballots.len() + 1).to_string());
                ballots.push(Ballot { weight, kind });
                voter_ids.push(voter);
            }
        }
    }
    for s in ["META", "PROJECTS", "VOTES"] {
        if !seen_sections.contains(&s) {
            return Err(IoError::file(
                path,
                format!("there is no {s} section; a pabulib file has META, PROJECTS and VOTES"),
            ));
        }
    }
    let budget =
        budget.ok_or_else(|| IoError::file(path, "META has no budget line (budget;AMOUNT)"))?;
    let vote_type = vote_type
        .ok_or_else(|| IoError::file(path, "META has no vote_type line (vote_type;approval)"))?;
    let election = Election {
        budget,
        projects,
        ballots,
    };
    election
        .validate()
        .map_err(|e| IoError::file(path, e.to_string()))?;
    Ok(Pabulib {
        meta,
        vote_type,
        election,
        voter_ids,
    })
}

/// Splits a line at `;`, honouring `"` quotes (`""` is a quote inside a quoted field). The
/// error is the 1-based field number and a message.
fn split_fields(line: &str) -> std::result::Result<Vec<String>, (usize, String)> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' && at_start {
            quoted = true;
            at_start = false;
        } else if c == ';' {
            fields.push(std::mem::take(&mut cur));
            at_start = true;
        } else {
            if !c.is_whitespace() {
                at_start = false;
            }
            cur.push(c);
        }
    }
    if quoted {
        return Err((
            fields.len() + 1,
            "this quoted field does not end on its line; close it with \"".into(),
        ));
    }
    fields.push(cur);
    Ok(fields)
}

/// Parses a decimal number exactly: optional sign, digits, optional `.` or `,` and digits.
pub fn parse_decimal(text: &str) -> std::result::Result<BigRational, String> {
    let t = text.trim();
    let bad = || format!("{t:?} is not a decimal number (like 1200 or 1200.50)");
    let (neg, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int, frac) = match body.find(['.', ',']) {
        Some(k) => (&body[..k], &body[k + 1..]),
        None => (body, ""),
    };
    if int.is_empty() && frac.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let digits = format!("{int}{frac}");
    let n: BigInt = digits.parse().map_err(|_| bad())?;
    let d = BigInt::from(10u32).pow(u32::try_from(frac.len()).map_err(|_| bad())?);
    let r = BigRational::new(n, d);
    Ok(if neg { -r } else { r })
}

/// Writes a rational as an exact decimal, or `None` when it has no finite decimal expansion
/// (its reduced denominator has a prime factor other than 2 and 5).
pub fn format_decimal(r: &BigRational) -> Option<String> {
    let mut d = r.denom().clone();
    let (two, five) = (BigInt::from(2), BigInt::from(5));
    let (mut a, mut b) = (0usize, 0usize);
    while d.is_even() {
        d /= &two;
        a += 1;
    }
    while (&d % &five).is_zero() {
        d /= &five;
        b += 1;
    }
    if !d.is_one() {
        return None;
    }
    let k = a.max(b);
    let scaled = r.numer() * BigInt::from(10u32).pow(k as u32) / r.denom();
    let neg = scaled.is_negative();
    let digits = scaled.abs().to_string();
    let s = if k == 0 {
        digits
    } else {
        let padded = format!("{digits:0>width$}", width = k + 1);
        let (i, f) = padded.split_at(padded.len() - k);
        format!("{i}.{f}")
    };
    Some(if neg { format!("-{s}") } else { s })
}

fn quote(field: &str) -> String {
    if field.contains([';', '"', '\n', '\r']) || field.trim() != field {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// The text of a `.pb` file. META keeps the given rows in order, with `budget`, `vote_type`,
/// `num_projects` and `num_votes` set from the election (added when missing); PROJECTS has
/// `project_id;cost;name`; VOTES has `voter_id;vote`, then `points` for score ballots and
/// `weight` when a ballot speaks for more than one member. Errors (as text): a cost or budget
/// without a finite decimal expansion, a score ballot in an approval file or the reverse.
pub fn to_pabulib_string(pb: &Pabulib) -> std::result::Result<String, String> {
    let e = &pb.election;
    let dec = |r: &BigRational, what: &str| {
        format_decimal(r).ok_or_else(|| format!("{what} {r} has no finite decimal expansion"))
    };
    let mut fixed: Vec<(&str, String)> = vec![
        ("num_projects", e.projects.len().to_string()),
        ("num_votes", e.ballots.len().to_string()),
        ("budget", dec(&e.budget, "the budget")?),
        ("vote_type", pb.vote_type.as_str().to_string()),
    ];
    let mut out = String::from("META\nkey;value\n");
    for (k, v) in &pb.meta {
        let v = match fixed.iter().position(|(f, _)| f == k) {
            Some(i) => fixed.remove(i).1,
            None => v.clone(),
        };
        out.push_str(&format!("{};{}\n", quote(k), quote(&v)));
    }
    for (k, v) in fixed {
        out.push_str(&format!("{k};{}\n", quote(&v)));
    }
    out.push_str("PROJECTS\nproject_id;cost;name\n");
    for p in &e.projects {
        out.push_str(&format!(
            "{};{};{}\n",
            quote(&p.id),
            dec(&p.cost, &format!("the cost of project {:?}", p.id))?,
            quote(&p.name)
        ));
    }
    let weights = e.ballots.iter().any(|b| b.weight != 1);
    let score = pb.vote_type.is_score();
    out.push_str("VOTES\nvoter_id;vote");
    if score {
        out.push_str(";points");
    }
    if weights {
        out.push_str(";weight");
    }
    out.push('\n');
    for (i, b) in e.ballots.iter().enumerate() {
        let voter = pb
            .voter_ids
            .get(i)
            .cloned()
            .unwrap_or_else(|| (i + 1).to_string());
        let (vote, points) = match (&b.kind, score) {
            (BallotKind::Approval(set), false) => (
                set.iter()
                    .map(|&j| e.projects[j].id.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                None,
            ),
            (BallotKind::Score(map), true) => (
                map.keys()
                    .map(|&j| e.projects[j].id.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                Some(
                    map.values()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(","),
                ),
            ),
            _ => {
                return Err(format!(
                    "ballot {} does not match the vote_type {}",
                    i + 1,
                    pb.vote_type.as_str()
                ))
            }
        };
        out.push_str(&format!("{};{}", quote(&voter), quote(&vote)));
        if let Some(p) = points {
            out.push_str(&format!(";{}", quote(&p)));
        }
        if weights {
            out.push_str(&format!(";{}", b.weight));
        }
        out.push('\n');
    }
    Ok(out)
}

/// Writes a `.pb` file (see [`to_pabulib_string`]).
pub fn write_pabulib(path: &Path, pb: &Pabulib) -> Result<()> {
    let text = to_pabulib_string(pb).map_err(|m| IoError::file(path, m))?;
    std::fs::write(path, text).map_err(|e| IoError::os(path, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(parse_decimal("250.25"), Ok(q(1001, 4)));
        assert_eq!(parse_decimal("250,25"), Ok(q(1001, 4)));
        assert_eq!(parse_decimal("-0.1"), Ok(q(-1, 10)));
        assert_eq!(parse_decimal("7"), Ok(q(7, 1)));
        assert_eq!(parse_decimal(".5"), Ok(q(1, 2)));
        for bad in ["", "-", "1e5", "1.2.3", "abc", "1 000"] {
            assert!(parse_decimal(bad).is_err(), "{bad}");
        }
        assert_eq!(format_decimal(&q(1001, 4)).as_deref(), Some("250.25"));
        assert_eq!(format_decimal(&q(-1, 20)).as_deref(), Some("-0.05"));
        assert_eq!(format_decimal(&q(12, 1)).as_deref(), Some("12"));
        assert_eq!(format_decimal(&q(1, 3)), None);
    }

    #[test]
    fn fields_honour_quotes() {
        assert_eq!(
            split_fields(r#"1;"a;b";"say ""hi""";"#).unwrap(),
            vec!["1", "a;b", "say \"hi\"", ""]
        );
        assert!(split_fields(r#"1;"open"#).is_err());
    }

    const GOOD: &str = "META\nkey;value\nbudget;10.5\nvote_type;approval\nPROJECTS\n\
                        project_id;cost;name\n1;4.25;\"a; b\"\n2;6;c\nVOTES\nvoter_id;vote\n\
                        v1;1,2\nv2;none\n";

    fn err(text: &str) -> String {
        parse_pabulib(Path::new("e.pb"), text.as_bytes())
            .expect_err("an error was expected")
            .to_string()
    }

    #[test]
    fn reads_and_round_trips() {
        let pb = parse_pabulib(Path::new("g.pb"), GOOD.as_bytes()).unwrap();
        assert_eq!(pb.election.budget, q(21, 2));
        assert_eq!(pb.election.projects[0].cost, q(17, 4));
        assert_eq!(pb.election.projects[0].name, "a; b");
        assert_eq!(
            pb.election.ballots[1].kind,
            BallotKind::Approval(BTreeSet::new())
        );
        assert_eq!(pb.voter_ids, ["v1", "v2"]);
        let text = to_pabulib_string(&pb).unwrap();
        let again = parse_pabulib(Path::new("g.pb"), text.as_bytes()).unwrap();
        assert_eq!(again.election, pb.election);
        assert!(text.contains("num_votes;2\n") && text.contains("budget;10.5\n"));
    }

    #[test]
    fn scores_and_weights_round_trip() {
        let text = "META\nkey;value\nbudget;3\nvote_type;scoring\nPROJECTS\nproject_id;cost\n\
                    x;1\ny;2\nVOTES\nvoter_id;vote;points;weight\n1;x,y;3,0;2\n";
        let pb = parse_pabulib(Path::new("s.pb"), text.as_bytes()).unwrap();
        assert_eq!(pb.election.ballots[0].weight, 2);
        assert_eq!(
            pb.election.ballots[0].kind,
            BallotKind::Score([(0, 3), (1, 0)].into_iter().collect())
        );
        let back = to_pabulib_string(&pb).unwrap();
        let again = parse_pabulib(Path::new("s.pb"), back.as_bytes()).unwrap();
        assert_eq!(
            (again.election, again.voter_ids),
            (pb.election, pb.voter_ids)
        );
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = err(&GOOD.replace("1;4.25;", "1;4,2.5;"));
        assert!(e.starts_with("e.pb:7:2 (column \"cost\")"), "{e}");
        let e = err(&GOOD.replace("2;6;c", "1;6;c"));
        assert!(
            e.starts_with("e.pb:8:1 (column \"project_id\")") && e.contains("twice"),
            "{e}"
        );
        let e = err(&GOOD.replace("2;6;c", "2;0;c"));
        assert!(e.contains("e.pb:8:2") && e.contains("positive"), "{e}");
        let e = err(&GOOD.replace("v1;1,2", "v1;1,3"));
        assert!(
            e.starts_with("e.pb:11:2 (column \"vote\")") && e.contains("\"3\""),
            "{e}"
        );
        let e = err(&GOOD.replace("budget;10.5", "budget;-1"));
        assert!(e.starts_with("e.pb:3:2") && e.contains("negative"), "{e}");
        let e = err(&GOOD.replace("vote_type;approval", "vote_type;ordinal"));
        assert!(e.starts_with("e.pb:4:2") && e.contains("ordinal"), "{e}");
        let e = err(&GOOD.replace("project_id;cost;name", "id;cost;name"));
        assert!(e.starts_with("e.pb:6:") && e.contains("project_id"), "{e}");
        let e = err(&GOOD.replace("budget;10.5\n", ""));
        assert!(e.contains("no budget"), "{e}");
        let e = err(GOOD.split("VOTES").next().unwrap());
        assert!(e.contains("no VOTES section"), "{e}");
        let e = err(&GOOD.replace("v1;1,2", "v1;\"1,2"));
        assert!(e.starts_with("e.pb:11:2") && e.contains("quoted"), "{e}");
        let e = err(&GOOD
            .replace("v2;none", "v2;2;0")
            .replace("voter_id;vote", "voter_id;vote;weight"));
        assert!(e.starts_with("e.pb:12:3 (column \"weight\")"), "{e}");
        let e = err(&format!("junk\n{GOOD}"));
        assert!(
            e.starts_with("e.pb:1:") && e.contains("before any section"),
            "{e}"
        );
        assert!(err("\0\0").contains("binary"));
    }
}
