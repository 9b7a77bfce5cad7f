"""The staff page where a person creates, sees and revokes their own API tokens."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tipnet.web.accounts.access import staff_view
from tipnet.web.api import access, selectors, tokens
from tipnet.web.api.forms import TokenCreateForm


@staff_view(access.access_tokens_page)
def tokens_view(request: HttpRequest) -> HttpResponse:
    """GET lists the person's tokens; POST creates one after a fresh authenticator code and shows
    it once, on this response only (every staff response is no-store)."""
    issued = None
    status = 200
    if request.method == "POST":
        form = TokenCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                issued = tokens.token_create_after_second_factor(
                    actor=request.user, code=data["code"], scope=data["scope"], days=data["days"], name=data["name"],
                    unlock=data["unlock"], password=data["password"])
                form = TokenCreateForm()
            except tokens.TokenError as failure:
                form.add_error("code", str(failure))
                status = 400
        else:
            status = 400
    else:
        form = TokenCreateForm()
    return render(request, "api/tokens.html", {
        "form": form, "issued": issued, "tokens": selectors.tokens_for_user(user=request.user),
        "button": _("Create token"),
    }, status=status)


@require_POST
@staff_view(access.access_token)
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = access.access_token(user=request.user, token_id=token_id)
    tokens.token_revoke(actor=request.user, token=token)
    return redirect("apitokens:tokens")
