"""Keyed blind indexes for the duplicate warning at case intake.

A caseworker opening a case should learn "this person may already have a case here" without the
server decrypting every case and without the database holding names in clear. Each case therefore
stores a set of *blind tokens*: HMAC-SHA256 values, under a secret that only the organisation's
key holders can derive, of normalised fragments of the person's names and birth date. At intake the
new person's tokens select the few cases that share enough of them; only those candidates are
decrypted and compared with :func:`similarity`.

The fragments are built so that the spellings a network in Japan meets for one person meet again:

* scripts: katakana, hiragana and kanji names are read into Hepburn romaji (pykakasi); every other
  script is transliterated to ASCII (anyascii), so that ``Nguyễn`` and ``Nguyen`` agree;
* romanisation: long vowels (Satō, Satou, Satoh, Sato) and Hepburn/Kunrei pairs (shi/si, chi/ti,
  tsu/tu, ji/zi) fold to one form;
* Latin versus katakana (``Smith`` and ``スミス`` = sumisu): a consonant skeleton that drops the
  vowels katakana adds and merges the sounds Japanese does not tell apart (l/r, v/b, th/s, z/s);
* typos: the single-deletion neighbourhood of each name (Garbe 2007, "SymSpell"; Mor & Fraenkel
  1982), so one wrong, missing or extra letter still shares a token;
* birth dates with day and month swapped (03/04 versus 04/03) share one token.

Security: a database copy shows which cases share a token (the frequency of a common surname can be
guessed), never a name. The secret is derived from the organisation's private key, which the server
never holds unwrapped at rest, so the tokens cannot be recomputed from a dictionary of names without
a key holder's password. The design follows the "blind index" of CipherSweet (Paragon Initiative,
2019) with deliberately coarse, many-to-one fragments.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from anyascii import anyascii
from rapidfuzz.distance import JaroWinkler

#: A case becomes a candidate when it shares at least this many blind tokens with the new person.
CANDIDATE_MIN_SHARED = 2
#: :func:`similarity` calls a pair likely the same person from this score up ...
LIKELY_SCORE = 0.8
#: ... and only when the names alone agree at least this much (a shared birthday is not a person).
LIKELY_NAME_SCORE = 0.85
#: Names shorter than this get no deletion neighbourhood (too many accidental matches).
_MIN_DELETION_LENGTH = 4
#: Names longer than this get no deletion neighbourhood (the cost grows with the length).
_MAX_DELETION_LENGTH = 14
_TOKEN_HEX = 32  # 128 bits of HMAC-SHA256: collisions are out of reach for any organisation's size.
_SECRET_CONTEXT = b"tipnet blind index v1"

_JAPANESE = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_SEPARATORS = re.compile(r"[\s\u30fb\u00b7\uff65,./_\-\u2010-\u2015=]+")


@dataclass(frozen=True)
class PersonKeys:
    """What the duplicate warning compares: the names in any script, the birth date, the nationality.

    ``names`` holds full names, aliases and other spellings (``("Nguyen Van Anh", "グエン・ヴァン・アン")``);
    the order of family and given name does not matter. ``nationality`` is compared as given, so the
    caller passes one code system (the cases app uses ISO 3166-1 alpha-3).
    """

    names: tuple[str, ...] = ()
    birth_date: datetime.date | None = None
    nationality: str | None = None


@dataclass(frozen=True)
class Match:
    """How alike two people are: ``score`` in [0, 1], ``likely`` from LIKELY_SCORE, and the reasons.

    Reasons are stable codes for the page to translate: ``name_exact``, ``name_similar``,
    ``name_other_script``, ``birth_date``, ``birth_date_swapped``, ``birth_year``,
    ``birth_date_differs``, ``nationality``, ``nationality_differs``.
    """

    score: float
    likely: bool
    reasons: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def _kakasi():  # noqa: ANN202 - pykakasi has no type hints
    import pykakasi  # loading its dictionaries takes about half a second: only when a Japanese name comes

    return pykakasi.kakasi()


def _romanise(text: str) -> str:
    """ASCII letters and spaces: Japanese read as Hepburn romaji, every other script transliterated."""
    text = unicodedata.normalize("NFKC", text)
    if _JAPANESE.search(text):
        parts = []
        for item in _kakasi().convert(text):
            original = item["orig"]
            parts.append(item["hepburn"] if _JAPANESE.search(original) else original)
            # kanji are read as words: a space keeps family and given name apart (佐藤花子 -> satou hanako)
            if _JAPANESE.search(original) and not _KANA.fullmatch(original):
                parts.append(" ")
        text = "".join(parts)
    ascii_text = anyascii(text)
    ascii_text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", ascii_text)  # WangXiaoMing -> Wang Xiao Ming
    return _SEPARATORS.sub(" ", ascii_text).casefold()


def _fold(token: str) -> str:
    """One spelling for Japanese romanisation variants: long vowels and Hepburn/Kunrei pairs."""
    token = re.sub(r"[^a-z]", "", token)
    token = re.sub(r"oh(?=[^aeiou]|$)", "o", token)
    token = re.sub(r"ou|oo", "o", token)
    token = re.sub(r"uu", "u", token)
    token = re.sub(r"ei(?=[^aeiou]|$)", "e", token)
    for hepburn, kunrei in (("shi", "si"), ("chi", "ti"), ("tsu", "tu"), ("ji", "zi"), ("fu", "hu"),
                            ("sh", "sy"), ("ch", "ty"), ("j", "zy")):
        token = token.replace(kunrei, hepburn)
    return token


_SKELETON_DIGRAPHS = (("tch", "t"), ("sch", "s"), ("ch", "t"), ("sh", "s"), ("ts", "t"), ("th", "s"),
                      ("ph", "h"), ("gh", "g"), ("ck", "k"), ("qu", "k"), ("dj", "j"), ("dz", "j"))
_SKELETON_LETTERS = str.maketrans({"l": "r", "v": "b", "f": "h", "z": "s", "q": "k", "x": "k"})


def _skeleton(token: str) -> str:
    """Consonant skeleton: what survives katakana's added vowels and merged sounds (Smith = sumisu)."""
    if not token:
        return ""
    if token.startswith("ng"):
        token = token[1:]  # Nguyen is written グエン (guen)
    for digraph, single in _SKELETON_DIGRAPHS:
        token = token.replace(digraph, single)
    token = re.sub(r"c(?=[eiy])", "s", token).replace("c", "k")
    token = token.translate(_SKELETON_LETTERS)
    first_is_vowel = token[0] in "aeiouy"
    token = token[0] + token[1:].replace("h", "") if token[0] == "h" else token.replace("h", "")
    consonants = re.sub(r"[aeiouyw]", "", token)
    consonants = re.sub(r"ng$", "n", consonants)  # Wang is written ワン (wan)
    consonants = re.sub(r"(.)\1+", r"\1", consonants)
    return ("_" if first_is_vowel else "") + consonants


