"""Public URLs for partner-seeking notices (namespace ``notices``)."""

from django.urls import path

from . import feeds, views

app_name = "notices"

urlpatterns = [
    path("", views.NoticeListView.as_view(), name="notice_list"),
    path("<int:pk>/", views.NoticeDetailView.as_view(), name="notice"),
    path("feed/", feeds.OpenNoticesFeed(), name="notice_feed"),
]
