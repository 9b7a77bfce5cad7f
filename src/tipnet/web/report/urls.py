from django.urls import path

from tipnet.web.report import views

app_name = "report"

urlpatterns = [
    path("report/", views.report_form_view, name="form"),
    path("report/follow-up/", views.follow_up_view, name="follow_up"),
    path("report/to/<slug:channel_slug>/", views.report_form_view, name="channel_form"),
    path("staff/reports/", views.inbox_view, name="inbox"),
    path("staff/reports/new/", views.staff_entry_view, name="staff_entry"),
    path("staff/reports/channels/", views.channels_view, name="channels"),
    path("staff/reports/channels/<int:channel_id>/", views.channel_edit_view, name="channel_edit"),
    path("staff/reports/<int:report_id>/", views.report_view, name="report"),
    path("staff/reports/<int:report_id>/files/<int:file_id>/", views.report_file_view, name="file"),
]
