"""Ports for the lab's servers behind nginx."""

import random
import socket
from pathlib import Path


def site_port() -> int:
    """A free port below the kernel's ephemeral range: a server that starts minutes after the
    lab came up (Takahē, the relay) finds it still free, not taken by an outgoing connection."""
    low, _ = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    for _ in range(200):
        port = random.randrange(max(1024, low - 12000), low)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("No free port below the ephemeral range.")
