from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = _("Recommendations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import lookups  # noqa: F401  registers `__any_of` on every field
        from .caching.triggers import triggers_ensure_after_migrate
        from .users.role_groups import role_groups_sync

        post_migrate.connect(role_groups_sync, dispatch_uid="recommendations.role_groups_sync")
        # A migration that rebuilds a table on SQLite drops its triggers: made again after each migrate.
        post_migrate.connect(triggers_ensure_after_migrate, dispatch_uid="recommendations.data_version_triggers")
