"""Request-level guards: the second factor, the body size limit, the Permissions-Policy header."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse

from config.portal.accounts import mfa

# URL names a person who still owes the second factor may reach (besides public pages).
_PENDING_ALLOWED = {
    "logout",
    "accounts:second-factor",
    "accounts:second-factor-setup",
    "accounts:recovery-codes",
}
# django-otp-webauthn's JSON endpoints check the user themselves: registering needs a verified
# session once any factor exists, verifying needs the signed-in user's own credential.
_PENDING_ALLOWED_NAMESPACES = {"otp_webauthn"}


class SecondFactorRequiredMiddleware:
    """A signed-in person who must use a second factor and has not done so in this session
    reaches nothing but the second-factor pages and sign-out: enrolment if they have no
    factor yet (the first sign-in), else the code or passkey page. The admin site too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not mfa.second_factor_required(user) or user.is_verified():
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        namespace = match.namespace if match else ""
        if name in _PENDING_ALLOWED or namespace in _PENDING_ALLOWED_NAMESPACES:
            return None
        # Public pages stay public; the admin marks its views public too (it has its own login),
        # so the admin is never among them.
        if namespace != "admin" and getattr(view_func, "login_required", True) is False:
            return None
        target = "accounts:second-factor" if mfa.enrolled(user) else "accounts:second-factor-setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


class RequestBodyLimitMiddleware:
    """Refuses a request whose declared body is larger than PORTAL_MAX_REQUEST_BYTES with 413,
    from the Content-Length header alone, before anything reads the body. The proxy in front
    (README, "Running in production") enforces the same limit on bodies without a length."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.PORTAL_MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("Content-Length is not a number.", status=400, content_type="text/plain")
        if length > limit:
            mib = limit / (1024 * 1024)
            message = (
                f"The request is {length:,} bytes; the portal accepts at most {limit:,} bytes "
                f"({mib:.0f} MiB). "
                "Larger capture files are imported with the import_captures command."
            )
            if request.path.startswith("/api/"):
                import json

                return HttpResponse(
                    json.dumps({"detail": message}), status=413, content_type="application/json"
                )
            body = render_to_string("413.html", {"message": message}, request=None)
            response = HttpResponse(body, status=413)
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Permissions-Policy from settings.PERMISSIONS_POLICY: features the portal never uses are off."""

    def __init__(self, get_response):
        self.get_response = get_response
        parts = []
        for feature, allowed in settings.PERMISSIONS_POLICY.items():
            origins = " ".join(
                origin if origin == "self" or origin == "*" else f'"{origin}"' for origin in allowed
            )
            parts.append(f"{feature}=({origins})")
        self.header = ", ".join(parts)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
