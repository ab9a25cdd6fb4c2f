"""Recognising the pain behind a priority written in the customer's own words, and saying why.

Each pain is a small document made of what the library says about it: its name and keywords, the sentences
customers say (`examples:` in pains.yaml), and the text of the capabilities, blocks and scenarios that answer
it. A priority is compared with every pain by BM25 over stemmed words (Snowball's English stemmer), with
bonuses for whole keyword phrases and allowance for typos; a clause that says a topic is *not* a problem
counts for little. Below a confidence threshold the priority stays a content gap: never a guess.

A priority names its problem in a clause ("...keep quitting", "...breaks down", "...wait six hours"); the rest
names the equipment, the site, the product. A clause that carries a problem cue (a complaint, a failure, a loss,
a shortage) counts in full, its cue words more; when some clause carries one, the clauses that carry none count
as context, at a reduced share. When the best two pains are close and the problem words do not decide between
them, the priority stays a gap rather than getting a confident wrong answer.

Everything here is deterministic: the same library and text give the same scores, in the same order.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import math
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from aspo.core.scripts import CJK_CHARACTERS

#: Where a pain's words come from, and how much each source counts (the pain's own vocabulary most).
FIELD_WEIGHTS = {"name": 3.0, "keyword": 3.0, "related": 1.0, "example": 0.0, "capability": 0.6, "block": 0.4,
                 "scenario": 0.3}
#: Sources whose words point to a pain on their own; the others only support it.
STRONG_FIELDS = ("name", "keyword")
#: An example sentence this much like the priority (shared words, weighted by rarity) points to its pain alone.
STRONG_EXAMPLE = 0.5
#: ... and this much like it, a weak signal that stands beside one related word.
WEAK_EXAMPLE = 0.3
#: Each word of a keyword phrase, alone; the whole phrase earns PHRASE_BONUS.
PHRASE_WORD_WEIGHT = 1.0
#: The most an example sentence adds, when every word of it is in the priority.
EXAMPLE_WEIGHT = 4.0
#: BM25's term-frequency saturation and length normalisation; pains differ in how much text they have.
K1 = 1.2
B = 0.3
#: A whole keyword phrase found in the priority adds this share of its words' weight again.
PHRASE_BONUS = 0.6
#: Scores are shown as confidence = score / (score + SCALE); below THRESHOLD on that scale a priority stays a gap
#: (0.55: on sets A, B and E it kept more phrasings no pain fits as gaps than 0.5 did, at the same recall).
SCALE = 2.4
THRESHOLD = 0.55
#: Another pain counts too when it is this close to the best one (a priority can name two pains).
ALSO = 0.8
#: ... but when it is this close and the problem clause does not decide, neither is chosen.
CLOSE = 0.95
#: A pain that stands only on two weak signals (related words, a loose example) needs this confidence.
WEAK_THRESHOLD = 0.6
#: A misspelt word counts when it is this close to a library word (difflib ratio), at this share.
TYPO_CUTOFF = 0.88
TYPO_SHARE = 0.7
#: A word that shares a library word's stem but is another word ("mechanical" ~ "mechanic") counts at this share.
DERIVED_SHARE = 0.5
_DERIVATIONS = ("al", "ity")  # the endings that make another word of one stem
#: A clause that says something is not a problem counts at this share.
NEGATED_SHARE = 0.15
#: A priority about something the library marks as outside its subject ("our website", "the CRM rollout")
#: keeps this share of every pain's score: only overwhelming evidence still names a pain.
OUTSIDE_SHARE = 0.25

#: A clause with no problem cue, beside one that has a cue, names context (the equipment, the site): this share.
CONTEXT_SHARE = 0.6
#: A word that is itself a problem cue ("fails", "retire", "stockout") counts this much more for a pain it names.
CUE_SHARE = 1.4
#: Words that say something is wrong, whatever the pain: a clause holding one names the problem.
PROBLEM_CUES = frozenset("""
fail fails failed failing failure failures broke broken break breaks breaking breakdown breakdowns outage
outages stoppage stoppages stop stops stopped stopping trip trips tripped tripping seized died dies dead crash
crashed jam jams jammed late delay delays delayed wait waits waiting waited missing miss missed lost lose loses
losing loss losses waste wasted wasting leak leaks leaking short shortage shortages understaffed quit quits
quitting retire retires retiring retirement retired nobody nothing cannot can't couldn't unable never no
too overspent overspend overrun expensive costly fortune insane killing hurting struggle struggling problem
problems issue issues worse worst poor bad terrible unreliable constantly rising climbing doubled tripled mess
messy scattered gaps gap finding findings violation violations fined penalty penalties complaint complaints
refunds cancelled canceled rescheduled backlog overdue stall stalls stalled zero only old ageing aging worn
obsolete outdated patched patching burst bursts offline overheating blind stuck stretched wrong
""".split())
#: A clause that quantifies a rise or a share ("up 40%", "2.5x") names a problem too.
_RISE = re.compile(r"\bup\s+\d|\d\s*%|\d(?:\.\d)?x\b")
#: "down" that means less or found, not stopped: "margins down 8%", "get the cost down", "hunting down parts".
_DOWN_BY_A_FIGURE = re.compile(r"\b(\w+\s+)down(?=\s+(?:to\s+|by\s+|about\s+|over\s+)?[~$\d])")
_DOWN_AS_IN_FOUND = re.compile(r"\b(hunt|hunting|hunts|track|tracking|tracks|chase|chasing|chases|narrow|narrowing|"
                               r"write|writing|wrote|written|jot|jotting|scale|scaling|wind|winding|slow|slowing|"
                               r"cut|cutting|cuts)\s+down\b")
_DOWN_AS_IN_LESS = re.compile(r"\b(get|gets|getting|bring|brings|bringing|drive|drives|driving|push|pushing|keep|"
                              r"keeps|keeping)((?:\s+[\w$%./-]+){0,6}?)\s+down\b")
#: Words before "down" that keep it a stop: "went down", "is down", "breaking down".
_GOING_DOWN = frozenset("go goes going gone went break breaks breaking broke shut shuts shutting was were been is are"
                        .split())
#: A clause that opens by pointing back ("it is up 22%", "which costs us") is about the clause before it.
_REFERS_BACK = re.compile(r"\s*(?:and\s+|so\s+)?(?:it|it's|its|they|they're|this|that|these|those|which)\b")
#: Words that say nothing about which pain is meant (function words, and what every priority says).
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before being
below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't during
each few for from further had hadn't has hasn't have haven't having he her here hers herself him himself his
how i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my myself no nor not
of off on once only or other ought our ours ourselves out over own same shan't she should shouldn't so some
such than that that's the their theirs them themselves then there there's these they they'd they'll they're
they've this those through to too under until up very was wasn't we we'd we'll we're we've were weren't what
what's when when's where where's which while who who's whom why why's will with won't would wouldn't you
you'd you'll you're you've your yours yourself yourselves
us get gets got getting want wants need needs needed like just still really every one two three four five
six seven eight nine ten last next month months week weeks quarter today now make makes made
much many lot lots way going go keep keeps kept end ends ended start help able already yet even ever new
""".split())
#: The same for the other languages aspo ships labels in (Snowball's stop lists, shortened).
_OTHER_STOP_WORDS = {
    "de": frozenset("""
aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei bin bis bist da damit dann
das dass dein deine dem den der des dessen dich die dies diese diesem diesen dieser dieses dir doch dort du durch
ein eine einem einen einer eines er es etwas euch euer für gegen gewesen hab habe haben hat hatte hatten hier hin
hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer im in indem ins ist jede jedem jeden jeder jedes jetzt kann
kein keine können könnte machen man manche mein meine mich mir mit muss musste müssen nach nicht nichts noch nun
nur ob oder ohne sehr sein seine sich sie sind so solche soll sollte sondern um und uns unser unsere unter vom von
vor war waren warst was weil weiter welche wenn werde werden wie wieder will wir wird wo wollen zu zum zur zwar
zwischen über immer mehr schon heute jahr jahre monat monate woche wochen letzten letztes nächste nächsten
""".split()),
    "fr": frozenset("""
au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me même mes moi mon ne nos
notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j l à m
n s t y été être avoir ai as avons avez ont est sont était plus tout tous toutes très sans
""".split()),
    "es": frozenset("""
de la que el en y a los del se las por un para con no una su al lo como más pero sus le ya o este sí porque esta
entre cuando muy sin sobre también me hasta hay donde quien desde todo nos durante todos uno les ni contra otros
ese eso ante ellos e esto mí antes algunos qué unos yo otro otras otra él tanto esa estos mucho quienes nada muchos
cual poco ella estar estas algunas algo nosotros mi mis tú te ti tu tus ellas es son fue ser está están
""".split()),
}


