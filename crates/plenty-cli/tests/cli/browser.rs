//! `plenty serve` end to end in a real headless Chromium: starts the binary on a fresh demo
//! database and runs `node tests/browser/e2e.mjs` against it (sign-in, needs, delegations,
//! ballots, a CSRF attack, the count checked by hand, the plan and its plots, the audit; and,
//! for issue #15, the pages a member uses without a facilitator explaining them: proposals and
//! their discussion, a typo asked about, needs changed and withdrawn, the facilitator's page,
//! the calendar, the log in words and the receipt check; with axe-core, contrast and
//! phone-layout checks of every page as a visitor, a member and the facilitator, on a desktop
//! and a phone; see tests/browser/README.md).
//!
//! It needs Node, `npm ci` in tests/browser and Chromium (`$CHROMIUM` or /usr/bin/chromium).
//! When one is missing the test says so and passes, unless `PLENTY_REQUIRE_BROWSER` is set (as
//! in CI): then it fails.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::root;

/// Kills the server (and removes its directory) however the test ends.
struct Server {
    child: Child,
    dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Why the browser test cannot run here, if it cannot.
fn missing() -> Option<String> {
    let node = Command::new("node")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !node {
        return Some("there is no `node` on the PATH".into());
    }
    let pw = root().join("tests/browser/node_modules/playwright-core");
    if !pw.exists() {
        return Some(format!(
            "{} is missing (run `npm ci` in tests/browser)",
            pw.display()
        ));
    }
    let chromium = std::env::var_os("CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if !chromium.exists() {
        return Some(format!(
            "there is no Chromium at {} (apt-get install chromium, or set CHROMIUM)",
            chromium.display()
        ));
    }
    None
}

#[test]
fn issue_4_browser_end_to_end() {
    let test = "issue_4_browser_end_to_end";
    if let Some(why) = missing() {
        assert!(
            std::env::var_os("PLENTY_REQUIRE_BROWSER").is_none(),
            "{test}: PLENTY_REQUIRE_BROWSER is set but {why}"
        );
        println!("skipped {test}: {why}");
        return;
    }
    let started = Instant::now();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("plenty-browser-{}-{nanos}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("db.sqlite3");
    let child = Command::new(env!("CARGO_BIN_EXE_plenty"))
        .args(["serve", "--db"])
        .arg(&db)
        .args(["--demo", "--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the plenty binary starts");
    let mut server = Server { child, dir };

    // The address from the line `plenty serve: listening on http://127.0.0.1:PORT (...)`; the
    // rest of the server's output is passed on, so that a failure shows it.
    let stdout = server.child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            println!("server: {line}");
            if let Some(rest) = line.strip_prefix("plenty serve: listening on ") {
                if let Some(t) = tx.take() {
                    let _ = t.send(rest.split_whitespace().next().unwrap_or("").to_string());
                }
            }
        }
    });
    let url = match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(url) => url,
        Err(_) => {
            let status = server.child.try_wait().ok().flatten();
            panic!("{test}: the server did not say where it listens within 30 s (exit status: {status:?})");
        }
    };
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "{test}: unexpected address {url:?}"
    );
    println!(
        "{test}: server at {url} ({:.1} s)",
        started.elapsed().as_secs_f64()
    );

    // Screenshots and axe's results stay for a look after the run (each run overwrites the
    // last): in $PLENTY_BROWSER_ARTIFACTS when it is set (CI keeps them), else in the
    // temporary directory.
    let artifacts = std::env::var_os("PLENTY_BROWSER_ARTIFACTS").map_or_else(
        || std::env::temp_dir().join("plenty-browser-artifacts"),
        |p| root().join(p),
    );
    let status = Command::new("node")
        .arg("tests/browser/e2e.mjs")
        .arg(&url)
        .env("PLENTY_BROWSER_ARTIFACTS", &artifacts)
        .current_dir(root())
        .status()
        .expect("node runs");
    println!(
        "{test}: the browser run took {:.1} s; screenshots, axe-results.json and problems.json in {}",
        started.elapsed().as_secs_f64(),
        artifacts.display()
    );
    assert!(
        status.success(),
        "{test}: the browser checks failed ({status}); see the output above"
    );
    // The server is still up after all that.
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "{test}: the server exited during the run"
    );
    drop(server);
}
