from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tipnet.web.cases"
    label = "cases"
