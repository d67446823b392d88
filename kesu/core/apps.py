from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _refresh_statistics(sender, using="default", **kwargs) -> None:
    from kesu.core.database import statistics_refresh

    statistics_refresh(using)


class CoreConfig(AppConfig):
    name = "kesu.core"
    label = "core"

    def ready(self) -> None:
        # Sent once per app; with sender=self it runs once per migrate.
        post_migrate.connect(_refresh_statistics, sender=self)
