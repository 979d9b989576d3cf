from django.urls import path

from sites_registry import views

app_name = "sites_registry"

urlpatterns = [
    # Staff pages
    path("portal/sites/", views.site_list, name="site-list"),
    path("portal/sites/queue/", views.site_queue, name="site-queue"),
    path("portal/sites/request/", views.site_request, name="site-request"),
    path("portal/sites/<int:pk>/", views.site_detail, name="site-detail"),
    path("portal/sites/<int:pk>/edit/", views.site_edit, name="site-edit"),
    path("portal/sites/<int:pk>/decide/<slug:action>/", views.site_decide, name="site-decide"),
    path("portal/sites/<int:pk>/checklist/", views.checklist_save, name="checklist-save"),
    path(
        "portal/sites/<int:pk>/checklist/<int:item_pk>/<slug:operation>/",
        views.checklist_item,
        name="checklist-item",
    ),
    path("portal/policies/", views.policy_manage, name="policy-manage"),
    path("portal/policies/<slug:kind>/publish/", views.policy_publish, name="policy-publish"),
    # Public pages (no login)
    path("directory/", views.directory, name="directory"),
    path("directory.json", views.directory_json, name="directory-json"),
    path("policies/", views.policy_list, name="policy-list"),
    path("policies/<slug:kind>/", views.policy_current, name="policy-current"),
    path("policies/<slug:kind>/version-<int:version>/", views.policy_version, name="policy-version"),
    path("disclaimer/", views.disclaimer, name="disclaimer"),
]
