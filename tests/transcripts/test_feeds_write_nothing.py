"""The Atom feeds are GETs, and a GET writes nothing: their entries are kept in the
"pages" cache (Redis, or the process's memory), never in the database's cache
table, so a feed reader polling on SQLite never waits for the writer lock."""

from django.db import connection


def cache_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM hashchat_cache")
        return cursor.fetchone()[0]


def test_reading_the_feeds_writes_no_database_row(chat, client, settings):
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache") or settings.REDIS_URL
    before = cache_rows()
    for url in ("/transcripts.atom", "/chats/auslibchat/transcripts.atom"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"<entry>" in response.content
        # The second read is served from the cache all the same.
        assert client.get(url).content == response.content
    assert cache_rows() == before
