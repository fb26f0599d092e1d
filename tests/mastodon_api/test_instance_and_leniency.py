def test_instance_v1_and_v2(anonymous, settings):
    v1 = anonymous.get("/api/v1/instance").json()
    assert v1["version"].startswith("4.") and v1["urls"]["streaming_api"].startswith("ws")
    assert v1["configuration"]["statuses"]["max_characters"] == 500
    v2 = anonymous.get("/api/v2/instance/").json()
    assert v2["api_versions"] == {"mastodon": 2}
    assert v2["configuration"]["urls"]["streaming"] == "ws://127.0.0.1:8000"
    assert anonymous.get("/api/v1/instance/peers").json() == []


def test_nodeinfo(anonymous):
    index = anonymous.get("/.well-known/nodeinfo").json()
    assert index["links"][0]["href"].endswith("/nodeinfo/2.0")
    info = anonymous.get("/nodeinfo/2.0").json()
    assert info["software"]["name"] == "hashchat" and info["version"] == "2.0"


def test_unknown_fields_booleans_and_trailing_slashes_are_tolerated(as_pat, hana):
    r = as_pat.post("/api/v1/statuses/", {"status": "hi", "made_up": 1, "sensitive": "false"})
    assert r.status_code == 200
    assert (
        as_pat.get(
            f"/api/v1/accounts/{hana.profile.id}/statuses/", {"exclude_replies": "1"}
        ).status_code
        == 200
    )
    assert as_pat.get("/api/v1/timelines/public", {"remote": "maybe"}).status_code == 422


def test_unknown_api_paths_and_methods_answer_json(as_pat):
    r = as_pat.get("/api/v1/no_such_thing")
    assert r.status_code == 404 and r.json() == {"error": "Record not found"}
    r = as_pat.get("/api/v1/statuses")
    assert r.status_code == 405 and "error" in r.json()


def test_bad_json_is_a_400(as_pat):
    r = as_pat.client.post(
        "/api/v1/statuses",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {as_pat.token}"},
    )
    assert r.status_code == 400 and "error" in r.json()
