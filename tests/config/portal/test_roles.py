import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied

from config.portal import roles
from config.portal.audit import system_user
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_data_migration_creates_the_three_staff_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.STAFF_ROLES)


def test_system_user_exists_and_cannot_sign_in():
    user = system_user()
    assert user.username == "system"
    assert not user.is_active
    assert not user.has_usable_password()


def test_no_role_is_granted_delete_permission():
    deletes = Permission.objects.filter(group__name__in=roles.STAFF_ROLES, codename__startswith="delete_")
    assert not deletes.exists()


def test_clerk_has_records_permissions_but_not_registry_changes():
    clerk = make_user(roles.CITY_CLERK)
    assert clerk.has_perm("records.add_legalhold")
    assert clerk.has_perm("sites_registry.view_site")
    assert not clerk.has_perm("sites_registry.change_site")


def test_has_role_matches_groups_and_superusers():
    tst = make_user(roles.TECHNICAL_SERVICES)
    admin = make_user("admin")
    nobody = make_user(None)
    assert roles.has_role(tst, roles.TECHNICAL_SERVICES)
    assert not roles.has_role(tst, roles.CITY_CLERK)
    assert roles.has_role(admin, roles.CITY_CLERK)
    assert not roles.has_role(nobody)
    with pytest.raises(PermissionDenied, match="City Clerk"):
        roles.require_role(tst, roles.CITY_CLERK)


def test_inactive_user_holds_no_role():
    user = make_user(roles.CITY_CLERK, is_active=False)
    assert not roles.has_role(user, roles.CITY_CLERK)


def test_only_the_clerk_holds_permissions_on_records():
    comms = make_user(roles.COMMUNICATIONS_OFFICE)
    tst = make_user(roles.TECHNICAL_SERVICES)
    for user in (comms, tst):
        assert not user.has_perm("records.view_foiarequester")
        assert not user.has_perm("records.view_legalhold")
