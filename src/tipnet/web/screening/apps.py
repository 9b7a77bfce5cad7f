from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "tipnet.web.screening"
    label = "screening"
