"""Publishing the editions to readers: a static website with its catalogues (site.py, feeds.py)."""
