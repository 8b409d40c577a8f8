//! The rules of the log, one check per kind of event. [`Ledger::check`] dispatches here; an
//! event that passes its check is applied by `Ledger::commit`. The service enforces these rules
//! when it writes, and `plenty audit verify` when it replays, so no rule exists twice.

use super::*;
use crate::text::{check_document, check_text, MAX_DOCUMENT, MAX_NAME, MAX_PSEUDONYM};

impl Ledger {
    /// The rules of `FederationFounded`.
    pub(super) fn check_federation_founded(
        &self,
        name: &str,
        weeks_per_period: f64,
    ) -> Result<(), Rejected> {
        if self.name.is_some() {
            return Err(reject(
                RejectCode::Conflict,
                "the federation is already founded",
            ));
        }
        if name.trim().is_empty() {
            return Err(reject(RejectCode::Invalid, "the federation needs a name"));
        }
        check_text("name", name, MAX_NAME)?;
        positive("weeks_per_period", weeks_per_period)?;
        Ok(())
    }

    /// The rules of `CouncilFounded`.
    pub(super) fn check_council_founded(
        &self,
        council: &CouncilId,
        name: &str,
        processes: &[String],
    ) -> Result<(), Rejected> {
        for p in processes {
            check_text("processes", p, MAX_NAME)?;
        }
        if processes
            .iter()
            .any(|p| p.trim().is_empty() || p.len() > MAX_TITLE)
        {
            return Err(reject(
                RejectCode::Invalid,
                "a process name must have 1 to 200 characters",
            ));
        }
        if self.councils.contains_key(council) {
            return Err(reject(
                RejectCode::Conflict,
                format!("council {council} exists"),
            ));
        }
        if name.trim().is_empty() || name.len() > MAX_TITLE {
            return Err(reject(
                RejectCode::Invalid,
                "a council needs a name of 1 to 200 characters",
            ));
        }
        check_text("name", name, MAX_NAME)?;
        Ok(())
    }

    /// The rules of `MemberJoined`.
    pub(super) fn check_member_joined(
        &self,
        member: &MemberId,
        councils: &[CouncilId],
    ) -> Result<(), Rejected> {
        if self.members.contains_key(member) {
            return Err(reject(
                RejectCode::Conflict,
                format!("member {member} exists"),
            ));
        }
        if let Some(c) = councils.iter().find(|c| !self.councils.contains_key(c)) {
            return Err(reject(RejectCode::NotFound, format!("no council {c}")));
        }
        Ok(())
    }

    /// The rules of `MemberApplied`: a new number, like `MemberJoined`.
    pub(super) fn check_member_applied(&self, member: &MemberId) -> Result<(), Rejected> {
        self.check_member_joined(member, &[])
    }

    /// The rules of `MemberAdmitted`: a facilitator admits an applicant, into councils that
    /// exist, each named once.
    pub(super) fn check_member_admitted(
        &self,
        member: &MemberId,
        councils: &[CouncilId],
        by: &MemberId,
    ) -> Result<(), Rejected> {
        self.require_facilitator(*by)?;
        match self.members.get(member) {
            None => return Err(reject(RejectCode::NotFound, format!("no member {member}"))),
            Some(m) if m.admitted => {
                return Err(reject(
                    RejectCode::Conflict,
                    format!("member {member} is already admitted"),
                ))
            }
            Some(_) => {}
        }
        self.require_councils(councils)?;
        let mut seen = std::collections::BTreeSet::new();
        if let Some(c) = councils.iter().find(|c| !seen.insert(**c)) {
            return Err(reject(
                RejectCode::Invalid,
                format!("council {c} is named twice"),
            ));
        }
        Ok(())
    }

