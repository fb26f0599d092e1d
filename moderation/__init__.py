"""The site admins' moderation pages (/moderation/): open reports with resolve and
dismiss, suspending and restoring profiles, and the audit log. A whole-product tool
on top of the layers (like the command line): it calls accounts.moderation and
mastodon_api.reports, which do the writing and the logging."""
