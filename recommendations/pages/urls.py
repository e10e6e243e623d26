from django.contrib.auth import views as auth_views
from django.urls import path

from ..indicators.pages import indicators_country_page
from ..measures import pages as measure_pages
from ..measures import progress_pages as measure_progress_pages
from ..reviews import pages as review_pages
from ..submissions import views as submission_pages
from ..users.forms import LoginForm
from . import account, bulk, countries, earlier_version, sources, tag_suggestions, tokens, views
from . import history as history_pages
from . import recommendation as progress_pages
from . import work as work_pages
from .feeds import StatusChangesFeed

app_name = "recommendations"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("recommendations/<int:pk>/", progress_pages.recommendation_page, name="detail"),
    path("recommendations/<int:pk>/follow/", work_pages.follow_page, name="follow"),
    path(
        "recommendations/<int:pk>/tag-suggestions/<int:suggestion_id>/",
        tag_suggestions.tag_suggestion_decide_page,
        name="tag-suggestion-decide",
    ),
    path(
        "recommendations/<int:pk>/earlier-version/",
        earlier_version.earlier_version_choose_page,
        name="earlier-version",
    ),
    path("work/", work_pages.work_page, name="work"),
    path("profile/", account.profile_page, name="profile"),
    path("profile/email/<str:token>/", account.email_confirm_page, name="email-confirm"),
    path("password/", account.password_change_page, name="password-change"),
    path("profile/tokens/", tokens.tokens_page, name="tokens"),
    path("feeds/changes/", StatusChangesFeed(), name="feed-changes"),
    path("recommendations/<int:pk>/history/", history_pages.recommendation_history_page, name="history"),
    path("recommendations/<int:pk>/progress/", progress_pages.progress_record_page, name="progress-record"),
    path(
        "recommendations/<int:pk>/progress/<int:update_id>/evidence/",
        progress_pages.entry_evidence_add_page,
        name="entry-evidence-add",
    ),
    path("progress/bulk/", bulk.bulk_progress_page, name="bulk-progress"),
    path("reviews/", review_pages.review_queue_page, name="reviews"),
    path("reviews/<int:pk>/", review_pages.review_decide_page, name="review"),
    path("measures/", measure_pages.measure_list_page, name="measures"),
    path("measures/new/", measure_pages.measure_form_page, name="measure-new"),
    path("measures/link/", measure_pages.measure_link_selected_page, name="measure-link-selected"),
    path("measures/<int:pk>/", measure_pages.measure_detail_page, name="measure"),
    path("measures/<int:pk>/edit/", measure_pages.measure_form_page, name="measure-edit"),
    path("measures/<int:pk>/links/", measure_pages.measure_links_page, name="measure-links"),
    path("measures/<int:pk>/history/", measure_pages.measure_history_page, name="measure-history"),
    path("measures/<int:pk>/progress/", measure_progress_pages.measure_progress_page, name="measure-progress"),
    path(
        "measures/<int:pk>/progress/<int:update_id>/evidence/",
        measure_progress_pages.measure_entry_evidence_page,
        name="measure-entry-evidence",
    ),
    path("sources/<slug:slug>/", sources.source_detail, name="source"),
    path("sources/<slug:slug>/submission/", submission_pages.submission_page, name="source-submission"),
    path("sources/<slug:slug>/submission.docx", submission_pages.submission_docx_page, name="source-submission-docx"),
    path("sources/<slug:slug>/thematic-list.docx", submission_pages.matrix_docx_page, name="source-thematic-list-docx"),
    path("countries/<str:country>/", countries.country_page, name="country"),
    path("countries/<str:country>/submission/", submission_pages.submission_page, name="country-submission"),
    path(
        "countries/<str:country>/submission.docx",
        submission_pages.submission_docx_page,
        name="country-submission-docx",
    ),
    path("indicators/<str:country>/", indicators_country_page, name="indicators-country"),
    path("sources/<slug:slug>/document/", views.source_document, name="source-document"),
    path("sources/<slug:slug>/document/<str:language>/", views.source_document, name="source-document-language"),
    # The admin's login refuses non-staff users; analysts sign in here to see notes.
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="recommendations/login.html",
            authentication_form=LoginForm,
            next_page="recommendations:dashboard",
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="recommendations:dashboard"), name="logout"),
]
