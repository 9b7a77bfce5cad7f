"""A bounded fuzz of every public form and endpoint (issue 10, Reliability): never a server error.

A stranger can send anything to the public pages: the report form and channel forms, the follow-up
(receipt) form, the directory search and ``services.json``, staff sign-in, the welcome (invitation)
page, and any path at all (the 404 page). Hypothesis sends odd field values (any Unicode, control
characters, very long and empty values), unknown fields, odd charsets in the Content-Type, broken
multipart bodies and raw bytes, through Django's test Client in-process. The property is the same
everywhere: the answer is never a 5xx (a 4xx or a page saying what is wrong is fine).

Bounded and reproducible for CI: a fixed number of examples per test, ``derandomize=True`` (the same
inputs on every run), no example database, no deadline (the first request warms up templates).
The rate limits are raised so that the fuzz reaches the forms instead of the "busy" page.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.test.client import BOUNDARY, encode_multipart
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.conftest import make_staff
from tests.web.test_report_channels import QUESTIONS
from tipnet.web.accounts.roles import Role
from tipnet.web.report import ratelimit
from tipnet.web.report.models import Channel

FUZZ = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

LANGUAGES = ["en", "ja", "vi", "zh-hans", "th", "xx", ""]
REPORT_FIELDS = ["what_happened", "kind", "prefecture", "victims", "children", "nationality", "how_known",
                 "danger_now", "keep_files", "website", "workplace_type", "employer_town", "files"]
FORMS: dict[str, list[str]] = {
    "/{lang}/report/": REPORT_FIELDS,
    "/{lang}/report/to/titp/": REPORT_FIELDS,
    "/{lang}/report/to/nope/": REPORT_FIELDS,
    "/{lang}/report/follow-up/": ["action", "receipt", "message", "keep_files", "files"],
    "/{lang}/services/": ["need", "language", "prefecture", "sex", "age"],
    "/{lang}/services.json": ["need", "language", "prefecture", "sex", "age"],
    "/{lang}/services/1/": [],
    "/{lang}/leaflet.pdf": ["prefecture"],
    "/{lang}/staff/sign-in/": ["username", "password", "next"],
    "/{lang}/staff/sign-in/code/": ["code"],
    "/{lang}/staff/welcome/{token}/": ["password", "password_again"],
    "/{lang}/staff/welcome/not-a-token/": ["password", "password_again"],
    "/{lang}/": [],
    "/healthz": [],
}

# Field values: any text (no lone surrogates, which no client can encode), control characters,
# digits in other scripts, very long and empty values, and values that look like the real ones.
odd_text = st.one_of(
    st.text(st.characters(blacklist_categories=["Cs"]), max_size=40),
    st.sampled_from(["", " ", "\x00", "\r\n", "0", "-1", "99999999999999999999", "1e309", "NaN", "２３", "labour",
                     "open", "reply", "titp", "2-5", "yes", "on", "%00", "../../etc/passwd", "<script>", "=1+1",
                     "1234 5678 9012 3456 7890 1234 5678", "𝟏𝟐𝟑", "\u202e", "\ufeff", "hanako"]),
    st.integers(min_value=1, max_value=200_000).map(lambda n: "x" * n),
)
field_name = st.one_of(st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=12),
                       st.sampled_from(["csrfmiddlewaretoken", "action", "receipt", "files", "next", "__proto__"]))
# Charsets: real ones other than UTF-8, codecs that are not text encodings (rot13, base64, idna),
# unknown names, and a very long one. (Not a NUL or other control character: gunicorn refuses those
# in a header before Django sees the request.)
CHARSETS = ["latin-1", "iso-8859-1", "utf-16", "utf-32", "shift_jis", "euc-jp", "cp1252", "ascii", "koi8-r",
            "x-unknown", "", "utf8;q=1", "'utf-8'", "unicode-1-1-utf-7", "idna", "rot13", "base64",
            "hex", "zlib", "bz2", "UTF-8", "utf_8_sig", "gb18030", "big5", "x" * 300]


@pytest.fixture
def public_site(organisations, operator, settings):  # type: ignore[no-untyped-def]
    """What the public pages need: an operator with a key (reports are encrypted to her), a channel
    with a questionnaire, and an open invitation; rate limits high enough to reach the forms."""
    from tipnet.web.accounts import services

    settings.TIPNET_RATE_LIMITS = {"submit_site_per_minute": 10**9, "submit_client_per_hour": 10**9,
                                   "receipt_site_per_minute": 10**9, "receipt_client_per_hour": 10**9}
    ratelimit.reset()
    Channel.objects.create(trustee=organisations["trustee"], slug="titp", name="Technical interns", questions=QUESTIONS)
    admin = make_staff("fuzz_admin", organisations["other"], Role.NETWORK_ADMIN)
    invite = services.user_invite(actor=admin, organisation=organisations["ngo"], username="fuzz_invitee",
                                  display_name="", role=Role.CASEWORKER)
    first_visit = Client()
    form = first_visit.get("/en/report/").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    yield {"token": invite.token, "cookies": first_visit.cookies, "csrf": csrf.group(1) if csrf else ""}
    ratelimit.reset()


def stranger(site: dict) -> Client:  # type: ignore[type-arg]
    """A client as an attacker has one: CSRF checks on (as in production), with the cookies and the
    form token that any GET of a public form hands out, so that requests reach the views."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    for name, morsel in site["cookies"].items():
        client.cookies[name] = morsel.value
    return client


