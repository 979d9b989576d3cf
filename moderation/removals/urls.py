"""URL patterns of the removal pages; gathered by moderation/urls.py (namespace "moderation")."""

from django.urls import path

from moderation.removals import views

urlpatterns = [
    path("portal/moderation/comments/<int:pk>/remove/", views.comment_remove, name="comment-remove"),
    path("portal/moderation/comments/<int:pk>/report/", views.comment_report, name="comment-report"),
    path("portal/moderation/removals/", views.removal_list, name="removal-list"),
    path("portal/moderation/removals/bulk/", views.removal_bulk, name="removal-bulk"),
    path("portal/moderation/removals/<int:pk>/", views.removal_detail, name="removal-detail"),
    path("portal/moderation/removals/<int:pk>/review/", views.removal_review, name="removal-review"),
    path("portal/moderation/removals/<int:pk>/notice/", views.removal_notice, name="removal-notice"),
    path("portal/moderation/reviews/", views.review_queue, name="review-queue"),
    path("portal/moderation/reports/", views.report_list, name="report-list"),
    path("portal/moderation/reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("portal/moderation/reports/<int:pk>/pick-up/", views.report_pick_up, name="report-pick-up"),
    path("portal/moderation/reports/<int:pk>/resolve/", views.report_resolve, name="report-resolve"),
    path("portal/moderation/referrals/", views.referral_list, name="referral-list"),
    path("portal/moderation/referrals/new/", views.referral_create, name="referral-create"),
    path("portal/moderation/referrals/<int:pk>/", views.referral_detail, name="referral-detail"),
    path("portal/moderation/restrictions/", views.restriction_list, name="restriction-list"),
    path("portal/moderation/restrictions/new/", views.restriction_create, name="restriction-create"),
    path(
        "portal/moderation/restrictions/<int:pk>/decide/", views.restriction_decide, name="restriction-decide"
    ),
    path("portal/moderation/restrictions/<int:pk>/lift/", views.restriction_lift, name="restriction-lift"),
    path("portal/moderation/notice-templates/", views.notice_template_list, name="notice-template-list"),
    path(
        "portal/moderation/notice-templates/new/", views.notice_template_edit, name="notice-template-create"
    ),
    path(
        "portal/moderation/notice-templates/<int:pk>/",
        views.notice_template_edit,
        name="notice-template-edit",
    ),
    path("transparency/", views.transparency_report, name="transparency-report"),
    path("transparency/removals.csv", views.transparency_csv, name="transparency-csv"),
]
