from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "tipnet.web.interchange"
    label = "interchange"
