"""Every page, as anonymous and as each staff role, with demo-like data: no id attribute twice,
and every <label for> names an element that exists. A duplicate id breaks labels (clicking
"Internal note" focused the reporter-visible message box), the error summary's links and
screen readers."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import translation

from tests.web.conftest import keyed_client, signed_in_client, url
from tests.web.test_url_access import EXPECTED, PUBLIC, _kwargs, _walk, targets  # noqa: F401 - targets is a fixture
from tipnet.web.accounts.roles import Role

# Not HTML pages. Pages with a one-time token in their address (set-up and join links) are left
# out too: the fixture's token is not a real one.
NOT_HTML = {"healthz", "directory:services_json", "directory:leaflet", "directory:export", "research:run_json",
            "research:run_csv", "report:file", "cases:document"}


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.label_for: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if tag == "label" and values.get("for"):
            self.label_for.append(str(values["for"]))


def id_problems(name: str, html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    problems = [f"{name}: id={i!r} {n} times" for i, n in Counter(parser.ids).items() if n > 1]
    problems += [f"{name}: <label for={target!r}> names no element" for target in parser.label_for
                 if target not in parser.ids]
    return problems


@pytest.fixture
def operator_key(staff) -> None:  # type: ignore[no-untyped-def]
    """The operator has a key before the fixture's report arrives, so the report page opens."""
    from tipnet.web.accounts.keys import keyring_create_for

    keyring_create_for(staff[Role.HOTLINE_OPERATOR], password="correct horse battery 9")


@pytest.mark.parametrize("role", [None, *Role.values])
def test_every_page_has_unique_ids_and_labels_that_point_somewhere(role, staff, operator_key, targets) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    if role is None:
        client = Client()
    elif role == Role.HOTLINE_OPERATOR:
        client = keyed_client(staff[role])
    else:
        client = signed_in_client(staff[role])
    problems: list[str] = []
    checked = 0
    for name, pattern in sorted(_walk(get_resolver().url_patterns)):
        method, allowed = EXPECTED[name]
        if method != "GET" or name in NOT_HTML or "token" in pattern.pattern.converters:
            continue
        if not (allowed == PUBLIC or (role is not None and role in allowed)):
            continue
        with translation.override("en"):
            address = reverse(name, kwargs=_kwargs(pattern, targets))
        response = client.get(address)
        if response.status_code == 302:  # a step that needs an earlier one (enrolment, second factor)
            continue
        assert response.status_code == 200, f"{name} as {role}: HTTP {response.status_code}"
        if not response["Content-Type"].startswith("text/html"):
            continue  # a PDF or a download
        problems += id_problems(name, response.content.decode())
        checked += 1
    if role is None:
        # The public forms in their error state too (error summary, field errors).
        for name, data in (("report:form", {"what_happened": "", "once": "bad"}), ("report:follow_up", {"receipt": "1"})):
            response = client.post(url(name), data)
            assert response.status_code == 400
            problems += id_problems(f"{name} (errors)", response.content.decode())
    assert checked >= 5
    assert not problems, "\n".join(problems)
