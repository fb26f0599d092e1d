"""Rate limits (core/ratelimit.py) and where they apply: posting, sign-up, login."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from accounts import actions as account_actions
from accounts.login_limits import LOGIN_FAILED
from core import ratelimit
from core.errors import InvalidInput, RateLimited
from posts.actions import create_post
from posts.models import Post

T0 = datetime(2026, 3, 3, 11, 0, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def limits(settings):
    """Small limits, so the tests stay short."""

    def set_limits(**named):
        settings.HASHCHAT = {
            **settings.HASHCHAT,
            "RATE_LIMITS": {name.replace("__", ":"): v for name, v in named.items()},
        }

    return set_limits


def test_it_counts_down_and_refuses_past_the_limit(db, frozen):
    statuses = [ratelimit.hit("t", "k", limit=3, window=60) for _ in range(3)]
    assert [s.remaining for s in statuses] == [2, 1, 0]
    assert statuses[0].reset_at == T0 + timedelta(seconds=60)
    with pytest.raises(RateLimited) as exc:
        ratelimit.hit("t", "k", limit=3, window=60)
    assert exc.value.retry_after == 60
    assert exc.value.status == 429


def test_retry_after_counts_to_the_end_of_the_window(db, frozen):
    ratelimit.hit("t", "k", limit=1, window=60)
    frozen.shift(45)
    with pytest.raises(RateLimited) as exc:
        ratelimit.hit("t", "k", limit=1, window=60)
    assert exc.value.retry_after == 15
    assert "15 seconds" in exc.value.message


def test_a_new_window_starts_fresh(db, frozen):
    ratelimit.hit("t", "k", limit=1, window=60)
    frozen.shift(60)
    assert ratelimit.hit("t", "k", limit=1, window=60).remaining == 0


def test_keys_and_buckets_are_counted_apart(db, frozen):
    ratelimit.hit("t", "a", limit=1, window=60)
    ratelimit.hit("t", "b", limit=1, window=60)
    ratelimit.hit("u", "a", limit=1, window=60)
    with pytest.raises(RateLimited):
        ratelimit.hit("t", "a", limit=1, window=60)


def test_peek_reads_without_counting(db, frozen):
    assert ratelimit.peek("t", "k", limit=2, window=60).remaining == 2
    ratelimit.hit("t", "k", limit=2, window=60)
    assert ratelimit.peek("t", "k", limit=2, window=60).remaining == 1
    assert ratelimit.peek("t", "k", limit=2, window=60).remaining == 1


def test_status_headers_follow_mastodon(db, frozen):
    status = ratelimit.hit("t", "k", limit=5, window=300)
    assert status.headers() == {
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "4",
        "X-RateLimit-Reset": "2026-03-03T11:05:00Z",
    }


def test_limits_come_from_the_environment_string():
    from hashchat.settings import rate_limits

    limits = rate_limits("post:profile=60/120, signup:ip=0")
    assert limits["post:profile"] == (60, 120)
    assert limits["signup:ip"] == (0, 60)
    assert limits["login:ip"] == (30, 300)


def test_nothing_is_counted_outside_a_client_request(db, frozen, limits):
    limits(signup__ip=(1, 3600))
    assert ratelimit.limit_client("signup:ip") is None
    assert ratelimit.limit_client("signup:ip") is None


def test_a_limit_set_to_zero_is_off(db, frozen, limits):
    limits(signup__ip=(0, 3600))
    with ratelimit.serving("203.0.113.9"):
        assert ratelimit.limit_client("signup:ip") is None


# Posting ----------------------------------------------------------------------------


def test_posting_is_limited_per_profile(pat, frozen, limits):
    limits(post__profile=(2, 60), post__ip=(100, 60))
    with ratelimit.serving("203.0.113.9"):
        create_post(user=pat.user, profile=pat.profile, text="one")
        create_post(user=pat.user, profile=pat.profile, text="two")
        with pytest.raises(RateLimited) as exc:
            create_post(user=pat.user, profile=pat.profile, text="three")
    assert "posting too fast" in exc.value.message
    assert exc.value.retry_after == 60
    assert Post.objects.filter(author=pat.profile).count() == 2


def test_each_profile_of_a_login_has_its_own_posting_limit(pat, hklibconnect, frozen, limits):
    limits(post__profile=(1, 60), post__ip=(100, 60))
    with ratelimit.serving("203.0.113.9"):
        create_post(user=pat.user, profile=pat.profile, text="as me")
        create_post(user=pat.user, profile=hklibconnect, text="as the library")
        with pytest.raises(RateLimited):
            create_post(user=pat.user, profile=pat.profile, text="again")


def test_posting_is_limited_per_ip(pat, olly, frozen, limits):
    limits(post__profile=(100, 60), post__ip=(2, 60))
    with ratelimit.serving("203.0.113.9"):
        create_post(user=pat.user, profile=pat.profile, text="one")
        create_post(user=olly.user, profile=olly.profile, text="two")
        with pytest.raises(RateLimited):
            create_post(user=olly.user, profile=olly.profile, text="three")
    with ratelimit.serving("198.51.100.7"):
        create_post(user=olly.user, profile=olly.profile, text="from elsewhere")


def test_a_post_refused_per_ip_does_not_use_up_the_profiles_allowance(pat, olly, frozen, limits):
    limits(post__profile=(2, 60), post__ip=(2, 60))
    with ratelimit.serving("203.0.113.9"):
        create_post(user=olly.user, profile=olly.profile, text="one")
        create_post(user=olly.user, profile=olly.profile, text="two")
        for _ in range(3):
            with pytest.raises(RateLimited):
                create_post(user=pat.user, profile=pat.profile, text="refused per IP")
    with ratelimit.serving("198.51.100.7"):
        create_post(user=pat.user, profile=pat.profile, text="from elsewhere")
        create_post(user=pat.user, profile=pat.profile, text="and again")
        with pytest.raises(RateLimited):
            create_post(user=pat.user, profile=pat.profile, text="now the profile's limit")


def test_a_post_refused_per_profile_does_not_use_up_the_ip_allowance(pat, olly, frozen, limits):
    limits(post__profile=(1, 60), post__ip=(2, 60))
    with ratelimit.serving("203.0.113.9"):
        create_post(user=pat.user, profile=pat.profile, text="one")
        for _ in range(3):
            with pytest.raises(RateLimited):
                create_post(user=pat.user, profile=pat.profile, text="refused per profile")
        create_post(user=olly.user, profile=olly.profile, text="the address has room")
        with pytest.raises(RateLimited):
            create_post(user=olly.user, profile=olly.profile, text="now olly's own limit")


def test_a_retry_with_the_same_idempotency_key_is_not_counted(pat, frozen, limits):
    limits(post__profile=(1, 60), post__ip=(100, 60))
    with ratelimit.serving("203.0.113.9"):
        first = create_post(user=pat.user, profile=pat.profile, text="once", idempotency_key="k1")
        again = create_post(user=pat.user, profile=pat.profile, text="once", idempotency_key="k1")
    assert again.pk == first.pk


def test_scheduled_posts_are_never_limited(hana, ngac, frozen, limits):
    limits(post__profile=(1, 60), post__ip=(1, 60))
    with ratelimit.serving("203.0.113.9"):
        for n in range(3):
            create_post(user=None, profile=ngac, text=f"Q{n} #auslibchat", system=True)
    assert Post.objects.filter(author=ngac).count() == 3


def test_the_limit_is_lifted_after_the_window(pat, frozen, limits):
    limits(post__profile=(1, 60), post__ip=(100, 60))
    with ratelimit.serving("203.0.113.9"):
        create_post(user=pat.user, profile=pat.profile, text="one")
        frozen.shift(61)
        create_post(user=pat.user, profile=pat.profile, text="two")


# New profiles: mentions and links ---------------------------------------------------


def test_a_new_profile_can_mention_five_people_at_most(pat, frozen):
    five = " ".join(f"@p{n}" for n in range(5))
    create_post(user=pat.user, profile=pat.profile, text=f"hello {five}")
    with pytest.raises(InvalidInput) as exc:
        create_post(user=pat.user, profile=pat.profile, text=f"hello {five} @p5")
    assert "mention at most 5" in exc.value.message
    assert exc.value.field == "text"


def test_a_new_profile_can_share_two_links_at_most(pat, frozen):
    create_post(user=pat.user, profile=pat.profile, text="https://a.example https://b.example")
    with pytest.raises(InvalidInput) as exc:
        create_post(
            user=pat.user,
            profile=pat.profile,
            text="https://a.example https://b.example https://c.example",
        )
    assert "at most 2 links" in exc.value.message
    assert Post.objects.filter(author=pat.profile).count() == 1


def test_the_caps_end_after_a_day(pat):
    with time_machine.travel(pat.profile.created_at + timedelta(hours=25), tick=False):
        create_post(
            user=pat.user,
            profile=pat.profile,
            text="@a @b @c @d @e @f @g https://a.example https://b.example https://c.example",
        )


def test_the_same_mention_twice_counts_once(pat, frozen):
    create_post(user=pat.user, profile=pat.profile, text="@a @a @b @c @d @e @A")


# Sign-up ----------------------------------------------------------------------------


def sign_up(n: int):
    return account_actions.sign_up(
        username=f"newcomer{n}", email=f"n{n}@example.org", password="a-long-passphrase"
    )


def test_sign_ups_are_limited_per_ip(db, frozen, limits):
    limits(signup__ip=(2, 3600))
    with ratelimit.serving("203.0.113.9"):
        sign_up(1)
        sign_up(2)
        with pytest.raises(RateLimited) as exc:
            sign_up(3)
    assert "Too many sign-ups" in exc.value.message
    assert exc.value.retry_after == 3600
    with ratelimit.serving("198.51.100.7"):
        sign_up(4)


def test_a_refused_sign_up_does_not_use_up_the_limit(db, frozen, limits):
    limits(signup__ip=(1, 3600))
    with ratelimit.serving("203.0.113.9"):
        with pytest.raises(InvalidInput):
            account_actions.sign_up(username="x1", email="x@example.org", password="short")
        sign_up(1)


# Login ------------------------------------------------------------------------------


def login(username: str, password: str = "wrong-password"):
    return account_actions.check_login(username=username, password=password)


LOGIN_LIMITS = {
    "login__ip": (100, 300),
    "login__username_ip": (5, 900),
    "login__username": (50, 3600),
}


def test_five_wrong_passwords_lock_out_only_the_address_they_came_from(pat, frozen, limits):
    limits(**LOGIN_LIMITS)
    with ratelimit.serving("203.0.113.9"):
        for _ in range(5):
            with pytest.raises(InvalidInput):
                login("pat")
        # Locked from this address: even the right password is refused, as a wrong one is.
        with pytest.raises(InvalidInput) as exc:
            login("pat", pat.password)
    assert exc.value.message == LOGIN_FAILED
    # The host, from their own address, still logs in before their chat.
    with ratelimit.serving("198.51.100.7"):
        assert login("PAT", pat.password) == pat.user
    frozen.shift(15 * 60)
    with ratelimit.serving("203.0.113.9"):
        assert login("pat", pat.password) == pat.user


def test_a_guesser_spread_over_many_addresses_meets_the_per_username_limit(pat, frozen, limits):
    limits(**{**LOGIN_LIMITS, "login__username": (3, 3600)})
    for n in range(3):
        with ratelimit.serving(f"203.0.113.{n}"), pytest.raises(InvalidInput):
            login("pat")
    with ratelimit.serving("198.51.100.7"), pytest.raises(InvalidInput):
        login("pat", pat.password)


def test_a_success_clears_the_usernames_counters(pat, frozen, limits):
    limits(**LOGIN_LIMITS)
    with ratelimit.serving("203.0.113.9"):
        for _ in range(2):
            for _ in range(4):
                with pytest.raises(InvalidInput):
                    login("pat")
            assert login("pat", pat.password) == pat.user


def test_login_attempts_are_limited_per_ip(pat, olly, frozen, limits):
    limits(**{**LOGIN_LIMITS, "login__ip": (2, 300)})
    with ratelimit.serving("203.0.113.9"):
        login("pat", pat.password)
        login("olly", olly.password)
        with pytest.raises(InvalidInput) as exc:
            login("pat", pat.password)
    assert exc.value.message == LOGIN_FAILED
    with ratelimit.serving("198.51.100.7"):
        assert login("pat", pat.password) == pat.user


def test_every_failure_reads_the_same(pat, frozen, limits):
    """Unknown username, wrong password, locked username: one exception, one text, so
    the answer never says whether a username exists."""
    limits(**{**LOGIN_LIMITS, "login__username_ip": (1, 900)})
    answers = []
    with ratelimit.serving("203.0.113.9"):
        for username, password in [("nobody", "x"), ("pat", "wrong"), ("pat", pat.password)]:
            with pytest.raises(InvalidInput) as exc:
                login(username, password)
            answers.append((type(exc.value), exc.value.message, exc.value.status))
    assert answers[0] == answers[1] == answers[2] == (InvalidInput, LOGIN_FAILED, 422)


def test_unknown_usernames_are_counted_like_known_ones(db, frozen, limits):
    limits(**LOGIN_LIMITS)
    with ratelimit.serving("203.0.113.9"):
        for _ in range(5):
            with pytest.raises(InvalidInput):
                login("nobody")
        status = ratelimit.peek("login:username_ip", "nobody\n203.0.113.9", limit=5, window=900)
    assert status.remaining == 0


def test_logins_outside_a_request_are_not_counted(pat, frozen, limits):
    limits(login__ip=(1, 300), login__username_ip=(1, 300), login__username=(1, 300))
    for _ in range(3):
        assert login("pat", pat.password) == pat.user


def test_counting_is_atomic_across_threads(db, frozen):
    from concurrent.futures import ThreadPoolExecutor

    def attempts(_):
        for _ in range(20):
            try:
                ratelimit.hit("t", "shared", limit=1000, window=60)
            except RateLimited:
                pass

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(attempts, range(8)))
    assert ratelimit.peek("t", "shared", limit=1000, window=60).remaining == 1000 - 160


# Hosts in their live event ----------------------------------------------------------


@pytest.fixture
def live_chat(hana, ngac, pat):
    """#auslibchat hosted by NGAC with Pat's personal profile as co-host, live at T0."""
    from chats import actions as chat_actions

    with time_machine.travel(T0 - timedelta(days=1), tick=False):
        series = chat_actions.create_series(
            user=hana.user,
            organiser=ngac,
            hashtag="auslibchat",
            title="Australian library chat",
            timezone="UTC",
            rrule="FREQ=DAILY",
            start_time="11:00",
            cohosts=["pat"],
        )
        return chat_actions.create_event(
            user=hana.user,
            series=series,
            occurrence_start=T0,
            topic="Customer Service",
            questions=[{"kind": "question", "text": "Why libraries?", "offset": 5}],
        )


