"""Running Follow Through as a service: the gunicorn configuration, the production checks
(`flask check-config`), health endpoints, JSON logs with a request id, and migrations run once."""