def stop_words() -> frozenset[str]:
    """The function words of the language being read."""
    return _OTHER_STOP_WORDS.get(_LANGUAGE.get(), STOP_WORDS)


#: Phrases that turn their clause into "this is not our problem".
_NOT_A_PROBLEM = re.compile(
    r"\b(?:not|isn't|aren't|wasn't|never|no longer)\s+(?:a|an|our|the|really|much of)?\s*"
    r"(?:problem|issue|concern|priority|worry|pain)s?\b|\bunder control\b|\bis fine\b|\bare fine\b")
_CLAUSES = re.compile(r"[.;:!?,()]+|\s[-\u2013\u2014]+\s|\s(?:but|and|while|whereas|so|because|bc)\s")
_WORDS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")  # letters of any script: "stillstände", "設備"
#: Chinese characters, kana and hangul: text written without spaces, read as overlapping pairs of characters.
_CJK = re.compile(CJK_CHARACTERS + "+")
_POSSESSIVE = re.compile(r"(?<=[a-z])'s\b")
_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")  # "repair-or-replace" reads as "repair or replace"
#: Endings the stemmer keeps that still make the same word: "fail" ~ "failure", "maintain" ~ "maintaining".
_ENDINGS = frozenset({"ur", "ure", "ing", "ion", "al", "ment", "age", "ance"})
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


