"""Django's ASGI handler, run the way a threaded WSGI server runs Django.

Django's own ASGI handler runs the middleware chain in async mode: every
request gets a thread of its own (so a database connection of its own, opened
and closed each time), and each step between synchronous and asynchronous
middleware hops between that thread and the event loop, three to a dozen hops
per request. hashchat's views and middleware are synchronous, so this handler
loads the chain in sync mode and crosses into a pooled worker thread once per
request; each worker thread keeps its database connection between requests
(`CONN_MAX_AGE`, with health checks), checked and closed in that same thread
before and after every request exactly as Django's WSGI handler does. The
figures that led here are in docs/performance.md ("Request handling").
"""

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.core.handlers import base
from django.core.handlers.asgi import ASGIHandler
from django.db import close_old_connections

# Requests at once per process. A request waiting for SQLite's writer lock or for
# PostgreSQL holds its thread, so there are more threads than cores; each keeps one
# database connection.
WEB_THREADS = 16


class ThreadedASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        base.BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self.pool = ThreadPoolExecutor(max_workers=WEB_THREADS, thread_name_prefix="hashchat-web")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"hashchat's pages serve HTTP only, not {scope['type']}.")
        await self.handle(scope, receive, send)

    async def get_response_async(self, request):
        respond = sync_to_async(self._respond, thread_sensitive=False, executor=self.pool)
        return await respond(request)

    def _respond(self, request):
        # The connection belongs to this worker thread: drop it here if it broke or
        # grew too old, before and after the request (as request_started and
        # request_finished do under WSGI).
        close_old_connections()
        try:
            return self.get_response(request)
        finally:
            close_old_connections()


def get_application() -> ThreadedASGIHandler:
    import django

    django.setup(set_prefix=False)
    return ThreadedASGIHandler()
