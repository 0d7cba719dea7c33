"""A logging filter that puts the current request's id on every record (``%(request_id)s``)."""

import logging

from . import context


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = context.request_id.get()
        return True
