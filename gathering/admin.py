from django.contrib import admin, messages

from core.errors import ActionError
from gathering import relays
from gathering.models import Archive, Relay, WatchedServer


@admin.register(Relay)
class RelayAdmin(admin.ModelAdmin):
    """Add a relay by its actor's address (https://relay.example/actor): the server
    sends the Follow; deleting one sends Undo Follow."""

    list_display = ("actor_uri", "state", "posts_in", "created_at")
    fields = ("actor_uri",)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None

    def save_model(self, request, obj, form, change) -> None:
        try:
            made = relays.subscribe(user=request.user, actor_url=obj.actor_uri)
        except ActionError as e:
            self.message_user(request, e.message, level=messages.ERROR)
            return
        obj.pk = made.pk

    def delete_model(self, request, obj) -> None:
        relays.unsubscribe(user=request.user, relay=obj)

    def delete_queryset(self, request, queryset) -> None:
        for relay in queryset:
            relays.unsubscribe(user=request.user, relay=relay)


@admin.register(Archive)
class ArchiveAdmin(admin.ModelAdmin):
    list_display = ("series", "starts_at", "state", "found", "imported", "created_at")
    readonly_fields = [f.name for f in Archive._meta.fields]


@admin.register(WatchedServer)
class WatchedServerAdmin(admin.ModelAdmin):
    list_display = ("series", "base_url", "failures", "last_error", "brought_in")
