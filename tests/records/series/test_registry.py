"""Every record the portal keeps is a record series, declared once."""

import pytest
from django.apps import apps

from config.portal.audit import TrackedModel
from records.models import RetentionSchedule
from records.series import OUTSIDE, REGISTRY


def _dependent_models() -> set[str]:
    found = set()
    for entry in REGISTRY.values():
        for dependent in entry.dependents:
            found.add(dependent.model)
    return found


def test_every_tracked_model_is_a_series_a_dependent_or_outside_with_a_reason():
    """A new tracked model must be declared: a series of its own, part of one, or outside (why)."""
    series_models = {entry.model_label for entry in REGISTRY.values()}
    dependents = _dependent_models()
    tracked = [
        model._meta.label
        for model in apps.get_models()
        if issubclass(model, TrackedModel) and not model._meta.label.split(".")[1].startswith("Historical")
    ]
    assert tracked
    for label in tracked:
        assert label in series_models or label in dependents or label in OUTSIDE, (
            f"{label} is tracked but in no record series: register a RecordSeries in records/series/, "
            "make it a Dependent of one, or list it in records.series.OUTSIDE with the reason"
        )
    for label, reason in OUTSIDE.items():
        assert apps.get_model(label) and len(reason) > 20, label
        assert label not in series_models


def test_one_key_per_series_everywhere():
    for key, entry in REGISTRY.items():
        assert key == entry.key and key.islower() and "_" not in key
        assert entry.columns[0] == "id"
        assert len(set(entry.columns)) == len(entry.columns)
        assert all(label for label in entry.column_labels.values())
        assert set(entry.redactable_columns) <= set(entry.columns)
        assert set(entry.sample_columns) <= set(entry.columns)
        assert set(entry.payload_hash_columns) <= set(entry.columns)


@pytest.mark.django_db
def test_every_series_has_a_schedule_and_every_schedule_a_series_or_a_reason():
    schedules = set(RetentionSchedule.objects.values_list("series", flat=True))
    assert set(REGISTRY) <= schedules
    # The tombstones are kept permanently; they are not destroyed through a series.
    assert schedules - set(REGISTRY) == {"disposal-tombstones"}
