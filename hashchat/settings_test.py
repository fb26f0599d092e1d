"""Settings for the test suite: a fast password hasher, e-mail kept in memory."""

import os
import tempfile

os.environ.setdefault("HASHCHAT_DATA_DIR", tempfile.mkdtemp(prefix="hashchat-test-"))

from hashchat.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Threads of the test process (the live publisher) close their connection after each
# job, so the test database can be dropped at the end; the servers the end-to-end
# tests start keep the normal, persistent connections.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# The test database on SQLite is a file in WAL mode, as a server's is, not Django's
# shared-cache in-memory default: there, a thread of the test process (a stream reader,
# the live publisher) that writes while the test reads fails at once with "database
# table is locked" (shared-cache locks do not wait for the busy timeout), which a
# server's database never does.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(SQLITE_PATH.with_name("hashchat-test.sqlite3"))  # noqa: F405
    }
