//! Passwords, sessions, CSRF tokens, API tokens, pseudonyms and sign-in rate limits.
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

/// Failed sign-ins per key (e-mail or address) within a sliding minute.
pub struct RateLimiter {
    failures: Mutex<HashMap<String, Vec<i64>>>,
    /// Failures allowed per window.
    pub limit: usize,
    /// The window, milliseconds.
    pub window_ms: i64,
}

impl RateLimiter {
    /// At most `limit` failures per `window_ms`.
    pub fn new(limit: usize, window_ms: i64) -> Self {
        RateLimiter {
            failures: Mutex::new(HashMap::new()),
            limit,
            window_ms,
        }
    }

    /// Seconds to wait if `key` is over its limit.
    pub fn blocked(&self, key: &str, now_ms: i64) -> Option<i64> {
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let v = f.entry(key.to_string()).or_default();
        v.retain(|t| now_ms - t < self.window_ms);
        if v.len() >= self.limit {
            let oldest = v.iter().min().copied().unwrap_or(now_ms);
            Some(((oldest + self.window_ms - now_ms) / 1000).max(1))
        } else {
            None
        }
    }

    /// Records a failure.
    pub fn fail(&self, key: &str, now_ms: i64) {
        let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        // Bound the memory an attacker can make us use with many keys.
        if f.len() > 100_000 {
            f.retain(|_, v| v.iter().any(|t| now_ms - t < self.window_ms));
        }
        f.entry(key.to_string()).or_default().push(now_ms);
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
    fn the_rate_limit_blocks_after_the_limit() {
        let r = RateLimiter::new(3, 60_000);
        for _ in 0..3 {
            assert!(r.blocked("a", 0).is_none());
            r.fail("a", 0);
        }
        assert!(r.blocked("a", 1000).is_some());
        assert!(r.blocked("b", 1000).is_none());
        assert!(r.blocked("a", 61_000).is_none());
    }
}
