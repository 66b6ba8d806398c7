from fastapi import APIRouter, Response

from ..auth.dependencies import PaidUser
from ..bookings import repository as booking_records
from ..db.session import SessionDep
from .csv_export import to_csv

router = APIRouter(prefix="/reports", tags=["reports"])

# A report is one download: enough for years of bookings, bounded all the same.
MAX_REPORT_ROWS = 10_000
BOOKING_COLUMNS = ("id", "starts_at", "ends_at", "note", "created_at")


@router.get(
    "/bookings.csv",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}, "description": "The caller's bookings"},
        402: {"description": "The caller's plan does not include reports"},
    },
)
async def bookings_csv(user: PaidUser, session: SessionDep) -> Response:
    """The caller's bookings as CSV. Paid plans only: the plan is read from the database."""
    bookings = await booking_records.bookings_of(session, user.id, MAX_REPORT_ROWS, 0)
    rows = [[booking[column] for column in BOOKING_COLUMNS] for booking in bookings]
    return Response(
        to_csv(BOOKING_COLUMNS, rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="bookings.csv"'},
    )
