"""The ASGI entry point: live streams (/api/v1/streaming... and the chat rooms'
event streams) go to live.streaming, past Django's request stack; static files
and media are served straight from disk by Starlette; everything else goes to
Django (core.handler) directly, without Starlette's routing layers."""

import contextlib
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hashchat.settings")

from django.conf import settings  # noqa: E402

from core.handler import get_application  # noqa: E402
from core.requestlog import observe  # noqa: E402

django_app = get_application()

from starlette.applications import Starlette  # noqa: E402
from starlette.routing import Mount  # noqa: E402
from starlette.staticfiles import StaticFiles  # noqa: E402

settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)

routes = [
    Mount("/static", app=StaticFiles(directory=settings.BASE_DIR / "static"), name="static"),
    Mount("/media", app=StaticFiles(directory=settings.MEDIA_ROOT), name="media"),
    Mount("/", app=django_app),  # type: ignore[arg-type]
]


@contextlib.asynccontextmanager
async def lifespan(app):
    hub = get_hub()
    await hub.start()
    stop = None
    if os.environ.get("HASHCHAT_IN_PROCESS_WORKER") == "1":
        stop = start_in_thread()
    # The worker process of `hashchat serve` sends its live events here.
    worker_end = None
    if os.environ.get("HASHCHAT_LIVE_SOCKET"):
        worker_end = WebEnd(hub, os.environ["HASHCHAT_LIVE_SOCKET"])
        await worker_end.start()
    try:
        yield
    finally:
        if stop is not None:
            stop.set()
        if worker_end is not None:
            await worker_end.stop()
        await hub.stop()


site = Starlette(routes=routes, lifespan=lifespan)
FILE_PREFIXES = ("/static/", "/media/")

from core.worker import start_in_thread  # noqa: E402
from live import streaming  # noqa: E402
from live.hub import get_hub  # noqa: E402
from live.local_bridge import WebEnd  # noqa: E402


async def serve(scope, receive, send):
    if scope["type"] in ("http", "websocket") and streaming.handles(scope["path"]):
        await streaming.app(scope, receive, send)
        return
    if scope["type"] == "http" and not scope["path"].startswith(FILE_PREFIXES):
        # Pages and APIs go straight to Django, without Starlette's routing.
        await django_app(scope, receive, send)
        return
    await site(scope, receive, send)


# Every request (pages, APIs, streams, files): an id, one log line, latency by route.
application = observe(serve)
