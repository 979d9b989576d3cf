"""Second-factor pages: verification at sign-in, enrolment, recovery codes, the person's own
security page (factors, passkeys, password)."""

from __future__ import annotations

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from config.portal.accounts import mfa, services, signin
from config.portal.accounts.forms import (
    AuthenticatorConfirmForm,
    PortalPasswordChangeForm,
    PortalSetPasswordForm,
    SecondFactorForm,
)
from config.portal.accounts.models import SignInEvent

_NEW_CODES_KEY = "portal_new_recovery_codes"


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def second_factor(request):
    """After the password: a code from the app, a recovery code, or a passkey."""
    user = request.user
    if user.is_verified() or not mfa.second_factor_required(user):
        return redirect(_next_url(request))
    if not mfa.enrolled(user):
        return redirect(f"{reverse('accounts:second-factor-setup')}?next={_next_url(request)}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _match(user, mfa.normalise_code(form.cleaned_data["code"]))
        if device is not None:
            django_otp.login(request, device)
            used = "recovery code" if device.persistent_id.startswith("otp_static") else "authenticator app"
            signin.record(SignInEvent.Kind.SECOND_FACTOR_PASSED, request=request, user=user, detail=used)
            if used == "recovery code":
                left = mfa.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. "
                    "Get new ones on your security page if you are running out.",
                )
            return redirect(_next_url(request))
        signin.record(SignInEvent.Kind.SECOND_FACTOR_FAILED, request=request, user=user)
        form.add_error(
            "code", "That code is not right, has been used already or came too late. Try the next code."
        )
    return render(
        request,
        "registration/second_factor.html",
        {"form": form, "next": _next_url(request), "has_passkey": mfa.passkeys(user).exists()},
    )


def _match(user, code: str):
    """The device ``code`` belongs to, if any; each device throttles its own failures
    (django-otp: the wait doubles after each wrong code)."""
    candidates = list(mfa.authenticator_apps(user))
    recovery = mfa.recovery_device(user)
    if recovery is not None:
        candidates.append(recovery)
    for device in candidates:
        allowed, _ = device.verify_is_allowed()
        if allowed and device.verify_token(code):
            return device
    return None


