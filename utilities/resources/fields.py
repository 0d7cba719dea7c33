"""Resource fields that span several model fields."""

from import_export import fields

from utilities.partial_dates import read_partial_date, write_partial_date

from .widgets import PartialDateWidget


class PartialDateField(fields.Field):
    """The three ``<prefix>_year/_month/_day`` columns as one spreadsheet column."""

    def __init__(self, prefix, column_name, **kwargs):
        self.prefix = prefix
        super().__init__(
            attribute=f"{prefix}_year",
            column_name=column_name,
            widget=PartialDateWidget(),
            **kwargs,
        )

    def get_value(self, instance):
        return read_partial_date(instance, self.prefix)

    def save(self, instance, row, is_m2m=False, **kwargs):
        write_partial_date(instance, self.prefix, self.clean(row, **kwargs))
