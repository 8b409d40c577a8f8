# Les pages de plenty en français. Un sous-ensemble de Fluent : des messages `clé = texte`
# avec des variables `{ $variable }` (voir src/pages/i18n.rs). Un message absent d'ici
# s'affiche en anglais.

## Navigation
nav-main = Principal
nav-round = Cycle
nav-plan = Plan
nav-rounds = Cycles passés
nav-members = Membres
nav-audit = Audit
nav-sign-in = Se connecter
nav-sign-out = Se déconnecter
nav-join = Adhérer
nav-member-number = membre { $number }
nav-awaiting = en attente de l'accord d'un facilitateur
nav-facilitator = facilitateur
title-home = Accueil
yes = oui
no = non

## Phases, règles, conseils, sujets
phase-label = Phase
phase-needs = besoins
phase-voting = vote
phase-plan = plan
phase-follow_up = suivi
rule-mes = la méthode des parts égales
rule-greedy = l'approbation gloutonne
council-workplace = conseil de lieu de travail
council-consumer = conseil de consommateurs
topic-projects = Projets communs
topic-priorities = Priorités
topic-split = Répartition des heures

## Que faire ensuite
next-heading = Que faire ensuite
next-sign-in-link = Connectez-vous
next-sign-in = pour participer : déclarer vos besoins, proposer des projets et voter. Pas de compte ? Demandez une invitation à un facilitateur et adhérez.
next-awaiting = Un facilitateur doit vous admettre et vous attribuer vos conseils avant que vous puissiez participer. Vous pourrez alors déclarer vos besoins et voter.
next-no-round = Aucun cycle de planification n'est encore ouvert. Un facilitateur en ouvre un ; vous pourrez alors déclarer vos besoins.
next-no-round-facilitator = Aucun cycle de planification n'est encore ouvert. Ouvrez-en un (par l'API ou la ligne de commande) pour que les membres déclarent leurs besoins.
next-needs = Déclarez vos besoins et proposez des projets communs jusqu'à ce que le facilitateur ouvre le vote.
next-voting = Le vote est ouvert : répondez aux questions de votre bulletin ci-dessous, ou laissez une question à votre délégué. Vous pouvez modifier votre bulletin jusqu'à la clôture du vote.
next-voting-voted = Votre bulletin est enregistré. Vous pouvez le modifier jusqu'à la clôture du vote ; seul votre dernier bulletin compte.
next-plan = Le vote est clos et dépouillé. Le plan en est calculé : voyez ce qu'il demande à votre lieu de travail sur la page du plan.
next-follow-up = Le plan de ce cycle est en cours de réalisation. Consultez-le sur la page du plan ; le prochain cycle s'ouvre quand un facilitateur le lance.
next-abandoned = Ce cycle a été abandonné, sans plan. Attendez le prochain cycle.
next-facilitator-needs = En tant que facilitateur : ouvrez le vote quand les membres ont déclaré leurs besoins et leurs propositions.
next-facilitator-voting = En tant que facilitateur : clôturez le vote quand les membres ont voté ; le dépouillement et le plan suivent.
next-facilitator-plan = En tant que facilitateur : passez le cycle au suivi une fois le plan publié.
next-facilitator-follow-up = En tant que facilitateur : ouvrez le prochain cycle quand la fédération est prête.

## Accueil
home-summary = { $members } membres dans { $councils } conseils. Le journal compte { $entries } entrées.
home-round = Cycle { $number } : { $title }
home-take-part = Participer
home-see-plan = Voir le plan
home-past-rounds = Cycles passés
home-no-round = Pas encore de cycle de planification.
home-councils = Conseils
home-how-heading = Comment les décisions sont prises
home-how = Les besoins deviennent les objectifs du plan. Les projets sont choisis, dans les heures d'investissement votées, par la méthode des parts égales. La répartition des heures est la médiane pondérée des bulletins. Chaque donnée, bulletin, dépouillement et plan est une entrée d'un journal chaîné par hachage que chacun peut télécharger et vérifier sur la page Audit.
home-log-head = La tête du journal :

