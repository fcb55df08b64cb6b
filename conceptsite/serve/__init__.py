"""The preview server: HTTP, the request policy, watching, and live reload.

May import: everything but cli."""
