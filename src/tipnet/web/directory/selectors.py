"""Reads for the directory: search, one service, the staff lists and the gap view."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tipnet.web.accounts.access import organisations_where, user_has_role
from tipnet.web.accounts.models import User
from tipnet.web.accounts.roles import Role
from tipnet.web.directory.models import Kind, Service, Sex
from tipnet.web.directory.prefectures import PREFECTURES, Prefecture


def _has(field_name: str, code: str) -> Q:
    """A JSON list field holds ``code``. Codes come from closed vocabularies and contain no quote,
    so a match on the quoted code in the list's JSON text is exact on SQLite and PostgreSQL."""
    return Q(**{f"{field_name}__icontains": json.dumps(code)})


@dataclass(frozen=True)
class SearchFilters:
    kind: str = ""
    language: str = ""
    prefecture: Prefecture | None = None
    sex: str = ""
    age: int | None = None

    @property
    def empty(self) -> bool:
        return not (self.kind or self.language or self.prefecture or self.sex or self.age is not None)


def published_services() -> QuerySet[Service]:
    return Service.objects.filter(is_published=True).select_related("organisation")


def service_search(filters: SearchFilters, *, with_language: bool = True) -> list[Service]:
    """Published services that fit; local ones (in the prefecture) before nationwide ones."""
    query = published_services()
    if filters.kind:
        query = query.filter(_has("kinds", filters.kind))
    if filters.language and with_language:
        query = query.filter(_has("languages", filters.language))
    if filters.sex:
        query = query.filter(_has("sexes", filters.sex))
    if filters.age is not None:
        query = query.filter(Q(age_min__isnull=True) | Q(age_min__lte=filters.age))
        query = query.filter(Q(age_max__isnull=True) | Q(age_max__gte=filters.age))
    if filters.prefecture is not None:
        query = query.filter(Q(nationwide=True) | _has("prefectures", filters.prefecture.code))
    services = list(query)
    code = filters.prefecture.code if filters.prefecture else None

    def order(service: Service) -> tuple[int, int, int, str]:
        local = 0 if code and code in service.prefectures else 1
        verified = 0 if service.verification == "verified" else 1
        return (local, service.is_demo, verified, service.display_name())

    services.sort(key=order)
    return services


# Stable codes of the search notices (services.json "notices"; docs/directory.md).
NO_PUBLIC_SHELTER_FOR_MEN = "no_public_shelter_for_men"
NO_SERVICE_FITS = "no_service_fits"
LANGUAGE_NEAR_MISSES = "language_near_misses"


@dataclass(frozen=True)
class Notice:
    """A message the search shows above or instead of its results; the same on the page and in
    services.json, where partners' sites key on the stable ``code``."""

    code: str
    text: str
    title: str = ""  # a heading over the services the notice is about, if the page has one


@dataclass
class SearchOutcome:
    results: list[Service]
    # Services that fit except for the language ("ask for an interpreter"), when none fits in full.
    near_misses: list[Service]
    notices: list[Notice]


def search_outcome(filters: SearchFilters) -> SearchOutcome:
    """The search and what to tell the person about it; one place for the page and the JSON."""
    results = service_search(filters)
    near_misses = service_search(filters, with_language=False) if not results and filters.language else []
    notices = []
    men_shelter = filters.kind == Kind.SHELTER and filters.sex == Sex.MALE
    if men_shelter and not any(
        filters.prefecture and filters.prefecture.code in s.prefectures for s in results + near_misses
    ):
        # The same msgid as the page (directory/search.html), where 110 is a tap-to-call link.
        notices.append(Notice(NO_PUBLIC_SHELTER_FOR_MEN, _(
            "There is no public shelter for men in Japan. The Legal Affairs Bureau can arrange emergency lodging "
            "for male victims, and some organisations help: call one of the services below or the police (%(number)s)."
        ) % {"number": "110"}))
    if not results:
        notices.append(Notice(NO_SERVICE_FITS, _("No service fits all your choices.")))
    if near_misses:
        notices.append(Notice(
            LANGUAGE_NEAR_MISSES, _("You can ask them for an interpreter."),
            title=_("Services that fit but may not speak your language"),
        ))
    return SearchOutcome(results, near_misses, notices)



def service_public(*, service_id: int) -> Service | None:
    return published_services().filter(pk=service_id).first()


def services_editable(*, user: User) -> QuerySet[Service]:
    """Network admins edit every service; organisation admins their own organisations' services."""
    query = Service.objects.select_related("organisation").order_by("organisation__name", "name")
    if user_has_role(user, Role.NETWORK_ADMIN):
        return query
    return query.filter(organisation__in=organisations_where(user, Role.ORG_ADMIN))


# --- gap view -------------------------------------------------------------------------------------


@dataclass
class GapCell:
    local: int = 0
    nationwide: int = 0

    @property
    def gap(self) -> bool:
        return self.local == 0


@dataclass
class GapTable:
    kinds: list[str]
    sexes: list[str]
    # (prefecture code, kind, sex) -> counts
    cells: dict[tuple[str, str, str], GapCell] = field(default_factory=dict)

    def cell(self, code: str, kind: str, sex: str) -> GapCell:
        return self.cells.get((code, kind, sex), GapCell())

    def gaps(self) -> list[tuple[Prefecture, str, str, int]]:
        """(prefecture, kind, sex, nationwide count) for every combination with no local service."""
        return [
            (p, kind, sex, self.cell(p.code, kind, sex).nationwide)
            for kind in self.kinds
            for sex in self.sexes
            for p in PREFECTURES
            if self.cell(p.code, kind, sex).gap
        ]


def directory_gaps(*, kinds: list[str] | None = None, include_demo: bool = False) -> GapTable:
    """For each prefecture, kind of help and sex: how many services are based there, and how many
    nationwide services cover it. A nationwide hotline is not a shelter in Osaka, so a gap is a
    combination with no local service, whatever the nationwide count."""
    kinds = kinds or list(Kind.values)
    table = GapTable(kinds=kinds, sexes=list(Sex.values))
    query = Service.objects.filter(is_published=True)
    if not include_demo:
        query = query.filter(is_demo=False)
    rows = query.values_list("kinds", "sexes", "nationwide", "prefectures")
    nationwide: dict[tuple[str, str], int] = {}
    for service_kinds, sexes, is_nationwide, codes in rows:
        for kind in service_kinds:
            if kind not in kinds:
                continue
            for sex in sexes:
                if is_nationwide:
                    nationwide[(kind, sex)] = nationwide.get((kind, sex), 0) + 1
                for code in codes:
                    table.cells.setdefault((code, kind, sex), GapCell()).local += 1
    for p in PREFECTURES:
        for (kind, sex), count in nationwide.items():
            table.cells.setdefault((p.code, kind, sex), GapCell()).nationwide = count
    return table


def free_shelter_beds_by_sex() -> dict[str, int]:
    """Free beds in published shelters, by the sex they accept (a shelter for everyone counts for
    each): the directory's own bed counts, one query, for the organisations' dashboards."""
    totals = {sex: 0 for sex in Sex.values}
    rows = (Service.objects.filter(is_published=True, beds_free__isnull=False).filter(_has("kinds", Kind.SHELTER))
            .values_list("sexes", "beds_free"))
    for sexes, free in rows:
        for sex in sexes:
            if sex in totals:
                totals[sex] += free
    return totals