def name_tokens(name: str) -> list[str]:
    """The folded romanised words of one name, in order (for tests and the similarity)."""
    return [folded for word in _romanise(name).split() if (folded := _fold(word))]


def _deletions(token: str) -> set[str]:
    if not _MIN_DELETION_LENGTH <= len(token) <= _MAX_DELETION_LENGTH:
        return set()
    return {token} | {token[:i] + token[i + 1:] for i in range(len(token))}


def _word_terms(token: str) -> set[str]:
    """The fragments of one folded word of a name: itself, its skeleton, its deletion neighbourhood."""
    if len(token) < 2:
        return set()
    terms = {"n:" + token}
    skeleton = _skeleton(token)
    if len(skeleton.lstrip("_")) >= 2:
        terms.add("k:" + skeleton)
    terms.update("d:" + variant for variant in _deletions(token))
    return terms


def _name_terms(name: str) -> set[str]:
    """The fragments of one name (its words, their skeletons and deletion neighbourhoods)."""
    terms: set[str] = set()
    for token in name_tokens(name):
        terms |= _word_terms(token)
    return terms


def _birth_term(birth_date: datetime.date) -> str:
    day_month = sorted((birth_date.month, birth_date.day))
    return f"b:{birth_date.year:04d}-{day_month[0]:02d}-{day_month[1]:02d}"


def index_terms(person: PersonKeys) -> set[str]:
    """The plain fragments that blind_tokens hashes. Never stored: they are the person's name."""
    terms: set[str] = set()
    for name in person.names:
        terms |= _name_terms(name)
    if person.birth_date is not None:
        terms.add(_birth_term(person.birth_date))
    return terms


def blind_index_secret(org_private_key: bytes) -> bytes:
    """The organisation's index secret, derived from its private key (only key holders can compute it)."""
    if len(org_private_key) < 32:
        raise ValueError("an organisation private key has at least 32 bytes")
    return hashlib.blake2b(_SECRET_CONTEXT, key=org_private_key[:64], digest_size=32).digest()


