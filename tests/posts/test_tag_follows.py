"""posts.actions.follow_tag and unfollow_tag"""

import pytest

from core.errors import InvalidInput, NotAllowed
from posts import actions
from posts.models import TagFollow


def test_following_a_tag_is_idempotent_and_case_insensitive(pat):
    actions.follow_tag(user=pat.user, profile=pat.profile, name="#AusLibChat")
    actions.follow_tag(user=pat.user, profile=pat.profile, name="auslibchat")
    row = TagFollow.objects.get()
    assert row.hashtag.name == "AusLibChat"
    actions.unfollow_tag(user=pat.user, profile=pat.profile, name="AUSLIBCHAT")
    assert not TagFollow.objects.exists()


def test_unicode_tags_can_be_followed(pat):
    actions.follow_tag(user=pat.user, profile=pat.profile, name="图书馆")
    assert TagFollow.objects.get().hashtag.name_lower == "图书馆"


@pytest.mark.parametrize("name", ["", "#", "two words", "123", "a-b"])
def test_what_is_not_a_hashtag_is_refused(pat, name):
    with pytest.raises(InvalidInput):
        actions.follow_tag(user=pat.user, profile=pat.profile, name=name)
    assert not TagFollow.objects.exists()


def test_olly_cannot_follow_tags_for_hklibconnect(olly, hklibconnect):
    with pytest.raises(NotAllowed):
        actions.follow_tag(user=olly.user, profile=hklibconnect, name="auslibchat")
