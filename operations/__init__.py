"""Running the registry in production: request ids in the logs, the health endpoint, JSON
errors for the API even when the database is down, the login lockout's answer, the
primary/replica database router, and the backup and restore commands."""
