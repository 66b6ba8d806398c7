from typing import Annotated

from fastapi import APIRouter, Path

from ..auth import repository
from ..auth.dependencies import AdminUser
from ..auth.schemas import UserOut
from ..bookings.schemas import MAX_ID
from ..db import SessionDep
from ..dependencies import PageDep
from ..errors import NotFound
from .schemas import PlanChange, UserPage

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


@router.get("/users")
async def list_users(_admin: AdminUser, session: SessionDep, page: PageDep) -> UserPage:
    users = await repository.users_page(session, page.limit, page.offset)
    return UserPage.of([UserOut.model_validate(user) for user in users], page)


@router.put("/users/{user_id}/plan")
async def change_plan(
    user_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    body: PlanChange,
    _admin: AdminUser,
    session: SessionDep,
) -> UserOut:
    """Set a user's plan by hand (a refund, a comped account, payments handled elsewhere)."""
    user = await repository.user_by_id(session, user_id)
    if user is None:
        raise NotFound("No such user.")
    user.plan = body.plan
    await session.flush()
    return UserOut.model_validate(user)
