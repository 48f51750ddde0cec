"""Worker processes that must not outlive the process that started them (build workers, site
render workers, the SPARQL workers of `serve`)."""
from __future__ import annotations

import os


def die_with_parent(parent: int) -> None:
    """Make this worker process end when its parent `parent` does, however that dies (a killed
    build must not leave workers running): on Linux the kernel sends SIGKILL
    (prctl PR_SET_PDEATHSIG), elsewhere a thread polls the parent's id."""
    import signal
    import sys

    armed = False
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            armed = ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # it died before the signal was asked for
        os._exit(1)
    if not armed:
        import threading
        import time

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1)
            os._exit(1)

        threading.Thread(target=watch, name="parent-watch", daemon=True).start()
