from django.urls import path

from records.foia import views as foia_views

urlpatterns = [
    path("portal/foia/", foia_views.request_list, name="foia-list"),
    path("portal/foia/new/", foia_views.request_create, name="foia-create"),
    path("portal/foia/new/from-email/", foia_views.request_create_from_email, name="foia-create-from-email"),
    path("portal/foia/<int:pk>/", foia_views.request_detail, name="foia-detail"),
    path("portal/foia/<int:pk>/edit/", foia_views.request_edit, name="foia-edit"),
    path(
        "portal/foia/<int:pk>/letter/<str:kind>/", foia_views.request_letter_action, name="foia-letter-action"
    ),
    path("portal/foia/<int:pk>/start/", foia_views.request_start, name="foia-start"),
    path("portal/foia/<int:pk>/agree-date/", foia_views.request_agree_date, name="foia-agree-date"),
    path("portal/foia/<int:pk>/close/", foia_views.request_close, name="foia-close"),
    path("portal/foia/<int:pk>/redactions/", foia_views.redactions, name="foia-redactions"),
    path(
        "portal/foia/<int:pk>/redactions/accept/", foia_views.redactions_accept, name="foia-redactions-accept"
    ),
    path("portal/foia/redactions/<int:pk>/undo/", foia_views.redaction_undo, name="foia-redaction-undo"),
    path(
        "portal/foia/<int:pk>/redactions/suggest/",
        foia_views.redactions_suggest,
        name="foia-redactions-suggest",
    ),
    path(
        "portal/foia/redactions/<int:pk>/decide/", foia_views.redaction_decide, name="foia-redaction-decide"
    ),
    path("portal/foia/<int:pk>/export/", foia_views.export_start, name="foia-export-start"),
    path("portal/foia/exports/<int:pk>/", foia_views.export_detail, name="foia-export"),
    path("portal/foia/exports/<int:pk>/release/", foia_views.export_release, name="foia-export-release"),
    path("portal/foia/exports/<int:pk>/download/", foia_views.export_download, name="foia-export-download"),
    path("portal/foia/letters/<int:pk>/", foia_views.letter_detail, name="foia-letter"),
    path("portal/foia/templates/", foia_views.template_list, name="foia-templates"),
    path("portal/foia/templates/<str:kind>/", foia_views.template_edit, name="foia-template-edit"),
]
