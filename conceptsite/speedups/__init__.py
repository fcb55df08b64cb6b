"""Speed-ups for Python-Markdown, Pygments and `re`: the only place in conceptsite allowed to touch those libraries' internals."""
