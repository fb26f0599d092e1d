"""/settings/members/ for the active organisation profile."""

from accounts.actions import remove_member
from accounts.middleware import SESSION_KEY
from accounts.models import Membership
from accounts.permissions import can_act_as


def act_as(client, person, profile):
    client.force_login(person.user)
    session = client.session
    session[SESSION_KEY] = str(profile.id)
    session.save()


def test_an_owner_sees_members_and_the_add_form(client, hana, ngac):
    act_as(client, hana, ngac)
    r = client.get("/settings/members/")
    assert r.status_code == 200
    assert "Who can act as @NGAC" in r.text
    assert "Add a member" in r.text


def test_an_owner_adds_changes_and_removes_a_member(client, hana, pat, ngac):
    act_as(client, hana, ngac)
    r = client.post("/settings/members/", {"op": "add", "username": "pat", "role": "manager"})
    assert r.status_code == 302
    assert can_act_as(pat.user, ngac)
    client.post("/settings/members/", {"op": "role", "member": "pat", "role": "owner"})
    assert Membership.objects.get(user=pat.user, profile=ngac).role == "owner"
    client.post("/settings/members/", {"op": "remove", "member": "pat"})
    assert not can_act_as(pat.user, ngac)


def test_adding_an_unknown_login_shows_the_form_again(client, hana, ngac):
    act_as(client, hana, ngac)
    r = client.post("/settings/members/", {"op": "add", "username": "nobody", "role": "manager"})
    assert r.status_code == 404
    assert "There is no login called “nobody”." in r.text


def test_a_manager_sees_the_list_but_cannot_change_it(client, pat, olly, hklibconnect):
    act_as(client, pat, hklibconnect)
    r = client.get("/settings/members/")
    assert r.status_code == 200
    assert "Only an owner of @HKLibConnect can change its members." in r.text
    assert "Add a member" not in r.text
    r = client.post("/settings/members/", {"op": "add", "username": "olly", "role": "owner"})
    assert r.status_code == 403
    assert not can_act_as(olly.user, hklibconnect)
    r = client.post("/settings/members/", {"op": "remove", "member": "jo"})
    assert r.status_code == 403
    assert "Only an owner of @HKLibConnect can do that." in r.text


def test_a_personal_profile_explains_it_has_no_members(client, pat):
    client.force_login(pat.user)
    r = client.get("/settings/members/")
    assert r.status_code == 200
    assert "is a personal profile" in r.text


def test_a_removed_manager_cannot_switch_to_the_profile_any_more(client, pat, hklibconnect):
    act_as(client, pat, hklibconnect)
    assert client.get("/settings/members/").context["active_profile"] == hklibconnect
    owner = Membership.objects.get(profile=hklibconnect, role="owner").user
    remove_member(user=owner, profile=hklibconnect, member=pat.user)
    r = client.get("/settings/members/")
    # The session still names HKLibConnect, but the next request acts as Pat.
    assert r.context["active_profile"] == pat.profile
