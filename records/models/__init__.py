from records.models.holds import LegalHold

__all__ = ["LegalHold"]
