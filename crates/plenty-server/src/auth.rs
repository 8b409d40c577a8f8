//! Passwords, sessions, CSRF tokens, API tokens, pseudonyms, device cookies and sign-in limits.
//!
//! * Passwords are hashed with argon2id (the `argon2` crate's defaults, a random salt each).
//! * A session is a random 256-bit token in an `HttpOnly; Secure; SameSite=Strict` cookie; the
//!   database keeps only its SHA-256.
//! * A state-changing request authenticated by the cookie must carry `X-CSRF-Token`: a token
//!   bound to the session and to the time it was issued,
//!   `issued_ms.HMAC(secret, "csrf" ‖ session hash ‖ issued_ms)`, valid for a set time (two
//!   hours by default). A forged or expired token is refused and changes nothing.
//! * API tokens (`Authorization: Bearer …`) are random 256-bit tokens, stored hashed. They are
//!   not sent by browsers on their own, so they need no CSRF token.
//! * Sign-ins are slowed down per key ([`Throttle`]: counted before verifying, waits doubling
//!   after five failures, a bounded table); a browser holding its account's device cookie
//!   ([`device_cookie`]) is exempt from the account's count, so nobody can lock a member out.
//! * A member's pseudonym in a round is `HMAC(secret, "round" ‖ round ‖ member)`, truncated to
//!   128 bits: stable within the round (a second ballot replaces the first), unlinkable across
//!   rounds and to the member without the secret.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::Mutex;

type HmacSha256 = Hmac<Sha256>;

/// A new random token, hex.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    // The OS generator does not fail on the systems we run on; if it does, no token is better
    // than a predictable one.
    getrandom::fill(&mut b).expect("the operating system's random generator");
    hex::encode(b)
}

/// SHA-256 of a token, hex: what the database stores.
pub fn token_hash(token: &str) -> String {
    plenty_io::hash::hash_bytes(token.as_bytes())
}

/// Hashes a password with argon2id.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for a salt: {e}"))?;
    let salt = SaltString::encode_b64(&bytes).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))
}

/// Whether a password matches its stored hash.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

fn mac(secret: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut m = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
    for p in parts {
        m.update(p);
        m.update(b"\n");
    }
    m.finalize().into_bytes().to_vec()
}

/// What a pseudonym signs. Each kind has its own pseudonym, so that a member's needs,
/// proposals and ballot in a round cannot be linked to one another (issue #14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signing {
    /// Ballots (the pseudonym a member keeps as their receipt).
    Ballot,
    /// Needs.
    Need,
    /// Proposals.
    Proposal,
    /// Supports of proposals (issue #15): a member's support cannot be linked to their
    /// proposals, needs or ballot.
    Support,
    /// The member's labour-time account (issue #16): one pseudonym for all time (round 0, the
    /// first key), so that their balance carries over from round to round.
    Account,
}

impl Signing {
    /// The HMAC's domain. Ballots keep the domain of plenty 0.1 (`round`), so that a round
    /// under way when the service is upgraded keeps its voters' pseudonyms (a second ballot
    /// must still replace the first).
    fn domain(self) -> &'static [u8] {
        match self {
            Signing::Ballot => b"round",
            Signing::Need => b"need",
            Signing::Proposal => b"proposal",
            Signing::Support => b"support",
            Signing::Account => b"account",
        }
    }
}

/// A member's pseudonym of one kind in a round: `HMAC(key, kind ‖ round ‖ member)`, 128 bits.
pub fn pseudonym(secret: &[u8], kind: Signing, round: u64, member: u64) -> String {
    let m = mac(
        secret,
        &[
            kind.domain(),
            round.to_string().as_bytes(),
            member.to_string().as_bytes(),
        ],
    );
    hex::encode(&m[..16])
}

/// A CSRF token for a session, issued at `now_ms`.
pub fn csrf_token(secret: &[u8], session_hash: &str, now_ms: i64) -> String {
    let m = mac(
        secret,
        &[
            b"csrf",
            session_hash.as_bytes(),
            now_ms.to_string().as_bytes(),
        ],
    );
    format!("{now_ms}.{}", hex::encode(m))
}

/// Why a CSRF token was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum CsrfError {
    /// No token sent.
    Missing,
    /// Not issued for this session by this service.
    Invalid,
    /// Issued too long ago.
    Expired,
}

/// Checks a CSRF token against the session and its age.
pub fn check_csrf(
    secret: &[u8],
    session_hash: &str,
    token: Option<&str>,
    now_ms: i64,
    ttl_ms: i64,
) -> Result<(), CsrfError> {
    let token = token.ok_or(CsrfError::Missing)?;
    let (issued, sig) = token.split_once('.').ok_or(CsrfError::Invalid)?;
    let issued: i64 = issued.parse().map_err(|_| CsrfError::Invalid)?;
    let sig = hex::decode(sig).map_err(|_| CsrfError::Invalid)?;
    let mut m = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
    for p in [
        b"csrf".as_slice(),
        session_hash.as_bytes(),
        issued.to_string().as_bytes(),
    ] {
        m.update(p);
        m.update(b"\n");
    }
    // Constant-time comparison.
    m.verify_slice(&sig).map_err(|_| CsrfError::Invalid)?;
    if now_ms - issued > ttl_ms || issued > now_ms + 60_000 {
        return Err(CsrfError::Expired);
    }
    Ok(())
}

