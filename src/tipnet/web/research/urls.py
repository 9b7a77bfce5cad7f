from django.urls import path

from tipnet.web.research import views

app_name = "research"

urlpatterns = [
    path("estimate/", views.estimate_view, name="estimate"),
    path("estimate/<int:run_id>/", views.run_view, name="run"),
    path("estimate/<int:run_id>/cancel/", views.run_cancel_view, name="run_cancel"),
    path("estimate/<int:run_id>/result.json", views.run_json_view, name="run_json"),
    path("estimate/<int:run_id>/result.csv", views.run_csv_view, name="run_csv"),
]
