def test_notifications_list_filter_get_dismiss_and_clear(as_hana, as_pat, hana, pat):
    s = as_hana.post("/api/v1/statuses", {"status": "Q1 #x"}).json()
    as_pat.post(f"/api/v1/statuses/{s['id']}/favourite")
    as_pat.post("/api/v1/statuses", {"status": "A1", "in_reply_to_id": s["id"]})
    as_pat.post(f"/api/v1/accounts/{hana.profile.id}/follow")
    listed = as_hana.get("/api/v1/notifications").json()
    assert [n["type"] for n in listed] == ["follow", "mention", "favourite"]
    assert listed[2]["status"]["id"] == s["id"]
    assert listed[0]["account"]["username"] == "pat"
    only = as_hana.get("/api/v1/notifications", {"types[]": ["favourite"]}).json()
    assert [n["type"] for n in only] == ["favourite"]
    rest = as_hana.get("/api/v1/notifications", {"exclude_types[]": ["follow", "mention"]}).json()
    assert [n["type"] for n in rest] == ["favourite"]
    one = as_hana.get(f"/api/v1/notifications/{listed[0]['id']}").json()
    assert one["id"] == listed[0]["id"]
    assert as_pat.get(f"/api/v1/notifications/{listed[0]['id']}").status_code == 404
    assert as_hana.post(f"/api/v1/notifications/{listed[0]['id']}/dismiss").status_code == 200
    assert len(as_hana.get("/api/v1/notifications").json()) == 2
    assert as_hana.post("/api/v1/notifications/clear").status_code == 200
    assert as_hana.get("/api/v1/notifications").json() == []