def test_hosts_are_not_limited_in_their_live_event(hana, ngac, pat, olly, live_chat, limits):
    limits(post__profile=(1, 60), post__ip=(1, 60))
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        with ratelimit.serving("203.0.113.9"):
            for n in range(3):
                create_post(user=hana.user, profile=ngac, text=f"Q{n} #auslibchat")
                create_post(user=pat.user, profile=pat.profile, text=f"co-host {n} #auslibchat")
        with ratelimit.serving("198.51.100.7"):
            create_post(user=olly.user, profile=olly.profile, text="A1 #auslibchat")
            with pytest.raises(RateLimited):
                create_post(user=olly.user, profile=olly.profile, text="A2 #auslibchat")


def test_hosts_are_limited_again_once_the_event_is_over(hana, ngac, live_chat, limits):
    limits(post__profile=(1, 60), post__ip=(100, 60))
    after = live_chat.ends_at + timedelta(minutes=1)
    with time_machine.travel(after, tick=False), ratelimit.serving("203.0.113.9"):
        create_post(user=hana.user, profile=ngac, text="Thanks all #auslibchat")
        with pytest.raises(RateLimited):
            create_post(user=hana.user, profile=ngac, text="One more #auslibchat")


def test_requests_are_let_through_when_redis_is_away(db, frozen, monkeypatch, caplog):
    from limits.errors import StorageError

    class Away:
        """A storage that cannot be reached."""

        def incr(self, *args, **kwargs):
            raise StorageError(ConnectionError("Error 111 connecting to 127.0.0.1:6379"))

        get = clear = incr

    monkeypatch.setattr(ratelimit, "_storage", lambda: Away())
    for _ in range(3):
        assert ratelimit.hit("t", "k", limit=1, window=60).remaining == 1
    assert ratelimit.peek("t", "k", limit=1, window=60).remaining == 1
    assert "storage is unavailable" in caplog.text


