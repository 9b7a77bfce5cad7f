"""Directory URLs. ``public_urlpatterns`` go under /<lang>/help/, ``urlpatterns`` under
/<lang>/staff/directory/ (see tipnet.web.urls)."""

from django.urls import include, path

from tipnet.web.directory import views

app_name = "directory"

public_urlpatterns = [
    path("", views.help_view, name="help"),
    path("what-is-trafficking/", views.help_trafficking_view, name="help_trafficking"),
    path("your-rights/", views.help_rights_view, name="help_rights"),
    path("after-asking-for-help/", views.help_after_view, name="help_after"),
    path("services/", views.search_view, name="search"),
    path("services/<int:service_id>/", views.service_view, name="service"),
    path("services.json", views.services_json_view, name="services_json"),
    path("leaflet.pdf", views.leaflet_view, name="leaflet"),
]

staff_urlpatterns = [
    path("", views.manage_view, name="manage"),
    path("new/", views.service_new_view, name="new"),
    path("<int:service_id>/", views.service_edit_view, name="edit"),
    path("<int:service_id>/capacity/", views.capacity_view, name="capacity"),
    path("<int:service_id>/verify/", views.verify_view, name="verify"),
    path("import/", views.import_view, name="import"),
    path("export.csv", views.export_view, name="export"),
    path("gaps/", views.gaps_view, name="gaps"),
]

urlpatterns = [
    path("help/", include(public_urlpatterns)),
    path("staff/directory/", include(staff_urlpatterns)),
]
