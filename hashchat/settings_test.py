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
