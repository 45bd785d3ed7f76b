"""gunicorn settings: `gunicorn wsgi:app` reads this file from the working directory."""

import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Logs to stdout for the platform. The access line has the method, the path without its query
# string, the status and the duration: no client address, no referrer, no user agent.
accesslog = "-"
errorlog = "-"
access_log_format = '%(m)s %(U)s %(s)s %(L)ss'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
