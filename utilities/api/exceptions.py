"""The API's own exceptions, kept apart from :mod:`utilities.api.errors` because the parser
and the paginator (which DRF imports while its views load) raise them."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("请求体过大。")
    default_code = "request_too_large"


class RequestError(exceptions.ValidationError):
    """A 400 about the request itself (an unknown parameter or field, a read-only field),
    keyed like a validation error, with its own ``code`` (carried by each message, so that
    it survives a serializer's re-raising)."""

    codes = {"unknown_parameter", "unknown_ordering", "read_only_field"}

    def __init__(self, errors, code):
        super().__init__(errors, code=code)


class TooManyParameters(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("查询参数或表单字段过多。")
    default_code = "too_many_parameters"
