from django.urls import path

from accounts.views import auth, avatars, profiles, settings

urlpatterns = [
    path("signup/", auth.signup, name="signup"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("settings/", settings.profile_settings, name="settings"),
    path("settings/password/", auth.change_password, name="change-password"),
    path("settings/members/", settings.members, name="members"),
    path("profiles/new/", settings.new_organisation, name="new-organisation"),
    path("profiles/switch/", profiles.switch_profile, name="switch-profile"),
    path("@<str:handle>/follow/", profiles.follow, name="follow"),
    path("@<str:handle>/unfollow/", profiles.unfollow, name="unfollow"),
    path("avatars/<str:handle>.svg", avatars.avatar_initials, name="avatar-initials"),
]