#: The language whose stemmer the matcher uses (a Matcher sets it while it reads; English elsewhere).
_LANGUAGE: contextvars.ContextVar[str] = contextvars.ContextVar("matching_language", default="en")


@functools.lru_cache(maxsize=8)
def _stemmer(language: str):
    import Stemmer  # PyStemmer: Snowball's stemmers, compiled

    try:
        return Stemmer.Stemmer(language)
    except KeyError:  # no Snowball stemmer for it (Japanese): words are compared as written
        return None


@functools.lru_cache(maxsize=65536)
def _stem(language: str, word: str) -> str:
    stemmer = _stemmer(language)
    return stemmer.stemWord(word) if stemmer is not None else word


def stem(word: str) -> str:
    return _stem(_LANGUAGE.get(), word)


@contextlib.contextmanager
def speaking(language: str):
    """Stems words in `language` ("de", "fr-CA") while the block runs."""
    token = _LANGUAGE.set(language.split("-")[0].lower())
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def words(text: str) -> list[str]:
    """Lower-case words with possessives dropped ("plant's" -> "plant"); numbers and punctuation go. Text in
    Chinese characters or kana has no spaces: each run of it gives its overlapping pairs of characters."""
    found = _WORDS.findall(_POSSESSIVE.sub("", _HYPHEN.sub(" ", text.lower().replace("\u2019", "'"))))
    if not any(_CJK.search(word) for word in found):
        return found
    out = []
    for word in found:
        for part in re.split(f"({_CJK.pattern})", word):
            if _CJK.fullmatch(part):
                out += [part[i:i + 2] for i in range(max(1, len(part) - 1))]
            elif part:
                out.append(part)
    return out


def terms(text: str) -> list[str]:
    """The stems that carry meaning, in order."""
    stop = stop_words()
    return [stem(w) for w in words(text) if w not in stop and len(w) > 1]


@dataclass(frozen=True)
class Source:
    """One piece of text the library says about a pain."""

    pain: str
    field: str  # a key of FIELD_WEIGHTS
    text: str


@dataclass(frozen=True)
class PainScore:
    """How strongly a priority's words point to one pain, and which words did."""

    pain: str
    score: float  # raw BM25 sum
    evidence: tuple[str, ...]  # "'fails' ~ 'failure'", strongest first
    supported: bool = True  # False when its evidence cannot stand alone: it cannot be chosen
    problem: bool = True  # its evidence that stands alone is in the clause naming the problem
    context_only: bool = False  # unsupported because its telling words are context, the problem named elsewhere
    keyword: bool = True  # a keyword, keyword phrase or close example points to it, not only weak signals

    @property
    def confidence(self) -> float:
        return round(self.score / (self.score + SCALE), 2) if self.score > 0 else 0.0

    @property
    def weakness(self) -> str:
        """Why it cannot be chosen, in a few words; empty when it can."""
        if self.supported:
            return ""
        if self.context_only:
            return "context words only, the problem is named elsewhere"
        return "only related words, none stands alone"


