import marshmallow as ma


class HomeItemSchema(ma.Schema):
    kind = ma.fields.String(metadata={"description": "notice, poll, survey, report, aid, shift, project or activity"})
    id = ma.fields.Integer(metadata={"description": "the item's id (a shift's activity)"})
    title = ma.fields.String(metadata={"description": "user content: the item's title or description"})
    state = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "a report's, aid post's or project's status, a poll's method, a sign-up's status, "
            "a notice's urgent / pinned / normal"
        },
    )
    at = ma.fields.DateTime(
        allow_none=True,
        metadata={
            "description": "published (notice), closes (poll), moved (my report), starts (shift, activity), created"
        },
    )
    detail = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "a report's category key, an aid post's kind, an activity's place, a notice's read / unread"
        },
    )
    detail_label = ma.fields.String(allow_none=True, metadata={"description": "a report category's name"})


class StaffSchema(ma.Schema):
    role = ma.fields.String(metadata={"description": "committee or grid_worker"})
    counts = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(),
        metadata={
            "description": "committee: members_pending, reports_new, reports_overdue, projects_to_review, "
            "moderation_open, appeals_pending, organisations_pending; grid worker: reports_new, "
            "reports_in_progress, reports_overdue"
        },
    )


class HomeSchema(ma.Schema):
    community_id = ma.fields.Integer()
    urgent = ma.fields.List(
        ma.fields.Nested(HomeItemSchema),
        metadata={"description": "urgent notices of the last week"},
    )
    notices = ma.fields.List(
        ma.fields.Nested(HomeItemSchema),
        metadata={"description": "pinned first, then newest"},
    )
    polls = ma.fields.List(
        ma.fields.Nested(HomeItemSchema),
        metadata={"description": "open polls I may vote in and have not, closing soonest first"},
    )
    surveys = ma.fields.List(
        ma.fields.Nested(HomeItemSchema),
        metadata={
            "description": "open surveys I may answer and have not (at most 3), closing soonest first; state: "
            "the survey's eligibility (verified, household, grid), at: closes (null: no deadline)"
        },
    )
    mine = ma.fields.List(
        ma.fields.Nested(HomeItemSchema),
        metadata={"description": "my open reports (and those closed in the last days), my aid posts under way"},
    )
    next_shift = ma.fields.Nested(HomeItemSchema, allow_none=True)
    grid = ma.fields.List(
        ma.fields.Nested(HomeItemSchema),
        metadata={"description": "new in my grid this week: reports, projects, aid posts, activities"},
    )
    staff = ma.fields.Nested(StaffSchema, allow_none=True)
