"""Primary and read-only replicas (``DATABASE_REPLICA_URLS``).

Reads go to a replica chosen at random, the same one for the whole request (so that the
registry's generation and the data a page shows come from one replay of the primary: the
read cache keys on it, ``utilities.generation``); writes go to the primary (``default``), and so does
every read after a write in the same request and, through ``ReplicaRoutingMiddleware``'s
cookie, every read of the same client for ``READ_YOUR_WRITES_SECONDS`` after it. Outside a
request (management commands, the shell) everything uses the primary. Migrations run only
on the primary: the replicas follow it by streaming replication.
"""

import random

from django.conf import settings

from . import context


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if context.use_primary.get() or context.wrote.get() or not settings.DATABASE_REPLICAS:
            return "default"
        if context.request_id.get() == "-":  # not serving a request
            return "default"
        replica = context.replica.get()
        if replica not in settings.DATABASE_REPLICAS:
            replica = random.choice(settings.DATABASE_REPLICAS)
            context.replica.set(replica)
        return replica

    def db_for_write(self, model, **hints):
        context.wrote.set(True)
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
