"""Seed data: the real providers named in ../shared/reference/japan.md (sections 2-4), and demo entries.

Only contact details that the reference shows are used, never invented ones; every real entry is
marked "to verify" with its source, so that an organisation admin confirms it before relying on it.
Where the reference does not say which languages a service speaks, the list is left empty (the
page then says "ask the service") rather than guessed. Demo entries exist only in demo mode and are
marked demo. Loading is idempotent: an entry with the same organisation and name is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from tipnet.web.accounts.audit import audit_record
from tipnet.web.accounts.models import Organisation
from tipnet.web.accounts.roles import OrganisationType
from tipnet.web.directory.models import Cost, Service, Verification
from tipnet.web.directory.prefectures import CODES

ALL_SEXES = ["female", "male", "other"]
ALL_STATUSES = ["japanese", "regular", "irregular", "trainee"]
FOREIGN = ["regular", "irregular", "trainee"]
REF = "japan.md §4"


@dataclass(frozen=True)
class Entry:
    organisation: str
    org_type: str
    name: str
    name_en: str
    kinds: list[str]
    sexes: list[str]
    residence: list[str]
    languages: list[str]
    description_en: str
    nationwide: bool = False
    prefectures: list[str] = field(default_factory=list)
    phone: str = ""
    website: str = ""
    hours: str = ""
    cost: str = Cost.UNKNOWN
    age_min: int | None = None
    age_max: int | None = None
    exploitation: list[str] = field(default_factory=list)
    eligibility_note: str = ""
    source: str = REF
    beds_total: int | None = None
    beds_free: int | None = None


REAL: list[Entry] = [
    Entry(
        "女性相談支援センター", OrganisationType.LOCAL_GOV, "女性相談支援センター", "Women's Consultation and Support Centre",
        ["consultation", "shelter"], ["female"], ALL_STATUSES, ["ja"],
        "Public centre in every prefecture (婦人相談所 until March 2024): consultation, temporary protection, "
        "referral to private shelters, help with work and housing. Interpretation varies by prefecture.",
        prefectures=list(CODES), phone="#8778", cost=Cost.FREE,
        eligibility_note="Women, including foreign women. The phone line #8778 is to verify.",
        source=REF + "; #8778 per gjwf-a.com blog (verify)",
    ),
    Entry(
        "女性の家HELP", OrganisationType.NGO, "女性の家HELP", "HELP Asian Women's Shelter",
        ["shelter", "consultation", "residence"], ["female"], ALL_STATUSES, ["ja", "en", "th", "fil", "zh", "es"],
        "Emergency shelter of the JWCTU, phone counselling, help with visa, divorce and housing.",
        prefectures=["13"],
        eligibility_note="Women and their children, any nationality or status; admission usually through a "
        "welfare office; stay in principle two weeks.",
    ),
    Entry(
        "女性の家サーラー", OrganisationType.NGO, "女性の家サーラー", "Women's House SAALAA",
        ["shelter", "consultation", "legal", "hotline", "return"], ["female"], FOREIGN, ["th", "fil"],
        "Shelter founded in 1992 after a Thai trafficking rescue: meals, counselling, legal consultation, "
        "hotline, help to return home or resettle. Help in the women's own language.",
        prefectures=["14"], exploitation=["sexual", "labour", "domestic", "marriage", "pornography", "other"],
        eligibility_note="Foreign women who are victims of trafficking or spousal violence.",
    ),
    Entry(
        "かながわ・女のスペース みずら", OrganisationType.NGO, "かながわ・女のスペース みずら", "Mizura (Kanagawa Women's Space)",
        ["consultation", "shelter"], ["female"], ALL_STATUSES, ["ja"],
        "Counselling room and shelters for women.", prefectures=["14"],
    ),
    Entry(
        "カラカサン", OrganisationType.NGO, "カラカサン〜移住女性のためのエンパワメントセンター", "Kalakasan",
        ["consultation", "residence", "child"], ["female"], FOREIGN, ["fil"],
        "Empowerment centre for migrant women and their children: violence at home, residence status, "
        "children, self-help groups.", prefectures=["14"], phone="044-511-1562",
        eligibility_note="Migrant women and their children.", source=REF + "; phone per Kanagawa Shimbun 2021",
    ),
    Entry(
        "CCW Counselling Center for Women", OrganisationType.NGO, "CCW Counselling Center for Women",
        "CCW Counselling Center for Women", ["consultation", "hotline"], ["female"], FOREIGN, [],
        "Anonymous and free phone counselling in several languages (which ones: to verify).",
        nationwide=True, cost=Cost.FREE, eligibility_note="Foreign women. Area and languages to verify.",
    ),
    Entry(
        "ライトハウス", OrganisationType.NGO, "ライトハウス", "Lighthouse (formerly Polaris Project Japan)",
        ["hotline", "consultation"], ALL_SEXES, ALL_STATUSES, [],
        "Trafficking hotline (mainly sexual exploitation), casework and training; based in Tokyo, "
        "reaching the whole country.", nationwide=True, exploitation=[],
        eligibility_note="Any nationality, sex or age.",
    ),
    Entry(
        "IOM Japan", OrganisationType.INTERNATIONAL, "IOM駐日事務所", "IOM Japan",
        ["return", "consultation"], ALL_SEXES, FOREIGN, [],
        "International Organization for Migration: interviews with the immigration agency, help to return "
        "home safely and to rebuild life in the home country (funded by the Government of Japan).",
        nationwide=True, cost=Cost.FREE, eligibility_note="Foreign victims who want to return home.",
    ),
    Entry(
        "法テラス", OrganisationType.LEGAL_SERVICE, "法テラス（日本司法支援センター）", "Houterasu (Japan Legal Support Center)",
        ["legal", "consultation"], ALL_SEXES, ["japanese", "regular"],
        ["ja", "ja-easy", "en", "zh", "ko", "es", "pt", "vi", "fil", "ne", "th", "id"],
        "Legal information for anyone in Japan; free legal consultation and loans for lawyers' fees. "
        "61 district offices.", nationwide=True, phone="0570-078377", cost=Cost.LOW,
        eligibility_note="Legal aid needs an address in Japan, a regular residence status and a low income; "
        "people without a valid status get information only.",
        source=REF + "; houterasu.or.jp/multilingual",
    ),
    Entry(
        "外国人技能実習機構", OrganisationType.CENTRAL_GOV, "外国人技能実習機構（OTIT）", "OTIT (Organization for Technical Intern Training)",
        ["hotline", "labour", "consultation"], ALL_SEXES, ["trainee"], ["vi", "zh", "fil", "id", "th", "my", "mn", "km", "en"],
        "Mother-tongue hotline for technical interns; the SOS line leads to temporary protection and a "
        "spot inspection; help to change employer.", nationwide=True, cost=Cost.FREE,
        exploitation=["labour"], eligibility_note="Technical intern trainees.",
    ),
    Entry(
        "外国人在留支援センター", OrganisationType.IMMIGRATION, "外国人在留支援センター（FRESC）", "FRESC (Foreign Residents Support Center)",
        ["residence", "labour", "legal", "consultation"], ALL_SEXES, FOREIGN, [],
        "One-stop centre: immigration, human rights, legal support, labour and employment desks; "
        "11 languages by video interpretation (which ones: to verify).",
        prefectures=["13"], phone="0570-011000", hours="Weekdays 9:00-17:00", cost=Cost.FREE,
        source=REF + "; phone numbers per a 2020 source (also 03-5363-3013)",
    ),
    Entry(
        "労働基準監督署", OrganisationType.LABOUR_INSPECTION, "労働基準監督署・都道府県労働局", "Labour Standards Inspection Offices",
        ["labour", "consultation"], ALL_SEXES, ALL_STATUSES, ["ja"],
        "Labour-law enforcement in every prefecture; also asked to spot trafficking victims. Some offices "
        "have a desk for foreign workers.", prefectures=list(CODES), cost=Cost.FREE, exploitation=["labour"],
        eligibility_note="Any worker, whatever the nationality.",
    ),
    Entry(
        "法務局 人権擁護部", OrganisationType.CENTRAL_GOV, "法務局 人権擁護部", "Legal Affairs Bureaus, Human Rights Department",
        ["consultation", "shelter"], ALL_SEXES, ALL_STATUSES, ["ja"],
        "Since October 2015, emergency lodging for trafficking victims, men included.",
        nationwide=True, cost=Cost.FREE, eligibility_note="Any victim; the only verified lodging open to men.",
    ),
    Entry(
        "性犯罪・性暴力被害者のためのワンストップ支援センター", OrganisationType.LOCAL_GOV,
        "性犯罪・性暴力被害者のためのワンストップ支援センター", "One-Stop Support Centres for victims of sexual violence",
        ["consultation", "legal", "medical"], ALL_SEXES, ALL_STATUSES, ["ja"],
        "Consultation after sexual violence, including cancelling adult-video contracts and stopping "
        "distribution.", prefectures=list(CODES), phone="#8891", cost=Cost.FREE,
        exploitation=["sexual", "pornography"], eligibility_note="Any sex or age.",
        source=REF + "; #8891 per city.koshigaya.saitama.jp",
    ),
    Entry(
        "警察庁 匿名通報ダイヤル", OrganisationType.CENTRAL_GOV, "匿名通報ダイヤル", "Anonymous Reporting Dial (National Police Agency)",
        ["hotline"], ALL_SEXES, ALL_STATUSES, ["ja"],
        "Report trafficking and other crimes anonymously; a reward is possible when a tip leads to "
        "protection of a victim. Also a web form.", nationwide=True, phone="0120-924-839", cost=Cost.FREE,
        hours="Weekdays 9:30-18:15 (reported 2009; to verify)", source="japan.md §2",
    ),
    Entry(
        "出入国在留管理庁 外国人在留総合インフォメーションセンター", OrganisationType.IMMIGRATION,
        "外国人在留総合インフォメーションセンター", "Immigration Services Agency Information Center",
        ["residence"], ALL_SEXES, FOREIGN, [],
        "Information on residence status in 17 languages (since July 2021; which ones: to verify).",
        nationwide=True, phone="0570-013904", cost=Cost.FREE, source="japan.md §3",
    ),
    Entry(
        "厚生労働省 労働条件相談ほっとライン", OrganisationType.CENTRAL_GOV, "労働条件相談ほっとライン",
        "Labour Conditions Hotline (Ministry of Health, Labour and Welfare)", ["labour", "hotline"], ALL_SEXES,
        ALL_STATUSES, ["ja", "en", "zh", "pt", "es", "fil", "vi", "my", "ne"],
        "Free phone advice on working conditions, on weekday evenings and at weekends.",
        nationwide=True, cost=Cost.FREE, exploitation=["labour"], source="japan.md §3 (languages as of 2019)",
    ),
]

DEMO: list[Entry] = [
    Entry(
        "Demo Migrant Support NGO", OrganisationType.NGO, "Demo: migrant workers' consultation",
        "Demo: migrant workers' consultation", ["consultation", "labour", "interpretation"], ALL_SEXES,
        FOREIGN, ["ja", "vi", "en", "id"], "Invented demo entry: consultation for migrant workers.",
        prefectures=["23"], phone="000-0000-0000", hours="Demo hours", cost=Cost.FREE, source="demo",
    ),
    Entry(
        "Demo Migrant Support NGO", OrganisationType.NGO, "Demo: women's shelter", "Demo: women's shelter",
        ["shelter"], ["female"], ALL_STATUSES, ["ja", "vi", "th"], "Invented demo entry: a small shelter.",
        prefectures=["23", "21", "24"], cost=Cost.FREE, beds_total=8, beds_free=3, source="demo",
    ),
    Entry(
        "Demo Legal Aid Office", OrganisationType.LEGAL_SERVICE, "Demo: legal aid desk", "Demo: legal aid desk",
        ["legal", "residence"], ALL_SEXES, ALL_STATUSES, ["ja", "en", "th", "es", "pt"],
        "Invented demo entry: lawyers for victims, any status.", prefectures=["27", "13"], cost=Cost.FREE, source="demo",
    ),
    Entry(
        "Demo Shelter for Men", OrganisationType.NGO, "Demo: shelter for men", "Demo: shelter for men",
        ["shelter"], ["male"], ALL_STATUSES, ["ja", "vi", "en"], "Invented demo entry: a shelter that takes men.",
        prefectures=["22"], cost=Cost.FREE, beds_total=6, beds_free=2, source="demo",
    ),
    Entry(
        "Demo IOM Office", OrganisationType.INTERNATIONAL, "Demo: return and reintegration (IOM)",
        "Demo: return and reintegration (IOM)", ["return", "consultation"], ALL_SEXES, FOREIGN,
        ["en", "vi", "fil", "id", "th"], "Invented demo entry: assisted voluntary return and reintegration.",
        nationwide=True, cost=Cost.FREE, source="demo",
    ),
]


def entry_texts(entry: Entry) -> dict[str, dict[str, str]]:
    """The entry's texts by language: English from the entry, the others from seed_texts."""
    from tipnet.web.directory.seed_texts import TRANSLATIONS

    texts: dict[str, dict[str, str]] = {
        "en": {kind: value for kind, value in
               {"name": entry.name_en, "hours": entry.hours, "description": entry.description_en}.items() if value}
    }
    for language, entry_text in TRANSLATIONS.get(entry.name, {}).items():
        texts.setdefault(language, {}).update({kind: value for kind, value in entry_text.items() if value})
    return {language: text for language, text in texts.items() if text}


