"""A Python client generated from ``/api/schema/`` by openapi-python-client works, as an
integrator would use it: generated, imported, and run against a live server (real HTTP)
holding the loaded registry. It lists with filters and pages through, fetches one record,
creates, updates and deletes as an office's token, reads an error, and reads a CSV export.

The client is generated once per session (a few seconds) from the schema the application
serves. ``-m generated_client`` selects this test alone.
"""

import csv
import importlib
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from cities.models import CooperationField, Place, Relationship
from sources.models import Citation
from tests.builders import PASSWORD, office_user

PACKAGE = "registry_client"
# No post-hooks: the generator would otherwise run ruff on the output.
CONFIG = f"post_hooks: []\nproject_name_override: {PACKAGE}\npackage_name_override: {PACKAGE}\n"

pytestmark = pytest.mark.generated_client


def generator():
    found = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
    found = found or shutil.which("openapi-python-client")
    assert found, "openapi-python-client is missing: `make test` installs the test extras"
    return found


@pytest.fixture(scope="session")
def registry_client(tmp_path_factory, django_db_blocker):
    """The generated package, imported (generated once per session)."""
    folder = tmp_path_factory.mktemp("generated-client")
    cache.clear()
    with django_db_blocker.unblock():
        schema = APIClient().get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    (folder / "schema.json").write_bytes(schema.content)
    (folder / "config.yaml").write_text(CONFIG)
    result = subprocess.run(
        [
            generator(),
            "generate",
            "--path", str(folder / "schema.json"),
            "--config", str(folder / "config.yaml"),
            "--meta", "none",
            "--output-path", str(folder / PACKAGE),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # The generator warns about every part of the schema it could not turn into code.
    assert "Warning" not in output, output
    sys.path.insert(0, str(folder))
    try:
        package = importlib.import_module(PACKAGE)
        modules = {
            name: importlib.import_module(f"{PACKAGE}.{name}")
            for name in (
                "api.auth.auth_token_create",
                "api.relationships.relationships_list",
                "api.relationships.relationships_retrieve",
                "api.relationships.relationships_create",
                "api.relationships.relationships_partial_update",
                "api.relationships.relationships_destroy",
                "models",
                "types",
            )
        }
    finally:
        sys.path.remove(str(folder))
    package.modules = modules
    yield package
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def test_a_generated_client_reads_and_writes_the_registry(
    registry_client, live_server, live_registry
):
    cache.clear()
    api = registry_client.modules
    models = api["models"]
    anonymous = registry_client.Client(base_url=live_server.url, raise_on_unexpected_status=True)

    # List with filters, and page through: Wuhan's sister cities, two to a page.
    listing = api["api.relationships.relationships_list"]
    sister = models.RelationshipsListKindItem("sister")
    first = listing.sync(client=anonymous, chinese_place=["wuhan"], kind=[sister], limit=2)
    assert isinstance(first, models.PaginatedRelationshipList)
    wuhan = Place.objects.get(slug="wuhan")
    expected = Relationship.objects.filter(
        chinese_place__in=Place.objects.within(wuhan), kind="sister"
    ).count()
    assert first.count == expected > 2
    seen, offset = [], 0
    while True:
        page = listing.sync(
            client=anonymous, chinese_place=["wuhan"], kind=[sister], limit=2, offset=offset
        )
        seen += page.results
        if not page.next_:
            break
        offset += 2
    assert len(seen) == len({record.id for record in seen}) == expected
    assert {record.kind for record in seen} == {models.RelationshipKindEnum("sister")}

    # A filter value that names nothing is an error in the documented shape.
    refused = listing.sync_detailed(client=anonymous, chinese_place=["no-such-city"])
    assert refused.status_code == 400
    assert isinstance(refused.parsed, models.Error)
    assert "chinese_place" in refused.parsed.errors.additional_properties

    # Fetch one.
    one = api["api.relationships.relationships_retrieve"].sync(seen[0].id, client=anonymous)
    assert isinstance(one, models.Relationship)
    assert one.id == seen[0].id and one.display == seen[0].display

    # An office's token, from the token endpoint.
    office_user("test-wuhan-office", "wuhan")
    token = api["api.auth.auth_token_create"].sync(
        client=anonymous,
        body=models.AuthTokenRequest(username="test-wuhan-office", password=PASSWORD),
    )
    assert isinstance(token, models.AuthToken)
    office = registry_client.AuthenticatedClient(
        base_url=live_server.url, token=token.token, prefix="Token"
    )

    # Create a relationship of Wuhan's with a place it has none with.
    partner = (
        Place.objects.foreign()
        .exclude(pk__in=wuhan.chinese_relationships.values("foreign_place"))
        .order_by("pk")
        .first()
    )
    citation = Citation.objects.filter(report__chinese_place=wuhan).order_by("pk").first()
    field = CooperationField.objects.order_by("pk").first()
    created = api["api.relationships.relationships_create"].sync(
        client=office,
        body=models.RelationshipRequest(
            chinese_place=wuhan.pk,
            foreign_place=partner.pk,
            kind=models.RelationshipKindEnum("friendly"),
            wording="友好交流城市",
            citations=[citation.pk],
            fields=[field.pk],
        ),
    )
    assert isinstance(created, models.Relationship), created
    assert created.level is None
    assert [item.id for item in created.fields] == [field.pk]
    assert Relationship.objects.filter(pk=created.id, foreign_place=partner).exists()

    # Update it: a JSON body, so an empty list is sent as one.
    update = api["api.relationships.relationships_partial_update"]
    updated = update.sync(
        created.id, client=office, body=models.PatchedRelationshipRequest(notes="经客户端更新。")
    )
    assert updated.notes == "经客户端更新。"
    assert Relationship.objects.get(pk=created.id).notes == "经客户端更新。"
    # A multipart body could not say "no fields"; JSON can.
    cleared = update.sync(
        created.id, client=office, body=models.PatchedRelationshipRequest(fields=[])
    )
    assert cleared.fields == []
    assert not Relationship.objects.get(pk=created.id).fields.exists()

    # Delete it; it is gone.
    deleted = api["api.relationships.relationships_destroy"].sync_detailed(
        created.id, client=office
    )
    assert deleted.status_code == 204
    gone = api["api.relationships.relationships_retrieve"].sync_detailed(
        created.id, client=anonymous
    )
    assert gone.status_code == 404 and gone.parsed.code == "not_found"
    assert not Relationship.objects.filter(pk=created.id).exists()

    # Read an export: the same HTTP client, asking for CSV (not a JSON document).
    export = anonymous.get_httpx_client().get(
        "/api/relationships/", params={"format": "csv", "chinese_place": "wuhan", "kind": "sister"}
    )
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert sorted(int(row["id"]) for row in rows) == sorted(record.id for record in seen)
