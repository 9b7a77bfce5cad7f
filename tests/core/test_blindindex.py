"""The duplicate warning's blind index: the spellings one person gets meet, other people do not."""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict

import pytest

from tipnet.core.blindindex import (
    CANDIDATE_MIN_SHARED,
    PersonKeys,
    blind_index_secret,
    blind_tokens,
    index_terms,
    name_tokens,
    similarity,
)

SECRET = blind_index_secret(bytes(range(32)))
D = datetime.date


def shared(a: PersonKeys, b: PersonKeys) -> int:
    return len(blind_tokens(secret=SECRET, person=a) & blind_tokens(secret=SECRET, person=b))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Satō Hanako", "Satou Hanako"),
        ("Satoh Hanako", "SATO HANAKO"),
        ("佐藤花子", "Sato Hanako"),
        ("さとう はなこ", "サトウ・ハナコ"),
        ("Shimizu Ken", "Simizu Ken"),
        ("Nguyễn Văn Anh", "Nguyen Van Anh"),
        ("Ōno Yūki", "Oono Yuuki"),
        ("Tsuchiya", "Tutiya"),
    ],
)
def test_romanisation_variants_fold_to_the_same_words(one: str, other: str) -> None:
    assert name_tokens(one) == name_tokens(other)


@pytest.mark.parametrize(
    ("latin", "katakana"),
    [
        ("Nguyen Van Anh", "グエン・ヴァン・アン"),
        ("John Smith", "ジョン・スミス"),
        ("Maria Santos", "マリア・サントス"),
        ("Carlos Rodriguez", "カルロス・ロドリゲス"),
    ],
)
def test_a_latin_name_and_its_katakana_are_candidates_and_alike(latin: str, katakana: str) -> None:
    a, b = PersonKeys(names=(latin,)), PersonKeys(names=(katakana,))
    assert shared(a, b) >= CANDIDATE_MIN_SHARED
    assert similarity(a, b).score >= 0.75


def test_a_typo_in_each_name_still_makes_a_likely_candidate() -> None:
    a = PersonKeys(names=("Siriporn Boonmee",), birth_date=D(1988, 9, 9), nationality="THA")
    b = PersonKeys(names=("Siriporm Bonmee",), birth_date=D(1988, 9, 9), nationality="THA")
    assert shared(a, b) >= CANDIDATE_MIN_SHARED
    assert similarity(a, b).likely


def test_day_and_month_swapped_share_the_date_token_and_say_so() -> None:
    a = PersonKeys(names=("Nguyen Van Anh",), birth_date=D(1995, 3, 4), nationality="VNM")
    b = PersonKeys(names=("グエン・ヴァン・アン",), birth_date=D(1995, 4, 3), nationality="VNM")
    assert any(term.startswith("b:") for term in index_terms(a) & index_terms(b))
    match = similarity(a, b)
    assert match.likely
    assert "birth_date_swapped" in match.reasons


def test_family_and_given_name_in_either_order() -> None:
    match = similarity(PersonKeys(names=("Maria Santos",)), PersonKeys(names=("Santos Maria",)))
    assert match.likely and "name_exact" in match.reasons


def test_a_shared_first_name_and_birthday_is_not_a_person() -> None:
    a = PersonKeys(names=("Maria Santos",), birth_date=D(1990, 1, 2), nationality="PHL")
    b = PersonKeys(names=("Maria Reyes",), birth_date=D(1990, 1, 2), nationality="PHL")
    assert not similarity(a, b).likely


def test_same_surname_other_person_is_not_likely() -> None:
    a = PersonKeys(names=("Nguyen Van Anh",), birth_date=D(1995, 3, 4), nationality="VNM")
    b = PersonKeys(names=("Nguyen Thi Hoa",), birth_date=D(1992, 7, 1), nationality="VNM")
    match = similarity(a, b)
    assert not match.likely
    assert "birth_date_differs" in match.reasons


def test_tokens_are_keyed_opaque_and_differ_between_organisations() -> None:
    person = PersonKeys(names=("Nguyen Van Anh",), birth_date=D(1995, 3, 4))
    ours = blind_tokens(secret=SECRET, person=person)
    theirs = blind_tokens(secret=blind_index_secret(bytes(range(1, 33))), person=person)
    assert ours and not ours & theirs
    assert ours == blind_tokens(secret=SECRET, person=person)
    assert all(len(token) == 32 and "nguyen" not in token for token in ours)