/// A device cookie: issued to a browser when its member signs in, it exempts that browser from
/// the per-account slow-down, so that nobody can slow a member's own devices down by guessing
/// at their account (OWASP's "device cookies"). `member.nonce.HMAC(secret, "device" ‖ member ‖
/// nonce)`.
pub fn device_cookie(secret: &[u8], member: u64) -> String {
    let nonce = &random_token()[..32];
    let m = mac(
        secret,
        &[b"device", member.to_string().as_bytes(), nonce.as_bytes()],
    );
    format!("{member}.{nonce}.{}", hex::encode(m))
}

/// Whether a device cookie was issued by this service to a browser of `member`.
pub fn check_device_cookie(secret: &[u8], member: u64, cookie: &str) -> bool {
    let mut parts = cookie.splitn(3, '.');
    let (Some(m), Some(nonce), Some(sig)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    if m != member.to_string() || nonce.len() > 64 {
        return false;
    }
    let Ok(sig) = hex::decode(sig) else {
        return false;
    };
    let mut h = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
    for p in [b"device".as_slice(), m.as_bytes(), nonce.as_bytes()] {
        h.update(p);
        h.update(b"\n");
    }
    h.verify_slice(&sig).is_ok()
}

/// Sign-in attempts of one key (an address or an account).
#[derive(Debug, Clone, Copy, Default)]
struct Strikes {
    /// Failed attempts not yet forgotten.
    failures: u32,
    /// Attempts being verified now (counted as failures until they end).
    in_flight: u32,
    /// When the last attempt started or failed, ms.
    last: i64,
}

/// How sign-ins are slowed down: after `free` failures of a key, each further attempt waits
/// `base_ms · 2^(failures − free)` (at most `max_ms`) after the last one; attempts are
/// counted when they start, so concurrent guesses cannot race past the count. A key's
/// failures are forgotten `forget_ms` after its last attempt. The table holds at most `cap`
/// keys: when full, forgotten keys go first, then the longest quiet one.
pub struct Throttle {
    keys: Mutex<HashMap<String, Strikes>>,
    /// Failures before any wait.
    pub free: u32,
    /// The first wait, ms.
    pub base_ms: i64,
    /// The longest wait, ms.
    pub max_ms: i64,
    /// Quiet time after which failures are forgotten, ms.
    pub forget_ms: i64,
    /// Most keys held.
    pub cap: usize,
}

/// One attempt counted by a [`Throttle`]: ends as a failure unless [`Attempt::succeeded`] is
/// called (a request dropped half-way counts as a failure).
pub struct Attempt {
    throttle: std::sync::Arc<Throttle>,
    key: String,
    outcome: Option<bool>,
    /// Whether a success forgets the key's failures (an account: yes; an address: no, or a
    /// guesser could clear their address by signing in to an account of their own).
    reset_on_success: bool,
}

impl Attempt {
    /// The attempt succeeded.
    pub fn succeeded(mut self) {
        self.outcome = Some(true);
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        let ok = self.outcome == Some(true);
        let mut keys = self.throttle.keys.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = keys.get_mut(&self.key) {
            s.in_flight = s.in_flight.saturating_sub(1);
            if ok && self.reset_on_success {
                s.failures = 0;
            } else if !ok {
                s.failures = s.failures.saturating_add(1);
            }
        }
    }
}

impl Throttle {
    /// A throttle with these parameters.
    pub fn new(free: u32, base_ms: i64, max_ms: i64, forget_ms: i64, cap: usize) -> Self {
        Throttle {
            keys: Mutex::new(HashMap::new()),
            free,
            base_ms,
            max_ms,
            forget_ms,
            cap,
        }
    }

    /// The wait after `strikes` counted attempts (0 while within `free`).
    pub fn wait_ms(&self, strikes: u32) -> i64 {
        if strikes < self.free {
            return 0;
        }
        let doublings = (strikes - self.free).min(40);
        self.base_ms
            .saturating_mul(1i64 << doublings)
            .min(self.max_ms)
    }

    /// Starts an attempt of `key` at `now_ms`, or says how many seconds to wait.
    pub fn begin(
        self: &std::sync::Arc<Self>,
        key: &str,
        now_ms: i64,
        reset_on_success: bool,
    ) -> Result<Attempt, i64> {
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        if !keys.contains_key(key) && keys.len() >= self.cap {
            keys.retain(|_, s| s.in_flight > 0 || now_ms - s.last < self.forget_ms);
            if keys.len() >= self.cap {
                let quiet = keys
                    .iter()
                    .filter(|(_, s)| s.in_flight == 0)
                    .min_by_key(|(_, s)| s.last)
                    .map(|(k, _)| k.clone());
                match quiet {
                    Some(k) => {
                        keys.remove(&k);
                    }
                    // Every key has an attempt under way: refuse rather than grow.
                    None => return Err(1),
                }
            }
        }
        let s = keys.entry(key.to_string()).or_default();
        if s.in_flight == 0 && now_ms - s.last >= self.forget_ms {
            s.failures = 0;
        }
        let wait = self.wait_ms(s.failures.saturating_add(s.in_flight));
        if wait > 0 && now_ms < s.last + wait {
            return Err(((s.last + wait - now_ms + 999) / 1000).max(1));
        }
        s.in_flight += 1;
        s.last = now_ms;
        Ok(Attempt {
            throttle: self.clone(),
            key: key.to_string(),
            outcome: None,
            reset_on_success,
        })
    }

    /// Keys held now.
    pub fn len(&self) -> usize {
        self.keys.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether it holds no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct horsf", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn csrf_tokens_are_bound_to_session_and_time() {
        let s = b"secret";
        let t = csrf_token(s, "abc", 1_000_000);
        assert_eq!(check_csrf(s, "abc", Some(&t), 1_000_500, 10_000), Ok(()));
        assert_eq!(
            check_csrf(s, "abd", Some(&t), 1_000_500, 10_000),
            Err(CsrfError::Invalid)
        );
        assert_eq!(
            check_csrf(b"other", "abc", Some(&t), 1_000_500, 10_000),
            Err(CsrfError::Invalid)
        );
        assert_eq!(
            check_csrf(s, "abc", Some(&t), 1_020_000, 10_000),
            Err(CsrfError::Expired)
        );
        assert_eq!(check_csrf(s, "abc", None, 0, 1), Err(CsrfError::Missing));
        let forged = format!("2000000.{}", t.split_once('.').unwrap().1);
        assert_eq!(
            check_csrf(s, "abc", Some(&forged), 2_000_000, 10_000),
            Err(CsrfError::Invalid)
        );
    }

    #[test]
    fn pseudonyms_differ_by_round_and_member() {
        let s = b"k";
        let b = Signing::Ballot;
        assert_eq!(pseudonym(s, b, 1, 2), pseudonym(s, b, 1, 2));
        assert_ne!(pseudonym(s, b, 1, 2), pseudonym(s, b, 2, 2));
        assert_ne!(pseudonym(s, b, 1, 2), pseudonym(s, b, 1, 3));
        assert_eq!(pseudonym(s, b, 1, 2).len(), 32);
    }

    /// Issue 14: one pseudonym per round signed a member's needs, proposals and ballot, so
    /// they could be linked. Each kind now has its own.
    #[test]
    fn issue_14_needs_proposals_and_ballots_have_separate_pseudonyms() {
        let s = b"k";
        let [b, n, p] =
            [Signing::Ballot, Signing::Need, Signing::Proposal].map(|k| pseudonym(s, k, 1, 2));
        assert!(b != n && n != p && b != p);
    }

    #[test]
    fn device_cookies_are_bound_to_their_member() {
        let c = device_cookie(b"k", 5);
        assert!(check_device_cookie(b"k", 5, &c));
        assert!(!check_device_cookie(b"k", 6, &c));
        assert!(!check_device_cookie(b"other", 5, &c));
        assert!(!check_device_cookie(b"k", 5, "5.x.00"));
        assert!(!check_device_cookie(b"k", 5, ""));
    }

    /// Issue #14, finding 5: attempts are counted when they start, waits double, a success
    /// of an account forgets its failures, and the table stays bounded.
    #[test]
    fn issue_14_the_throttle_counts_before_verifying_and_stays_bounded() {
        let t = std::sync::Arc::new(Throttle::new(3, 1000, 60_000, 3_600_000, 4));
        // Five concurrent attempts: three start, two wait.
        let started: Vec<_> = (0..5).map(|_| t.begin("a", 0, true)).collect();
        assert_eq!(started.iter().filter(|a| a.is_ok()).count(), 3);
        drop(started);
        // Three failures: the next waits 1 s, then 2 s, 4 s …
        assert_eq!(t.begin("a", 500, true).err(), Some(1));
        let a = t.begin("a", 1000, true).unwrap();
        drop(a);
        assert!(t.begin("a", 2500, true).is_err());
        let a = t.begin("a", 3000, true).unwrap();
        a.succeeded();
        assert!(t.begin("a", 3001, true).is_ok(), "a success forgets");
        assert_eq!(t.wait_ms(100), 60_000);
        // Bounded: a full table drops its quietest key.
        for k in 0..10 {
            drop(t.begin(&format!("k{k}"), 10_000 + k, true));
        }
        assert!(t.len() <= 4);
    }
}
