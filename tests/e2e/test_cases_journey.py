"""Issue 12's journey in Chromium. A caseworker at a migrant NGO screens a Vietnamese man (staff
pages in Japanese, questions in Vietnamese), opens a case with his consent, attaches the screening
and refers him to a shelter that takes men; the shelter's staff accepts and records his stay on the
NGO's timeline. A second case ends with a return home through IOM and a follow-up check-in.

The shelter and IOM are not in the demo data: they are made here, in the running app's database,
as an admin would (an organisation, one caseworker with a key, the shelter's directory entry).
Screenshots of the case pages in Japanese and Vietnamese go to test-artifacts/screenshots/
(docs/screenshots/cases-journey-*.png and cases-return-*.png are copies)."""

from __future__ import annotations

import datetime
import re
import subprocess
import sys

from playwright.sync_api import Page, expect

from tests.e2e.pages import sign_in, start_screening
from tipnet.core.screening import default_catalogue

DEMO_PASSWORD = "demo-password-2026"
SHELTER = "E2E Men's Shelter Nagoya"
IOM = "E2E IOM Japan"
TITP = ["DR_JOB_NATURE", "DR_WAGES", "CR_DEBT_BONDAGE", "CR_DOC_CONFISCATION", "CD_DOC_CONFISCATION",
        "CD_DEBT_BONDAGE", "EX_EXCESSIVE_HOURS", "EX_LOW_NO_PAY"]
STAY = "Arrived tonight; room 3, six weeks' stay agreed. Sees the doctor on Monday."

_SETUP = r"""
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipnet.web.settings")
import django
django.setup()
from django_otp.plugins.otp_totp.models import TOTPDevice
from tipnet.web.accounts import keys, orgkeys
from tipnet.web.accounts.models import Membership, Organisation, User
from tipnet.web.accounts.roles import OrganisationType, Role
from tipnet.web.directory.models import Service

PASSWORD = "demo-password-2026"

def organisation_with_caseworker(name, prefecture, username, display):
    org, _ = Organisation.objects.get_or_create(
        name=name, defaults={"type": OrganisationType.NGO, "prefecture": prefecture, "is_demo": True})
    user, created = User.objects.get_or_create(username=username, defaults={"display_name": display})
    if created:
        user.set_password(PASSWORD)
        user.save()
        Membership.objects.create(user=user, organisation=org, role=Role.CASEWORKER)
        TOTPDevice.objects.create(user=user, name="e2e", confirmed=True)
        keys.keyring_create_for(user, password=PASSWORD)
    orgkeys.organisation_key_ensure(organisation=org)
    return org

shelter = organisation_with_caseworker("E2E Men's Shelter Nagoya", "Aichi", "shelter_e2e", "Shelter staff (e2e)")
Service.objects.get_or_create(organisation=shelter, name="E2E shelter for men", defaults=dict(
    kinds=["shelter"], sexes=["male"], languages=["ja", "vi", "en"], nationwide=True, beds_total=6, beds_free=2,
    texts={"en": {"name": "E2E shelter for men", "description": "Shelter for men, test data."}},
    phone="000-0000-0000", is_demo=True))
iom = organisation_with_caseworker("E2E IOM Japan", "Tokyo", "iom_e2e", "IOM staff (e2e)")
Service.objects.get_or_create(organisation=iom, name="E2E return and reintegration", defaults=dict(
    kinds=["return", "consultation"], sexes=["female", "male", "other"], residence=["regular", "irregular", "trainee"],
    languages=["en", "vi"], nationwide=True,
    texts={"en": {"name": "E2E return and reintegration", "description": "Return home, test data."}},
    phone="000-0000-0001", is_demo=True))
print("ok")
"""


