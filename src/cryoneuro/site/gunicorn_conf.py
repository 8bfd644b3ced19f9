"""gunicorn's configuration for production (``make serve``, scripts/serve.sh).

    gunicorn -c python:cryoneuro.site.gunicorn_conf cryoneuro.site.wsgi:application

Read from the environment through the same strict helpers as the settings: a bad value
stops start-up naming it.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryoneuro.site import env

# Loopback by default: the TLS proxy in front (nginx, see the README) is the only client.
bind = [env.get_str("CRYONEURO_BIND", "127.0.0.1:8000")]
# gunicorn's own rule of thumb, 2 x cores + 1 sync workers: one waits on the database
# while another computes. Each worker holds its own numpy/scipy/numba copy (about 150 MB).
workers = env.get_int("CRYONEURO_WORKERS", 2 * (os.cpu_count() or 1) + 1, minimum=1)
# A treatment-plan computation through the API (bioheat solver) runs inside its request and takes
# up to about a minute on one core; twice that before a stuck worker is killed.
timeout = env.get_int("CRYONEURO_WORKER_TIMEOUT", 120, minimum=10)
# Lets a worker finish the requests it holds when stopped (systemd's SIGTERM), within
# systemd's default 90 s stop timeout.
graceful_timeout = 30
# Import the app once before forking: a worker that cannot start fails the master at
# once instead of being restarted in a loop, and the workers share the imported pages.
preload_app = True
wsgi_app = "cryoneuro.site.wsgi:application"
# No runtime control socket: it would sit in $HOME, shared by every gunicorn of the user.
control_socket_disable = True

# Access log on stdout (journald keeps it): the path without the query string (%(U)s,
# never %(r)s or %(q)s: a search's query holds patient names), status, bytes, seconds,
# and the request id that the app puts on every response.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)ss rid=%({x-request-id}o)s'
# The proxy's address: gunicorn then takes the client's from X-Forwarded-For only from it.
forwarded_allow_ips = env.get_str("CRYONEURO_PROXY_ADDRESSES", "127.0.0.1,::1")

# Prometheus metrics (/metrics) from every worker process, not only the one a scrape
# reaches: prometheus_client's multiprocess mode keeps each worker's figures in a file of
# this folder (emptied at each start), and a scrape adds them up. Set before the app is
# imported (preload_app), so every metric is created in that mode.
_metrics_dir = Path(
    os.environ.setdefault(
        "PROMETHEUS_MULTIPROC_DIR",
        str(
            Path(env.get_str("CRYONEURO_VAR_DIR", str(Path(__file__).resolve().parents[3] / "var")))
            / "prometheus"
        ),
    )
)
_metrics_dir.mkdir(parents=True, exist_ok=True)
for _stale in _metrics_dir.glob("*.db"):
    _stale.unlink()


def child_exit(server, worker):
    """A worker that exits: its live gauges leave the sum (its counters stay)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
