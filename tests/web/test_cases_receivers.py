"""Receivers of a referral come from the services directory (issue 12): only organisations running a
service that fits the person (sex, age, residence status, nationality) for the need, or the authority
for that need; the server refuses any other, whatever is posted. IOM receives returns; police,
immigration and labour standards inspection receive referrals and disclosures when consent allows."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from tests.web.cases_support import (
    caseworker_fixture,  # noqa: F401 (the "caseworker" fixture)
    intake_content,
    open_case,
    unlocked,
)
from tests.web.conftest import keyed_client, make_staff, url
from tipnet.web.accounts.models import AuditEvent, Organisation
from tipnet.web.accounts.roles import OrganisationType, Role
from tipnet.web.cases import services
from tipnet.web.cases.models import Consent, Disclosure, Referral
from tipnet.web.cases.receivers import receiver_options
from tipnet.web.directory.models import Service

MEN_NOTICE = ("There is no public shelter for men in Japan. The Legal Affairs Bureau can arrange emergency lodging "
              "for male victims, and some organisations help: call one of the services below or the police (%(number)s).")


def _receiving(name: str, org_type: str = OrganisationType.NGO) -> Organisation:
    """An organisation with a keyed caseworker: it can read a referral."""
    organisation = Organisation.objects.create(name=name, type=org_type)
    unlocked(make_staff(f"cw_{organisation.pk}", organisation, Role.CASEWORKER))
    return organisation


def _service(organisation: Organisation, name: str, *, kinds: list[str], sexes: list[str],
             residence: list[str] | None = None, **extra: object) -> Service:
    return Service.objects.create(organisation=organisation, name=name, kinds=kinds, sexes=sexes,
                                  residence=residence or ["japanese", "regular", "irregular", "trainee"],
                                  languages=extra.pop("languages", ["ja"]), nationwide=True, **extra)


def _consent(caseworker, case, receiver) -> None:  # type: ignore[no-untyped-def]
    services.consent_record(actor=caseworker, case=case, purpose="referral", given_on=timezone.localdate(), recipient=receiver)


@pytest.fixture
def shelters(db):  # type: ignore[no-untyped-def]
    women = _receiving("Women's shelter NGO")
    _service(women, "Shelter for women", kinds=["shelter"], sexes=["female"], beds_total=6, beds_free=2)
    men = _receiving("Men's shelter NGO")
    _service(men, "Shelter for men", kinds=["shelter"], sexes=["male"], languages=["vi"], beds_total=4, beds_free=1)
    return women, men


def test_a_man_is_offered_only_shelters_that_take_men(caseworker, shelters) -> None:  # type: ignore[no-untyped-def]
    women, men = shelters
    case = open_case(caseworker)  # a Vietnamese man, technical intern
    page = keyed_client(caseworker).get(url("cases:case", case.pk) + "?need=shelter").content.decode()
    offered = page.split('id="receivers"')[1].split("</ul>")[0]
    assert "Men&#x27;s shelter NGO" in offered and "Women" not in offered
    select = page.split('id="referral-form"')[1].split("</select>")[0]
    assert f'value="{men.pk}"' in select and f'value="{women.pk}"' not in select
    assert "1 free bed" in offered and "speaks the person" in offered


def test_a_referral_to_an_organisation_without_a_fitting_service_is_refused_when_posted(caseworker, shelters) -> None:  # type: ignore[no-untyped-def]
    women, men = shelters
    case = open_case(caseworker)
    _consent(caseworker, case, women)
    client = keyed_client(caseworker)
    before = AuditEvent.objects.count()
    with translation.override("en"):
        refused = client.post(url("cases:referral_new", case.pk), {"need": "shelter", "recipient": women.pk,
                                                                   "sections": ["situation"]})
    assert refused.status_code == 400
    assert "runs no service in the directory that fits this person" in refused.content.decode()
    assert not Referral.objects.exists() and not Disclosure.objects.exists()
    assert AuditEvent.objects.count() == before
    # Without a need, the women's shelter still runs nothing for a man.
    with pytest.raises(services.CaseError):
        services.referral_propose(actor=caseworker, case=case, receiver=women, sections=["situation"], reason="",
                                  private_key=unlocked(caseworker))
    _consent(caseworker, case, men)
    accepted = client.post(url("cases:referral_new", case.pk), {"need": "shelter", "recipient": men.pk,
                                                                "sections": ["situation"]})
    assert accepted.status_code == 302 and Referral.objects.get().receiver == men
    assert AuditEvent.objects.get(action="referral.proposed").details["need"] == "shelter"


def test_an_unknown_need_or_a_need_the_receiver_does_not_serve_is_refused(caseworker, shelters) -> None:  # type: ignore[no-untyped-def]
    _women, men = shelters
    case = open_case(caseworker)
    _consent(caseworker, case, men)
    for need in ("legal", "spaceship"):
        with pytest.raises(services.CaseError):
            services.referral_propose(actor=caseworker, case=case, receiver=men, sections=["situation"], reason="",
                                      private_key=unlocked(caseworker), need=need)
    assert not Referral.objects.exists() and not Disclosure.objects.exists()


def test_when_no_shelter_takes_men_the_form_says_so_with_the_directorys_words(caseworker, db) -> None:  # type: ignore[no-untyped-def]
    women = _receiving("Women's shelter NGO")
    _service(women, "Shelter for women", kinds=["shelter"], sexes=["female"])
    case = open_case(caseworker)
    with translation.override("en"):
        page = keyed_client(caseworker).get(url("cases:case", case.pk) + "?need=shelter&prefecture=23").content.decode()
    assert 'id="notice-no_public_shelter_for_men"' in page
    assert (MEN_NOTICE % {"number": "110"}).replace("'", "&#x27;") in page
    assert 'id="no-receivers"' in page


def test_age_residence_and_nationality_come_from_the_directory_rules(caseworker, db) -> None:  # type: ignore[no-untyped-def]
    adults = _receiving("Adults only")
    _service(adults, "Adult shelter", kinds=["shelter"], sexes=["male", "female"], age_min=18)
    children = _receiving("Children's home")
    _service(children, "Child shelter", kinds=["shelter", "child"], sexes=["male", "female"], age_max=17)
    japanese = _receiving("For Japanese nationals")
    _service(japanese, "Japanese only", kinds=["shelter"], sexes=["male"], residence=["japanese"])
    filipinos = _receiving("For Filipinos")
    _service(filipinos, "Filipinos only", kinds=["shelter"], sexes=["male"], nationalities="PHL")
    today = timezone.localdate()
    boy = intake_content(birth=f"{today.year - 15}-01-02")
    man = intake_content()
    boy_ids = receiver_options(sections=boy, need="shelter", exclude_organisation_id=0).organisation_ids
    man_ids = receiver_options(sections=man, need="shelter", exclude_organisation_id=0).organisation_ids
    assert children.pk in boy_ids and adults.pk not in boy_ids
    assert adults.pk in man_ids and children.pk not in man_ids
    assert japanese.pk not in man_ids and filipinos.pk not in man_ids  # a Vietnamese technical intern


def test_an_organisation_nobody_can_read_a_referral_in_is_listed_to_contact_directly(caseworker, db) -> None:  # type: ignore[no-untyped-def]
    bureau = Organisation.objects.create(name="Legal Affairs Bureau", type=OrganisationType.CENTRAL_GOV)
    _service(bureau, "Emergency lodging", kinds=["shelter"], sexes=["male", "female"], phone="0570-003-110")
    options = receiver_options(sections=intake_content(), need="shelter", exclude_organisation_id=0)
    assert not options.receivers and [s.name for s in options.elsewhere] == ["Emergency lodging"]
    case = open_case(caseworker)
    _consent(caseworker, case, bureau)
    with pytest.raises(services.CaseError):
        services.referral_propose(actor=caseworker, case=case, receiver=bureau, sections=["situation"], reason="",
                                  private_key=unlocked(caseworker), need="shelter")
    assert not Referral.objects.exists()


def test_iom_receives_a_referral_for_return_of_a_foreign_national_only(caseworker, db) -> None:  # type: ignore[no-untyped-def]
    iom = _receiving("IOM Japan (test)", OrganisationType.INTERNATIONAL)
    _service(iom, "Return and reintegration", kinds=["return"], sexes=["male", "female", "other"],
             residence=["regular", "irregular", "trainee"])
    case = open_case(caseworker)
    _consent(caseworker, case, iom)
    referral = services.referral_propose(actor=caseworker, case=case, receiver=iom, sections=["identity", "situation"],
                                         reason="wants to go home to Nghe An", private_key=unlocked(caseworker),
                                         need="return")
    assert referral.receiver == iom
    japanese = intake_content()
    japanese["situation"]["residence_status"] = "japanese"
    assert iom.pk not in receiver_options(sections=japanese, need="return", exclude_organisation_id=0).organisation_ids


def test_authorities_receive_for_their_own_need_without_a_directory_entry(caseworker, db) -> None:  # type: ignore[no-untyped-def]
    police = _receiving("Shizuoka Prefectural Police", OrganisationType.LAW_ENFORCEMENT)
    inspection = _receiving("Hamamatsu Labour Standards Inspection Office", OrganisationType.LABOUR_INSPECTION)
    immigration = _receiving("Nagoya Immigration Bureau", OrganisationType.IMMIGRATION)
    person = intake_content()
    assert receiver_options(sections=person, need="police", exclude_organisation_id=0).organisation_ids == {police.pk}
    assert receiver_options(sections=person, need="labour", exclude_organisation_id=0).organisation_ids == {inspection.pk}
    assert receiver_options(sections=person, need="residence", exclude_organisation_id=0).organisation_ids == {immigration.pk}
    case = open_case(caseworker)
    _consent(caseworker, case, inspection)
    with pytest.raises(services.CaseError):  # labour inspection is not a shelter
        services.referral_propose(actor=caseworker, case=case, receiver=inspection, sections=["situation"], reason="",
                                  private_key=unlocked(caseworker), need="shelter")
    referral = services.referral_propose(actor=caseworker, case=case, receiver=inspection, sections=["situation"],
                                         reason="unpaid wages", private_key=unlocked(caseworker), need="labour")
    assert referral.disclosure.recipient == inspection and referral.disclosure.purpose == "referral"


def test_a_disclosure_to_an_authority_needs_its_own_consent_and_an_organisation_of_that_kind(caseworker, db) -> None:  # type: ignore[no-untyped-def]
    immigration = Organisation.objects.create(name="Nagoya Immigration Bureau", type=OrganisationType.IMMIGRATION)
    inspection = Organisation.objects.create(name="Labour Inspection", type=OrganisationType.LABOUR_INSPECTION)
    ngo = Organisation.objects.create(name="Some NGO", type=OrganisationType.NGO)
    # The person agrees to the labour inspectors being told, not the immigration services.
    case = open_case(caseworker, consents={"interview", "labour_inspection"})
    assert set(case.consents.values_list("purpose", flat=True)) == {"interview", "labour_inspection"}
    with pytest.raises(services.ConsentRefused):
        services.case_disclose(actor=caseworker, case=case, recipient=immigration, purpose="immigration")
    with pytest.raises(services.CaseError):
        services.case_disclose(actor=caseworker, case=case, recipient=ngo, purpose="labour_inspection")
    with pytest.raises(services.CaseError):
        services.case_disclose(actor=caseworker, case=case, recipient=immigration, purpose="labour_inspection")
    assert not Disclosure.objects.exists()
    disclosure = services.case_disclose(actor=caseworker, case=case, recipient=inspection, purpose="labour_inspection")
    assert not disclosure.overridden
    audit = AuditEvent.objects.get(action="disclosure")
    assert audit.recipient_organisation_id == inspection.pk and audit.details["purpose"] == "labour_inspection"
    services.consent_withdraw(actor=caseworker, consent=case.consents.get(purpose="labour_inspection"))
    with pytest.raises(services.ConsentRefused):
        services.case_disclose(actor=caseworker, case=case, recipient=inspection, purpose="labour_inspection")
    assert Disclosure.objects.count() == 1 and Consent.objects.filter(case=case).count() == 2


def test_disclosure_to_immigration_over_http_is_recorded_and_a_forged_one_refused(caseworker, staff, db) -> None:  # type: ignore[no-untyped-def]
    immigration = Organisation.objects.create(name="Nagoya Immigration Bureau", type=OrganisationType.IMMIGRATION)
    case = open_case(caseworker, consents={"interview"})
    client = keyed_client(caseworker)
    forged = client.post(url("cases:disclose", case.pk), {"purpose": "immigration", "recipient": immigration.pk,
                                                         "override": "on", "reason": "forged by the client, not allowed"})
    assert forged.status_code == 403 and not Disclosure.objects.exists()
    services.consent_record(actor=caseworker, case=case, purpose="immigration", given_on=timezone.localdate())
    done = client.post(url("cases:disclose", case.pk), {"purpose": "immigration", "recipient": immigration.pk})
    assert done.status_code == 302
    assert Disclosure.objects.get().recipient == immigration
    bad = client.post(url("cases:disclose", case.pk), {"purpose": "immigration", "recipient": "not-a-number"})
    assert bad.status_code == 400 and Disclosure.objects.count() == 1