@dataclass(frozen=True)
class Recognition:
    """What one priority's words were recognised as: the pains above the threshold, best first."""

    text: str
    ranked: tuple[PainScore, ...]  # every pain with any evidence, best first
    threshold: float = THRESHOLD
    outside: tuple[str, ...] = ()  # words that put the priority outside the library's subject, as typed

    @property
    def pains(self) -> tuple[str, ...]:
        """The pains recognised: the best above the threshold, and any other nearly as strong. When the best two
        nearly tie, the one whose telling words are in the problem clause comes first; when that does not decide
        between them, nothing is recognised: a wrong slide is worse than none."""
        eligible = [p for p in self.ranked if p.supported and p.confidence >= self.threshold
                    and (p.keyword or p.confidence >= WEAK_THRESHOLD)]
        if not eligible or self.ranked[0].context_only and self.ranked[0].score > eligible[0].score:
            return ()  # context words alone outweigh the problem clause's pain: the problem does not decide
        close = [p for p in eligible if p.score >= ALSO * eligible[0].score]
        if len(close) > 1 and close[1].score >= CLOSE * close[0].score:
            if close[0].problem == close[1].problem:
                return ()
            if close[1].problem:  # nearly tied: the problem clause decides
                close[0], close[1] = close[1], close[0]
        return tuple(p.pain for p in close)

    def lost_because(self, other: PainScore) -> str:
        """Why a pain scoring above the chosen one was not chosen."""
        if other.weakness:
            return other.weakness
        if not other.keyword and other.confidence < WEAK_THRESHOLD:
            return f"only weak signals, below the {WEAK_THRESHOLD:.2f} they need"
        if self.pains:
            return "its words are context, the problem clause names the chosen pain"
        if other.confidence < self.threshold:
            return f"below the {self.threshold:.2f} needed"
        return "too close to call against the best, so neither is chosen"

    @property
    def best(self) -> PainScore | None:
        return self.ranked[0] if self.ranked else None

    def score_of(self, pain: str) -> PainScore | None:
        return next((p for p in self.ranked if p.pain == pain), None)

    def closest(self) -> str:
        """For a gap: the closest pain and why it fell short, in a few words."""
        best = self.best
        if best is None:
            return "no pain recognised"
        short = best.weakness.split(",")[0] if not best.supported else (
            f"below {self.threshold:.2f}" if best.confidence < self.threshold else "too close to call")
        return f"closest: {best.pain}, {best.confidence:.2f}, {short}{self._about()}"

    def explain(self) -> str:
        """One line: the pain chosen and why, or why the priority stayed a gap."""
        if self.best is None:
            return "no word of it is in the library's vocabulary"
        # the chosen pain need not rank first: a better-scoring one may lack evidence that stands alone
        shown = self.score_of(self.pains[0]) if self.pains else self.best
        others = [p for p in self.ranked if p is not shown]
        runner = ""
        if others:
            runner = f"; runner-up {others[0].pain} {others[0].confidence:.2f}"
            if others[0].score > shown.score:  # never a higher runner-up without why it lost
                runner += f", not chosen: {self.lost_because(others[0])}"
        found = f"{shown.pain} {shown.confidence:.2f} from {', '.join(shown.evidence[:4])}"
        if self.pains:
            return found + runner
        if not shown.supported:
            short = shown.weakness
        elif shown.confidence < self.threshold:
            short = f"below the {self.threshold:.2f} needed"
        else:
            short = "too close to call against the runner-up"
        return f"closest {found}, {short}{self._about()}{runner}"

    def _about(self) -> str:
        if not self.outside:
            return ""
        return f", about {', '.join(repr(w) for w in self.outside)}, which the library marks as outside its subject"


