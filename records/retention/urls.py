from django.urls import path

from records.retention import views

urlpatterns = [
    path("portal/retention/", views.dashboard, name="retention-dashboard"),
    path("portal/retention/schedules/", views.schedule_list, name="schedule-list"),
    path("portal/retention/holds/", views.hold_list, name="hold-list"),
    path("portal/retention/holds/new/", views.hold_place, name="hold-place"),
    path("portal/retention/holds/<int:pk>/", views.hold_detail, name="hold-detail"),
    path("portal/retention/holds/<int:pk>/release/", views.hold_release, name="hold-release"),
    path("portal/retention/holds/<int:pk>/scopes/", views.hold_add_scope, name="hold-add-scope"),
    path("portal/retention/certificates/", views.certificate_list, name="certificate-list"),
    path("portal/retention/certificates/<int:pk>/", views.certificate_detail, name="certificate-detail"),
    path("portal/retention/certificates/<int:pk>/print/", views.certificate_print, name="certificate-print"),
    path("portal/retention/certificates/<int:pk>/file/", views.certificate_file, name="certificate-file"),
    path(
        "portal/retention/certificates/<int:pk>/approve/",
        views.certificate_approve,
        name="certificate-approve",
    ),
    path(
        "portal/retention/certificates/<int:pk>/withdraw/",
        views.certificate_withdraw,
        name="certificate-withdraw",
    ),
]
