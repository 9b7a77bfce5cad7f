"""Issue 13's import of 100,000 rows in 60 s: the faster paths must give exactly what the plain ones
give (tokens, validation results), so speed never changes what is stored or reported."""

from __future__ import annotations

import datetime
import hashlib
import hmac

from tipnet.core.blindindex import (
    PersonKeys,
    blind_index_secret,
    blind_tokenizer,
    blind_tokens,
    index_terms,
)

SECRET = blind_index_secret(bytes(range(32)))
D = datetime.date

PEOPLE = [
    PersonKeys(names=("Nguyen Van Anh",), birth_date=D(1995, 3, 4)),
    PersonKeys(names=("Nguyen Thi Lan", "グエン・ティ・ラン"), birth_date=D(1995, 4, 3)),
    PersonKeys(names=("佐藤花子",)),
    PersonKeys(names=("Maria Santos", "Maria Santos"), birth_date=D(2001, 12, 31), nationality="PHL"),
    PersonKeys(birth_date=D(1980, 1, 1)),
    PersonKeys(),
    PersonKeys(names=("Nguyen Van Anh",), birth_date=D(1995, 3, 4)),  # again: from the caches
]


def test_blind_tokens_are_the_hmac_sha256_of_each_term_cut_to_32_hex() -> None:
    for person in PEOPLE:
        expected = {hmac.new(SECRET, t.encode(), hashlib.sha256).hexdigest()[:32] for t in index_terms(person)}
        assert blind_tokens(secret=SECRET, person=person) == expected


def test_the_import_tokenizer_gives_the_same_tokens_as_blind_tokens() -> None:
    tokens = blind_tokenizer(secret=SECRET)
    for person in PEOPLE + PEOPLE[::-1]:
        assert tokens(person) == blind_tokens(secret=SECRET, person=person)
    other = blind_tokenizer(secret=blind_index_secret(bytes(range(1, 33))))
    assert not other(PEOPLE[0]) & tokens(PEOPLE[0])
