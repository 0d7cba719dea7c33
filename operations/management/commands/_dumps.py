"""What ``backup`` and ``restore`` share: where a database's dump goes and how it is made.

PostgreSQL is dumped with its own tools (``pg_dump --format=custom`` and ``pg_restore
--clean --single-transaction``): a consistent snapshot of a live database, restored whole
or not at all. SQLite uses Python's online backup API, which copies a live database page by
page (a file, or the in-memory database of the tests). No extra dependency: django-dbbackup
wraps the same tools and adds storage back ends this registry does not need.
"""

import os
import sqlite3

from django.core.management.base import CommandError
from django.db import connections


def vendor(alias):
    engine = connections[alias].vendor
    if engine not in ("postgresql", "sqlite"):
        raise CommandError(f"backup and restore support PostgreSQL and SQLite, not {engine}.")
    return engine


def pg_arguments(alias):
    """Connection options for pg_dump/pg_restore and the environment with the password."""
    settings = connections[alias].settings_dict
    arguments = ["--no-owner", "--no-privileges", "--dbname", settings["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            arguments += [option, str(settings[key])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return arguments, env


def sqlite_copy(source, target):
    source.backup(target)
    target.commit()


def sqlite_connection(alias):
    connection = connections[alias]
    connection.ensure_connection()
    return connection.connection


def open_file_database(path):
    return sqlite3.connect(path)
