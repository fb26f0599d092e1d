from accounts.models import Block, Follow, Mute


def test_verify_and_update_credentials(as_hana, hana):
    me = as_hana.get("/api/v1/accounts/verify_credentials").json()
    assert me["id"] == str(hana.profile.id) and me["acct"] == "hana"
    assert me["created_at"].endswith("Z") and me["statuses_count"] == 0
    r = as_hana.patch(
        "/api/v1/accounts/update_credentials", {"display_name": "Hana W", "note": "Librarian"}
    )
    assert r.status_code == 200
    assert r.json()["display_name"] == "Hana W" and "Librarian" in r.json()["note"]
    hana.profile.refresh_from_db()
    assert hana.profile.bio == "Librarian"


def test_account_lookup_statuses_and_counts(as_pat, anonymous, hana):
    as_pat.post("/api/v1/statuses", {"status": "hi #x"})
    me = as_pat.get("/api/v1/accounts/verify_credentials").json()
    assert anonymous.get("/api/v1/accounts/lookup", {"acct": "@PAT"}).json()["id"] == me["id"]
    assert anonymous.get("/api/v1/accounts/lookup", {"acct": "nobody"}).status_code == 404
    statuses = anonymous.get(f"/api/v1/accounts/{me['id']}/statuses").json()
    assert len(statuses) == 1
    account = anonymous.get(f"/api/v1/accounts/{me['id']}").json()
    assert account["statuses_count"] == 1 and account["last_status_at"]
    assert anonymous.get("/api/v1/accounts/999").status_code == 404


def test_follow_block_mute_and_relationships(as_pat, pat, hana):
    hid = str(hana.profile.id)
    rel = as_pat.post(f"/api/v1/accounts/{hid}/follow").json()
    assert rel["following"] is True
    assert Follow.objects.filter(follower=pat.profile, followee=hana.profile).exists()
    followers = as_pat.get(f"/api/v1/accounts/{hid}/followers").json()
    assert [a["username"] for a in followers] == ["pat"]
    following = as_pat.get(f"/api/v1/accounts/{pat.profile.id}/following").json()
    assert [a["username"] for a in following] == ["hana"]
    rels = as_pat.get("/api/v1/accounts/relationships", {"id[]": [hid, "12"]}).json()
    assert [r["id"] for r in rels] == [hid]
    assert as_pat.post(f"/api/v1/accounts/{hid}/unfollow").json()["following"] is False
    assert (
        as_pat.post(f"/api/v1/accounts/{hid}/mute", {"notifications": False}).json()[
            "muting_notifications"
        ]
        is False
    )
    assert Mute.objects.get().notifications is False
    assert as_pat.get("/api/v1/mutes").json()[0]["id"] == hid
    assert as_pat.post(f"/api/v1/accounts/{hid}/unmute").json()["muting"] is False
    assert as_pat.post(f"/api/v1/accounts/{hid}/block").json()["blocking"] is True
    assert as_pat.get("/api/v1/blocks").json()[0]["id"] == hid
    assert as_pat.post(f"/api/v1/accounts/{hid}/unblock").json()["blocking"] is False
    assert not Block.objects.exists()


def test_account_search(as_pat, hana, ngac):
    found = as_pat.get("/api/v1/accounts/search", {"q": "ng"}).json()
    assert [a["username"] for a in found] == ["NGAC"]
    by_name = as_pat.get("/api/v1/accounts/search", {"q": "Hana"}).json()
    assert [a["username"] for a in by_name] == ["hana"]


def test_update_credentials_takes_a_multipart_avatar(as_hana, hana):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 30, 30)).save(buffer, format="PNG")
    avatar = SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")
    r = as_hana.client.post(
        "/api/v1/accounts/update_credentials",
        {"display_name": "Hana H", "avatar": avatar},
        headers={"Authorization": f"Bearer {as_hana.token}"},
    )
    assert r.status_code == 200, r.content
    hana.profile.refresh_from_db()
    assert hana.profile.avatar and hana.profile.display_name == "Hana H"
    assert "/media/" in r.json()["avatar"]


def test_a_browser_session_is_not_a_token(hana, client):
    client.force_login(hana.user)
    assert client.post("/api/v1/statuses", {"status": "hi"}).status_code == 401
    assert client.get("/api/v1/accounts/verify_credentials").status_code == 401
