"""ActivityRelay (https://git.pleroma.social/pleroma/relay, from PyPI), a LitePub/Mastodon relay,
in the federation lab under its own name:

    relay = start_relay(lab, "relay.test")   # https://relay.test/actor, TLS from the lab's CA

Installed once into its own venv (FEDLAB_RELAY_DIR, default /var/tmp/hashchat-fedlab-relay) from
the pinned deploy/fedlab/relay-requirements.txt, as Takahē's install is kept between runs; each
run then sets it up afresh in the lab's directory (its config and SQLite database) and runs it
behind nginx. It accepts any server's instance actor (an `Application`) that follows it, and
Announces what a subscribed server sends it to the other subscribed servers.
"""

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.federation.journeys.lab import ROOT, Lab, Site, _die_with_parent, _stop_group, wait_for

RELAY_DIR = Path(os.environ.get("FEDLAB_RELAY_DIR", "/var/tmp/hashchat-fedlab-relay"))
REQUIREMENTS = ROOT / "deploy" / "fedlab" / "relay-requirements.txt"


@dataclass
class RelayServer:
    site: Site
    data_dir: Path

    @property
    def actor(self) -> str:
        return f"{self.site.url}/actor"

    def log(self) -> str:
        return (self.data_dir / "relay.log").read_text(errors="replace")


def _installed() -> Path:
    """The relay's venv, (re)built when the pinned requirements changed."""
    venv = RELAY_DIR / "venv"
    stamp = RELAY_DIR / "requirements.sha256"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    program = venv / "bin" / "activityrelay"
    if program.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        return program
    RELAY_DIR.mkdir(parents=True, exist_ok=True)
    log = RELAY_DIR / "install.log"
    with open(log, "w") as out:
        for command in (
            [sys.executable, "-m", "venv", "--clear", str(venv)],
            [str(venv / "bin" / "pip"), "install", "--quiet", "-r", str(REQUIREMENTS)],
        ):
            done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, timeout=900)
            if done.returncode != 0:
                raise RuntimeError(f"Installing ActivityRelay failed; see {log}")
    stamp.write_text(wanted + "\n")
    return program


def start_relay(lab: Lab, name: str) -> RelayServer:
    site = lab.sites[name]
    program = _installed()
    data_dir = lab.dir / name
    data_dir.mkdir(parents=True, exist_ok=True)
    for old in data_dir.glob("relay.sqlite3*"):
        old.unlink()
    config = data_dir / "relay.yaml"
    config.write_text(
        f"listen: 127.0.0.1\nport: {site.port}\ndomain: {name}\nworkers: 1\n"
        "db_type: sqlite\nca_type: database\nsq_path: relay.sqlite3\n"
    )
    env = {**os.environ, **lab.env}  # it fetches actors over TLS: it trusts the lab's CA
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # `setup --skip-questions` reads the config, creates the database and the relay's key, then
    # asks whether to run now (no: it is started below, in its own process group).
    done = subprocess.run(
        [str(program), "-c", str(config), "setup", "--skip-questions"],
        input="n\n",
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ActivityRelay's setup failed:\n{done.stdout}{done.stderr}")
    log = open(data_dir / "relay.log", "ab")  # noqa: SIM115 (the child keeps it)
    process = subprocess.Popen(
        [str(program), "-c", str(config), "run"],
        env=env,
        cwd=data_dir,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=_die_with_parent,
    )
    log.close()
    lab._record(process.pid)

    def stop() -> None:
        _stop_group(process.pid)
        process.wait(timeout=5)

    lab._stops.append(stop)
    relay = RelayServer(site=site, data_dir=data_dir)

    def answers():
        if process.poll() is not None:
            raise RuntimeError(f"ActivityRelay exited:\n{relay.log()[-3000:]}")
        actor = httpx.get(relay.actor, headers={"Accept": "application/activity+json"}, timeout=5)
        return actor.status_code == 200 and actor.json().get("type") == "Application"

    wait_for(answers, timeout=60, what=f"ActivityRelay answering at {site.url}")
    return relay
