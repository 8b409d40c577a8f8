# plenty's pages in English: the original of every message. A subset of Fluent: messages
# `key = text` with `{ $variable }` placeables (see src/pages/i18n.rs).

## Navigation
nav-main = Main
nav-round = Round
nav-plan = Plan
nav-rounds = Past rounds
nav-members = Members
nav-audit = Audit
nav-sign-in = Sign in
nav-sign-out = Sign out
nav-join = Join
nav-member-number = member { $number }
nav-awaiting = awaiting a facilitator's approval
nav-facilitator = facilitator
title-home = Home
yes = yes
no = no

## Phases, rules, councils, topics
phase-label = Phase
phase-needs = needs
phase-voting = voting
phase-plan = plan
phase-follow_up = follow-up
rule-mes = the Method of Equal Shares
rule-greedy = greedy approval
council-workplace = workplace council
council-consumer = consumer council
topic-projects = Common projects
topic-priorities = Priorities
topic-split = Split of hours

## What to do next
next-heading = What to do next
next-sign-in-link = Sign in
next-sign-in = to take part: register needs, propose projects and vote. No account? Ask a facilitator for an invitation and join.
next-awaiting = A facilitator must admit you and assign your councils before you can take part. You will be able to register needs and vote then.
next-no-round = No planning round is open yet. A facilitator opens one; then you can register your needs.
next-no-round-facilitator = No planning round is open yet. Open one (with the API or the command line) so that members can register their needs.
next-needs = Register your needs and propose common projects until the facilitator opens the vote.
next-voting = The vote is open: answer the questions of your ballot below, or leave a question to your delegate. You can change your ballot until the vote closes.
next-voting-voted = Your ballot is recorded. You can change it until the vote closes; only your last ballot counts.
next-plan = The vote is closed and counted. The plan is computed from it: see what it asks of your workplace on the plan page.
next-follow-up = This round's plan is being carried out. Check it on the plan page; the next round opens when a facilitator starts it.
next-abandoned = This round was abandoned, without a plan. Wait for the next round.
next-facilitator-needs = As facilitator: open the vote when members have registered their needs and proposals.
next-facilitator-voting = As facilitator: close the vote when members have voted; the count and the plan follow.
next-facilitator-plan = As facilitator: move the round to follow-up once the plan is published.
next-facilitator-follow-up = As facilitator: open the next round when the federation is ready.

## Home
home-summary = { $members } members in { $councils } councils. The log has { $entries } entries.
home-round = Round { $number }: { $title }
home-take-part = Take part
home-see-plan = See the plan
home-past-rounds = Past rounds
home-no-round = No planning round yet.
home-councils = Councils
home-how-heading = How decisions are made
home-how = Needs become the plan's targets. Projects are chosen from the voted investment hours by the Method of Equal Shares. The split of hours is the weighted median of the ballots. Every input, ballot, count and plan is an entry of a hash-chained log that anyone can download and verify on the Audit page.
home-log-head = The head of the log:

## Not found
notfound-heading = Page not found
notfound-text = There is no page at { $path }. It may have moved, or the address may be mistyped. Where do you want to go?
notfound-home = Home: the federation and what to do next

## Accounts
form-email = E-mail
form-password = Password
login-no-account = No account yet?
signup-heading = Join the federation

form-name = Name
signup-password = Password (10 characters or more)
signup-invitation-code = Invitation code
signup-open = Join with the invitation code a facilitator gave you. Without one, you sign up as an applicant: a facilitator admits you and assigns your councils before you can take part.
signup-invitation = This federation admits members by invitation: enter the code a facilitator gave you. It carries your councils.

## Audit
audit-entries = The log has { $entries } entries. Its head (the hash of the last entry) is { $head }.
audit-download = Download the log
audit-check = and check it yourself with { $command }: it checks the hash chain, recomputes every count from the ballots and every plan from its recorded inputs, bit for bit.
audit-verify-now = Verify the database now
audit-shows-heading = What the log shows, and what it does not
audit-shows = Every ballot is in the log under a pseudonym that changes from round to round, so anyone can recount every vote, but no one without the service's secret key can tell who cast which ballot. Your pseudonym is your receipt: find it in the export to check that your ballot was counted as cast. Names, e-mails and passwords are never in the log.

