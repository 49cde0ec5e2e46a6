"""Is PostgreSQL reachable? Optionally create or drop a scratch schema. Exit 0 = yes, 1 = no."""

from __future__ import annotations

import re
import sys

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError


def main(argv: list[str]) -> int:
    url = argv[1]
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.begin() as connection:
            connection.execute(text("SELECT 1"))
            if len(argv) == 4 and re.fullmatch(r"[a-z_0-9]+", argv[3]):
                if argv[2] == "--create-schema":
                    connection.execute(text(f'CREATE SCHEMA "{argv[3]}"'))
                elif argv[2] == "--drop-schema":
                    connection.execute(text(f'DROP SCHEMA IF EXISTS "{argv[3]}" CASCADE'))
    except OperationalError:
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
