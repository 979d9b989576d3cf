from django.urls import path

from records.foia_public import views

urlpatterns = [
    path("foia/request/", views.request_form, name="foia-public-request"),
    path("foia/request/sent/", views.request_sent, name="foia-public-sent"),
    path("foia/confirm/<str:token>/", views.confirm, name="foia-public-confirm"),
    path("foia/status/<str:token>/", views.status, name="foia-public-status"),
    path("foia/status/<str:token>/bundle/<int:export_id>/", views.bundle_download, name="foia-public-bundle"),
    path("foia/new-link/", views.resend, name="foia-public-resend"),
    path("foia/new-link/sent/", views.resend_sent, name="foia-public-resend-sent"),
    path("foia/log/", views.public_log, name="foia-public-log"),
]
