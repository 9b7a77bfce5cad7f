"""API URLs (mounted at /api/ in tipnet.web.urls) and the staff token page (under /<lang>/staff/)."""

from django.urls import path

from tipnet.web.api import views
from tipnet.web.api.api import api, openapi_view

api_urlpatterns = [
    path("openapi.json", openapi_view, name="openapi"),
    path("v1/", api.urls),
]

app_name = "apitokens"

urlpatterns = [
    path("", views.tokens_view, name="tokens"),
    path("<int:token_id>/revoke/", views.token_revoke_view, name="revoke"),
]
