"""Shared pieces of the CSV/XLSX import and export (django-import-export), one concern a
module (none knows an app: a place widget is given its model):

- ``widgets``: cells in the words staff use. Places by name in any spelling the search keys
  know (济南 / 濟南 / Jinan, or the slug when a name is ambiguous), choices by label,
  partial dates as "2019", "2019-10", "2019-10-28" or "2019年10月28日";
- ``fields``: columns that span several model fields (a partial date);
- ``base``: the base resource. Chinese column headers (English ones accepted on import);
  every row validated like an admin form (the model's ``full_clean()``, and the office rule
  through ``write_refusal``) and reported with its column; a file with one bad row writes
  nothing; a file with the wrong columns is refused naming them;
- ``formats``: CSV and XLSX that cannot hurt: encoding detected on import (UTF-8 with or
  without BOM, GB18030), formulas written as text on export;
- ``uploads``: the upload between preview and confirm, kept on the server under a signed
  token bound to the user, removed after confirm, cancel or its lifetime;
- ``limits``: the size limits an upload is held to before anything reads it;
- ``errors``: what staff are told when an import cannot run (never a traceback).
"""

from .base import RegistryDiff, RegistryResource
from .fields import PartialDateField
from .widgets import (
    CHINESE_DATE,
    ChoiceWidget,
    CountWidget,
    NamesWidget,
    PartialDateWidget,
    PlaceWidget,
    qualifier_widget,
)

__all__ = [
    "CHINESE_DATE",
    "ChoiceWidget",
    "CountWidget",
    "NamesWidget",
    "PartialDateField",
    "PartialDateWidget",
    "PlaceWidget",
    "RegistryDiff",
    "RegistryResource",
    "qualifier_widget",
]
