"""Forms of the connection pages: connect (a pasted token, or the account and schedule before
the platform's consent page) and disconnect."""

from __future__ import annotations

from django import forms

from config.portal.forms import PortalForm
from moderation.models import SiteConnection


class ConnectForm(PortalForm):
    account_id = forms.CharField(
        label=SiteConnection._meta.get_field("account_id").verbose_name.capitalize(),
        max_length=200,
        help_text=SiteConnection._meta.get_field("account_id").help_text,
    )
    interval_minutes = forms.IntegerField(
        label="Minutes between captures",
        required=False,
        min_value=5,
        max_value=24 * 60,
        help_text="Empty: the portal's default. At least 5, at most 1,440 (once a day).",
    )
    # Never rendered back: a page showing the form again after an error shows an empty box.
    token = forms.CharField(
        label="Long-lived access token",
        required=False,
        strip=True,
        max_length=4000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Only to connect with a pasted token. It is stored encrypted and never shown again.",
    )

    def __init__(self, *args, connection: SiteConnection | None = None, **kwargs):
        if connection is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "account_id": connection.account_id,
                "interval_minutes": connection.interval_minutes,
            }
        super().__init__(*args, **kwargs)

    def require_token(self) -> bool:
        """For the "Connect with this token" button: the token is then required."""
        if self.is_valid() and not self.cleaned_data.get("token"):
            self.add_error("token", "Paste the token the platform issued for this account.")
        return self.is_valid()


class DisconnectForm(PortalForm):
    reason = forms.CharField(
        label="Why the site is disconnected",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the connection's history. The stored credentials are destroyed; "
        "everything captured stays.",
    )
