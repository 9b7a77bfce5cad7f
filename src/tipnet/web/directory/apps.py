from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "tipnet.web.directory"
    label = "directory"
    verbose_name = _("Services directory")
    default_auto_field = "django.db.models.BigAutoField"
