"""Security headers Django does not add by itself."""

from django.conf import settings

CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(("/admin/", "/api/hashchat/v1/docs")):
            response.headers.setdefault("Content-Security-Policy", CSP)
        if settings.USE_HTTPS:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