def test_short_secrets_and_keys_are_refused() -> None:
    with pytest.raises(ValueError):
        blind_index_secret(b"short")
    with pytest.raises(ValueError):
        blind_tokens(secret=b"short", person=PersonKeys(names=("A B",)))


def test_a_person_with_nothing_to_index_has_no_tokens() -> None:
    assert blind_tokens(secret=SECRET, person=PersonKeys()) == set()
    assert similarity(PersonKeys(), PersonKeys()).score == 0.0


# --- simulation: a register with known duplicates, searched as the cases app searches it ---------

FAMILY = ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Santos", "Reyes", "Cruz", "Bautista", "Garcia",
          "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Boonmee", "Srisuk", "Wongsa", "Silva", "Souza",
          "Oliveira", "Pereira", "Lopez", "Martinez", "Wijaya", "Saputra", "Kurniawan", "Chen", "Wang", "Li"]
GIVEN = ["Anh", "Hoa", "Minh", "Lan", "Tuan", "Maria", "Jose", "Ana", "Mark", "Joy", "Hanako", "Yuki",
         "Kenji", "Aiko", "Daiki", "Somchai", "Siriporn", "Nok", "Lucas", "Gabriel", "Julia", "Carlos",
         "Dewi", "Agus", "Putri", "Wei", "Ming", "Xiaoling", "Thi Mai", "Van Nam", "Grace", "Rosa"]
NATIONS = ["VNM", "PHL", "JPN", "THA", "BRA", "IDN", "CHN", "PER"]


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    kind = rng.choice(["substitute", "delete", "insert", "transpose"])
    letter = rng.choice("aeioulnmrst")
    if kind == "substitute":
        return word[:i] + letter + word[i + 1:]
    if kind == "delete" and len(word) > 3:
        return word[:i] + word[i + 1:]
    if kind == "transpose" and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + letter + word[i:]


def _variant(person: PersonKeys, rng: random.Random) -> PersonKeys:
    """The same person as another caseworker might write her down: one or two changes."""
    words = person.names[0].split()
    birth = person.birth_date
    for change in rng.sample(["typo", "order", "swap_date", "no_date", "case"], k=rng.choice([1, 2])):
        if change == "typo":
            index = rng.randrange(len(words))
            words[index] = _typo(words[index], rng)
        elif change == "order":
            words = words[1:] + words[:1]
        elif change == "swap_date" and birth and birth.day <= 12:
            birth = D(birth.year, birth.day, birth.month)
        elif change == "no_date":
            birth = None
        elif change == "case":
            words = [word.upper() for word in words]
    return PersonKeys(names=(" ".join(words),), birth_date=birth, nationality=person.nationality)


def test_simulated_register_finds_most_duplicates_with_few_false_warnings() -> None:
    """2,000 people, 200 written down twice: the warning finds >= 90 % and rarely cries wolf."""
    rng = random.Random(20261206)
    people = [
        PersonKeys(
            names=(f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",),
            birth_date=D(rng.randint(1970, 2008), rng.randint(1, 12), rng.randint(1, 28)),
            nationality=rng.choice(NATIONS),
        )
        for _ in range(2000)
    ]
    index: dict[str, list[int]] = defaultdict(list)
    for number, person in enumerate(people):
        for token in blind_tokens(secret=SECRET, person=person):
            index[token].append(number)

    def warnings(newcomer: PersonKeys) -> set[int]:
        counts = Counter(number for token in blind_tokens(secret=SECRET, person=newcomer) for number in index.get(token, ()))
        candidates = [number for number, count in counts.most_common(50) if count >= CANDIDATE_MIN_SHARED]
        return {number for number in candidates if similarity(newcomer, people[number]).likely}

    duplicates = rng.sample(range(len(people)), 200)
    found = sum(original in warnings(_variant(people[original], rng)) for original in duplicates)
    assert found / len(duplicates) >= 0.9, found

    strangers = [
        PersonKeys(names=(f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",),
                   birth_date=D(rng.randint(1970, 2008), rng.randint(1, 12), rng.randint(1, 28)),
                   nationality=rng.choice(NATIONS))
        for _ in range(300)
    ]
    # a stranger may share a common name with a registered person; a warning then needs her date too
    false_alarms = sum(
        any(people[number].names != stranger.names or people[number].birth_date != stranger.birth_date
            for number in warnings(stranger))
        for stranger in strangers
    )
    assert false_alarms / len(strangers) <= 0.1, false_alarms