## Page introuvable
notfound-heading = Page introuvable
notfound-text = Il n'y a pas de page à l'adresse { $path }. Elle a peut-être été déplacée, ou l'adresse est mal saisie. Où voulez-vous aller ?
notfound-home = Accueil : la fédération et que faire ensuite

## Comptes
form-email = Courriel
form-password = Mot de passe
login-no-account = Pas encore de compte ?
signup-heading = Adhérer à la fédération

form-name = Nom
signup-password = Mot de passe (10 caractères ou plus)
signup-invitation-code = Code d'invitation
signup-open = Adhérez avec le code d'invitation qu'un facilitateur vous a donné. Sans code, vous vous inscrivez comme candidat : un facilitateur vous admet et vous attribue vos conseils avant que vous puissiez participer.
signup-invitation = Cette fédération admet ses membres sur invitation : saisissez le code qu'un facilitateur vous a donné. Il porte vos conseils.

## Audit
audit-entries = Le journal compte { $entries } entrées. Sa tête (le hachage de la dernière entrée) est { $head }.
audit-download = Téléchargez le journal
audit-check = et vérifiez-le vous-même avec { $command } : la commande vérifie la chaîne de hachage, recalcule chaque dépouillement à partir des bulletins et chaque plan à partir de ses données enregistrées, bit pour bit.
audit-verify-now = Vérifier la base de données maintenant
audit-shows-heading = Ce que le journal montre, et ce qu'il ne montre pas
audit-shows = Chaque bulletin figure dans le journal sous un pseudonyme qui change d'un cycle à l'autre : chacun peut recompter chaque vote, mais personne sans la clé secrète du service ne peut savoir qui a déposé quel bulletin. Votre pseudonyme est votre reçu : retrouvez-le dans l'export pour vérifier que votre bulletin a été compté tel que vous l'avez déposé. Les noms, courriels et mots de passe ne sont jamais dans le journal.

## Cycle
round-heading = Cycle { $number } : { $title }
round-ballots = { $count } bulletins
round-quorum-rule = quorum : { $turnout } % des membres et au moins { $ballots } bulletins · projets choisis par { $rule }
round-past = Ce cycle est terminé : vous le voyez tel que le journal l'a enregistré.
round-see-its-plan = Voir son plan.
round-abandoned = Ce cycle a été abandonné : { $why }
round-no-economy = Aucune économie n'a encore été importée : un facilitateur en importe une avant que les membres puissent déclarer leurs besoins.
round-none-yet = Pas encore de cycle
round-needs = Besoins déclarés
round-proposals = Projets communs proposés
round-register-need = Déclarer un besoin
round-propose = Proposer un projet
round-facilitator = Facilitateur
round-move-to = Passer à la phase { $phase }
round-count = Le dépouillement
round-quorum-met = Quorum atteint : { $represented } membres sur { $eligible } représentés par { $ballots } bulletins.
round-quorum-topics = Membres représentés sur chaque sujet : projets { $projects }, priorités { $priorities }, répartition { $split }.
round-quorum-not-met = Pas de quorum : { $represented } membres sur { $eligible } représentés par { $ballots } bulletins. Aucun projet n'est financé et la répartition par défaut s'applique.
round-discount = Poids du présent : dans le plan, chaque année suivante compte { $rate } de moins que la précédente (la médiane des bulletins).
round-discount-default = Poids du présent : dans le plan, chaque année suivante compte { $rate } de moins que la précédente (la valeur par défaut).
round-split = Répartition des heures : consommation { $consumption }, investissement { $investment }, fonds communs { $funds }.
round-split-default = Répartition des heures : consommation { $consumption }, investissement { $investment }, fonds communs { $funds } (celle du cycle par défaut : pas de vote valable sur la répartition).
round-projects-result = Budget des projets : { $budget }. Financés : { $funded } ({ $spent }).
round-none = aucun
table-product = produit
table-year = année
table-registered = déclaré
table-unit = unité
table-project = projet
table-hours = heures
table-approvals = approbations
table-funded = financé
form-product = Produit
form-quantity = Quantité
form-year = Année
form-every-year = chaque année
form-title = Titre
form-cost-hours = Coût en heures

