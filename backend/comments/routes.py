from flask_smorest import Blueprint

from backend.comments import services
from backend.comments.schemas import CommentCreateSchema, CommentEditSchema, CommentListArgsSchema, ThreadCommentSchema
from backend.core.pagination import PageArgsSchema, page_schema
from backend.core.ratelimit import per_user
from backend.core.web import actor

blp = Blueprint(
    "comments", __name__, url_prefix="/api/v1", description="Comments on projects, reports, aid, activities and notices"
)

# The plural segment of a commentable kind (projects, reports, aid, activities, notices: API contract),
# handed to the views as the kind (project, report, ...) by the converter of backend.core.targets.
TARGETS = "<target_path:target>"


@blp.route(f"/{TARGETS}/<int:target_id>/comments", methods=["GET"])
@blp.arguments(CommentListArgsSchema, location="query")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(ThreadCommentSchema))
def list_comments(args, page, target, target_id):
    """A thread: top-level comments (newest or oldest first) with their first replies, or one comment's
    replies with `parent_id`. Readable by whoever can see the target."""
    return services.list_comments(actor(), target, target_id, order=args["order"], parent_id=args["parent_id"], **page)


@blp.route(f"/{TARGETS}/<int:target_id>/comments", methods=["POST"])
@per_user("RATELIMIT_POSTING")
@blp.arguments(CommentCreateSchema)
@blp.response(201, ThreadCommentSchema)
def post_comment(data, target, target_id):
    """Comment (members of the target's community, pending included, not suspended); `parent_id` replies."""
    return services.post_comment(actor(), target, target_id, **data)


@blp.route("/comments/<int:comment_id>", methods=["PATCH"])
@blp.arguments(CommentEditSchema)
@blp.response(200, ThreadCommentSchema)
def edit_comment(data, comment_id):
    """Correct one's own comment within 15 minutes of posting."""
    return services.edit_comment(actor(), comment_id, **data)


@blp.route("/comments/<int:comment_id>", methods=["DELETE"])
@blp.response(204)
def delete_comment(comment_id):
    """Delete one's own comment; a placeholder keeps its replies in place."""
    services.delete_comment(actor(), comment_id)
