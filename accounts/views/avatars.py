from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from accounts.avatars import initials_svg
from accounts.models import Profile


@require_GET
def avatar_initials(request, handle: str):
    """The generated avatar of a profile without an uploaded picture."""
    profile = get_object_or_404(Profile, handle__iexact=handle)
    response = HttpResponse(
        initials_svg(profile.handle, profile.initials), content_type="image/svg+xml"
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response
