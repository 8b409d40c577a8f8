//! The log as a Merkle tree (RFC 9162 §2.1), so that anyone can check, with a few hashes, that
//! an entry is in the log ([inclusion](MerkleTree::inclusion_proof)) and that a later log
//! extends an earlier one without changing it ([consistency](MerkleTree::consistency_proof)).
//!
//! The leaves are the entries' 32-byte hashes ([`crate::chain`]), in order. For a list of
//! leaves `D[n] = {d(0), …, d(n−1)}` the Merkle Tree Hash is
//!
//! ```text
//!   MTH({})    = SHA-256()                                   (the empty string)
//!   MTH({d})   = SHA-256(0x00 ‖ d)                           (a leaf)
//!   MTH(D[n])  = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))   (k the largest power of 2 < n)
//! ```
//!
//! The prefixes 0x00 and 0x01 keep a leaf from being taken for an inner node (second
//! preimages). A tree of `n` leaves:
//!
//! ```text
//!   n = 6:            root
//!                   /      \
//!                 ·          ·          the left subtree is complete (k = 4 leaves),
//!               /   \      /   \        the right one holds the other n − k
//!              ·     ·    d4    d5
//!             / \   / \
//!            d0 d1 d2 d3
//! ```
//!
//! [`MerkleTree`] keeps the hash of every complete, aligned subtree (level `h`, index `i`:
//! the leaves `i·2^h … (i+1)·2^h − 1`): appending a leaf costs at most `log₂ n` hashes, and the
//! root or a proof for any size `m ≤ n` needs only the `O(log m)` subtrees that are not
//! complete, so it costs `O(log n)` hashes.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// A SHA-256 digest: an entry's hash, a node of the tree, or its root. Written as 64
/// lowercase hexadecimal digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// Reads 64 hexadecimal digits.
    pub fn from_hex(s: &str) -> Option<Hash> {
        let s = s.trim();
        if s.len() != 64 || !s.is_ascii() {
            return None;
        }
        let mut out = [0u8; 32];
        for (k, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * k..2 * k + 2], 16).ok()?;
        }
        Some(Hash(out))
    }

    /// The 64 lowercase hexadecimal digits.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl FromStr for Hash {
    type Err = String;
    fn from_str(s: &str) -> Result<Hash, String> {
        Hash::from_hex(s).ok_or_else(|| {
            format!("`{s}` is not a hash: a hash is 64 hexadecimal digits (SHA-256)")
        })
    }
}

impl Serialize for Hash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Hash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Hash, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// `SHA-256(0x00 ‖ leaf)`: the hash of a leaf (here an entry's hash).
pub fn leaf_hash(leaf: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(leaf.0);
    Hash(h.finalize().into())
}

/// `SHA-256(0x01 ‖ left ‖ right)`: the hash of an inner node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left.0);
    h.update(right.0);
    Hash(h.finalize().into())
}

/// `MTH({}) = SHA-256()`: the root of the empty log.
pub fn empty_root() -> Hash {
    Hash(Sha256::digest(b"").into())
}

/// The largest power of two smaller than `n` (`n ≥ 2`): the size of the left subtree.
fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// Why a proof was not given or does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// A size or index past what the tree holds.
    #[error("{what} is {value}, but the log has only {size} entries: ask for a size up to {size}")]
    OutOfRange {
        /// What was asked for (`size`, `leaf index`, …).
        what: &'static str,
        /// Its value.
        value: u64,
        /// The tree's size.
        size: u64,
    },
    /// `from` is larger than `to`.
    #[error("a consistency proof goes from a smaller size to a larger one; {from} > {to}")]
    Backwards {
        /// The older size.
        from: u64,
        /// The newer size.
        to: u64,
    },
    /// The proof has the wrong number of hashes for the sizes it is about.
    #[error("the proof has {got} hashes, but a proof for these sizes has {expected}")]
    WrongLength {
        /// Hashes in the proof.
        got: usize,
        /// Hashes it should have.
        expected: usize,
    },
    /// The hashes do not lead to the root (or roots) given.
    #[error("the proof does not lead to the root: {0}")]
    Mismatch(&'static str),
}

/// An append-only Merkle tree over the log's entry hashes.
///
/// `levels[h][i]` is the hash of the complete subtree of `2^h` leaves starting at leaf
/// `i·2^h`; `levels[0]` holds the leaf hashes. A subtree is stored once it is complete, so
/// `levels[h].len() = ⌊n / 2^h⌋`, and the memory is about `2n` hashes.
#[derive(Debug, Clone, Default)]
pub struct MerkleTree {
    leaves: Vec<Hash>,
    levels: Vec<Vec<Hash>>,
}

