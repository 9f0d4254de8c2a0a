from django.urls import path

from models_registry.views import editor, pages


def _edit(route: str, edit: str, name: str):
    """A POST making one kind of edit of a draft (`editor.EDITS`)."""
    return path(f"<int:pk>/edit/{route}", editor.programme_change, {"edit": edit}, name=name)


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
    _edit("fields/", "programme_update", "programme_update"),
    _edit("groups/", "group_create", "programme_group_create"),
    _edit("groups/<int:object_id>/", "group_update", "programme_group_update"),
    _edit("groups/<int:object_id>/delete/", "group_delete", "programme_group_delete"),
    _edit("groups/<int:object_id>/move/", "group_move", "programme_group_move"),
    _edit("groups/<int:object_id>/criteria/", "criterion_create", "programme_criterion_create"),
    _edit("criteria/<int:object_id>/", "criterion_update", "programme_criterion_update"),
    path("<int:pk>/edit/criteria/<int:object_id>/form/", editor.programme_criterion_form,
         name="programme_criterion_form"),
    _edit("criteria/<int:object_id>/delete/", "criterion_delete", "programme_criterion_delete"),
    _edit("criteria/<int:object_id>/move/", "criterion_move", "programme_criterion_move"),
    _edit("criteria/<int:object_id>/audiences/", "audience_set", "programme_audience_set"),
    _edit("audiences/<int:object_id>/delete/", "audience_delete", "programme_audience_delete"),
    _edit("participants/", "participant_add", "programme_participant_add"),
    _edit("participants/<int:object_id>/delete/", "participant_remove", "programme_participant_remove"),
    _edit("indicators/", "indicator_set", "programme_indicator_set"),
    _edit("indicators/<int:object_id>/delete/", "indicator_delete", "programme_indicator_delete"),
]
