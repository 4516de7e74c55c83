"""gunicorn settings for `make serve`; every value can be overridden on the command line."""

import os

bind = os.environ.get("POLKU_BIND", "127.0.0.1:8000")
# Threads, not processes per core: requests mostly wait on the database, and live views poll.
worker_class = "gthread"
workers = int(os.environ.get("POLKU_WORKERS", "2"))
threads = int(os.environ.get("POLKU_THREADS", "8"))
# Longer than any poll interval, so a polling browser keeps its connection.
keepalive = 75
timeout = 60
graceful_timeout = 30
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
