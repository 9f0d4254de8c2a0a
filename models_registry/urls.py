from django.urls import path

from models_registry.views import editor, pages

urlpatterns = [
    path("", pages.programme_list, name="programme_list"),
    path("new/", pages.programme_create, name="programme_create"),
    path("coverage/", pages.programme_coverage_table, name="programme_coverage"),
    path("settings/", pages.registry_settings, name="programme_settings"),
    path("<int:pk>/", pages.programme_detail, name="programme_detail"),
    path("<int:pk>/preview/", pages.programme_preview, name="programme_preview"),
    path("<int:pk>/publish/", pages.programme_publish, name="programme_publish"),
    path("<int:pk>/new-version/", pages.programme_new_version, name="programme_new_version"),
    path("<int:pk>/archive/", pages.programme_archive, name="programme_archive"),
    path("<int:pk>/delete/", pages.programme_delete, name="programme_delete"),
    path("<int:pk>/edit/", editor.programme_edit, name="programme_edit"),
    path("<int:pk>/edit/fields/", editor.programme_update, name="programme_update"),
    path("<int:pk>/edit/groups/", editor.group_create, name="programme_group_create"),
    path("<int:pk>/edit/groups/<int:group_id>/", editor.group_update, name="programme_group_update"),
    path("<int:pk>/edit/groups/<int:group_id>/delete/", editor.group_delete, name="programme_group_delete"),
    path("<int:pk>/edit/groups/<int:group_id>/move/", editor.group_move, name="programme_group_move"),
    path("<int:pk>/edit/groups/<int:group_id>/criteria/", editor.criterion_create, name="programme_criterion_create"),
    path("<int:pk>/edit/criteria/<int:criterion_id>/", editor.criterion_update, name="programme_criterion_update"),
    path("<int:pk>/edit/criteria/<int:criterion_id>/delete/", editor.criterion_delete,
         name="programme_criterion_delete"),
    path("<int:pk>/edit/criteria/<int:criterion_id>/move/", editor.criterion_move, name="programme_criterion_move"),
    path("<int:pk>/edit/criteria/<int:criterion_id>/audiences/", editor.audience_set,
         name="programme_audience_set"),
    path("<int:pk>/edit/audiences/<int:audience_id>/delete/", editor.audience_delete,
         name="programme_audience_delete"),
    path("<int:pk>/edit/participants/", editor.participant_add, name="programme_participant_add"),
    path("<int:pk>/edit/participants/<int:unit_id>/delete/", editor.participant_remove,
         name="programme_participant_remove"),
]
