"""URL patterns of the capture pages; gathered by moderation/urls.py (namespace "moderation")."""

from django.urls import path

from moderation.capture import views

urlpatterns = [
    path("portal/moderation/comments/", views.comment_search, name="comment-search"),
    path("portal/moderation/comments/<int:pk>/", views.comment_detail, name="comment-detail"),
    path("portal/moderation/comments/<int:pk>/review/", views.comment_review, name="comment-review"),
    path(
        "portal/moderation/comments/<int:pk>/review/undo/",
        views.comment_review_undo,
        name="comment-review-undo",
    ),
    path("portal/moderation/comments/<int:pk>/answered/", views.comment_answered, name="comment-answered"),
    path("portal/moderation/commenters/search.json", views.commenter_search, name="commenter-search"),
    path("portal/moderation/queue/", views.review_queue, name="queue"),
    path("portal/moderation/queue/review/", views.queue_review_all, name="queue-review-all"),
    path("portal/moderation/import/", views.capture_upload, name="capture-upload"),
]