class _Index:
    """Weighted stem frequencies per pain, with its keyword phrases and example sentences."""

    def __init__(self, sources: Iterable[Source], pains: Sequence[str]):
        self.pains = tuple(pains)
        self.freq: dict[str, dict[str, float]] = {p: {} for p in self.pains}
        self.label: dict[str, dict[str, str]] = {p: {} for p in self.pains}  # stem -> the word it came from
        self.phrases: dict[str, list[tuple[tuple[str, ...], str, str]]] = {p: [] for p in self.pains}
        self.examples: dict[str, list[tuple[frozenset[str], str]]] = {p: [] for p in self.pains}
        self.strong: dict[str, set[str]] = {p: set() for p in self.pains}  # stems of single-word keywords
        self.related: dict[str, set[str]] = {p: set() for p in self.pains}  # stems of related words
        seen: dict[str, set[str]] = {p: set() for p in self.pains}  # every stem a pain's text holds, examples too
        length = dict.fromkeys(self.pains, 0.0)
        spelled: dict[str, str] = {}
        for source in sources:
            if source.pain not in self.freq:
                continue
            pairs = [(word, stem(word)) for word in _meaningful(source.text)]
            seen[source.pain].update(t for _, t in pairs)
            if source.field == "example":
                self.examples[source.pain].append((frozenset(t for _, t in pairs), source.text))
                continue
            weight = FIELD_WEIGHTS[source.field]
            phrase = len(words(source.text)) > 1
            if source.field in ("keyword", "name", "related") and phrase:
                if len(pairs) > 1:
                    self.phrases[source.pain].append((tuple(t for _, t in pairs), source.text, source.field))
                elif source.field != "related":  # "every plant" is a keyword phrase; "plant" alone says less
                    self.related[source.pain].update(t for _, t in pairs)
                weight = PHRASE_WORD_WEIGHT  # a phrase's words mean less alone ("wait" of "waiting for parts")
            elif source.field in STRONG_FIELDS:
                self.strong[source.pain].update(t for _, t in pairs)
            elif source.field == "related":
                self.related[source.pain].update(t for _, t in pairs)
            for word, term in pairs:
                spelled.setdefault(word, term)
                self.freq[source.pain][term] = self.freq[source.pain].get(term, 0.0) + weight
                length[source.pain] += weight
                self.label[source.pain].setdefault(term, f"'{word}'")
        average = sum(length.values()) / max(len(length), 1) or 1.0
        self.norm = {p: K1 * (1 - B + B * length[p] / average) for p in self.pains}
        # A word's rarity is judged by how many pains claim it in their own vocabulary: a keyword of one pain
        # stays telling even when the blocks of several pains use it; other words by all the text.
        count = len(self.pains)
        vocabulary = {t for found in seen.values() for t in found}
        self.claimed = claimed = {
            p: self.strong[p] | self.related[p] | {t for phrase, _, _ in self.phrases[p] for t in phrase}
            for p in self.pains}
        self.idf = {}
        for term in vocabulary:
            n = sum(term in own for own in claimed.values()) or sum(term in found for found in seen.values())
            self.idf[term] = math.log(1 + (count - n + 0.5) / (n + 0.5))
        self.vocabulary = tuple(sorted(t for t in vocabulary if any(t in f for f in self.freq.values())))
        self.spellings = spelled  # library word -> its stem, for typos
        self.by_initial: dict[str, list[str]] = {}
        for word in sorted(spelled):
            self.by_initial.setdefault(word[0], []).append(word)
        self._near: dict[tuple[str, str], tuple[str, ...]] = {}

    def near(self, word: str, term: str) -> tuple[str, ...]:
        """Library stems a query word may stand for: its own stem, a longer form of it (fail ~ failur), or the
        stem of a library word it is a typo of (maintanance ~ maintenance)."""
        if term in self.idf:
            return (term,)
        key = (word, term)
        if key not in self._near:
            self._near[key] = self._find_near(word, term)
        return self._near[key]

    def _find_near(self, word: str, term: str) -> tuple[str, ...]:
        if len(term) < 4:
            return ()
        longer = [v for v in self.vocabulary if v.startswith(term) and v[len(term):] in _ENDINGS]
        if longer:
            return tuple(longer[:1])
        if len(word) < 6 or word in PROBLEM_CUES:  # a cue is spelled right: "complaint" is no "compliant"
            return ()
        # a typo keeps the first letter and about the length; only those are worth comparing
        candidates = [w for w in self.by_initial.get(word[0], ()) if abs(len(w) - len(word)) <= 2]
        import difflib  # only for words no vocabulary word matches

        close = difflib.get_close_matches(word, candidates, n=1, cutoff=TYPO_CUTOFF)
        return (self.spellings[close[0]],) if close else ()