def _token(secret: bytes, term: str) -> str:
    # hmac.digest is OpenSSL's one-shot HMAC: the same value as hmac.new(...).hexdigest(), without
    # building two hash objects per term (an import of 100,000 people hashes 1.3 million terms).
    return hmac.digest(secret, term.encode(), "sha256")[:_TOKEN_HEX // 2].hex()


def blind_tokens(*, secret: bytes, person: PersonKeys) -> set[str]:
    """HMAC-SHA256 of each index term under the organisation's secret, as 32 hex characters."""
    if len(secret) < 32:
        raise ValueError("a blind index secret has at least 32 bytes")
    return {_token(secret, term) for term in index_terms(person)}


def blind_tokenizer(*, secret: bytes) -> Callable[[PersonKeys], set[str]]:
    """``blind_tokens`` under one secret for many people (an import): the same tokens, but the
    fragments of each name, and of each word of a name, and the token of each fragment are computed
    once per call of this function. Names and their words repeat (a third of a Vietnamese file is
    Nguyen), so most people cost a few dictionary look-ups. The memory holds name fragments only as long as the returned function
    lives (the import), like the records it reads; nothing is kept across imports."""
    if len(secret) < 32:
        raise ValueError("a blind index secret has at least 32 bytes")
    by_name: dict[str, frozenset[str]] = {}
    by_word: dict[str, frozenset[str]] = {}
    by_term: dict[str, str] = {}

    def token(term: str) -> str:
        found = by_term.get(term)
        if found is None:
            found = by_term[term] = _token(secret, term)
        return found

    def name_tokens_of(name: str) -> frozenset[str]:
        # Word by word: two people rarely share a whole name, but most share its words.
        out: set[str] = set()
        for word in name_tokens(name):
            found = by_word.get(word)
            if found is None:
                found = by_word[word] = frozenset(token(term) for term in _word_terms(word))
            out |= found
        return frozenset(out)

    def tokens(person: PersonKeys) -> set[str]:
        out: set[str] = set()
        for name in person.names:
            found = by_name.get(name)
            if found is None:
                found = by_name[name] = name_tokens_of(name)
            out |= found
        if person.birth_date is not None:
            out.add(token(_birth_term(person.birth_date)))
        return out

    return tokens


def _token_score(a: str, b: str) -> tuple[float, str | None]:
    if a == b:
        return 1.0, "name_exact"
    score = JaroWinkler.similarity(a, b)
    skeleton_a, skeleton_b = _skeleton(a), _skeleton(b)
    if len(skeleton_a.lstrip("_")) >= 2 and skeleton_a == skeleton_b:
        return max(score, 0.9), "name_other_script" if score < 0.9 else "name_similar"
    return score, ("name_similar" if score >= 0.88 else None)


def _name_score(a: PersonKeys, b: PersonKeys) -> tuple[float, set[str]]:
    """Best mean token agreement over every pair of names, tokens matched without reuse, any order."""
    best, best_reasons = 0.0, set()
    for name_a in a.names:
        tokens_a = name_tokens(name_a)
        for name_b in b.names:
            tokens_b = name_tokens(name_b)
            if not tokens_a or not tokens_b:
                continue
            shorter, longer = sorted((tokens_a, tokens_b), key=len)
            pairs = sorted(((_token_score(x, y), i, j) for i, x in enumerate(shorter) for j, y in enumerate(longer)),
                           key=lambda item: -item[0][0])
            used_i: set[int] = set()
            used_j: set[int] = set()
            total, reasons = 0.0, set()
            for (score, reason), i, j in pairs:
                if i in used_i or j in used_j:
                    continue
                used_i.add(i)
                used_j.add(j)
                total += score
                if reason:
                    reasons.add(reason)
            # extra words on one side (a middle name) cost a little, never everything
            mean = total / len(shorter) * (1 - 0.05 * (len(longer) - len(shorter)))
            if mean > best:
                best, best_reasons = mean, reasons
    return best, best_reasons


def similarity(a: PersonKeys, b: PersonKeys) -> Match:
    """How likely two decrypted intake records describe one person, with the reasons.

    Names weigh most; the birth date confirms or contradicts (a swapped day and month counts almost
    as a match, the same year a little); nationality nudges. A pair without a date can still be
    likely on names alone only when the names agree almost exactly.
    """
    name, reasons = _name_score(a, b)
    date_score: float | None = None
    if a.birth_date and b.birth_date:
        if a.birth_date == b.birth_date:
            date_score = 1.0
            reasons.add("birth_date")
        elif (a.birth_date.year, a.birth_date.month, a.birth_date.day) == (b.birth_date.year, b.birth_date.day, b.birth_date.month):
            date_score = 0.9
            reasons.add("birth_date_swapped")
        elif a.birth_date.year == b.birth_date.year:
            date_score = 0.4
            reasons.add("birth_year")
        else:
            date_score = 0.0
            reasons.add("birth_date_differs")
    score = name * 0.85 if date_score is None else 0.6 * name + 0.4 * date_score
    if a.nationality and b.nationality:
        if a.nationality.strip().upper() == b.nationality.strip().upper():
            score += 0.05
            reasons.add("nationality")
        else:
            score -= 0.1
            reasons.add("nationality_differs")
    score = min(1.0, max(0.0, score))
    likely = score >= LIKELY_SCORE and name >= LIKELY_NAME_SCORE
    return Match(score=round(score, 4), likely=likely, reasons=tuple(sorted(reasons)))
