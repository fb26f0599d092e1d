from accounts.middleware import profiles_for


def profiles(request):
    """The active profile and the others this login may switch to."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"active_profile": None, "my_profiles": []}
    profile = getattr(request, "profile", None)
    return {"active_profile": profile, "my_profiles": profiles_for(request)}
