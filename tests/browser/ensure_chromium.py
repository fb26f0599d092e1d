"""Make sure Debian's Chromium is installed for the browser tests.

    python -m tests.browser.ensure_chromium

Playwright drives /usr/bin/chromium (its own browser download is not used). When
the binary is missing and we run as root, install it with apt-get; otherwise say
what to do and exit non-zero.
"""

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    if os.path.exists(CHROMIUM):
        print(f"{CHROMIUM} is installed.")
        return 0
    if os.geteuid() != 0:
        print(
            f"The browser tests need {CHROMIUM}. Install it as root with:\n"
            "    apt-get update && apt-get install -y chromium",
            file=sys.stderr,
        )
        return 1
    if shutil.which("apt-get") is None:
        print(f"The browser tests need {CHROMIUM}, and there is no apt-get here.", file=sys.stderr)
        return 1
    print(f"{CHROMIUM} is missing; installing it with apt-get.", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        result = subprocess.run(command, env=env)
        if result.returncode != 0:
            print(f"{' '.join(command)} failed with {result.returncode}.", file=sys.stderr)
            return result.returncode
    if not os.path.exists(CHROMIUM):
        print(f"apt-get finished but {CHROMIUM} is still missing.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
