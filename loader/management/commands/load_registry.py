"""``manage.py load_registry``: load the whole registry from the fixtures, atomically and
idempotently, after checking every record and every citation's quote. Staff's edits and
deletions stand; a record that both the fixture and staff changed is a conflict, listed with
who changed it and when, and nothing is written until each conflict is resolved with
``--take-fixture KEY`` or ``--keep-current KEY``. ``--check`` verifies without writing.

Messages are in the site's language, Chinese, unless ``--language en`` asks for English
(Django's own commands take their language from ``settings.LANGUAGE_CODE`` too)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from loader.output import change_rows, table
from loader.registry_loader import RegistryLoadError, load


def count_of(count, singular, plural):
    """``ngettext`` with the count filled in: ``%(count)s`` in both forms."""
    return ngettext(singular, plural, count) % {"count": count}


def records(count):
    return count_of(count, "%(count)s 条记录", "%(count)s 条记录")


def staff_edits(count):
    return count_of(count, "%(count)s 处工作人员的修改", "%(count)s 处工作人员的修改")


def staff_deletions(count):
    return count_of(count, "%(count)s 处工作人员的删除", "%(count)s 处工作人员的删除")


def conflicts(count):
    return count_of(count, "%(count)s 处冲突", "%(count)s 处冲突")


class Command(BaseCommand):
    help = (
        "Load the registry from fixtures/ (atomic, idempotent, never overwrites staff's "
        "edits or deletions); --check verifies only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Verify every record and quote, list conflicts, write nothing.",
        )
        parser.add_argument(
            "--fixtures-dir",
            default=None,
            help="Load from another fixtures folder (default: settings.REGISTRY_FIXTURES_DIR).",
        )
        parser.add_argument(
            "--take-fixture",
            action="append",
            default=[],
            metavar="KEY",
            help="Resolve this record (e.g. cities.relationship:3005) with the fixture's "
            "values, overwriting staff's edit or restoring a deleted row. Repeatable.",
        )
        parser.add_argument(
            "--keep-current",
            action="append",
            default=[],
            metavar="KEY",
            help="Resolve this record by keeping the database's current values (or its "
            "deletion); the fixture's change is not applied. Repeatable.",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="The language of the messages: zh-hans (the default, as the site) or en.",
        )

    def handle(self, *args, language=None, **options):
        with translation.override(language or settings.LANGUAGE_CODE):
            self.load(**options)

    def load(self, *, check=False, fixtures_dir=None, **options):
        self.verbose = options["verbosity"] >= 1
        try:
            with transaction.atomic():
                result = load(
                    fixtures_dir,
                    take_fixture=options["take_fixture"],
                    keep_current=options["keep_current"],
                    progress=self.progress if self.verbose else None,
                )
                if check or result.conflicts:
                    transaction.set_rollback(True)
        except RegistryLoadError as failure:
            for line in failure.errors:
                self.stderr.write(f"  {line}")
            raise CommandError(
                count_of(
                    len(failure.errors),
                    "发现 %(count)s 个问题；什么也没有写入。",
                    "发现 %(count)s 个问题；什么也没有写入。",
                )
            ) from None
        self.report(result)
        if result.conflicts:
            self.stderr.write(
                self.style.ERROR(
                    _("%(conflicts)s：数据文件和工作人员都修改了这些记录。")
                    % {"conflicts": conflicts(len(result.conflicts))}
                )
            )
            for line in table(change_rows(result.conflicts)):
                self.stderr.write(line)
            self.stderr.write(
                _(
                    "请逐条解决：--take-fixture KEY（采用数据文件的值）或 "
                    "--keep-current KEY（保留当前的值）。"
                )
            )
            raise CommandError(
                count_of(
                    len(result.conflicts),
                    "%(count)s 处冲突未解决；什么也没有写入。",
                    "%(count)s 处冲突未解决；什么也没有写入。",
                )
            )
        self.summary(result, check)

    def say(self, line=""):
        if self.verbose:
            self.stdout.write(line)

    def progress(self, name, done, total):
        if name is not None:
            self.say(
                _("  正在载入 %(file)s …（已完成 %(done)s/%(total)s 条记录）")
                % {"file": name, "done": done, "total": total}
            )

    def report(self, result):
        if result.adopted:
            self.say(
                count_of(
                    sum(result.adopted.values()),
                    "接管了旧版（按主键）载入程序写入的 %(count)s 行（现在由数据文件的键指明）。",
                    "接管了旧版（按主键）载入程序写入的 %(count)s 行（现在由数据文件的键指明）。",
                )
            )
        for key, side in sorted(result.resolved.items()):
            if side == "fixture":
                self.say(_("已解决 %(key)s：采用数据文件的值。") % {"key": key})
            else:
                self.say(_("已解决 %(key)s：保留当前的值。") % {"key": key})
        if result.kept_edits:
            self.say(
                _("保留了%(edits)s（数据文件没有改动这些记录）：")
                % {"edits": staff_edits(len(result.kept_edits))}
            )
            for line in table(change_rows(result.kept_edits)):
                self.say(line)
        if result.kept_deletions:
            self.say(
                _("保留了%(deletions)s（没有恢复；--take-fixture KEY 可恢复一条）：")
                % {"deletions": staff_deletions(len(result.kept_deletions))}
            )
            for line in table(change_rows(result.kept_deletions)):
                self.say(line)
        if result.retired:
            self.say(
                _("%(records)s曾经载入、已不在数据文件中，保持原样：%(keys)s")
                % {"records": records(len(result.retired)), "keys": ", ".join(result.retired)}
            )

    def summary(self, result, check):
        kept = []
        if result.kept_edits:
            kept.append(staff_edits(len(result.kept_edits)))
        if result.kept_deletions:
            kept.append(staff_deletions(len(result.kept_deletions)))
        kept = (
            _("；保留了%(kept)s") % {"kept": pgettext("load_registry", "和").join(kept)}
            if kept
            else ""
        )
        created, updated = sum(result.created.values()), sum(result.updated.values())
        if check:
            self.say(
                self.style.SUCCESS(
                    _(
                        "检查通过：%(records)s及其引文均已核对；"
                        "载入将新建 %(created)s 条、更新 %(updated)s 条%(kept)s。"
                    )
                    % {
                        "records": records(result.total),
                        "created": created,
                        "updated": updated,
                        "kept": kept,
                    }
                )
            )
            return
        if not result.changed:
            self.say(
                self.style.SUCCESS(
                    _("没有变化：全部 %(records)s都是最新的%(kept)s。")
                    % {"records": records(result.total), "kept": kept}
                )
            )
            return
        for label in sorted(set(result.created) | set(result.updated)):
            self.say(
                _("  %(label)s：新建 %(created)s，更新 %(updated)s")
                % {
                    "label": label,
                    "created": result.created[label],
                    "updated": result.updated[label],
                }
            )
        self.say(
            self.style.SUCCESS(
                _("已载入：新建 %(created)s，更新 %(updated)s，未变 %(unchanged)s%(kept)s。")
                % {
                    "created": created,
                    "updated": updated,
                    "unchanged": sum(result.unchanged.values()),
                    "kept": kept,
                }
            )
        )