@require_http_methods(["GET", "POST"])
def second_factor_setup(request):
    """Enrolment: an authenticator app (scan the code, type one code back) or a passkey.
    On the first sign-in nothing else is reachable until this is done."""
    user = request.user
    if mfa.enrolled(user) and not user.is_verified():
        # Adding a factor needs the second factor first: a stolen password must not enrol its own.
        return redirect(f"{reverse('accounts:second-factor')}?next={reverse('accounts:second-factor-setup')}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = AuthenticatorConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(mfa.normalise_code(form.cleaned_data["code"])):
            services.authenticator_app_confirm(user=user, device=device, request=request)
            return _after_enrolment(request, device)
        signin.record(SignInEvent.Kind.SECOND_FACTOR_FAILED, request=request, user=user, detail="enrolment")
        form.add_error(
            "code", "That code does not match. Check the clock of your phone and type the code shown now."
        )
    return render(
        request,
        "registration/second_factor_setup.html",
        {
            "form": form,
            "qr_svg": mfa.totp_qr_svg(device),
            "secret": mfa.totp_secret_display(device),
            "first_time": not mfa.enrolled(user),
            "next": _next_url(request),
        },
    )


def _after_enrolment(request, device):
    if not request.user.is_verified():
        django_otp.login(request, device)
    if mfa.recovery_codes_left(request.user) == 0:
        request.session[_NEW_CODES_KEY] = services.recovery_codes_issue(user=request.user, request=request)
        return redirect("accounts:recovery-codes")
    messages.success(request, "Authenticator app added.")
    return redirect("accounts:security")


@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """New codes are shown once, right after they are made; POST makes a new set."""
    user = request.user
    if not mfa.enrolled(user):
        return redirect("accounts:second-factor-setup")
    if not user.is_verified() and mfa.second_factor_required(user):
        # A passkey enrolled by the passkey script lands here before it is verified in this session.
        return redirect(f"{reverse('accounts:second-factor')}?next={reverse('accounts:recovery-codes')}")
    if request.method == "POST":
        request.session[_NEW_CODES_KEY] = services.recovery_codes_issue(user=user, request=request)
        return redirect("accounts:recovery-codes")
    codes = request.session.pop(_NEW_CODES_KEY, None)
    if codes is None and mfa.recovery_codes_left(user) == 0:
        # First enrolment by passkey: the recovery codes come now.
        codes = services.recovery_codes_issue(user=user, request=request)
    return render(
        request,
        "registration/recovery_codes.html",
        {"codes": codes, "left": mfa.recovery_codes_left(user)},
    )


@require_http_methods(["GET"])
def security(request):
    """The person's own sign-in settings: factors, passkeys, recovery codes, password."""
    user = request.user
    return render(
        request,
        "registration/security.html",
        {
            "apps": mfa.authenticator_apps(user),
            "passkeys": mfa.passkeys(user),
            "codes_left": mfa.recovery_codes_left(user),
            "required": mfa.second_factor_required(user),
            "recent": SignInEvent.objects.filter(user=user)[:10],
        },
    )


@require_POST
def factor_remove(request, kind: str, pk: int):
    model = {"app": TOTPDevice, "passkey": WebAuthnCredential}.get(kind)
    if model is None:
        raise Http404("No such kind of factor.")
    device = get_object_or_404(model, pk=pk, user=request.user, confirmed=True)
    try:
        services.factor_remove(user=request.user, device=device, request=request)
    except services.SignInAdministrationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Removed.")
    return redirect("accounts:security")


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PortalPasswordChangeForm
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")

    def form_valid(self, form):
        response = super().form_valid(form)
        signin.record(SignInEvent.Kind.PASSWORD_CHANGED, request=self.request, user=self.request.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = PortalSetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        signin.record(SignInEvent.Kind.PASSWORD_RESET, request=self.request, user=form.user)
        return response


def administrator_required(view):
    """Unlocking and resetting another person's factors are an administrator's (a superuser)."""
    from functools import wraps

    from django.core.exceptions import PermissionDenied

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_superuser):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@administrator_required
@require_http_methods(["GET", "POST"])
def signin_unlock(request):
    """Lift a lockout now (it also ends by itself AXES_COOLOFF_MINUTES after the last failure)."""
    from axes.models import AccessAttempt

    from config.portal.accounts.forms import UnlockForm

    form = UnlockForm(
        request.POST or None, initial={k: request.GET.get(k, "") for k in ("username", "address")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            cleared = services.signin_unlock(
                actor=request.user,
                username=form.cleaned_data["username"],
                address=form.cleaned_data["address"] or "",
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except services.SignInAdministrationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Unlocked ({cleared} failure counter{'s' if cleared != 1 else ''} cleared)."
            )
            return redirect("signin-admin:unlock")
    attempts = AccessAttempt.objects.order_by("-attempt_time")[:50]
    return render(
        request,
        "registration/unlock.html",
        {"form": form, "attempts": attempts, "limit": settings.AXES_FAILURE_LIMIT},
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def factors_reset(request, user_id: int):
    from django.contrib.auth import get_user_model

    from config.portal.accounts.forms import ResetFactorsForm

    person = get_object_or_404(get_user_model(), pk=user_id)
    form = ResetFactorsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.second_factors_reset(
                actor=request.user, user=person, reason=form.cleaned_data["reason"], request=request
            )
        except services.SignInAdministrationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"The second factors of {person.get_username()} were reset; "
                "they enrol again at their next sign-in.",
            )
            return redirect("admin:auth_user_change", person.pk)
    return render(
        request,
        "registration/factors_reset.html",
        {
            "form": form,
            "person": person,
            "apps": mfa.authenticator_apps(person).count(),
            "passkeys": mfa.passkeys(person).count(),
            "codes_left": mfa.recovery_codes_left(person),
        },
    )
