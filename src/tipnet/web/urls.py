"""URLs: every page lives under a language prefix (/ja/, /en/, ...), so no cookie holds the language.

Staff pages live under /<lang>/staff/ and are checked in each app's access.py.
"""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from tipnet.web.api.urls import api_urlpatterns


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", include(api_urlpatterns)),
]
urlpatterns += i18n_patterns(
    path("", include("tipnet.web.public.urls")),
    path("staff/", include("tipnet.web.accounts.urls")),
    path("staff/research/", include("tipnet.web.research.urls")),
    path("staff/screening/", include("tipnet.web.screening.urls")),
    path("staff/cases/", include("tipnet.web.cases.urls")),
    path("staff/interchange/", include("tipnet.web.interchange.urls")),
    path("staff/training/", include("tipnet.web.training.urls")),
    path("staff/tokens/", include("tipnet.web.api.urls")),
    path("", include("tipnet.web.report.urls")),
    path("", include("tipnet.web.directory.urls")),
    prefix_default_language=True,
)

# Error handlers that never read the request body again (see tipnet.web.public.views).
handler400 = "tipnet.web.public.views.bad_request"
handler403 = "tipnet.web.public.views.permission_denied"
handler404 = "tipnet.web.public.views.page_not_found"
handler500 = "tipnet.web.public.views.server_error"
