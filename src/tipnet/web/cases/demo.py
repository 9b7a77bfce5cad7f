"""Demo cases for `tipnet demo`: invented people, sealed to the demo NGO's key like real cases."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tipnet.web.accounts.keys import keyring_unlock
from tipnet.web.accounts.models import Organisation, User
from tipnet.web.cases import services
from tipnet.web.cases.models import Case

DEMO_CASES = [
    {
        "content": {
            "identity": {"names": ["Nguyen Van Binh (demo)"], "aliases": ["グエン・ヴァン・ビン"], "birth_date": "1998-07-14",
                         "contact": "demo: through the NGO's LINE account"},
            "situation": {"sex": "masculine", "citizenships": ["VNM"], "languages": ["vi"], "age_trafficked": 23,
                          "trafficking_status": "possible", "residence_status": "technical_intern",
                          "recruitment": ["broker"], "control": ["debt_bondage", "withholds_documents", "excessive_hours"],
                          "exploitation": ["forced_labour"], "industry": "C", "locations": "demo: Nghe An; a factory in Aichi"},
            "health": {"health_notes": "demo: back pain, no doctor seen yet"},
            "sexual": {"sex_exploitation": [], "sexual_notes": ""},
        },
        "consents": {"interview", "purpose_told", "data_use_told", "research_told", "access_right_told", "storage_told",
                     "withdrawal_told", "police"},
        "days_ago": 12,
        "tasks": [("Accompany him to the Labour Standards Inspection Office", 2),
                  ("Ask the supervising organisation for his passport", 5), ("Follow-up meeting", 20)],
        "events": [("meeting", 10, "First meeting with a Vietnamese interpreter; screening done.")],
        "status": "active",
        "refer": True,
    },
    {
        "content": {
            "identity": {"names": ["Maria Santos (demo)"], "aliases": [], "birth_date": "1995-02-03", "contact": ""},
            "situation": {"sex": "feminine", "citizenships": ["PHL"], "languages": ["tl", "en"], "age_trafficked": 24,
                          "trafficking_status": "actual", "residence_status": "entertainer",
                          "recruitment": ["online_ad"], "control": ["false_promises", "takes_earnings", "psychological_abuse"],
                          "exploitation": ["sexual"], "industry": "R", "locations": "demo: Manila; a bar in Nagoya"},
            "health": {"health_notes": ""},
            "sexual": {"sex_exploitation": ["private"], "sexual_notes": "demo: disclosed to the owner only"},
        },
        "consents": {"interview", "purpose_told", "data_use_told", "research_told", "access_right_told", "storage_told",
                     "withdrawal_told", "research"},
        "days_ago": 60,
        "tasks": [("Shelter check-in call", 1)],
        "events": [("note", 30, "Moved to a women's shelter.")],
        "status": "follow_up",
        "return": True,
    },
    {
        "content": {
            "identity": {"names": ["Budi Santoso (demo)"], "aliases": [], "birth_date": "1990-11-20", "contact": ""},
            "situation": {"sex": "masculine", "citizenships": ["IDN"], "languages": ["id"], "age_trafficked": 31,
                          "trafficking_status": "possible", "residence_status": "specified_skilled",
                          "recruitment": ["broker"], "control": ["debt_bondage"], "exploitation": ["forced_labour"],
                          "industry": "F", "locations": "demo: a construction site in Gifu"},
            "health": {"health_notes": ""},
            "sexual": {"sex_exploitation": [], "sexual_notes": ""},
        },
        "consents": {"interview", "purpose_told", "data_use_told"},
        "days_ago": 120,
        "tasks": [],
        "events": [("note", 90, "Wages paid after the labour inspection; he changed employer.")],
        "status": "closed",
    },
]


def demo_cases_seed(*, organisation: Organisation, owner: User, password: str, legal_aid: Organisation,
                    receivers: dict[str, Organisation] | None = None) -> int:
    """Open the demo cases once (none if the organisation has cases), and refer the first to the
    demo legal aid office with the person's consent. With ``receivers`` (issue 12): he is also
    referred to the shelter for men, which accepts, and his wage case is disclosed to the labour
    standards inspection with his consent; the second person is referred to IOM for her return.
    Returns how many cases were made."""
    if Case.objects.filter(organisation=organisation).exists():
        return 0
    private_key = keyring_unlock(owner, password=password)
    today = timezone.localdate()
    referred = returning = None
    for spec in sorted(DEMO_CASES, key=lambda s: -int(s["days_ago"])):  # references in date order
        opened = today - datetime.timedelta(days=spec["days_ago"])
        case = services.case_open(actor=owner, organisation=organisation, content=spec["content"],
                                  consents=set(spec["consents"]), opened_on=opened, private_key=private_key)
        for kind, days_ago, text in spec["events"]:
            services.case_event_add(actor=owner, case=case, kind=kind, occurred_on=today - datetime.timedelta(days=days_ago),
                                    text=text)
        for title, in_days in spec["tasks"]:
            services.case_task_add(actor=owner, case=case, title=title, due_on=today + datetime.timedelta(days=in_days))
        if spec["status"] != "active":
            services.case_update(actor=owner, case=case, expected_version=case.version, content={},
                                 status=spec["status"], private_key=private_key)
        if spec.get("refer"):
            referred = case
        if spec.get("return"):
            returning = case
    assert referred is not None
    services.consent_record(actor=owner, case=referred, purpose="referral", given_on=today, recipient=legal_aid)
    services.referral_propose(actor=owner, case=referred, receiver=legal_aid, sections=["identity", "situation"],
                              reason="demo: unpaid wages and a confiscated passport; he would like a lawyer who "
                                     "speaks Vietnamese", private_key=private_key, need="legal")
    if receivers:
        _demo_network(owner=owner, private_key=private_key, referred=referred, returning=returning,
                      receivers=receivers, today=today)
    from tipnet.web.cases.documents import document_add

    document_add(actor=owner, case=referred, section="other", title="demo: employment contract", data=demo_pdf())
    return len(DEMO_CASES)


def _demo_network(*, owner: User, private_key: bytes | None, referred: Case, returning: Case | None,
                  receivers: dict[str, Organisation], today: datetime.date) -> None:
    from tipnet.web.accounts.models import Membership
    from tipnet.web.accounts.roles import Role

    shelter, iom, inspection = receivers["shelter"], receivers["iom"], receivers["inspection"]
    services.consent_record(actor=owner, case=referred, purpose="referral", given_on=today, recipient=shelter)
    stay = services.referral_propose(actor=owner, case=referred, receiver=shelter, sections=["identity", "situation"],
                                     reason="demo: he left the company dormitory and has nowhere safe to sleep",
                                     private_key=private_key, need="shelter")
    shelter_worker = Membership.objects.filter(organisation=shelter, role=Role.CASEWORKER).first()
    if shelter_worker is not None:
        services.referral_decide(actor=shelter_worker.user, referral=stay, action="accept")
    services.consent_record(actor=owner, case=referred, purpose="labour_inspection", given_on=today)
    services.case_disclose(actor=owner, case=referred, recipient=inspection, purpose="labour_inspection")
    if returning is not None:
        services.consent_record(actor=owner, case=returning, purpose="referral", given_on=today, recipient=iom)
        services.referral_propose(actor=owner, case=returning, receiver=iom, sections=["identity", "situation"],
                                  reason="demo: she wants to go home to Manila; assisted voluntary return and "
                                         "reintegration", private_key=private_key, need="return")


def demo_pdf(text: str = "Demo employment contract (invented)") -> bytes:
    """A one-page PDF with one line of text, its cross-reference table computed."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
