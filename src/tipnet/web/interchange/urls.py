from django.urls import path

from tipnet.web.interchange import views

app_name = "interchange"

urlpatterns = [
    path("", views.imports_view, name="imports"),
    path("<int:job_id>/", views.job_view, name="job"),
    path("export/", views.export_view, name="export"),
    path("export/<int:export_id>/", views.export_job_view, name="export_job"),
    path("export/<int:export_id>/download/", views.export_download_view, name="export_download"),
]
