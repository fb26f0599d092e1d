from django.apps import AppConfig


class GatheringConfig(AppConfig):
    """Posts of a chat gathered from other servers' public Mastodon APIs: archives of
    chats held elsewhere (docs/federation.md). Sits above federation, whose fetching
    brings each post in through its ActivityPub id."""

    name = "gathering"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: these modules load models, which are ready only now.
        from chats import panels
        from core import worker
        from federation import incoming, outgoing
        from gathering import archive, streaming, watching
        from gathering.relays import accepted_inboxes, take_relayed
        from gathering.views import watched_panel

        # What a subscribed relay sends is taken here before federation's own handlers.
        if take_relayed not in incoming.FIRST_HANDLERS:
            incoming.FIRST_HANDLERS.append(take_relayed)
        # This server's public posts go to the relays it is subscribed to.
        if accepted_inboxes not in outgoing.PUBLIC_INBOXES:
            outgoing.PUBLIC_INBOXES.append(accepted_inboxes)

        # The watched servers' state, on the hosts' view of an event page.
        panels.register(watched_panel)

        # Archives asked for on the pages or the API are built by the worker.
        worker.every(2.0, archive.run_next)
        # Watched servers' tag timelines while a chat is live (each server every few seconds).
        worker.every(1.0, watching.poll_due)
        # Their public streaming API where they allow it (polling then only catches up).
        worker.every(1.0, streaming.sync)