    /// The rules of `EconomyImported`.
    pub(super) fn check_economy_imported(
        &self,
        by: &MemberId,
        text: &str,
        sha256: &str,
    ) -> Result<(), Rejected> {
        self.require_facilitator(*by)?;
        check_document("text", text, MAX_DOCUMENT)?;
        check_text("sha256", sha256, MAX_PSEUDONYM)?;
        if let Some(r) = self.current_round() {
            if r.phase != Phase::Needs {
                return Err(reject(RejectCode::WrongPhase,
                    format!(
                        "round {} is past its needs phase; import the economy before voting or after the round",
                        r.id
                    ),
                ));
            }
        }
        let actual = crate::chain::sha256_hex(text.as_bytes());
        if actual != sha256 {
            return Err(reject(
                RejectCode::Mismatch,
                format!("the economy's recorded hash {sha256} is not its hash {actual}"),
            ));
        }
        let economy =
            parse_economy(text).map_err(|e| reject(RejectCode::Invalid, e.to_string()))?;
        let years = parse_years(text).map_err(|e| reject(RejectCode::Invalid, e.to_string()))?;
        // The needs of the round still open must keep meaning what they meant: a need for a
        // year stays a need for one of the plan's years.
        if let Some(r) = self.current_round() {
            for n in &r.needs {
                let Some(year) = n.year else { continue };
                match &years {
                    None => {
                        return Err(reject(
                            RejectCode::Conflict,
                            format!(
                                "round {} has a need for year {year}, and this economy plans a single year; import a multi-year economy (with [years]) that has that year",
                                r.id
                            ),
                        ))
                    }
                    Some(y) if y.index_of(year).is_none() => {
                        return Err(reject(
                            RejectCode::Conflict,
                            format!(
                                "round {} has a need for year {year}, which is not a year of this economy's plan: its years are {}",
                                r.id,
                                y.span()
                            ),
                        ))
                    }
                    Some(_) => {}
                }
            }
        }
        // The needs and proposals of the round still open must keep pointing at something
        // (issue #14: a re-import that dropped a product left every later step refused).
        if let Some(r) = self.current_round() {
            if let Some(n) = r
                .needs
                .iter()
                .find(|n| economy.product_index(&n.product).is_none())
            {
                return Err(reject(
                    RejectCode::Conflict,
                    format!(
                        "round {} has needs for product {:?}, which this economy does not have; keep the product in the economy, or abandon the round first",
                        r.id, n.product
                    ),
                ));
            }
            for p in r.proposals.values() {
                if let Some(name) = p
                    .resources
                    .keys()
                    .find(|name| economy.resource_index(name).is_none())
                {
                    return Err(reject(
                        RejectCode::Conflict,
                        format!(
                            "proposal {} of round {} uses resource {name:?}, which this economy does not have; keep the resource in the economy, or abandon the round first",
                            p.id, r.id
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The rules of `RoundOpened`.
    pub(super) fn check_round_opened(
        &self,
        round: &RoundId,
        title: &str,
        by: &MemberId,
        quorum: &RoundQuorum,
        default_split: &HoursSplit,
        limits: Option<&crate::needs::MemberLimits>,
    ) -> Result<(), Rejected> {
        self.require_facilitator(*by)?;
        self.economy()?;
        if let Some(l) = limits {
            l.check().map_err(|m| reject(RejectCode::Invalid, m))?;
        }
        if let Some(r) = self.current_round() {
            return Err(reject(
                RejectCode::Conflict,
                format!("round {} is still open (phase {})", r.id, r.phase.name()),
            ));
        }
        if self.rounds.contains_key(round) || self.rounds.keys().any(|k| k > round) {
            return Err(reject(
                RejectCode::Conflict,
                format!("round {round} exists"),
            ));
        }
        if title.trim().is_empty() || title.len() > MAX_TITLE {
            return Err(reject(
                RejectCode::Invalid,
                "a round needs a title of 1 to 200 characters",
            ));
        }
        check_text("title", title, MAX_TITLE)?;
        // Rounds opened with limits (every round since issue #14) have a bounded quorum;
        // older rounds keep the bounds they were opened under, so old logs verify.
        let max_turnout = if limits.is_some() {
            MAX_MIN_TURNOUT
        } else {
            1.0
        };
        if !(0.0..=max_turnout).contains(&quorum.min_turnout) {
            return Err(reject(
                RejectCode::Invalid,
                format!(
                    "quorum.min_turnout must be between 0 and {max_turnout}: a higher quorum lets a few abstentions sink the vote"
                ),
            ));
        }
        let members = self.eligible();
        if limits.is_some() && quorum.min_ballots > members.max(1) {
            return Err(reject(
                RejectCode::Invalid,
                format!(
                    "quorum.min_ballots is {}, but the federation has {members} members: at most {}",
                    quorum.min_ballots,
                    members.max(1)
                ),
            ));
        }
        check_split(default_split)?;
        Ok(())
    }

    /// The rules of `NeedRegistered`.
    pub(super) fn check_need_registered(
        &self,
        round: &RoundId,
        by: &Pseudonym,
        product: &str,
        quantity: f64,
        year: Option<i64>,
    ) -> Result<(), Rejected> {
        check_text("by", by, MAX_PSEUDONYM)?;
        check_text("product", product, MAX_NAME)?;
        let r = self.round_in(
            *round,
            RoundAction::RegisterNeed.phase(),
            RoundAction::RegisterNeed.doing(),
        )?;
        if let Some(l) = &r.limits {
            let mine = r.needs.iter().filter(|n| &n.by == by).count();
            // Withdrawn needs count too, up to twice the limit: second thoughts, not a loop
            // that grows the log without end (issue #15).
            let ever = mine + r.removed_needs.iter().filter(|(n, _)| &n.by == by).count();
            if r.rules.is_some() && ever >= 2 * l.needs_per_member as usize {
                return Err(reject(
                    RejectCode::Conflict,
                    format!("you have registered {ever} needs in round {round}, withdrawn ones included: twice its limit per member"),
                ));
            }
            if mine >= l.needs_per_member as usize {
                return Err(reject(
                    RejectCode::Conflict,
                    format!(
                        "you have registered {mine} needs in round {round}, its limit per member; a need for more of a product can be registered as one larger need"
                    ),
                ));
            }
        }
        if self.economy()?.product_index(product).is_none() {
            return Err(reject(
                RejectCode::Invalid,
                format!("product {product:?} is not in the economy"),
            ));
        }
        positive("quantity", quantity)?;
        if let Some(year) = year {
            match self.economy_years() {
                None => {
                    return Err(reject(
                        RejectCode::Invalid,
                        format!("round {round} plans a single year; a need for year {year} is only possible in a multi-year round (leave the year out)"),
                    ))
                }
                Some(y) if y.index_of(year).is_none() => {
                    return Err(reject(
                        RejectCode::Invalid,
                        format!(
                            "year {year} is not a year of round {round}'s plan: its years are {} (or leave the year out for every year)",
                            y.span()
                        ),
                    ))
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// The rules of `ProposalSubmitted`.
    pub(super) fn check_proposal_submitted(
        &self,
        round: &RoundId,
        proposal: &ProposalId,
        by: &Pseudonym,
        title: &str,
        cost_hours: f64,
        resources: &BTreeMap<String, f64>,
    ) -> Result<(), Rejected> {
        check_text("by", by, MAX_PSEUDONYM)?;
        check_text("title", title, MAX_TITLE)?;
        for name in resources.keys() {
            check_text("resources", name, MAX_NAME)?;
        }
        let r = self.round_in(
            *round,
            RoundAction::Propose.phase(),
            RoundAction::Propose.doing(),
        )?;
        if let Some(l) = &r.limits {
            let mine = r.proposals.values().filter(|p| &p.by == by).count();
            let ever = mine
                + r.removed_proposals
                    .values()
                    .filter(|(p, _)| &p.by == by)
                    .count();
            if r.rules.is_some() && ever >= 2 * l.proposals_per_member as usize {
                return Err(reject(
                    RejectCode::Conflict,
                    format!("you have submitted {ever} proposals in round {round}, withdrawn ones included: twice its limit per member"),
                ));
            }
            if mine >= l.proposals_per_member as usize {
                return Err(reject(
                    RejectCode::Conflict,
                    format!("you have submitted {mine} proposals in round {round}, its limit per member"),
                ));
            }
        }
        if *proposal <= self.last_proposal {
            return Err(reject(
                RejectCode::Conflict,
                format!("proposal {proposal} exists"),
            ));
        }
        if title.trim().is_empty() || title.len() > MAX_TITLE {
            return Err(reject(
                RejectCode::Invalid,
                "a proposal needs a title of 1 to 200 characters",
            ));
        }
        positive("cost_hours", cost_hours)?;
        let e = self.economy()?;
        for (name, q) in resources {
            if e.resource_index(name).is_none() {
                return Err(reject(
                    RejectCode::Invalid,
                    format!("resource {name:?} is not in the economy"),
                ));
            }
            if !(q.is_finite() && *q >= 0.0 && *q <= MAX_QUANTITY) {
                return Err(reject(
                    RejectCode::Invalid,
                    format!("resource {name:?}: {q} is not a quantity"),
                ));
            }
        }
        Ok(())
    }

    /// The rules of `NeedWithdrawn` (`quantity: None`) and `NeedEdited`: in the needs phase,
    /// only the member who registered a need may take it back or change its quantity.
    pub(super) fn check_need_changed(
        &self,
        round: RoundId,
        need: u64,
        by: &Pseudonym,
        quantity: Option<f64>,
    ) -> Result<(), Rejected> {
        check_text("by", by, MAX_PSEUDONYM)?;
        let r = self.round_in(
            round,
            RoundAction::RegisterNeed.phase(),
            "changing or withdrawing a need",
        )?;
        let Some(n) = r.needs.iter().find(|n| n.number == need) else {
            return Err(reject(
                RejectCode::NotFound,
                format!("round {round} has no need {need} that counts (it may have been withdrawn or hidden)"),
            ));
        };
        if &n.by != by {
            return Err(reject(
                RejectCode::Forbidden,
                format!("need {need} is another member's: only the member who registered a need may change or withdraw it"),
            ));
        }
        if let Some(q) = quantity {
            positive("quantity", q)?;
        }
        Ok(())
    }

    /// The rules of `ProposalWithdrawn` (`amended: None`) and `ProposalEdited`: in the needs
    /// phase, only the proposer may withdraw or amend a proposal.
    pub(super) fn check_proposal_changed(
        &self,
        round: RoundId,
        proposal: ProposalId,
        by: &Pseudonym,
        amended: Option<(&str, f64)>,
    ) -> Result<(), Rejected> {
        check_text("by", by, MAX_PSEUDONYM)?;
        let r = self.round_in(
            round,
            RoundAction::Propose.phase(),
            "amending or withdrawing a proposal",
        )?;
        let Some(p) = r.proposals.get(&proposal) else {
            return Err(reject(
                RejectCode::NotFound,
                format!("round {round} has no proposal {proposal} that is a candidate (it may have been withdrawn or hidden)"),
            ));
        };
        if &p.by != by {
            return Err(reject(
                RejectCode::Forbidden,
                format!("proposal {proposal} is another member's: only its proposer may amend or withdraw it"),
            ));
        }
        if let Some((title, cost_hours)) = amended {
            check_text("title", title, MAX_TITLE)?;
            if title.trim().is_empty() {
                return Err(reject(
                    RejectCode::Invalid,
                    "a proposal needs a title of 1 to 200 characters",
                ));
            }
            positive("cost_hours", cost_hours)?;
        }
        Ok(())
    }

    /// The rules of `ItemHidden`: a facilitator, a reason every member can read, a need that
    /// counts (until voting closes: the plan reads needs after the vote) or a proposal that is
    /// a candidate (only before voting opens: a ballot may approve it after).
    pub(super) fn check_item_hidden(
        &self,
        round: RoundId,
        item: &RoundItem,
        reason: &str,
        by: MemberId,
    ) -> Result<(), Rejected> {
        self.require_facilitator(by)?;
        let r = self.round(round)?;
        check_text("reason", reason, MAX_REASON)?;
        let n = reason.trim().chars().count();
        if n == 0 || n > MAX_REASON {
            return Err(reject(
                RejectCode::Invalid,
                format!("give the reason for hiding it, in 1 to {MAX_REASON} characters: it is kept in the log for every member to read"),
            ));
        }
        match *item {
            RoundItem::Need { need } => {
                if r.phase > Phase::Voting {
                    return Err(reject(
                        RejectCode::WrongPhase,
                        format!("round {round}'s vote is closed: its needs are the plan's targets now, and can no longer be hidden"),
                    ));
                }
                if !r.needs.iter().any(|n| n.number == need) {
                    return Err(reject(
                        RejectCode::NotFound,
                        format!("round {round} has no need {need} that counts"),
                    ));
                }
            }
            RoundItem::Proposal { proposal } => {
                if r.phase != Phase::Needs {
                    return Err(reject(
                        RejectCode::WrongPhase,
                        format!("round {round} is in its {} phase: a proposal can only be hidden before the vote opens (ballots may approve it now)", r.phase.name()),
                    ));
                }
                if !r.proposals.contains_key(&proposal) {
                    return Err(reject(
                        RejectCode::NotFound,
                        format!("round {round} has no proposal {proposal} that is a candidate"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The rules of `DeadlineSet`: a facilitator, the needs or voting phase of a round that has
    /// not passed it yet, and a date after 2020 and before 2200 (a date in milliseconds, not
    /// seconds).
    pub(super) fn check_deadline_set(
        &self,
        round: RoundId,
        phase: Phase,
        at_ms: u64,
        by: MemberId,
    ) -> Result<(), Rejected> {
        self.require_facilitator(by)?;
        let r = self.round(round)?;
        if !matches!(phase, Phase::Needs | Phase::Voting) {
            return Err(reject(
                RejectCode::Invalid,
                "a deadline ends the needs phase or the voting phase; the plan and follow-up phases have none",
            ));
        }
        if r.phase > phase {
            return Err(reject(
                RejectCode::WrongPhase,
                format!("round {round} is past its {} phase already", phase.name()),
            ));
        }
        const YEAR_2020_MS: u64 = 1_577_836_800_000;
        const YEAR_2200_MS: u64 = 7_258_118_400_000;
        if !(YEAR_2020_MS..YEAR_2200_MS).contains(&at_ms) {
            return Err(reject(
                RejectCode::Invalid,
                format!("{at_ms} is not a date between 2020 and 2200 in milliseconds since 1970"),
            ));
        }
        if phase == Phase::Voting {
            if let Some(needs_end) = r.deadlines.get(&Phase::Needs).map(|d| d.at_ms) {
                if r.phase == Phase::Needs && at_ms <= needs_end {
                    return Err(reject(
                        RejectCode::Invalid,
                        "the vote must close after the needs phase ends",
                    ));
                }
            }
        }
        Ok(())
    }

    /// The rules of `ProposalDescribed`: the proposer, in the needs phase, a description of at
    /// most [`MAX_DESCRIPTION`] characters; a signature names an admitted member.
    pub(super) fn check_proposal_described(
        &self,
        round: RoundId,
        proposal: ProposalId,
        by: &Pseudonym,
        description: &str,
        signed_by: Option<MemberId>,
    ) -> Result<(), Rejected> {
        self.check_proposal_changed(round, proposal, by, None)?;
        // Paragraphs: line breaks allowed, as in a document.
        check_document("description", description, MAX_DESCRIPTION)?;
        if description.chars().count() > MAX_DESCRIPTION {
            return Err(reject(
                RejectCode::Invalid,
                format!("a description has at most {MAX_DESCRIPTION} characters"),
            ));
        }
        if let Some(m) = signed_by {
            if !self.members.get(&m).is_some_and(|s| s.admitted) {
                return Err(reject(
                    RejectCode::Invalid,
                    format!("member {m} is not an admitted member"),
                ));
            }
        }
        Ok(())
    }

    /// The rules of `CommentPosted`: an admitted member, a proposal of the round that is a
    /// candidate, until voting closes; 1 to [`MAX_COMMENT`] characters; the next comment
    /// number; at most [`MAX_COMMENTS_PER_MEMBER`] comments per member and round.
    pub(super) fn check_comment_posted(
        &self,
        round: RoundId,
        proposal: ProposalId,
        comment: CommentId,
        by: MemberId,
        text: &str,
    ) -> Result<(), Rejected> {
        if !self.members.get(&by).is_some_and(|m| m.admitted) {
            return Err(reject(
                RejectCode::Forbidden,
                "only admitted members take part in the discussion",
            ));
        }
        let r = self.round(round)?;
        if r.phase > Phase::Voting {
            return Err(reject(
                RejectCode::WrongPhase,
                format!("round {round}'s vote is closed: its discussion is over"),
            ));
        }
        if !r.proposals.contains_key(&proposal) {
            return Err(reject(
                RejectCode::NotFound,
                format!("round {round} has no proposal {proposal} that is a candidate"),
            ));
        }
        if comment != self.last_comment + 1 {
            return Err(reject(
                RejectCode::Conflict,
                format!("the next comment is number {}", self.last_comment + 1),
            ));
        }
        check_document("text", text, MAX_COMMENT)?;
        let n = text.trim().chars().count();
        if n == 0 || text.chars().count() > MAX_COMMENT {
            return Err(reject(
                RejectCode::Invalid,
                format!("a comment has 1 to {MAX_COMMENT} characters"),
            ));
        }
        let mine = r.comments.values().filter(|c| c.by == by).count();
        if mine >= MAX_COMMENTS_PER_MEMBER {
            return Err(reject(
                RejectCode::Conflict,
                format!("you have posted {mine} comments in round {round}, its limit per member"),
            ));
        }
        Ok(())
    }

    /// The rules of `ProposalSupported`: a proposal that is a candidate, before voting
    /// closes, and a change (a support given once, taken back only if given).
    pub(super) fn check_proposal_supported(
        &self,
        round: RoundId,
        proposal: ProposalId,
        by: &Pseudonym,
        supported: bool,
    ) -> Result<(), Rejected> {
        check_text("by", by, MAX_PSEUDONYM)?;
        let r = self.round(round)?;
        if r.phase > Phase::Voting {
            return Err(reject(
                RejectCode::WrongPhase,
                format!("round {round}'s vote is closed: supports are over"),
            ));
        }
        if !r.proposals.contains_key(&proposal) {
            return Err(reject(
                RejectCode::NotFound,
                format!("round {round} has no proposal {proposal} that is a candidate"),
            ));
        }
        if r.support_changes.get(by).copied().unwrap_or(0) >= MAX_SUPPORT_CHANGES {
            return Err(reject(
                RejectCode::Conflict,
                format!("you have changed your supports {MAX_SUPPORT_CHANGES} times in round {round}, its limit"),
            ));
        }
        let now = r
            .discussion
            .get(&proposal)
            .is_some_and(|d| d.supporters.contains(by));
        if now == supported {
            return Err(reject(
                RejectCode::Conflict,
                if supported {
                    "you support this proposal already"
                } else {
                    "you do not support this proposal"
                },
            ));
        }
        Ok(())
    }

    /// The rules of `CommentHidden`: a facilitator, a comment not yet hidden, and a reason.
    pub(super) fn check_comment_hidden(
        &self,
        round: RoundId,
        comment: CommentId,
        reason: &str,
        by: MemberId,
    ) -> Result<(), Rejected> {
        self.require_facilitator(by)?;
        let r = self.round(round)?;
        match r.comments.get(&comment) {
            None => {
                return Err(reject(
                    RejectCode::NotFound,
                    format!("round {round} has no comment {comment}"),
                ))
            }
            Some(c) if c.hidden.is_some() => {
                return Err(reject(
                    RejectCode::Conflict,
                    format!("comment {comment} is hidden already"),
                ))
            }
            Some(_) => {}
        }
        check_text("reason", reason, MAX_REASON)?;
        if reason.trim().is_empty() || reason.chars().count() > MAX_REASON {
            return Err(reject(
                RejectCode::Invalid,
                format!("give the reason for hiding it, in 1 to {MAX_REASON} characters"),
            ));
        }
        Ok(())
    }

    /// The rules of `CouncilJoinRequested`: an admitted member, a council they are not in,
    /// and no request for it waiting already.
    pub(super) fn check_council_join_requested(
        &self,
        member: MemberId,
        council: CouncilId,
    ) -> Result<(), Rejected> {
        let Some(m) = self.members.get(&member).filter(|m| m.admitted) else {
            return Err(reject(
                RejectCode::Forbidden,
                format!("member {member} is not an admitted member"),
            ));
        };
        self.require_councils(&[council])?;
        if m.councils.contains(&council) {
            return Err(reject(
                RejectCode::Conflict,
                format!("member {member} is in council {council} already"),
            ));
        }
        if self.council_requests.contains(&(member, council)) {
            return Err(reject(
                RejectCode::Conflict,
                format!("member {member}'s request to join council {council} waits for a facilitator already"),
            ));
        }
        Ok(())
    }

    /// The rules of `CouncilJoinDecided`: a facilitator, and a request waiting.
    pub(super) fn check_council_join_decided(
        &self,
        member: MemberId,
        council: CouncilId,
        by: MemberId,
    ) -> Result<(), Rejected> {
        self.require_facilitator(by)?;
        if !self.council_requests.contains(&(member, council)) {
            return Err(reject(
                RejectCode::NotFound,
                format!("member {member} has no request to join council {council} waiting"),
            ));
        }
        Ok(())
    }

    /// The rules of `CouncilLeft`: a member of the council.
    pub(super) fn check_council_left(
        &self,
        member: MemberId,
        council: CouncilId,
    ) -> Result<(), Rejected> {
        if !self
            .members
            .get(&member)
            .is_some_and(|m| m.councils.contains(&council))
        {
            return Err(reject(
                RejectCode::NotFound,
                format!("member {member} is not in council {council}"),
            ));
        }
        Ok(())
    }

    /// The rules of `RoundAbandoned`: a facilitator, a round not yet over, and a reason.
    pub(super) fn check_round_abandoned(
        &self,
        round: &RoundId,
        reason: &str,
        by: &MemberId,
    ) -> Result<(), Rejected> {
        self.require_facilitator(*by)?;
        let r = self.round(*round)?;
        if r.phase == Phase::FollowUp {
            return Err(reject(
                RejectCode::WrongPhase,
                format!("round {round} is over already; there is nothing to abandon"),
            ));
        }
        check_text("reason", reason, MAX_REASON)?;
        let n = reason.trim().chars().count();
        if n == 0 || n > MAX_REASON {
            return Err(reject(
                RejectCode::Invalid,
                format!("give the reason for abandoning the round, in 1 to {MAX_REASON} characters: it is kept in the log for every member to read"),
            ));
        }
        Ok(())
    }

    /// The rules of `PhaseAdvanced`.
    pub(super) fn check_phase_advanced(
        &self,
        round: &RoundId,
        to: &Phase,
        by: &MemberId,
    ) -> Result<(), Rejected> {
        self.require_facilitator(*by)?;
        let r = self
            .rounds
            .get(round)
            .ok_or_else(|| reject(RejectCode::NotFound, format!("no round {round}")))?;
        if r.phase.next() != Some(*to) {
            return Err(reject(
                RejectCode::WrongPhase,
                format!(
                    "round {round} is in its {} phase and can only move to the next one",
                    r.phase.name()
                ),
            ));
        }
        if r.phase == Phase::Plan && r.plan.is_none() {
            return Err(reject(
                RejectCode::Conflict,
                format!("round {round} has no plan yet; wait until it is computed"),
            ));
        }
        Ok(())
    }

    /// The rules of `BallotCast`.
    pub(super) fn check_ballot_cast(
        &self,
        round: &RoundId,
        voter: &Pseudonym,
        ballot: &RoundBallot,
        replaces: bool,
    ) -> Result<(), Rejected> {
        let r = self.round_in(*round, RoundAction::Vote.phase(), RoundAction::Vote.doing())?;
        if voter.is_empty() {
            return Err(reject(
                RejectCode::Invalid,
                "a ballot needs a voter pseudonym",
            ));
        }
        check_text("voter", voter, MAX_PSEUDONYM)?;
        for product in ballot.scores.keys() {
            check_text("scores", product, MAX_NAME)?;
        }
        let mut seen = std::collections::BTreeSet::new();
        for p in &ballot.approve {
            if !r.proposals.contains_key(p) {
                return Err(reject(
                    RejectCode::UnknownProject,
                    format!("round {round} has no proposal {p}"),
                ));
            }
            if !seen.insert(*p) {
                return Err(reject(
                    RejectCode::Invalid,
                    format!("proposal {p} is approved twice"),
                ));
            }
        }
        let e = self.economy()?;
        for (product, s) in &ballot.scores {
            if e.product_index(product).is_none() {
                return Err(reject(
                    RejectCode::Invalid,
                    format!("scores: product {product:?} is not in the economy"),
                ));
            }
            if *s > MAX_SCORE {
                return Err(reject(
                    RejectCode::Invalid,
                    format!("scores: {product:?} has {s}; scores go from 0 to {MAX_SCORE}"),
                ));
            }
        }
        if let Some(s) = &ballot.split {
            check_split(s)?;
        }
        if let Some(rate) = ballot.discount_rate {
            if self.economy_years().is_none() {
                return Err(reject(
                    RejectCode::Invalid,
                    format!("round {round} plans a single year; a discount rate is only possible in a multi-year round"),
                ));
            }
            if !(rate.is_finite() && (0.0..=MAX_DISCOUNT_RATE).contains(&rate)) {
                return Err(reject(
                    RejectCode::Invalid,
                    format!("discount_rate is {rate}; give a yearly rate from 0 to {MAX_DISCOUNT_RATE} (0.03 is 3 % a year)"),
                ));
            }
        }
        if replaces != r.ballots.contains_key(voter) {
            return Err(reject(
                RejectCode::Mismatch,
                "the entry's replaces flag does not match the ballots before it",
            ));
        }
        Ok(())
    }

    /// The rules of `DelegationGranted`.
    pub(super) fn check_delegation_granted(
        &self,
        member: &MemberId,
        to: &MemberId,
    ) -> Result<(), Rejected> {
        if !self.members.contains_key(member) {
            return Err(reject(RejectCode::NotFound, format!("no member {member}")));
        }
        if !self.members.contains_key(to) {
            return Err(reject(RejectCode::NotFound, format!("no member {to}")));
        }
        if let Some(m) = [member, to].into_iter().find(|m| !self.is_admitted(**m)) {
            return Err(reject(
                RejectCode::Forbidden,
                format!("member {m} awaits admission by a facilitator; applicants cannot delegate nor be delegated to"),
            ));
        }
        if member == to {
            return Err(reject(
                RejectCode::Invalid,
                "a member cannot delegate to themselves",
            ));
        }
        Ok(())
    }

    /// The rules of `DelegationRevoked`.
    pub(super) fn check_delegation_revoked(
        &self,
        member: &MemberId,
        topic: &Topic,
    ) -> Result<(), Rejected> {
        if !self.delegations.contains_key(&(*member, *topic)) {
            return Err(reject(
                RejectCode::NotFound,
                format!("member {member} has no delegation on {topic:?}"),
            ));
        }
        Ok(())
    }

    /// The rules of `TallyRecorded`.
    pub(super) fn check_tally_recorded(
        &self,
        round: &RoundId,
        eligible: u64,
        weights: &BTreeMap<Pseudonym, TopicWeights>,
        tally: &crate::tally::RoundTally,
    ) -> Result<(), Rejected> {
        let r = self.round_in(*round, Phase::Plan, "recording the count")?;
        if r.tally.is_some() {
            return Err(reject(
                RejectCode::Conflict,
                format!("round {round} is already counted; a result cannot be changed"),
            ));
        }
        if eligible != self.eligible() {
            return Err(reject(
                RejectCode::Mismatch,
                format!(
                    "the count says {eligible} members were eligible; the log has {}",
                    self.eligible()
                ),
            ));
        }
        for p in weights.keys() {
            check_text("weights", p, MAX_PSEUDONYM)?;
        }
        if weights.len() != r.ballots.len() || r.ballots.keys().any(|p| !weights.contains_key(p)) {
            return Err(reject(
                RejectCode::Mismatch,
                "the count's weights do not name exactly the round's voters",
            ));
        }
        for t in Topic::ALL {
            // Since issue #15, a ballot's weight on a topic it does not vote on counts for
            // nobody (its voter follows their delegation there, and counts at the delegate's
            // ballot): the sum is over the ballots that vote on the topic. Before, the sum was
            // over every ballot, which refused a count where a member delegated a topic and
            // voted another.
            let sum: u64 = if r.rules.is_some() {
                weights
                    .iter()
                    .filter(|(p, _)| {
                        r.ballots
                            .get(*p)
                            .is_some_and(|b| crate::tally::votes_on(b, t))
                    })
                    .map(|(_, w)| w.get(t))
                    .sum()
            } else {
                weights.values().map(|w| w.get(t)).sum()
            };
            if sum > eligible || weights.values().any(|w| w.get(t) == 0) {
                return Err(reject(
                    RejectCode::Mismatch,
                    "the count's weights are not between 1 and the number of members",
                ));
            }
        }
        let recomputed = crate::tally::compute_tally_once(&self.tally_input(r, eligible, weights)?);
        if &recomputed != tally {
            return Err(reject(
                RejectCode::Mismatch,
                format!("the recorded count of round {round} is not the count of its ballots"),
            ));
        }
        Ok(())
    }

    /// The rules of `PlanRecorded`.
    pub(super) fn check_plan_recorded(
        &self,
        round: &RoundId,
        inputs: &PlanInputs,
        inputs_sha256: &str,
        result: &PlanOutcome,
        result_sha256: &str,
        years: Option<&YearsPlan>,
    ) -> Result<(), Rejected> {
        let r = self.round_in(*round, Phase::Plan, "recording the plan")?;
        if r.plan.is_some() {
            return Err(reject(
                RejectCode::Conflict,
                format!("round {round} already has its plan; a result cannot be changed"),
            ));
        }
        if r.tally.is_none() {
            return Err(reject(
                RejectCode::Conflict,
                format!("round {round} is not counted yet"),
            ));
        }
        let mut expected = self.plan_inputs(*round, inputs.tolerance, &inputs.code_version)?;
        // A plan computed without a warm start (logs from before them, a service that
        // turns them off) is as verifiable as one with the start the log designates.
        if inputs.warm_start.is_none() {
            expected.warm_start = None;
        }
        // Plans recorded by 0.1.0 name no LP solver; they were solved by PDLP, and are
        // recomputed so.
        if inputs.lp_solver.is_none() {
            expected.lp_solver = None;
        }
        if &expected != inputs {
            return Err(reject(RejectCode::Mismatch,
                format!("the plan of round {round} was not computed from the round's recorded needs, count and economy"),
            ));
        }
        if digest(inputs) != inputs_sha256 || digest(result) != result_sha256 {
            return Err(reject(
                RejectCode::Mismatch,
                "the plan's recorded hashes do not match it",
            ));
        }
        let tally = r.tally.clone().ok_or_else(|| {
            reject(
                RejectCode::Conflict,
                format!("round {round} is not counted yet"),
            )
        })?;
        let expected_years = self.years_inputs_with(*round, &tally)?;
        match (&expected_years, years) {
            (None, None) => {}
            (Some(_), None) => {
                return Err(reject(
                    RejectCode::Mismatch,
                    format!(
                        "round {round} plans several years, and its recorded plan has no years"
                    ),
                ))
            }
            (None, Some(_)) => {
                return Err(reject(
                    RejectCode::Mismatch,
                    format!("round {round} plans a single year, and its recorded plan has years"),
                ))
            }
            (Some(expected), Some(y)) => {
                if expected != &y.inputs {
                    return Err(reject(RejectCode::Mismatch,
                        format!("the multi-year plan of round {round} was not computed from the round's recorded needs, count and economy"),
                    ));
                }
                if digest(&y.inputs) != y.inputs_sha256 || digest(&y.result) != y.result_sha256 {
                    return Err(reject(
                        RejectCode::Mismatch,
                        "the multi-year plan's recorded hashes do not match it",
                    ));
                }
            }
        }
        if self.mode.recompute_plans {
            let start = self.plan_start(inputs);
            let again = compute_recorded(
                self.economy()?,
                self.economy_years().map(|y| y.as_ref()),
                inputs,
                expected_years.as_ref(),
                start.as_ref().map(|p| &p.outcome),
            )
            .map_err(|e| reject(RejectCode::Mismatch, e.to_string()))?;
            if &again.outcome != result {
                return Err(reject(RejectCode::Mismatch,
                    format!(
                        "recomputing the plan of round {round} from its inputs gives a different plan (λ {} recorded, {} recomputed)",
                        result.lambda, again.outcome.lambda
                    ),
                ));
            }
            if let (Some(y), Some(again)) = (years, &again.years) {
                if y.result != again.result {
                    return Err(reject(RejectCode::Mismatch,
                        format!(
                            "recomputing the multi-year plan of round {round} from its inputs gives a different plan (Σλ {} recorded, {} recomputed)",
                            y.result.total_lambda, again.result.total_lambda
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}