## Le bulletin
ballot-heading = Votre bulletin
ballot-intro = Répondez vous-même à chaque question, ou laissez-la à votre délégué (si vous n'en avez pas, vous vous abstenez). Seules les questions auxquelles vous répondez sont envoyées.
ballot-answer = Répondre à cette question
ballot-leave = La laisser à mon délégué (ou m'abstenir)
ballot-your-delegate = Votre délégué sur ce sujet est { $name } : si vous laissez la question, { $name } vote pour vous (à moins de la laisser aussi).
ballot-no-delegate = Vous n'avez pas de délégué sur ce sujet : si vous laissez la question, vous vous abstenez. Vous pouvez choisir un délégué sur la page Membres.
ballot-projects = Projets que vous approuvez
ballot-budget = { $available } disponibles pour les projets ({ $share } des { $total } de la période, à la répartition par défaut du cycle) pour { $proposed } proposées.
ballot-ticked = Cochés : { $hours } sur les { $budget } des projets à votre part d'investissement.
ballot-split = Répartition des heures (parts dont la somme vaut 1)
ballot-consumption = Consommation
ballot-investment = Investissement (projets communs)
ballot-funds = Fonds communs
ballot-split-total = total { $total } — doit valoir 1
ballot-split-ok = total { $total } ✓
ballot-priorities = Priorités (0 à 5)
ballot-no-opinion = sans avis
ballot-discount = Poids du présent
ballot-discount-label = Taux d'actualisation annuel, de 0 à { $max } (0 pèse chaque année autant ; un taux plus élevé favorise la consommation immédiate plutôt que l'investissement pour les années suivantes)
ballot-cast = Voter
ballot-again = Vous pouvez voter à nouveau jusqu'à la clôture : votre dernier bulletin compte, et les deux sont dans le journal.

## Tour par tour
explain-heading = Tour par tour
explain-json = Le dépouillement en données (JSON)
explain-unknown = L'explication de ce dépouillement a une forme que la page ne sait pas mettre en mots : voyez le JSON.
explain-share = Chaque membre avait une part égale du budget des projets : { $share }.
explain-increments = Les parts ont été augmentées pas à pas ({ $runs } essais) pour dépenser davantage du budget, comme le fait le complément de la règle ; voici l'essai retenu.
explain-round-winner = Tour { $number } : { $project } ({ $cost }) est financé.
explain-paid = { $members } soutiens ont payé { $paid } chacun.
explain-paid-all = { $members } soutiens ont payé { $paid } chacun : tout ce qui leur restait.
explain-paid-one = 1 soutien a payé { $paid }.
explain-paid-all-one = 1 soutien a payé { $paid } : tout ce qui lui restait.
explain-paid-at-most = Chaque soutien a payé au plus { $paid } (moins s'il lui restait moins).
explain-more-payments = … et { $count } autres groupes de paiements (voir le JSON).
explain-why-not = Pourquoi les autres projets n'ont pas été financés
explain-no-supporters = aucun membre ne l'a approuvé.
explain-too-expensive = trop cher pour ce qui restait à ses soutiens : ils avaient { $available } ensemble, il coûte { $cost }.
explain-outbid = les parts de ses soutiens ont été dépensées pour des projets qui coûtaient moins à chacun, avant qu'il puisse être payé.
explain-shares-spent = les parts de ses soutiens ont été dépensées pour d'autres projets avant qu'il puisse être payé.
explain-budget-exhausted = le budget était épuisé : il coûte { $cost }, et il ne restait que { $left }.
explain-greedy = Puis le budget restant ({ $left }) a été rempli avec les projets les plus approuvés par heure qui y tenaient :
explain-greedy-none = aucun n'y tenait.
explain-project-number = projet { $number }

## Cycles passés
rounds-heading = Cycles passés
rounds-empty = Il n'y a pas encore eu de cycle.
rounds-title = Titre
rounds-result = Résultat
rounds-see-plan = Voir le plan
rounds-abandoned = abandonné, sans plan
rounds-result-plan = { $funded } projets financés ; { $week } de travail par membre et par semaine
rounds-result-count = { $funded } projets financés ; le plan est en calcul
rounds-under-way = en cours

## Membres
members-heading = Membres
members-sign-in = Les noms des membres ne sont montrés qu'aux membres connectés.
members-summary = { $members } membres admis dans { $councils } conseils.
members-your-delegates = Vos délégués
members-topic = Sujet
members-delegate = Délégué
members-no-delegate = aucun : vous votez vous-même, ou vous vous abstenez
members-delegators = Membres qui vous ont délégué leur voix
members-no-delegators = Personne ne vous a délégué de sujet.
members-delegate-heading = Déléguer un sujet
members-delegate-how = Votre délégué vote pour vous sur un sujet chaque fois que vous laissez cette question de votre bulletin sans réponse. Une nouvelle délégation sur un sujet remplace l'ancienne.
members-delegate-button = Déléguer
members-directory = Tout le monde
members-name = Nom
members-you = vous

## Plan
plan-heading = Le plan du cycle { $number }
plan-plain = Le plan satisfait 100 % de chaque besoin engagé et produit en plus { $percent } des objectifs.
plan-part = Le plan satisfait chaque besoin engagé, mais seulement { $percent } des objectifs en plus : voyez ce qui limite.
plan-years-plain = Sur { $years } ans, le plan produit en moyenne { $percent } des objectifs de chaque année ; les années suivantes comptent un peu moins ({ $rate } par an, le taux du vote).
plan-cannot = Les objectifs ne peuvent pas être atteints : ce plan ne fonctionne pas.
plan-what-binds = Ce qui limite :
plan-about-link = Comment il a été calculé, en termes techniques : { $link }.
plan-your-needs = Vos besoins dans ce cycle
plan-need-met = entièrement satisfait
plan-need-not-met = pas entièrement satisfait
plan-hours-heading = Les heures et la semaine de travail
plan-hours-available = L'économie dispose de { $total } de travail sur la période ({ $types }).
plan-hours-split = Le vote les a réparties : { $consumption } pour ce que consomment les membres (la production du plan), { $investment } pour les projets communs ({ $projects } financées) et { $funds } pour les fonds communs ({ $fund_hours }).
plan-working-week = Le plan demande { $week } : ({ $production } de production + { $projects } pour les projets communs + { $funds } pour les fonds communs) ÷ { $members } membres ÷ { $weeks } semaines.
plan-plot-hours = Les heures de la période du plan
plan-scale-hours = barres en heures
plan-production = production
plan-projects = projets communs
plan-funds = fonds communs
plan-hours = heures
plan-produced-heading = Ce qui est produit
plan-plot-products = Production nette en part de ce qui est nécessaire
plan-scale-percent-needed = barres en % de ce qui est nécessaire
plan-produced = produit (net)
plan-product = produit
plan-needed = nécessaire
plan-met = entièrement satisfait
plan-worth = valeur, en heures de { $labour }
plan-worth-none = valeur en heures
plan-hour-worth = Une heure de plus de { $labour } permettrait au plan de produire { $percent } % de plus de chaque objectif par tranche de 100 heures.
plan-labour-not-scarce = Aucun type de travail ne manque dans ce plan : plus d'heures ne lui permettraient pas de produire davantage. Ce qui le limite figure sous « Ce qui limite ».
plan-workplaces-heading = Ce qui est demandé à chaque lieu de travail
plan-plot-processes = Passes de chaque procédé
plan-scale-runs = barres en passes
plan-runs = passes
plan-process = procédé
plan-makes = produit
plan-capacity = capacité
plan-at-capacity = à pleine capacité
plan-processes = Procédés
plan-processes-untaken = Procédés qu'aucun conseil n'a pris en charge
plan-binds-heading = Ce qui limite
plan-plot-limits = Travail et ressources : part de ce qui est disponible que le plan utilise
plan-scale-percent-available = barres en % de ce qui est disponible
plan-used = utilisé
plan-nothing-binds = Rien ne limite : il reste du travail et de chaque ressource.
plan-effect-heading = Ce que votre bulletin a changé
plan-effect-sign-in = Connectez-vous pour voir ce que votre bulletin a changé.
plan-failed = Le plan n'a pas pu être calculé : { $why }
plan-computing = Le plan est en calcul… cette page se recharge d'elle-même.
plan-later = Le plan est calculé à la clôture du vote (le cycle est dans sa phase { $phase }).

## À propos de ce calcul
about-heading = À propos de ce calcul
about-back = Retour au plan en mots simples
about-no-plan = Il n'y a pas encore de plan.

## Issue #15 : les règles du cycle, vos besoins, pourquoi financé, priorités, échéances
nav-proposals = Propositions
nav-calendar = Calendrier
nav-facilitate = Faciliter
deadline-needs = La phase des besoins se termine, et le vote s'ouvre, le { $when }.
deadline-voting = Le vote se clôt le { $when }.
your-needs-heading = Vos besoins
your-needs-intro = Vous seul voyez cette liste. Modifiez ou retirez un besoin jusqu'à l'ouverture du vote.
your-needs-change = Modifier
your-needs-withdraw = Retirer
removed-heading = Retirés ou masqués
removed-withdrawn = retiré par son membre
removed-hidden = masqué par un facilitateur : { $reason }
removed-need = Besoin { $number } : { $quantity } { $product } — { $why }
removed-project = Projet « { $title } » — { $why }
rule-unapproved-funded = Cette fédération a choisi de financer les projets qu'aucun membre n'a approuvés quand le budget le permet après les projets approuvés (une règle publiée de ce cycle).
rule-unapproved-never = Un projet qu'aucun membre n'approuve n'est jamais financé.
why-funded-heading = Pourquoi chaque projet a été financé
why-funded-round = tour { $round } de la méthode des parts égales : ses soutiens pouvaient le payer sur leurs parts égales du budget
why-funded-completion = l'étape de complétion : le budget avait de la place après les tours de parts égales
why-funded-greedy = approbation gloutonne : parmi les projets les plus approuvés qui tenaient dans le budget
priorities-heading = Priorités
priorities-empty = Aucun bulletin n'a noté de produit.
priorities-intro = La note moyenne (0 à 5) de chaque produit, sur les membres qui l'ont notée (« sans avis » ne compte pas comme 0). Les priorités sont publiées avec le décompte pour que les conseils de la fédération les pèsent ; elles ne changent pas le plan de ce cycle, qui satisfait chaque besoin dans la même proportion.
priorities-mean = note moyenne
priorities-scored-by = notée par
priorities-members = { $count } membres
priorities-members-one = 1 membre
calendar-heading = Calendrier
proposals-heading = Propositions du cycle { $number } : { $title }
log-heading = Le journal
receipt-heading = Mon bulletin a-t-il été compté ?
facilitate-heading = Faciliter

## Issue #15 : propositions
proposals-none-yet = Pas encore de cycle : les propositions se font pendant la phase des besoins d'un cycle.
proposals-search = Rechercher
proposals-show = Afficher
proposals-order = Ordre
proposals-find = Chercher
proposals-all = toutes les propositions
proposals-mine = les miennes
proposals-funded = financées
proposals-newest = les plus récentes d'abord
proposals-cheapest = les moins chères d'abord
proposals-discussed = les plus discutées d'abord
proposals-supported = les plus soutenues d'abord
proposals-approved = les plus approuvées d'abord (après le décompte)
proposals-empty-needs = Pas encore de proposition. Proposez un projet commun sur la page du cycle : son titre, son coût en heures et son but.
proposals-empty = Ce cycle n'a pas de propositions.
proposals-count = { $shown } propositions sur { $total }.
proposal-all = Toutes les propositions
proposal-supports = Membres qui la soutiennent : { $count }.
proposal-support = La soutenir
proposal-unsupport = Retirer mon soutien
proposal-discussion = Discussion ({ $count } commentaires)
proposal-discussion-one = Discussion (1 commentaire)
proposal-no-comments = Pas encore de commentaire.
proposal-comment-hidden = Un facilitateur a masqué ce commentaire : { $reason }
proposal-discussion-closed = La discussion s'est close avec le vote.
proposal-your-comment = Votre commentaire (les membres voient votre nom)
proposal-comment = Commenter
proposal-sign-in = Connectez-vous pour prendre part à la discussion.
proposal-no-description = Pas encore de description.

## Issue #15 : la liste des propositions
proposals-by = , proposée par { $name }
proposals-yours = (la vôtre)
proposals-counts = { $comments } commentaire(s), { $supports } soutien(s)
proposals-approved-funded = , { $approvals } approbations, financée
proposals-approved-not-funded = , { $approvals } approbations, non financée

## Compte, avis et mot de passe oublié (ticket #15)
nav-notices = Avis ({ $count })
nav-account = Compte
login-forgot = Mot de passe oublié ?
login-reset = Votre mot de passe est changé, et toutes les sessions de votre compte ont été fermées. Connectez-vous avec le nouveau mot de passe.
forgot-heading = Mot de passe oublié
forgot-text = Saisissez le courriel de votre compte. S'il en a un, nous y envoyons un lien pour choisir un nouveau mot de passe ; le lien sert une fois, pendant une heure.
forgot-no-mail = Ce service n'envoie pas de courriel et ne peut donc pas vous envoyer de lien. Demandez à un facilitateur de vous aider à retrouver votre compte.
forgot-send = Envoyer le lien
forgot-sent = Si un compte a ce courriel, un lien est en route. Regardez votre boîte de réception (et les indésirables).
reset-heading = Choisir un nouveau mot de passe
reset-text = Toutes les sessions de votre compte seront fermées.
reset-new = Nouveau mot de passe (10 caractères ou plus)
reset-save = Enregistrer le nouveau mot de passe
reset-no-token = Cette page a besoin du lien reçu par courriel. Demandez-en un nouveau :
account-heading = Votre compte
account-profile = Profil
account-name = Nom
account-notify = M'envoyer les avis par courriel (changement de phase, plan prêt)
account-no-mail = Ce service n'envoie pas de courriel : les avis sont seulement sur la page Avis.
account-save = Enregistrer
account-password = Changer de mot de passe
account-current = Mot de passe actuel
account-receipts = Vos reçus
account-receipts-text = Pour chaque cycle où vous avez voté : le pseudonyme sous lequel votre bulletin figure dans le journal public, et la position de cette entrée. Vous seul·e savez qu'il est le vôtre.
account-receipts-none = Vous n'avez encore voté dans aucun cycle. Vos reçus apparaîtront ici quand vous l'aurez fait.
account-round = Cycle
account-pseudonym = Reçu (pseudonyme)
account-entry = Entrée du journal
account-delete = Supprimer votre compte
account-delete-text = Votre nom, courriel, mot de passe et sessions sont effacés. Le journal enregistre votre départ ; vos bulletins passés y restent sous leurs pseudonymes, pour que les résultats restent vérifiables. C'est définitif.
account-delete-confirm = J'ai compris : supprimer mon compte
account-delete-button = Supprimer mon compte
account-signin = Connectez-vous pour voir votre compte.
notices-heading = Avis
notices-none = Aucun avis pour l'instant. Vous trouverez ici quand un cycle passe à sa phase suivante et quand un plan est prêt.
notices-mark = Tout marquer comme vu
notices-new = nouveau
notice-phase = Le cycle { $round } « { $title } » est passé à la phase « { $phase } ».
notice-abandoned = Le cycle { $round } « { $title } » a été abandonné, sans plan.
notice-plan = Le plan du cycle { $round } « { $title } » est prêt.
statement-title = Votre compte en temps de travail
statement-none = Aucune heure n'a encore été déclarée pour vous. Quand votre lieu de travail déclare vos heures et que vous les confirmez, vos crédits apparaissent ici.
statement-text = Un crédit par heure travaillée, moins les prélèvements votés par les membres ; les crédits achètent des biens de consommation à leur valeur en travail. Seuls vous et les auditeurs désignés par la fédération voyez ceci.
statement-hours = Heures travaillées et confirmées
statement-investment = Prélevé pour l'investissement
statement-common-goods = Prélevé pour les biens communs
statement-care = Prélevé pour les soins
statement-credits = Crédits versés
statement-consumption = Dépensé en biens de consommation
statement-available = Crédits restants
statement-pending = déclarations d'heures attendent votre confirmation (confirmez-les ou contestez-les par l'API : POST /api/v1/me/hours/N/confirm, N étant la déclaration, ou /dispute).
