"""The Atom feeds are GETs, and a GET writes nothing: their entries are kept in the
"pages" cache (Redis, or the process's memory), never in the database's cache
table, so a feed reader polling on SQLite never waits for the writer lock."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def test_reading_the_feeds_writes_nothing_to_the_database(chat, client):
    with CaptureQueriesContext(connection) as queries:
        for url in ("/transcripts.atom", "/chats/auslibchat/transcripts.atom"):
            response = client.get(url)
            assert response.status_code == 200
            assert b"<entry>" in response.content
            # The second read is served from the cache all the same.
            assert client.get(url).content == response.content
    written = [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]
    assert written == []
