from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "tipnet.web.public"
    label = "public"
