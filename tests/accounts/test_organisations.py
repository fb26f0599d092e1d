"""accounts.actions: create_organisation, add_member, set_member_role, remove_member."""

import pytest

from accounts import actions
from accounts.models import Membership, Profile
from accounts.permissions import can_act_as, is_owner
from core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from posts import actions as post_actions


def test_a_login_creates_an_organisation_it_owns(pat):
    org = actions.create_organisation(
        user=pat.user, handle="SydLib", display_name="Sydney Libraries"
    )
    assert org.kind == Profile.Kind.ORGANISATION
    assert is_owner(pat.user, org)


def test_an_organisation_handle_must_be_free(pat, hklibconnect):
    with pytest.raises(Conflict):
        actions.create_organisation(user=pat.user, handle="hklibCONNECT")
    assert Profile.objects.filter(handle__iexact="hklibconnect").count() == 1


def test_pat_can_post_as_hklibconnect_and_olly_cannot(pat, olly, hklibconnect):
    assert can_act_as(pat.user, hklibconnect)
    assert not can_act_as(olly.user, hklibconnect)
    post = post_actions.create_post(user=pat.user, profile=hklibconnect, text="Hello from HK")
    assert post.author == hklibconnect and post.created_by == pat.user
    with pytest.raises(NotAllowed):
        post_actions.create_post(user=olly.user, profile=hklibconnect, text="Hijack")


def test_an_owner_adds_a_manager(hana, olly, ngac):
    membership = actions.add_member(user=hana.user, profile=ngac, username="OLLY")
    assert membership.role == "manager"
    assert can_act_as(olly.user, ngac)


def test_a_manager_cannot_add_members(pat, olly, hklibconnect):
    with pytest.raises(NotAllowed):
        actions.add_member(user=pat.user, profile=hklibconnect, username="olly")
    assert not can_act_as(olly.user, hklibconnect)


def test_adding_an_unknown_login_or_a_member_twice_fails(hana, pat, ngac):
    with pytest.raises(NotFound):
        actions.add_member(user=hana.user, profile=ngac, username="nobody")
    actions.add_member(user=hana.user, profile=ngac, username="pat")
    with pytest.raises(Conflict):
        actions.add_member(user=hana.user, profile=ngac, username="pat")


def test_adding_with_a_bad_role_fails(hana, ngac):
    with pytest.raises(InvalidInput):
        actions.add_member(user=hana.user, profile=ngac, username="hana", role="admin")


def test_a_personal_profile_has_no_members(hana, pat):
    with pytest.raises(InvalidInput):
        actions.add_member(user=pat.user, profile=pat.profile, username="hana")
    with pytest.raises(InvalidInput):
        actions.remove_member(user=pat.user, profile=pat.profile, member=pat.user)


def test_a_removed_manager_loses_access_at_once(pat, hklibconnect):
    owner = Membership.objects.get(profile=hklibconnect, role="owner").user
    post_actions.create_post(user=pat.user, profile=hklibconnect, text="Before")
    actions.remove_member(user=owner, profile=hklibconnect, member=pat.user)
    assert not can_act_as(pat.user, hklibconnect)
    with pytest.raises(NotAllowed):
        post_actions.create_post(user=pat.user, profile=hklibconnect, text="After")


def test_the_last_owner_cannot_leave_or_be_demoted(hana, ngac):
    with pytest.raises(InvalidInput):
        actions.remove_member(user=hana.user, profile=ngac, member=hana.user)
    with pytest.raises(InvalidInput):
        actions.set_member_role(user=hana.user, profile=ngac, member=hana.user, role="manager")
    assert is_owner(hana.user, ngac)


def test_an_owner_promotes_a_manager_who_can_then_manage_members(hana, pat, olly, ngac):
    actions.add_member(user=hana.user, profile=ngac, username="pat")
    actions.set_member_role(user=hana.user, profile=ngac, member=pat.user, role="owner")
    actions.add_member(user=pat.user, profile=ngac, username="olly")
    # With two owners, one can step down.
    actions.set_member_role(user=pat.user, profile=ngac, member=hana.user, role="manager")
    assert not is_owner(hana.user, ngac) and can_act_as(hana.user, ngac)


def test_changing_the_role_of_a_non_member_fails(hana, olly, ngac):
    with pytest.raises(NotFound):
        actions.set_member_role(user=hana.user, profile=ngac, member=olly.user, role="owner")
    with pytest.raises(NotFound):
        actions.remove_member(user=hana.user, profile=ngac, member=olly.user)
    with pytest.raises(InvalidInput):
        actions.set_member_role(user=hana.user, profile=ngac, member=hana.user, role="king")
