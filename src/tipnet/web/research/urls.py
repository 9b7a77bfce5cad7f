from django.urls import path

from tipnet.web.research import views

app_name = "research"

urlpatterns = [
    path("estimate/", views.estimate_view, name="estimate"),
]
