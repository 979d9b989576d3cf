from django.urls import path

from moderation.removals.urls import urlpatterns as removal_urlpatterns
from moderation.views import capture

app_name = "moderation"

urlpatterns = [
    # Capture: search and browse, item page, TST monitoring queue, upload (issue 4)
    path("portal/moderation/comments/", capture.comment_search, name="comment-search"),
    path("portal/moderation/comments/<int:pk>/", capture.comment_detail, name="comment-detail"),
    path("portal/moderation/comments/<int:pk>/review/", capture.comment_review, name="comment-review"),
    path("portal/moderation/comments/<int:pk>/answered/", capture.comment_answered, name="comment-answered"),
    path("portal/moderation/queue/", capture.review_queue, name="queue"),
    path("portal/moderation/queue/review/", capture.queue_review_all, name="queue-review-all"),
    path("portal/moderation/import/", capture.capture_upload, name="capture-upload"),
]

# Removals, reports, referrals, notices, restrictions, transparency (issue 5).
urlpatterns += removal_urlpatterns
