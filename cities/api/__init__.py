"""The REST API of the cities app: serializers, viewsets and the routes the root router collects."""