@pytest.fixture
def storage_calls(db, monkeypatch) -> list[str]:
    """The names of the calls made to the counters' storage (on Redis, each one a
    round trip), in order."""
    storage = ratelimit._storage()
    calls: list[str] = []

    class Counting:
        def __getattr__(self, name):
            found = getattr(storage, name)
            if not callable(found):
                return found

            def call(*args, **kwargs):
                calls.append(name)
                return found(*args, **kwargs)

            return call

    monkeypatch.setattr(ratelimit, "_storage", lambda: Counting())
    return calls


def test_a_count_is_one_call_to_the_storage_and_a_peek_one(frozen, storage_calls):
    """On Redis each storage call is a round trip: counting a request against a limit
    is its increment alone (the count it answers makes the status), peeking one read."""
    calls = storage_calls
    assert ratelimit.hit("t", "k", limit=2, window=60).remaining == 1
    assert calls == ["incr"]
    calls.clear()
    assert ratelimit.peek("t", "k", limit=2, window=60).remaining == 1
    assert calls == ["get"]
    ratelimit.hit("t", "k", limit=2, window=60)
    with pytest.raises(RateLimited):
        ratelimit.hit("t", "k", limit=2, window=60)
    assert ratelimit.peek("t", "k", limit=2, window=60).remaining == 0


