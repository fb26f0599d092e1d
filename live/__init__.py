"""The live layer: events published after commit and the streams that carry them.

Every other app emits through `live.publish_on_commit`; nothing else talks to
the hub directly.
"""
