"""Staff side of the directory: who edits what, free capacity, verification, CSV, gaps; all audited."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tipnet.web.accounts.models import AuditEvent
from tipnet.web.accounts.roles import Role
from tipnet.web.directory.csv_io import COLUMNS, CsvImportError, parse_csv, services_to_csv
from tipnet.web.directory.models import Service
from tipnet.web.directory.seed import directory_seed
from tipnet.web.directory.selectors import directory_gaps
from tipnet.web.directory.services import DirectoryError, service_capacity_update


def make_service(organisation, **fields) -> Service:  # type: ignore[no-untyped-def]
    values = {
        "name": "Shelter A", "kinds": ["shelter"], "sexes": ["female"], "residence": ["regular", "irregular"],
        "languages": ["en", "vi"], "prefectures": ["23"], "beds_total": 10, "beds_free": 2,
    }
    values.update(fields)
    service = Service(organisation=organisation, **values)
    service.full_clean()
    service.save()
    return service


@pytest.fixture
def own(organisations) -> Service:  # type: ignore[no-untyped-def]
    return make_service(organisations["ngo"])


@pytest.fixture
def foreign(organisations) -> Service:  # type: ignore[no-untyped-def]
    return make_service(organisations["other"], name="Other shelter")


def test_org_admin_edits_only_own_services(staff, own, foreign, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff[Role.ORG_ADMIN])
    listing = client.get("/en/staff/directory/").content.decode()
    assert "Shelter A" in listing and "Other shelter" not in listing
    assert client.get(f"/en/staff/directory/{foreign.pk}/").status_code == 404
    assert client.post(f"/en/staff/directory/{foreign.pk}/capacity/", {"beds_free": 1}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.beds_free == 2


def test_missing_and_forbidden_service_look_the_same(staff, foreign, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff[Role.ORG_ADMIN])
    forbidden = client.get(f"/en/staff/directory/{foreign.pk}/")
    missing = client.get("/en/staff/directory/987654/")
    assert forbidden.status_code == missing.status_code == 404


def test_network_admin_edits_any_service_audited(staff, foreign, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff[Role.NETWORK_ADMIN])
    page = client.get(f"/en/staff/directory/{foreign.pk}/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list | dict)}
    data.update({
        "kinds": ["shelter", "consultation"], "sexes": ["female", "male"], "residence": ["regular"],
        "languages": ["en"], "prefectures": ["23", "21"], "cost": "free", "name": "Other shelter", "is_published": "on",
        "description_en": "A shelter.", "beds_total": "10", "beds_free": "2",
    })
    data.pop("nationwide", None)
    response = client.post(f"/en/staff/directory/{foreign.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    foreign.refresh_from_db()
    assert foreign.sexes == ["female", "male"] and foreign.prefectures == ["23", "21"]
    assert foreign.texts == {"en": {"description": "A shelter."}}
    event = AuditEvent.objects.filter(action="directory.service_updated").last()
    assert event.target_id == str(foreign.pk) and "sexes" in event.details["fields"]


def test_org_admin_adds_a_service_for_own_organisation(staff, organisations, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff[Role.ORG_ADMIN])
    response = client.post("/en/staff/directory/new/", {
        "name": "New hotline", "kinds": ["hotline"], "sexes": ["female", "male", "other"], "residence": ["regular"],
        "languages": ["th"], "nationwide": "on", "cost": "free", "is_published": "on",
        "organisation": str(organisations["other"].pk),  # not theirs: ignored, their only organisation is used
    })
    assert response.status_code == 302
    service = Service.objects.get(name="New hotline")
    assert service.organisation == organisations["ngo"]
    assert AuditEvent.objects.filter(action="directory.service_created", target_id=str(service.pk)).exists()


def test_invalid_service_is_refused_with_reason(staff, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff[Role.ORG_ADMIN])
    response = client.post("/en/staff/directory/new/", {
        "name": "Nowhere", "kinds": ["hotline"], "sexes": ["male"], "residence": ["regular"], "cost": "free",
        "beds_total": "2", "beds_free": "5",
    })
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose the prefectures, or mark the service nationwide." in body
    assert not Service.objects.filter(name="Nowhere").exists()


@pytest.mark.parametrize(("value", "ok"), [(0, True), (10, True), (-1, False), (11, False)])
def test_free_capacity_bounds(staff, own, client_for, value, ok) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff[Role.ORG_ADMIN])
    before = AuditEvent.objects.filter(action="directory.capacity_updated").count()
    response = client.post(f"/en/staff/directory/{own.pk}/capacity/", {"beds_free": value})
    own.refresh_from_db()
    after = AuditEvent.objects.filter(action="directory.capacity_updated").count()
    if ok:
        assert response.status_code == 302 and own.beds_free == value and after == before + 1
        assert own.capacity_updated_at is not None
    else:
        assert response.status_code == 400 and own.beds_free == 2 and after == before
        assert "below zero" in response.content.decode() or "more than the 10 beds" in response.content.decode()


def test_capacity_without_beds_is_refused(staff, organisations) -> None:  # type: ignore[no-untyped-def]
    service = make_service(organisations["ngo"], beds_total=None, beds_free=None)
    with pytest.raises(DirectoryError):
        service_capacity_update(actor=staff[Role.ORG_ADMIN], service=service, beds_free=1)


def test_database_refuses_free_beds_above_total(own) -> None:  # type: ignore[no-untyped-def]
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.filter(pk=own.pk).update(beds_free=11)


def test_verify_sets_date_and_audits(staff, own, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(staff[Role.ORG_ADMIN])
    assert client.get(f"/en/staff/directory/{own.pk}/verify/").status_code == 200
    assert client.post(f"/en/staff/directory/{own.pk}/verify/").status_code == 302
    own.refresh_from_db()
    assert own.verification == "verified" and own.verified_on is not None
    assert AuditEvent.objects.filter(action="directory.service_verified", target_id=str(own.pk)).exists()


# --- CSV ----------------------------------------------------------------------------------------------


def _csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def _row(**fields: str) -> dict[str, str]:
    row = {
        "organisation": "Test NGO", "name": "CSV shelter", "kinds": "shelter;consultation", "sexes": "male",
        "residence": "regular;irregular", "languages": "vi;en", "nationwide": "no", "prefectures": "Aichi;21",
        "beds_total": "4", "beds_free": "1", "cost": "free", "description_en": "From CSV",
    }
    row.update(fields)
    return row


def test_export_then_import_round_trip(organisations, own) -> None:  # type: ignore[no-untyped-def]
    text = services_to_csv([own])
    parsed = parse_csv(text)
    assert len(parsed) == 1 and parsed[0].pk == own.pk
    assert parsed[0].prefectures == ["23"] and parsed[0].languages == ["en", "vi"]


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(staff, organisations, client_for) -> None:  # type: ignore[no-untyped-def]
    text = _csv([
        _row(name="Good one"),
        _row(name="Bad prefecture", prefectures="Atlantis"),
        _row(name="Too many free", beds_free="9"),
        _row(name="Bad kind", kinds="spa"),
        _row(name="Unknown org", organisation="Nobody"),
        _row(name="Negative", beds_total="-2", beds_free=""),
    ])
    client = client_for(staff[Role.NETWORK_ADMIN])
    upload = SimpleUploadedFile("directory.csv", text.encode(), content_type="text/csv")
    response = client.post("/en/staff/directory/import/", {"file": upload})
    assert response.status_code == 400
    problems = response.context["problems"]
    assert problems[0].startswith("line 3: prefectures: unknown prefecture Atlantis")
    assert problems[1].startswith("line 4: beds_free: Free beds cannot be more than the 4 beds.")
    assert problems[2].startswith("line 5: kinds: Unknown code: spa")
    assert problems[3].startswith("line 6: organisation: unknown organisation Nobody")
    assert problems[4].startswith("line 7: beds_total: cannot be below zero")
    assert not Service.objects.filter(name="Good one").exists()
    assert not AuditEvent.objects.filter(action="directory.imported").exists()


def test_good_file_imports_and_audits(staff, organisations, client_for, own) -> None:  # type: ignore[no-untyped-def]
    text = _csv([_row(), _row(id=str(own.pk), name="Shelter A renamed", organisation="Test NGO")])
    client = client_for(staff[Role.NETWORK_ADMIN])
    response = client.post("/en/staff/directory/import/", {"file": SimpleUploadedFile("d.csv", text.encode())})
    assert response.status_code == 302
    created = Service.objects.get(name="CSV shelter")
    assert created.prefectures == ["23", "21"] and created.texts == {"en": {"description": "From CSV"}}
    own.refresh_from_db()
    assert own.name == "Shelter A renamed"
    event = AuditEvent.objects.get(action="directory.imported")
    assert event.details == {"created": 1, "updated": 1}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty."),
        ("name,colour\nx,red\n", "line 1: unknown column: colour"),
        ("organisation,name\nTest NGO,x\n", "line 1: missing column"),
    ],
)
def test_bad_header(organisations, text, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CsvImportError) as failure:
        parse_csv(text)
    assert message in failure.value.problems[0]


def test_duplicate_ids_in_one_file(organisations, own) -> None:  # type: ignore[no-untyped-def]
    text = _csv([_row(id=str(own.pk)), _row(id=str(own.pk))])
    with pytest.raises(CsvImportError) as failure:
        parse_csv(text)
    assert failure.value.problems == [f"line 3: id {own.pk} is also on line 2"]


def test_export_is_audited_and_network_admin_only(staff, own, client_for) -> None:  # type: ignore[no-untyped-def]
    assert client_for(staff[Role.ORG_ADMIN]).get("/en/staff/directory/export.csv").status_code == 404
    response = client_for(staff[Role.NETWORK_ADMIN]).get("/en/staff/directory/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "Shelter A" in response.content.decode()
    assert AuditEvent.objects.filter(action="export", target_type="directory").exists()


# --- gaps -------------------------------------------------------------------------------------------


def test_gap_view_shows_no_shelter_for_men(db, staff, client_for) -> None:  # type: ignore[no-untyped-def]
    directory_seed(demo=False)
    table = directory_gaps(kinds=["shelter"])
    osaka = table.cell("27", "shelter", "male")
    assert osaka.local == 0 and osaka.nationwide >= 1  # only the nationwide lodging
    assert table.cell("27", "shelter", "female").local >= 1  # Women's Consultation and Support Centre
    response = client_for(staff[Role.COORDINATOR]).get("/en/staff/directory/gaps/", {"need": "shelter"})
    assert response.status_code == 200
    assert "No shelter for men and boys in Osaka (nationwide services: 1)." in response.content.decode()
    assert client_for(staff[Role.ORG_ADMIN]).get("/en/staff/directory/gaps/").status_code == 404
