"""Writes for the directory: create and update services, free capacity, verification, CSV import
and export. Keyword-only arguments with the acting user first; one transaction; the audit row
written there (ids and field names only, never contents)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipnet.web.accounts.audit import Action, audit_record
from tipnet.web.accounts.models import Organisation, User
from tipnet.web.directory.models import Service, Verification

EDITABLE_FIELDS = (
    "name", "texts", "kinds", "sexes", "age_min", "age_max", "residence", "nationalities",
    "exploitation", "eligibility_note", "languages", "nationwide", "prefectures", "phone", "email", "line_id",
    "website", "cost", "beds_total", "beds_free", "source", "is_published",
)


class DirectoryError(Exception):
    """A user-facing failure; the message is already translated."""


def _messages(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in error.message_dict.items())
    return " ".join(error.messages)


def _save(service: Service, update_fields: list[str] | None = None) -> None:
    try:
        service.full_clean(exclude=["organisation"] if service.organisation_id else None)
    except ValidationError as error:
        raise DirectoryError(_messages(error)) from error
    service.save(update_fields=update_fields)


@transaction.atomic
def service_create(*, actor: User, organisation: Organisation, data: dict[str, Any]) -> Service:
    service = Service(organisation=organisation, **{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    if service.beds_total is not None:
        service.capacity_updated_at = timezone.now()
    _save(service)
    audit_record(
        actor=actor, action="directory.service_created", organisation=organisation, target_type="service",
        target_id=service.pk,
    )
    return service


@transaction.atomic
def service_update(*, actor: User, service: Service, data: dict[str, Any]) -> list[str]:
    """Change the given fields; return the names of those that changed (none: no audit row)."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    changed = []
    for name, value in data.items():
        if name in EDITABLE_FIELDS and getattr(service, name) != value:
            setattr(service, name, value)
            changed.append(name)
    if not changed:
        return []
    if {"beds_total", "beds_free"} & set(changed):
        service.capacity_updated_at = timezone.now()
        changed.append("capacity_updated_at")
    _save(service, update_fields=[*changed, "updated_at"])
    audit_record(
        actor=actor, action="directory.service_updated", organisation=service.organisation, target_type="service",
        target_id=service.pk, details={"fields": sorted(changed)},
    )
    return changed


@transaction.atomic
def service_capacity_update(*, actor: User, service: Service, beds_free: int) -> Service:
    """Record the free beds now. Never below zero, never above the beds the service has."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.beds_total is None:
        raise DirectoryError(_("This service has no beds recorded; set the number of beds first."))
    if beds_free < 0:
        raise DirectoryError(_("Free beds cannot be below zero."))
    if beds_free > service.beds_total:
        raise DirectoryError(
            _("Free beds cannot be more than the %(total)s beds of this service.") % {"total": service.beds_total}
        )
    service.beds_free = beds_free
    service.capacity_updated_at = timezone.now()
    service.save(update_fields=["beds_free", "capacity_updated_at", "updated_at"])
    audit_record(
        actor=actor, action="directory.capacity_updated", organisation=service.organisation, target_type="service",
        target_id=service.pk, details={"beds_free": beds_free},
    )
    return service


@transaction.atomic
def service_verify(*, actor: User, service: Service, on: date | None = None) -> Service:
    """Confirm that the entry was checked with the service today (or on ``on``)."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    service.verification = Verification.VERIFIED
    service.verified_on = on or timezone.localdate()
    service.save(update_fields=["verification", "verified_on", "updated_at"])
    audit_record(
        actor=actor, action="directory.service_verified", organisation=service.organisation, target_type="service",
        target_id=service.pk,
    )
    return service


def directory_export_csv(*, actor: User | None, services: list[Service]) -> str:
    from tipnet.web.directory.csv_io import services_to_csv

    with transaction.atomic():
        audit_record(actor=actor, action=Action.EXPORT, target_type="directory", details={"rows": len(services), "format": "csv"})
    return services_to_csv(services)


@transaction.atomic
def directory_import_csv(*, actor: User | None, text: str) -> dict[str, int]:
    """Import a whole file or nothing: every row is checked first; any bad row raises
    ``csv_io.CsvImportError`` listing each bad line and its reason, and nothing is saved."""
    from tipnet.web.directory.csv_io import parse_csv

    rows = parse_csv(text)
    created = updated = 0
    for service in rows:
        is_new = service.pk is None
        service.save()
        created += is_new
        updated += not is_new
    audit_record(
        actor=actor, action="directory.imported", target_type="directory",
        details={"created": created, "updated": updated},
    )
    return {"created": created, "updated": updated}
