"""The `opora` command: Django's management utility with Opora's settings.

`opora demo`, `opora serve`, `opora bench registry`, `opora import …` and every Django
command (`opora migrate`, `opora createsuperuser`) go through here.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
