from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=False)
def mfa_exemptions_only_in_development(app_configs, **kwargs):
    """MFA_EXEMPT_USERNAMES lets the demo users of `make run` in without a second factor; in
    production it would quietly switch the second factor off for those accounts."""
    if settings.MFA_EXEMPT_USERNAMES and not settings.DEBUG:
        return [
            checks.Error(
                "MFA_EXEMPT_USERNAMES is set while DEBUG is off.",
                hint="Unset MFA_EXEMPT_USERNAMES: it is for the demo users of `make run` only.",
                id="portal.E010",
            )
        ]
    return []
