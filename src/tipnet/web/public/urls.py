from django.urls import path

from tipnet.web.public import views

app_name = "public"

urlpatterns = [
    path("", views.home_view, name="home"),
]
