from mastodon_api.models import Report


def test_tags_follow_unfollow_and_followed_tags(as_pat, anonymous):
    as_pat.post("/api/v1/statuses", {"status": "#AusLibChat hi"})
    assert anonymous.get("/api/v1/tags/auslibchat").json()["name"] == "auslibchat"
    assert anonymous.get("/api/v1/tags/nothing").status_code == 404
    assert as_pat.get("/api/v1/tags/AusLibChat").json()["following"] is False
    assert as_pat.post("/api/v1/tags/AusLibChat/follow").json()["following"] is True
    assert [t["name"] for t in as_pat.get("/api/v1/followed_tags").json()] == ["auslibchat"]
    assert as_pat.post("/api/v1/tags/auslibchat/unfollow").json()["following"] is False
    assert as_pat.get("/api/v1/followed_tags").json() == []


def test_search_v2_finds_accounts_hashtags_and_statuses(as_pat, hana):
    as_pat.post("/api/v1/statuses", {"status": "Customer service matters #AusLibChat"})
    r = as_pat.get("/api/v2/search", {"q": "hana"}).json()
    assert [a["username"] for a in r["accounts"]] == ["hana"]
    tags = as_pat.get("/api/v2/search", {"q": "#auslib", "type": "hashtags"}).json()
    assert [t["name"] for t in tags["hashtags"]] == ["auslibchat"] and tags["accounts"] == []
    found = as_pat.get("/api/v2/search", {"q": "customer", "type": "statuses"}).json()
    assert len(found["statuses"]) == 1
    assert as_pat.get("/api/v2/search", {"q": "x", "type": "bogus"}).status_code == 422


def test_markers_are_saved_and_versioned(as_pat):
    assert as_pat.get("/api/v1/markers", {"timeline[]": ["home"]}).json() == {}
    r = as_pat.post("/api/v1/markers", {"home": {"last_read_id": "123"}})
    assert r.json()["home"]["last_read_id"] == "123"
    form = as_pat.post(
        "/api/v1/markers",
        {"notifications[last_read_id]": "55", "home[last_read_id]": "124"},
        form=True,
    ).json()
    assert form["home"] == {**form["home"], "last_read_id": "124", "version": 1}
    got = as_pat.get("/api/v1/markers", {"timeline[]": ["home", "notifications"]}).json()
    assert got["notifications"]["last_read_id"] == "55"


def test_a_report_is_stored_for_moderators(as_pat, as_hana, hana, pat):
    s = as_hana.post("/api/v1/statuses", {"status": "spam spam"}).json()
    r = as_pat.post(
        "/api/v1/reports",
        {
            "account_id": str(hana.profile.id),
            "status_ids": [s["id"]],
            "comment": "Spam",
            "category": "spam",
        },
    )
    assert r.status_code == 200, r.content
    assert r.json()["target_account"]["username"] == "hana"
    report = Report.objects.get()
    assert report.reporter == pat.profile and list(report.posts.values_list("id", flat=True)) == [
        int(s["id"])
    ]
    assert as_pat.post("/api/v1/reports", {"account_id": str(pat.profile.id)}).status_code == 422