def _meaningful(text: str) -> list[str]:
    stop = stop_words()
    return [w for w in words(text) if w not in stop and len(w) > 1]


class Matcher:
    """Recognises pains in priorities, against one library's vocabulary."""

    def __init__(self, sources: Iterable[Source], pains: Sequence[str], threshold: float = THRESHOLD,
                 outside: Sequence[str] = (), language: str = "en"):
        self.language = language
        with speaking(language):
            self.index = _Index(sources, pains)
            self.outside = tuple(stems for stems in map(tuple, map(terms, outside)) if stems)
        self.threshold = threshold

    def recognise(self, text: str) -> Recognition:
        with speaking(self.language):
            return self._recognise(text)

    def _recognise(self, text: str) -> Recognition:
        query = self._query(text)
        about = self._outside(query)
        share = OUTSIDE_SHARE if about else 1.0
        # phrases and examples are looked for in the words as the library spells them ("maintanance costs")
        spelled = [(next(iter(self.index.near(word, term)), term), weight) for word, term, weight in query
                   if weight >= CONTEXT_SHARE]
        found = [(pain, *self._score(pain, query, spelled)) for pain in self.index.pains]
        # once some pain stands on words of the problem clause, one standing only on context words cannot
        named = any(problem for _, _, _, problem, _, _ in found)
        scored = []
        for order, (pain, score, evidence, problem, context, weak) in enumerate(found):
            score *= share
            if score > 0:
                supported = problem or weak or (context and not named)
                ranked = PainScore(pain, round(score, 4), evidence, supported, problem,
                                   context_only=not supported and context, keyword=context)
                scored.append((-round(score, 6), order, ranked))
        return Recognition(text, tuple(s for _, _, s in sorted(scored)), self.threshold, about)

    def _outside(self, query: list[tuple[str, str, float]]) -> tuple[str, ...]:
        """The words of the priority that the library lists as outside its subject, as typed."""
        stems = [term for _, term, _ in query]
        found = []
        for phrase in self.outside:
            at = _find(stems, phrase)
            if at >= 0:
                found.append(" ".join(word for word, _, _ in query[at:at + len(phrase)]))
        return tuple(dict.fromkeys(found))

    def _query(self, text: str) -> list[tuple[str, str, float]]:
        """(word as typed, stem, share) for each meaningful word: a problem cue counts more, words of a clause
        without a cue beside one with a cue count as context, words of a "not a problem" clause count little."""
        clauses = [_without_figurative_down(clause.lower())
                   for clause in _CLAUSES.split(text.replace("\u2019", "'"))]
        # a cue clause the library knows no word of ("...and nobody cares") names no problem of its own: it says
        # the clause beside it is the problem, so nothing counts as context
        cued = [_has_cue(clause) and any(self.index.near(w, stem(w)) for w in _meaningful(clause))
                for clause in clauses]
        # "the energy bill; it is up 22%": a cue clause about "it" says the clause before it is the problem
        for at in range(1, len(clauses)):
            if cued[at] and _REFERS_BACK.match(clauses[at]):
                cued[at - 1] = True
        query = []
        for clause, cue in zip(clauses, cued):
            share = NEGATED_SHARE if _NOT_A_PROBLEM.search(clause) else 1.0 if cue or not any(cued) else CONTEXT_SHARE
            for word in _meaningful(clause):
                boost = CUE_SHARE if word in PROBLEM_CUES and share == 1.0 else 1.0
                query.append((word, stem(word), share * boost))
        return query

    def _score(self, pain: str, query: list[tuple[str, str, float]],
               spelled: list[tuple[str, float]]) -> tuple[float, tuple[str, ...], bool, bool, bool]:
        """The pain's score for the query, the evidence, and whether evidence that stands alone is in the problem
        clause, only in context, or is two weak signals together."""
        index = self.index
        freq, norm = index.freq[pain], index.norm[pain]
        parts: dict[str, tuple[float, str]] = {}
        strong = False  # a keyword, a keyword phrase or a close example in the problem clause: stands alone
        context = False  # the same, in a clause that only names context
        for word, term, share in query:
            for found in index.near(word, term):
                tf = freq.get(found, 0.0)
                if not tf:
                    continue
                closeness = 1.0 if found == term else (0.9 if found.startswith(term) else TYPO_SHARE)
                label = index.label[pain][found]
                if found == term and _derived(word, label.strip("'")):
                    closeness = DERIVED_SHARE
                value = index.idf[found] * tf * (K1 + 1) / (tf + norm) * share * closeness
                shown = f"'{word}'" if label == f"'{word}'" else f"'{word}' ~ {label}"
                if value > parts.get(found, (0.0, ""))[0]:
                    parts[found] = (value, shown)
                if found in index.strong[pain]:
                    strong = strong or share >= 1.0
                    context = context or share >= CONTEXT_SHARE
        related_phrases = 0
        problem_stems = [t for t, weight in spelled if weight >= 1.0]
        all_stems = [t for t, _ in spelled]
        problem_set, all_set = set(problem_stems), set(all_stems)
        for phrase, text, field in index.phrases[pain]:
            if not all_set.issuperset(phrase):  # most phrases share no word with the priority: skip the scan
                continue
            in_problem = problem_set.issuperset(phrase) and _find(problem_stems, phrase) >= 0
            if in_problem or _find(all_stems, phrase) >= 0:
                share = (PHRASE_BONUS if field != "related" else PHRASE_BONUS / 2) * (1.0 if in_problem else
                                                                                   CONTEXT_SHARE)
                parts[" ".join(phrase)] = (share * sum(index.idf.get(t, 0.0) for t in phrase), f"phrase '{text}'")
                strong = strong or (field != "related" and in_problem)
                context = context or field != "related"
                related_phrases += field == "related"
        present = set(problem_stems)
        best_example, similarity = "", 0.0
        own = index.claimed[pain]
        for example, text in index.examples[pain]:
            shared = example & present
            # one word in common is chance; words none of the pain's own vocabulary holds are context
            # ("a new distribution center" shares two words with "the same measures at every distribution center")
            if len(shared) < 2 or not shared & own:
                continue
            value = sum(index.idf[t] for t in shared) / sum(index.idf[t] for t in example)
            if value > similarity:
                best_example, similarity = text, value
        if similarity:
            parts["example"] = (EXAMPLE_WEIGHT * similarity ** 2, f"example '{best_example}'")
            strong = strong or similarity >= STRONG_EXAMPLE
        if not parts:
            return 0.0, (), False, False, False
        ranked = sorted(parts.values(), key=lambda p: (-p[0], p[1]))
        score = sum(v for v, _ in ranked)
        # Two weak signals together stand, as one strong one does: related words, or a resemblance to an example.
        weak = sum(1 for key in parts if key in index.related[pain]) + related_phrases + (similarity >= WEAK_EXAMPLE)
        return score, tuple(dict.fromkeys(s for _, s in ranked)), strong, context or strong, weak >= 2


