"""The REST API of the notices app: serializer, viewset and the routes the root router collects."""
