"""The REST API of the sources app: serializers, viewsets and the routes the root router collects."""
