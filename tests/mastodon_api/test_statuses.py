from posts.models import Like, Post


def test_it_posts_a_status_with_a_hashtag(as_hana, hana):
    r = as_hana.post("/api/v1/statuses", {"status": "Q1 What is good service? #AusLibChat"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["account"]["username"] == "hana"
    assert body["tags"][0]["name"] == "auslibchat"
    assert "#" in body["content"] and 'href="http' in body["content"]
    assert Post.objects.get(pk=int(body["id"])).author == hana.profile
    assert r["X-RateLimit-Limit"] and r["X-RateLimit-Remaining"]


def test_reads_report_the_writes_left_without_counting_themselves(as_hana):
    first = as_hana.post("/api/v1/markers", {"home": {"last_read_id": "1"}})
    as_hana.post("/api/v1/markers", {"home": {"last_read_id": "2"}})
    left = int(first["X-RateLimit-Remaining"]) - 1
    for _ in range(2):
        read = as_hana.get("/api/v1/timelines/tag/auslibchat")
        assert read["X-RateLimit-Limit"] == first["X-RateLimit-Limit"]
        assert read["X-RateLimit-Remaining"] == str(left)


def test_a_new_status_reports_the_posting_limit_it_was_counted_against(as_hana, settings):
    limits = {**settings.HASHCHAT["RATE_LIMITS"], "post:profile": (30, 60), "api": (300, 300)}
    settings.HASHCHAT = {**settings.HASHCHAT, "RATE_LIMITS": limits}
    r = as_hana.post("/api/v1/statuses", {"status": "one #auslibchat"})
    assert (r["X-RateLimit-Limit"], r["X-RateLimit-Remaining"]) == ("30", "29")


def test_the_same_idempotency_key_gives_the_same_status(as_hana):
    headers = {"Idempotency-Key": "abc-123"}
    first = as_hana.post("/api/v1/statuses", {"status": "once"}, headers=headers).json()
    second = as_hana.post("/api/v1/statuses", {"status": "once"}, headers=headers).json()
    assert first["id"] == second["id"]
    assert Post.objects.count() == 1


def test_a_form_body_and_a_reply_work(as_hana, as_pat, hana):
    root = as_hana.post("/api/v1/statuses", {"status": "Q1 #x"}).json()
    r = as_pat.post(
        "/api/v1/statuses/", {"status": "A1 yes", "in_reply_to_id": root["id"]}, form=True
    )
    assert r.status_code == 200
    assert r.json()["in_reply_to_id"] == root["id"]
    assert r.json()["in_reply_to_account_id"] == str(hana.profile.id)


def test_bad_statuses_are_refused_with_mastodon_codes(as_hana, anonymous):
    assert as_hana.post("/api/v1/statuses", {"status": ""}).status_code == 422
    assert as_hana.post("/api/v1/statuses", {"status": "x" * 501}).status_code == 422
    r = as_hana.post("/api/v1/statuses", {"status": "hi", "visibility": "direct"})
    assert r.status_code == 422 and "error" in r.json()
    assert anonymous.post("/api/v1/statuses", {"status": "hi"}).status_code == 401
    bad = anonymous.post(
        "/api/v1/statuses", {"status": "hi"}, headers={"Authorization": "Bearer nope"}
    )
    assert bad.status_code == 401
    assert bad.json() == {"error": "The access token is invalid"}
    assert as_hana.get("/api/v1/statuses/123456").status_code == 404
    assert Post.objects.count() == 0


def test_a_read_only_token_cannot_post(app, hana):
    from tests.mastodon_api.conftest import ApiClient, make_token

    client = ApiClient(make_token(app, hana, scopes="read"))
    r = client.post("/api/v1/statuses", {"status": "hi"})
    assert r.status_code == 403
    granular = ApiClient(make_token(app, hana, scopes="read write:statuses"))
    assert granular.post("/api/v1/statuses", {"status": "hi"}).status_code == 200
    assert granular.post("/api/v1/accounts/1/follow").status_code == 403


def test_edit_source_history_and_delete(as_hana, as_pat):
    s = as_hana.post("/api/v1/statuses", {"status": "first #x"}).json()
    edited = as_hana.put(f"/api/v1/statuses/{s['id']}", {"status": "second #x"})
    assert edited.status_code == 200 and edited.json()["edited_at"]
    assert as_hana.get(f"/api/v1/statuses/{s['id']}/source").json()["text"] == "second #x"
    history = as_hana.get(f"/api/v1/statuses/{s['id']}/history").json()
    assert [h["content"] for h in history][0].startswith("<p>first")
    assert len(history) == 2
    assert as_pat.delete(f"/api/v1/statuses/{s['id']}").status_code == 403
    deleted = as_hana.delete(f"/api/v1/statuses/{s['id']}")
    assert deleted.status_code == 200 and deleted.json()["text"] == "second #x"
    assert as_hana.get(f"/api/v1/statuses/{s['id']}").status_code == 404


def test_favourite_reblog_bookmark_and_who_did_it(as_hana, as_pat, pat):
    s = as_hana.post("/api/v1/statuses", {"status": "Q2 #x"}).json()
    fav = as_pat.post(f"/api/v1/statuses/{s['id']}/favourite").json()
    assert fav["favourited"] is True and fav["favourites_count"] == 1
    reblog = as_pat.post(f"/api/v1/statuses/{s['id']}/reblog").json()
    assert reblog["reblog"]["id"] == s["id"] and reblog["reblog"]["reblogged"] is True
    assert as_pat.post(f"/api/v1/statuses/{s['id']}/bookmark").json()["bookmarked"] is True
    by = as_hana.get(f"/api/v1/statuses/{s['id']}/favourited_by").json()
    assert [a["id"] for a in by] == [str(pat.profile.id)]
    assert [
        a["username"] for a in as_hana.get(f"/api/v1/statuses/{s['id']}/reblogged_by").json()
    ] == ["pat"]
    assert as_pat.get("/api/v1/bookmarks").json()[0]["id"] == s["id"]
    assert as_pat.get("/api/v1/favourites").json()[0]["id"] == s["id"]
    unfav = as_pat.post(f"/api/v1/statuses/{s['id']}/unfavourite").json()
    assert unfav["favourited"] is False
    unreblog = as_pat.post(f"/api/v1/statuses/{s['id']}/unreblog").json()
    assert unreblog["reblogged"] is False and unreblog["reblogs_count"] == 0
    assert as_pat.post(f"/api/v1/statuses/{s['id']}/unbookmark").json()["bookmarked"] is False
    assert not Like.objects.exists()


def test_context_gives_ancestors_and_descendants(as_hana, as_pat):
    root = as_hana.post("/api/v1/statuses", {"status": "Q1 #x"}).json()
    a1 = as_pat.post("/api/v1/statuses", {"status": "A1", "in_reply_to_id": root["id"]}).json()
    a2 = as_hana.post("/api/v1/statuses", {"status": "thanks", "in_reply_to_id": a1["id"]}).json()
    context = as_pat.get(f"/api/v1/statuses/{a1['id']}/context").json()
    assert [s["id"] for s in context["ancestors"]] == [root["id"]]
    assert [s["id"] for s in context["descendants"]] == [a2["id"]]
