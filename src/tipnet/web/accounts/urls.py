from django.urls import path

from tipnet.web.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.login_view, name="login"),
    path("sign-in/code/", views.otp_view, name="otp"),
    path("sign-in/set-up/", views.enrol_view, name="enrol"),
    path("sign-out/", views.logout_view, name="logout"),
    path("welcome/<str:token>/", views.welcome_view, name="welcome"),
    path("", views.home_view, name="home"),
    path("organisations/", views.organisations_view, name="organisations"),
    path("organisations/<int:organisation_id>/staff/", views.organisation_staff_view, name="organisation_staff"),
    path("users/<int:user_id>/offboard/", views.user_offboard_view, name="user_offboard"),
    path("users/<int:user_id>/reset-2fa/", views.user_otp_reset_view, name="user_otp_reset"),
    path("memberships/<int:membership_id>/decide/", views.membership_decide_view, name="membership_decide"),
    path("audit/", views.audit_view, name="audit"),
]
