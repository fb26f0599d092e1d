"""Admin pages: deliveries (queued, failing, given up), incoming activities (the
same states, and refused), blocked domains."""

from django.contrib import admin, messages

from federation import inbox_queue, moderation
from federation.models import Delivery, DomainBlock, IncomingActivity


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("activity_id", "inbox", "state", "attempts", "next_attempt_at", "last_error")
    list_filter = ("state", "domain")
    search_fields = ("activity_id", "inbox", "domain")
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Retry the selected deliveries now")
    def retry_now(self, request, queryset):
        count = moderation.retry_deliveries(queryset)
        messages.success(request, f"{count} deliveries will be retried now.")


@admin.register(IncomingActivity)
class IncomingActivityAdmin(admin.ModelAdmin):
    list_display = ("activity_id", "kind", "domain", "state", "attempts", "received_at", "result")
    list_filter = ("state", "kind", "domain")
    search_fields = ("activity_id", "domain")
    readonly_fields = [f.name for f in IncomingActivity._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Process the selected failing or given-up activities again now")
    def retry_now(self, request, queryset):
        count = inbox_queue.retry(queryset)
        messages.success(request, f"{count} incoming activities will be processed again now.")


@admin.register(DomainBlock)
class DomainBlockAdmin(admin.ModelAdmin):
    list_display = ("domain", "reason", "created_at")
    search_fields = ("domain",)

    def save_model(self, request, obj, form, change) -> None:
        # Blocking goes through the action, which also removes what the domain stored.
        moderation.block_domain(admin=request.user, domain=obj.domain, reason=obj.reason)

    def delete_model(self, request, obj) -> None:
        moderation.unblock_domain(admin=request.user, domain=obj.domain)

    def delete_queryset(self, request, queryset) -> None:
        for row in queryset:
            moderation.unblock_domain(admin=request.user, domain=row.domain)
