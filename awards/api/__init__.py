"""The REST API of the awards app: serializers, viewsets and the routes the root router collects."""
