"""A URL table for tests/reliability/test_view_pools.py: one view marked as writing,
one not, each answering with the name of the thread that ran it, and a read that
holds its thread until the test lets it go (`SlowRead`)."""

import threading

from django.http import HttpResponse
from django.urls import path

from core.handler import writes


def thread_name(request):
    return HttpResponse(threading.current_thread().name)


@writes
def writing_thread_name(request):
    return HttpResponse(threading.current_thread().name)


class SlowRead:
    started = threading.Event()
    finish = threading.Event()


def slow_read(request):
    SlowRead.started.set()
    if not SlowRead.finish.wait(timeout=30):
        return HttpResponse("never let go", status=500)
    return HttpResponse(threading.current_thread().name)


urlpatterns = [
    path("reads/", thread_name),
    path("slow/", slow_read),
    path("writes/", writing_thread_name),
]
