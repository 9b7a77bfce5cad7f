"""Documents on a case: a passport copy, a contract, a medical note.

The reporting line's checks are reused (``report.attachments``): the same size limit per file,
images recognised from their contents (never the name or the browser's type) and re-encoded from
their pixels, which drops EXIF, GPS and device data. Besides images only PDFs are accepted,
recognised by their first bytes (``%PDF-``) and kept as given. Uploads stay in memory (the only
upload handler is Django's ``MemoryFileUploadHandler``) and are sealed before they reach the
database: the file under one per-record key, its description (title, type, size) under another,
both sealed to the organisation's public key, exactly like the case content. Nothing is written
to disk.

Access follows the case's sections (``access.DOCUMENT_SECTIONS``): a health document opens only for
those who see the health section. Every opening of a file is audited (``record.read`` on the case,
with the document's id).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from tipnet.core import crypto
from tipnet.web.accounts.audit import Action, audit_record
from tipnet.web.accounts.models import User
from tipnet.web.cases.access import document_sections
from tipnet.web.cases.models import Case, CaseDocument
from tipnet.web.cases.sealing import ContentError, content_open, content_seal
from tipnet.web.cases.services import (
    CaseError,
    CaseUnreadable,
    OrganisationKeys,
    _public_key,
    case_lock_writable,
    organisation_private,
)
from tipnet.web.report.attachments import MAX_FILE_BYTES, AttachmentError, clean_attachment

PDF_MAGIC = b"%PDF-"
MAX_TITLE = 200
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


@dataclass(frozen=True)
class DocumentFile:
    """A document's description and, when opened, its bytes (in memory only)."""

    document: CaseDocument
    title: str
    content_type: str
    size: int
    data: bytes = b""

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.content_type, "bin")


def upload_too_large(*, content_type: str, content_length: str) -> bool:
    """Whether Django dropped the request's files without a word: the memory upload handler takes
    no file at all from a multipart request over FILE_UPLOAD_MAX_MEMORY_SIZE (the same check as
    the reporting line's form)."""
    length = str(content_length or "0")
    return (content_type == "multipart/form-data" and length.isdigit()
            and int(length) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE)


def document_clean(*, data: bytes) -> tuple[bytes, str, str]:
    """(bytes to store, content type, kind) for an uploaded file, or CaseError saying why not.

    Images: re-encoded by ``report.attachments.clean_attachment`` (JPEG or PNG, no metadata).
    PDFs: kept as given (the form says that a PDF keeps its author and software metadata)."""
    if not data:
        raise CaseError(_("Choose a file."))
    try:
        clean = clean_attachment(data=data, keep_as_given=True)
    except AttachmentError as error:
        raise CaseError(str(error)) from error
    if clean.kind == "image":
        return clean.data, clean.content_type, "image"
    if data.startswith(PDF_MAGIC):
        return data, "application/pdf", "pdf"
    raise CaseError(_("Only photos or scans (JPEG, PNG, HEIC, WebP, TIFF, GIF, BMP) and PDF files can be attached."))


@transaction.atomic
def document_add(*, actor: User, case: Case, section: str, title: str, data: bytes) -> CaseDocument:
    """Attach a file to ``case`` (access to the case already checked). Writing needs only the
    organisation's public key. Refused, storing nothing, for a section the actor cannot see, an
    empty title, or a file that is too large or of a refused kind, or once the case is erased."""
    case_lock_writable(case_id=case.pk)
    if section not in CaseDocument.Section.values:
        raise CaseError(_("Choose the section the document belongs to."))
    if section not in document_sections(user=actor, case=case):
        raise CaseError(_("You cannot add a document to a section you cannot see."))
    title = (title or "").strip()
    if not title:
        raise CaseError(_("Say what the document is (for example: passport copy)."))
    if len(title) > MAX_TITLE:
        raise CaseError(_("A title is at most %(max)s characters.") % {"max": MAX_TITLE})
    if len(data) > MAX_FILE_BYTES:
        raise CaseError(_("A file is larger than %(max)s MB.") % {"max": MAX_FILE_BYTES // (1024 * 1024)})
    stored, content_type, kind = document_clean(data=data)
    public_key = _public_key(case.organisation)
    document = CaseDocument(case=case, section=section, added_by=actor)
    document.sealed_key, document.ciphertext = content_seal(public_key=public_key, content={
        "title": title, "type": content_type, "kind": kind, "size": len(stored)})
    document.file_key, document.file_ciphertext = crypto.record_seal(public_key, stored)
    document.save()
    audit_record(actor=actor, action=Action.CASE_DOCUMENT_ADDED, organisation=case.organisation, target_type="case",
                 target_id=case.pk, details={"document": document.pk, "section": section})
    return document


def _describe(document: CaseDocument, org_private: bytes) -> dict[str, Any]:
    try:
        return content_open(private_key=org_private, sealed_key=bytes(document.sealed_key),
                            ciphertext=bytes(document.ciphertext))
    except ContentError as error:
        raise CaseUnreadable(_(
            "This document cannot be decrypted: its stored data was changed or damaged. "
            "Nothing of it is shown. Tell your organisation's admin."
        )) from error


def documents_list(*, user: User, case: Case, private_key: bytes | None, keys: OrganisationKeys | None = None,
                   allowed: frozenset[str] | None = None) -> tuple[list[DocumentFile], int]:
    """The documents of the sections the user sees (``allowed``, when the caller already worked
    them out), with their titles (part of the audited case read, like the timeline), and how many
    others are hidden by the section rules. Empty titles when the user's key is not unlocked in
    this session; a damaged description shows no title."""
    if allowed is None:
        allowed = document_sections(user=user, case=case)
    rows = list(case.documents.defer("file_ciphertext").select_related("added_by"))
    opened = keys if keys is not None else OrganisationKeys(user=user, private_key=private_key)
    org_private = opened.private(case.organisation)
    shown = []
    for document in rows:
        if document.section not in allowed:
            continue
        meta: dict[str, Any] = {}
        if org_private is not None:
            try:
                meta = _describe(document, org_private)
            except CaseUnreadable:
                meta = {}
        shown.append(DocumentFile(document=document, title=str(meta.get("title", "")),
                                  content_type=str(meta.get("type", "")), size=int(meta.get("size", 0) or 0)))
    return shown, len(rows) - len(shown)


def document_open(*, actor: User, document: CaseDocument, private_key: bytes | None) -> DocumentFile:
    """The file, decrypted for ``actor`` (access already checked). Audited on every read; a read
    that fails decrypts nothing and is not counted as a read."""
    case = document.case
    org_private = organisation_private(user=actor, private_key=private_key, organisation=case.organisation)
    meta = _describe(document, org_private)
    stored = CaseDocument.objects.filter(pk=document.pk).values_list("file_key", "file_ciphertext").get()
    try:
        data = crypto.record_open(org_private, bytes(stored[0]), bytes(stored[1]))
    except crypto.DecryptionError as error:
        raise CaseUnreadable(_(
            "This document cannot be decrypted: its stored data was changed or damaged. "
            "Nothing of it is shown. Tell your organisation's admin."
        )) from error
    audit_record(actor=actor, action=Action.RECORD_READ, organisation=case.organisation, target_type="case",
                 target_id=case.pk, details={"document": document.pk, "section": document.section})
    return DocumentFile(document=document, title=str(meta.get("title", "")), content_type=str(meta.get("type", "")),
                        size=len(data), data=data)
