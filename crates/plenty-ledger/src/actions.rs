//! What a request to the service becomes: each function here reads the state and returns the
//! events to append (or why not), so that every decision — who may do it, which number a new
//! council or proposal gets, whether a ballot replaces another, how a vote is closed and
//! counted — is made here once, and the service's handlers only parse and answer. Pure: the
//! service supplies the pseudonym function (it holds the key) and appends what comes back;
//! [`Ledger::apply`] checks every event again before it is written.

use crate::event::*;
use crate::planning::{digest, PlanInputs, PlanOutcome, YearsPlan};
use crate::state::{Ledger, RejectCode, Rejected, RoundState};
use crate::tally::{compute_tally_once, RoundTally, TallyInput};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What the effect of one ballot on a count is computed from: the recorded count, and the
/// input of the same count without that ballot.
#[derive(Debug, Clone)]
pub struct BallotEffectInputs {
    /// The count as recorded.
    pub actual: Arc<RoundTally>,
    /// The count's input without the ballot (and so without the votes delegated to it).
    pub without: TallyInput,
    /// The ballot's recorded weights.
    pub weight: Option<TopicWeights>,
}

impl Ledger {
    /// Refuses unless `member` is a facilitator (who may found councils, invite, import the
    /// economy and run the calendar).
    pub fn require_facilitator(&self, member: MemberId) -> Result<(), Rejected> {
        match self.members.get(&member) {
            Some(s) if s.role == Role::Facilitator => Ok(()),
            Some(_) => Err(Rejected::new(
                RejectCode::Forbidden,
                format!("member {member} is not a facilitator; only a facilitator can do this"),
            )),
            None => Err(Rejected::new(
                RejectCode::NotFound,
                format!("no member {member}"),
            )),
        }
    }

    /// Refuses unless every council named exists.
    pub fn require_councils(&self, councils: &[CouncilId]) -> Result<(), Rejected> {
        match councils.iter().find(|k| !self.councils.contains_key(k)) {
            Some(k) => Err(Rejected::new(
                RejectCode::NotFound,
                format!("no council {k}"),
            )),
            None => Ok(()),
        }
    }

    /// A round by number.
    pub fn round(&self, round: RoundId) -> Result<&RoundState, Rejected> {
        self.rounds
            .get(&round)
            .ok_or_else(|| Rejected::new(RejectCode::NotFound, format!("no round {round}")))
    }

    /// The number the next member gets.
    pub fn next_member(&self) -> MemberId {
        self.members.keys().next_back().copied().unwrap_or(0) + 1
    }

    /// The number the next council gets.
    pub fn next_council(&self) -> CouncilId {
        self.councils.keys().next_back().copied().unwrap_or(0) + 1
    }

    /// The number the next round gets.
    pub fn next_round(&self) -> RoundId {
        self.rounds.keys().next_back().copied().unwrap_or(0) + 1
    }

    /// The number the next proposal gets (unique in the federation).
    pub fn next_proposal(&self) -> ProposalId {
        self.last_proposal + 1
    }

    /// A member joins as `member` (the number the service reserved for their account).
    /// Refused as a conflict if another member took that number first.
    pub fn join(
        &self,
        member: MemberId,
        councils: Vec<CouncilId>,
        role: Role,
    ) -> Result<Event, Rejected> {
        if member != self.next_member() {
            return Err(Rejected::new(
                RejectCode::Conflict,
                "another member joined at the same moment; try again",
            ));
        }
        Ok(Event::MemberJoined {
            member,
            councils,
            role,
        })
    }

    /// Someone applies by open sign-up as `member` (the number the service reserved for their
    /// account): an applicant until a facilitator admits them ([`Ledger::admit`]).
    pub fn apply_to_join(&self, member: MemberId) -> Result<Event, Rejected> {
        if member != self.next_member() {
            return Err(Rejected::new(
                RejectCode::Conflict,
                "another member joined at the same moment; try again",
            ));
        }
        Ok(Event::MemberApplied { member })
    }

