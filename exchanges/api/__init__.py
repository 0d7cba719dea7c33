"""The REST API of the exchanges app: serializers, viewsets and the routes the root router collects."""
