"""Cohorts: one-time join links, the trainee account, progress, most-missed indicators, certificate."""

from __future__ import annotations

import re

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.web.conftest import make_staff, signed_in_client, url
from tests.web.test_training_practice import PERFECT, ask, start
from tipnet.web.accounts.models import Membership, OrganisationKeyShare, StaffKeyring, User
from tipnet.web.accounts.roles import Role
from tipnet.web.training.models import Cohort, CohortInvite

PASSWORD = "a long training password 7"


def make_cohort(client: Client, organisation_id: int, cases: list[str]) -> int:
    response = client.post(url("training:cohorts"), {"name": "Police station A", "organisation": organisation_id,
                                                       "cases": cases})
    assert response.status_code == 302, response.content.decode()
    return int(re.search(r"/cohorts/(\d+)/", response["Location"]).group(1))


def make_links(client: Client, cohort: int, count: int = 2) -> list[str]:
    page = client.post(url("training:cohort", cohort), {"count": count}).content.decode()
    return re.findall(r"<code>https?://[^/]+(/[^<]+)</code>", page)


def join(link: str, username: str) -> int:
    return Client().post(link, {"username": username, "password": PASSWORD, "password2": PASSWORD}).status_code


def test_trainer_runs_a_cohort_end_to_end(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    trainer = signed_in_client(staff[Role.CASEWORKER])
    cohort = make_cohort(trainer, organisations["ngo"].pk, ["titp-debt-passport"])
    links = make_links(trainer, cohort)
    assert len(links) == 2 and CohortInvite.objects.filter(cohort_id=cohort).count() == 2
    assert join(links[0], "officer.sato") == 200
    # One-time: the same link again is refused and makes no account.
    assert join(links[0], "officer.other") == 404
    assert not User.objects.filter(username="officer.other").exists()

    trainee = User.objects.get(username="officer.sato")
    assert trainee.check_password(PASSWORD)
    memberships = Membership.objects.filter(user=trainee)
    assert [(m.role, m.pending, m.organisation_id) for m in memberships] == [(Role.TRAINEE, False, organisations["ngo"].pk)]
    # No keyring, so no organisation key can ever be shared with a trainee account.
    assert not StaffKeyring.objects.filter(user=trainee).exists()
    assert not OrganisationKeyShare.objects.filter(user=trainee).exists()
    # Normal sign-in: password first, then the TOTP set-up.
    response = Client().post(url("accounts:login"), {"username": "officer.sato", "password": PASSWORD})
    assert response.status_code == 302 and "/sign-in/set-up/" in response["Location"]

    TOTPDevice.objects.create(user=trainee, name="t", confirmed=True)
    client = signed_in_client(trainee)
    home = client.get(url("training:home")).content.decode()
    assert "Police station A" in home and "certificate" not in home.lower().split("download")[0][-50:]
    assert client.get(url("training:certificate", cohort)).status_code == 404  # not passed yet

    # A first attempt misses the passport; a second passes.
    first = start(client)
    client.post(url("training:record", first), {**{k: v for k, v in PERFECT.items() if k != "i_CD_DOC_CONFISCATION"},
                                                "determination": "insufficient information"})
    second = start(client)
    for q in ("W_SAFE_NOW", "W_CONSENT", "CD_DOC_CONFISCATION"):
        ask(client, second, q)
    client.post(url("training:record", second), PERFECT)

    page = trainer.get(url("training:cohort", cohort)).content.decode()
    assert "officer.sato" in page and "1 / 1" in page
    assert re.search(r"CD_DOC_CONFISCATION: .*\(missed 1 time\)", page)

    pdf = client.get(url("training:certificate", cohort))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    ja = client.get(url("training:certificate", cohort, lang="ja")).content
    assert ja.startswith(b"%PDF")
    # The text in each language: the trainee's name, the cohort and the case's title.
    from tipnet.web.training.library import case_by_id

    title = case_by_id("titp-debt-passport").title
    en_text, ja_text = pdf_text(pdf.content), pdf_text(ja)
    assert "Certificate of training" in en_text and title["en"] in en_text and "officer.sato" in en_text
    assert title["ja"] in ja_text and "officer.sato" in ja_text and "Police station A" in ja_text
    assert "Certificate of training" not in ja_text


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, lines joined (pypdfium2, as the other PDF tests)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    return " ".join(" ".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document)))


def test_trainee_reaches_no_record_page(staff) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(staff[Role.TRAINEE])
    for name in ("screening:start", "report:inbox", "accounts:organisations", "research:estimate",
                 "directory:manage", "training:cohorts"):
        assert client.get(url(name)).status_code == 404, name
    menu = client.get(url("training:home")).content.decode()
    assert "Screening interview" not in menu and "Reports" not in menu


