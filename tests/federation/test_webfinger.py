"""WebFinger, NodeInfo and the instance actor."""

from django.test import Client


def test_webfinger_finds_a_local_profile(federation_on, hana):
    answer = Client().get("/.well-known/webfinger", {"resource": "acct:Hana@chat-a.test"})
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/jrd+json"
    data = answer.json()
    assert data["subject"] == "acct:hana@chat-a.test"
    self_link = next(link for link in data["links"] if link["rel"] == "self")
    assert self_link == {
        "rel": "self",
        "type": "application/activity+json",
        "href": "https://chat-a.test/@hana",
    }


def test_webfinger_takes_the_actor_url_too(federation_on, ngac):
    answer = Client().get("/.well-known/webfinger", {"resource": "https://chat-a.test/@NGAC"})
    assert answer.json()["subject"] == "acct:NGAC@chat-a.test"


def test_webfinger_answers_404_for_unknown_and_other_domains(federation_on, hana):
    client = Client()
    for resource in ["acct:nobody@chat-a.test", "acct:hana@elsewhere.example", "", "hana"]:
        answer = client.get("/.well-known/webfinger", {"resource": resource})
        assert answer.status_code == 404
        assert "error" in answer.json()


def test_the_instance_actor_publishes_its_key(federation_on, db):
    answer = Client().get("/actor", headers={"Accept": "application/activity+json"})
    data = answer.json()
    assert data["type"] == "Application"
    assert data["publicKey"]["id"] == "https://chat-a.test/actor#main-key"
    assert data["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")


def test_nodeinfo_says_activitypub_when_federating(federation_on, db):
    assert Client().get("/nodeinfo/2.0").json()["protocols"] == ["activitypub"]


def test_nodeinfo_says_nothing_when_local_only(settings, db):
    settings.BASE_URL = "http://127.0.0.1:8000"
    assert Client().get("/nodeinfo/2.0").json()["protocols"] == []
