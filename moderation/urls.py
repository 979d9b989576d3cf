from django.urls import path  # noqa: F401

app_name = "moderation"

urlpatterns: list = []

# Removals, reports, referrals, notices, restrictions, transparency (issue 5).
from moderation.removals.urls import urlpatterns as removal_urlpatterns  # noqa: E402

urlpatterns += removal_urlpatterns
