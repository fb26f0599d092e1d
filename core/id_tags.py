"""The 10-bit process tag inside every id (core.ids), handed out so that two
processes never hold the same one.

- **PostgreSQL** (several processes, perhaps on several machines): the sequence
  `hashchat_id_tag` (0 to 1023, cycling; created by core's migration) gives each
  process the next tag. `nextval` is never rolled back, so a tag taken inside a
  transaction that fails is not handed out again. Two live processes share a tag
  only if 1024 further processes started while the first still runs.
- **SQLite** (one machine): the process locks one of 1024 files in
  `HASHCHAT_DATA_DIR/id-tags/` (`flock`, held for the life of the process; the
  kernel releases it when the process ends, however it ends). A tag whose file
  another process holds is never taken.

The tag was a random number before: with N processes, two shared a tag with a
probability of about N²/2048.
"""

import fcntl
import logging
import os
import random
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import connection

TAGS = 1024
SEQUENCE = "hashchat_id_tag"
logger = logging.getLogger("hashchat.core.ids")
# The open lock file of this process's tag (SQLite); kept open while it runs.
_held: dict[str, IO] = {}


def claim_tag() -> int:
    if connection.vendor == "postgresql":
        return _from_sequence()
    return _from_lock_files(Path(settings.DATA_DIR) / "id-tags")


def _from_sequence() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [SEQUENCE])
        if not cursor.fetchone()[0]:
            logger.warning("the %s sequence is missing (migrate): using a random tag", SEQUENCE)
            return random.SystemRandom().randrange(TAGS)
        cursor.execute("SELECT nextval(%s)", [SEQUENCE])
        return int(cursor.fetchone()[0]) % TAGS


def _from_lock_files(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    previous = _held.pop("tag", None)
    start = random.SystemRandom().randrange(TAGS)
    for step in range(TAGS):
        tag = (start + step) % TAGS
        handle = open(folder / f"{tag}.lock", "a+")  # noqa: SIM115 (held for the process's life)
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        _held["tag"] = handle
        if previous is not None:
            # A forked child drops its copy of the parent's lock file (the parent keeps its lock).
            previous.close()
        return tag
    raise RuntimeError(f"all {TAGS} id tags in {folder} are held by running processes")
