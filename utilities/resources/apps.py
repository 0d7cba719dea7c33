"""django-import-export as an installed app (its admin views, templates and translations),
with its formats listed when the app is configured: before the admin's discovery imports
``import_export.admin``, and without loading the spreadsheet libraries
(``utilities.resources.formats``). Named in ``INSTALLED_APPS`` in place of the app's own
name."""

from django.apps import AppConfig

from . import formats  # noqa: F401 - imports import-export's formats, libraries unloaded


class ImportExportConfig(AppConfig):
    name = "import_export"
