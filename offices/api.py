"""Who may write through the API: the admin's rules, applied to tokens and sessions.

Reading is open to everyone. Writing needs an authenticated staff account holding the
Django model permission for the action (as in the admin) and then the office rule of
:mod:`offices.rules`: an office changes only records whose Chinese side is its city or a
place inside it. The stored record is checked before the body is read; the record as it
would be saved is checked by the serializer (``RegistrySerializer.validate`` asks the view's
``check_object_permissions``), with the one wording of :func:`offices.rules.refusal`.
"""

from rest_framework import permissions

from utilities.api.views import ReadOnlyRegistryViewSet, RegistryViewSet

from .rules import can_change, can_delete, refusal


class OfficePermission(permissions.DjangoModelPermissions):
    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            return False
        return super().has_permission(request, view)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        allowed = can_delete if request.method == "DELETE" else can_change
        if allowed(request.user, obj):
            return True
        self.message = refusal(request.user, obj)
        return False


class OfficeViewSet(RegistryViewSet):
    """Read by anyone; created, changed and deleted by staff within their office."""

    permission_classes = [OfficePermission]


class ReadOnlyOfficeViewSet(ReadOnlyRegistryViewSet):
    """Computed, read-only views of the registry; writes are refused as elsewhere."""

    permission_classes = [OfficePermission]