def _partners(server) -> None:  # type: ignore[no-untyped-def]
    """The shelter for men and IOM, in the app's database (idempotent)."""
    env = dict(server.env, DJANGO_SETTINGS_MODULE="tipnet.web.settings")
    done = subprocess.run([sys.executable, "-c", _SETUP], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "ok" in done.stdout, done.stdout + done.stderr


def _open_case(page: Page, lang: str, name: str, alias: str, birth: str) -> str:
    """The intake form (by field names: the labels are in the staff's language); returns the case URL."""
    page.goto(f"/{lang}/staff/cases/new/")
    form = page.locator("#case-form")
    form.locator("[name=names]").fill(name)
    form.locator("[name=aliases]").fill(alias)
    form.locator("[name=birth_date]").fill(birth)
    form.locator("[name=sex]").select_option("masculine")
    form.locator("[name=citizenships]").fill("VNM")
    form.locator("[name=languages]").fill("vi")
    form.locator("[name=residence_status]").select_option("technical_intern")
    for name_, value in (("control", "debt_bondage"), ("control", "withholds_documents"),
                         ("exploitation", "forced_labour"), ("consents", "interview"),
                         ("consents", "purpose_told"), ("consents", "data_use_told")):
        form.locator(f"input[name={name_}][value={value}]").check()
    form.locator("button[type=submit]").click()
    expect(page.locator("#section-identity")).to_contain_text(name)
    return page.url.split("#")[0]


def _refer(page: Page, receiver: str, reason: str) -> None:
    """Record the person's consent to this referral, then propose it (identity and situation)."""
    today = datetime.date.today().isoformat()
    consent = page.locator("#consent-form")
    consent.locator("[name=purpose]").select_option("referral")
    consent.locator("[name=recipient]").select_option(label=receiver)
    consent.locator("[name=given_on]").fill(today)
    consent.locator("button[type=submit]").click()
    expect(page.locator("#consents")).to_contain_text(receiver)
    referral = page.locator("#referral-form")
    referral.locator("[name=recipient]").select_option(label=receiver)
    referral.locator("input[name=sections][value=identity]").check()
    referral.locator("input[name=sections][value=situation]").check()
    referral.locator("[name=reason]").fill(reason)
    referral.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staff/cases/referrals/\d+/$"))


def test_screened_man_is_referred_to_a_shelter_for_men_which_records_his_stay(  # type: ignore[no-untyped-def]
        make_context, tipnet_server, screenshots) -> None:
    _partners(tipnet_server)
    page = make_context().new_page()
    sign_in(page, "caseworker", DEMO_PASSWORD, tipnet_server.totp("caseworker"))

    # The identification interview: staff pages in Japanese, the questions also in Vietnamese.
    start_screening(page, "ja", "vi", "E2E-JOURNEY-VI")
    catalogue = default_catalogue()
    page.locator("input[name=q_W_SAFE_NOW][value=yes]").check()
    page.locator("select[name=q_CTX_VISA]").select_option("technical_intern")
    for indicator in catalogue.profile_indicators("adult_labour"):
        page.locator(f"input[name=q_{indicator}][value={'yes' if indicator in TITP else 'no'}]").check()
    page.locator("button[name=action][value=result]").click()
    expect(page.locator("#determination")).to_have_text(catalogue.text("determinations", "indicators met", "ja"))
    page.locator("button[name=action][value=save]").click()
    expect(page.locator("#determination")).to_be_visible()

    # The case, with his consent; the screening attached; a shelter that takes men is offered.
    case_url = _open_case(page, "ja", "Pham Van Hieu", "ファム・ヴァン・ヒエウ", "1999-08-02")
    page.locator("#screening-form button[type=submit]").click()
    expect(page.locator("#screenings li")).to_have_count(1)
    expect(page.locator("#fitting-services")).to_contain_text(SHELTER)
    _refer(page, SHELTER, "Needs a bed tonight; left the dormitory of the factory. Speaks Vietnamese only.")

    # The shelter's staff (pages in Vietnamese) reads what was shared, accepts, records the stay.
    shelter = make_context().new_page()
    sign_in(shelter, "shelter_e2e", DEMO_PASSWORD, tipnet_server.totp("shelter_e2e"))
    shelter.goto("/vi/staff/cases/referrals/")
    shelter.locator("table.referrals a").first.click()
    expect(shelter.locator("#shared-identity")).to_contain_text("Pham Van Hieu")
    expect(shelter.locator("#shared-health")).to_have_count(0)
    shelter.locator("button[name=action][value=accept]").click()
    note = shelter.locator("#referral-note-form")
    note.locator("[name=occurred_on]").fill(datetime.date.today().isoformat())
    note.locator("[name=text]").fill(STAY)
    shelter.screenshot(path=str(screenshots / "cases-journey-referral-vi.png"), full_page=True)
    note.locator("button[type=submit]").click()
    expect(shelter.locator("#referral-note-form")).to_be_visible()

    # Back at the NGO: the acceptance and the stay are on his timeline.
    page.goto(case_url)
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text(f"{SHELTER}: {STAY}")
    expect(timeline).to_contain_text("Shelter staff (e2e)")
    expect(page.locator("#referrals")).to_contain_text(SHELTER)
    page.screenshot(path=str(screenshots / "cases-journey-case-ja.png"), full_page=True)
    page.goto(case_url.replace("/ja/", "/vi/"))
    expect(page.locator("#timeline")).to_contain_text(STAY)
    page.screenshot(path=str(screenshots / "cases-journey-case-vi.png"), full_page=True)


def test_return_home_through_iom_with_a_follow_up_check_in(make_context, tipnet_server, screenshots) -> None:  # type: ignore[no-untyped-def]
    _partners(tipnet_server)
    page = make_context().new_page()
    sign_in(page, "supervisor", DEMO_PASSWORD, tipnet_server.totp("supervisor"))
    case_url = _open_case(page, "en", "Le Van Tam", "レ・ヴァン・タム", "1996-01-11")
    _refer(page, IOM, "He wants to go home to Ha Tinh: assisted voluntary return and reintegration.")

    page.goto(case_url)
    today = datetime.date.today()
    back = page.locator("#return-form")
    back.locator("[name=returned_on]").fill(today.isoformat())
    back.locator("[name=through_iom]").check()
    back.locator("button[type=submit]").click()
    expect(page.locator("#case-status")).to_have_text("Follow-up")
    expect(page.locator("#timeline")).to_contain_text("Returned home through IOM")
    tasks = page.locator("#tasks tbody tr")
    expect(tasks).to_have_count(3)
    for months in (3, 6, 12):
        expect(page.locator("#tasks")).to_contain_text(f"Check-in {months} months after return")

    # The first check-in: a call with him at home, recorded, and the task done.
    event = page.locator("#event-form")
    event.locator("[name=kind]").select_option("meeting")
    event.locator("[name=occurred_on]").fill(today.isoformat())
    event.locator("[name=text]").fill("Check-in call: home in Ha Tinh, IOM's reintegration grant received, "
                                      "looking for work nearby.")
    event.locator("button[type=submit]").click()
    expect(page.locator("#timeline")).to_contain_text("IOM's reintegration grant received")
    page.locator("#tasks tbody tr").filter(has_text="Check-in 3 months after return").locator("button").click()
    expect(page.locator("#tasks tbody tr").filter(has_text="Check-in 3 months after return")).to_contain_text(
        today.isoformat())
    for lang in ("ja", "vi"):
        page.goto(case_url.replace("/en/", f"/{lang}/"))
        expect(page.locator("#tasks tbody tr")).to_have_count(3)
        page.screenshot(path=str(screenshots / f"cases-return-{lang}.png"), full_page=True)