def test_counting_against_two_limits_reads_one_and_counts_both(frozen, limits, storage_calls):
    """A post counts against the profile's and the address's limits: one read (the
    address's) and two increments, where reading both first took one more trip."""
    limits(post__profile=(5, 60), post__ip=(5, 60))
    ratelimit.hit_all([("post:profile", "p1"), ("post:ip", "203.0.113.9")])
    assert storage_calls == ["get", "incr", "incr"]
    assert ratelimit.peek("post:profile", "p1", limit=5, window=60).remaining == 4


# What clients see -----------------------------------------------------------------------


def test_the_mastodon_api_answers_429_with_retry_after(pat, frozen, limits):
    from django.test import Client

    from mastodon_api import actions as oauth
    from tests.mastodon_api.conftest import make_token

    limits(post__profile=(1, 60), post__ip=(100, 60))
    app = oauth.register_app(name="t", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes="write")
    headers = {"Authorization": f"Bearer {make_token(app, pat, scopes='write')}"}
    client = Client()
    assert client.post("/api/v1/statuses", {"status": "one"}, headers=headers).status_code == 200
    response = client.post("/api/v1/statuses", {"status": "two"}, headers=headers)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "posting too fast" in response.json()["error"]


def test_rate_headers_describe_the_limit_that_applies(pat, frozen, limits):
    """A posting 429 carries the posting limit's X-RateLimit-*, so a client waits until
    that limit's window ends (not the general API limit's); a read reports the API's."""
    from django.test import Client

    from mastodon_api import actions as oauth
    from tests.mastodon_api.conftest import make_token

    limits(post__profile=(2, 60), post__ip=(100, 60), api=(300, 300))
    app = oauth.register_app(name="t", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes="write")
    headers = {"Authorization": f"Bearer {make_token(app, pat, scopes='read write')}"}
    client = Client()
    first = client.post("/api/v1/statuses", {"status": "one"}, headers=headers)
    assert (first["X-RateLimit-Limit"], first["X-RateLimit-Remaining"]) == ("2", "1")
    client.post("/api/v1/statuses", {"status": "two"}, headers=headers)
    frozen.shift(41)
    refused = client.post("/api/v1/statuses", {"status": "three"}, headers=headers)
    assert refused.status_code == 429
    assert refused["X-RateLimit-Limit"] == "2" and refused["X-RateLimit-Remaining"] == "0"
    assert refused["X-RateLimit-Reset"] == "2026-03-03T11:01:00Z"
    assert refused["Retry-After"] == "19"
    read = client.get("/api/v1/timelines/home", headers=headers)
    assert read["X-RateLimit-Limit"] == "300"


