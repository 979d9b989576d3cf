"""The moderation app's URL patterns, gathered from its features."""

from moderation.capture.urls import urlpatterns as capture_urlpatterns
from moderation.connectors.urls import urlpatterns as connector_urlpatterns
from moderation.removals.urls import urlpatterns as removal_urlpatterns

app_name = "moderation"

urlpatterns = [*capture_urlpatterns, *connector_urlpatterns, *removal_urlpatterns]
