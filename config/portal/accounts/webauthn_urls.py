"""django-otp-webauthn's JSON endpoints (passkeys), with a passkey sign-in recorded in the sign-in log."""

from django.urls import path
from django_otp_webauthn import urls as library
from django_otp_webauthn.views import CompleteCredentialAuthenticationView

from config.portal.accounts import signin
from config.portal.accounts.models import SignInEvent

app_name = "otp_webauthn"


class RecordedCompleteAuthenticationView(CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        result = super().complete_auth(device)
        signin.record(
            SignInEvent.Kind.SECOND_FACTOR_PASSED, request=self.request, user=device.user, detail="passkey"
        )
        return result


urlpatterns = [
    path(str(p.pattern), RecordedCompleteAuthenticationView.as_view(), name=p.name)
    if p.name == "credential-authentication-complete"
    else p
    for p in library.urlpatterns
]
