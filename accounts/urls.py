from django.urls import path

from accounts import views

urlpatterns = [
    path("avatars/<str:handle>.svg", views.avatar_initials, name="avatar-initials"),
]