def _organisation(name: str, org_type: str, *, demo: bool) -> Organisation:
    organisation, _created = Organisation.objects.get_or_create(name=name, defaults={"type": org_type, "is_demo": demo})
    return organisation


def _create(entry: Entry, *, demo: bool) -> bool:
    organisation = _organisation(entry.organisation, entry.org_type, demo=demo)
    if Service.objects.filter(organisation=organisation, name=entry.name).exists():
        return False
    from django.utils import timezone

    service = Service(
        organisation=organisation, name=entry.name, texts=entry_texts(entry),
        kinds=entry.kinds, sexes=entry.sexes, residence=entry.residence, languages=entry.languages,
        exploitation=entry.exploitation, eligibility_note=entry.eligibility_note, nationwide=entry.nationwide,
        prefectures=entry.prefectures, phone=entry.phone, website=entry.website, cost=entry.cost,
        age_min=entry.age_min, age_max=entry.age_max, source=entry.source, verification=Verification.TO_VERIFY,
        is_demo=demo, beds_total=entry.beds_total, beds_free=entry.beds_free,
        capacity_updated_at=timezone.now() if entry.beds_total is not None else None,
    )
    service.full_clean()
    service.save()
    return True


@transaction.atomic
def directory_seed(*, demo: bool | None = None) -> int:
    """Load the real providers (and the demo entries in demo mode); return how many were added."""
    demo = settings.TIPNET_MODE == "demo" if demo is None else demo
    added = sum(_create(entry, demo=False) for entry in REAL)
    if demo:
        added += sum(_create(entry, demo=True) for entry in DEMO)
    if added:
        audit_record(actor=None, action="directory.seeded", target_type="service", details={"added": added, "demo": demo})
    return added
