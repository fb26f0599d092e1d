"""Static file URLs that change when the file does, so proxies may cache them for a year.

`{% static 'hashchat/site.css' %}` becomes `/static/hashchat/site.css?v=<hash of the
file>`: nginx serves such URLs with a year's lifetime (deploy/nginx/hashchat.conf),
and an upgrade that changes the file changes its URL. JavaScript modules keep their
plain URL (they import each other by relative path, and one module under two URLs
would run twice): nginx gives unversioned files a day, revalidated after.
"""

import functools
import hashlib

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import StaticFilesStorage

UNVERSIONED = (".js", ".mjs")


@functools.lru_cache(maxsize=512)
def version_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(65536), b""):
            digest.update(block)
    return digest.hexdigest()[:12]


class VersionedStaticFilesStorage(StaticFilesStorage):
    def url(self, name: str | None) -> str:
        url = super().url(name)
        if not name or name.endswith(UNVERSIONED):
            return url
        found = finders.find(name)
        if not isinstance(found, str):
            return url
        return f"{url}?v={version_of(found)}"
