"""What a Mastodon user stream lets through: blocks and mutes are respected."""

from accounts import actions as account_actions
from live.envelope import Envelope
from live.streams import Viewer, resolve
from posts import actions as post_actions


def update_by(profile) -> Envelope:
    return Envelope(1, ("hashtag:auslibchat",), "update", "{}", author_id=str(profile.id))


def test_the_user_stream_leaves_out_muted_and_blocked_authors(pat, olly, hana):
    jo = account_actions.sign_up(username="jo", email="jo@example.org", password="jo-secret-pw")
    post_actions.follow_tag(user=pat.user, profile=pat.profile, name="auslibchat")
    account_actions.mute(user=pat.user, profile=pat.profile, target=olly.profile)
    account_actions.block(user=pat.user, profile=pat.profile, target=jo.personal_profile)

    home = resolve("user", None, Viewer(profile=pat.profile, scopes=frozenset({"read"})))

    assert "hashtag:auslibchat" in home.streams
    assert home.accept(update_by(hana.profile))
    assert not home.accept(update_by(olly.profile))
    assert not home.accept(update_by(jo.personal_profile))


def test_unmuting_lets_the_author_back_in_on_the_next_subscription(pat, olly):
    account_actions.mute(user=pat.user, profile=pat.profile, target=olly.profile)
    account_actions.unmute(user=pat.user, profile=pat.profile, target=olly.profile)

    home = resolve("user", None, Viewer(profile=pat.profile, scopes=frozenset({"read"})))

    assert home.accept(update_by(olly.profile))
