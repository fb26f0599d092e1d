"""Long commands show progress bars with an estimate on a terminal, and nothing of
the kind with --quiet or when their output is not a terminal."""

import os
import pty
import subprocess
import sys

from tests.server import ROOT, server_env


def on_terminal(env: dict, *args: str) -> str:
    """Run `hashchat ARGS` with a pseudo-terminal as its output; what it showed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "hashchat.cli", *args],
        env={**env, "COLUMNS": "120", "TERM": "xterm"},
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command has ended
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait(timeout=300) == 0, shown.decode(errors="replace")
    return shown.decode(errors="replace")


def test_progress_on_a_terminal_and_quiet_elsewhere(tmp_path):
    source, target = tmp_path / "source", tmp_path / "target"
    source.mkdir()
    target.mkdir()
    env, env_target = server_env(source), server_env(target)

    shown = on_terminal(env, "demo", "--no-live", "--participants", "30")
    assert "seeding the past hour" in shown
    assert "left" in shown, "with an estimate of the time left"

    export = tmp_path / "libchat.json"
    shown = on_terminal(env, "export", "--series", "libchat", "-o", str(export))
    assert "posts" in shown and "━" in shown

    backup = tmp_path / "backup.tar.gz"
    shown = on_terminal(env, "backup", str(backup))
    # SQLite copies pages; pg_dump (the PostgreSQL lane) dumps tables.
    assert "database pages" in shown or "database tables" in shown
    assert "Backed up" in shown

    quiet = on_terminal(env, "backup", str(tmp_path / "quiet.tar.gz"), "--quiet")
    assert quiet.strip() == ""

    shown = on_terminal(env_target, "restore", str(backup))
    assert "files" in shown and "Restored the backup" in shown

    # Not a terminal: only the result, no bars.
    piped = subprocess.run(
        [sys.executable, "-m", "hashchat.cli", "export", "--series", "libchat"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert piped.stderr == ""
    assert piped.stdout == export.read_text()
