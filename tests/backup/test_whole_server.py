"""`hashchat backup` of a server that is busy taking posts, and `hashchat restore`
into an empty instance: every post acknowledged before the backup began is back,
and the restored instance serves them. Runs on SQLite, and on PostgreSQL when
DATABASE_URL is set (the scale-out lane)."""

import json
import subprocess
import sys
import tarfile
import textwrap
import threading

import httpx

from tests.live.helpers import set_up_chat
from tests.server import ROOT, running_server, server_env, start_server

TOKEN = textwrap.dedent(
    """
    from accounts.models import User
    from mastodon_api.actions import issue_token, register_app
    app = register_app(name="backup tests", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"],
                       scopes="read write")
    pat = User.objects.get(username="pat")
    print(issue_token(app=app, user=pat, profile=pat.personal_profile,
                      scopes=frozenset({"read", "write"})).access_token)
    """
)
POST_IDS = "from posts.models import Post; import json; print(json.dumps([str(i) for i in Post.objects.values_list('id', flat=True)]))"


def hashchat(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hashchat.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


class Poster(threading.Thread):
    """Posts one status after another; `acked` holds each id the server answered with."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(daemon=True)
        self.client = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        self.acked: list[str] = []
        self.stop = threading.Event()
        self.warm = threading.Event()
        self.failures: list[str] = []

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            answer = self.client.post("/api/v1/statuses", data={"status": f"Post {n} #livetest"})
            if answer.status_code == 200:
                self.acked.append(answer.json()["id"])
            else:
                self.failures.append(f"{answer.status_code} {answer.text}")
            if len(self.acked) >= 20:
                self.warm.set()


def test_backup_while_posting_then_restore_into_an_empty_instance(tmp_path):
    source_dir, target_dir = tmp_path / "source", tmp_path / "target"
    source_dir.mkdir()
    target_dir.mkdir()
    backup_file = tmp_path / "hashchat-backup.tar.gz"
    busy = {"HASHCHAT_RATE_LIMITS": "post:profile=0/60,post:ip=0/60"}
    with running_server(data_dir=source_dir, env=busy) as server:
        set_up_chat(server)
        token = server.hashchat("manage", "shell", "-c", TOKEN).stdout.split()[-1]
        poster = Poster(server.url, token)
        poster.start()
        try:
            assert poster.warm.wait(120), poster.failures
            before = list(poster.acked)
            done = server.hashchat("backup", str(backup_file), "--quiet")
            during = len(poster.acked) - len(before)
        finally:
            poster.stop.set()
            poster.join(60)
        assert done.stdout == "" and done.stderr == "", "quiet: nothing printed"
    assert not poster.failures
    assert during > 0, "posts were made while the backup ran"

    with tarfile.open(backup_file) as tar:
        names = set(tar.getnames())
    assert "manifest.json" in names
    assert names & {"database.sqlite3", "database.pgdump"}

    env = server_env(target_dir)
    restored = hashchat(env, "restore", str(backup_file), "--quiet")
    assert restored.returncode == 0, restored.stderr
    ids = set(json.loads(hashchat(env, "manage", "shell", "-c", POST_IDS).stdout.splitlines()[-1]))
    missing = [i for i in before if i not in ids]
    assert not missing, f"{len(missing)} acknowledged posts are not in the backup"

    # The restored instance serves them, with the same secret key (tokens still work).
    restarted = start_server(data_dir=target_dir)
    try:
        status = httpx.get(
            f"{restarted.url}/api/v1/statuses/{before[-1]}",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert status.status_code == 200
        assert status.json()["content"].startswith("<p>Post ")
    finally:
        restarted.kill(15)

    # A second restore would mix two instances: refused, with what to do.
    again = hashchat(env, "restore", str(backup_file))
    assert again.returncode == 1
    assert "not empty" in again.stderr and "new data dir" in again.stderr


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        tar.add(__file__, arcname="manifest.json")
    target = tmp_path / "target"
    target.mkdir()
    done = hashchat(server_env(target), "restore", str(bogus))
    assert done.returncode == 1
    assert "not a backup written by `hashchat backup`" in done.stderr
    text = tmp_path / "plain.txt"
    text.write_text("hello")
    done = hashchat(server_env(target), "restore", str(text))
    assert done.returncode == 1
    assert "Cannot read" in done.stderr