def test_the_login_page_says_the_same_when_the_address_is_limited(pat, frozen, limits):
    from django.test import Client

    limits(**{**LOGIN_LIMITS, "login__ip": (1, 300)})
    client = Client()
    wrong = client.post("/login/", {"username": "pat", "password": "wrong-password"})
    limited = client.post("/login/", {"username": "pat", "password": pat.password})
    assert limited.status_code == wrong.status_code == 422
    assert LOGIN_FAILED in limited.content.decode() and LOGIN_FAILED in wrong.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_sign_up_page_shows_the_limit(db, frozen, limits):
    from django.test import Client

    limits(signup__ip=(1, 3600))
    client = Client()
    form = {"username": "new1", "email": "n1@example.org", "password": "a-long-passphrase"}
    client.post("/signup/", form)
    client.logout()
    response = Client().post("/signup/", {**form, "username": "new2", "email": "n2@example.org"})
    assert "Too many sign-ups" in response.content.decode()


def test_a_post_refused_per_ip_is_not_counted_for_the_profile(pat, olly, frozen, limits):
    limits(post__profile=(2, 60), post__ip=(1, 60))
    with ratelimit.serving("203.0.113.9"):
        create_post(user=olly.user, profile=olly.profile, text="uses up the address")
        with pytest.raises(RateLimited):
            create_post(user=pat.user, profile=pat.profile, text="refused")
    status = ratelimit.peek("post:profile", str(pat.profile.id), limit=2, window=60)
    # Every limit is read before any is counted, on Redis as in memory.
    assert status.remaining == 2


def test_the_chat_room_answers_429_with_retry_after(olly, live_chat, limits):
    from django.test import Client

    limits(post__profile=(1, 60), post__ip=(100, 60))
    client = Client()
    client.force_login(olly.user)
    path = f"/chats/auslibchat/events/{live_chat.id}/room/post"
    headers = {"Accept": "application/json"}
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        assert client.post(path, {"text": "A1 one"}, headers=headers).status_code == 201
        response = client.post(path, {"text": "A1 two"}, headers=headers)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "posting too fast" in response.json()["error"]
    # The posting limit's own numbers, not another limit's.
    assert (response["X-RateLimit-Limit"], response["X-RateLimit-Remaining"]) == ("1", "0")
