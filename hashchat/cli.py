"""The `hashchat` command line (a contract: tests and docs rely on it).

hashchat serve [--host 127.0.0.1] [--port 8000] [--no-worker] [--in-process-worker]
               [--with-demo] [--processes N]
hashchat worker
hashchat demo [--speed 20] [--seed 7] [--participants 150] [--no-live] [--quiet]
hashchat createuser --username U --email E --password P [--admin]
hashchat export --series TAG [-o FILE] [--quiet]
hashchat import FILE [--owner USERNAME] [--quiet]
hashchat backup FILE [--quiet]          the whole server, while it runs
hashchat restore FILE [--quiet]         into an empty data dir or database
hashchat check [--quiet]                is this installation ready for a chat?
hashchat manage ARGS...

Each command imports what it uses inside its function: Django must be set up
(setup_django) before any app module loads, and `hashchat --help` stays fast.
"""

import argparse
import os
import sys


def setup_django() -> None:
    """Django set up once per process. Setting it up again would configure logging
    anew, onto whatever sys.stderr is at that moment (inside the test suite, one
    test's captured output, closed when that test ends)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hashchat.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    # The database cache table (rate limits when REDIS_URL is unset); a no-op when present.
    call_command("createcachetable", verbosity=0)


def cmd_serve(args: argparse.Namespace) -> int:
    from hashchat import processes

    child = bool(os.environ.get(processes.CHILD_ENV))
    if args.processes is None:
        # One per core with Redis to join them; one on the embedded default.
        args.processes = processes.default_processes(os.environ.get("REDIS_URL", ""))
    # Links, avatars and streaming URLs name the server's own address unless told otherwise.
    os.environ.setdefault("HASHCHAT_BASE_URL", f"http://{args.host}:{args.port}")
    worker_process = not child and processes.prepare_worker_process(
        processes=args.processes, no_worker=args.no_worker or args.in_process_worker
    )
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # The operator's directory (or the supervising process's), shared with other
        # serve and worker processes of this instance: used as it is
        # (docs/operations.md, "Several processes").
        os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
    elif args.processes > 1 or worker_process:
        # Before prometheus-client is imported anywhere: it reads this once.
        data_dir = os.path.abspath(os.environ.get("HASHCHAT_DATA_DIR", "var"))
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = os.path.join(data_dir, f"metrics-{args.port}")
        # Each process writes its figures to files there; any process's /metrics adds
        # them up (core.metrics). Emptied first, so a restart starts from zero.
        from core.metrics import clear_multiprocess_dir

        clear_multiprocess_dir(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    setup_django()
    if args.processes < 1:
        print("hashchat serve: --processes must be 1 or more.", file=sys.stderr)
        return 2
    if args.processes > 1:
        from django.conf import settings

        if not settings.REDIS_URL:
            print(
                "hashchat serve: --processes above 1 needs REDIS_URL, so that every "
                "process shares the live streams (docs/operations.md).",
                file=sys.stderr,
            )
            return 2
        if args.with_demo:
            print("hashchat serve: --with-demo runs in one process.", file=sys.stderr)
            return 2
    if not child:
        migrate()
    if args.processes > 1:
        print(
            f"hashchat is serving on http://{args.host}:{args.port}/ "
            f"with {args.processes} web processes",
            flush=True,
        )
        argv = ["serve", "--host", args.host, "--port", str(args.port)]
        argv += ["--log-level", args.log_level] + (["--no-worker"] if args.no_worker else [])
        return processes.supervise(args.processes, argv)
    worker = None
    if worker_process:
        worker = processes.WorkerProcess(dict(os.environ))
        worker.start()
    elif not args.no_worker:
        # On one core the worker runs inside the web process (one process does it all).
        os.environ["HASHCHAT_IN_PROCESS_WORKER"] = "1"
    if not child:
        print(f"hashchat is serving on http://{args.host}:{args.port}/", flush=True)
    if args.with_demo:
        # Seeds the demo, then plays its live hour in a thread of this process.
        from demo import start_with_server

        explicit = os.environ.get("HASHCHAT_BASE_URL")
        start_with_server(args, explicit or f"http://{args.host}:{args.port}")
    try:
        processes.run_uvicorn(args, child=child)
    except KeyboardInterrupt:
        return 130  # Ctrl-C: uvicorn has shut down and raised it again
    finally:
        # (Reached when uvicorn returns; after a signal, uvicorn raises it again and
        # the kernel stops the worker with this process: WorkerProcess.)
        if worker is not None:
            worker.stop()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Its figures (timed questions' delay, job runs) join the web processes'.
        os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
    setup_django()
    from core.worker import run_worker

    if os.environ.get("HASHCHAT_LIVE_SOCKET"):
        # The worker process of `hashchat serve` (which has migrated): its live events
        # go to the web process.
        from live.local_bridge import connect_worker

        connect_worker(os.environ["HASHCHAT_LIVE_SOCKET"])
    else:
        migrate()
    run_worker(once=args.once)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django()
    migrate()
    from demo import run_demo
    from hashchat.progress import Bars

    with Bars(args.quiet) as report:
        run_demo(args, report=report)
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    setup_django()
    migrate()
    from accounts.actions import create_user
    from core.errors import ActionError

    try:
        user = create_user(
            username=args.username, email=args.email, password=args.password, admin=args.admin
        )
    except ActionError as e:
        print(f"hashchat createuser: {e.message}", file=sys.stderr)
        return 1
    kind = "admin" if user.is_staff else "user"
    profile = user.personal_profile
    handle = profile.handle if profile else user.username
    print(f"Created {kind} {user.username} with the profile @{handle}.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    setup_django()
    migrate()
    from backup.series import dumps, export_series
    from core.errors import ActionError
    from hashchat.progress import Bars

    try:
        with Bars(args.quiet) as report:
            data = export_series(args.series, report=report)
    except ActionError as e:
        print(f"hashchat export: {e.message}", file=sys.stderr)
        return 1
    text = dumps(data)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    import json

    setup_django()
    migrate()
    from accounts.models import User
    from backup.series import import_series
    from core.errors import ActionError

    try:
        if args.path == "-":
            data = json.load(sys.stdin)
        else:
            with open(args.path, encoding="utf-8") as f:
                data = json.load(f)
    except (OSError, ValueError) as e:
        print(f"hashchat import: cannot read {args.path}: {e}", file=sys.stderr)
        return 1
    owner = None
    if args.owner:
        owner = User.objects.filter(username__iexact=args.owner).first()
        if owner is None:
            print(f"hashchat import: there is no login called {args.owner}.", file=sys.stderr)
            return 1
    from hashchat.progress import Bars

    try:
        with Bars(args.quiet) as report:
            series = import_series(data, owner=owner, report=report)
    except ActionError as e:
        print(f"hashchat import: {e.message}", file=sys.stderr)
        return 1
    events = series.events.count()
    print(f"Imported #{series.hashtag} with {events} event{'s' if events != 1 else ''}.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    setup_django()
    from backup.server import backup_server, is_empty
    from core.errors import ActionError
    from hashchat.progress import Bars

    if is_empty():
        print("hashchat backup: this instance has no database yet.", file=sys.stderr)
        return 1
    try:
        with Bars(args.quiet) as report:
            manifest = backup_server(args.path, report=report)
    except (ActionError, OSError) as e:
        print(f"hashchat backup: {getattr(e, 'message', e)}", file=sys.stderr)
        return 1
    if not args.quiet:
        size = os.path.getsize(args.path)
        print(
            f"Backed up the {manifest['engine']} database and media to {args.path} ({size} bytes)."
        )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    setup_django()
    from backup.server import restore_server
    from core.errors import ActionError
    from hashchat.progress import Bars

    try:
        with Bars(args.quiet) as report:
            manifest = restore_server(args.path, report=report)
    except ActionError as e:
        print(f"hashchat restore: {e.message}", file=sys.stderr)
        return 1
    # A backup of an older hashchat comes up to date.
    migrate()
    if not args.quiet:
        print(f"Restored the backup of {manifest['created_at']}; start hashchat as usual.")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    setup_django()
    from hashchat.health import report, run_all

    findings = run_all()
    report(findings, print, args.quiet)
    problems = sum(not f.ok for f in findings)
    if problems and not args.quiet:
        print(f"{problems} problem{'s' if problems != 1 else ''}: not ready for a chat.")
    elif not args.quiet:
        print("Ready for a chat.")
    return 1 if problems else 0


def cmd_archive(args: argparse.Namespace) -> int:
    setup_django()
    migrate()
    from gathering.command import run

    return run(args)


def cmd_manage(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hashchat manage", *args.args])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hashchat", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="migrate, then serve pages, APIs, streams and the worker")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--no-worker", action="store_true", help="leave timed posts to `hashchat worker`"
    )
    serve.add_argument(
        "--in-process-worker",
        action="store_true",
        help="run the worker as a thread of the web process, not as a process of its own "
        "(the default on one core)",
    )
    serve.add_argument("--log-level", default="info")
    serve.add_argument(
        "--processes",
        type=int,
        default=None,
        help="web processes sharing the port (default: one per core with REDIS_URL, "
        "else 1; above 1 needs REDIS_URL; docs/operations.md)",
    )
    serve.add_argument(
        "--with-demo",
        action="store_true",
        help="also seed the #libchat demo and play a compressed chat hour (docs/demo.md)",
    )
    serve.add_argument("--demo-speed", type=float, default=20.0, help=argparse.SUPPRESS)
    serve.add_argument("--demo-seed", type=int, default=7, help=argparse.SUPPRESS)
    serve.add_argument("--demo-participants", type=int, default=150, help=argparse.SUPPRESS)
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run the background worker alone")
    worker.add_argument("--once", action="store_true", help="do what is due now, then exit")
    worker.set_defaults(func=cmd_worker)

    demo = sub.add_parser("demo", help="seed a demo series and play a simulated chat")
    demo.add_argument(
        "--speed", type=float, default=20.0, help="how many times faster than real time"
    )
    demo.add_argument("--no-live", action="store_true", help="only seed; do not play the hour")
    demo.add_argument("--seed", type=int, default=7, help="the random seed (same seed, same chat)")
    demo.add_argument("--participants", type=int, default=150, help="how many participant profiles")
    demo.add_argument("--base-url", default=None)
    demo.add_argument("--quiet", "-q", action="store_true", help="no progress bars")
    demo.set_defaults(func=cmd_demo)

    create = sub.add_parser("createuser", help="create a login non-interactively")
    create.add_argument("--username", required=True)
    create.add_argument("--email", required=True)
    create.add_argument("--password", required=True)
    create.add_argument("--admin", action="store_true")
    create.set_defaults(func=cmd_createuser)

    export = sub.add_parser("export", help="write a whole series as JSON (a backup)")
    export.add_argument("--series", required=True, help="the series' hashtag")
    export.add_argument("--output", "-o", help="a file to write (default: standard output)")
    export.add_argument("--quiet", "-q", action="store_true", help="no progress bars")
    export.set_defaults(func=cmd_export)

    imp = sub.add_parser("import", help="restore a series written by `hashchat export`")
    imp.add_argument("path", help="the JSON file ('-' for standard input)")
    imp.add_argument("--owner", help="a login to make owner of the series' organiser profile")
    imp.add_argument("--quiet", "-q", action="store_true", help="no progress bars")
    imp.set_defaults(func=cmd_import)

    backup = sub.add_parser("backup", help="write a backup of the whole server while it runs")
    backup.add_argument("path", help="the file to write (a tar.gz)")
    backup.add_argument("--quiet", "-q", action="store_true", help="no progress bars")
    backup.set_defaults(func=cmd_backup)

    restore = sub.add_parser("restore", help="restore `hashchat backup` into an empty instance")
    restore.add_argument("path", help="the file `hashchat backup` wrote")
    restore.add_argument("--quiet", "-q", action="store_true", help="no progress bars")
    restore.set_defaults(func=cmd_restore)

    check = sub.add_parser("check", help="is this installation ready for a chat? (exit 0 if so)")
    check.add_argument("--quiet", "-q", action="store_true", help="print only the problems")
    check.set_defaults(func=cmd_check)

    archive = sub.add_parser(
        "archive", help="archive a chat held elsewhere from Mastodon-API servers' tag timelines"
    )
    archive.add_argument(
        "--server", action="append", required=True, help="a server to read (repeat for more)"
    )
    archive.add_argument("--tag", required=True, help="the chat's hashtag")
    archive.add_argument("--from", dest="start", required=True, help="ISO time the chat started")
    archive.add_argument("--to", dest="end", required=True, help="ISO time the chat ended")
    archive.add_argument("--host", required=True, help="the account that asked, user@server")
    archive.add_argument("--topic", help="the archived event's topic")
    archive.add_argument(
        "--organiser", help="a local profile to organise the series when there is none yet"
    )
    archive.set_defaults(func=cmd_archive)

    manage = sub.add_parser("manage", help="any Django management command", add_help=False)
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
