"""Administrators' sign-in pages (under /portal/, so the URL walk checks them)."""

from django.urls import path

from config.portal.accounts import views

app_name = "signin-admin"

urlpatterns = [
    path("unlock/", views.signin_unlock, name="unlock"),
    path("users/<int:user_id>/reset-second-factors/", views.factors_reset, name="factors-reset"),
]
