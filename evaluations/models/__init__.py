"""Evaluation cycles, the two forms (a1 ĐKCT01 registration, a2 KĐCT01 self-assessment),
their timeline, the activity log and multi-source feedback.

State changes go through `evaluations.workflow` (transitions) and `evaluations.services`
(drafts, activity log, cycles, feedback); reads through `evaluations.selectors`.
"""

from evaluations.models.activities import Activity, Initiative, InitiativeState
from evaluations.models.commendations import Commendation, CommendationGround, CommendationState
from evaluations.models.cycles import (
    CapMode,
    Cycle,
    CycleDeadline,
    CycleStatus,
    DeadlineExtension,
    DeadlineKind,
    EvaluationSettings,
)
from evaluations.models.feedback import Feedback, FeedbackRequest, FeedbackSource
from evaluations.models.forms import (
    AssessmentPeriod,
    AssessmentState,
    Commitment,
    CommitmentResult,
    EvidenceFile,
    FormAction,
    FormEvent,
    MeetingPurpose,
    Rating,
    RatingMeeting,
    Registration,
    RegistrationState,
    ResultOutcome,
    SelfAssessment,
)
from evaluations.models.meetings import Club, ClubMember
from evaluations.models.unit_forms import (
    UnitAssessmentState,
    UnitCommitment,
    UnitRegistration,
    UnitResult,
    UnitSelfAssessment,
)

__all__ = [
    "Activity", "AssessmentPeriod", "AssessmentState", "CapMode", "Club", "ClubMember", "Commendation",
    "CommendationGround", "CommendationState", "Commitment",
    "CommitmentResult", "Cycle", "CycleDeadline", "CycleStatus", "DeadlineExtension", "DeadlineKind",
    "EvaluationSettings", "EvidenceFile", "Feedback", "FeedbackRequest", "FeedbackSource", "FormAction", "FormEvent",
    "Initiative", "InitiativeState", "MeetingPurpose", "Rating", "RatingMeeting", "Registration", "RegistrationState",
    "ResultOutcome", "SelfAssessment", "UnitAssessmentState", "UnitCommitment", "UnitRegistration", "UnitResult",
    "UnitSelfAssessment",
]
