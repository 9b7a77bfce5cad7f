from django.apps import AppConfig


class ReportConfig(AppConfig):
    name = "tipnet.web.report"
    label = "report"