impl MerkleTree {
    /// The empty tree.
    pub fn new() -> MerkleTree {
        MerkleTree::default()
    }

    /// The tree of these leaves (entry hashes), in order.
    pub fn from_leaves<'a>(leaves: impl IntoIterator<Item = &'a Hash>) -> MerkleTree {
        let mut t = MerkleTree::new();
        for l in leaves {
            t.push(*l);
        }
        t
    }

    /// Leaves so far.
    pub fn len(&self) -> u64 {
        self.leaves.len() as u64
    }

    /// Whether there are no leaves.
    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty()
    }

    /// The leaf (entry hash) at a 0-based index.
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        self.leaves.get(index as usize).copied()
    }

    /// Appends a leaf: stores its hash, then every subtree it completes (one per trailing
    /// 1-bit of the new size), at most `log₂ n` hashes.
    pub fn push(&mut self, leaf: Hash) {
        self.leaves.push(leaf);
        let mut h = leaf_hash(&leaf);
        let mut level = 0;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            self.levels[level].push(h);
            let row = &self.levels[level];
            if row.len() % 2 == 1 {
                break;
            }
            h = node_hash(&row[row.len() - 2], &row[row.len() - 1]);
            level += 1;
        }
    }

    /// `MTH(D[lo:hi])` for a range the RFC's recursion visits: every complete part is aligned
    /// (its start a multiple of its size), so it is stored; only the right edge is computed.
    fn subtree(&self, lo: u64, hi: u64) -> Hash {
        let n = hi - lo;
        if n == 0 {
            return empty_root();
        }
        if n.is_power_of_two() && lo.is_multiple_of(n) {
            let level = n.trailing_zeros() as usize;
            return self.levels[level][(lo >> level) as usize];
        }
        let k = split(n);
        node_hash(&self.subtree(lo, lo + k), &self.subtree(lo + k, hi))
    }

    fn check_size(&self, what: &'static str, value: u64) -> Result<(), ProofError> {
        if value > self.len() {
            return Err(ProofError::OutOfRange {
                what,
                value,
                size: self.len(),
            });
        }
        Ok(())
    }

    /// The root of the first `size` leaves, `MTH(D[0:size])`.
    pub fn root(&self, size: u64) -> Result<Hash, ProofError> {
        self.check_size("size", size)?;
        Ok(self.subtree(0, size))
    }

    /// The audit path of leaf `index` in the tree of the first `size` leaves (RFC 9162
    /// §2.1.3.1): `PATH(m, D[n])` is `PATH(m, D[0:k]) : MTH(D[k:n])` for `m < k`, else
    /// `PATH(m − k, D[k:n]) : MTH(D[0:k])`, and `{}` for `n = 1`. Ordered from the leaf up.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, ProofError> {
        self.check_size("size", size)?;
        if index >= size {
            return Err(ProofError::OutOfRange {
                what: "leaf index",
                value: index,
                size,
            });
        }
        let mut path = Vec::new();
        self.path(index, 0, size, &mut path);
        Ok(path)
    }

    fn path(&self, m: u64, lo: u64, hi: u64, out: &mut Vec<Hash>) {
        let n = hi - lo;
        if n <= 1 {
            return;
        }
        let k = split(n);
        if m < k {
            self.path(m, lo, lo + k, out);
            out.push(self.subtree(lo + k, hi));
        } else {
            self.path(m - k, lo + k, hi, out);
            out.push(self.subtree(lo, lo + k));
        }
    }

    /// The proof that the tree of `to` leaves extends the tree of `from` leaves (RFC 9162
    /// §2.1.4.1): `PROOF(m, D[n]) = SUBPROOF(m, D[n], true)`, where `SUBPROOF(m, D[m], true)
    /// = {}`, `SUBPROOF(m, D[m], false) = {MTH(D[m])}`, and for `m < n`, with `k` the largest
    /// power of 2 < n, `SUBPROOF(m, D[n], b)` is `SUBPROOF(m, D[0:k], b) : MTH(D[k:n])` if
    /// `m ≤ k`, else `SUBPROOF(m − k, D[k:n], false) : MTH(D[0:k])`. Empty when `from` is 0
    /// or equal to `to`.
    pub fn consistency_proof(&self, from: u64, to: u64) -> Result<Vec<Hash>, ProofError> {
        self.check_size("size", to)?;
        if from > to {
            return Err(ProofError::Backwards { from, to });
        }
        let mut proof = Vec::new();
        if from > 0 && from < to {
            self.subproof(from, 0, to, true, &mut proof);
        }
        Ok(proof)
    }

    fn subproof(&self, m: u64, lo: u64, hi: u64, whole: bool, out: &mut Vec<Hash>) {
        let n = hi - lo;
        if m == n {
            if !whole {
                out.push(self.subtree(lo, hi));
            }
            return;
        }
        let k = split(n);
        if m <= k {
            self.subproof(m, lo, lo + k, whole, out);
            out.push(self.subtree(lo + k, hi));
        } else {
            self.subproof(m - k, lo + k, hi, false, out);
            out.push(self.subtree(lo, lo + k));
        }
    }
}

