from celery import shared_task

from records.retention.services import retention_enforce


@shared_task(name="records.enforce_retention", acks_late=True, time_limit=6 * 60 * 60, soft_time_limit=None)
def enforce_retention(as_of: str | None = None, batch_size: int | None = None) -> list[str]:
    """The nightly retention job (beat). Idempotent: a re-run after a crash does only what is left.

    A run that finds another holding the advisory lock returns at once, saying so.
    """
    import datetime as dt

    report = retention_enforce(as_of=dt.date.fromisoformat(as_of) if as_of else None, batch_size=batch_size)
    return report.lines()
