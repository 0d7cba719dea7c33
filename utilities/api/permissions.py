"""Who may write through the API: the admin's rules, applied to tokens and sessions.

Reading is open to everyone. Writing needs an authenticated staff account holding the
Django model permission for the action (as in the admin) and then the office rule of
:mod:`utilities.offices`: an office changes only records whose Chinese side is its city or
a place inside it. The stored record is checked here (a 403 before the body is read); the
record as it would be saved is checked by :class:`utilities.api.serializers.RegistrySerializer`.
"""

from rest_framework import permissions

from utilities.offices import can_change


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
        return can_change(request.user, obj)
