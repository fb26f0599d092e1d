from urllib.parse import parse_qs, urlparse

from posts import actions as post_actions


def _post(person, text, **kw):
    return post_actions.create_post(user=person.user, profile=person.profile, text=text, **kw)


def _link(response, rel):
    for part in response["Link"].split(","):
        url, _, kind = part.partition(";")
        if f'rel="{rel}"' in kind:
            return parse_qs(urlparse(url.strip(" <>")).query)
    return None


def test_tag_timeline_pages_with_max_id_min_id_and_link_headers(anonymous, hana, pat):
    posts = [_post(hana if i % 2 else pat, f"A{i} #AusLibChat") for i in range(7)]
    _post(hana, "other #elsewhere")
    first = anonymous.get("/api/v1/timelines/tag/auslibchat", {"limit": 3})
    assert [s["id"] for s in first.json()] == [str(p.id) for p in posts[::-1][:3]]
    next_q = _link(first, "next")
    assert next_q["max_id"] == [str(posts[4].id)] and next_q["limit"] == ["3"]
    second = anonymous.get("/api/v1/timelines/tag/auslibchat", {"limit": 3, "max_id": posts[4].id})
    assert [s["id"] for s in second.json()] == [str(p.id) for p in posts[3:0:-1]]
    newer = anonymous.get("/api/v1/timelines/tag/AusLibChat", {"limit": 2, "min_id": posts[1].id})
    assert [s["id"] for s in newer.json()] == [str(posts[3].id), str(posts[2].id)]
    since = anonymous.get("/api/v1/timelines/tag/auslibchat", {"limit": 2, "since_id": posts[1].id})
    assert [s["id"] for s in since.json()] == [str(posts[6].id), str(posts[5].id)]


def test_tag_timeline_any_all_none(anonymous, hana):
    a = _post(hana, "#one")
    b = _post(hana, "#one #two")
    c = _post(hana, "#three")
    _post(hana, "#one #four")
    ids = lambda r: {s["id"] for s in r.json()}  # noqa: E731
    assert ids(
        anonymous.get("/api/v1/timelines/tag/one", {"any[]": ["three"], "none[]": ["four"]})
    ) == {
        str(a.id),
        str(b.id),
        str(c.id),
    }
    assert ids(anonymous.get("/api/v1/timelines/tag/one", {"all[]": ["two"]})) == {str(b.id)}


def test_home_shows_followed_profiles_and_public_the_rest(as_pat, pat, hana, olly):
    from accounts import actions as account_actions

    account_actions.follow(user=pat.user, profile=pat.profile, target=hana.profile)
    h = _post(hana, "hello")
    _post(olly, "not followed")
    home = as_pat.get("/api/v1/timelines/home").json()
    assert [s["id"] for s in home] == [str(h.id)]
    assert len(as_pat.get("/api/v1/timelines/public").json()) == 2
    assert as_pat.get("/api/v1/timelines/public", {"remote": "true"}).json() == []
    assert len(as_pat.get("/api/v1/timelines/public", {"local": "1"}).json()) == 2


def test_a_timeline_page_costs_a_fixed_number_of_queries(
    as_pat, pat, hana, olly, django_assert_max_num_queries
):
    from accounts import actions as account_actions

    for target in (hana, olly):
        account_actions.follow(user=pat.user, profile=pat.profile, target=target.profile)
    for i in range(5):
        _post(hana, f"A{i} #chat @pat")
    with django_assert_max_num_queries(8):
        small = as_pat.get("/api/v1/timelines/tag/chat", {"limit": 5})
    for i in range(40):
        root = _post(olly if i % 2 else hana, f"B{i} #chat")
        if i % 5 == 0:
            post_actions.repost(user=pat.user, profile=pat.profile, post=root)
            post_actions.like(user=pat.user, profile=pat.profile, post=root)
            _post(pat, f"reply {i} #chat", in_reply_to=root)
    with django_assert_max_num_queries(8):
        big = as_pat.get("/api/v1/timelines/tag/chat", {"limit": 40})
    with django_assert_max_num_queries(8):
        home = as_pat.get("/api/v1/timelines/home", {"limit": 40})
    with django_assert_max_num_queries(8):
        public = as_pat.get("/api/v1/timelines/public", {"limit": 40})
    assert len(small.json()) == 5 and len(big.json()) == 40
    assert len(home.json()) == 40 and len(public.json()) == 40
    assert any(s["favourited"] for s in big.json())


def test_blocked_and_muted_authors_are_left_out(as_pat, pat, hana, olly):
    from accounts import actions as account_actions

    _post(hana, "from hana #chat")
    _post(olly, "from olly #chat")
    account_actions.mute(user=pat.user, profile=pat.profile, target=hana.profile)
    account_actions.block(user=olly.user, profile=olly.profile, target=pat.profile)
    assert as_pat.get("/api/v1/timelines/tag/chat").json() == []
    assert as_pat.get("/api/v1/timelines/public").json() == []


def test_a_page_read_again_shows_what_changed_since(as_hana, as_pat, hana, pat, olly):
    """Statuses are partly kept between requests (entities.statuses._StatusParts):
    counts, edits and the viewer's own flags must still be current on the next read."""
    answer = _post(pat, "A1 first thoughts #auslibchat @hana")
    url = "/api/v1/timelines/tag/auslibchat"
    (before,) = as_hana.get(url).json()
    assert before["favourites_count"] == 0 and not before["favourited"]
    assert [m["acct"] for m in before["mentions"]] == ["hana"]

    as_hana.post(f"/api/v1/statuses/{answer.id}/favourite")
    (liked,) = as_hana.get(url).json()
    assert liked["favourites_count"] == 1 and liked["favourited"]
    as_hana.post(f"/api/v1/statuses/{answer.id}/reblog")
    (reblogged,) = as_hana.get(url).json()
    assert reblogged["reblogs_count"] == 1 and reblogged["reblogged"]
    post_actions.create_post(
        user=olly.user, profile=olly.profile, text="agreed", in_reply_to=answer
    )
    (replied,) = as_hana.get(url).json()
    assert replied["replies_count"] == 1
    (for_pat,) = as_pat.get(url).json()
    assert not for_pat["favourited"] and not for_pat["reblogged"]

    edited = as_pat.put(
        f"/api/v1/statuses/{answer.id}", {"status": "A1 second thoughts #auslibchat #edchat"}
    )
    assert edited.status_code == 200, edited.content
    (after,) = as_hana.get(url).json()
    assert "second thoughts" in after["content"] and after["edited_at"]
    assert [t["name"] for t in after["tags"]] == ["auslibchat", "edchat"]
    assert after["mentions"] == []
    assert after["favourites_count"] == 1
