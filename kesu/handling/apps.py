from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandlingConfig(AppConfig):
    name = "kesu.handling"
    label = "handling"
    verbose_name = _("Handling")
    default_auto_field = "django.db.models.BigAutoField"
