"""History pages deny by default: every tracked model declares who may read its history, and the
history page enforces it for each role."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse

from config.portal import roles
from config.portal.portal_apps import DOMAIN_APPS
from config.portal.views import history_readers

pytestmark = pytest.mark.django_db


def _tracked_models():
    return [
        model
        for model in apps.get_models()
        if hasattr(model, "history")
        and not model.__name__.startswith("Historical")
        and not model._meta.abstract
    ]


TRACKED = _tracked_models()
ROLE_USERS = {
    roles.COMMUNICATIONS_OFFICE: "comms_user",
    roles.TECHNICAL_SERVICES: "tst_user",
    roles.CITY_CLERK: "clerk_user",
}


def test_there_are_tracked_models_to_walk():
    assert len(TRACKED) > 20


@pytest.mark.parametrize("model", TRACKED, ids=lambda m: m._meta.label)
def test_every_tracked_model_declares_who_reads_its_history(model):
    declared = [klass for klass in model.__mro__ if "history_roles" in vars(klass)]
    assert declared, (
        f"{model._meta.label} does not declare history_roles (deny by default: administrators only)"
    )
    assert isinstance(model.history_roles, tuple)
    assert set(model.history_roles) <= set(roles.STAFF_ROLES), model.history_roles


@pytest.mark.parametrize(
    "model", [m for m in TRACKED if m._meta.app_label in DOMAIN_APPS], ids=lambda m: m._meta.label
)
def test_history_page_enforces_the_declared_roles(request, client_as, model, superuser):
    url = reverse("portal:history", args=[model._meta.app_label, model._meta.model_name, 999999])
    allowed = history_readers(model)
    for role, fixture in ROLE_USERS.items():
        client = client_as(request.getfixturevalue(fixture))
        status = client.get(url).status_code
        # Allowed: the page looks for the record (none: 404). Refused: 403 before anything is read.
        assert status == (404 if role in allowed else 403), f"{model._meta.label} for {role}: {status}"
        client.logout()
    assert client_as(superuser).get(url).status_code == 404


@pytest.mark.parametrize("label", ["moderation.IntegrationToken", "moderation.SiteConnection"])
def test_token_and_connection_history_is_for_administrators_only(label):
    assert apps.get_model(label).history_roles == ()


@pytest.mark.parametrize(
    "label",
    [
        "records.DisposalCertificate",
        "records.DisposalCertificateLine",
        "records.LegalHold",
        "records.FoiaRequest",
    ],
)
def test_clerk_records_history_is_the_clerks(label):
    assert apps.get_model(label).history_roles == (roles.CITY_CLERK,)


def test_a_model_without_a_declaration_is_for_administrators_only(
    client_as, superuser, tst_user, monkeypatch
):
    from sites_registry.models import Platform

    monkeypatch.delattr(Platform, "history_roles")
    url = reverse("portal:history", args=["sites_registry", "platform", 999999])
    assert client_as(tst_user).get(url).status_code == 403
    assert client_as(superuser).get(url).status_code == 404
