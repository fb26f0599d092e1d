"""`hashchat createuser`, non-interactive; and the command line run in a process where
Django is already set up."""

import logging

from accounts.models import User
from hashchat.cli import main


def test_it_creates_a_login_with_its_profile(db, capsys):
    code = main(
        [
            "createuser",
            "--username",
            "mei",
            "--email",
            "mei@example.org",
            "--password",
            "a-long-passphrase",
        ]
    )
    assert code == 0
    assert "Created user mei with the profile @mei." in capsys.readouterr().out
    user = User.objects.get(username="mei")
    assert not user.is_staff and user.check_password("a-long-passphrase")


def test_it_creates_an_admin(db, capsys):
    assert (
        main(
            [
                "createuser",
                "--username",
                "boss",
                "--email",
                "b@example.org",
                "--password",
                "a-long-passphrase",
                "--admin",
            ]
        )
        == 0
    )
    assert User.objects.get(username="boss").is_superuser


def test_it_reports_a_taken_username_and_fails(pat, capsys):
    code = main(
        [
            "createuser",
            "--username",
            "pat",
            "--email",
            "p@example.org",
            "--password",
            "a-long-passphrase",
        ]
    )
    assert code == 1
    assert "hashchat createuser:" in capsys.readouterr().err


def test_a_command_run_in_a_set_up_process_leaves_its_logging_alone(db, capsys):
    """Setting Django up again would point the log handlers at this test's captured
    output, which is closed when the test ends: every later log line of the process
    (a background thread's, say) would then fail to be written."""
    before = list(logging.getLogger().handlers)
    code = main(["createuser", "--username", "lin", "--email", "lin@example.org",
                 "--password", "a-long-passphrase"])  # fmt: skip
    assert code == 0
    assert logging.getLogger().handlers == before