    /// A facilitator admits an applicant into the councils they assign.
    pub fn admit(
        &self,
        by: MemberId,
        member: MemberId,
        councils: Vec<CouncilId>,
    ) -> Result<Event, Rejected> {
        let event = Event::MemberAdmitted {
            member,
            councils,
            by,
        };
        self.check(&event)?;
        Ok(event)
    }

    /// Applicants awaiting a facilitator, in order.
    pub fn applicants(&self) -> Vec<MemberId> {
        self.members
            .iter()
            .filter(|(_, m)| !m.admitted)
            .map(|(k, _)| *k)
            .collect()
    }

    /// A facilitator founds a council; returns its number and the event.
    pub fn found_council(
        &self,
        by: MemberId,
        name: &str,
        kind: CouncilKind,
        processes: Vec<String>,
    ) -> Result<(CouncilId, Event), Rejected> {
        self.require_facilitator(by)?;
        let council = self.next_council();
        Ok((
            council,
            Event::CouncilFounded {
                council,
                name: name.trim().to_string(),
                kind,
                processes,
            },
        ))
    }

    /// A facilitator opens a round. What is not given takes its default: the Method of Equal
    /// Shares, [`RoundQuorum::default`], [`HoursSplit::DEFAULT`], and
    /// [`crate::needs::MemberLimits::default`] (every new round has limits), and the counting
    /// rules of issue #15 ([`RoundRules::default`]: no project funded without an approval).
    #[allow(clippy::too_many_arguments)]
    pub fn open_round(
        &self,
        by: MemberId,
        title: &str,
        rule: Option<ProjectRule>,
        quorum: Option<RoundQuorum>,
        default_split: Option<HoursSplit>,
        limits: Option<crate::needs::MemberLimits>,
        rules: Option<RoundRules>,
    ) -> Result<(RoundId, Event), Rejected> {
        self.require_facilitator(by)?;
        let round = self.next_round();
        Ok((
            round,
            Event::RoundOpened {
                round,
                title: title.trim().to_string(),
                by,
                rule: rule.unwrap_or(ProjectRule::EqualShares),
                quorum: quorum.unwrap_or_default(),
                default_split: default_split.unwrap_or_default(),
                limits: Some(limits.unwrap_or_default()),
                rules: Some(rules.unwrap_or_default()),
            },
        ))
    }

    /// A member proposes a project; returns its number and the event.
    pub fn submit_proposal(
        &self,
        round: RoundId,
        by: Pseudonym,
        title: &str,
        cost_hours: f64,
        resources: BTreeMap<String, f64>,
    ) -> (ProposalId, Event) {
        let proposal = self.next_proposal();
        (
            proposal,
            Event::ProposalSubmitted {
                round,
                proposal,
                by,
                title: title.trim().to_string(),
                cost_hours,
                resources,
            },
        )
    }

    /// A ballot; it replaces the voter's earlier ballot in the round, if any (and says so).
    pub fn cast_ballot(&self, round: RoundId, voter: Pseudonym, ballot: RoundBallot) -> Event {
        let replaces = self
            .rounds
            .get(&round)
            .is_some_and(|r| r.ballots.contains_key(&voter));
        Event::BallotCast {
            round,
            voter,
            ballot,
            replaces,
        }
    }

    /// A facilitator moves a round to its next phase. Moving from voting to the plan phase
    /// closes the vote: see [`Ledger::close_round`].
    pub fn advance_round(
        &self,
        round: RoundId,
        to: Phase,
        by: MemberId,
        pseudonym: impl Fn(MemberId) -> Pseudonym,
    ) -> Result<Vec<Event>, Rejected> {
        self.require_facilitator(by)?;
        if to == Phase::Plan && self.round(round)?.phase == Phase::Voting {
            return self.close_round(round, by, pseudonym);
        }
        // Any other move is one event, which the rules accept or refuse.
        Ok(vec![Event::PhaseAdvanced { round, to, by }])
    }

