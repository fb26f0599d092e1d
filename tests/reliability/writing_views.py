"""A URL table for tests/reliability/test_view_pools.py: one view marked as writing,
one not, each answering with the name of the thread that ran it."""

import threading

from django.http import HttpResponse
from django.urls import path

from core.handler import writes


def thread_name(request):
    return HttpResponse(threading.current_thread().name)


@writes
def writing_thread_name(request):
    return HttpResponse(threading.current_thread().name)


urlpatterns = [
    path("reads/", thread_name),
    path("writes/", writing_thread_name),
]
