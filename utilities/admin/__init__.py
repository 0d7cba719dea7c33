"""The staff workspace's generic admin pieces, one concern per module (none knows an app):

- ``records``: the base admin of a registry record (history with revert and a change
  note, CSV/XLSX import and export) and of reference data;
- ``search``: search by the stored ``search_text`` keys in any spelling;
- ``filters``: list filters by Chinese place (including the places inside it), country
  and year;
- ``display``: links, labels and partial-date columns.

The office rule is added on top by ``offices.admin_mixins``.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("国际友好城市登记册 · 外办工作台")
admin.site.site_title = _("友城登记册工作台")
admin.site.index_title = _("登记册管理")