def test_trainer_of_another_organisation_sees_nothing(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    trainer = signed_in_client(staff[Role.CASEWORKER])
    cohort = make_cohort(trainer, organisations["ngo"].pk, ["construction-man"])
    outsider = signed_in_client(make_staff("cw_other", organisations["other"], Role.CASEWORKER))
    assert outsider.get(url("training:cohort", cohort)).status_code == 404
    assert outsider.post(url("training:cohort", cohort), {"count": 3}).status_code == 404
    assert CohortInvite.objects.filter(cohort_id=cohort).count() == 0
    # Forged POST: a cohort in an organisation the trainer does not belong to.
    response = outsider.post(url("training:cohorts"), {"name": "x", "organisation": organisations["ngo"].pk,
                                                         "cases": ["construction-man"]})
    assert response.status_code == 400 and Cohort.objects.count() == 1


def test_join_refuses_bad_input(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    trainer = signed_in_client(staff[Role.ORG_ADMIN])
    cohort = make_cohort(trainer, organisations["ngo"].pk, ["titp-debt-passport"])
    link = make_links(trainer, cohort, 1)[0]
    bad = Client().post(link, {"username": "a b", "password": PASSWORD, "password2": PASSWORD})
    assert bad.status_code == 400
    short = Client().post(link, {"username": "ok.name", "password": "short", "password2": "short"})
    assert short.status_code == 400
    taken = Client().post(link, {"username": staff[Role.CASEWORKER].username, "password": PASSWORD, "password2": PASSWORD})
    assert taken.status_code == 400
    assert CohortInvite.objects.get(cohort_id=cohort).used_at is None  # still usable
    assert Client().get(url("training:join", "not-a-token")).status_code == 404
    assert trainer.post(url("training:cohort", cohort), {"count": 0}).status_code == 400
    assert trainer.post(url("training:cohorts"), {"name": "y", "organisation": organisations["ngo"].pk,
                                                  "cases": ["nope"]}).status_code == 400


def test_a_trainee_with_a_keyring_still_gets_no_organisation_key(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    """Even a trainee invited through the ordinary staff invitation (which makes a keyring) is never
    sealed the organisation's key, by the key holder's sign-in or by a direct grant."""
    from tests.web.conftest import keyed_client
    from tipnet.web.accounts import keys, orgkeys

    holder = staff[Role.CASEWORKER]
    keyed_client(holder)
    orgkeys.organisation_key_ensure(organisation=organisations["ngo"])
    assert OrganisationKeyShare.objects.filter(user=holder).exists()
    trainee = staff[Role.TRAINEE]
    keys.keyring_create_for(trainee, password="correct horse battery 9")
    private = keys.keyring_unlock(holder, password="correct horse battery 9")
    assert orgkeys.organisation_shares_grant_pending(user=holder, private_key=private) == 0
    assert not orgkeys.organisation_share_grant(actor=holder, private_key=private, organisation=organisations["ngo"],
                                                user=trainee)
    assert not OrganisationKeyShare.objects.filter(user=trainee).exists()


def test_forged_cohort_on_start_is_refused(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    trainer = signed_in_client(staff[Role.CASEWORKER])
    cohort = make_cohort(trainer, organisations["ngo"].pk, ["titp-debt-passport"])
    client = signed_in_client(staff[Role.TRAINEE])  # not a member of that cohort
    from tipnet.web.training.models import PracticeAttempt

    assert client.post(url("training:start"), {"case": "titp-debt-passport", "cohort": str(cohort)}).status_code == 404
    assert client.post(url("training:start"), {"case": "titp-debt-passport", "cohort": "x"}).status_code == 404
    assert client.post(url("training:start"), {"case": "titp-debt-passport", "cohort": "9" * 30}).status_code == 404
    assert not PracticeAttempt.objects.exists()
    # Someone else's cohort certificate: not found, even for its trainer.
    assert trainer.get(url("training:certificate", cohort)).status_code == 404


def test_training_pages_carry_the_same_security_headers(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    """The public join page holds a one-time token in its URL: never cached, never sent on as a referrer."""
    trainer = signed_in_client(staff[Role.CASEWORKER])
    cohort = make_cohort(trainer, organisations["ngo"].pk, ["titp-debt-passport"])
    link = make_links(trainer, cohort, 1)[0]
    for response in (Client().get(link, secure=True), trainer.get(url("training:cohort", cohort), secure=True),
                     signed_in_client(staff[Role.TRAINEE]).get(url("training:home"), secure=True)):
        assert response.status_code == 200
        csp = response["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert response["Referrer-Policy"] == "same-origin" and "no-store" in response["Cache-Control"]
        assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
