"""Site admins see reports filed through the Mastodon API (read only: they are
resolved or dismissed on /moderation/, which writes the audit log), and the
registered apps and tokens (tokens are stored as digests only)."""

from django.contrib import admin

from mastodon_api.models import Application, Report, Token


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "reporter", "target", "category", "resolved_at")
    list_filter = ("category", "resolved_at")
    search_fields = ("comment", "target__handle", "reporter__handle")
    raw_id_fields = ("reporter", "target", "posts", "resolved_by")

    # Every moderation action goes through mastodon_api.reports and the audit log.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("name", "website", "scopes", "created_at")
    readonly_fields = ("client_id", "client_secret")


@admin.register(Token)
class TokenAdmin(admin.ModelAdmin):
    list_display = ("id", "application", "user", "profile", "scopes", "created_at", "revoked_at")
    readonly_fields = ("token_digest", "refresh_digest")
    raw_id_fields = ("user", "profile", "application")
