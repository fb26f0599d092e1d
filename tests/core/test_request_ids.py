"""Request ids (core.requestlog.new_id): unique, made without a system call, and a
forked process draws its own."""

import os
import re

from core import requestlog


def test_request_ids_are_sixteen_hex_digits_and_do_not_repeat():
    ids = [requestlog.new_id() for _ in range(100_000)]
    assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i in ids)
    assert len(set(ids)) == len(ids)


def test_an_id_does_not_read_the_systems_randomness(monkeypatch):
    def no_urandom(n):
        raise AssertionError("os.urandom was called")

    monkeypatch.setattr(os, "urandom", no_urandom)
    assert requestlog.new_id() != requestlog.new_id()


def test_a_forked_process_draws_ids_of_its_own():
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next id, then out at once
        try:
            os.write(write_end, requestlog.new_id().encode())
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    childs = os.read(read_end, 64).decode()
    os.close(read_end)
    assert re.fullmatch(r"[0-9a-f]{16}", childs)
    assert childs != requestlog.new_id()