/// Checks an inclusion proof (RFC 9162 §2.1.3.2): that `leaf` (an entry's hash) is leaf
/// `index` of the tree of `size` leaves whose root is `root`.
///
/// Walks up from the leaf: with `fn = index`, `sn = size − 1`, each hash `p` of the path is
/// the left sibling (`r ← H(0x01 ‖ p ‖ r)`) when `fn` is odd or `fn = sn` (then `fn` and `sn`
/// are shifted right until `fn` is odd or 0), else the right one (`r ← H(0x01 ‖ r ‖ p)`); both
/// are then shifted right once. The proof holds when `sn` ends at 0 and `r = root`.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::OutOfRange {
            what: "leaf index",
            value: index,
            size,
        });
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = leaf_hash(leaf);
    for p in proof {
        if s == 0 {
            return Err(ProofError::WrongLength {
                got: proof.len(),
                expected: inclusion_len(index, size),
            });
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongLength {
            got: proof.len(),
            expected: inclusion_len(index, size),
        });
    }
    if r != *root {
        return Err(ProofError::Mismatch(
            "the entry's hash with the proof's hashes gives another root: the entry is not in the log this root is of, or the proof was changed",
        ));
    }
    Ok(())
}

/// How many hashes an inclusion proof of leaf `index` in `size` leaves has.
fn inclusion_len(index: u64, size: u64) -> usize {
    let (mut f, mut s, mut len) = (index, size - 1, 0);
    while s != 0 {
        if f & 1 == 0 && f == s {
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        }
        f >>= 1;
        s >>= 1;
        len += 1;
    }
    len
}

/// Checks a consistency proof (RFC 9162 §2.1.4.2): that the tree of `to` leaves with root
/// `new_root` extends the tree of `from` leaves with root `old_root`, unchanged.
///
/// Both roots are rebuilt from the proof: with `fn = from − 1`, `sn = to − 1` (shifted right
/// past `fn`'s trailing 1-bits), starting from the first hash (or `old_root` itself when
/// `from` is a power of two), each later hash `c` enters both roots on the left when `fn` is
/// odd or `fn = sn`, and only the new root on the right otherwise. The proof holds when both
/// rebuilt roots equal the given ones and `sn` ends at 0. For `from = 0` or `from = to` the
/// proof is empty (and for `from = to` the roots must be equal).
pub fn verify_consistency(
    from: u64,
    to: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if from > to {
        return Err(ProofError::Backwards { from, to });
    }
    if from == 0 || from == to {
        if !proof.is_empty() {
            return Err(ProofError::WrongLength {
                got: proof.len(),
                expected: 0,
            });
        }
        if from == to && old_root != new_root {
            return Err(ProofError::Mismatch(
                "the two roots are of the same size but differ: one of the two logs was rewritten",
            ));
        }
        if from == 0 && *old_root != empty_root() {
            return Err(ProofError::Mismatch(
                "the root of the empty log is SHA-256 of nothing",
            ));
        }
        return Ok(());
    }
    if proof.is_empty() {
        return Err(ProofError::WrongLength {
            got: 0,
            expected: 1,
        });
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if from.is_power_of_two() {
        path.push(*old_root);
    }
    path.extend_from_slice(proof);
    let (mut f, mut s) = (from - 1, to - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if s == 0 {
            return Err(ProofError::Mismatch(
                "the proof has more hashes than the sizes allow",
            ));
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::Mismatch(
            "the proof has fewer hashes than the sizes need",
        ));
    }
    if fr != *old_root {
        return Err(ProofError::Mismatch(
            "the proof does not lead to the older root: the log's first entries were changed since",
        ));
    }
    if sr != *new_root {
        return Err(ProofError::Mismatch(
            "the proof does not lead to the newer root: the newer log does not extend the older one",
        ));
    }
    Ok(())
}
