from django.urls import path

from tipnet.web.training import views

app_name = "training"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("lessons/<slug:lesson_id>/", views.lesson_view, name="lesson"),
    path("practice/", views.start_view, name="start"),
    path("practice/<int:attempt_id>/", views.attempt_view, name="attempt"),
    path("practice/<int:attempt_id>/ask/", views.ask_view, name="ask"),
    path("practice/<int:attempt_id>/record/", views.record_view, name="record"),
    path("practice/<int:attempt_id>/feedback/", views.feedback_view, name="feedback"),
    path("cohorts/", views.cohorts_view, name="cohorts"),
    path("cohorts/<int:cohort_id>/", views.cohort_view, name="cohort"),
    path("cohorts/<int:cohort_id>/certificate.pdf", views.certificate_view, name="certificate"),
    path("join/<str:token>/", views.join_view, name="join"),
]
