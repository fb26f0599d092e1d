"""The ASGI entry point: static files and media straight from disk, everything else
to Django. (Live streams are mounted here too, past Django's request stack.)"""

import contextlib
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hashchat.settings")

from django.conf import settings  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

django_app = get_asgi_application()

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
    stop = None
    if os.environ.get("HASHCHAT_IN_PROCESS_WORKER") == "1":
        from hashchat.worker import start_in_thread

        stop = start_in_thread()
    try:
        yield
    finally:
        if stop is not None:
            stop.set()


application = Starlette(routes=routes, lifespan=lifespan)
