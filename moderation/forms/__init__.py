from moderation.forms.capture import CaptureUploadForm, CommentSearchForm

__all__ = ["CaptureUploadForm", "CommentSearchForm"]
