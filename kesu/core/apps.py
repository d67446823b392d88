from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kesu.core"
    label = "core"
