"""Moderators see reports filed through the Mastodon API, and site admins the
registered apps and tokens (tokens are stored as digests only)."""

from django.contrib import admin

from mastodon_api.models import Application, Report, Token


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "reporter", "target", "category", "resolved_at")
    list_filter = ("category", "resolved_at")
    search_fields = ("comment", "target__handle", "reporter__handle")
    raw_id_fields = ("reporter", "target", "posts", "resolved_by")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("name", "website", "scopes", "created_at")
    readonly_fields = ("client_id", "client_secret")


@admin.register(Token)
class TokenAdmin(admin.ModelAdmin):
    list_display = ("id", "application", "user", "profile", "scopes", "created_at", "revoked_at")
    readonly_fields = ("token_digest", "refresh_digest")
    raw_id_fields = ("user", "profile", "application")
