"""Gathers the records app's pages from its features; the URL names stay ``records:...``."""

from records.foia.urls import urlpatterns as foia_urlpatterns
from records.foia_public.urls import urlpatterns as foia_public_urlpatterns
from records.retention.urls import urlpatterns as retention_urlpatterns

app_name = "records"

urlpatterns: list = [*retention_urlpatterns, *foia_urlpatterns, *foia_public_urlpatterns]
