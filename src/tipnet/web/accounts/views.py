"""Sign-in with two factors, enrolment, the staff home, staff management and the audit log."""

from __future__ import annotations

import base64
import time

import segno
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from tipnet.web.accounts import access, grants, keys, orgkeys, selectors, services
from tipnet.web.accounts.audit import Action, audit_record, audit_verify
from tipnet.web.accounts.forms import (
    CodeForm,
    EnrolForm,
    InviteForm,
    PasswordForm,
    RoleForm,
    SetPasswordForm,
)
from tipnet.web.accounts.middleware import SESSION_STARTED_KEY
from tipnet.web.accounts.models import Membership, Organisation, User
from tipnet.web.accounts.roles import Role
from tipnet.web.clientaddr import client_address

PENDING_USER = "tipnet_pending_user"
PENDING_AT = "tipnet_pending_at"
PENDING_NEXT = "tipnet_pending_next"
PENDING_SECONDS = 300


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_USER)
    started = request.session.get(PENDING_AT, 0)
    if user_id is None or time.time() - float(started) > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def _finish_sign_in(request: HttpRequest, user: User, device: object) -> None:
    next_url = request.session.get(PENDING_NEXT, "")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    # The OTP middleware marked the user of this request before sign-in; mark the new one.
    user.otp_device = device  # type: ignore[attr-defined]
    user.is_verified = lambda: True  # type: ignore[method-assign]
    request.session[SESSION_STARTED_KEY] = time.time()
    request.session[PENDING_NEXT] = next_url
    # The password step unlocked the key; share the organisations' keys with colleagues who joined
    # since, only now that both factors are passed.
    private_key = keys.current_private_key(request)
    if private_key is not None:
        orgkeys.organisation_shares_grant_pending(user=user, private_key=private_key)


