"""The subscriber side of bench/live_fanout.py, run as its own process: N
Server-Sent-Events connections to one hashtag stream on raw asyncio sockets
(uvloop when installed), so the load stays light. It records which post each
subscriber read and when, prints "ready N" once the streams are open, and on a
line on standard input writes what it saw to --out and closes them.

    python bench/sse_subscribers.py --urls http://127.0.0.1:8000 --count 1000 --out F
"""

import argparse
import array
import asyncio
import json
import re
import sys
import time
from pathlib import Path

TAG = "benchchat"
MARK = re.compile(rb"bench-(\d+)-")
CREATED = re.compile(rb'"created_at":"([^"]+)"')


class Subscriber(asyncio.Protocol):
    def __init__(self, index: int, request: bytes, client: "Client") -> None:
        self.index = index
        self.request = request
        self.client = client
        self.tail = b""
        self.seen: set[int] = set()
        self.ready = asyncio.get_running_loop().create_future()

    def connection_made(self, transport) -> None:
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        now = time.time()
        if not self.ready.done():
            self.ready.set_result(data.startswith(b"HTTP/1.1 200"))
        buffer = self.tail + data
        for match in MARK.finditer(buffer):
            seq = int(match[1])
            if seq not in self.seen:
                self.seen.add(seq)
                if seq not in self.client.created:
                    found = CREATED.findall(buffer, 0, match.start())
                    if found:
                        self.client.created[seq] = found[-1].decode()
                self.client.receipts.extend((self.index, seq))
                self.client.times.append(now)
        if b"event: dropped" in buffer:
            self.client.dropped += 1
        self.tail = buffer[-48:]

    def connection_lost(self, exc) -> None:
        self.client.lost += 1
        if not self.ready.done():
            self.ready.set_result(False)


class Client:
    def __init__(self) -> None:
        self.receipts = array.array("q")
        self.times = array.array("d")
        self.dropped = 0
        self.lost = 0
        # Each post's created_at (set in the server just before its commit).
        self.created: dict[int, str] = {}


async def run_client(urls: list[str], count: int, out: Path, path: str) -> None:
    loop = asyncio.get_running_loop()
    client = Client()
    gate = asyncio.Semaphore(200)
    transports = []

    async def open_one(index: int) -> bool:
        url = urls[index % len(urls)]
        host, port = url.removeprefix("http://").split(":")
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n"
        ).encode()
        async with gate:
            transport, protocol = await loop.create_connection(
                lambda: Subscriber(index, request, client), host, int(port)
            )
            transports.append(transport)
            return await protocol.ready

    results = await asyncio.gather(*(open_one(i) for i in range(count)), return_exceptions=True)
    ok = sum(1 for r in results if r is True)
    print(f"ready {ok}", flush=True)
    await loop.run_in_executor(None, sys.stdin.readline)
    with open(out, "wb") as f:
        meta = {"dropped": client.dropped, "lost": client.lost, "ok": ok, "created": client.created}
        f.write(json.dumps(meta).encode())
        f.write(b"\n")
        client.receipts.tofile(f)
        client.times.tofile(f)
    for transport in transports:
        transport.close()


def client_main(args: argparse.Namespace) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(run_client(args.urls.split(","), args.count, Path(args.out), args.path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--urls", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument(
        "--path", default=f"/api/v1/streaming/hashtag?tag={TAG}", help="the stream to open"
    )
    client_main(parser.parse_args())


if __name__ == "__main__":
    main()
