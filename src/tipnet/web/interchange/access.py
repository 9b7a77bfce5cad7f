"""Who may import and export cases. Missing and forbidden look the same: Http404.

- Import: a caseworker or case supervisor of the organisation (the people who open cases there);
  the imported cases are theirs to work on, like cases opened on the intake page.
- Export: a case supervisor of the organisation only. An export carries every section of every
  case, health and sexual history included, which a caseworker sees only on the cases she owns.
- A job (its status, its report) is seen by the case staff of its organisation.
- An export job, and its file, by the case supervisor who asked for it, no one else: the file is
  sealed to her key (models.py), and another supervisor of the same organisation gets a 404.
"""

from __future__ import annotations

from django.http import Http404

from tipnet.web.accounts.access import organisations_where
from tipnet.web.accounts.models import Organisation, User
from tipnet.web.accounts.roles import Role
from tipnet.web.cases.access import CASE_ROLES
from tipnet.web.interchange.models import ColumnMapping, ExportJob, ImportJob


def import_organisations(*, user: User) -> list[Organisation]:
    return organisations_where(user, *CASE_ROLES)


def export_organisations(*, user: User) -> list[Organisation]:
    return organisations_where(user, Role.CASE_SUPERVISOR)


def access_imports(*, user: User) -> None:
    if not import_organisations(user=user):
        raise Http404


def access_exports(*, user: User) -> None:
    if not export_organisations(user=user):
        raise Http404


def access_import_organisation(*, user: User, organisation_id: int) -> Organisation:
    for organisation in import_organisations(user=user):
        if organisation.pk == organisation_id:
            return organisation
    raise Http404


def access_export_organisation(*, user: User, organisation_id: int) -> Organisation:
    for organisation in export_organisations(user=user):
        if organisation.pk == organisation_id:
            return organisation
    raise Http404


def access_import_job(*, user: User, job_id: int) -> ImportJob:
    job = ImportJob.objects.filter(pk=job_id, organisation__in=import_organisations(user=user)).select_related(
        "organisation").first()
    if job is None:
        raise Http404
    return job


def access_mapping(*, user: User, mapping_id: int) -> ColumnMapping:
    found = ColumnMapping.objects.filter(pk=mapping_id, organisation__in=import_organisations(user=user)).first()
    if found is None:
        raise Http404
    return found


def access_export_job(*, user: User, export_id: int) -> ExportJob:
    job = ExportJob.objects.filter(pk=export_id, requested_by=user, organisation__in=export_organisations(user=user)) \
        .select_related("organisation").first()
    if job is None:
        raise Http404
    return job