def _derived(word: str, library_word: str) -> bool:
    """Whether two words of one stem are different words: "mechanical" is not "mechanic", "integrity" is not
    "integrate", though the stemmer makes each pair one."""
    return word != library_word and any(word.endswith(end) != library_word.endswith(end) for end in _DERIVATIONS)


def _without_figurative_down(clause: str) -> str:
    # "margins down 8%" is less; "went down 6x" is still a stop
    clause = _DOWN_BY_A_FIGURE.sub(lambda m: m[0] if m[1].split()[0] in _GOING_DOWN else m[1], clause)
    clause = _DOWN_AS_IN_FOUND.sub(r"\1", clause)
    # "keep the cost down" is less; "keep it from going down" is still a stop
    return _DOWN_AS_IN_LESS.sub(
        lambda m: m[0] if m[2].split()[-1:] and m[2].split()[-1] in _GOING_DOWN else m[1] + m[2], clause)


def _has_cue(clause: str) -> bool:
    return bool(_RISE.search(clause)) or any(word in PROBLEM_CUES for word in words(clause))


def _find(stems: list[str], phrase: tuple[str, ...]) -> int:
    """Where the phrase's stems start in order among the priority's, or -1."""
    size = len(phrase)
    return next((i for i in range(len(stems) - size + 1) if tuple(stems[i:i + size]) == phrase), -1)


def plain_text(template: str) -> str:
    """A block's text without Jinja placeholders and Markdown marks, for the vocabulary."""
    return _JINJA.sub(" ", template)
