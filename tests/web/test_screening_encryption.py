"""Saved screenings are encrypted to the organisation's key: nothing of their content in the database,
readable by members holding a share, shares passed on at a key-holder's sign-in and taken away at
offboarding, tampering refused clearly, and the data migration that encrypts plaintext rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.web.conftest import keyed_client, make_staff, signed_in_client, url
from tests.web.test_report_line import _database_text, sign_in  # the real two-step sign-in
from tests.web.test_screening_interview import TITP_PRESENT, content_of, interview_post
from tipnet.web.accounts import keys, orgkeys, services
from tipnet.web.accounts.models import (
    AuditEvent,
    Membership,
    OrganisationKey,
    OrganisationKeyShare,
    User,
)
from tipnet.web.accounts.roles import Role
from tipnet.web.screening.models import ScreeningRecord
from tipnet.web.screening.sealing import payload_open

PASSWORD = "correct horse battery 9"
REFERENCE = "KOBE-Nguyen-Thi-7731"
NOTE = "hiding at the Okazaki church shelter, room 4"
LOCKED = "Your access to your organisation&#x27;s records is not set up yet."



def secret_post(action: str = "save") -> dict[str, object]:
    data = interview_post(TITP_PRESENT, action=action)
    data["reference"] = REFERENCE
    data["note_W_SAFE_NOW"] = NOTE
    return data


@pytest.fixture
def caseworker(staff) -> User:  # type: ignore[no-untyped-def]
    return staff[Role.CASEWORKER]


@pytest.fixture
def saved(caseworker) -> ScreeningRecord:  # type: ignore[no-untyped-def]
    response = keyed_client(caseworker).post(url("screening:interview"), secret_post())
    assert response.status_code == 302
    return ScreeningRecord.objects.get()


def test_the_database_holds_no_fragment_of_a_saved_screening(caseworker, saved) -> None:  # type: ignore[no-untyped-def]
    dump = _database_text()
    for needle in (REFERENCE, "Nguyen", NOTE, "Okazaki", "DR_WAGES", "technical_intern", "harbouring",
                   "indicators met", "staying with"):
        assert needle not in dump, needle
    # What stays in clear is only what lists and access need.
    assert saved.status == "final" and saved.profile == "adult_labour" and saved.person_language == "vi"
    assert OrganisationKey.objects.filter(organisation=saved.organisation).exists()
    assert OrganisationKeyShare.objects.filter(organisation=saved.organisation, user=caseworker).exists()


def test_the_caseworker_reads_it_back_and_each_read_is_audited(caseworker, saved) -> None:  # type: ignore[no-untyped-def]
    client = keyed_client(caseworker)
    page = client.get(url("screening:record", saved.pk)).content.decode()
    assert REFERENCE in page and "Indicators of trafficking are met" in page
    edit = client.get(url("screening:record", saved.pk) + "?edit=1").content.decode()
    assert NOTE in edit and 'name="q_DR_WAGES" value="yes" checked' in edit
    assert REFERENCE in client.get(url("screening:start")).content.decode()
    assert AuditEvent.objects.filter(action="record.read", target_type="screening", target_id=str(saved.pk)).count() == 2


def test_without_a_key_in_the_session_the_page_explains_and_shows_nothing(caseworker, saved) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(caseworker)  # signed in, but the key was not unlocked in this session
    response = client.get(url("screening:record", saved.pk))
    body = response.content.decode()
    assert response.status_code == 200 and LOCKED in body
    assert REFERENCE not in body and "Indicators of trafficking" not in body
    start = client.get(url("screening:start")).content.decode()
    assert LOCKED in start and REFERENCE not in start and f"Screening {saved.pk}" in start
    assert not AuditEvent.objects.filter(action="record.read", target_id=str(saved.pk)).exists()


def test_a_colleague_onboarded_later_reads_after_a_key_holder_signs_in(staff, organisations, caseworker, saved) -> None:  # type: ignore[no-untyped-def]
    invite = services.user_invite(actor=staff[Role.ORG_ADMIN], organisation=organisations["ngo"], username="mai",
                                  display_name="Mai", role=Role.CASEWORKER)
    mai = services.user_onboard(token=invite.token, password=PASSWORD)
    TOTPDevice.objects.create(user=mai, name="test", confirmed=True)
    mai_client = keyed_client(mai)
    # The org admin holds no key of the NGO, so Mai waits for a key holder (issue 10, finding 2):
    # until then her role gives her nothing, and a key holder's sign-in shares nothing with her.
    membership = mai.memberships.get()
    assert membership.pending
    assert mai_client.get(url("screening:record", saved.pk)).status_code == 404
    orgkeys.organisation_shares_grant_pending(user=caseworker, private_key=keys.keyring_unlock(caseworker, password=PASSWORD))
    assert not OrganisationKeyShare.objects.filter(user=mai).exists()
    services.membership_confirm(actor=caseworker, membership=membership)
    locked = mai_client.get(url("screening:record", saved.pk))
    assert locked.status_code == 200 and LOCKED in locked.content.decode()
    assert REFERENCE not in locked.content.decode()
    # Mai's own sign-in cannot give her what she does not hold.
    sign_in(mai)
    assert not OrganisationKeyShare.objects.filter(user=mai).exists()
    # The caseworker signs in: her key is unlocked and Mai gets her share.
    sign_in(caseworker)
    assert OrganisationKeyShare.objects.filter(user=mai, organisation=organisations["ngo"]).exists()
    assert AuditEvent.objects.filter(action="key.shared", actor_id=caseworker.pk, target_id=str(mai.pk)).exists()
    page = mai_client.get(url("screening:record", saved.pk)).content.decode()
    assert REFERENCE in page and "Indicators of trafficking are met" in page


def test_membership_granted_by_a_key_holder_shares_at_once(staff, caseworker, organisations, saved) -> None:  # type: ignore[no-untyped-def]
    newcomer = make_staff("newcomer", organisations["other"], Role.CASEWORKER)
    keys.keyring_create_for(newcomer, password=PASSWORD)
    private_key = keys.keyring_unlock(caseworker, password=PASSWORD)
    # Caseworkers give no roles (grants.py); the NGO's admin, once she holds the key, does. Only a
    # role that reads sealed content holds it (roles.ORGANISATION_KEY_ROLES): she is a caseworker too.
    admin = staff[Role.ORG_ADMIN]
    Membership.objects.create(user=admin, organisation=organisations["ngo"], role=Role.CASEWORKER)
    keys.keyring_create_for(admin, password=PASSWORD)
    orgkeys.organisation_share_grant(actor=caseworker, private_key=private_key, organisation=organisations["ngo"], user=admin)
    services.membership_grant(actor=admin, user=newcomer, organisation=organisations["ngo"], role=Role.CASEWORKER,
                              actor_private_key=keys.keyring_unlock(admin, password=PASSWORD))
    assert OrganisationKeyShare.objects.filter(user=newcomer, organisation=organisations["ngo"]).exists()
    assert content_of(saved, newcomer)["reference"] == REFERENCE


def test_offboarding_and_ending_the_membership_remove_shares(staff, organisations, caseworker, saved) -> None:  # type: ignore[no-untyped-def]
    colleague = make_staff("colleague", organisations["ngo"], Role.CASEWORKER)
    keys.keyring_create_for(colleague, password=PASSWORD)
    orgkeys.organisation_shares_grant_pending(user=caseworker, private_key=keys.keyring_unlock(caseworker, password=PASSWORD))
    assert OrganisationKeyShare.objects.filter(user=colleague).exists()
    admin_client = signed_in_client(staff[Role.ORG_ADMIN])
    assert admin_client.post(url("accounts:user_offboard", colleague.pk), {"confirm": "yes"}).status_code == 200
    assert not OrganisationKeyShare.objects.filter(user=colleague).exists()
    assert AuditEvent.objects.filter(action="key.share_removed", target_id=str(colleague.pk)).exists()
    # The others keep reading.
    assert content_of(saved, caseworker)["reference"] == REFERENCE

    # Ending one of two roles keeps the share; ending the last one removes it.
    admin = staff[Role.ORG_ADMIN]
    second = services.membership_grant(actor=admin, user=caseworker, organisation=organisations["ngo"], role=Role.ORG_ADMIN)
    services.membership_revoke(actor=admin, membership=second)
    assert OrganisationKeyShare.objects.filter(user=caseworker).exists()
    services.membership_revoke(actor=admin, membership=caseworker.memberships.get())
    assert not OrganisationKeyShare.objects.filter(user=caseworker).exists()


def test_another_organisation_gets_the_same_404(organisations, saved) -> None:  # type: ignore[no-untyped-def]
    outsider = make_staff("outsider", organisations["other"], Role.CASEWORKER)
    client = keyed_client(outsider)
    assert client.get(url("screening:record", saved.pk)).status_code == 404
    assert client.get(url("screening:record", saved.pk + 1000)).status_code == 404
    assert REFERENCE not in client.get(url("screening:start")).content.decode()


@pytest.mark.parametrize("column", ["ciphertext", "sealed_key"])
def test_tampered_content_gives_a_clear_error(caseworker, saved, column: str) -> None:  # type: ignore[no-untyped-def]
    changed = bytearray(getattr(saved, column))
    changed[len(changed) // 2] ^= 0x01
    ScreeningRecord.objects.filter(pk=saved.pk).update(**{column: bytes(changed)})
    client = keyed_client(caseworker)
    response = client.get(url("screening:record", saved.pk))
    body = response.content.decode()
    assert response.status_code == 409 and "cannot be decrypted" in body
    assert REFERENCE not in body
    assert not AuditEvent.objects.filter(action="record.read", target_id=str(saved.pk)).exists()
    assert client.get(url("screening:start")).status_code == 200


def test_saving_without_any_keyring_in_the_organisation_keeps_the_answers(staff) -> None:  # type: ignore[no-untyped-def]
    response = signed_in_client(staff[Role.CASEWORKER]).post(url("screening:interview"), secret_post())
    assert response.status_code == 409 and b"nobody in your organisation has an encryption key" in response.content
    assert NOTE.encode() in response.content
    assert not ScreeningRecord.objects.exists()


def test_a_key_nobody_holds_is_replaced(organisations, caseworker) -> None:  # type: ignore[no-untyped-def]
    ngo = organisations["ngo"]
    assert orgkeys.organisation_key_ensure(organisation=ngo) is None, "no member has a keyring yet"
    keys.keyring_create_for(caseworker, password=PASSWORD)
    first = bytes(orgkeys.organisation_key_ensure(organisation=ngo).public_key)  # type: ignore[union-attr]
    assert bytes(orgkeys.organisation_key_ensure(organisation=ngo).public_key) == first  # type: ignore[union-attr]
    orgkeys.organisation_shares_remove(actor=None, user=caseworker)
    assert bytes(orgkeys.organisation_key_ensure(organisation=ngo).public_key) != first  # type: ignore[union-attr]


# --------------------------------------------------------------------------- the data migration

MIGRATION = "tipnet.web.screening.migrations.0003_encrypt_existing"


def _migration_module():  # type: ignore[no-untyped-def]
    import importlib

    return importlib.import_module(MIGRATION)


@pytest.fixture
def plaintext_schema(db):  # type: ignore[no-untyped-def]
    """The screening table as before encryption (the plaintext columns of 0001 beside the sealed
    ones of 0002) and the historical models the migration runs with. The columns are added with
    plain SQL inside the test's transaction, so they disappear with its rollback (Django's SQLite
    schema editor cannot run inside a transaction, and the append-only audit log forbids the
    flush that a transactional test would need)."""
    json_type = "jsonb" if connection.vendor == "postgresql" else "text"
    with connection.cursor() as cursor:
        for column, kind in (("reference", "varchar(64) NOT NULL DEFAULT ''"), ("answers", f"{json_type} NOT NULL DEFAULT '{{}}'"),
                             ("welfare", f"{json_type} NOT NULL DEFAULT '{{}}'"), ("notes", f"{json_type} NOT NULL DEFAULT '{{}}'"),
                             ("result", f"{json_type} NULL")):
            cursor.execute(f"ALTER TABLE screening_screeningrecord ADD COLUMN {column} {kind}")
    loader = MigrationLoader(connection)
    return loader.project_state([("screening", "0002_screeningrecord_sealed"), ("accounts", "0004_organisation_keys")]).apps


def test_migration_encrypts_existing_rows(plaintext_schema, organisations) -> None:  # type: ignore[no-untyped-def]
    apps = plaintext_schema
    caseworker = make_staff("migrated_cw", organisations["ngo"], Role.CASEWORKER)
    keys.keyring_create_for(caseworker, password=PASSWORD)
    OldRecord = apps.get_model("screening", "ScreeningRecord")
    old = OldRecord.objects.create(
        organisation_id=organisations["ngo"].pk, created_by_id=caseworker.pk, status="final", reference=REFERENCE,
        staff_language="ja", person_language="vi", profile="adult_labour", answers={"DR_WAGES": "yes"},
        welfare={"W_SAFE_NOW": "yes"}, notes={"W_SAFE_NOW": NOTE}, result={"determination": "indicators met"},
        catalogue_version="1",
    )
    _migration_module().encrypt_existing(apps, None)
    old.refresh_from_db()
    org_private = orgkeys.organisation_private_key(
        user=caseworker, private_key=keys.keyring_unlock(caseworker, password=PASSWORD), organisation=organisations["ngo"]
    )
    assert org_private is not None
    payload = payload_open(private_key=org_private, sealed_key=bytes(old.sealed_key), ciphertext=bytes(old.ciphertext))
    assert payload == {"reference": REFERENCE, "answers": {"DR_WAGES": "yes"}, "welfare": {"W_SAFE_NOW": "yes"},
                       "notes": {"W_SAFE_NOW": NOTE}, "result": {"determination": "indicators met"}}
    # Run twice, nothing changes: encrypted rows are left alone.
    sealed = bytes(old.ciphertext)
    _migration_module().encrypt_existing(apps, None)
    old.refresh_from_db()
    assert bytes(old.ciphertext) == sealed
    # The record reads through the app as any other (0004 then drops the plaintext columns).
    page = keyed_client(caseworker).get(url("screening:record", old.pk) + "?edit=1").content.decode()
    assert REFERENCE in page


def test_migration_refuses_when_nobody_could_read_the_result(plaintext_schema, organisations) -> None:  # type: ignore[no-untyped-def]
    apps = plaintext_schema
    OldRecord = apps.get_model("screening", "ScreeningRecord")
    OldRecord.objects.create(organisation_id=organisations["other"].pk, status="draft", reference=REFERENCE,
                             staff_language="ja", person_language="vi", catalogue_version="1")
    module = _migration_module()
    with pytest.raises(module.MigrationRefused, match="no active member with an encryption key"):
        module.encrypt_existing(apps, None)


def test_record_key_is_fresh_for_every_save(caseworker, saved) -> None:  # type: ignore[no-untyped-def]
    before = (bytes(saved.sealed_key), bytes(saved.ciphertext))
    keyed_client(caseworker).post(url("screening:record", saved.pk), secret_post())
    saved.refresh_from_db()
    assert bytes(saved.sealed_key) != before[0] and bytes(saved.ciphertext) != before[1]
    assert content_of(saved, caseworker)["reference"] == REFERENCE


def test_offboarding_page_warns_when_the_leaver_holds_the_only_key(staff, organisations, caseworker, saved) -> None:  # type: ignore[no-untyped-def]
    admin_client = signed_in_client(staff[Role.ORG_ADMIN])
    # The caseworker is the only holder of the NGO's key (the fixture saved a screening with it).
    assert orgkeys.organisations_only_held_by(user=caseworker) == [organisations["ngo"]]
    asked = admin_client.post(url("accounts:user_offboard", caseworker.pk)).content.decode()
    assert 'id="sole-key-holder"' in asked and organisations["ngo"].name in asked
    assert "nobody can ever open those records again" in asked

    # Once a colleague holds the key too (the caseworker signed in), the warning is gone.
    colleague = make_staff("colleague2", organisations["ngo"], Role.CASEWORKER)
    keys.keyring_create_for(colleague, password=PASSWORD)
    orgkeys.organisation_shares_grant_pending(user=caseworker, private_key=keys.keyring_unlock(caseworker, password=PASSWORD))
    assert orgkeys.organisations_only_held_by(user=caseworker) == []
    asked = admin_client.post(url("accounts:user_offboard", caseworker.pk)).content.decode()
    assert 'id="sole-key-holder"' not in asked
