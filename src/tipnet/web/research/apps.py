from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "tipnet.web.research"
    label = "research"