def _path(template: str, lang: str, token: str) -> str:
    path = template.replace("{token}", token)
    return path.replace("/{lang}", f"/{lang}" if lang else "")


def _assert_no_server_error(response, what: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, f"HTTP {response.status_code} for {what}"


@FUZZ
@given(
    template=st.sampled_from(sorted(FORMS)),
    lang=st.sampled_from(LANGUAGES),
    method=st.sampled_from(["GET", "POST", "POST", "POST", "HEAD", "PUT", "DELETE", "OPTIONS"]),
    known=st.data(),
    unknown=st.dictionaries(field_name, odd_text, max_size=3),
)
def test_public_forms_take_odd_field_values(public_site, template, lang, method, known, unknown) -> None:  # type: ignore[no-untyped-def]
    """Known fields with odd values, and unknown fields, as a browser would encode them (UTF-8)."""
    names = FORMS[template]
    fields = known.draw(st.dictionaries(st.sampled_from(names), odd_text, max_size=len(names))) if names else {}
    data = {**unknown, **fields}
    if known.draw(st.booleans()):
        data.setdefault("csrfmiddlewaretoken", public_site["csrf"])
    path = _path(template, lang, public_site["token"])
    client = stranger(public_site)
    if method == "GET":
        response = client.get(path, data)
    elif method == "POST":
        multipart = known.draw(st.booleans())
        response = client.post(path, data) if multipart else client.post(
            path, "&".join(f"{k}={v}" for k, v in data.items()), content_type="application/x-www-form-urlencoded")
    else:
        response = client.generic(method, path)
    _assert_no_server_error(response, f"{method} {path!r} {data!r}"[:500])


@FUZZ
@given(
    template=st.sampled_from(sorted(t for t in FORMS if t != "/healthz")),
    charset=st.sampled_from(CHARSETS),
    kind=st.sampled_from(["application/x-www-form-urlencoded", "multipart/form-data; boundary=" + BOUNDARY]),
    value=odd_text,
)
def test_public_posts_take_odd_charsets(public_site, template, charset, kind, value) -> None:  # type: ignore[no-untyped-def]
    """A POST whose Content-Type names a charset other than UTF-8, or none that exists."""
    path = _path(template, "en", public_site["token"])
    names = FORMS[template] or ["q"]
    data = {name: value for name in names} | {"csrfmiddlewaretoken": public_site["csrf"]}
    if kind.startswith("multipart"):
        body = encode_multipart(BOUNDARY, data)
    else:
        body = "&".join(f"{k}={v}" for k, v in data.items()).encode("utf-8", "surrogatepass")
    content_type = f"{kind}; charset={charset}"
    response = stranger(public_site).generic("POST", path, body, content_type=content_type)
    _assert_no_server_error(response, f"POST {path} Content-Type {content_type!r}")


@FUZZ
@given(
    path=st.one_of(
        st.sampled_from(sorted(FORMS)).map(lambda t: _path(t, "en", "x")),
        st.text(st.characters(blacklist_categories=["Cs"]), max_size=60).map(lambda p: "/" + p),
        st.sampled_from(["/en/nope/", "/nope", "//evil.example/", "/en//evil.example/", "/%2e%2e/", "/en/staff/",
                         "/ja/report/../staff/", "/\x00", "/en/" + "a" * 5000, "/xx/report/"]),
    ),
    boundary=st.one_of(st.just(BOUNDARY), st.text(max_size=80), st.just("")),
    body=st.one_of(st.binary(max_size=2000),
                   st.builds(lambda b, rest: f"--{b}\r\n".encode() + rest, st.just(BOUNDARY), st.binary(max_size=500)),
                   st.just(f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.jpg\"\r\n\r\nxx".encode()),
                   st.just(b"")),
)
def test_broken_multipart_bodies_anywhere(public_site, path, boundary, body) -> None:  # type: ignore[no-untyped-def]
    """Broken multipart bodies (bad or missing boundary, truncated parts, raw bytes) to public pages
    and to unknown URLs."""
    content_type = f"multipart/form-data; boundary={boundary}" if boundary != "" else "multipart/form-data"
    try:
        response = stranger(public_site).generic("POST", path, body, content_type=content_type)
    except UnicodeEncodeError:
        return  # the test client cannot put this path on the wire; no real client could either
    _assert_no_server_error(response, f"POST {path!r} Content-Type {content_type!r} body {body[:80]!r}")


@FUZZ
@given(
    path=st.text(st.characters(blacklist_categories=["Cs"]), max_size=80),
    query=st.dictionaries(field_name, odd_text, max_size=3),
    method=st.sampled_from(["GET", "POST", "HEAD"]),
)
def test_arbitrary_paths_answer_with_a_page(public_site, path, query, method) -> None:  # type: ignore[no-untyped-def]
    """Any path at all, with any query: a page (usually the 404 page), never a server error."""
    client = stranger(public_site)
    target = "/" + path
    try:
        response = client.get(target, query) if method == "GET" else (
            client.post(target, query) if method == "POST" else client.head(target, query))
    except UnicodeEncodeError:
        return  # not expressible as a request
    _assert_no_server_error(response, f"{method} {target!r} {query!r}")

