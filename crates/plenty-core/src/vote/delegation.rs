//! Liquid delegation on one topic: whose ballot each member's voice follows.
//!
//! Each member may delegate to one other member. A member who votes speaks for themselves,
//! whatever delegation they gave (voting revokes the delegation for this vote). A member who
//! does not vote follows their delegation, transitively: to the delegate, or if the delegate
//! did not vote either, to the delegate's delegate, and so on, up to the first member on the
//! chain who voted. A chain that reaches a member who neither voted nor delegated, or that
//! comes back on itself (a cycle, including delegating to oneself), carries no voice: the
//! member is counted as not taking part.
//!
//! A ballot's weight is then `1 +` the number of members resolved to its author.

/// A delegation list that cannot be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DelegationError {
    /// `voted` does not have one entry per member.
    #[error("voted has {found} entries for {members} members")]
    Voted {
        /// Members.
        members: usize,
        /// Entries.
        found: usize,
    },
    /// A delegation names a member who does not exist.
    #[error("delegation {index} ({from} → {to}) names a member beyond the {members} members")]
    UnknownMember {
        /// The delegation's index.
        index: usize,
        /// Delegating member.
        from: usize,
        /// Delegate.
        to: usize,
        /// Members.
        members: usize,
    },
    /// A member delegates twice on the same topic.
    #[error("member {from} delegates twice on this topic (delegations {first} and {second})")]
    Twice {
        /// The member.
        from: usize,
        /// First delegation's index.
        first: usize,
        /// Second delegation's index.
        second: usize,
    },
}

/// For each member, whose ballot carries their voice: `Some(i)` for a member who voted,
/// `Some(v)` for a member whose delegation chain reaches the voter `v`, `None` when the chain
/// ends at a non-voter without delegation or runs in a cycle (see the
/// [module documentation](self)). `delegations` are `(from, to)` pairs, at most one per
/// member; `voted[i]` says whether member `i` cast a ballot.
///
/// Linear time: each chain is walked once and its members are resolved on the way back.
pub fn resolve_delegations(
    members: usize,
    delegations: &[(usize, usize)],
    voted: &[bool],
) -> Result<Vec<Option<usize>>, DelegationError> {
    if voted.len() != members {
        return Err(DelegationError::Voted {
            members,
            found: voted.len(),
        });
    }
    let mut to: Vec<Option<(usize, usize)>> = vec![None; members]; // (delegate, index)
    for (index, &(from, d)) in delegations.iter().enumerate() {
        if from >= members || d >= members {
            return Err(DelegationError::UnknownMember {
                index,
                from,
                to: d,
                members,
            });
        }
        if let Some((_, first)) = to[from] {
            return Err(DelegationError::Twice {
                from,
                first,
                second: index,
            });
        }
        to[from] = Some((d, index));
    }
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Unknown,
        OnPath,
        Done(Option<usize>),
    }
    let mut state = vec![State::Unknown; members];
    for start in 0..members {
        let mut path = Vec::new();
        let mut m = start;
        let result = loop {
            match state[m] {
                State::Done(r) => break r,
                State::OnPath => break None, // a cycle
                State::Unknown => {}
            }
            if voted[m] {
                break Some(m);
            }
            state[m] = State::OnPath;
            path.push(m);
            match to[m] {
                Some((d, _)) => m = d,
                None => break None,
            }
        };
        if voted[m] {
            state[m] = State::Done(Some(m));
        }
        for p in path {
            state[p] = State::Done(result);
        }
    }
    Ok(state
        .into_iter()
        .map(|s| match s {
            State::Done(r) => r,
            State::Unknown | State::OnPath => None,
        })
        .collect())
}

/// The weight of each member's ballot: `1 +` the number of other members resolved to them,
/// for a member who voted; 0 for one who did not. `resolution` is the output of
/// [`resolve_delegations`].
pub fn delegated_weights(resolution: &[Option<usize>]) -> Vec<u64> {
    let mut w = vec![0u64; resolution.len()];
    for v in resolution.iter().flatten() {
        w[*v] += 1;
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_cycles_and_revocation() {
        // 0 votes; 1 → 0; 2 → 1 → 0; 3 → 4 → 3 (cycle); 5 → 6, 6 did not vote nor delegate;
        // 7 votes and delegated to 0 (revoked by voting); 8 → 8 (self).
        let voted = [true, false, false, false, false, false, false, true, false];
        let d = [(1, 0), (2, 1), (3, 4), (4, 3), (5, 6), (7, 0), (8, 8)];
        let r = resolve_delegations(9, &d, &voted).unwrap();
        assert_eq!(
            r,
            vec![
                Some(0),
                Some(0),
                Some(0),
                None,
                None,
                None,
                None,
                Some(7),
                None
            ]
        );
        assert_eq!(delegated_weights(&r), vec![3, 0, 0, 0, 0, 0, 0, 1, 0]);
    }

    #[test]
    fn chain_into_a_cycle_resolves_to_none() {
        // 0 → 1 → 2 → 1.
        let r = resolve_delegations(3, &[(0, 1), (1, 2), (2, 1)], &[false; 3]).unwrap();
        assert_eq!(r, vec![None, None, None]);
    }

    #[test]
    fn bad_lists_are_refused() {
        assert!(matches!(
            resolve_delegations(2, &[], &[true]),
            Err(DelegationError::Voted { .. })
        ));
        assert!(matches!(
            resolve_delegations(2, &[(0, 2)], &[true, true]),
            Err(DelegationError::UnknownMember { index: 0, .. })
        ));
        assert!(matches!(
            resolve_delegations(3, &[(0, 1), (0, 2)], &[false; 3]),
            Err(DelegationError::Twice {
                from: 0,
                first: 0,
                second: 1
            })
        ));
    }
}