    /// What closing a round's vote would count now ([`Ledger::close_round`]'s input): for a
    /// service that counts outside its lock, then closes and finds the count remembered
    /// ([`compute_tally_once`]) unless a ballot came in meanwhile.
    pub fn closing_count_input(
        &self,
        round: RoundId,
        pseudonym: impl Fn(MemberId) -> Pseudonym,
    ) -> Result<TallyInput, Rejected> {
        let r = self.round(round)?;
        let weights = self.weights(round, pseudonym);
        self.tally_input(r, self.eligible(), &weights)
    }

    /// The events that close a round's vote: the move to the plan phase, and the count of its
    /// ballots ([`compute_tally_once`]) with the weight each ballot carries on each topic (its
    /// voter and the members whose delegation chain ends at them, [`Ledger::weights`]). Every
    /// member of the federation is eligible. `pseudonym` gives a member's round pseudonym.
    ///
    /// Refused if `by` is not a facilitator or the round is not in its voting phase.
    pub fn close_round(
        &self,
        round: RoundId,
        by: MemberId,
        pseudonym: impl Fn(MemberId) -> Pseudonym,
    ) -> Result<Vec<Event>, Rejected> {
        self.require_facilitator(by)?;
        let r = self.round(round)?;
        if r.phase != Phase::Voting {
            return Err(Rejected::new(
                RejectCode::WrongPhase,
                format!(
                    "round {round} is in its {} phase; only a round in its voting phase can be closed",
                    r.phase.name()
                ),
            ));
        }
        let weights = self.weights(round, pseudonym);
        let eligible = self.eligible();
        let tally = compute_tally_once(&self.tally_input(r, eligible, &weights)?);
        Ok(vec![
            Event::PhaseAdvanced {
                round,
                to: Phase::Plan,
                by,
            },
            Event::TallyRecorded {
                round,
                eligible,
                weights,
                tally: Box::new(tally),
            },
        ])
    }

    /// The event that records a round's plan, with the digests of its inputs and outcome.
    pub fn record_plan(round: RoundId, inputs: PlanInputs, outcome: PlanOutcome) -> Event {
        Ledger::record_plan_years(round, inputs, outcome, None)
    }

    /// The event that records a round's plan, with, for a multi-year round, the plan year by
    /// year ([`crate::planning::YearsPlan`], which carries its own digests).
    pub fn record_plan_years(
        round: RoundId,
        inputs: PlanInputs,
        outcome: PlanOutcome,
        years: Option<YearsPlan>,
    ) -> Event {
        Event::PlanRecorded {
            round,
            inputs_sha256: digest(&inputs),
            result_sha256: digest(&outcome),
            inputs: Box::new(inputs),
            result: Box::new(outcome),
            years: years.map(Box::new),
        }
    }

    /// What the effect of `voter`'s ballot on a counted round is computed from (the recount
    /// itself, [`compute_tally`](crate::tally::compute_tally) of `without`, is left to the caller: it can be slow).
    /// `None` if the voter has no ballot in the round.
    pub fn ballot_effect_inputs(
        &self,
        round: RoundId,
        voter: &str,
    ) -> Result<Option<BallotEffectInputs>, Rejected> {
        let r = self.round(round)?;
        let Some(actual) = r.tally.clone() else {
            return Err(Rejected::new(
                RejectCode::WrongPhase,
                "the round is not counted yet",
            ));
        };
        let Some(mine) = r.ballots.keys().position(|p| p == voter) else {
            return Ok(None);
        };
        let mut without = self.tally_input(r, self.eligible(), &r.weights)?;
        // The ballots are in the order of their pseudonyms, as `tally_input` lists them.
        without.ballots.remove(mine);
        Ok(Some(BallotEffectInputs {
            actual,
            without,
            weight: r.weights.get(voter).copied(),
        }))
    }
}