## Round
round-heading = Round { $number }: { $title }
round-ballots = { $count } ballots
round-quorum-rule = quorum: { $turnout } % of members and at least { $ballots } ballots · projects chosen by { $rule }
round-past = This round is over: you see it as the log recorded it.
round-see-its-plan = See its plan.
round-abandoned = This round was abandoned: { $why }
round-no-economy = No economy has been imported yet: a facilitator imports one before members can register needs.
round-none-yet = No round yet
round-needs = Needs registered
round-proposals = Proposed common projects
round-register-need = Register a need
round-propose = Propose a project
round-facilitator = Facilitator
round-move-to = Move to the { $phase } phase
round-count = The count
round-quorum-met = Quorum met: { $represented } of { $eligible } members represented by { $ballots } ballots.
round-quorum-topics = Members represented on each topic: projects { $projects }, priorities { $priorities }, split { $split }.
round-quorum-not-met = No quorum: { $represented } of { $eligible } members represented by { $ballots } ballots. No project is funded and the default split applies.
round-discount = Weight on the present: in the plan, each later year counts { $rate } less than the year before (the median of the ballots).
round-discount-default = Weight on the present: in the plan, each later year counts { $rate } less than the year before (the default).
round-split = Split of hours: consumption { $consumption }, investment { $investment }, common funds { $funds }.
round-split-default = Split of hours: consumption { $consumption }, investment { $investment }, common funds { $funds } (the round's default: no valid split vote).
round-projects-result = Budget for projects: { $budget }. Funded: { $funded } ({ $spent }).
round-none = none
table-product = product
table-year = year
table-registered = registered
table-unit = unit
table-project = project
table-hours = hours
table-approvals = approvals
table-funded = funded
form-product = Product
form-quantity = Quantity
form-year = Year
form-every-year = every year
form-title = Title
form-cost-hours = Cost in hours

## The ballot
ballot-heading = Your ballot
ballot-intro = Answer each question yourself, or leave it to your delegate (if you have none, you abstain on it). Only the questions you answer are sent.
ballot-answer = Answer this question
ballot-leave = Leave it to my delegate (or abstain)
ballot-your-delegate = Your delegate on this topic is { $name }: if you leave the question, { $name } votes for you (unless they leave it too).
ballot-no-delegate = You have no delegate on this topic: if you leave the question, you abstain on it. You can choose a delegate on the Members page.
ballot-projects = Projects you approve
ballot-budget = { $available } available for projects ({ $share } of the { $total } of the period, at the round's default split) against { $proposed } proposed.
ballot-ticked = Ticked: { $hours } of the { $budget } for projects at your investment share.
ballot-split = Split of the hours (shares summing to 1)
ballot-consumption = Consumption
ballot-investment = Investment (common projects)
ballot-funds = Common funds
ballot-split-total = total { $total } — must be 1
ballot-split-ok = total { $total } ✓
ballot-priorities = Priorities (0 to 5)
ballot-no-opinion = no opinion
ballot-discount = Weight on the present
ballot-discount-label = Yearly discount rate, 0 to { $max } (0 weighs every year alike; higher rates favour consumption now over investment for later years)
ballot-cast = Cast ballot
ballot-again = You can vote again until voting closes: your last ballot counts, and both are in the log.

## Round by round
explain-heading = Round by round
explain-json = The count as data (JSON)
explain-unknown = This count's explanation has a form the page cannot put in words: see the JSON.
explain-share = Each member had an equal share of the project budget: { $share }.
explain-increments = The shares were raised step by step ({ $runs } runs) so that more of the budget is spent, as the rule's completion does; below is the run kept.
explain-round-winner = Round { $number }: { $project } ({ $cost }) is funded.
explain-paid = { $members } supporters paid { $paid } each.
explain-paid-all = { $members } supporters paid { $paid } each: all they had left.
explain-paid-one = 1 supporter paid { $paid }.
explain-paid-all-one = 1 supporter paid { $paid }: all they had left.
explain-paid-at-most = Each supporter paid at most { $paid } (less if they had less left).
explain-more-payments = … and { $count } more groups of payments (see the JSON).
explain-why-not = Why the other projects were not funded
explain-no-supporters = no member approved it.
explain-too-expensive = too expensive for its supporters' remaining budget: they had { $available } left together, it costs { $cost }.
explain-outbid = its supporters' shares were spent on projects that cost each of them less, before it could be paid for.
explain-shares-spent = its supporters' shares were spent on other projects before it could be paid for.
explain-budget-exhausted = the budget was exhausted: it costs { $cost }, and only { $left } were left.
explain-greedy = Then the budget left ({ $left }) was filled with the most approved projects per hour that fit:
explain-greedy-none = none fitted.
explain-project-number = project { $number }

## Past rounds
rounds-heading = Past rounds
rounds-empty = There has been no round yet.
rounds-title = Title
rounds-result = Result
rounds-see-plan = See the plan
rounds-abandoned = abandoned, without a plan
rounds-result-plan = { $funded } projects funded; { $week } of work per member per week
rounds-result-count = { $funded } projects funded; the plan is being computed
rounds-under-way = under way

## Members
members-heading = Members
members-sign-in = Members' names are shown to signed-in members only.
members-summary = { $members } admitted members in { $councils } councils.
members-your-delegates = Your delegates
members-topic = Topic
members-delegate = Delegate
members-no-delegate = none: you vote yourself, or abstain
members-delegators = Members who delegated to you
members-no-delegators = Nobody has delegated a topic to you.
members-delegate-heading = Delegate a topic
members-delegate-how = Your delegate votes for you on a topic whenever you leave that question of your ballot unanswered. A new delegation on a topic replaces the old one.
members-delegate-button = Delegate
members-directory = Everyone
members-name = Name
members-you = you

## Plan
plan-heading = The plan of round { $number }
plan-plain = The plan meets 100 % of every committed need and makes { $percent } of the targets on top of them.
plan-part = The plan meets every committed need, but only { $percent } of the targets on top of them: see what binds.
plan-years-plain = Over { $years } years the plan makes on average { $percent } of each year's targets; later years count a little less ({ $rate } a year, the rate of the vote).
plan-cannot = The targets cannot be met: this is not a plan that works.
plan-what-binds = What binds:
plan-about-link = How this was computed, in technical terms: { $link }.
plan-your-needs = Your needs in this round
plan-need-met = met in full
plan-need-not-met = not met in full
plan-hours-heading = Hours and the working week
plan-hours-available = The economy has { $total } of work in the period ({ $types }).
plan-hours-split = The vote split them: { $consumption } for what members consume (the plan's production), { $investment } for common projects ({ $projects } funded) and { $funds } for common funds ({ $fund_hours }).
plan-working-week = The plan needs { $week }: ({ $production } of production + { $projects } for common projects + { $funds } for common funds) ÷ { $members } members ÷ { $weeks } weeks.
plan-plot-hours = Hours of the plan period
plan-scale-hours = bars in hours
plan-production = production
plan-projects = common projects
plan-funds = common funds
plan-hours = hours
plan-produced-heading = What is produced
plan-plot-products = Net output as a share of what is needed
plan-scale-percent-needed = bars in % of what is needed
plan-produced = produced (net)
plan-product = product
plan-needed = needed
plan-met = met in full
plan-worth = worth, in hours of { $labour }
plan-worth-none = worth in hours
plan-hour-worth = One more hour of { $labour } would let the plan make { $percent } % more of every target per 100 hours.
plan-labour-not-scarce = No kind of labour is scarce in this plan: more hours would not let it make more. What limits it is listed under “What binds”.
plan-workplaces-heading = What each workplace is asked to do
plan-plot-processes = Runs of each process
plan-scale-runs = bars in runs
plan-runs = runs
plan-process = process
plan-makes = makes
plan-capacity = capacity
plan-at-capacity = at capacity
plan-processes = Processes
plan-processes-untaken = Processes no council has taken on
plan-binds-heading = What binds
plan-plot-limits = Labour and resources: share of what is available that the plan uses
plan-scale-percent-available = bars in % of what is available
plan-used = used
plan-nothing-binds = Nothing binds: there is labour and every resource to spare.
plan-effect-heading = What your ballot changed
plan-effect-sign-in = Sign in to see what your ballot changed.
plan-failed = The plan could not be computed: { $why }
plan-computing = The plan is being computed… this page refreshes itself.
plan-later = The plan is computed when voting closes (the round is in its { $phase } phase).

## About this computation
about-heading = About this computation
about-back = Back to the plan in plain words
about-no-plan = There is no plan yet.

## Issue #15: the round's rules, your needs, why funded, priorities, deadlines
nav-proposals = Proposals
nav-calendar = Calendar
nav-facilitate = Facilitate
deadline-needs = The needs phase ends, and the vote opens, on { $when }.
deadline-voting = Voting closes on { $when }.
your-needs-heading = Your needs
your-needs-intro = Only you see this list. Change or withdraw a need until the vote opens.
your-needs-change = Change
your-needs-withdraw = Withdraw
removed-heading = Withdrawn or hidden
removed-withdrawn = withdrawn by its member
removed-hidden = hidden by a facilitator: { $reason }
removed-need = Need { $number }: { $quantity } { $product } — { $why }
removed-project = Project “{ $title }” — { $why }
rule-unapproved-funded = This federation chose to fund projects no member approved when the budget has room after the approved ones (a published rule of this round).
rule-unapproved-never = A project no member approves is never funded.
why-funded-heading = Why each project was funded
why-funded-round = round { $round } of the Method of Equal Shares: its supporters could pay for it from their equal shares of the budget
why-funded-completion = the completion step: the budget had room after the rounds of equal shares
why-funded-greedy = greedy approval: among the most approved projects that fitted the budget
priorities-heading = Priorities
priorities-empty = No ballot scored a product.
priorities-intro = The mean score (0 to 5) of each product, over the members who scored it (“no opinion” does not count as 0). The priorities are published with the count for the federation's councils to weigh; they do not change this round's plan, which meets every need in the same proportion.
priorities-mean = mean score
priorities-scored-by = scored by
priorities-members = { $count } members
priorities-members-one = 1 member
calendar-heading = Calendar
proposals-heading = Proposals of round { $number }: { $title }
log-heading = The log
receipt-heading = Was my ballot counted?
facilitate-heading = Facilitate

## Issue #15: proposals
proposals-none-yet = No round yet: proposals are made in a round's needs phase.
proposals-search = Search
proposals-show = Show
proposals-order = Order
proposals-find = Find
proposals-all = all proposals
proposals-mine = mine
proposals-funded = funded
proposals-newest = newest first
proposals-cheapest = cheapest first
proposals-discussed = most discussed first
proposals-supported = most supported first
proposals-approved = most approved first (after the count)
proposals-empty-needs = No proposal yet. Propose a common project on the round page: its title, its cost in hours and what it is for.
proposals-empty = This round has no proposals.
proposals-count = { $shown } of { $total } proposals.
proposal-all = All proposals
proposal-supports = Members who support it: { $count }.
proposal-support = Support it
proposal-unsupport = Take back my support
proposal-discussion = Discussion ({ $count } comments)
proposal-discussion-one = Discussion (1 comment)
proposal-no-comments = No comment yet.
proposal-comment-hidden = A facilitator hid this comment: { $reason }
proposal-discussion-closed = The discussion closed with the vote.
proposal-your-comment = Your comment (members see your name)
proposal-comment = Comment
proposal-sign-in = Sign in to take part in the discussion.
proposal-no-description = No description yet.

## Issue #15: the list of proposals
proposals-by = , proposed by { $name }
proposals-yours = (yours)
proposals-counts = { $comments } comment(s), { $supports } support(s)
proposals-approved-funded = , { $approvals } approvals, funded
proposals-approved-not-funded = , { $approvals } approvals, not funded

## Account, notices and password recovery (issue #15)
nav-notices = Notices ({ $count })
nav-account = Account
login-forgot = Forgot your password?
login-reset = Your password is changed, and every session of your account was signed out. Sign in with the new password.
forgot-heading = Forgot your password
forgot-text = Enter the e-mail of your account. If it has one, we e-mail it a link to choose a new password; the link works once, within an hour.
forgot-no-mail = This service does not send e-mail, so it cannot send you a link. Ask a facilitator to help you back into your account.
forgot-send = Send the link
forgot-sent = If an account has this e-mail, a link is on its way to it. Check your inbox (and its spam folder).
reset-heading = Choose a new password
reset-text = Every session of your account will be signed out.
reset-new = New password (10 characters or more)
reset-save = Save the new password
reset-no-token = This page needs the link from the e-mail. Ask for a new one:
account-heading = Your account
account-profile = Profile
account-name = Name
account-notify = E-mail me notices (a phase change, a plan ready)
account-no-mail = This service does not send e-mail: notices are only on the Notices page.
account-save = Save
account-password = Change your password
account-current = Current password
account-receipts = Your receipts
account-receipts-text = For each round you voted in: the pseudonym under which your ballot is in the public log, and the position of that entry. Only you know it is yours.
account-receipts-none = You have not voted in any round yet. Your receipts appear here once you do.
account-round = Round
account-pseudonym = Receipt (pseudonym)
account-entry = Log entry
account-delete = Delete your account
account-delete-text = Your name, e-mail, password and sessions are erased. The log records that you left; your past ballots stay in it under their pseudonyms, so the results can still be checked. This cannot be undone.
account-delete-confirm = I understand: delete my account
account-delete-button = Delete my account
account-signin = Sign in to see your account.
notices-heading = Notices
notices-none = No notices yet. You will find here when a round moves to its next phase and when a plan is ready.
notices-mark = Mark all as seen
notices-new = new
notice-phase = Round { $round } “{ $title }” moved to its { $phase } phase.
notice-abandoned = Round { $round } “{ $title }” was abandoned, without a plan.
notice-plan = The plan of round { $round } “{ $title }” is ready.
statement-title = Your labour-time account
statement-none = No hours have been reported for you yet. When your workplace reports your hours and you confirm them, your credits appear here.
statement-text = One credit for each hour you work, less the deductions the members voted; credits buy consumer goods at their labour value. Only you and the auditors the federation names can see this.
statement-hours = Hours worked and confirmed
statement-investment = Deducted for investment
statement-common-goods = Deducted for common goods
statement-care = Deducted for care
statement-credits = Credits paid
statement-consumption = Spent on consumer goods
statement-available = Credits left
statement-pending = reports of hours await your confirmation (confirm or dispute them through the API: POST /api/v1/me/hours/N/confirm, N the report, or /dispute).
