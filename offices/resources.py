"""The office rule on every imported row (django-import-export): a row outside the
importing user's office is refused with the one wording of ``offices.rules``."""

from utilities.resources import RegistryResource

from .rules import can_change, office_field, refusal


class OfficeResource(RegistryResource):
    """The resource of an office-kept record."""

    def write_refusal(self, instance):
        return None if can_change(self.user, instance) else refusal(self.user, instance)

    def refusal_attribute(self):
        return office_field(self._meta.model) or "id"