def _next_or_home(request: HttpRequest) -> HttpResponse:
    next_url = request.session.pop(PENDING_NEXT, "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(next_url)
    return redirect("accounts:home")


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = PasswordForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_check_password(
                username=form.cleaned_data["username"], password=form.cleaned_data["password"],
                client=client_address(request),
            )
        except services.AccountError as failure:
            error = str(failure)
        else:
            request.session.cycle_key()
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_AT] = time.time()
            request.session[PENDING_NEXT] = request.GET.get("next", "")
            response = redirect("accounts:enrol" if not services.user_has_confirmed_otp(user) else "accounts:otp")
            private_key = keys.keyring_unlock(user, password=form.cleaned_data["password"])
            if private_key is not None:
                keys.remember_private_key(request, response, private_key)
            return response
    return render(request, "accounts/login.html", {"form": form, "error": error}, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
def otp_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if not services.user_has_confirmed_otp(user):
        return redirect("accounts:enrol")
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            device = services.user_verify_second_factor(user=user, code=form.cleaned_data["code"])
        except services.AccountError as failure:
            error = str(failure)
        else:
            _finish_sign_in(request, user, device)
            return _next_or_home(request)
    return render(request, "accounts/otp.html", {"form": form, "error": error}, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
def enrol_view(request: HttpRequest) -> HttpResponse:
    """First sign-in (or after a reset): the user's own session shows the secret once."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if services.user_has_confirmed_otp(user):
        return redirect("accounts:otp")
    form = EnrolForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            result = services.otp_enrolment_confirm(user=user, code=form.cleaned_data["code"])
        except services.AccountError as failure:
            error = str(failure)
        else:
            _finish_sign_in(request, user, result.device)
            return render(request, "accounts/recovery_codes.html", {"codes": result.recovery_codes})
    device = services.otp_enrolment_pending(user=user)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2)
    return render(
        request,
        "accounts/enrol.html",
        {"form": form, "error": error, "secret": secret, "qr": qr},
        status=400 if error else 200,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(actor=request.user, action=Action.LOGOUT)
    logout(request)
    return redirect("accounts:login")


@access.staff_view(access.access_staff_home)
def home_view(request: HttpRequest) -> HttpResponse:
    from tipnet.web.cases.services import tasks_due_this_week

    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    return render(request, "accounts/home.html", {
        "memberships": memberships, "awaiting": grants.pending_for_holder(request.user),
        "key_unlocked": keys.current_private_key(request) is not None,
        "due": tasks_due_this_week(user=request.user, private_key=keys.current_private_key(request)),
    })


@require_POST
@access.staff_view(access.access_membership_confirm)
def membership_decide_view(request: HttpRequest, membership_id: int) -> HttpResponse:
    """A key holder confirms (sealing the organisation key share at once with their unlocked key)
    or declines a pending membership."""
    membership = access.access_membership_confirm(user=request.user, membership_id=membership_id)
    decision = request.POST.get("decision")
    try:
        if decision == "confirm":
            services.membership_confirm(actor=request.user, membership=membership,
                                        actor_private_key=keys.current_private_key(request))
            message = _("Confirmed. The person can now receive the organisation's keys.")
        elif decision == "decline":
            services.membership_decline(actor=request.user, membership=membership)
            message = _("Declined. The role was not given.")
        else:
            raise services.AccountError(_("Choose confirm or decline."))
    except services.AccountError as failure:
        return render(request, "accounts/message.html", {"message": str(failure)}, status=400)
    return render(request, "accounts/message.html", {"message": message})


@access.staff_view(access.access_organisation_list)
def organisations_view(request: HttpRequest) -> HttpResponse:
    network_admin = access.user_has_role(request.user, Role.NETWORK_ADMIN)
    organisations = selectors.organisations_for(user=request.user, network_admin=network_admin)
    return render(request, "accounts/organisations.html", {"organisations": organisations})


@access.staff_view(access.access_manage_organisation)
def organisation_staff_view(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access.access_manage_organisation(user=request.user, organisation_id=organisation_id)
    roles = grants.grantable_roles(actor=request.user, organisation=organisation)
    form = InviteForm(request.POST or None, roles=roles)
    error = ""
    invite_link = ""
    if request.method == "POST" and form.is_valid():
        try:
            invite = services.user_invite(actor=request.user, organisation=organisation, **form.cleaned_data)
        except services.AccountError as failure:
            error = str(failure)
        else:
            invite_link = request.build_absolute_uri(reverse("accounts:welcome", args=[invite.token]))
            form = InviteForm(roles=roles)
    members = selectors.organisation_members(organisation=organisation)
    return render(
        request,
        "accounts/organisation_staff.html",
        {
            "organisation": organisation,
            "members": members,
            "form": form,
            "role_form": RoleForm(),
            "error": error,
            "invite_link": invite_link,
        },
        status=400 if error else 200,
    )


@require_POST
@access.staff_view(access.access_manage_user)
def user_offboard_view(request: HttpRequest, user_id: int) -> HttpResponse:
    target = access.access_manage_user(user=request.user, user_id=user_id)
    if request.POST.get("confirm") != "yes":
        # One click must not end someone's access by mistake: ask once more.
        return render(
            request,
            "accounts/confirm_offboard.html",
            {"target": target, "sole_key_holder_of": orgkeys.organisations_only_held_by(user=target)},
        )
    try:
        services.user_offboard(actor=request.user, user=target)
    except services.AccountError as failure:
        return render(request, "accounts/message.html", {"message": str(failure)}, status=400)
    return render(request, "accounts/message.html", {"message": _("The account was closed.")})


@require_POST
@access.staff_view(access.access_manage_user)
def user_otp_reset_view(request: HttpRequest, user_id: int) -> HttpResponse:
    target = access.access_manage_user(user=request.user, user_id=user_id)
    services.otp_reset(actor=request.user, user=target)
    return render(
        request,
        "accounts/message.html",
        {"message": _("Two-factor sign-in was reset. The person sets it up again at their next sign-in.")},
    )


@require_http_methods(["GET", "POST"])
def welcome_view(request: HttpRequest, token: str) -> HttpResponse:
    """Onboarding link: the new staff member chooses a password, then signs in and enrols 2FA."""
    invitation = services.invitation_get(token=token)
    if invitation is None:
        return render(request, "accounts/message.html", {"message": _("This set-up link is not valid or has expired.")}, status=404)
    form = SetPasswordForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_onboard(token=token, password=form.cleaned_data["password"])
        except services.AccountError as failure:
            error = str(failure)
        else:
            return render(request, "accounts/key_recovery.html", {"recovery_code": user.recovery_code})
    return render(
        request,
        "accounts/welcome.html",
        {"form": form, "error": error, "username": invitation.user.username},
        status=400 if error else 200,
    )


@access.staff_view(access.access_audit_log)
def audit_view(request: HttpRequest) -> HttpResponse:
    audit_record(actor=request.user, action=Action.AUDIT_VIEWED)
    report = audit_verify()
    events = list(selectors.audit_recent())
    names = dict(Organisation.objects.filter(pk__in={e.organisation_id for e in events}).values_list("pk", "name"))
    rows = []
    for event in events:
        # What an invitation or a grant gave (and what a confirmation, decline or revocation
        # concerned): the role from the details, and the organisation by name.
        role = event.details.get("role", "") if isinstance(event.details, dict) else ""
        rows.append({
            "event": event,
            "organisation": names.get(event.organisation_id, event.organisation_id or ""),
            "role": Role(role).label if role in Role.values else role,
            "pending": isinstance(event.details, dict) and event.details.get("pending") is True,
        })
    return render(request, "accounts/audit.html", {"rows": rows, "report": report})
