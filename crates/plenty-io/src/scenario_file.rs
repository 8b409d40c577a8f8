//! Simulation scenario files (TOML) for `plenty simulate`: see
//! [`plenty_core::sim::ScenarioFile`] for the fields and `examples/simulate/` for examples.
//!
//! A file with `[regime]` is one scenario; a file with `[regimes.NAME]` tables is several
//! scenarios that share the economy, the people, the behaviour, the shocks and the seed.
//! Errors name the line and column (a TOML or type error) or the line of the field the core
//! rejected.

use crate::error::{read_text, IoError, Result};
use crate::spec::toml_error;
use plenty_core::sim::{Scenario, ScenarioFile, SimError};
use std::path::Path;

/// Reads the scenarios of a file, each checked by building it once.
pub fn read_scenarios(path: &Path) -> Result<Vec<Scenario>> {
    let text = read_text(path)?;
    parse_scenarios(path, &text)
}

/// Parses the text of a scenario file (`path` is for the messages).
pub fn parse_scenarios(path: &Path, text: &str) -> Result<Vec<Scenario>> {
    let file: ScenarioFile = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    let scenarios = file.scenarios().map_err(|e| located(path, text, &e))?;
    for s in &scenarios {
        s.check().map_err(|e| located(path, text, &e))?;
    }
    Ok(scenarios)
}

/// A core error about a field, pointed at the line that holds it where the text shows it: the
/// sector or group named in the field (`economy.sectors[2] (grain).labour` → the line of
/// `name = "grain"`), else the first line that sets the field's last key.
pub fn located(path: &Path, text: &str, e: &SimError) -> IoError {
    let message = format!("{}: {}", e.field, e.message);
    let named = e
        .field
        .split_once(" (")
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(name, _)| format!("name = \"{name}\""));
    let key = e
        .field
        .rsplit('.')
        .next()
        .map(|k| k.split('[').next().unwrap_or(k).to_string());
    let line = text.lines().position(|l| {
        let l = l.trim_start();
        match (&named, &key) {
            (Some(n), _) => l.starts_with(n.as_str()),
            (None, Some(k)) => l.starts_with(&format!("{k} ")) || l.starts_with(&format!("{k}=")),
            _ => false,
        }
    });
    match line {
        Some(i) => IoError::at_line(path, i + 1, message),
        None => IoError::file(path, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_16_scenario_errors_name_the_line() {
        let path = Path::new("s.toml");
        let text = "name = \"x\"\nyears = 2\n[economy]\ngroups = []\n[regime]\nkind = \"democratic\"\ndeductions = { investment = 0.2, common_goods = 0.1, care = 0.0 }\nsurplus = 1\n";
        let e = parse_scenarios(path, text).unwrap_err().to_string();
        assert!(e.contains("s.toml:5") && e.contains("surplus"), "{e}");
        let text = "name = \"x\"\nyears = 2\n[economy]\ngroups = []\n";
        let e = parse_scenarios(path, text).unwrap_err().to_string();
        assert!(e.contains("no regime"), "{e}");
        // A field the core rejects: the line of the sector that holds it.
        let example = include_str!("../../../examples/simulate/ussr_1928.toml");
        let bad = example.replace("labour = 600.0", "labour = -600.0");
        let e = parse_scenarios(path, &bad).unwrap_err().to_string();
        let line = example
            .lines()
            .position(|l| l.starts_with("name = \"livestock\""))
            .unwrap()
            + 1;
        assert!(
            e.contains(&format!("s.toml:{line}")) && e.contains("(livestock).labour"),
            "{e}"
        );
    }
}
