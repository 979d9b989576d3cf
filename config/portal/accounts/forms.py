from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms

from config.portal.forms import PortalForm


class SecondFactorForm(PortalForm):
    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class AuthenticatorConfirmForm(PortalForm):
    code = forms.CharField(
        label="Code from the app",
        max_length=8,
        help_text="After adding the account to your app, type the 6-digit code it shows.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class UnlockForm(PortalForm):
    username = forms.CharField(label="User name", max_length=150, required=False)
    address = forms.GenericIPAddressField(label="Address", required=False)
    reason = forms.CharField(label="Reason", max_length=300)


class ResetFactorsForm(PortalForm):
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        help_text="For example: lost phone, confirmed in person on 30 November.",
    )


# Django's own password forms, with the portal's field rendering (USWDS classes, error summary).
class PortalPasswordChangeForm(auth_forms.PasswordChangeForm, PortalForm):
    pass


class PortalPasswordResetForm(auth_forms.PasswordResetForm, PortalForm):
    pass


class PortalSetPasswordForm(auth_forms.SetPasswordForm, PortalForm):
    pass
