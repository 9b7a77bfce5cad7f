from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "tipnet.web.training"
    label = "training"
