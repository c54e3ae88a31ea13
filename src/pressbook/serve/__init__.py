"""`pressbook serve`: the newsroom in a browser, on Starlette and uvicorn (see site.py)."""

from __future__ import annotations

from pathlib import Path

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the newsroom at `root` until interrupted."""
    import uvicorn

    from .site import make_app

    # Open pages hold their event streams open: a stop waits 2 s for them, not for ever.
    uvicorn.run(make_app(root), host=host, port=port, log_level="warning", access_log=False, timeout_graceful_shutdown=2)
