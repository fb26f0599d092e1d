"""/signup/"""

from accounts.models import User


def test_the_form_has_labelled_fields(client, db):
    r = client.get("/signup/")
    assert r.status_code == 200
    for field in ("username", "email", "password", "handle"):
        assert f'for="id_{field}"' in r.text


def test_signing_up_logs_in_and_goes_home(client, db):
    r = client.post(
        "/signup/",
        {
            "username": "mei",
            "email": "mei@example.org",
            "password": "a-long-passphrase",
            "handle": "",
        },
    )
    assert r.status_code == 302 and r.url == "/"
    user = User.objects.get(username="mei")
    assert client.session["_auth_user_id"] == str(user.pk)
    home = client.get("/")
    assert "Home timeline of @mei" in home.text


def test_a_taken_handle_shows_the_form_again(client, pat):
    r = client.post(
        "/signup/",
        {
            "username": "mei",
            "email": "mei@example.org",
            "password": "a-long-passphrase",
            "handle": "Pat",
        },
    )
    assert r.status_code == 422
    assert "The handle @Pat is taken." in r.text
    assert 'value="mei"' in r.text
    assert not User.objects.filter(username="mei").exists()


def test_an_invalid_handle_shows_what_is_wrong(client, db):
    r = client.post(
        "/signup/",
        {
            "username": "mei",
            "email": "mei@example.org",
            "password": "a-long-passphrase",
            "handle": "no way",
        },
    )
    assert r.status_code == 422
    assert "1 to 30 letters" in r.text
    assert not User.objects.exists()


def test_missing_fields_are_reported(client, db):
    r = client.post("/signup/", {"username": "", "email": "x", "password": ""})
    assert r.status_code == 422
    assert "This field is required." in r.text
    assert "Enter a valid email address." in r.text


def test_every_field_shows_its_problem_at_once(client, db):
    r = client.post("/signup/", {"username": "mei chan", "email": "", "password": "short"})
    assert r.status_code == 422
    assert "A username is letters, digits and @ . + - _ only." in r.text
    assert "This field is required." in r.text
    assert "Use at least 8 characters." in r.text
    assert r.text.count('aria-invalid="true"') == 3
    assert not User.objects.exists()
