"""The `hashchat` command line (a contract: tests and docs rely on it).

hashchat serve [--host 127.0.0.1] [--port 8000] [--no-worker] [--with-demo] [--processes N]
hashchat worker
hashchat demo [--speed 20] [--seed 7] [--participants 150] [--no-live]
hashchat createuser --username U --email E --password P [--admin]
hashchat export --series TAG [-o FILE]
hashchat import FILE [--owner USERNAME]
hashchat manage ARGS...
"""

import argparse
import os
import sys


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hashchat.settings")
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    # The database cache table (rate limits when REDIS_URL is unset); a no-op when present.
    call_command("createcachetable", verbosity=0)


def cmd_serve(args: argparse.Namespace) -> int:
    # Links, avatars and streaming URLs name the server's own address unless told otherwise.
    os.environ.setdefault("HASHCHAT_BASE_URL", f"http://{args.host}:{args.port}")
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
    migrate()
    import uvicorn

    if not args.no_worker:
        # The worker runs inside the web process by default (one process does it all).
        os.environ["HASHCHAT_IN_PROCESS_WORKER"] = "1"
    print(f"hashchat is serving on http://{args.host}:{args.port}/", flush=True)
    if args.with_demo:
        # Seeds the demo, then plays its live hour in a thread of this process.
        from demo import start_with_server

        explicit = os.environ.get("HASHCHAT_BASE_URL")
        start_with_server(args, explicit or f"http://{args.host}:{args.port}")
    uvicorn.run(
        "hashchat.asgi:application",
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        log_level=args.log_level,
        proxy_headers=True,
        lifespan="on",
        timeout_graceful_shutdown=5,
        workers=args.processes if args.processes > 1 else None,
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    setup_django()
    migrate()
    from core.worker import run_worker

    run_worker(once=args.once)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django()
    migrate()
    from demo import run_demo

    run_demo(args)
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

    try:
        data = export_series(args.series)
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
    try:
        series = import_series(data, owner=owner)
    except ActionError as e:
        print(f"hashchat import: {e.message}", file=sys.stderr)
        return 1
    events = series.events.count()
    print(f"Imported #{series.hashtag} with {events} event{'s' if events != 1 else ''}.")
    return 0


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
    serve.add_argument("--log-level", default="info")
    serve.add_argument(
        "--processes",
        type=int,
        default=1,
        help="web processes sharing the port (above 1 needs REDIS_URL; docs/operations.md)",
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
    export.set_defaults(func=cmd_export)

    imp = sub.add_parser("import", help="restore a series written by `hashchat export`")
    imp.add_argument("path", help="the JSON file ('-' for standard input)")
    imp.add_argument("--owner", help="a login to make owner of the series' organiser profile")
    imp.set_defaults(func=cmd_import)

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
