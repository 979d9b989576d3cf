from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Capture and moderation"

    def ready(self) -> None:
        from moderation.connectors import checks  # noqa: F401 (registers the system check)
