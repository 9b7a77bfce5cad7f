from django.urls import path

from tipnet.web.cases import network_views, views, views_rights

app_name = "cases"

urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.new_view, name="new"),
    path("<int:case_id>/", views.case_view, name="case"),
    path("<int:case_id>/edit/", views.edit_view, name="edit"),
    path("<int:case_id>/events/", views.event_add_view, name="event_add"),
    path("<int:case_id>/tasks/", views.task_add_view, name="task_add"),
    path("<int:case_id>/tasks/<int:task_id>/done/", views.task_done_view, name="task_done"),
    path("<int:case_id>/consents/", views.consent_add_view, name="consent_add"),
    path("<int:case_id>/consents/<int:consent_id>/withdraw/", views.consent_withdraw_view, name="consent_withdraw"),
    path("<int:case_id>/screenings/", views.screening_link_view, name="screening_link"),
    path("<int:case_id>/disclosures/", views.disclose_view, name="disclose"),
    path("<int:case_id>/referrals/", views.referral_new_view, name="referral_new"),
    path("<int:case_id>/return/", views.return_view, name="return"),
    path("referrals/", views.referrals_view, name="referrals"),
    path("referrals/<int:referral_id>/", views.referral_view, name="referral"),
    path("referrals/<int:referral_id>/decide/", views.referral_decide_view, name="referral_decide"),
    # Documents and the person's rights (views_rights.py)
    path("<int:case_id>/documents/", views_rights.document_add_view, name="document_add"),
    path("<int:case_id>/documents/<int:document_id>/", views_rights.document_view, name="document"),
    path("<int:case_id>/rights/", views_rights.rights_view, name="rights"),
    path("<int:case_id>/rights/export/", views_rights.export_view, name="export"),
    path("<int:case_id>/rights/erase/", views_rights.erase_view, name="erase"),
    path("erased/", views_rights.erased_view, name="erased"),
    path("retention/", views_rights.retention_view, name="retention"),

    path("referrals/<int:referral_id>/notes/", views.referral_note_view, name="referral_note"),

    path("dashboard/", network_views.dashboard_view, name="dashboard"),
    path("reports/", network_views.forwarded_reports_view, name="forwarded_reports"),
    path("reports/<int:forwarded_id>/", network_views.forwarded_report_view, name="forwarded_report"),
    path("reports/<int:forwarded_id>/open/", network_views.forwarded_report_open_view, name="forwarded_report_open"),
]
