"""What staff are told when an import cannot run: a sentence in their language, never a
traceback, a server path or the database's own message. The detail goes to the log with
the request id, which the sentence gives so that an administrator can find it."""

import logging

from django.db import DatabaseError, DataError, IntegrityError
from django.utils.translation import gettext

logger = logging.getLogger("utilities.imports")


class ImportRefused(Exception):
    """An upload refused before (or instead of) importing it; ``message`` says why, in
    the user's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def reference(request_id):
    return gettext("如需帮助，请把参考编号 %(id)s 告诉管理员。") % {"id": request_id}


def describe(error, request_id):
    """A sentence for an exception raised while importing a row or a file."""
    if isinstance(error, IntegrityError):
        message = gettext("这一行与已有记录冲突（可能重复，或引用的记录已被删除），没有写入。")
    elif isinstance(error, DataError):
        message = gettext("这一行有值超出了数据库允许的长度或范围，没有写入。")
    elif isinstance(error, DatabaseError):
        message = gettext("数据库没能写入这一行，没有写入任何记录。")
    else:
        message = gettext("这一行无法导入（系统内部错误），没有写入任何记录。")
    return f"{message}{reference(request_id)}"


def unexpected(request_id):
    """The sentence for an import that failed as a whole."""
    return gettext("导入时出现意外错误，没有写入任何记录。") + reference(request_id)
