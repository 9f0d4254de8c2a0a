"""Activity log, a2 KĐCT01 self-assessment (fill, review, rate), multi-source feedback."""

from django.urls import path

from evaluations.views import activities, assessment_review, assessments, commendations, drafts, feedback, meetings, ratings

urlpatterns = [
    # Activity log and sáng kiến (the cadre's own; files for whoever may see the cadre).
    path("activities/", activities.activity_list, name="activity_list"),
    path("activities/new/", activities.activity_create, name="activity_create"),
    path("activities/<int:pk>/delete/", activities.activity_delete, name="activity_delete"),
    path("activities/<int:pk>/photo/", activities.activity_photo, name="activity_photo"),
    path("initiatives/new/", activities.initiative_create, name="initiative_create"),
    path("initiatives/<int:pk>/delete/", activities.initiative_delete, name="initiative_delete"),
    path("initiatives/<int:pk>/document/", activities.initiative_document, name="initiative_document"),
    # Self-assessment: started from an approved registration.
    path("registrations/<int:pk>/self-assessment/", assessments.self_assessment_start,
         name="self_assessment_start"),
    path("self-assessments/<int:pk>/", assessment_review.self_assessment_detail, name="self_assessment_detail"),
    path("self-assessments/<int:pk>/edit/", assessments.self_assessment_edit, name="self_assessment_edit"),
    path("self-assessments/<int:pk>/autosave/", drafts.draft_autosave, {"kind": "self_assessment"},
         name="self_assessment_autosave"),
    path("self-assessments/<int:pk>/submit/", assessments.self_assessment_submit, name="self_assessment_submit"),
    path("self-assessments/<int:pk>/evidence/", assessments.evidence_upload, name="evidence_upload"),
    path("self-assessments/<int:pk>/evidence/pick/", assessments.evidence_pick, name="evidence_pick"),
    path("evidence/<int:pk>/", assessments.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/remove/", assessments.evidence_remove, name="evidence_remove"),
    # Review: return, propose (reviewer), finalise (BTV).
    path("self-assessments/<int:pk>/return/", assessment_review.self_assessment_return, name="self_assessment_return"),
    path("self-assessments/<int:pk>/propose/", assessment_review.self_assessment_propose,
         name="self_assessment_propose"),
    path("self-assessments/<int:pk>/finalise/", assessment_review.self_assessment_finalise,
         name="self_assessment_finalise"),
    # The cadre's sáng kiến of the year, recognised (or not) by the reviewer or the BTV.
    path("self-assessments/<int:pk>/initiatives/<int:initiative_pk>/recognise/", assessment_review.initiative_recognise,
         name="initiative_recognise"),
    path("self-assessments/<int:pk>/initiatives/<int:initiative_pk>/refuse/", assessment_review.initiative_refuse,
         name="initiative_refuse"),
    # The collective decides a unit's proposed yearly ratings at once, after its meeting.
    path("ratings/<slug:tenant_slug>/<str:code>/finalise/", ratings.ratings_finalise_batch,
         name="ratings_finalise_batch"),
    # A unit's commendations (seed 004): its BTV proposes and decides.
    path("commendations/<slug:tenant_slug>/<str:code>/", commendations.commendations_unit, name="commendations_unit"),
    path("commendations/<slug:tenant_slug>/<str:code>/propose/", commendations.commendation_propose_view,
         name="commendation_propose"),
    path("commendations/<slug:tenant_slug>/<str:code>/<int:pk>/decide/", commendations.commendation_decide_view,
         name="commendation_decide"),
    path("commendations/<slug:tenant_slug>/<str:code>/<int:pk>/decline/", commendations.commendation_decline_view,
         name="commendation_decline"),
    # A unit's meetings ("2 giao", "1 liên kết", a club's) and its clubs (seed 003).
    path("meetings/<slug:tenant_slug>/<str:code>/", meetings.unit_meetings, name="unit_meetings"),
    path("meetings/<slug:tenant_slug>/<str:code>/new/", meetings.unit_meeting_create, name="unit_meeting_create"),
    path("meetings/<slug:tenant_slug>/<str:code>/clubs/new/", meetings.club_create_view, name="club_create"),
    path("meetings/<slug:tenant_slug>/<str:code>/clubs/<int:pk>/members/", meetings.club_member_add_view,
         name="club_member_add"),
    path("meetings/<slug:tenant_slug>/<str:code>/members/<int:pk>/leave/", meetings.club_member_leave_view,
         name="club_member_leave"),
    # Multi-source feedback: the reviewer's request, the public one-time form.
    path("self-assessments/<int:pk>/feedback/new/", feedback.feedback_request_create,
         name="feedback_request_create"),
    path("feedback/<str:token>/", feedback.feedback_form, name="feedback_form"),
]
