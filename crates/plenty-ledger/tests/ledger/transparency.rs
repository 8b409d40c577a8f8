//! The log as a transparency log (issue #14): the Merkle tree against a naive recursive
//! implementation of RFC 9162's definitions, proofs that fail when tampered with, the
//! checkpoint's text format, and the two attacks of the issue, which the hash chain alone
//! does not see and a checkpoint does.

use crate::ledger::{a_round, position, pseudonym, seal};
use plenty_ledger::merkle::{
    empty_root, leaf_hash, node_hash, verify_consistency, verify_inclusion, Hash, MerkleTree,
};
use plenty_ledger::*;
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// The definitions of RFC 9162 §2.1, written as recursions over slices: the oracle.

fn k_of(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

fn mth(d: &[Hash]) -> Hash {
    match d.len() {
        0 => empty_root(),
        1 => leaf_hash(&d[0]),
        n => {
            let k = k_of(n);
            node_hash(&mth(&d[..k]), &mth(&d[k..]))
        }
    }
}

fn path(m: usize, d: &[Hash]) -> Vec<Hash> {
    let n = d.len();
    if n <= 1 {
        return vec![];
    }
    let k = k_of(n);
    if m < k {
        let mut p = path(m, &d[..k]);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = path(m - k, &d[k..]);
        p.push(mth(&d[..k]));
        p
    }
}

fn subproof(m: usize, d: &[Hash], b: bool) -> Vec<Hash> {
    let n = d.len();
    if m == n {
        return if b { vec![] } else { vec![mth(d)] };
    }
    let k = k_of(n);
    if m <= k {
        let mut p = subproof(m, &d[..k], b);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = subproof(m - k, &d[k..], false);
        p.push(mth(&d[..k]));
        p
    }
}

fn leaves(n: usize, salt: u8) -> Vec<Hash> {
    (0..n)
        .map(|i| {
            let mut h = [salt; 32];
            h[..8].copy_from_slice(&(i as u64).to_le_bytes());
            Hash(h)
        })
        .collect()
}

#[test]
fn the_empty_tree_is_the_hash_of_nothing() {
    assert_eq!(
        MerkleTree::new().root(0).unwrap().to_hex(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn every_size_up_to_70_matches_the_definitions() {
    let d = leaves(70, 7);
    let t = MerkleTree::from_leaves(&d);
    for n in 0..=70usize {
        let root = t.root(n as u64).unwrap();
        assert_eq!(root, mth(&d[..n]), "root of {n}");
        for m in 0..n {
            let p = t.inclusion_proof(m as u64, n as u64).unwrap();
            assert_eq!(p, path(m, &d[..n]), "PATH({m}, D[{n}])");
            verify_inclusion(&d[m], m as u64, n as u64, &p, &root).unwrap();
        }
        for m in 0..=n {
            let p = t.consistency_proof(m as u64, n as u64).unwrap();
            let expected = if m == 0 || m == n {
                vec![]
            } else {
                subproof(m, &d[..n], true)
            };
            assert_eq!(p, expected, "PROOF({m}, D[{n}])");
            verify_consistency(m as u64, n as u64, &mth(&d[..m]), &root, &p).unwrap();
        }
    }
}

#[test]
fn out_of_range_requests_are_refused() {
    let t = MerkleTree::from_leaves(&leaves(5, 1));
    assert!(matches!(
        t.root(6),
        Err(ProofError::OutOfRange { value: 6, .. })
    ));
    assert!(t.inclusion_proof(5, 5).is_err());
    assert!(t.inclusion_proof(0, 6).is_err());
    assert!(matches!(
        t.consistency_proof(4, 3),
        Err(ProofError::Backwards { .. })
    ));
    assert!(t.consistency_proof(3, 6).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random sizes, leaves and positions: the incremental tree's roots and proofs are the
    /// definitions', and they verify.
    #[test]
    fn proofs_match_the_definitions(n in 1usize..600, salt in any::<u8>(), a in any::<u64>(), b in any::<u64>()) {
        let d = leaves(n, salt);
        let t = MerkleTree::from_leaves(&d);
        let size = 1 + (a as usize % n);
        let index = b as usize % size;
        let root = t.root(size as u64).unwrap();
        prop_assert_eq!(root, mth(&d[..size]));
        let p = t.inclusion_proof(index as u64, size as u64).unwrap();
        prop_assert_eq!(&p, &path(index, &d[..size]));
        prop_assert!(verify_inclusion(&d[index], index as u64, size as u64, &p, &root).is_ok());
        let from = b as usize % (size + 1);
        let c = t.consistency_proof(from as u64, size as u64).unwrap();
        prop_assert!(verify_consistency(from as u64, size as u64, &mth(&d[..from]), &root, &c).is_ok());
    }

    /// Any change to a proof, the leaf, its position, the size or a root is found.
    #[test]
    fn tampered_proofs_fail(n in 2usize..300, a in any::<u64>(), b in any::<u64>(), flip in any::<u8>()) {
        let d = leaves(n, 3);
        let t = MerkleTree::from_leaves(&d);
        let size = 2 + (a as usize % (n - 1));
        let index = b as usize % size;
        let root = t.root(size as u64).unwrap();
        let p = t.inclusion_proof(index as u64, size as u64).unwrap();
        let (s, i) = (size as u64, index as u64);
        // The proof of size ≥ 2 has at least one hash.
        let mut q = p.clone();
        let k = flip as usize % q.len();
        q[k].0[flip as usize % 32] ^= 1 << (flip % 8);
        prop_assert!(verify_inclusion(&d[index], i, s, &q, &root).is_err());
        prop_assert!(verify_inclusion(&d[(index + 1) % size], i, s, &p, &root).is_err());
        prop_assert!(verify_inclusion(&d[index], (i + 1) % s, s, &p, &root).is_err());
        prop_assert!(verify_inclusion(&d[index], i, s, &p[..p.len() - 1], &root).is_err());
        let mut longer = p.clone();
        longer.push(root);
        prop_assert!(verify_inclusion(&d[index], i, s, &longer, &root).is_err());
        let other = t.root(s - 1).unwrap();
        prop_assert!(verify_inclusion(&d[index], i, s, &p, &other).is_err());

        // Consistency: a proof from m to size, against a rewritten old log.
        let m = 1 + (b as usize % (size - 1));
        let c = t.consistency_proof(m as u64, s).unwrap();
        let old = t.root(m as u64).unwrap();
        prop_assert!(verify_consistency(m as u64, s, &old, &root, &c).is_ok());
        let mut rewritten = d[..m].to_vec();
        rewritten[flip as usize % m].0[0] ^= 0x80;
        prop_assert!(verify_consistency(m as u64, s, &mth(&rewritten), &root, &c).is_err());
        prop_assert!(verify_consistency(m as u64, s, &old, &other, &c).is_err());
        let mut q = c.clone();
        let k = flip as usize % q.len();
        q[k].0[3] ^= 4;
        prop_assert!(verify_consistency(m as u64, s, &old, &root, &q).is_err());
        prop_assert!(verify_consistency(m as u64, s, &old, &root, &c[..c.len() - 1]).is_err());
        prop_assert!(verify_consistency(m as u64, s, &old, &root, &[]).is_err());
    }
}

#[test]
fn a_consistency_proof_between_equal_sizes_is_empty_and_needs_equal_roots() {
    let t = MerkleTree::from_leaves(&leaves(9, 2));
    let r = t.root(9).unwrap();
    assert!(verify_consistency(9, 9, &r, &r, &[]).is_ok());
    assert!(verify_consistency(9, 9, &r, &t.root(8).unwrap(), &[]).is_err());
    assert!(verify_consistency(0, 9, &empty_root(), &r, &[]).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Checkpoints.

fn key(name: &str, seed: u8) -> LogSigningKey {
    LogSigningKey::from_seed(name, [seed; 32]).unwrap()
}

fn checkpoint_of(entries: &[Entry], size: usize, k: &LogSigningKey) -> SignedCheckpoint {
    let t = tree_of(entries);
    k.sign(Checkpoint {
        origin: k.name().to_string(),
        size: size as u64,
        root: t.root(size as u64).unwrap(),
        head: if size == 0 {
            Hash::default()
        } else {
            t.leaf(size as u64 - 1).unwrap()
        },
    })
}

#[test]
fn a_checkpoint_reads_back_and_verifies() {
    let k = key("plenty-log/valley", 9);
    let entries = seal(&a_round());
    let cp = checkpoint_of(&entries, 12, &k);
    let text = cp.to_text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "plenty-log/valley");
    assert_eq!(lines[1], "12");
    assert_eq!(lines[3], format!("head {}", entries[11].hash));
    assert_eq!(lines[4], "");
    assert!(
        lines[5].starts_with("\u{2014} plenty-log/valley "),
        "{text}"
    );
    let back = SignedCheckpoint::parse(&text).unwrap();
    assert_eq!(back, cp);
    back.verify(&k.verifier()).unwrap();
    // Through JSON (receipts carry it as a string), and with CRLF line ends (mail).
    let json = serde_json::to_string(&cp).unwrap();
    assert_eq!(serde_json::from_str::<SignedCheckpoint>(&json).unwrap(), cp);
    assert_eq!(
        SignedCheckpoint::parse(&text.replace('\n', "\r\n")).unwrap(),
        cp
    );
    // The published key and the key file read back.
    let v = LogVerifier::parse(&k.verifier().to_text()).unwrap();
    assert_eq!(v, k.verifier());
    assert!(k.verifier().to_text().starts_with("plenty-log/valley+"));
    let again = LogSigningKey::parse(&k.to_text()).unwrap();
    assert_eq!(again.verifier(), k.verifier());
    assert!(
        !format!("{k:?}").contains(&k.to_text()[20..]),
        "Debug hides the key"
    );
    // A bare hexadecimal public key verifies too.
    let hex = LogVerifier::parse(&k.verifier().public_hex()).unwrap();
    cp.verify(&hex).unwrap();
}

/// Base64 has `+` in its alphabet, which also separates a key's fields: keys whose base64
/// has a `+` read back (the first end-to-end run drew one).
#[test]
fn every_key_reads_back_whatever_its_base64() {
    let mut with_plus = 0;
    for seed in 0..=255u8 {
        let k = key("plenty-log/valley", seed);
        let text = k.verifier().to_text();
        with_plus += usize::from(text.matches('+').count() > 2);
        assert_eq!(LogVerifier::parse(&text).unwrap(), k.verifier(), "{text}");
        assert_eq!(
            LogSigningKey::parse(&k.to_text()).unwrap().verifier(),
            k.verifier()
        );
    }
    assert!(with_plus > 0);
}

#[test]
fn a_changed_checkpoint_or_another_key_does_not_verify() {
    let k = key("plenty-log/valley", 9);
    let entries = seal(&a_round());
    let cp = checkpoint_of(&entries, 12, &k);
    let changed = cp.to_text().replacen("\n12\n", "\n13\n", 1);
    let err = SignedCheckpoint::parse(&changed)
        .unwrap()
        .verify(&k.verifier())
        .unwrap_err();
    assert!(matches!(err, CheckpointError::BadSignature { .. }), "{err}");
    assert!(
        err.to_string().contains("changed after it was signed"),
        "{err}"
    );
    // Another key of the same name: its key id differs, so no line is its.
    let other = key("plenty-log/valley", 10);
    let err = cp.verify(&other.verifier()).unwrap_err();
    assert!(matches!(err, CheckpointError::NotSignedBy { .. }), "{err}");
    assert!(err.to_string().contains("GET /api/v1/log/key"), "{err}");
    // A witness co-signs: both keys verify it, and it reads back.
    let mut witnessed = cp.clone();
    let witness = key("witness.example/w1", 11);
    witnessed.cosign(&witness);
    let back = SignedCheckpoint::parse(&witnessed.to_text()).unwrap();
    back.verify(&k.verifier()).unwrap();
    back.verify(&witness.verifier()).unwrap();
    assert_eq!(back.signatures.len(), 2);
}

#[test]
fn a_malformed_checkpoint_names_its_line() {
    let k = key("plenty-log/valley", 9);
    let text = checkpoint_of(&seal(&a_round()), 3, &k).to_text();
    let lines: Vec<String> = text.lines().map(String::from).collect();
    let with = |k: usize, new: &str| {
        let mut l = lines.clone();
        l[k] = new.to_string();
        l.join("\n") + "\n"
    };
    let cases = [
        (with(0, "two words"), 1, "origin"),
        (with(1, "-3"), 2, "size"),
        (with(2, "not base64!"), 3, "root"),
        (with(3, "tail 00"), 4, "head"),
        (with(4, "x"), 5, "blank line"),
        (with(5, "- plenty-log/valley AAAA"), 6, "signature"),
        (with(5, "\u{2014} plenty-log/valley AAAA"), 6, "signature"),
        (lines[..2].join("\n"), 3, "root"),
        (lines[..5].join("\n") + "\n", 6, "signature"),
    ];
    for (text, line, field) in cases {
        match SignedCheckpoint::parse(&text) {
            Err(CheckpointError::Malformed {
                line: l,
                field: f,
                problem,
            }) => {
                assert_eq!((l, f), (line, field), "{problem}\n{text}");
                assert!(!problem.is_empty());
            }
            other => panic!("{text}: {other:?}"),
        }
    }
    let err = LogVerifier::parse("plenty-log/valley+0000+AAAA").unwrap_err();
    assert!(err.to_string().contains("third field"), "{err}");
    let mut vk = k.verifier().to_text();
    vk.replace_range(vk.find('+').unwrap() + 1..vk.find('+').unwrap() + 3, "zz");
    assert!(LogVerifier::parse(&vk).is_err());
    assert!(LogSigningKey::parse("not a key").is_err());
}

// ---------------------------------------------------------------------------------------------
// The attacks of issue #14, on the ledger: each verifies without a checkpoint and fails with
// one.

fn ballot_of(entries: &[Entry], member: MemberId) -> usize {
    entries
        .iter()
        .position(
            |e| matches!(&e.event, Event::BallotCast { voter, .. } if *voter == pseudonym(member)),
        )
        .unwrap()
}

fn receipt_of(entries: &[Entry], k: usize, size: usize, key: &LogSigningKey) -> InclusionReceipt {
    let t = tree_of(entries);
    InclusionReceipt {
        seq: k as u64 + 1,
        hash: t.leaf(k as u64).unwrap(),
        checkpoint: checkpoint_of(entries, size, key),
        proof: t.inclusion_proof(k as u64, size as u64).unwrap(),
    }
}

#[test]
fn issue_14_a_ballot_deleted_and_the_log_re_sealed_fails_against_a_checkpoint() {
    let k = key("plenty-log/valley", 9);
    let events = a_round();
    // The round while it is voting: every ballot cast, not yet closed.
    let voting = &events[..position(&events, "phase_advanced") + 6];
    assert!(matches!(voting.last(), Some(Event::BallotCast { .. })));
    let honest = seal(voting);
    let j = ballot_of(&honest, 4);
    let at_ballot = checkpoint_of(&honest, j + 1, &k);
    let at_end = checkpoint_of(&honest, honest.len(), &k);
    let receipt = receipt_of(&honest, j, j + 1, &k);
    receipt.verify(&k.verifier()).unwrap();
    receipt.verify_in_log(&k.verifier(), &honest).unwrap();

    let mut tampered: Vec<Event> = voting.to_vec();
    tampered.remove(j);
    let tampered = seal(&tampered);
    // The attack is real: the chain and the rules are satisfied.
    assert!(verify(&tampered, false).ok());

    let none = Expectations::default();
    let r = verify_against(
        &tampered,
        std::slice::from_ref(&at_ballot),
        &none,
        Some(&k.verifier()),
        false,
    );
    let b = r.history.clone().unwrap();
    assert_eq!(
        (b.kind, b.checkpoint),
        (BreakKind::Rewritten, Some(0)),
        "{b:?}"
    );
    assert!(
        b.message.contains("were changed, removed or inserted"),
        "{b}"
    );
    assert!(!r.ok());
    let r = verify_against(&tampered, &[at_end], &none, Some(&k.verifier()), false);
    let b = r.history.unwrap();
    assert_eq!(b.kind, BreakKind::Truncated, "{b:?}");
    assert!(
        b.message.contains(&format!(
            "the log has {} entries but the checkpoint of plenty-log/valley, signed at size {}, says it had {}: entries were removed from its end",
            honest.len() - 1,
            honest.len(),
            honest.len()
        )),
        "{b}"
    );
    // The member's receipt no longer verifies against the log.
    let b = receipt.verify_in_log(&k.verifier(), &tampered).unwrap_err();
    assert_eq!(b.kind, BreakKind::Rewritten, "{b}");
    assert!(b.message.contains(&format!("entry {}", j + 1)), "{b}");
    // With the honest log, every checkpoint holds, and expectations too.
    let r = verify_against(
        &honest,
        &[at_ballot],
        &Expectations {
            expect_head: Hash::from_hex(&honest[j].hash),
            min_size: Some(honest.len() as u64),
        },
        Some(&k.verifier()),
        false,
    );
    assert!(r.ok() && r.checkpoints_checked == 1, "{r:?}");
}

#[test]
fn issue_14_a_tail_cut_after_the_close_fails_against_a_checkpoint() {
    let k = key("plenty-log/valley", 9);
    let events = a_round();
    let honest = seal(&events);
    let close = position(&events, "tally_recorded") - 1;
    assert!(matches!(
        events[close],
        Event::PhaseAdvanced {
            to: Phase::Plan,
            ..
        }
    ));
    let cp = checkpoint_of(&honest, honest.len(), &k);
    let receipt = receipt_of(&honest, close + 1, honest.len(), &k);
    let tampered = honest[..close].to_vec();
    // The round is back in voting, and the log verifies.
    let (report, ledger) = verify_and_replay(&tampered, false);
    assert!(report.ok());
    assert_eq!(ledger.rounds[&1].phase, Phase::Voting);

    let r = verify_against(
        &tampered,
        &[cp],
        &Expectations::default(),
        Some(&k.verifier()),
        false,
    );
    let b = r.history.unwrap();
    assert_eq!(b.kind, BreakKind::Truncated);
    assert!(
        b.message.contains("entries were removed from its end"),
        "{b}"
    );
    // An auditor who kept only the head or the size finds it too.
    let r = verify_against(
        &tampered,
        &[],
        &Expectations {
            expect_head: Hash::from_hex(&honest.last().unwrap().hash),
            min_size: None,
        },
        None,
        false,
    );
    assert_eq!(r.history.unwrap().kind, BreakKind::HeadMissing);
    let r = verify_against(
        &tampered,
        &[],
        &Expectations {
            expect_head: None,
            min_size: Some(honest.len() as u64),
        },
        None,
        false,
    );
    assert_eq!(r.history.unwrap().kind, BreakKind::TooShort);
    // The receipt of the count is of an entry the log no longer has.
    let b = receipt.verify_in_log(&k.verifier(), &tampered).unwrap_err();
    assert_eq!(b.kind, BreakKind::Truncated, "{b}");
}

#[test]
fn a_checkpoint_signed_by_another_key_is_refused() {
    let k = key("plenty-log/valley", 9);
    let honest = seal(&a_round());
    let forged = checkpoint_of(&honest, 5, &key("plenty-log/valley", 1));
    let r = verify_against(
        &honest,
        &[forged],
        &Expectations::default(),
        Some(&k.verifier()),
        false,
    );
    assert_eq!(r.history.unwrap().kind, BreakKind::BadSignature);
}

#[test]
fn receipts_extend_to_later_checkpoints_by_consistency_proofs() {
    let k = key("plenty-log/valley", 9);
    let honest = seal(&a_round());
    let n = honest.len();
    let receipt = receipt_of(&honest, 4, 7, &k);
    let later = checkpoint_of(&honest, n, &k);
    let proof = consistency_from_log(&honest, 7, n as u64).unwrap();
    receipt
        .verify_with_later(&k.verifier(), &later, &proof)
        .unwrap();
    // A later checkpoint of a rewritten log: signed by the same key, but no proof joins them.
    let mut events = a_round();
    if let Event::CouncilFounded { name, .. } = &mut events[1] {
        *name = "forged".into();
    }
    let rewritten = seal(&events);
    let forged_later = checkpoint_of(&rewritten, n, &k);
    let proof = consistency_from_log(&rewritten, 7, n as u64).unwrap();
    let b = receipt
        .verify_with_later(&k.verifier(), &forged_later, &proof)
        .unwrap_err();
    assert_eq!(b.kind, BreakKind::Inconsistent, "{b}");
    // A later checkpoint that is smaller: the log was cut.
    let smaller = checkpoint_of(&honest, 6, &k);
    let b = check_consistency(&k.verifier(), &later, &smaller, &[]).unwrap_err();
    assert_eq!(b.kind, BreakKind::Truncated);
    // A receipt changed by hand does not verify.
    let mut changed = receipt.clone();
    changed.seq += 1;
    assert_eq!(
        changed.verify(&k.verifier()).unwrap_err().kind,
        BreakKind::NotIncluded
    );
}

/// What the service's hot path adds per entry, at a million entries: one append to the tree,
/// one inclusion proof, and (per batch) one root and one signature. `cargo test -p
/// plenty-ledger --test ledger -- --ignored cost_per_entry --nocapture` prints it.
#[test]
#[ignore]
fn cost_per_entry() {
    let n = 1_000_000u64;
    let d = leaves(n as usize, 5);
    let t0 = std::time::Instant::now();
    let t = MerkleTree::from_leaves(&d);
    let push = t0.elapsed().as_secs_f64() / n as f64;
    let t0 = std::time::Instant::now();
    for k in 0..10_000u64 {
        let size = n - (k % 1000);
        std::hint::black_box(
            t.inclusion_proof(size - 1 - (k * 7919) % 1000, size)
                .unwrap(),
        );
    }
    let proof = t0.elapsed().as_secs_f64() / 10_000.0;
    let k = key("plenty-log/bench", 1);
    let t0 = std::time::Instant::now();
    for s in 0..1000u64 {
        let size = n - s;
        std::hint::black_box(k.sign(Checkpoint {
            origin: "plenty-log/bench".into(),
            size,
            root: t.root(size).unwrap(),
            head: t.leaf(size - 1).unwrap(),
        }));
    }
    let sign = t0.elapsed().as_secs_f64() / 1000.0;
    eprintln!(
        "per entry: append {:.2} µs, inclusion proof {:.2} µs; per batch: root and signature {:.2} µs",
        push * 1e6,
        proof * 1e6,
        sign * 1e6
    );
}
