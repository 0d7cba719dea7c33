"""Conditional writes in the API: an ``ETag`` on every detail response and ``412
Precondition Failed`` for a write whose ``If-Match`` names an older version.

The tag is the record's version (``utilities.concurrency``): ``"3"``. A client that read
version 3 sends ``If-Match: "3"`` with its PUT, PATCH or DELETE; if someone saved the
record meanwhile the write is refused with a JSON body naming the current tag. A write
without ``If-Match`` still works (no ``428``); it is still protected at the model against a
save that races it.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

WRITES = {"PUT", "PATCH", "DELETE"}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("记录已被他人修改：If-Match 中的版本不是当前版本。请重新读取后再提交。")
    default_code = "precondition_failed"


def etag_of(instance):
    version = getattr(instance, "version", None)
    return None if version is None else f'"{version}"'


def _tags(header):
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


class ConditionalMixin:
    """Mixed into the base viewset: ``get_object`` checks ``If-Match`` on writes and
    detail responses carry the record's ``ETag``."""

    def get_object(self):
        instance = super().get_object()
        self._conditional_instance = instance
        header = self.request.headers.get("If-Match")
        if self.request.method in WRITES and header and hasattr(instance, "version"):
            tags = _tags(header)
            if "*" not in tags:
                current = etag_of(instance)
                if current not in tags:
                    raise PreconditionFailed(
                        {
                            "detail": PreconditionFailed.default_detail,
                            "current_etag": current,
                        }
                    )
                instance.expect_version(instance.version)
        return instance

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        instance = getattr(self, "_conditional_instance", None)
        if instance is not None and request.method != "DELETE":
            tag = etag_of(instance)
            if tag and (response.status_code < 300 or response.status_code == 412):
                response["ETag"] = tag
        return response
