from django.urls import path

from tipnet.web.screening import views

app_name = "screening"

urlpatterns = [
    path("", views.start_view, name="start"),
    path("interview/", views.interview_view, name="interview"),
    path("<int:record_id>/", views.record_view, name="record"),
]
